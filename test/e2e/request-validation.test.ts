import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../lib/core/webhooks/signature';
import { startTestPlatform, type TestPlatform } from './harness';

let pb: TestPlatform;

beforeAll(async () => {
  pb = await startTestPlatform();
  await pb.createInstance('checked-echo', 'echo');
});
afterAll(async () => {
  await pb?.close();
});

/** A request exactly as given: fetch would add a Content-Type to any body it sends. */
function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${pb.platform.url}${path}`,
      { method, headers: { authorization: `Bearer ${pb.platform.token}`, ...headers }, timeout: 10_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const ECHO = '/v1/instances/checked-echo/actions/echo';

describe('how a route checks its request', () => {
  it('reads an optional body as {} when there is none, and checks a required one as {}', async () => {
    const noBody = await rawRequest('POST', ECHO, {});
    expect(noBody).toMatchObject({ status: 200, body: { result: {} } });
    const missing = await rawRequest('POST', '/v1/instances', {});
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/name' }),
        expect.objectContaining({ pointer: '/plugin' }),
      ]),
    );
  });

  it('refuses a body without a JSON content type, and one whose JSON media type has a malformed parameter', async () => {
    const body = JSON.stringify({ params: { message: 'hi' } });
    const untyped = await rawRequest('POST', ECHO, { 'content-length': String(body.length) }, body);
    expect(untyped.status).toBe(415);
    const malformed = await rawRequest('POST', ECHO, { 'content-type': 'application/json; charset' }, body);
    expect(malformed.status).toBe(415);
    for (const type of [
      'application/json; charset=utf-8',
      'application/vnd.plugboard+json',
      'APPLICATION/JSON',
    ]) {
      const typed = await rawRequest('POST', ECHO, { 'content-type': type }, body);
      expect({ type, status: typed.status, result: typed.body.result }).toEqual({
        type,
        status: 200,
        result: { message: 'hi' },
      });
    }
  });

  it('checks a Content-Type only where a route takes a JSON body', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const unknown = await rawRequest('POST', '/v1/no-such-route', form, 'a=1');
    expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 404, code: 'NotFound' });
    const other = await rawRequest('POST', '/v1/plugins', form, 'a=1');
    expect({ status: other.status, code: other.body.code }).toEqual({
      status: 405,
      code: 'MethodNotAllowed',
    });
    const secret = 's'.repeat(16);
    expect((await pb.call('PUT', '/v1/webhook-sources/formed', { secret })).status).toBe(201);
    const body = 'payload=%7B%7D';
    const delivered = await rawRequest(
      'POST',
      '/v1/webhooks/formed',
      { ...form, 'x-hub-signature-256': signBody(secret, Buffer.from(body)), 'x-delivery-id': 'd-form' },
      body,
    );
    expect(delivered).toMatchObject({ status: 202, body: { status: 'accepted' } });
  });

  it('takes JSON as UTF-8 only: another charset is a 415, bytes that are not UTF-8 a 400', async () => {
    const latin1 = Buffer.from('{"params":{"message":"caf\u00e9"}}', 'latin1');
    const declared = await rawRequest(
      'POST',
      ECHO,
      { 'content-type': 'application/json; charset=iso-8859-1' },
      latin1,
    );
    expect(declared.status).toBe(415);
    expect(declared.body.detail).toContain('UTF-8');
    const undeclared = await rawRequest('POST', ECHO, { 'content-type': 'application/json' }, latin1);
    expect(undeclared.status).toBe(400);
    expect(undeclared.body.detail).toBe('the request body is not valid UTF-8');
    const quoted = await rawRequest(
      'POST',
      ECHO,
      { 'content-type': 'application/json; charset="UTF-8"' },
      Buffer.from('{"params":{"message":"caf\u00e9"}}', 'utf8'),
    );
    expect(quoted.body.result).toEqual({ message: 'café' });
    // WHATWG's other names for UTF-8, which clients send.
    for (const label of ['utf8', 'UTF8', 'unicode-1-1-utf-8']) {
      const named = await rawRequest(
        'POST',
        ECHO,
        { 'content-type': `application/json; charset=${label}` },
        Buffer.from('{"params":{"message":"caf\u00e9"}}', 'utf8'),
      );
      expect({ label, status: named.status }).toEqual({ label, status: 200 });
    }
  });

  it('names what is wrong: malformed JSON, a path segment, a query value, a header', async () => {
    const json = await rawRequest('POST', ECHO, { 'content-type': 'application/json' }, '{"params":');
    expect(json).toMatchObject({ status: 400, body: { detail: 'the request body is not valid JSON' } });
    const path = await pb.call('POST', '/v1/instances/checked-echo/actions/Not-An-Action', {});
    expect(path.status).toBe(400);
    expect(path.body.errors).toEqual([expect.objectContaining({ pointer: '/path/action' })]);
    const query = await pb.call('GET', '/v1/instances?limit=many');
    expect(query.status).toBe(400);
    expect(query.body.errors).toEqual([expect.objectContaining({ pointer: '/query/limit' })]);
    const header = await pb.call(
      'PATCH',
      '/v1/instances/checked-echo',
      { description: 'x' },
      { 'If-Match': 'x'.repeat(401) },
    );
    expect(header.status).toBe(400);
    expect(header.body.errors).toEqual([expect.objectContaining({ pointer: '/headers/if-match' })]);
    const unknown = await pb.call('POST', '/v1/instances', {
      name: 'extra',
      plugin: 'echo',
      colour: 'blue',
      context: { orgSlug: 'a', 'team/name': 'b' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      {
        pointer: '/context/team~1name',
        detail:
          'Unknown field; known: orgSlug, projectId, projectSlug, projectTypeSlug, teamSlug, environment, assignmentOptions',
      },
      {
        pointer: '/colour',
        detail: 'Unknown field; known: name, plugin, description, options, context, order',
      },
    ]);
  });

  it('refuses a malformed instance name in any body with a 400 at its field, never a lookup 404', async () => {
    const bodies: [string, Record<string, unknown>][] = [
      ['/v1/instances', { name: 'NOPE', plugin: 'echo' }],
      ['/v1/subscriptions', { instance: 'NOPE', pattern: { source: ['a'] }, handler: 'events' }],
      ['/v1/guards', { instance: 'NOPE', role: 'preHook' }],
    ];
    for (const [path, body] of bodies) {
      const answer = await pb.call('POST', path, body);
      expect(answer.status, path).toBe(400);
      expect(answer.body.errors, path).toEqual([
        {
          pointer: path === '/v1/instances' ? '/name' : '/instance',
          detail: expect.stringContaining('a-z, 0-9'),
        },
      ]);
    }
  });

  it('answers a cursor no list made with one error at /query/cursor, whichever store lists', async () => {
    await pb.call('PUT', '/v1/webhook-sources/checked', { secret: 'checked-secret-0123456789' });
    const lists = [
      '/v1/instances',
      '/v1/subscriptions',
      '/v1/events/log',
      '/v1/dlq',
      '/v1/webhooks/checked/deliveries',
    ];
    for (const list of lists) {
      for (const cursor of ['not-a-cursor', 'eyJ4IjoxfQ', Buffer.from('-5').toString('base64url')]) {
        const answer = await pb.call('GET', `${list}?cursor=${cursor}`);
        expect(answer.status, `${list} ${cursor}`).toBe(400);
        expect(answer.body, `${list} ${cursor}`).toMatchObject({
          detail: 'the cursor is not valid for this list',
          errors: [{ pointer: '/query/cursor', detail: 'not a cursor returned by this list' }],
        });
      }
    }
    const plugin = await pb.call('GET', '/v1/instances?plugin=Not%20A%20Slug');
    expect(plugin.body.errors).toEqual([
      { pointer: '/query/plugin', detail: 'a plugin slug is a-z, 0-9 and "-", starting with a letter' },
    ]);
  });
});
