import { startLocalPlatform } from '../../lib/local/platform';
import { reportCase } from '../child';

const INSTANCES = 10_000;

/**
 * Two registry figures on a local platform (dynalite in memory): a CachedRegistry.getInstance hit in
 * microseconds, and listing 10,000 instances through `GET /v1/instances?limit=1000` pages (median of 3).
 * The instances are created straight through the registry, 50 writes in flight, within `budgetMs`.
 */
export async function registryCases(budgetMs = 180_000) {
  const platform = await startLocalPlatform({ memory: true, port: 0, watch: false, logSink: () => {} });
  try {
    const { registry } = platform;
    const started = performance.now();
    let next = 0;
    const writer = async () => {
      while (next < INSTANCES) {
        if (performance.now() - started > budgetMs)
          throw new Error(`creating ${INSTANCES} instances took over ${budgetMs} ms`);
        const name = `bench-${String(next++).padStart(5, '0')}`;
        await registry.createInstance({
          name,
          plugin: 'echo',
          options: {},
          context: {},
          order: 0,
          credentialsSet: [],
        });
      }
    };
    await Promise.all(Array.from({ length: 50 }, writer));
    const createPerS = INSTANCES / ((performance.now() - started) / 1000);

    await registry.getInstance('bench-00000');
    const gets = 100_000;
    let start = performance.now();
    for (let i = 0; i < gets; i++) await registry.getInstance('bench-00000');
    const getCachedUs = ((performance.now() - start) * 1000) / gets;

    const listAll = async () => {
      let count = 0;
      let cursor: string | undefined;
      do {
        const query = new URLSearchParams({ limit: '1000', ...(cursor ? { cursor } : {}) });
        const response = await fetch(`${platform.url}/v1/instances?${query}`, {
          headers: { authorization: `Bearer ${platform.token}` },
        });
        if (!response.ok) throw new Error(`GET /v1/instances: ${response.status}`);
        const page = (await response.json()) as { instances: unknown[]; nextCursor?: string };
        count += page.instances.length;
        cursor = page.nextCursor;
      } while (cursor);
      return count;
    };
    const listings: number[] = [];
    for (let run = 0; run < 3; run++) {
      start = performance.now();
      const count = await listAll();
      listings.push(performance.now() - start);
      if (count !== INSTANCES) throw new Error(`listed ${count} instances, expected ${INSTANCES}`);
    }
    return { getCachedUs, list10kMs: listings.sort((a, b) => a - b)[1]!, createPerS };
  } finally {
    await platform.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await reportCase(registryCases);
