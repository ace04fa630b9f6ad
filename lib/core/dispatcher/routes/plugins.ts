import * as z from 'zod';
import { credentialFields } from '../../../sdk/credential-fields';
import { PlugboardError } from '../../../sdk/errors';
import { actionParamsJsonSchema, credentialsJsonSchema, paramsJsonSchema } from '../../../sdk/json-schema';
import type { DocTopic, Manifest } from '../../../sdk/manifest';
import { withoutMachinePaths } from '../../loader/without-machine-paths';
import { OPTIONAL_HANDLERS, type PluginRecord } from '../../ports';
import type { App, RouteContext } from '../env';
import { createRoute } from '../route-config';
import { json, problems, SlugParam } from '../schemas';

const Handlers = z.array(z.enum(OPTIONAL_HANDLERS)).optional().meta({
  description:
    'Which of http, events, authorizer and preHook it has (what guards and subscriptions can use); absent when not known',
});

const FolderName = z.string().meta({ description: "The plugin's folder under the plugins directory" });

const PluginSummary = z.object({
  slug: z.string(),
  name: z.string(),
  version: z.string(),
  description: z.string().optional(),
  types: z.array(z.string()),
  status: z.string(),
  actions: z.array(z.string()),
  handlers: Handlers,
});
const summary = (p: PluginRecord) => ({
  slug: p.slug,
  name: p.manifest.name,
  version: p.manifest.version,
  description: p.manifest.description,
  types: p.manifest.types,
  status: p.status,
  actions: p.manifest.actions.map((a) => a.name),
  ...(p.handlers ? { handlers: p.handlers } : {}),
});

const list = createRoute({
  method: 'get',
  path: '/v1/plugins',
  summary: 'The load report: loaded plugins, skipped ones and errors',
  responses: {
    200: json(
      z.object({
        plugins: z.array(PluginSummary),
        skipped: z.array(z.object({ dir: FolderName, slug: z.string().optional(), reason: z.string() })),
        errors: z.array(
          z.object({
            dir: FolderName,
            slug: z.string().optional(),
            message: z.string(),
            path: z.string().optional(),
          }),
        ),
      }),
      'Plugins',
    ),
    ...problems(),
  },
});
const bySlug = { params: z.object({ slug: SlugParam }) };
const get = createRoute({
  method: 'get',
  path: '/v1/plugins/{slug}',
  summary: 'A plugin: manifest, status, optional handlers, and JSON Schemas of its options and action params',
  request: bySlug,
  responses: {
    200: json(
      z.object({
        manifest: z
          .record(z.string(), z.unknown())
          .meta({ description: 'The manifest, as the Manifest schema of this document describes it' }),
        status: z.string(),
        handlers: Handlers,
        schemas: z.object({
          options: z.record(z.string(), z.unknown()),
          credentials: z.record(z.string(), z.unknown()).meta({
            description: 'The values of PUT /v1/instances/{name}/credentials: credentials and secret options',
          }),
          actions: z.record(z.string(), z.unknown()),
        }),
      }),
      'The plugin',
    ),
    ...problems(404),
  },
});
const docs = createRoute({
  method: 'get',
  path: '/v1/plugins/{slug}/docs',
  summary: "The plugin's documentation topics (Ch-aOS explain): ?topic=a.b&detail=summary|full",
  request: {
    ...bySlug,
    query: z.object({
      topic: z
        .string()
        .max(200)
        .regex(/^[A-Za-z0-9_.]*$/, 'topic is a dotted path such as overview.setup')
        .optional(),
      detail: z.enum(['summary', 'full']).default('summary'),
    }),
  },
  responses: {
    200: json(z.object({ topics: z.array(z.record(z.string(), z.unknown())) }), 'Topics'),
    ...problems(404),
  },
});
const template = createRoute({
  method: 'get',
  path: '/v1/plugins/{slug}/template',
  summary: 'A starter instance: the body of POST /v1/instances and of PUT its credentials',
  request: bySlug,
  responses: {
    200: json(
      z.object({
        instance: z
          .record(z.string(), z.unknown())
          .meta({ description: 'A body for POST /v1/instances, placeholders in <angle brackets>' }),
        credentials: z.object({ values: z.record(z.string(), z.string()) }).meta({
          description: 'A body for PUT /v1/instances/{name}/credentials (once the instance exists)',
        }),
      }),
      'Starter configuration',
    ),
    ...problems(404),
  },
});

