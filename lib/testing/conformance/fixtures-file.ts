import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConformanceFixtures } from './types';

/** A plugin may keep its conformance fixtures beside its index.ts; the loader ignores this file. */
export const FIXTURES_FILE = 'conformance.fixtures.ts';

/** The fixtures a plugin folder declares (default export), or none. */
export async function loadFixtures(pluginDir: string): Promise<ConformanceFixtures> {
  const file = join(pluginDir, FIXTURES_FILE);
  if (!existsSync(file)) return {};
  const module = (await import(pathToFileURL(file).href)) as { default?: ConformanceFixtures };
  return module.default ?? {};
}
