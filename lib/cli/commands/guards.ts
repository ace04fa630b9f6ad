import { type Command, Option } from 'commander';
import { clientFor, type EndpointOptions, withEndpoint } from '../api';
import { integer } from '../input';
import { printJson, printTable } from '../output';

interface AttachOptions extends EndpointOptions {
  role: 'authorizer' | 'preHook';
  plugin: string[];
  order?: number;
}

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
  ).action(async (instance: string, options: AttachOptions) => {
    const guard = await clientFor(options).guards.attach({
      instance,
      role: options.role,
      ...(options.plugin.length > 0 ? { plugins: options.plugin } : {}),
      ...(options.order !== undefined ? { order: options.order } : {}),
    });
    console.log(
      `attached ${guard.id} to ${guard.plugins.length > 0 ? guard.plugins.join(', ') : 'every plugin'}`,
    );
  });

  withEndpoint(
    guards
      .command('list')
      .description('attached guards, in the order they run')
      .option('--json', 'print them as JSON'),
  ).action(async (options: EndpointOptions & { json?: boolean }) => {
    const { guards: all } = await clientFor(options).guards.list();
    if (options.json) return printJson(all);
    if (all.length === 0) return console.log('no guards');
    printTable(
      ['ID', 'ORDER', 'PLUGINS'],
      all.map((g) => [g.id, String(g.order), g.plugins.join(', ') || '(every plugin)']),
    );
  });

  withEndpoint(
    guards
      .command('detach')
      .description('detach a guard')
      .argument('<id>', 'the guard id, <role>:<instance>'),
  ).action(async (id: string, options: EndpointOptions) => {
    await clientFor(options).guards.detach(id);
    console.log(`detached ${id}`);
  });
}
