import type { Command } from 'commander';
import { withEndpoint } from '../endpoint-option';
import { lazyAction } from '../lazy-action';

const actions = () => import('../actions/credentials');

export function registerCredentialsCommand(program: Command): void {
  const credentials = program
    .command('credentials')
    .description("set, show and delete an instance's credentials (values are write-only)");

  withEndpoint(
    credentials
      .command('set')
      .description(
        "replace the instance's credentials; values are read from --value or stdin and never echoed",
      )
      .argument('<instance>', 'instance name')
      .option(
        '--value <name=value>',
        'a credential (repeatable); without it, stdin holds JSON or name=value lines',
        (v: string, all: string[]) => [...all, v],
        [] as string[],
      ),
  ).action(lazyAction(actions, 'setCredentials'));

  withEndpoint(
    credentials
      .command('show')
      .description('which credentials are set and which are missing, never values')
      .argument('<instance>', 'instance name'),
  ).action(lazyAction(actions, 'showCredentials'));

  withEndpoint(
    credentials
      .command('delete')
      .description("remove the instance's credentials")
      .argument('<instance>', 'instance name'),
  ).action(lazyAction(actions, 'deleteCredentials'));
}
