import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { PLUGIN_BUNDLE_OPTIONS } from '../../../lib/bundle/plugin-bundle';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("the dispatcher's Lambda bundle", () => {
  it('loads Secrets Manager only on first use: its role reads no secret and writes them rarely', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plugboard-bundle-'));
    dirs.push(dir);
    const outfile = join(dir, 'dispatcher.mjs');
    await build({
      ...PLUGIN_BUNDLE_OPTIONS,
      sourcemap: false,
      entryPoints: [join(root, 'functions/dispatcher.ts')],
      outfile,
    });
    const code = await readFile(outfile, 'utf8');
    // A static import of an external package sits at the top of an ESM bundle and loads with it.
    const loadedAtInit = new Set(
      [...code.matchAll(/import[^;()]*?from\s*"(@aws-sdk\/[^"]+)"/g)].map((m) => m[1]),
    );
    expect(loadedAtInit).not.toContain('@aws-sdk/client-secrets-manager');
    expect(code).toContain('import("@aws-sdk/client-secrets-manager")');
  });
});
