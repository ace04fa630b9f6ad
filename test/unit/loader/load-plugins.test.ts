import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatLoadReport, type LoadReport, loadPlugins } from '../../../lib/core/loader';

const FIXTURES = fileURLToPath(new URL('../../fixtures/plugins-broken', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../../plugins', import.meta.url));

describe('loadPlugins over a folder of broken plugins', () => {
  let report: LoadReport;
  beforeAll(async () => {
    report = await loadPlugins(FIXTURES);
  });

  const errorsOf = (folder: string) =>
    report.errors
      .filter((e) => e.dir === join(FIXTURES, folder))
      .map(({ path, message }) => ({ path, message }));

  it('loads the good plugins, in sorted folder order, with absolute dir and entry', () => {
    expect(report.loaded.map((p) => [p.slug, p.dir, p.entry])).toEqual([
      ['good', join(FIXTURES, 'a-good'), join(FIXTURES, 'a-good', 'index.ts')],
      ['twin', join(FIXTURES, 'dup-first'), join(FIXTURES, 'dup-first', 'index.ts')],
    ]);
    expect(report.loaded[0]!.manifest).toMatchObject({ timeoutSeconds: 10, authType: 'none' });
    expect(typeof report.loaded[0]!.definition.actions?.ping).toBe('function');
  });

  it('reports a bad manifest with its zod path', () => {
    expect(errorsOf('bad-manifest')).toEqual([
      { path: 'options.0.default', message: 'default does not fit type integer' },
    ]);
  });

  it('reports a missing contract handler', () => {
    expect(errorsOf('missing-handler')).toEqual([
      { path: 'configuration.deleteKey', message: expect.stringContaining('missing handler') },
    ]);
  });

  it('reports a handler group of an undeclared type', () => {
    expect(errorsOf('undeclared-type')).toEqual([
      { path: 'configuration', message: expect.stringContaining('do not declare "configuration"') },
    ]);
  });

  it('reports a lifecycle plugin without hooks', () => {
    expect(errorsOf('lifecycle-empty')).toEqual([
      { path: 'lifecycle', message: expect.stringContaining('at least one of onInstanceCreated') },
    ]);
  });

  it('reports webhook actions without a handler and handlers without a webhook action', () => {
    expect(errorsOf('webhook-mismatch')).toEqual([
      { path: 'webhook.push', message: expect.stringContaining('missing handler') },
      { path: 'webhook.pull', message: expect.stringContaining('not a declared webhook action') },
    ]);
  });

  it('reports declared actions without a handler and action handlers not declared', () => {
    expect(errorsOf('action-missing-handler')).toEqual([
      { path: 'actions.run', message: 'missing handler for action "run"' },
    ]);
    expect(errorsOf('action-undeclared-handler')).toEqual([
      { path: 'actions.sneak', message: expect.stringContaining('not a declared action') },
    ]);
  });

  it('reports supportsHistogram without a histogram handler', () => {
    expect(errorsOf('histogram-missing')).toEqual([
      { path: 'logs.histogram', message: expect.stringContaining('supportsHistogram') },
    ]);
  });

  it('reports an unknown key in the definition', () => {
    expect(errorsOf('unknown-key')).toEqual([{ path: 'lifecyle', message: 'unknown key "lifecyle"' }]);
  });

  it('keeps the first of two plugins with one slug and reports the second', () => {
    expect(report.errors.filter((e) => e.slug === 'twin')).toEqual([
      {
        dir: join(FIXTURES, 'dup-second'),
        slug: 'twin',
        path: 'slug',
        message: 'duplicate slug "twin": already loaded from folder "dup-first"',
      },
    ]);
    expect(report.loaded.find((p) => p.slug === 'twin')?.manifest.name).toBe('First twin');
  });

  it('skips an unsupported apiVersion with a reason and reports no error for it', () => {
    expect(report.skipped).toEqual([
      {
        dir: join(FIXTURES, 'future-api-version'),
        slug: 'future-api-version',
        reason: 'apiVersion 2 is not supported (this platform runs apiVersion 1)',
      },
    ]);
    expect(errorsOf('future-api-version')).toEqual([]);
  });

  it('reports modules that throw on import, have no default export or export something else', () => {
    expect(errorsOf('throws-on-import')).toEqual([
      { path: undefined, message: expect.stringMatching(/^import failed: .*JSON/) },
    ]);
    expect(errorsOf('no-default-export')).toEqual([
      { path: undefined, message: expect.stringContaining('no default export') },
    ]);
    expect(errorsOf('not-a-definition')).toEqual([
      { path: undefined, message: expect.stringContaining('not a plugin definition') },
    ]);
  });

  it('passes by folders without index.ts', () => {
    const dirs = [...report.loaded, ...report.skipped, ...report.errors].map((r) => r.dir);
    expect(dirs).not.toContain(join(FIXTURES, 'no-index'));
  });

  it('formats the report as a table with one row per outcome and a summary', () => {
    const text = formatLoadReport(report);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^STATUS\s+SLUG\s+FOLDER\s+DETAIL$/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^error\s+bad-manifest\s+bad-manifest\s+options\.0\.default: default/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^skipped\s+future-api-version\s+future-api-version\s+apiVersion 2/),
    );
    expect(lines.at(-1)).toBe('2 loaded, 1 skipped, 15 errors');
    const [loaded] = report.loaded;
    const withHandlers = formatLoadReport({
      ...report,
      loaded: [{ ...loaded!, handlers: ['http', 'events'] }],
    });
    expect(withHandlers).toMatch(/; handlers: http, events$/m);
    // Rows follow folder order, so a plugin's errors sit together.
    const folders = lines.slice(1, -2).map((l) => l.split(/\s+/)[2]!);
    expect(folders).toEqual([...folders].sort());
  });
});

describe('loadPlugins', () => {
  it('loads every example plugin without an error', async () => {
    const report = await loadPlugins(EXAMPLES);
    expect(report.errors).toEqual([]);
    expect(report.skipped).toEqual([]);
    // Each example plugin's folder is named after its slug, and folders load in sorted order.
    const folders = (await readdir(EXAMPLES, { withFileTypes: true })).filter((d) => d.isDirectory());
    expect(report.loaded.map((p) => p.slug)).toEqual(folders.map((d) => d.name).sort());
    expect(report.loaded.map((p) => p.slug)).toEqual(
      expect.arrayContaining(['echo', 'file-logs', 'hmac-signer', 'incrementer', 'kv-config']),
    );
  });

  it('reports an empty folder as no plugins', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plugboard-empty-'));
    try {
      const report = await loadPlugins(dir);
      expect(report).toEqual({ loaded: [], skipped: [], errors: [] });
      expect(formatLoadReport(report)).toBe('no plugins found\n\n0 loaded, 0 skipped, 0 errors');
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('fails with NotFound for a folder that does not exist', async () => {
    await expect(loadPlugins(join(FIXTURES, 'nothing-here'))).rejects.toMatchObject({ code: 'NotFound' });
  });
});
