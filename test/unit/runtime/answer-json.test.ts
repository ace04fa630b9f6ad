import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../../lib/core/envelope';
import { runEnvelope } from '../../../lib/core/runtime/run-envelope';
import { definePlugin } from '../../../lib/sdk';
import { QUIET_SERVICES } from './run-action';

class Account {
  constructor(readonly id: string) {}
}

const shapes = definePlugin({
  manifest: {
    slug: 'shapes',
    name: 'Shapes',
    version: '1.0.0',
    apiVersion: 1,
    types: ['webhook'],
    actions: [{ name: 'account', label: 'Answers a class instance with fields' }],
    webhookActions: [{ name: 'seen', label: 'Answers a Map' }],
  },
  actions: { account: () => ({ account: new Account('a1'), at: new Date(0) }) },
  webhook: { seen: () => new Map([['a', 1]]) },
  // Its type is void: what it returns no one reads.
  events: () => new Map([['a', 1]]) as unknown as undefined,
});

const call = (kind: Envelope['kind'], name: string, input: unknown = {}) =>
  runEnvelope(
    shapes,
    {
      v: 1,
      kind,
      plugin: 'shapes',
      instance: 'i',
      name,
      input,
      requestId: 'r',
      deadline: Date.now() + 5_000,
    },
    QUIET_SERVICES,
  );

describe("the runtime's answer of a handler's result", () => {
  it('keeps a class instance with fields and a Date, which JSON carries as fields and an ISO string', async () => {
    const answer = await call('action', 'account');
    expect(JSON.parse(JSON.stringify(answer))).toEqual({
      ok: true,
      result: { account: { id: 'a1' }, at: '1970-01-01T00:00:00.000Z' },
    });
  });

  it('refuses what JSON would lose in any handler whose result is read, a webhook action too', async () => {
    expect(await call('webhook', 'seen', { payload: {}, actionConfig: {} })).toEqual({
      ok: false,
      error: {
        code: 'PluginFailed',
        message:
          "the plugin's result was refused at /result: a Map is not JSON; answer an object or an array of entries",
      },
    });
  });

  it('answers null for an events handler, whose result no one reads, whatever it returned', async () => {
    const delivery = { event: {}, subscription: 's' };
    expect(await call('event', 'events', delivery)).toEqual({ ok: true, result: null });
  });
});
