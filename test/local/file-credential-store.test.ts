import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FileCredentialStore } from '../../lib/local/file-credential-store';
import { PlugboardError } from '../../lib/sdk/errors';
import { rejection } from '../fixtures/rejection';

const CANARY = 'canary-5b1e-file-store';
const roots: string[] = [];
afterAll(() => Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('FileCredentialStore', () => {
  let dir: string;
  let store: FileCredentialStore;
  beforeEach(async () => {
    const root = await mkdtemp(join(tmpdir(), 'plugboard-file-credentials-'));
    roots.push(root);
    dir = join(root, '.plugboard');
    store = new FileCredentialStore({ dir });
  });

  async function failure(call: () => Promise<unknown>): Promise<PlugboardError> {
    const e = await rejection(call(), PlugboardError);
    expect(`${e.message} ${e.stack}`).not.toContain(CANARY);
    expect(e.message).not.toContain(dir);
    return e;
  }

  it('creates the directory 0700 and the key 0600 on first use, and keeps no plaintext', async () => {
    await store.put('plugboard/local/kv/a', { token: CANARY });
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'credentials.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'credentials.json'))).mode & 0o777).toBe(0o600);
    const file = await readFile(join(dir, 'credentials.json'), 'utf8');
    expect(file).not.toContain(CANARY);
    expect(file).toContain('"token"');
    expect((await readdir(dir)).sort()).toEqual(['credentials.json', 'credentials.key']);
  });

  it('reads values back after a restart', async () => {
    await store.put('plugboard/local/kv/a', { token: CANARY });
    expect(await new FileCredentialStore({ dir }).resolve('plugboard/local/kv/a')).toEqual({ token: CANARY });
  });

  it('refuses a tampered ciphertext, a moved entry and a renamed field', async () => {
    await store.put('plugboard/local/kv/a', { token: CANARY });
    const path = join(dir, 'credentials.json');
    const original = JSON.parse(await readFile(path, 'utf8'));
    const entry = original.entries['plugboard/local/kv/a'];

    const flipped = Buffer.from(entry.data, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const variants = [
      { entries: { 'plugboard/local/kv/a': { ...entry, data: flipped.toString('base64') } } },
      { entries: { 'plugboard/local/kv/b': entry } },
      { entries: { 'plugboard/local/kv/a': { ...entry, names: ['password'] } } },
    ];
    for (const variant of variants) {
      await writeFile(path, JSON.stringify({ version: 1, ...variant }));
      const ref = Object.keys(variant.entries)[0] as string;
      const e = await failure(() => new FileCredentialStore({ dir }).resolve(ref));
      expect(e.code).toBe('Internal');
      expect(e.message).toMatch(/cannot be decrypted/);
    }
  });

  it('names a corrupted file clearly and never quotes it', async () => {
    await store.put('plugboard/local/kv/a', { token: CANARY });
    await writeFile(join(dir, 'credentials.json'), `{"version": 1, "entries": ${CANARY}`);
    expect((await failure(() => store.resolve('plugboard/local/kv/a'))).message).toMatch(
      /credentials\.json is corrupted/,
    );
    expect((await failure(() => store.put('plugboard/local/kv/b', { token: CANARY }))).code).toBe('Internal');
  });

  it('reads the file again whenever it changed since it was last read, by another store or by hand', async () => {
    await store.put('plugboard/local/kv/a', { token: 'first' });
    expect(await store.resolve('plugboard/local/kv/a')).toEqual({ token: 'first' });
    // Another process on the same folder (a second store shares nothing in memory with this one).
    const other = new FileCredentialStore({ dir });
    await other.put('plugboard/local/kv/a', { token: 'second' });
    await other.put('plugboard/local/kv/b', { token: 'another' });
    expect(await store.resolve('plugboard/local/kv/a')).toEqual({ token: 'second' });
    expect(await store.resolve('plugboard/local/kv/b')).toEqual({ token: 'another' });
    await other.delete('plugboard/local/kv/a');
    expect(await store.resolve('plugboard/local/kv/a')).toBeUndefined();
    // Written in place, not renamed over: the same file, changed.
    await writeFile(join(dir, 'credentials.json'), `{"version": 1, "entries": ${CANARY}`);
    expect((await failure(() => store.resolve('plugboard/local/kv/b'))).message).toMatch(
      /credentials\.json is corrupted/,
    );
  });

  it('refuses to make a new key while values encrypted under the old one exist', async () => {
    await store.put('plugboard/local/kv/a', { token: CANARY });
    await rm(join(dir, 'credentials.key'));
    const restarted = new FileCredentialStore({ dir });
    expect((await failure(() => restarted.put('plugboard/local/kv/b', { token: 'x' }))).message).toMatch(
      /credentials\.key is missing/,
    );
    expect((await failure(() => restarted.resolve('plugboard/local/kv/a'))).message).toMatch(
      /credentials\.key is missing/,
    );
    await writeFile(join(dir, 'credentials.key'), 'short');
    expect(
      (await failure(() => new FileCredentialStore({ dir }).resolve('plugboard/local/kv/a'))).message,
    ).toMatch(/not a 32-byte base64 key/);
  });
});
