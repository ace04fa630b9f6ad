import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';

// Inside the repository, so the plugin resolves `plugboard/sdk` like a real one.
const root = join(import.meta.dirname, '../.tmp', `result-json-${process.pid}`);

/**
 * Answers the value a JSON shape describes, with `{ "$notJson": kind }` made into a value JSON would
 * lose: the shape crosses the API as JSON, the value is made where the handler runs.
 */
const source = `import { definePlugin } from 'plugboard/sdk';
class Hidden { #state = 1; }
const notJson = {
  Map: () => new Map([['a', 1]]),
  Set: () => new Set([1]),
  function: () => () => 1,
  symbol: () => Symbol('s'),
  BigInt: () => 1n,
  Promise: () => Promise.resolve(1),
  Hidden: () => new Hidden(),
  Error: () => new Error('kept out of the answer'),
};
const make = (shape) => {
  if (Array.isArray(shape)) return shape.map(make);
  if (shape === null || typeof shape !== 'object') return shape;
  if (Object.hasOwn(shape, '$notJson')) return notJson[shape.$notJson]();
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, make(v)]));
};
export default definePlugin({
  manifest: {
    slug: 'shapes', name: 'Shapes', version: '1.0.0', apiVersion: 1,
    actions: [
      { name: 'make', label: 'Answers a shape', requiredParams: [{ name: 'shape', label: 'Shape', type: 'string' }] },
      { name: 'nothing', label: 'Answers undefined' },
      { name: 'dated', label: 'Answers a Date' },
      { name: 'publish', label: 'Publishes a shape', requiredParams: [{ name: 'shape', label: 'Shape', type: 'string' }] },
    ],
  },
  actions: {
    make: (_ctx, { shape }) => make(JSON.parse(shape)),
    nothing: () => undefined,
    dated: () => ({ at: new Date(0) }),
    publish: (ctx, { shape }) => ctx.publish('Shaped', { shape: make(JSON.parse(shape)) }),
  },
});
`;

const REASONS = {
  Map: 'a Map is not JSON; answer an object or an array of entries',
  Set: 'a Set is not JSON; answer an array',
  function: 'a function is not JSON',
  symbol: 'a symbol is not JSON',
  BigInt: 'a BigInt is not JSON; answer a string or a number',
  Promise: 'a Promise is not JSON; await it',
  Hidden:
    'a class instance is not JSON (it has no fields JSON can see); answer a plain object, or give its class a toJSON',
  Error:
    'an Error is not JSON (it has no fields JSON can see); answer a plain object, or give its class a toJSON',
} as const;

type Step = { key: string } | { index: number };
const json = fc.jsonValue({ maxDepth: 2 });
/** One step down from a container: a key among other fields, or an index among other items. */
const step = fc.oneof(
  fc.record({ key: fc.string({ maxLength: 6 }), siblings: fc.dictionary(fc.string({ maxLength: 6 }), json) }),
  fc.record({ at: fc.nat(3), siblings: fc.array(json, { maxLength: 3 }) }),
);
/** A JSON shape with one value JSON would lose somewhere in it, and the JSON pointer of that value. */
const shaped = fc
  .record({
    kind: fc.constantFrom(...(Object.keys(REASONS) as (keyof typeof REASONS)[])),
    steps: fc.array(step, { maxLength: 4 }),
  })
  // A handler's own result is awaited: only a Promise inside it is one.
  .filter(({ kind, steps }) => kind !== 'Promise' || steps.length > 0)
  .map(({ kind, steps }) => {
    let shape: unknown = { $notJson: kind };
    const path: Step[] = [];
    for (const s of steps.toReversed()) {
      if ('key' in s) {
        // Defined, not assigned: a key named __proto__ is a field in JSON.
        const fields = Object.fromEntries(Object.entries(s.siblings));
        Object.defineProperty(fields, s.key, {
          value: shape,
          enumerable: true,
          configurable: true,
          writable: true,
        });
        shape = fields;
        path.unshift({ key: s.key });
      } else {
        const index = Math.min(s.at, s.siblings.length);
        shape = [...s.siblings.slice(0, index), shape, ...s.siblings.slice(index)];
        path.unshift({ index });
      }
    }
    const pointer = path
      .map((p) => `/${'key' in p ? p.key.replaceAll('~', '~0').replaceAll('/', '~1') : p.index}`)
      .join('');
    return { kind, shape, pointer: `/result${pointer}` };
  });

let pb: TestPlatform;
beforeAll(async () => {
  mkdirSync(join(root, 'shapes'), { recursive: true });
  writeFileSync(join(root, 'shapes', 'index.ts'), source);
  pb = await startTestPlatform({ pluginsDir: root });
  await pb.createInstance('s', 'shapes');
});
afterAll(async () => {
  await pb?.close();
  rmSync(root, { recursive: true, force: true });
});

const act = (name: string, params: Record<string, unknown> = {}) =>
  pb.call('POST', `/v1/instances/s/actions/${name}`, { params });

describe('a result JSON cannot carry as the handler gave it', () => {
  it('answers 502 PluginFailed naming where and what, never a 500 or a changed result', async () => {
    await fc.assert(
      fc.asyncProperty(shaped, async ({ kind, shape, pointer }) => {
        const res = await act('make', { shape: JSON.stringify(shape) });
        expect(res.status).toBe(502);
        expect(res.body).toMatchObject({
          code: 'PluginFailed',
          detail: `the plugin's result was refused at ${pointer}: ${REASONS[kind]}`,
        });
      }),
      { numRuns: 60, seed: 20261128 },
    );
  });

  it('answers a result with no such value as JSON carries it', async () => {
    await fc.assert(
      fc.asyncProperty(json, async (value) => {
        const res = await act('make', { shape: JSON.stringify(value) });
        expect(res.status).toBe(200);
        expect(JSON.stringify(res.body.result)).toBe(JSON.stringify(value));
      }),
      { numRuns: 30, seed: 20261128 },
    );
  });

  it('answers 502 PluginFailed naming the depth for a result or a detail nested past 1,000', async () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    const deepest = await act('make', { shape: nested(1_000) });
    expect(deepest.status).toBe(200);
    expect(JSON.stringify(deepest.body.result)).toBe(nested(1_000));
    const tooDeep = 'it nests objects and arrays more than 1,000 deep, deeper than the platform carries';
    for (const depth of [1_001, 5_000]) {
      const res = await act('make', { shape: nested(depth) });
      expect({ depth, status: res.status, type: res.headers.get('content-type') }).toEqual({
        depth,
        status: 502,
        type: 'application/problem+json',
      });
      expect(res.body).toMatchObject({
        code: 'PluginFailed',
        detail: `the plugin's result was refused at /result: ${tooDeep}; answer a flatter value`,
      });
    }
    // The detail is one level, its shape field the rest.
    const published = await act('publish', { shape: nested(1_000) });
    expect(published.status).toBe(502);
    expect(published.body).toMatchObject({
      code: 'PluginFailed',
      detail: `ctx.publish was refused at /detail: ${tooDeep}; answer a flatter value`,
    });
  });

  it('answers a Date as its ISO string and undefined as null', async () => {
    expect((await act('dated')).body.result).toEqual({ at: '1970-01-01T00:00:00.000Z' });
    const nothing = await act('nothing');
    expect(nothing.status).toBe(200);
    expect(nothing.body).toEqual({ result: null, requestId: expect.any(String) });
  });
});
