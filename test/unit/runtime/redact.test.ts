import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../../../lib/core/runtime/redact';
import { definePlugin } from '../../../lib/sdk';
import { callOperation, createTestContext } from '../../../lib/testing';

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
