import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPlugin, loadPlugins } from '../../lib/core/loader';
import { importPluginModule, importPluginModules } from '../../lib/local/plugin-module';

const ROOT = join(import.meta.dirname, '../..');
const dirs: string[] = [];
/** Plugins sit inside the project, where `plugboard/sdk` resolves, as a user's plugins folder does. */
const tempDir = (prefix: string, under = tmpdir()) => {
  mkdirSync(under, { recursive: true });
  const dir = mkdtempSync(join(under, prefix));
  dirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('importPluginModule', () => {
  it("compiles a plugin and the SDK into one module that imports the platform's own packages", async () => {
    const out = tempDir('plugboard-modules-');
    const module = await importPluginModule(join(ROOT, 'plugins/echo/index.ts'), out);
    const checked = checkPlugin(module.default);
    expect(checked.ok && checked.manifest.slug).toBe('echo');
    const [file] = readdirSync(out).filter((name) => name.startsWith('echo.module.'));
    const text = readFileSync(join(out, file!), 'utf8');
    // zod by the file Node loads for the platform (one module instance), never a copy of its source.
    expect(text).toContain(`from "file://${join(ROOT, 'node_modules/zod/')}`);
    expect(text).not.toContain('class ZodError');
    expect(text).not.toMatch(/from "plugboard\//);
  });

  it('reads a changed plugin afresh, and reports the import problems of broken ones', async () => {
    const plugins = tempDir('module-plugins-', join(ROOT, 'test/.tmp'));
    const out = tempDir('plugboard-modules-');
    const write = (folder: string, source: string) => {
      mkdirSync(join(plugins, folder), { recursive: true });
      writeFileSync(join(plugins, folder, 'index.ts'), source);
    };
    const plugin = (version: string) =>
      `import { definePlugin } from 'plugboard/sdk';
export default definePlugin({
  manifest: { slug: 'tiny', name: 'Tiny', version: '${version}', description: 'A test plugin', apiVersion: 1 },
});
`;
    write('tiny', plugin('1.0.0'));
    write('no-default', "export const plugin = 'not the default';\n");
    write('broken', 'export default {;\n');
    const importModules = importPluginModules(out);

    const first = await loadPlugins(plugins, importModules);
    expect(first.loaded.map((p) => [p.slug, p.manifest.version])).toEqual([['tiny', '1.0.0']]);
    expect(first.errors).toEqual([
      // Build errors name the file from the plugins directory, never where that directory is.
      {
        dir: join(plugins, 'broken'),
        message: expect.stringMatching(
          /^import failed: Build failed with 1 error:\nbroken\/index\.ts:1:\d+: ERROR: /,
        ),
      },
      {
        dir: join(plugins, 'no-default'),
        message: 'the module has no default export; add `export default definePlugin({ ... })`',
      },
    ]);

    write('tiny', plugin('1.1.0'));
    const second = await loadPlugins(plugins, importModules);
    expect(second.loaded.map((p) => [p.slug, p.manifest.version])).toEqual([['tiny', '1.1.0']]);
    // The first module is loaded already and never read again: only the newest stays on disk.
    expect(readdirSync(out).filter((name) => name.startsWith('tiny.module.'))).toHaveLength(1);
  });

  it("resolves a plugin's own packages afresh each build, as its folder changes while it is watched", async () => {
    const plugins = tempDir('module-packages-', join(ROOT, 'test/.tmp'));
    const out = tempDir('plugboard-modules-');
    const folder = join(plugins, 'own-package');
    const pkg = join(folder, 'node_modules/own-version');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'one.js'), "export const version = '1.0.0';\n");
    writeFileSync(join(pkg, 'two.js'), "export const version = '2.0.0';\n");
    const main = (file: string) =>
      writeFileSync(
        join(pkg, 'package.json'),
        JSON.stringify({ name: 'own-version', type: 'module', main: file }),
      );
    writeFileSync(
      join(folder, 'index.ts'),
      `import { definePlugin } from 'plugboard/sdk';
import { version } from 'own-version';
export default definePlugin({
  manifest: { slug: 'own-package', name: 'Own', version, description: 'A test plugin', apiVersion: 1 },
});
`,
    );
    const versionOf = async () => {
      const checked = checkPlugin((await importPluginModule(join(folder, 'index.ts'), out)).default);
      return checked.ok && checked.manifest.version;
    };

    main('one.js');
    expect(await versionOf()).toBe('1.0.0');
    main('two.js');
    // The plugin's source is unchanged: only a fresh resolution of its package finds the new file.
    expect(await versionOf()).toBe('2.0.0');
  });
});
