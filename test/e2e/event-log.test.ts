import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditSeen, startTestPlatform, type TestPlatform } from './harness';
import { waitFor } from './wait-for';

const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-event-log-'));
let pb: TestPlatform;

beforeAll(async () => {
  pb = await startTestPlatform({ memory: false, dataDir });
});
afterAll(async () => {
  await pb?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Line {
  op: 'append' | 'complete';
  event?: { id: string; 'detail-type': string; detail: { instance?: string } };
  complete?: true;
  id?: string;
}
const lines = (): Line[] =>
  readFileSync(join(dataDir, 'events.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((text) => JSON.parse(text));
const operationLines = (instance: string) =>
  lines().filter(
    (l) => l.event?.['detail-type'] === 'Operation Succeeded' && l.event.detail.instance === instance,
  );

describe('the local event log', () => {
  it('logs an event no subscription matches complete at once, and one that has a subscriber pending until delivered', async () => {
    await pb.createInstance('quiet', 'echo');
    await pb.createInstance('heard', 'echo');
    await pb.createInstance('listener', 'audit-log');
    for (const name of ['quiet', 'heard']) {
      const call = await pb.call('POST', `/v1/instances/${name}/actions/echo`, { params: { message: name } });
      expect(call.status).toBe(200);
    }
    await pb.platform.bus.idle();
    const [quiet] = operationLines('quiet');
    expect(quiet).toMatchObject({ op: 'append', complete: true });

    const subscribed = await pb.call('POST', '/v1/subscriptions', {
      pattern: {
        source: ['plugboard'],
        'detail-type': ['Operation Succeeded'],
        detail: { instance: ['heard'] },
      },
      instance: 'listener',
      handler: 'events',
    });
    expect(subscribed.status).toBe(201);
    await pb.call('POST', '/v1/instances/heard/actions/echo', { params: { message: 'again' } });
    await waitFor(async () => (await auditSeen(pb, 'listener')).events.length === 1);
    await pb.platform.bus.idle();
    const heard = operationLines('heard').at(-1)!;
    expect(heard).toEqual(expect.objectContaining({ op: 'append' }));
    expect(heard.complete).toBeUndefined();
    expect(lines().filter((l) => l.op === 'complete' && l.id === heard.event!.id)).toHaveLength(1);
  });
});
