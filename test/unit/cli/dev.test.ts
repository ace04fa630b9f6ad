import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checksSummary } from '../../../lib/cli/dev/checks-summary';
import { exampleCall, whatInstanceNeeds } from '../../../lib/cli/dev/dev-instance';
import { devTarget } from '../../../lib/cli/dev/dev-target';
import { LatestPerKey } from '../../../lib/cli/dev/latest-per-key';
import { linkPluginFolder } from '../../../lib/cli/dev/plugin-links';
import { answerExitCode, errorExitCode, yesNoQuestion } from '../../../lib/cli/exit-codes';
import { buildProgram, runCli } from '../../../lib/cli/program';
import { type ManifestInput, ManifestSchema } from '../../../lib/sdk/manifest';
import { waitFor } from '../../e2e/wait-for';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugboard-dev-unit-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const manifest = (fields: Partial<ManifestInput>) =>
  ManifestSchema.parse({ slug: 'p', name: 'P', version: '1.0.0', apiVersion: 1, ...fields });
const endpoint = { url: 'http://127.0.0.1:5000', tokenFile: 'state dir/token' };

describe('devTarget', () => {
  it("serves the folder given, the working folder when it is a plugin's, else ./plugins", () => {
    const root = tempDir();
    mkdirSync(join(root, 'plugins', 'demo'), { recursive: true });
    writeFileSync(join(root, 'plugins', 'demo', 'index.ts'), '');
    expect(devTarget(undefined, root)).toEqual({ dir: join(root, 'plugins'), single: false });
    expect(devTarget(undefined, join(root, 'plugins', 'demo'))).toEqual({
      dir: join(root, 'plugins', 'demo'),
      single: true,
    });
    expect(devTarget('plugins/demo', root)).toEqual({ dir: join(root, 'plugins', 'demo'), single: true });
    expect(() => devTarget('nowhere', root)).toThrow(
      '"nowhere" is neither a plugin\'s folder (with an index.ts) nor a folder of plugin folders',
    );
    expect(() => devTarget(undefined, join(root, 'plugins'))).toThrow('"plugins" is neither');
  });
});

describe('the dev instance', () => {
  it('is made unless a required option without a default or a required credential is missing', () => {
    expect(whatInstanceNeeds(manifest({}))).toBeUndefined();
    const optional = [
      { name: 'region', label: 'Region', type: 'string', required: true, default: 'eu' },
      { name: 'key', label: 'Key', type: 'secret' },
    ] as const;
    expect(whatInstanceNeeds(manifest({ options: [...optional] }))).toBeUndefined();
    expect(
      whatInstanceNeeds(
        manifest({
          authType: 'api_token',
          options: [
            ...optional,
            { name: 'bucket', label: 'Bucket', type: 'string', required: true },
            { name: 'pin', label: 'PIN', type: 'secret', required: true },
          ],
          credentials: [
            { name: 'token', label: 'Token' },
            { name: 'extra', label: 'Extra', required: false },
          ],
        }),
      ),
    ).toBe('option(s) bucket and credential(s) token, pin');
  });

  it('is shown with a curl line that needs no input the author must invent', () => {
    const call = (fields: Partial<ManifestInput>, handlers: ('http' | 'events')[] = []) =>
      exampleCall({ slug: 'p', manifest: manifest(fields), handlers }, 'p-dev', endpoint);
    const auth = `curl -s -H "Authorization: Bearer $(cat 'state dir/token')"`;
    const json = `-H 'content-type: application/json'`;
    const str = { label: 'L', type: 'string' } as const;
    expect(
      call({
        actions: [
          { name: 'needy', label: 'N', requiredParams: [{ name: 'who', ...str }] },
          { name: 'easy', label: 'E', optionalParams: [{ name: 'who', ...str }] },
        ],
      }),
    ).toBe(`${auth} ${json} -d '{"params":{}}' http://127.0.0.1:5000/v1/instances/p-dev/actions/easy`);
    expect(call({ types: ['lifecycle', 'identity'] })).toBe(
      `${auth} ${json} -d '{"input":{}}' http://127.0.0.1:5000/v1/instances/p-dev/operations/identity.listUsers`,
    );
    expect(call({}, ['events', 'http'])).toBe(`${auth} http://127.0.0.1:5000/v1/plugin-apis/p-dev/`);
    expect(call({ types: ['deployment'] })).toBe(`${auth} http://127.0.0.1:5000/v1/instances/p-dev`);
  });
});

