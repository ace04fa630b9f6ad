import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CREDENTIAL_JSON_BYTES } from '../../lib/core/credential-values';
import { GENERATION } from '../../lib/core/instances/generation';
import { type CredentialResolver, type CredentialStore, credentialsRef } from '../../lib/core/ports';
import { PlugboardError } from '../../lib/sdk/errors';

export interface CredentialsUnderTest {
  store: CredentialStore;
  resolver: CredentialResolver;
  close?(): Promise<void>;
}

export const CANARY = 'canary-7f3a9c1e-do-not-leak';

/** Runs `call` expecting a PlugboardError that nowhere mentions the canary; returns it. */
async function failsWithout(canary: string, call: () => Promise<unknown>): Promise<PlugboardError> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(PlugboardError);
    const e = error as PlugboardError;
    for (const text of [e.message, String(e.stack), JSON.stringify(e), JSON.stringify(e.errors ?? null)]) {
      expect(text).not.toContain(canary);
    }
    return e;
  }
  throw new Error('expected the call to fail');
}

/** `values` is refused as a request problem (400) at /values, and nothing is stored. */
async function refusedAtValues(
  { store, resolver }: CredentialsUnderTest,
  ref: string,
  values: Record<string, string>,
) {
  const error = await failsWithout(CANARY, () => store.put(ref, values));
  expect(error.code).toBe('Validation');
  expect(error.status).toBe(400);
  expect(error.errors).toEqual([{ pointer: '/values', detail: error.message }]);
  expect(await resolver.resolve(ref)).toBeUndefined();
  return error;
}

/** `{"token":"<value>"}` is 12 bytes around the value. */
const TOKEN_JSON_OVERHEAD = 12;

