import { mkdir, writeFile } from 'node:fs/promises';
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
  sourcemap: 'linked',
  // Stack traces need only the mappings; the sources' text made echo's map 587 KB instead of 173,
  // parsed into every worker's heap (the Lambdas' bundles leave it out too: lib/infra/bundled-function.ts).
  sourcesContent: false,
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
    'export const handler = serve(plugin);',
    '',
  ].join('\n');
}

export interface BuiltBundle {
  file: string;
  bytes: number;
  ms: number;
}

/** Bundles one plugin with the given glue into `outDir`. */
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
  // [hash] names each build apart: ESM caches modules by URL, so a rebuilt plugin must be a new file.
  const result = await build({
    ...PLUGIN_BUNDLE_OPTIONS,
    entryPoints: [entryFile],
    outdir: outDir,
    entryNames: `${options.slug}.[hash]`,
    outExtension: { '.js': '.mjs' },
    metafile: true,
  });
  const [output, meta] = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('.mjs'))!;
  const file = resolve(output);
  return { file, bytes: meta.bytes, ms: performance.now() - started };
}
