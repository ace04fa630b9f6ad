import fc from 'fast-check';
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

  const NOT_JSON = 'send the body as application/json';
  const NOT_UTF8 = 'JSON is UTF-8 (RFC 8259 §8.1): send charset=utf-8, or none';
  /**
   * What a body of `{}` sent with `type` as its Content-Type is answered: its status and detail. As
   * bytes, which a Request sends without a Content-Type of its own, where it gives text one.
   */
  const sentAs = async (app: ValidatedApp, type: string | undefined) => {
    const res = await app.request('/required', {
      method: 'POST',
      headers: type === undefined ? {} : { 'content-type': type },
      body: new TextEncoder().encode('{}'),
    });
    return { type, status: res.status, detail: res.status === 200 ? undefined : (await res.json()).detail };
  };

  it('refuses a body by its Content-Type, naming what is wrong with it', async () => {
    const app = appOf((a) => a.openapi(required, (c) => c.json(c.req.valid('json'), 200)));
    const cases: [string | undefined, number, string?][] = [
      ['application/json', 200],
      ['application/json; charset=utf-8', 200],
      ['Application/JSON;Charset=UTF-8', 200],
      ['application/problem+json', 200],
      ['application/vnd.plugboard.v1+json; charset=utf8', 200],
      ['application/json; charset="utf-8"; profile=x', 200],
      [undefined, 415, 'send the body with Content-Type: application/json'],
      ['text/plain', 415, NOT_JSON],
      ['application/jsonx', 415, NOT_JSON],
      ['application/json-seq', 415, NOT_JSON],
      ['application/json;', 415, NOT_JSON],
      ['application/json; charset=', 415, NOT_JSON],
      ['application/json; charset = utf-8', 415, NOT_JSON],
      ['application/json; charset=iso-8859-1', 415, NOT_UTF8],
      ['application/json; profile=x; CHARSET="utf-16"', 415, NOT_UTF8],
      ['application/json; charset="', 415, NOT_UTF8],
    ];
    for (const [type, status, detail] of cases)
      expect(await sentAs(app, type)).toEqual({ type, status, detail });
  });

  it('reads a JSON Content-Type alike however its case and the whitespace around its semicolons', async () => {
    const app = appOf((a) => a.openapi(required, (c) => c.json(c.req.valid('json'), 200)));
    const spaces = fc.stringMatching(/^[ \t]{0,2}$/);
    const anyCase = (text: string) =>
      fc
        .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
        .map((upper) => [...text].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
    await fc.assert(
      fc.asyncProperty(
        anyCase('application/json'),
        fc.array(fc.tuple(spaces, spaces, fc.boolean()), { maxLength: 2 }),
        fc.constantFrom('utf-8', 'UTF8', 'unicode-1-1-utf-8', 'latin1', 'utf-16'),
        anyCase('charset'),
        async (essence, spacings, label, name) => {
          const parameters = spacings.map(([before, after, quoted], i) => {
            const value = i === 0 ? label : 'x';
            return `${before};${after}${i === 0 ? name : 'p'}=${quoted ? `"${value}"` : value}`;
          });
          const utf8 = parameters.length === 0 || !['latin1', 'utf-16'].includes(label);
          expect(await sentAs(app, essence + parameters.join(''))).toMatchObject({
            status: utf8 ? 200 : 415,
            detail: utf8 ? undefined : NOT_UTF8,
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('takes any body on a route that declares no JSON one, as the webhook receiver and the plugin APIs need', async () => {
    const raw = createRoute({ method: 'post', path: '/raw', responses });
    const app = appOf((a) => a.openapi(raw, async (c) => c.json({ text: await c.req.text() }, 200)));
    const sent = await app.request('/raw', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' },
      body: 'a=1',
    });
    expect({ status: sent.status, body: await sent.json() }).toEqual({ status: 200, body: { text: 'a=1' } });
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