describe('checksSummary', () => {
  it('says how many checks passed, and names each that failed', () => {
    const check = (name: string, ok: boolean, detail = '') => ({ name, ok, detail });
    expect(checksSummary({ plugin: 'p', ok: true, checks: [check('a', true, 'fine')] })).toBe(
      'checks p: 1 of 1 passed',
    );
    expect(
      checksSummary({
        plugin: 'p',
        ok: false,
        checks: [check('a', true), check('b', false, 'threw'), check('c', false)],
      }),
    ).toBe('checks p: 1 of 3 passed, 2 FAILED\n  FAIL b (threw)\n  FAIL c');
  });

  it('counts a skipped check apart from those that passed, and names it with why', () => {
    const check = (name: string, ok: boolean, detail = '') => ({ name, ok, detail });
    const skipped = { ...check('s', true, 'not called: it has required params'), skipped: true as const };
    expect(checksSummary({ plugin: 'p', ok: true, checks: [check('a', true), skipped] })).toBe(
      'checks p: 1 of 2 passed, 1 skipped\n  skip s (not called: it has required params)',
    );
    expect(checksSummary({ plugin: 'p', ok: false, checks: [skipped, check('b', false, 'threw')] })).toBe(
      'checks p: 0 of 2 passed, 1 skipped, 1 FAILED\n  FAIL b (threw)\n  skip s (not called: it has required params)',
    );
  });
});

describe('LatestPerKey', () => {
  it('runs one task per key at a time, then only the latest of those that came meanwhile', async () => {
    const ran: string[] = [];
    const errors: string[] = [];
    const tasks = new LatestPerKey((key, error) => errors.push(`${key}: ${(error as Error).message}`));
    let release = () => {};
    const blocked = new Promise<void>((done) => {
      release = done;
    });
    tasks.run('a', async () => {
      await blocked;
      ran.push('a1');
      throw new Error('a1 failed');
    });
    tasks.run('a', async () => void ran.push('a2'));
    tasks.run('a', async () => void ran.push('a3'));
    tasks.run('b', async () => void ran.push('b1'));
    await new Promise((done) => setTimeout(done, 10));
    expect(ran).toEqual(['b1']);
    release();
    await tasks.idle();
    expect(ran).toEqual(['b1', 'a1', 'a3']);
    expect(errors).toEqual(['a: a1 failed']);
  });
});

describe('linkPluginFolder', () => {
  it("serves one plugin's folder alone through links that follow its entries as they come and go", async () => {
    const source = join(tempDir(), 'demo');
    mkdirSync(join(source, 'lib'), { recursive: true });
    writeFileSync(join(source, 'index.ts'), 'one');
    const under = join(tempDir(), 'plugins');
    const linked = await linkPluginFolder(source, under);
    try {
      expect(linked.pluginsDir).toBe(under);
      const inside = join(under, 'demo');
      expect(lstatSync(inside).isDirectory()).toBe(true);
      expect(lstatSync(join(inside, 'index.ts')).isSymbolicLink()).toBe(true);
      writeFileSync(join(source, 'index.ts'), 'two');
      expect(readFileSync(join(inside, 'index.ts'), 'utf8')).toBe('two');
      writeFileSync(join(source, 'lib', 'util.ts'), 'util');
      expect(readFileSync(join(inside, 'lib', 'util.ts'), 'utf8')).toBe('util');

      writeFileSync(join(source, 'helper.ts'), 'helper');
      await waitFor(async () => existsSync(join(inside, 'helper.ts')), 10_000, 'the new entry linked');
      await unlink(join(source, 'helper.ts'));
      await waitFor(
        async () => !lstatExists(join(inside, 'helper.ts')),
        10_000,
        'the removed entry unlinked',
      );
    } finally {
      await linked.close();
    }
  });
});

const lstatExists = (path: string) => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

describe('exit codes', () => {
  it('answer a yes/no question as grep does, and leave other commands at 1 for an error', () => {
    const program = buildProgram();
    const question = yesNoQuestion(program.command('question'));
    expect([answerExitCode(true), answerExitCode(false), errorExitCode(question)]).toEqual([0, 1, 2]);
    expect(errorExitCode(program.command('other'))).toBe(1);
    expect(errorExitCode(undefined)).toBe(1);
  });

  it('are told by --help, beside the dev command', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    try {
      await runCli(['node', 'plugboard', '--help']);
    } finally {
      vi.restoreAllMocks();
    }
    expect(process.exitCode).toBe(0);
    process.exitCode = undefined;
    const help = out.join('');
    expect(help).toMatch(/^ {2}dev \[options\] \[plugin-dir\] /m);
    expect(help).toContain(
      'events test-pattern answers as grep does: 0 it matches, 1 it does not, 2 an error',
    );
  });
});
