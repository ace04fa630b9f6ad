import fc from 'fast-check';
import { definePlugin } from '../../../lib/sdk';
import type { PluginStore } from '../../../lib/sdk/context';
import { utf8Length } from '../../fixtures/entry-size';

export const SLUG = 'storer';
export const INSTANCE = 'store-1';
export const GENERATION = 'g1';

/**
 * What `ctx.store` answers, one case each: the result, its items' `updatedAt` left out (it is the
 * clock's), or the error the call fails with. The runtime and the testing kit are both held to
 * these, so a plugin's own test sees what the platform does.
 */
export interface StoreCase {
  readonly name: string;
  readonly call: (store: PluginStore) => Promise<unknown>;
  readonly answer?: unknown;
  readonly refused?: { readonly code: 'PluginFailed' | 'CursorExpired'; readonly message: string };
}

/** The store's limit on a key's UTF-8, written out here rather than taken from the code under test. */
const KEY_LIMIT = 1024;

const refused = (message: string) => ({ code: 'PluginFailed', message }) as const;

/** A list cursor as the store makes them, for a list of another instance. */
const otherInstancesCursor = Buffer.from(
  JSON.stringify({ pk: `STORE#${SLUG}#store-2`, sk: 'page/a' }),
).toString('base64url');

export const STORE_CASES: readonly StoreCase[] = [
  {
    name: 'a value reads back as JSON writes it, an undefined field left out',
    call: async (store) => {
      await store.put('json', { n: 1, gone: undefined, list: [1] });
      return store.get('json');
    },
    answer: { key: 'json', value: { n: 1, list: [1] } },
  },
  {
    name: 'a key of exactly 1,024 bytes is kept',
    call: (store) => store.put('é'.repeat(KEY_LIMIT / 2), true),
    answer: { key: 'é'.repeat(KEY_LIMIT / 2), value: true },
  },
  {
    name: 'a list pages by prefix with the cursors the store makes',
    call: async (store) => {
      for (const key of ['page/b', 'page/a', 'page/c', 'pages']) await store.put(key, key);
      const first = await store.list({ prefix: 'page/', limit: 2 });
      const second = await store.list({ prefix: 'page/', limit: 2, cursor: first.nextCursor });
      return [first, second].map((page) => page.items.map((item) => item.key));
    },
    answer: [['page/a', 'page/b'], ['page/c']],
  },
  {
    name: 'a deleted key reads as absent',
    call: async (store) => {
      await store.put('gone', 1);
      await store.delete('gone');
      return store.get('gone');
    },
    answer: null,
  },
  {
    name: 'a Date, which the store does not turn into JSON, fails the call',
    call: (store) => store.put('at', { at: new Date(0) }),
    refused: refused(
      'ctx.store.put was refused: the stored value is not valid: a Date is not JSON; store its toISOString() (at /at)',
    ),
  },
  {
    name: 'a BigInt, which JSON cannot write, fails the call',
    call: (store) => store.put('n', { n: 1n }),
    refused: refused(
      'ctx.store.put was refused: the stored value is not valid: a BigInt is not JSON; store a string or a number (at /n)',
    ),
  },
  {
    name: 'a value that holds itself fails the call',
    call: (store) => {
      const self: Record<string, unknown> = {};
      self.self = self;
      return store.put('self', self);
    },
    refused: refused(
      'ctx.store.put was refused: the stored value cannot be written as JSON (is it circular?)',
    ),
  },
  {
    name: "a value over the item's 400 KB fails the call",
    call: (store) => store.put('big', 'x'.repeat(400 * 1024)),
    refused: refused(
      'ctx.store.put was refused: the stored value is 401 KB; a registry item holds at most 400 KB',
    ),
  },
  ...(['get', 'put', 'delete'] as const).map((method) => ({
    name: `an empty key fails ${method}`,
    call: (store: PluginStore) => (method === 'put' ? store.put('', 1) : store[method]('')),
    refused: refused(`ctx.store.${method} was refused: the store key is not valid: must not be empty`),
  })),
  {
    name: 'a limit outside 1 to 1,000 fails the list',
    call: (store) => store.list({ limit: 1001 }),
    refused: refused('ctx.store.list was refused: limit must be an integer from 1 to 1000'),
  },
  {
    name: 'a cursor the store did not make is CursorExpired',
    call: (store) => store.list({ cursor: 'not-a-cursor' }),
    refused: { code: 'CursorExpired', message: 'ctx.store.list: the cursor is not valid for this list' },
  },
  {
    name: "another instance's cursor is CursorExpired",
    call: (store) => store.list({ prefix: 'page/', cursor: otherInstancesCursor }),
    refused: { code: 'CursorExpired', message: 'ctx.store.list: the cursor is not valid for this list' },
  },
];

/** Each call that takes a key, given one: a list takes it as its prefix. */
const KEYED = {
  get: (store: PluginStore, key: string) => store.get(key),
  put: (store: PluginStore, key: string) => store.put(key, 1),
  delete: (store: PluginStore, key: string) => store.delete(key),
  list: (store: PluginStore, key: string) => store.list({ prefix: key }),
};

/**
 * A key over 1,024 bytes of UTF-8, whatever its characters (a lone surrogate counts as the three
 * bytes of the replacement character it is written as), given to any call that takes a key.
 */
export const TOO_LONG_KEY_CASES: fc.Arbitrary<StoreCase> = fc
  .record({
    method: fc.constantFrom(...(Object.keys(KEYED) as (keyof typeof KEYED)[])),
    unit: fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
    over: fc.integer({ min: 1, max: 64 }),
  })
  .map(({ method, unit, over }) => {
    const key = unit.repeat(Math.ceil((KEY_LIMIT + over) / utf8Length(unit)));
    return {
      name: `a key of ${utf8Length(key)} bytes fails ${method}`,
      call: (store: PluginStore) => KEYED[method](store, key),
      refused: refused(
        `ctx.store.${method} was refused: the store key is not valid: must be at most 1024 bytes`,
      ),
    };
  });

let next: StoreCase = STORE_CASES[0]!;

/** Its items without `updatedAt`, and undefined as null, as every runtime answers them. */
const withoutClock = (answer: unknown): unknown =>
  JSON.parse(JSON.stringify(answer ?? null, (key, value) => (key === 'updatedAt' ? undefined : value)));

/** A plugin whose `store` action makes the call of the case last given to `storing`. */
export const storerPlugin = definePlugin({
  manifest: {
    slug: SLUG,
    name: 'Storer',
    version: '1.0.0',
    apiVersion: 1,
    actions: [{ name: 'store', label: 'Makes the call of the case in hand' }],
  },
  actions: {
    store: async (ctx) => withoutClock(await next.call(ctx.store)),
  },
});

/** Makes `store` make this case's call. */
export function storing(storeCase: StoreCase): void {
  next = storeCase;
}
