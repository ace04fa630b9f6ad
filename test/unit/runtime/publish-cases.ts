import { definePlugin } from '../../../lib/sdk';
import { ENTRY_LIMIT, padTo } from '../../fixtures/entry-size';

export const INSTANCE = 'pub-1';

/**
 * What `ctx.publish` does with a detail, one case each: the detail the bus gets (without the instance
 * the runtime adds), or the error the call fails with. The runtime and the testing kit are both held
 * to these, so a plugin's own test sees what the platform does.
 */
export interface PublishCase {
  readonly name: string;
  readonly detail: () => Record<string, unknown>;
  readonly published?: Record<string, unknown>;
  readonly refused?: string;
}

/** The event a publish of `{ pad }` makes: the runtime adds the instance after the plugin's fields. */
const padded = {
  source: 'plugboard.plugin.publisher',
  'detail-type': 'Checked',
  resources: [],
  detail: { pad: '', instance: INSTANCE },
};
const atLimit = padTo(padded, ENTRY_LIMIT, '✓');
const overLimit = padTo(padded, ENTRY_LIMIT + 1, '✓');

export const PUBLISH_CASES: readonly PublishCase[] = [
  {
    name: 'NaN and the Infinities become null, as JSON writes them',
    detail: () => ({ n: Number.NaN, up: Number.POSITIVE_INFINITY, down: Number.NEGATIVE_INFINITY }),
    published: { n: null, up: null, down: null },
  },
  {
    name: 'an undefined array item becomes null and an undefined field is left out, as JSON writes them',
    detail: () => ({ list: [1, undefined], gone: undefined }),
    published: { list: [1, null] },
  },
  {
    name: 'a Date becomes its ISO string, as JSON writes it',
    detail: () => ({ at: new Date(0) }),
    published: { at: '1970-01-01T00:00:00.000Z' },
  },
  {
    name: 'a BigInt, which JSON cannot write, fails the call at its pointer',
    detail: () => ({ nested: { n: 1n } }),
    refused: 'ctx.publish was refused at /detail/nested/n: a BigInt is not JSON; answer a string or a number',
  },
  {
    name: 'a Map, which JSON would write as {}, fails the call at its pointer',
    detail: () => ({ byName: new Map([['a', 1]]) }),
    refused:
      'ctx.publish was refused at /detail/byName: a Map is not JSON; answer an object or an array of entries',
  },
  {
    name: 'an event whose entry is exactly 256 KB is published',
    detail: () => ({ pad: atLimit }),
    published: { pad: atLimit },
  },
  {
    name: "an event whose entry is a byte over 256 KB fails the call with the bus's reason",
    detail: () => ({ pad: overLimit }),
    refused:
      "ctx.publish was refused: the event is 262145 bytes as a PutEvents entry, over EventBridge's limit of 262144 bytes (256 KB)",
  },
];

let next: PublishCase = PUBLISH_CASES[0]!;

/** A plugin whose `publish` action publishes the detail of the case last given to `publishing`. */
export const publisherPlugin = definePlugin({
  manifest: {
    slug: 'publisher',
    name: 'Publisher',
    version: '1.0.0',
    apiVersion: 1,
    actions: [{ name: 'publish', label: 'Publishes the case in hand' }],
  },
  actions: {
    publish: async (ctx) => {
      await ctx.publish('Checked', next.detail());
    },
  },
});

/** Makes `publish` publish this case's detail. */
export function publishing(publishCase: PublishCase): void {
  next = publishCase;
}
