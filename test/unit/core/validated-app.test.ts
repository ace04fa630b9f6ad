import { describe, expect, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import { createRoute } from '../../../lib/core/dispatcher/route-config';
import { ValidatedApp } from '../../../lib/core/dispatcher/validated-app';
import { problemResponse, toProblem } from '../../../lib/core/http/problem';

function appOf(...setup: ((app: ValidatedApp) => void)[]): ValidatedApp {
  const app = new ValidatedApp();
  app.onError((error) => problemResponse(toProblem(error, 'test')));
  for (const add of setup) add(app);
  return app;
}

describe('the query check', () => {
  const tagged = createRoute({
    method: 'get',
    path: '/tagged',
    request: {
      query: z.object({
        tag: z.array(z.string().max(10)).max(5).optional(),
        kinds: z.array(z.enum(['a', 'b'])).default([]),
        limit: z.coerce.number().int().optional(),
      }),
    },
    responses: { 200: { description: 'The query as checked' } },
  });
  const app = appOf((a) => a.openapi(tagged, (c) => c.json(c.req.valid('query'), 200)));

  it('reads a list-valued parameter given once as a list of one, as the document describes it', async () => {
    const once = await app.request('/tagged?tag=x&kinds=a');
    expect(once.status).toBe(200);
    expect(await once.json()).toEqual({ tag: ['x'], kinds: ['a'] });
    const repeated = await app.request('/tagged?tag=x&tag=y&kinds=a&kinds=b');
    expect(await repeated.json()).toEqual({ tag: ['x', 'y'], kinds: ['a', 'b'] });
    expect(await (await app.request('/tagged')).json()).toEqual({ kinds: [] });
  });

  it('still refuses a single-valued parameter given twice', async () => {
    const twice = await app.request('/tagged?limit=1&limit=2');
    expect(twice.status).toBe(400);
    expect((await twice.json()).errors).toEqual([expect.objectContaining({ pointer: '/query/limit' })]);
  });
});

describe('the body check', () => {
  const Tuned = z.strictObject({ mode: z.enum(['fast', 'slow']).default('fast') });
  const content = { 'application/json': { schema: Tuned } };
  const responses = { 200: { description: 'The body as checked' } };
  const optional = createRoute({
    method: 'post',
    path: '/optional',
    request: { body: { content } },
    responses,
  });
  const required = createRoute({
    method: 'post',
    path: '/required',
    request: { body: { required: true, content } },
    responses,
  });

  it("types an optional body as what a request without one gets: {}, its schema's defaults not filled", async () => {
    const app = appOf(
      (a) =>
        a.openapi(optional, (c) => {
          const body = c.req.valid('json');
          expectTypeOf(body).toEqualTypeOf<{ mode: 'fast' | 'slow' } | Record<string, never>>();
          return c.json(body, 200);
        }),
      (a) =>
        a.openapi(required, (c) => {
          expectTypeOf(c.req.valid('json')).toEqualTypeOf<{ mode: 'fast' | 'slow' }>();
          return c.json(c.req.valid('json'), 200);
        }),
    );
    expect(await (await app.request('/optional', { method: 'POST' })).json()).toEqual({});
    expect(await (await app.request('/required', { method: 'POST' })).json()).toEqual({ mode: 'fast' });
  });

  it('reads an empty body as none, with or without a JSON content type', async () => {
    const app = appOf(
      (a) => a.openapi(optional, (c) => c.json(c.req.valid('json'), 200)),
      (a) => a.openapi(required, (c) => c.json(c.req.valid('json'), 200)),
    );
    const json = { 'content-type': 'application/json' };
    const empty = await app.request('/optional', { method: 'POST', headers: json, body: '' });
    expect({ status: empty.status, body: await empty.json() }).toEqual({ status: 200, body: {} });
    const needed = await app.request('/required', { method: 'POST', headers: json, body: '' });
    expect({ status: needed.status, body: await needed.json() }).toEqual({
      status: 200,
      body: { mode: 'fast' },
    });
    const malformed = await app.request('/optional', { method: 'POST', headers: json, body: ' ' });
    expect(malformed.status).toBe(400);
    const untyped = await app.request('/optional', { method: 'POST', body: '{}' });
    expect(untyped.status).toBe(415);
  });

  it('takes a JSON media type whose parameters have whitespace around the semicolon (RFC 9110 §8.3.1)', async () => {
    const app = appOf((a) => a.openapi(required, (c) => c.json(c.req.valid('json'), 200)));
    for (const type of [
      'application/json ; charset=utf-8',
      'application/json;charset=UTF-8',
      'application/json ',
    ]) {
      const sent = await app.request('/required', {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{"mode":"slow"}',
      });
      expect({ type, status: sent.status }).toEqual({ type, status: 200 });
    }
    const malformed = await app.request('/required', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset' },
      body: '{}',
    });
    expect(malformed.status).toBe(415);
    const started = performance.now();
    const spaced = await app.request('/required', {
      method: 'POST',
      headers: { 'content-type': `application/json; a=${' '.repeat(16_000)}x; ${' '.repeat(16_000)}` },
      body: '{}',
    });
    expect(spaced.status).toBe(415);
    expect(performance.now() - started).toBeLessThan(200);
  });
});
