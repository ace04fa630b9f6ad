import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';

let pb: TestPlatform;
beforeAll(async () => {
  pb = await startTestPlatform();
});
afterAll(async () => {
  await pb?.close();
});

const CONCURRENT = 50;

describe('optimistic concurrency under 50 concurrent writers', () => {
  it('50 PATCHes with one If-Match: exactly one 200, the rest 412, and the winner is stored', async () => {
    const created = await pb.call('POST', '/v1/instances', { name: 'contended', plugin: 'echo' });
    expect(created.status).toBe(201);
    const etag = created.headers.get('etag')!;
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        pb.call('PATCH', '/v1/instances/contended', { description: `writer ${i}` }, { 'if-match': etag }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    const winners = answers.filter((a) => a.status === 200);
    console.log(
      `concurrency: ${CONCURRENT} PATCHes → ${winners.length} × 200, ${statuses.filter((s) => s === 412).length} × 412`,
    );
    expect(winners).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(CONCURRENT - 1);
    const stored = await pb.call('GET', '/v1/instances/contended');
    expect(stored.body.description).toBe(winners[0]?.body.description);
    expect(stored.body.version).toBe(winners[0]?.body.version);
  });

  it('50 creates of one name: exactly one 201, the rest 409', async () => {
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        pb.call('POST', '/v1/instances', { name: 'raced', plugin: 'echo', description: `creator ${i}` }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    const winner = answers.find((a) => a.status === 201);
    console.log(
      `concurrency: ${CONCURRENT} creates → ${statuses.filter((s) => s === 201).length} × 201, ${statuses.filter((s) => s === 409).length} × 409`,
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(CONCURRENT - 1);
    expect((await pb.call('GET', '/v1/instances/raced')).body.description).toBe(winner?.body.description);
  });
});
