import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { PlugboardApiError } from '../client/errors';
import { PlugboardError } from '../sdk/errors';
import { registerCredentialsCommand } from './commands/credentials';
import { registerDevCommand } from './commands/dev';
import { registerDlqCommand } from './commands/dlq';
import { registerEventsCommand } from './commands/events';
import { registerGuardsCommand } from './commands/guards';
import { registerInstancesCommand } from './commands/instances';
import { registerInvokeCommand } from './commands/invoke';
import { registerNewCommand } from './commands/new';
import { registerPluginsCommand } from './commands/plugins';
import { registerStartCommand } from './commands/start';
import { registerSubscriptionsCommand } from './commands/subscriptions';
import { registerTestCommand } from './commands/test';
import { registerValidateCommand } from './commands/validate';
import { registerWebhooksCommand } from './commands/webhooks';
import { EXIT_USAGE, errorExitCode, isQuestion } from './exit-codes';

/**
 * The `plugboard` CLI; each command lives in its own file under ./commands and registers itself here.
 * A command's file only declares it: what it does is under ./actions, imported when it runs.
 */
export function buildProgram(): Command {
  const program = new Command('plugboard')
    .description('Plugboard: serverless plugin functions, deployed to AWS or run on one machine')
    .version(packageJson.version, '-V, --version', 'print the version')
    // Set before the commands are added: commander copies both settings into each subcommand.
    .exitOverride()
    .configureOutput({
      outputError: (text, write) =>
        write(`plugboard: ${text.replace(/^error: /, '').trimEnd()} (see --help)\n`),
    });
  registerStartCommand(program);
  registerDevCommand(program);
  registerValidateCommand(program);
  registerNewCommand(program);
  registerTestCommand(program);
  registerPluginsCommand(program);
  registerInvokeCommand(program);
  registerInstancesCommand(program);
  registerCredentialsCommand(program);
  registerEventsCommand(program);
  registerSubscriptionsCommand(program);
  registerGuardsCommand(program);
  registerWebhooksCommand(program);
  registerDlqCommand(program);
  program.addHelpText(
    'after',
    [
      '',
      'Exit codes: 0 done, 1 an error (bad input, failed checks, a refused request), 2 a usage error;',
      'events test-pattern answers as grep does: 0 it matches, 1 it does not, 2 an error.',
    ].join('\n'),
  );
  return program;
}

/** Runs the CLI; an error that is the user's to fix prints as one line instead of a stack. */
export async function runCli(argv: readonly string[] = process.argv): Promise<void> {
  const program = buildProgram();
  let running: Command | undefined;
  program.hook('preAction', (_program, command) => {
    running = command;
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message (or the help) already.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    if (!(error instanceof PlugboardError || error instanceof PlugboardApiError)) {
      // A crash would exit 1, which a yes/no question means as "no".
      if (!isQuestion(running)) throw error;
      console.error(error);
      process.exitCode = errorExitCode(running);
      return;
    }
    const errors = error.errors ?? [];
    const detail = error instanceof PlugboardApiError ? error.detail : error.message;
    const fields =
      errors.length > 0 && !detail.includes(errors[0]!.detail)
        ? ` (${errors.map((e) => `${e.pointer}: ${e.detail}`).join('; ')})`
        : '';
    const retry = error.retryAt ? `; retry after ${error.retryAt.toISOString()}` : '';
    console.error(`plugboard: ${error.message}${fields}${retry}`);
    process.exitCode = errorExitCode(running);
  }
}
