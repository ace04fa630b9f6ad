import * as z from 'zod';
import { missingCredentials } from '../../../sdk/credential-fields';
import { instanceMeeting } from '../../instances/if-match';
import { optionsFit } from '../../invocation/outdated-options';
import type { InstanceRecord } from '../../ports';
import type { App, RouteContext } from '../env';
import { etagOf, noneMatchFails, readIfMatch } from '../etag';
import { createRoute } from '../route-config';
import {
  CreateInstanceSchema,
  InstanceNameParam,
  InstanceSchema,
  json,
  jsonBody,
  PageLimit,
  PatchInstanceSchema,
  PluginSlug,
  problems,
} from '../schemas';

const byName = { params: z.object({ name: InstanceNameParam }) };
/** Room for a list of a few ETags, each at most 93 characters (a generation is at most 64). */
const MAX_TAGS_LENGTH = 400;

const ifMatch = z.object({
  'if-match': z.string().max(MAX_TAGS_LENGTH).optional().meta({
    description:
      'ETags as a read answered them ("3-qT0mIjq4Ck2x7dYxE5bWlA", or a comma-separated list of them), or * for whatever instance is current. A version alone ("3") names no generation: it matches only an instance created before generations',
  }),
});

/** The instance's version and generation as an ETag, for a later If-Match (see etagOf). */
const etagHeader = {
  ETag: {
    description:
      'For If-Match: the version and the generation ("3-qT0mIjq4Ck2x7dYxE5bWlA", the version alone for an instance created before generations); while some options do not fit the plugin\'s current version, with a part naming which ("3-qT0mIjq4Ck2x7dYxE5bWlA.5f0c2a9e")',
    schema: { type: 'string' as const },
  },
};

const create = createRoute({
  method: 'post',
  path: '/v1/instances',
  summary: 'Create a named instance of a plugin; options are checked against its manifest',
  request: { body: jsonBody(CreateInstanceSchema) },
  responses: {
    201: {
      ...json(InstanceSchema, 'Created'),
      headers: {
        ...etagHeader,
        Location: { description: 'Where the instance is read', schema: { type: 'string' } },
      },
    },
    ...problems(404, 409, 413, 415),
  },
});
const list = createRoute({
  method: 'get',
  path: '/v1/instances',
  summary: 'Instances, a page at a time',
  request: {
    query: z.object({
      plugin: PluginSlug.optional().meta({ description: 'Only instances of this plugin' }),
      limit: PageLimit,
      cursor: z.string().max(2000).optional(),
    }),
  },
  responses: {
    200: json(z.object({ instances: z.array(InstanceSchema), nextCursor: z.string().optional() }), 'A page'),
    ...problems(),
  },
});
const get = createRoute({
  method: 'get',
  path: '/v1/instances/{name}',
  summary:
    'An instance, with its ETag and what in its options no longer fits its plugin; If-None-Match answers 304 while it is unchanged',
  request: {
    ...byName,
    headers: ifMatch.extend({
      'if-none-match': z.string().max(MAX_TAGS_LENGTH).optional().meta({
        description:
          'ETags already read ("3-qT0mIjq4Ck2x7dYxE5bWlA"): answered 304 Not Modified while the ETag is one of them',
      }),
    }),
  },
  responses: {
    200: { ...json(InstanceSchema, 'The instance'), headers: etagHeader },
    304: { description: 'Not modified: the ETag is one If-None-Match names', headers: etagHeader },
    ...problems(404, 412),
  },
});
const patch = createRoute({
  method: 'patch',
  path: '/v1/instances/{name}',
  summary: 'Change an instance; needs If-Match; options are a JSON merge patch',
  request: {
    ...byName,
    headers: ifMatch,
    requiredHeaders: ['if-match'],
    body: jsonBody(PatchInstanceSchema),
  },
  responses: {
    200: { ...json(InstanceSchema, 'Updated'), headers: etagHeader },
    ...problems(404, 412, 413, 415, 428),
  },
});
const remove = createRoute({
  method: 'delete',
  path: '/v1/instances/{name}',
  summary: 'Delete an instance, its credentials and its store; If-Match optional',
  request: { ...byName, headers: ifMatch },
  responses: { 204: { description: 'Deleted' }, ...problems(404, 409, 412) },
});
const CredentialsView = z
  .object({ set: z.array(z.string()), missing: z.array(z.string()) })
  .meta({ id: 'CredentialsView' });
