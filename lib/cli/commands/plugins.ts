import { type Command, Option } from 'commander';
import type { PluginDocs } from '../../client';
import { issueText } from '../../core/loader';
import { pluginDetail } from '../../core/loader/format-report';
import { clientFor, type EndpointOptions, withEndpoint } from '../api';
import { printJson, printTable } from '../output';

type JsonOption = EndpointOptions & { json?: boolean };
interface DocsOptions extends JsonOption {
  topic?: string;
  detail: 'summary' | 'full';
}
interface TopicView {
  topic: string;
  summary: string;
  detail?: string;
  examples?: string[];
  subtopics: TopicView[];
}

/** Topics as an outline: each under its parent, its detail and examples indented below it. */
function printTopics(topics: readonly TopicView[], depth = 0): void {
  const indent = '  '.repeat(depth);
  for (const topic of topics) {
    console.log(`${indent}${topic.topic}: ${topic.summary}`);
    for (const line of topic.detail?.split('\n') ?? []) console.log(`${indent}  ${line}`.trimEnd());
    for (const example of topic.examples ?? []) console.log(`${indent}  example: ${example}`);
    printTopics(topic.subtopics, depth + 1);
  }
}

export function registerPluginsCommand(program: Command): void {
  const plugins = program
    .command('plugins')
    .description('the plugins a running platform serves: its load report, manifests, docs and templates');

  withEndpoint(
    plugins
      .command('list')
      .description('the load report of the running platform: loaded plugins, skipped ones and errors')
      .option('--json', 'print the report as JSON'),
  ).action(async (options: JsonOption) => {
    const report = await clientFor(options).plugins.list();
    if (options.json) return printJson(report);
    printTable(
      ['STATUS', 'SLUG', 'DETAIL'],
      [
        ...report.plugins.map((p) => [p.status, p.slug, pluginDetail(p)]),
        ...report.skipped.map((s) => ['skipped', s.slug ?? '-', `${s.dir}: ${s.reason}`]),
        ...report.errors.map((e) => ['error', e.slug ?? '-', `${e.dir}: ${issueText(e)}`]),
      ],
    );
  });

  withEndpoint(
    plugins
      .command('get')
      .description(
        "show a plugin's manifest, status, handlers and the JSON Schemas of its options and actions",
      )
      .argument('<slug>', 'plugin slug'),
  ).action(async (slug: string, options: EndpointOptions) => {
    printJson(await clientFor(options).plugins.get(slug));
  });

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
  ).action(async (slug: string, options: DocsOptions) => {
    const docs: PluginDocs = await clientFor(options).plugins.docs(slug, {
      ...(options.topic !== undefined ? { topic: options.topic } : {}),
      detail: options.detail,
    });
    if (options.json) return printJson(docs);
    if (docs.topics.length === 0) return console.log(`plugin "${slug}" has no docs`);
    printTopics(docs.topics as unknown as TopicView[]);
  });

  withEndpoint(
    plugins
      .command('template')
      .description(
        'print a starter instance as JSON: the body of POST /v1/instances and of PUT its credentials',
      )
      .argument('<slug>', 'plugin slug'),
  ).action(async (slug: string, options: EndpointOptions) => {
    printJson(await clientFor(options).plugins.template(slug));
  });
}
