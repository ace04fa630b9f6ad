// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings with ${...} are Plugboard templates, not JS ones
import { describe, expect, it } from 'vitest';
import { checkPlugin } from '../../../lib/core/loader';

const fn = () => undefined;
const manifest = (extra: Record<string, unknown> = {}) => ({
  slug: 'probe',
  name: 'Probe',
  version: '1.0.0',
  apiVersion: 1,
  ...extra,
});

describe('checkPlugin', () => {
  it('accepts a minimal plugin and fills the manifest defaults', () => {
    const result = checkPlugin({ manifest: manifest() });
    expect(result).toEqual({
      ok: true,
      manifest: expect.objectContaining({ types: [], timeoutSeconds: 10, options: [] }),
      handlers: [],
    });
  });

  it('accepts a full logs plugin with its optional histogram', () => {
    const result = checkPlugin({
      manifest: manifest({ types: ['logs', 'lifecycle'], supportsHistogram: true }),
      logs: { search: fn, schema: fn, histogram: fn },
      lifecycle: { onInstanceDeleted: fn },
      http: fn,
      events: fn,
      authorizer: fn,
      preHook: fn,
    });
    expect(result).toMatchObject({ ok: true, handlers: ['http', 'events', 'authorizer', 'preHook'] });
  });

  it('rejects what is not a definition', () => {
    for (const value of [undefined, null, 42, 'x', [], {}]) {
      expect(checkPlugin(value)).toMatchObject({
        ok: false,
        errors: [{ message: expect.stringContaining('definePlugin') }],
      });
    }
  });

  it('reports every manifest issue with its path, an unknown field at its own', () => {
    const result = checkPlugin({ manifest: manifest({ slug: 'Bad Slug', timeoutSeconds: 60, extra: true }) });
    expect(result.ok).toBe(false);
    const paths = !result.ok ? result.errors.map((e) => e.path) : [];
    expect(paths).toEqual(expect.arrayContaining(['slug', 'timeoutSeconds']));
    expect(result).toMatchObject({
      errors: expect.arrayContaining([
        { path: 'extra', message: expect.stringMatching(/^Unknown field; known: slug, name, /) },
      ]),
    });
  });

  it('says a missing field is required, in the words the API uses', () => {
    const { apiVersion: _, ...withoutApiVersion } = manifest();
    expect(checkPlugin({ manifest: { ...withoutApiVersion, types: ['logs', 'nope'] } })).toEqual({
      ok: false,
      errors: [
        { path: 'apiVersion', message: 'Required: expected number' },
        {
          path: 'types.1',
          message: expect.stringMatching(/^Invalid option: expected one of "configuration"\|/),
        },
      ],
    });
  });

  it('treats a non-numeric apiVersion as a manifest error, not a skip', () => {
    expect(checkPlugin({ manifest: manifest({ apiVersion: '1' }) })).toMatchObject({
      ok: false,
      errors: [{ path: 'apiVersion' }],
    });
  });

  it('skips another apiVersion before looking at anything else', () => {
    expect(checkPlugin({ manifest: { apiVersion: 3 } })).toEqual({
      ok: false,
      skipped: expect.stringContaining('apiVersion 3'),
      errors: [],
    });
  });

  it('rejects handlers that are not functions and groups that are not objects', () => {
    const result = checkPlugin({
      manifest: manifest({ types: ['configuration', 'identity'], actions: [{ name: 'go', label: 'Go' }] }),
      configuration: { listKeys: fn, getValues: fn, setValue: 'nope', deleteKey: fn },
      identity: [fn],
      actions: { go: 1 },
      http: {},
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: 'configuration.setValue', message: 'must be a function' },
        { path: 'identity', message: 'must be an object of identity operation handlers' },
        { path: 'actions.go', message: 'must be a function' },
        { path: 'http', message: 'must be a function' },
      ],
    });
  });

  it('names the known operations when a handler is not one of them', () => {
    const result = checkPlugin({
      manifest: manifest({ types: ['logs'] }),
      logs: { search: fn, schema: fn, tail: fn },
    });
    expect(result).toMatchObject({
      ok: false,
      errors: [
        {
          path: 'logs.tail',
          message: '"tail" is not a declared logs operation; declared: search, schema, histogram',
        },
      ],
    });
  });

  it('rejects a declared type with no handler group at all', () => {
    expect(checkPlugin({ manifest: manifest({ types: ['deployment'] }) })).toMatchObject({
      ok: false,
      errors: [{ path: 'deployment' }],
    });
  });

  it('rejects an option default naming a template variable off the whitelist, and keeps literal text', () => {
    const option = (name: string, value: unknown, type = 'string') => ({
      name,
      label: name,
      type,
      default: value,
    });
    const result = checkPlugin({
      manifest: manifest({
        options: [
          option('prefix', '/${org}/${projectSlug}/${team}'),
          option('known', '/${orgSlug}/${projectSlug}/'),
          option('price', 'costs $5 or ${'),
          option('labels', { a: '${org}' }, 'mapping'),
        ],
      }),
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          path: 'options.0.default',
          message:
            'unknown template variables ${org}, ${team}; allowed: orgSlug, projectSlug, projectId, teamSlug, environment, projectTypeSlug',
        },
      ],
    });
  });

  it('rejects an alias to an operation the plugin does not have, or named like an action', () => {
    const result = checkPlugin({
      manifest: manifest({
        types: ['logs'],
        actions: [{ name: 'export', label: 'Export' }],
        aliases: {
          find: 'logs.search',
          go: 'configuration.getValues',
          nothing: 'logs.nope',
          export: 'logs.schema',
          plain: 'export',
        },
      }),
      logs: { search: fn, schema: fn },
      actions: { export: fn },
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          path: 'aliases.go',
          message:
            '"configuration.getValues" is an operation of type configuration, which the manifest\'s types do not declare',
        },
        {
          path: 'aliases.nothing',
          message: '"logs.nope" is not an operation; an alias names one such as configuration.getValues',
        },
        {
          path: 'aliases.export',
          message: 'alias "export" has the name of an action, so a call to "export" is ambiguous',
        },
        {
          path: 'aliases.plain',
          message: '"export" is not an operation; an alias names one such as configuration.getValues',
        },
      ],
    });
  });

  it('rejects an alias to an optional operation the definition has no handler for', () => {
    const result = checkPlugin({
      manifest: manifest({ types: ['logs'], aliases: { chart: 'logs.histogram' } }),
      logs: { search: fn, schema: fn },
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          path: 'manifest.aliases.chart',
          message: 'alias "chart" names logs.histogram, which has no handler in logs',
        },
      ],
    });
  });

  it("says how a param's default or choices miss its type, where zod's union said only Invalid input", () => {
    const result = checkPlugin({
      manifest: manifest({
        options: [
          { name: 'labels', label: 'Labels', type: 'mapping', default: { a: 1 } },
          { name: 'on', label: 'On', type: 'boolean', choices: [true] },
          { name: 'size', label: 'Size', type: 'string', choices: ['s', true] },
          { name: 'list', label: 'List', type: 'string', default: ['a'] },
        ],
      }),
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: 'options.0.default', message: 'default does not fit type mapping' },
        { path: 'options.1.choices', message: 'choices are not allowed on a boolean' },
        { path: 'options.2.choices.1', message: 'choice does not fit type string' },
        { path: 'options.3.default', message: 'must be a string, a number, a boolean or a mapping' },
      ],
    });
  });
});
