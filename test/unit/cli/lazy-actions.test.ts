import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../lib/cli/program';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const tmp = join(ROOT, 'test/.tmp', `lazy-actions-${process.pid}`);
const HOOKS = new URL('../../fixtures/module-log-hooks.mjs', import.meta.url).href;
const LOG_MODULES = `data:text/javascript,import { register } from "node:module"; register(${JSON.stringify(HOOKS)});`;

/** The two ways the CLI runs: compiled, as `npm start` runs it, and under tsx, as dev's checks run it. */
const LAUNCHERS: Record<string, string[]> = {
  'bin/run.mjs': ['bin/run.mjs', 'bin/plugboard.ts'],
  'bin/plugboard.mjs': ['bin/plugboard.mjs'],
};

/** Modules that only what a command does needs, never its declaration. */
const ACTION_MODULES = [
  'lib/cli/api.ts',
  'lib/client/client.ts',
  'lib/cli/dev/dev-session.ts',
  'lib/cli/scaffold/scaffold.ts',
  'lib/cli/scaffold/types/index.ts',
  'lib/core/events/pattern.ts',
  'lib/core/loader/load-plugins.ts',
  'lib/local/platform.ts',
  'lib/sdk/contracts.ts',
  'lib/testing/conformance/run-conformance.ts',
];
const ACTION_PACKAGES = [
  '@aws-sdk/client-dynamodb',
  '@hono/node-server',
  'chokidar',
  'dynalite',
  'hono',
  'level',
  'zod',
];

/** Every command, and the subcommands of each that has them, as --help lists them. */
const COMMANDS: Record<string, string[]> = {
  start: [],
  dev: [],
  validate: [],
  new: [],
  test: [],
  plugins: ['list', 'get', 'docs', 'template'],
  invoke: [],
  instances: ['list', 'get', 'create', 'update', 'delete'],
  credentials: ['set', 'show', 'delete'],
  events: ['tail', 'publish', 'test-pattern', 'replay'],
  subscriptions: ['create', 'list', 'get', 'delete'],
  guards: ['attach', 'list', 'detach'],
  webhooks: ['set-source', 'sources', 'delete-source', 'add-rule', 'rules', 'delete-rule', 'deliveries'],
  dlq: ['list', 'redrive', 'delete'],
  help: [],
};

/** The command names a help text lists, in its order. */
const commandsIn = (help: string): string[] =>
  [...(help.split('\nCommands:\n')[1] ?? '').matchAll(/^ {2}([a-z-]+)/gm)].map(([, name]) => name!);

let runs = 0;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The project's sources of a file bin/run.mjs built: those its inline source map lists. */
function sourcesOfBuild(file: string): string[] {
  const map = /sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(readFileSync(file, 'utf8'));
  if (!map?.[1]) throw new Error(`${file} has no inline source map`);
  const { sources } = JSON.parse(Buffer.from(map[1], 'base64').toString()) as { sources: string[] };
  return sources.map((source) => relative(ROOT, resolve(dirname(file), source)));
}

/**
 * What a run of the CLI loaded, as a module hook saw it: the project's sources (those of each built
 * file it loaded, through bin/run.mjs) and the packages.
 */
async function loadedBy(launcher: string, ...args: string[]) {
  mkdirSync(tmp, { recursive: true });
  const log = join(tmp, `modules-${++runs}.log`);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', LOG_MODULES, ...LAUNCHERS[launcher]!, ...args],
    {
      cwd: ROOT,
      env: { ...process.env, MODULE_LOG: log },
      timeout: 60_000,
    },
  );
  const sources = new Set<string>();
  const packages = new Set<string>();
  for (const url of readFileSync(log, 'utf8').split('\n')) {
    if (!url.startsWith('file:')) continue;
    const file = fileURLToPath(url);
    const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (inPackage?.[1]) packages.add(inPackage[1]);
    else if (file.startsWith(join(ROOT, '.plugboard/build/')))
      for (const s of sourcesOfBuild(file)) sources.add(s);
    else sources.add(relative(ROOT, file));
  }
  return { sources: [...sources], packages: [...packages], stdout };
}

