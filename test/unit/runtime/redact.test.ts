import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../../../lib/core/runtime/redact';
import { runEnvelope } from '../../../lib/core/runtime/run-envelope';
import { definePlugin } from '../../../lib/sdk';
import type { PluginContext } from '../../../lib/sdk/context';
import { callOperation, createTestContext } from '../../../lib/testing';
import { QUIET_SERVICES } from './run-action';

const SECRET = 'hunter2-secret';
const redact = createRedactor([SECRET]);

class Box {
  constructor(readonly inside: string) {}
}

describe('createRedactor', () => {
  // Found by the secrets canary: class instances and bare objects passed through unscrubbed.
  it('scrubs class instances, objects without a prototype and toJSON output as JSON would see them', () => {
    const bare = Object.create(null);
    bare.inside = SECRET;
    const value = { box: new Box(SECRET), bare, custom: { toJSON: () => `is ${SECRET}` } };
    expect(JSON.stringify(redact(value))).not.toContain(SECRET);
    expect(redact(value)).toEqual({
      box: { inside: REDACTED },
      bare: { inside: REDACTED },
      custom: `is ${REDACTED}`,
    });
  });

  it('scrubs the UTF-8 bytes of a body, leaving other bytes alone', () => {
    const body = Buffer.concat([
      Buffer.from([0xff, 0x00]),
      Buffer.from(`{"k":"${SECRET}"}`),
      Buffer.from([0xfe]),
    ]);
    const scrubbed = redact.bytes(body);
    expect(scrubbed.includes(SECRET)).toBe(false);
    expect(scrubbed).toEqual(
      Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from(`{"k":"${REDACTED}"}`), Buffer.from([0xfe])]),
    );
    expect(createRedactor(['é-secret-é']).bytes(Buffer.from('a é-secret-é b'))).toEqual(
      Buffer.from(`a ${REDACTED} b`),
    );
  });
});

describe('a secret a plugin uses as a key', () => {
  // "/" and "~" are what a JSON pointer escapes, as base64 keys and tokens often hold.
  const secret = 'sk/live~abc+123';
  let call: (ctx: PluginContext<Record<never, never>, { token: string }>) => Promise<unknown> = async () =>
    null;
  const keyed = definePlugin({
    manifest: {
      slug: 'keyed',
      name: 'Keyed',
      version: '1.0.0',
      apiVersion: 1,
      credentials: [{ name: 'token', label: 'Token' }],
      actions: [{ name: 'go', label: 'Makes the call in hand' }],
    },
    actions: { go: (ctx) => call(ctx) },
  });
  const answer = (make: typeof call) => {
    call = make;
    return runEnvelope(
      keyed,
      {
        v: 1,
        kind: 'action',
        plugin: 'keyed',
        instance: 'k-1',
        name: 'go',
        input: {},
        requestId: 'r',
        deadline: Date.now() + 5_000,
        credentialsRef: 'ref',
      },
      { ...QUIET_SERVICES, credentials: { resolve: async () => ({ token: secret }) } },
    );
  };

  it('is scrubbed from a refusal that names it in a JSON pointer, as "~0" and "~1"', async () => {
    const refusals = [
      await answer((ctx) => ctx.store.put('k', { [ctx.credentials.token]: { at: new Date(0) } })),
      await answer((ctx) => ctx.publish('Keyed', { [ctx.credentials.token]: new Map() })),
    ];
    for (const refused of refusals) {
      expect(refused.ok).toBe(false);
      const text = JSON.stringify(refused);
      expect(text).not.toContain('abc+123');
      expect(text).toContain(REDACTED);
    }
  });
});

describe('secret data types of a configuration plugin', () => {
  const careless = definePlugin({
    manifest: {
      slug: 'careless',
      name: 'Careless',
      version: '1.0.0',
      apiVersion: 1,
      types: ['configuration'],
      dataTypes: [{ name: 'password', label: 'Password', secret: true }],
    },
    configuration: {
      // Says nothing is secret: the platform reads the data type, not the handler's word.
      listKeys: () => [{ key: 'db', dataType: 'password', secret: false }],
      getValues: () => [{ key: 'db', dataType: 'password', secret: false, value: 'hunter2' }],
      setValue: (_ctx, { key }) => ({ key, dataType: 'password', secret: false }),
      deleteKey: () => ({}),
    },
  });
  const ctx = () => createTestContext({ manifest: careless.manifest });

  it('are marked secret in every answer, and their values redacted', async () => {
    expect(await callOperation(careless, ctx(), 'configuration.listKeys')).toEqual([
      { key: 'db', dataType: 'password', secret: true },
    ]);
    expect(await callOperation(careless, ctx(), 'configuration.getValues', {})).toEqual([
      { key: 'db', dataType: 'password', secret: true, value: REDACTED },
    ]);
    expect(
      await callOperation(careless, ctx(), 'configuration.setValue', {
        key: 'db',
        value: 'hunter2',
        dataType: 'password',
      }),
    ).toEqual({ key: 'db', dataType: 'password', secret: true });
  });
});
