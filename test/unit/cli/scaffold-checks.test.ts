import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaffoldPlugin } from '../../../lib/cli/scaffold/scaffold';
import { TYPE_NAMES } from '../../../lib/cli/scaffold/type-names';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(ROOT, 'node_modules/.bin');

function run(command: string, args: string[]) {
  return new Promise<{ code: number; output: string }>((done) => {
    execFile(join(BIN, command), args, { cwd: ROOT, timeout: 120_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

/**
 * What `plugboard new` writes is the first code a plugin author reads and the start of their
 * project's `npm run typecheck`, `npm run lint` and `npm test`: each type's plugin passes all three
 * as written, before its author changes a line.
 */
describe('plugboard new, every type', () => {
  let work: string;
  beforeAll(async () => {
    // Inside the project, where `plugboard/sdk` resolves, as in a plugin author's plugins folder.
    await mkdir(join(ROOT, 'test/.tmp'), { recursive: true });
    work = await mkdtemp(join(ROOT, 'test/.tmp/scaffolds-'));
    for (const type of TYPE_NAMES) await scaffoldPlugin(join(work, 'plugins'), `new-${type}`, type);
    // The project's compiler options over the new plugins alone.
    await writeFile(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        extends: relative(work, join(ROOT, 'tsconfig.json')),
        include: ['plugins'],
        exclude: [],
      }),
    );
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('type-checks under the project tsconfig', async () => {
    const checked = await run('tsc', ['--noEmit', '-p', relative(ROOT, join(work, 'tsconfig.json'))]);
    expect(checked.output).toBe('');
    expect(checked.code).toBe(0);
  });

  it("passes the project's lint and format checks", async () => {
    // test/.tmp is git-ignored, which Biome follows; the plugins are checked as if they were tracked.
    const linted = await run('biome', [
      'check',
      '--vcs-use-ignore-file=false',
      relative(ROOT, join(work, 'plugins')),
    ]);
    expect(linted.output).toContain(`Checked ${TYPE_NAMES.length * 3}`);
    expect(linted.code, linted.output).toBe(0);
  });

  it('passes the tests it comes with', async () => {
    const tested = await run('vitest', ['run', '--root', relative(ROOT, work)]);
    expect(tested.code, tested.output).toBe(0);
    expect(tested.output).toMatch(new RegExp(`Test Files .*${TYPE_NAMES.length} passed`));
  });
});
