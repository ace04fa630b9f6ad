import type { PluginDocs } from '../../client';
import { issueText } from '../../core/loader';
import { pluginDetail } from '../../core/loader/format-report';
import { clientFor } from '../api';
import type { EndpointOptions } from '../endpoint-option';
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

export async function listPlugins(options: JsonOption): Promise<void> {
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
}

export async function getPlugin(slug: string, options: EndpointOptions): Promise<void> {
  printJson(await clientFor(options).plugins.get(slug));
}

export async function pluginDocs(slug: string, options: DocsOptions): Promise<void> {
  const docs: PluginDocs = await clientFor(options).plugins.docs(slug, {
    ...(options.topic !== undefined ? { topic: options.topic } : {}),
    detail: options.detail,
  });
  if (options.json) return printJson(docs);
  if (docs.topics.length === 0) return console.log(`plugin "${slug}" has no docs`);
  printTopics(docs.topics as unknown as TopicView[]);
}

export async function pluginTemplate(slug: string, options: EndpointOptions): Promise<void> {
  printJson(await clientFor(options).plugins.template(slug));
}