const putCredentials = createRoute({
  method: 'put',
  path: '/v1/instances/{name}/credentials',
  summary: "Replace the instance's credentials; values are write-only",
  request: { ...byName, body: jsonBody(z.strictObject({ values: z.record(z.string(), z.string()) })) },
  responses: { 200: json(CredentialsView, 'Which credentials are set'), ...problems(404, 413, 415) },
});
const getCredentials = createRoute({
  method: 'get',
  path: '/v1/instances/{name}/credentials',
  summary: 'Which credentials are set and which required ones are missing (never values)',
  request: byName,
  responses: { 200: json(CredentialsView, 'Which credentials are set'), ...problems(404) },
});
const deleteCredentials = createRoute({
  method: 'delete',
  path: '/v1/instances/{name}/credentials',
  summary: "Remove the instance's credentials",
  request: byName,
  responses: { 204: { description: 'Removed' }, ...problems(404) },
});

export function registerInstanceRoutes(app: App, { deps, instances }: RouteContext): void {
  /** The manifest of the instance's plugin, if it is loaded: what the instance is read against. */
  const manifestOf = async (instance: InstanceRecord) =>
    (await instances.loadedPlugin(instance.plugin).catch(() => undefined))?.manifest;
  const view = async (instance: InstanceRecord) => {
    const manifest = await manifestOf(instance);
    return {
      set: instance.credentialsSet,
      missing: manifest ? missingCredentials(manifest, (name) => instance.credentialsSet.includes(name)) : [],
    };
  };
  /** The instance as answered: with what its options lack to fit its plugin's current version. */
  const shown = async (instance: InstanceRecord) => {
    const manifest = await manifestOf(instance);
    return {
      ...instance,
      outdatedOptions: manifest ? [...optionsFit(manifest, instance.options).outdated] : [],
    };
  };

  app.openapi(create, async (c) => {
    const created = await shown(await instances.create(c.req.valid('json')));
    c.header('etag', etagOf(created, created.outdatedOptions));
    c.header('location', `/v1/instances/${created.name}`);
    return c.json(created, 201);
  });
  app.openapi(list, async (c) => {
    const { plugin, limit, cursor } = c.req.valid('query');
    const page = await deps.registry.listInstances({ plugin, limit, cursor });
    return c.json({ instances: await Promise.all(page.items.map(shown)), nextCursor: page.nextCursor }, 200);
  });
  app.openapi(get, async (c) => {
    const headers = c.req.valid('header');
    // A precondition is held to the stored instance: another dispatcher's write may be newer than
    // this one's cached read, and a 304 or a 412 from it would answer for an instance that is gone.
    const conditional = headers['if-match'] !== undefined || headers['if-none-match'] !== undefined;
    const instance = await shown(await instances.get(c.req.valid('param').name, conditional));
    const ifMatchHeader = readIfMatch(headers['if-match'], false);
    if (ifMatchHeader) instanceMeeting(ifMatchHeader, instance.name, instance);
    const etag = etagOf(instance, instance.outdatedOptions);
    c.header('etag', etag);
    if (noneMatchFails(headers['if-none-match'], etag)) return c.body(null, 304);
    return c.json(instance, 200);
  });
  app.openapi(patch, async (c) => {
    const ifMatch = readIfMatch(c.req.valid('header')['if-match'], true)!;
    const updated = await shown(
      await instances.update(c.req.valid('param').name, c.req.valid('json'), ifMatch),
    );
    c.header('etag', etagOf(updated, updated.outdatedOptions));
    return c.json(updated, 200);
  });
  app.openapi(remove, async (c) => {
    await instances.delete(c.req.valid('param').name, readIfMatch(c.req.valid('header')['if-match'], false));
    return c.body(null, 204);
  });
  app.openapi(putCredentials, async (c) => {
    const updated = await instances.putCredentials(c.req.valid('param').name, c.req.valid('json').values);
    return c.json(await view(updated), 200);
  });
  app.openapi(getCredentials, async (c) =>
    c.json(await view(await instances.get(c.req.valid('param').name)), 200),
  );
  app.openapi(deleteCredentials, async (c) => {
    await instances.deleteCredentials(c.req.valid('param').name);
    return c.body(null, 204);
  });
}

/** The route definitions, whose zod schemas type the API client (plugboard/client). */
export const instanceRoutes = {
  create,
  list,
  get,
  patch,
  remove,
  putCredentials,
  getCredentials,
  deleteCredentials,
};
