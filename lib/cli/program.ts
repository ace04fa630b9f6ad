import { Command } from 'commander';
import { PlugboardError } from '../sdk/errors';
import { registerStartCommand } from './commands/start';
import { registerValidateCommand } from './commands/validate';

/** The `plugboard` CLI; each command lives in its own file under ./commands and registers itself here. */
export function buildProgram(): Command {
  const program = new Command('plugboard')
    .description('Plugboard: serverless plugin functions, deployed to AWS or run on one machine')
    .showHelpAfterError();
  registerStartCommand(program);
  registerValidateCommand(program);
  return program;
}

/** Runs the CLI; a PlugboardError is the user's to fix, so it prints as one line instead of a stack. */
export async function runCli(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (!(error instanceof PlugboardError)) throw error;
    console.error(`plugboard: ${error.message}`);
    process.exitCode = 1;
  }
}
