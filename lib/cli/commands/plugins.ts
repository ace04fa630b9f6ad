import { type Command, Option } from 'commander';
import { withEndpoint } from '../endpoint-option';
import { lazyAction } from '../lazy-action';

const actions = () => import('../actions/plugins');

export function registerPluginsCommand(program: Command): void {
  const plugins = program
    .command('plugins')
    .description('the plugins a running platform serves: its load report, manifests, docs and templates');

  withEndpoint(
    plugins
      .command('list')
      .description('the load report of the running platform: loaded plugins, skipped ones and errors')
      .option('--json', 'print the report as JSON'),
  ).action(lazyAction(actions, 'listPlugins'));

  withEndpoint(
    plugins
      .command('get')
      .description(
        "show a plugin's manifest, status, handlers and the JSON Schemas of its options and actions",
      )
      .argument('<slug>', 'plugin slug'),
  ).action(lazyAction(actions, 'getPlugin'));

  withEndpoint(
    plugins
      .command('docs')
      .description("print a plugin's documentation topics as an outline")
      .argument('<slug>', 'plugin slug')
      .option('--topic <path>', 'one topic and its subtopics, e.g. overview.setup')
      .addOption(
        new Option('--detail <level>', 'summaries only, or each topic in full with its examples')
          .choices(['summary', 'full'])
          .default('summary'),
      )
      .option('--json', 'print the topics as JSON'),
  ).action(lazyAction(actions, 'pluginDocs'));

  withEndpoint(
    plugins
      .command('template')
      .description(
        'print a starter instance as JSON: the body of POST /v1/instances and of PUT its credentials',
      )
      .argument('<slug>', 'plugin slug'),
  ).action(lazyAction(actions, 'pluginTemplate'));
}