type TopicView = Record<string, unknown>;
function topicViews(topics: Record<string, DocTopic>, detail: 'summary' | 'full', prefix = ''): TopicView[] {
  return Object.entries(topics)
    .sort(([an, a], [bn, b]) => (a.order ?? 0) - (b.order ?? 0) || an.localeCompare(bn))
    .map(([name, t]) => ({
      topic: prefix + name,
      summary: t.summary,
      ...(detail === 'full' ? { detail: t.detail, examples: t.examples } : {}),
      subtopics: t.subtopics ? topicViews(t.subtopics, detail, `${prefix}${name}.`) : [],
    }));
}

function findTopic(manifest: Manifest, path: string): Record<string, DocTopic> {
  let level: Record<string, DocTopic> | undefined = manifest.docs;
  let found: Record<string, DocTopic> = manifest.docs;
  for (const part of path.split('.')) {
    const topic: DocTopic | undefined = level && Object.hasOwn(level, part) ? level[part] : undefined;
    if (!topic) throw new PlugboardError('NotFound', `plugin "${manifest.slug}" has no docs topic "${path}"`);
    found = { [part]: topic };
    level = topic.subtopics;
  }
  return found;
}

/** The two bodies that set an instance up: POST /v1/instances, then PUT its credentials. */
function starter(manifest: Manifest) {
  return {
    instance: {
      name: `${manifest.slug}-1`,
      plugin: manifest.slug,
      options: Object.fromEntries(
        manifest.options
          .filter((o) => o.type !== 'secret' && (o.required || o.default !== undefined))
          .map((o) => [o.name, o.default ?? `<${o.type}: ${o.label}>`]),
      ),
    },
    credentials: {
      values: Object.fromEntries(
        credentialFields(manifest).map((c) => [
          c.name,
          `<${c.required ? 'required' : 'optional'}: ${c.label}>`,
        ]),
      ),
    },
  };
}

export function registerPluginRoutes(app: App, { deps, instances }: RouteContext): void {
  app.openapi(list, async (c) => {
    const plugins = (await deps.registry.listPlugins()).filter((p) => p.status === 'loaded');
    const { skipped, errors } = deps.loadProblems?.() ?? { skipped: [], errors: [] };
    const forCaller = <T extends { dir: string }>(problem: T): T =>
      withoutMachinePaths(problem, process.cwd());
    return c.json(
      { plugins: plugins.map(summary), skipped: skipped.map(forCaller), errors: errors.map(forCaller) },
      200,
    );
  });
  app.openapi(get, async (c) => {
    const plugin = await instances.loadedPlugin(c.req.valid('param').slug);
    const actions = Object.fromEntries(
      plugin.manifest.actions.map((a) => [a.name, actionParamsJsonSchema(a)]),
    );
    return c.json(
      {
        manifest: plugin.manifest as unknown as Record<string, unknown>,
        status: plugin.status,
        ...(plugin.handlers ? { handlers: plugin.handlers } : {}),
        schemas: {
          // Secret options are refused as options: they are set with the credentials.
          options: paramsJsonSchema(plugin.manifest.options.filter((o) => o.type !== 'secret')),
          credentials: credentialsJsonSchema(credentialFields(plugin.manifest)),
          actions,
        },
      },
      200,
    );
  });
  app.openapi(docs, async (c) => {
    const { manifest } = await instances.loadedPlugin(c.req.valid('param').slug);
    const { topic, detail } = c.req.valid('query');
    const root = topic ? findTopic(manifest, topic) : manifest.docs;
    const prefix = topic?.includes('.') ? `${topic.slice(0, topic.lastIndexOf('.'))}.` : '';
    return c.json({ topics: topicViews(root, detail, prefix) }, 200);
  });
  app.openapi(template, async (c) => {
    const { manifest } = await instances.loadedPlugin(c.req.valid('param').slug);
    return c.json(starter(manifest), 200);
  });
}

/** The route definitions, whose zod schemas type the API client (plugboard/client). */
export const pluginRoutes = { list, get, docs, template };
