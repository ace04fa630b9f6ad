import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS_UNDER_WAY_EVERY_MS, CALLS_UNDER_WAY_FILE } from '../../lib/local/calls-under-way';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';
import { waitFor } from '../e2e/wait-for';

const pluginsDir = join(import.meta.dirname, '../fixtures/event-plugins');

let pb: TestPlatform;
let closed = false;
let file: string;
const named = () => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);

beforeAll(async () => {
  pb = await startTestPlatform({ pluginsDir, recordCallsUnderWay: true });
  file = join(pb.platform.dataDir, CALLS_UNDER_WAY_FILE);
  await pb.createInstance('slow', 'slow-audit', { delayMs: 1_500 });
  await pb.createInstance('quick', 'slow-audit', { delayMs: 0 });
}, 30_000);
afterAll(async () => {
  if (!closed) await pb?.close();
});

describe('the calls under way, kept for a supervisor', () => {
  it('writes nothing for calls that answer sooner than a look', async () => {
    const started = Date.now();
    while (Date.now() - started < 4 * CALLS_UNDER_WAY_EVERY_MS)
      expect((await pb.call('POST', '/v1/instances/quick/actions/wait', {})).status).toBe(200);
    expect(existsSync(file)).toBe(false);
  });

  it('names a call that runs for a while, and no longer once it answered', async () => {
    const before = Date.now();
    const waiting = pb.call('POST', '/v1/instances/slow/actions/wait', {});
    await waitFor(async () => named()?.calls.length > 0, 1_400, 'the slow call to be named');
    expect(named()).toEqual({
      everyMs: CALLS_UNDER_WAY_EVERY_MS,
      calls: [
        { plugin: 'slow-audit', instance: 'slow', kind: 'action', name: 'wait', started: expect.any(Number) },
      ],
    });
    expect(named().calls[0].started).toBeGreaterThanOrEqual(before);
    expect((await waiting).status).toBe(200);
    await waitFor(async () => named()?.calls.length === 0, 2_000, 'the answered call to go');
  }, 15_000);

  it('is removed when the platform stops', async () => {
    expect(existsSync(file)).toBe(true);
    closed = true;
    await pb.close();
    expect(existsSync(file)).toBe(false);
  });
});
