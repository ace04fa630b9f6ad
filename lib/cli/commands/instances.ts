import type { Command } from 'commander';
import { withEndpoint } from '../endpoint-option';
import { etag, integer } from '../input';
import { lazyAction } from '../lazy-action';

/**
 * The ETag names which instance of the name as well as its version: a version alone matches only
 * an instance made before generations.
 */
const IF_MATCH =
  'only if the instance is still the one with this ETag, as `instances get` shows it (quotes optional)';

const actions = () => import('../actions/instances');

export function registerInstancesCommand(program: Command): void {
  const instances = program
    .command('instances')
    .description('create, list, get, update and delete plugin instances');

  withEndpoint(
    instances
      .command('list')
      .description('list instances, following every page')
      .option('--plugin <slug>', 'only instances of this plugin')
      .option('--json', 'print them as JSON'),
  ).action(lazyAction(actions, 'listInstances'));

  withEndpoint(
    instances
      .command('get')
      .description('show an instance and its ETag as JSON')
      .argument('<name>', 'instance name'),
  ).action(lazyAction(actions, 'getInstance'));

  withEndpoint(
    instances
      .command('create')
      .description('create an instance; options are checked against the plugin manifest')
      .argument('<name>', 'instance name: a-z, 0-9 and "-", starting with a letter')
      .requiredOption('--plugin <slug>', 'the plugin it is an instance of')
      .option('--options <json>', 'instance options as a JSON object')
      .option('--description <text>', 'what the instance is for'),
  ).action(lazyAction(actions, 'createInstance'));

  withEndpoint(
    instances
      .command('update')
      .description('change an instance; its options take a JSON merge patch (null removes one)')
      .argument('<name>', 'instance name')
      .option('--options <json>', 'options to change, as a JSON object')
      .option('--description <text>', 'what the instance is for')
      .option('--context <json>', 'the call context it gives its calls, as a JSON object')
      .option(
        '--order <n>',
        'where it runs among instances of its plugin',
        integer('--order', -1_000_000, 1_000_000),
      )
      .option('--if-match <etag>', IF_MATCH, etag, '*'),
  ).action(lazyAction(actions, 'updateInstance'));

  withEndpoint(
    instances
      .command('delete')
      .description('delete an instance and its credentials')
      .argument('<name>', 'instance name')
      .option('--if-match <etag>', IF_MATCH, etag),
  ).action(lazyAction(actions, 'deleteInstance'));
}
