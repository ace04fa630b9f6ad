import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

/**
 * How every plugin artifact is built, for its Lambda (lib/infra) and for its local worker alike, so
 * that what runs locally is what deploys: the plugin and the plugin runtime, bundled by the local
 * esbuild with these options. Only the few lines of glue around runEnvelope differ.
 */
export const PLUGIN_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: 'inline',
  // The Lambda runtime provides the AWS SDK v3; bundling it would add megabytes to every function.
  external: ['@aws-sdk/*'],
  // ESM bundles that pull in CommonJS dependencies need a `require`.
  banner: {
    js: "import { createRequire as __plugboardRequire } from 'module'; const require = __plugboardRequire(import.meta.url);",
  },
  logLevel: 'silent',
} as const satisfies BuildOptions;

const toImport = (from: string, to: string): string => {
  const path = relative(from, to).replaceAll('\\', '/');
  return path.startsWith('.') ? path : `./${path}`;
};

/** The generated entry: imports the plugin's default export and hands it to the glue's `serve`. */
export function pluginEntrySource(pluginEntry: string, glueModule: string, entryDir: string): string {
  return [
    `import plugin from '${toImport(entryDir, pluginEntry)}';`,
    `import { serve } from '${toImport(entryDir, glueModule)}';`,
    'export { plugin };',
    'export const handler = serve(plugin);',
    '',
  ].join('\n');
}

export interface BuiltBundle {
  file: string;
  bytes: number;
  ms: number;
}

/**
 * Bundles one plugin with the given glue into `outDir`. The file name carries a hash of the output
 * so that a rebuilt plugin is a new module (ESM caches imports by URL).
 */
export async function bundlePlugin(options: {
  slug: string;
  pluginEntry: string;
  glueModule: string;
  outDir: string;
}): Promise<BuiltBundle> {
  const started = performance.now();
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const entryFile = join(outDir, `${options.slug}.entry.ts`);
  await writeFile(
    entryFile,
    pluginEntrySource(resolve(options.pluginEntry), resolve(options.glueModule), outDir),
  );
  const result = await build({
    ...PLUGIN_BUNDLE_OPTIONS,
    entryPoints: [entryFile],
    write: false,
    outdir: outDir,
  });
  const output = result.outputFiles[0]!;
  const hash = createHash('sha256').update(output.contents).digest('hex').slice(0, 12);
  const file = join(outDir, `${options.slug}.${hash}.mjs`);
  await writeFile(`${file}.tmp`, output.contents);
  await rename(`${file}.tmp`, file);
  return { file, bytes: output.contents.byteLength, ms: performance.now() - started };
}