/** One credentials contract, run against every CredentialStore + CredentialResolver pair. */
export function credentialContract(label: string, open: () => Promise<CredentialsUnderTest>): void {
  describe(`Credential contract: ${label}`, () => {
    let subject: CredentialsUnderTest;
    beforeAll(async () => {
      subject = await open();
    });
    afterAll(() => subject?.close?.());

    it('writes values that only the resolver reads back', async () => {
      const { store, resolver } = subject;
      await store.put('plugboard/test/kv/one', { token: CANARY, user: 'me' });
      expect(await resolver.resolve('plugboard/test/kv/one')).toEqual({ token: CANARY, user: 'me' });
    });

    it('replaces all values on put', async () => {
      const { store, resolver } = subject;
      await store.put('plugboard/test/kv/replace', { a: '1', b: '2' });
      await store.put('plugboard/test/kv/replace', { c: '3' });
      expect(await resolver.resolve('plugboard/test/kv/replace')).toEqual({ c: '3' });
    });

    it('keeps refs apart and deletes idempotently', async () => {
      const { store, resolver } = subject;
      await store.put('plugboard/test/kv/keep', { token: 'keep' });
      await store.put('plugboard/test/kv/drop', { token: 'drop' });
      await store.delete('plugboard/test/kv/drop');
      await store.delete('plugboard/test/kv/drop');
      await store.delete('plugboard/test/kv/never-set');
      expect(await resolver.resolve('plugboard/test/kv/drop')).toBeUndefined();
      expect(await resolver.resolve('plugboard/test/kv/keep')).toEqual({ token: 'keep' });
      await store.put('plugboard/test/kv/drop', { token: 'again' });
      expect(await resolver.resolve('plugboard/test/kv/drop')).toEqual({ token: 'again' });
    });

    it("never gives one instance of a name another's credentials, nor removes them", async () => {
      const { store, resolver } = subject;
      // undefined: an instance from before generations, whose secret is named by its name alone.
      const generation = fc.option(fc.stringMatching(new RegExp(`^${GENERATION}$`)), { nil: undefined });
      await fc.assert(
        // Under the longest stage, slugs, names and generations up to their longest make names Secrets Manager takes.
        fc.asyncProperty(
          fc.stringMatching(/^[a-z][a-z0-9-]{0,63}$/),
          fc.stringMatching(/^[a-z][a-z0-9-]{0,62}$/),
          fc.uniqueArray(generation, { minLength: 2, maxLength: 3 }),
          async (plugin, name, generations) => {
            const refs = generations.map((g) =>
              credentialsRef('longeststagename', { plugin, name, generation: g }),
            );
            await Promise.all(refs.map((ref, i) => store.put(ref, { token: `instance ${i}` })));
            const [removed, ...kept] = refs;
            await store.delete(removed!);
            expect(await resolver.resolve(removed!)).toBeUndefined();
            for (const [i, ref] of kept.entries())
              expect(await resolver.resolve(ref)).toEqual({ token: `instance ${i + 1}` });
            await Promise.all(kept.map((ref) => store.delete(ref)));
          },
        ),
        { numRuns: 15 },
      );
    });

    it('keeps every one of many concurrent writes to different refs', async () => {
      const { store, resolver } = subject;
      const refs = Array.from({ length: 12 }, (_, i) => `plugboard/test/many/i${i}`);
      await Promise.all(refs.map((ref, i) => store.put(ref, { n: String(i) })));
      expect(await Promise.all(refs.map((ref) => resolver.resolve(ref)))).toEqual(
        refs.map((_, i) => ({ n: String(i) })),
      );
    });

    it("keeps values whose JSON is at most 65,536 bytes, Secrets Manager's limit, and refuses more", async () => {
      const { store, resolver } = subject;
      const atLimit = { token: 'x'.repeat(MAX_CREDENTIAL_JSON_BYTES - TOKEN_JSON_OVERHEAD) };
      await store.put('plugboard/test/kv/full', atLimit);
      expect(await resolver.resolve('plugboard/test/kv/full')).toEqual(atLimit);
      // Each value is small; together they are not.
      const many = Object.fromEntries(
        Array.from({ length: 8 }, (_, i) => [`field${i}`, `${CANARY}${'x'.repeat(8_200)}`]),
      );
      const error = await refusedAtValues(subject, 'plugboard/test/kv/many', many);
      expect(error.message).toMatch(/at most 65536 are kept/);
      // Bytes, not characters: "é" takes two.
      const wide = { token: 'é'.repeat((MAX_CREDENTIAL_JSON_BYTES - TOKEN_JSON_OVERHEAD) / 2 + 1) };
      await refusedAtValues(subject, 'plugboard/test/kv/wide', wide);
    });

    it('keeps names that fit 256 characters joined by spaces, as both stores record them, and refuses more', async () => {
      const { store, resolver } = subject;
      const fits = { [`a${'x'.repeat(127)}`]: '1', [`b${'x'.repeat(126)}`]: '2' };
      await store.put('plugboard/test/kv/names', fits);
      expect(await resolver.resolve('plugboard/test/kv/names')).toEqual(fits);
      const over = { ...fits, c: CANARY };
      const error = await refusedAtValues(subject, 'plugboard/test/kv/too-many-names', over);
      expect(error.message).toMatch(/258 characters joined by spaces; at most 256/);
    });

    it('never puts a value into an error', async () => {
      const { store, resolver } = subject;
      const bad: unknown[] = [
        { token: CANARY, count: 42 },
        { 'bad name': CANARY },
        { token: CANARY, nested: { v: CANARY } },
        { token: CANARY.repeat(3000) },
        [CANARY],
        CANARY,
      ];
      for (const values of bad) {
        const error = await failsWithout(CANARY, () => store.put('plugboard/test/kv/bad', values as never));
        expect(error.code).toBe('Validation');
      }
      expect(await resolver.resolve('plugboard/test/kv/bad')).toBeUndefined();
      for (const ref of ['', 'has space', 'x'.repeat(513), `bad#${CANARY}`]) {
        await failsWithout(CANARY, () => store.put(ref, { token: CANARY }));
      }
      expect((await failsWithout(CANARY, () => resolver.resolve('no spaces allowed'))).code).toBe(
        'Validation',
      );
    });
  });
}
