import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { bundlePlugin, PLUGIN_BUNDLE_OPTIONS } from '../../lib/bundle/plugin-bundle';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** What the dispatcher Lambda needs at import; no AWS call happens until a request arrives. */
const DISPATCHER_ENV = {
  PLUGBOARD_STAGE: 'bench',
  PLUGBOARD_TABLE_NAME: 'plugboard-bench-registry',
  PLUGBOARD_BUS_NAME: 'plugboard-bench-bus',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Milliseconds to import `file` in a fresh `node`, measured inside that process. */
async function coldImportMs(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...DISPATCHER_ENV },
    timeout: 30_000,
  });
  return Number(stdout.trim());
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface DispatcherFigures {
  bundleKb: number;
  importMs: number;
  emptyImportMs: number;
  /** The echo plugin's function as its Lambda gets it: the plugin with the Lambda glue. */
  pluginBundleKb: number;
  pluginImportMs: number;
}

/**
 * The dispatcher as its Lambda gets it (functions/dispatcher.ts bundled with the plugin bundle options:
 * minified ESM, AWS SDK external) and its cold import against an empty module's, median of `runs`
 * alternating runs. The bundle sits beside a link to the project's node_modules so the SDK resolves.
 */
export async function dispatcherCases(runs = 15): Promise<DispatcherFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'plugboard-bench-'));
  try {
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const result = await build({
      ...PLUGIN_BUNDLE_OPTIONS,
      sourcemap: false,
      entryPoints: [join(root, 'functions/dispatcher.ts')],
      outfile: join(dir, 'dispatcher.mjs'),
      metafile: true,
    });
    const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
    const empty = join(dir, 'empty.mjs');
    await writeFile(empty, 'export {};\n');
    const plugin = await bundlePlugin({
      slug: 'echo',
      pluginEntry: join(root, 'plugins/echo/index.ts'),
      glueModule: join(root, 'functions/plugin-runtime.ts'),
      outDir: dir,
    });
    const dispatcher: number[] = [];
    const baseline: number[] = [];
    const pluginImports: number[] = [];
    for (let i = 0; i < runs; i++) {
      dispatcher.push(await coldImportMs(join(dir, 'dispatcher.mjs')));
      baseline.push(await coldImportMs(empty));
      pluginImports.push(await coldImportMs(plugin.file));
    }
    return {
      bundleKb: bytes / 1024,
      importMs: median(dispatcher),
      emptyImportMs: median(baseline),
      pluginBundleKb: plugin.bytes / 1024,
      pluginImportMs: median(pluginImports),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
