import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';

/**
 * An instance's name deleted and created again starts at version 1 again: its ETag names which
 * instance of the name it is (its generation), so one read from the instance before is no ETag of
 * the new one.
 */
describe('an ETag read from an instance since deleted and created again', () => {
  let pb: TestPlatform;
  beforeAll(async () => {
    pb = await startTestPlatform();
  });
  afterAll(() => pb?.close());

  it('writes nothing and is answered 412; a read naming it in If-None-Match gets the new instance', async () => {
    const first = await pb.call('POST', '/v1/instances', {
      name: 'remade',
      plugin: 'echo',
      description: 'first',
    });
    const old = first.headers.get('etag')!;
    expect(old).toBe(`"1-${first.body.generation}"`);
    expect((await pb.call('DELETE', '/v1/instances/remade')).status).toBe(204);
    const second = await pb.call('POST', '/v1/instances', {
      name: 'remade',
      plugin: 'echo',
      description: 'second',
    });
    expect(second.body.version).toBe(1);
    const current = second.headers.get('etag')!;
    expect(current).not.toBe(old);

    const patch = (description: string, ifMatch: string) =>
      pb.call('PATCH', '/v1/instances/remade', { description }, { 'if-match': ifMatch });
    const patched = await patch('from the first', old);
    expect(patched.status).toBe(412);
    expect(patched.body).toMatchObject({
      code: 'VersionConflict',
      detail:
        'instance remade at version 1 is not the one read: the name was deleted and created again since; read it again',
    });
    const read = await pb.call('GET', '/v1/instances/remade', undefined, { 'if-none-match': old });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe(current);
    expect(read.body).toEqual(second.body);
    expect((await pb.call('GET', '/v1/instances/remade', undefined, { 'if-match': old })).status).toBe(412);
    expect((await pb.call('DELETE', '/v1/instances/remade', undefined, { 'if-match': old })).status).toBe(
      412,
    );
    expect((await pb.call('GET', '/v1/instances/remade')).body).toEqual(second.body);

    // The new instance's own ETag is its precondition.
    expect(
      (await pb.call('GET', '/v1/instances/remade', undefined, { 'if-none-match': current })).status,
    ).toBe(304);
    const ours = await patch('ours', current);
    expect(ours.status).toBe(200);
    expect(ours.headers.get('etag')).toBe(`"2-${second.body.generation}"`);
  });

  it('is told, for a version alone, to send the ETag as the read answered it', async () => {
    const made = await pb.call('POST', '/v1/instances', { name: 'bare', plugin: 'echo' });
    const bare = await pb.call('PATCH', '/v1/instances/bare', { description: 'x' }, { 'if-match': '"1"' });
    expect(bare.status).toBe(412);
    expect(bare.headers.get('content-type')).toContain('application/problem+json');
    expect(bare.body.detail).toContain('send the ETag as a read answered it, which names its generation too');
    expect((await pb.call('GET', '/v1/instances/bare', undefined, { 'if-none-match': '"1"' })).status).toBe(
      200,
    );
    expect((await pb.call('GET', '/v1/instances/bare')).body).toEqual(made.body);
  });
});
