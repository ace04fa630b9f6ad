import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './child';
import { measure } from './load';
import { ensurePeers } from './peers';

/**
 * Profiles the invoke hot path once: the platform child runs under `node --cpu-prof` through the same
 * 50-connection load as `npm run bench`, and the top self-time functions of each of its threads are
 * printed: the main thread and the echo plugin's worker (which inherits `--cpu-prof` and writes its
 * profile when the platform stops).
 * Run: npx tsx bench/profile.ts  (the .cpuprofile lands in bench/profiles/, git-ignored)
 */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const where = (url: string) =>
  url.includes('node_modules/')
    ? url.slice(url.lastIndexOf('node_modules/') + 13)
    : url.replace(/^file:\/\/.*?\/(lib|bench|functions|plugins)\//, '$1/');

const sourceMaps = new Map<string, SourceMap | undefined>();

/** The inline source map of a module `bin/run.mjs` compiled, read once per file. */
function sourceMapOf(url: string): SourceMap | undefined {
  if (!sourceMaps.has(url)) {
    const text = readFileSync(fileURLToPath(url), 'utf8');
    const inline = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(text);
    sourceMaps.set(
      url,
      inline ? new SourceMap(JSON.parse(Buffer.from(inline[1]!, 'base64').toString())) : undefined,
    );
  }
  return sourceMaps.get(url);
}

/**
 * A frame's file and line in the project's sources: the platform runs as one module compiled by
 * `bin/run.mjs`, whose positions say nothing until mapped through its source map.
 */
function located({ url, lineNumber, columnNumber }: CallFrame): { file: string; line: number } {
  if (url.includes('/.plugboard/build/')) {
    const entry = sourceMapOf(url)?.findEntry(lineNumber, columnNumber);
    if (entry && 'originalSource' in entry) {
      const source = entry.originalSource.replace(/^(\.\.\/)+/, '');
      return { file: where(`file:///${source}`), line: entry.originalLine + 1 };
    }
  }
  return { file: where(url), line: lineNumber + 1 };
}

/** Self time per function and per package or project folder, as shares of all samples. */
export function summarise(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  // Inclusive time of project functions: each sample counts once for every distinct one on its stack.
  const inclusive = new Map<string, number>();
  const area = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = byId.get(id)!.callFrame;
    const { functionName, url } = frame;
    const { file, line } = located(frame);
    const key = `${functionName || '(anonymous)'} ${file}:${line}`;
    self.set(key, (self.get(key) ?? 0) + ms);
    const group =
      url === ''
        ? functionName
        : file
            .split('/')
            .slice(0, file.startsWith('@') ? 2 : 1)
            .join('/');
    area.set(group, (area.get(group) ?? 0) + ms);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const caller = byId.get(at)!.callFrame;
      const { file: callerFile, line: callerLine } = located(caller);
      if (/^(lib|functions|plugins)\//.test(callerFile))
        onStack.add(`${caller.functionName || '(anonymous)'} ${callerFile}:${callerLine}`);
    }
    for (const key of onStack) inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    total += ms;
  });
  const lines = (map: Map<string, number>, count: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, ms]) => `${((ms / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  return [
    `total ${(total / 1000).toFixed(1)} s sampled`,
    'by package / folder:',
    ...lines(area, 15),
    'top self time:',
    ...lines(self, top),
    'project functions, inclusive:',
    ...lines(inclusive, top),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await ensurePeers();
  const dir = fileURLToPath(new URL('./profiles/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const before = new Set(await readdir(dir));
  const platform = await startServer('bench/servers/platform.ts', ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  try {
    console.log(await measure(platform.ready));
  } finally {
    await platform.stop();
  }
  // One profile per thread, largest first: the main thread's, then the loader's and the worker's.
  const files = (await readdir(dir)).filter((file) => !before.has(file) && file.endsWith('.cpuprofile'));
  const profiles = await Promise.all(
    files.map(async (file) => ({ file, text: await readFile(join(dir, file), 'utf8') })),
  );
  for (const { file, text } of profiles.sort((a, b) => b.text.length - a.text.length)) {
    console.log(`\n== ${file}\n${summarise(JSON.parse(text))}`);
  }
}