describe.each(Object.keys(LAUNCHERS))('the CLI through %s', (launcher) => {
  it("loads no command's action for --version and --help, only the declarations", async () => {
    for (const args of [['--version'], ['--help']]) {
      const { sources, packages, stdout } = await loadedBy(launcher, ...args);
      if (args[0] === '--help') expect(commandsIn(stdout)).toEqual(Object.keys(COMMANDS));
      // What the declarations are made of, seen: the log and the source maps are read.
      expect(sources).toContain('lib/cli/program.ts');
      expect(sources).toContain('lib/cli/commands/test.ts');
      expect(packages).toContain('commander');
      expect(sources.filter((s) => s.startsWith('lib/cli/actions/'))).toEqual([]);
      expect(sources.filter((s) => ACTION_MODULES.includes(s))).toEqual([]);
      expect(packages.filter((p) => ACTION_PACKAGES.includes(p))).toEqual([]);
    }
  }, 120_000);

  it("loads a command's own action and what it needs, and no other command's", async () => {
    const empty = join(tmp, 'no-plugins');
    mkdirSync(empty, { recursive: true });
    const { sources, packages } = await loadedBy(launcher, 'validate', empty);
    expect(sources).toContain('lib/cli/actions/validate.ts');
    expect(sources).toContain('lib/core/loader/load-plugins.ts');
    expect(packages).toContain('zod');
    expect(sources.filter((s) => s.startsWith('lib/cli/actions/'))).toEqual(['lib/cli/actions/validate.ts']);
    expect(sources).not.toContain('lib/testing/conformance/run-conformance.ts');
    expect(sources).not.toContain('lib/client/client.ts');
    expect(sources).not.toContain('lib/local/platform.ts');
  }, 60_000);
});

describe('plugboard test, as plugboard dev runs its checks', () => {
  it('loads the conformance kit and the plugin, and none of the platform, the client or the other commands', async () => {
    // As dev serves a lone plugin: a folder holding its one plugin folder.
    const plugins = join(tmp, 'plugins');
    cpSync(join(ROOT, 'plugins/echo'), join(plugins, 'echo'), { recursive: true });
    const { sources, packages } = await loadedBy(
      'bin/plugboard.mjs',
      'test',
      'echo',
      '--plugins',
      plugins,
      '--json',
    );
    expect(sources).toContain('lib/testing/conformance/run-conformance.ts');
    expect(sources).toContain(relative(ROOT, join(plugins, 'echo/index.ts')));
    expect(sources.filter((s) => s.startsWith('lib/cli/actions/'))).toEqual(['lib/cli/actions/test.ts']);
    for (const unneeded of [
      'lib/cli/api.ts',
      'lib/client/client.ts',
      'lib/local/platform.ts',
      'lib/cli/scaffold/scaffold.ts',
      'lib/core/events/pattern.ts',
      // The kit runs a handler as the platform does, but needs no InvocationService for it.
      'lib/core/invocation/invocation-service.ts',
    ])
      expect(sources).not.toContain(unneeded);
    expect(packages.filter((p) => ACTION_PACKAGES.includes(p))).toEqual(['zod']);
  }, 60_000);
});

describe('plugboard test --plugin, as plugboard dev re-checks a saved plugin', () => {
  it('loads the plugin of that folder and none of the plugins beside it', async () => {
    const plugins = join(tmp, 'beside');
    for (const name of ['echo', 'kv-config'])
      cpSync(join(ROOT, 'plugins', name), join(plugins, name), { recursive: true });
    const { sources, stdout } = await loadedBy(
      'bin/plugboard.mjs',
      'test',
      '--plugin',
      join(plugins, 'echo'),
      '--json',
    );
    expect(JSON.parse(stdout)).toMatchObject([{ plugin: 'echo', ok: true }]);
    expect(sources).toContain(relative(ROOT, join(plugins, 'echo/index.ts')));
    expect(sources).not.toContain(relative(ROOT, join(plugins, 'kv-config/index.ts')));
  }, 60_000);
});

describe('plugboard --help', () => {
  it('lists every subcommand of every command', async () => {
    for (const [command, subcommands] of Object.entries(COMMANDS)) {
      if (subcommands.length === 0) continue;
      const out: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
      try {
        await runCli(['node', 'plugboard', command, '--help']);
      } finally {
        vi.restoreAllMocks();
      }
      process.exitCode = undefined;
      expect(commandsIn(out.join(''))).toEqual([...subcommands, 'help']);
    }
  });
});
