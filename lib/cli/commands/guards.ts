import { type Command, Option } from 'commander';
import { withEndpoint } from '../endpoint-option';
import { integer } from '../input';
import { lazyAction } from '../lazy-action';

const actions = () => import('../actions/guards');

export function registerGuardsCommand(program: Command): void {
  const guards = program
    .command('guards')
    .description('attach instances as authorizers and pre-hooks of operations and actions');

  withEndpoint(
    guards
      .command('attach')
      .description('attach an instance; attaching it again in the same role replaces it')
      .argument('<instance>', 'an instance of a plugin with an authorizer or preHook handler')
      .addOption(
        new Option('--role <role>', 'every authorizer must allow; a pre-hook may veto')
          .choices(['authorizer', 'preHook'])
          .makeOptionMandatory(),
      )
      .option(
        '--plugin <slug>',
        'guard only calls of this plugin (repeatable; default: every plugin)',
        (slug: string, all: string[]) => [...all, slug],
        [] as string[],
      )
      .option(
        '--order <n>',
        'lower runs first (default: the instance order)',
        integer('--order', -1_000_000, 1_000_000),
      ),
  ).action(lazyAction(actions, 'attachGuard'));

  withEndpoint(
    guards
      .command('list')
      .description('attached guards, in the order they run')
      .option('--json', 'print them as JSON'),
  ).action(lazyAction(actions, 'listGuards'));

  withEndpoint(
    guards
      .command('detach')
      .description('detach a guard')
      .argument('<id>', 'the guard id, <role>:<instance>'),
  ).action(lazyAction(actions, 'detachGuard'));
}
