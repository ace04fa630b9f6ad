import type { Command } from 'commander';

/**
 * Exit codes, decided here and nowhere else. A command exits 0 when it did what it was asked, 1 on
 * a user error (bad input, failed checks, an API error) and 2 on a usage error. A command that
 * answers a yes/no question (`events test-pattern`) exits as grep does: 0 yes, 1 no, 2 when it could
 * not tell (bad input, a refused request, no platform), so a script never reads an error as "no".
 */
export const EXIT_USER_ERROR = 1;
export const EXIT_USAGE = 2;
const EXIT_NO = 1;
const EXIT_UNANSWERED = 2;

const questions = new WeakSet<Command>();

/** Marks a command as a yes/no question: its errors exit 2, clear of its "no". */
export function yesNoQuestion(command: Command): Command {
  questions.add(command);
  return command;
}

/** The exit code of a yes/no question's answer. */
export const answerExitCode = (yes: boolean): number => (yes ? 0 : EXIT_NO);

export const isQuestion = (command: Command | undefined): boolean =>
  command !== undefined && questions.has(command);

/** The exit code of a command that failed with an error; `command` is undefined when none had started. */
export const errorExitCode = (command: Command | undefined): number =>
  isQuestion(command) ? EXIT_UNANSWERED : EXIT_USER_ERROR;
