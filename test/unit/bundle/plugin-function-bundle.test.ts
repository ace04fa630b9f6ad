import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundlePlugin } from '../../../lib/bundle/plugin-bundle';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Echo's bundle as its Lambda gets it. */
async function echoBundle() {
  const dir = await mkdtemp(join(tmpdir(), 'plugboard-bundle-'));
  dirs.push(dir);
  return bundlePlugin({
    slug: 'echo',
    pluginEntry: join(root, 'plugins/echo/index.ts'),
    glueModule: join(root, 'functions/plugin-runtime.ts'),
    outDir: dir,
  });
}

describe("a plugin's Lambda bundle", () => {
  it('loads no AWS SDK package until a call needs one (cold start)', async () => {
    const built = await echoBundle();
    const code = await readFile(built.file, 'utf8');
    // A static import of an external package sits at the top of an ESM bundle and loads with it.
    expect(code.match(/import[^;()]*?from\s*"@aws-sdk\/[^"]+"/g)).toBeNull();
    expect(code).toContain('import("@aws-sdk/client-secrets-manager")');
    expect(code).toContain('import("@aws-sdk/lib-dynamodb")');
    expect(code).toContain('import("@aws-sdk/client-eventbridge")');
  });

  it('carries plugin-owned storage alone, none of the registry around it', async () => {
    const built = await echoBundle();
    // The linked source map lists every module the bundle holds code of.
    const { sources } = JSON.parse(await readFile(`${built.file}.map`, 'utf8')) as { sources: string[] };
    const modules = sources.map((source) => source.replaceAll('\\', '/'));
    expect(modules).toContainEqual(expect.stringMatching(/lib\/aws\/dynamodb-plugin-storage\.ts$/));
    expect(modules).not.toContainEqual(
      expect.stringMatching(/lib\/aws\/(dynamodb-registry|registry-items)\.ts$/),
    );
  });
});
