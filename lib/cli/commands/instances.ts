import type { Command } from 'commander';
import { clientFor, type EndpointOptions, withEndpoint } from '../api';
import { etag, integer, jsonObject } from '../input';
import { printJson, printTable } from '../output';

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
  ).action(async (options: EndpointOptions & { plugin?: string; json?: boolean }) => {
    const all = [];
    for await (const instance of clientFor(options).instances.all({ plugin: options.plugin }))
      all.push(instance);
    if (options.json) return printJson(all);
    if (all.length === 0) return console.log('no instances');
    printTable(
      ['NAME', 'PLUGIN'],
      all.map((i) => [i.name, i.plugin]),
    );
  });

  withEndpoint(
    instances
      .command('get')
      .description('show an instance and its ETag as JSON')
      .argument('<name>', 'instance name'),
  ).action(async (name: string, options: EndpointOptions) => {
    const { instance, etag } = await clientFor(options).instances.get(name);
    printJson({ ...instance, etag });
  });

  withEndpoint(
    instances
      .command('create')
      .description('create an instance; options are checked against the plugin manifest')
      .argument('<name>', 'instance name: a-z, 0-9 and "-", starting with a letter')
      .requiredOption('--plugin <slug>', 'the plugin it is an instance of')
      .option('--options <json>', 'instance options as a JSON object')
      .option('--description <text>', 'what the instance is for'),
  ).action(
    async (
      name: string,
      options: EndpointOptions & { plugin: string; options?: string; description?: string },
    ) => {
      const created = await clientFor(options).instances.create({
        name,
        plugin: options.plugin,
        ...(options.options ? { options: jsonObject(options.options, '--options') } : {}),
        ...(options.description ? { description: options.description } : {}),
      });
      console.log(`created instance ${created.name} of ${created.plugin}`);
    },
  );

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
      .option('--if-match <etag>', 'only if the instance still has this ETag ("3", or 3)', etag, '*'),
  ).action(
    async (
      name: string,
      options: EndpointOptions & {
        options?: string;
        description?: string;
        context?: string;
        order?: number;
        ifMatch: string;
      },
    ) => {
      const updated = await clientFor(options).instances.patch(
        name,
        {
          ...(options.options ? { options: jsonObject(options.options, '--options') } : {}),
          ...(options.description !== undefined ? { description: options.description } : {}),
          ...(options.context ? { context: jsonObject(options.context, '--context') } : {}),
          ...(options.order !== undefined ? { order: options.order } : {}),
        },
        { ifMatch: options.ifMatch },
      );
      console.log(`updated instance ${updated.name} to version ${updated.version}`);
    },
  );

  withEndpoint(
    instances
      .command('delete')
      .description('delete an instance and its credentials')
      .argument('<name>', 'instance name')
      .option('--if-match <etag>', 'only if the instance still has this ETag ("3", or 3)', etag),
  ).action(async (name: string, options: EndpointOptions & { ifMatch?: string }) => {
    await clientFor(options).instances.delete(name, { ifMatch: options.ifMatch });
    console.log(`deleted instance ${name}`);
  });
}
