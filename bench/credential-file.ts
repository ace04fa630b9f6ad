/**
 * What resolving a call's credentials costs the local platform as its credentials file grows: milliseconds
 * per `FileCredentialStore.resolve` with 200 and 2,000 instances' credentials stored. A one-off, not part
 * of `npm run bench`. Run: npx tsx bench/credential-file.ts
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FileCredentialStore } from '../lib/local/file-credential-store';

const RESOLVES = 500;

for (const instances of [200, 2_000]) {
  await mkdir('test/.tmp', { recursive: true });
  const dir = await mkdtemp(join('test/.tmp', 'credential-file-'));
  try {
    const store = new FileCredentialStore({ dir });
    const ref = (i: number) => `plugboard/bench/p/instance-${i}/generation-${i}`;
    for (let i = 0; i < instances; i++)
      await store.put(ref(i), { token: `token-${i}`, apiKey: 'k'.repeat(40) });
    const start = performance.now();
    for (let i = 0; i < RESOLVES; i++) await store.resolve(ref(i % instances));
    console.log(
      `${instances} instances' credentials: ${((performance.now() - start) / RESOLVES).toFixed(3)} ms a resolve`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
