import { createTestContext } from 'plugboard/testing';
import { describe, expect, it } from 'vitest';
import { checkPlugin } from '../../lib/core/loader';
import allowList from './index';

const call = (instance: string) => ({
  instance,
  plugin: 'incrementer',
  kind: 'action' as const,
  name: 'increment',
  input: {},
});

describe('allow-list', () => {
  it('passes the loader', () => {
    expect(checkPlugin(allowList)).toMatchObject({ ok: true });
  });

  it('allows listed instances and denies the rest with a reason', async () => {
    const ctx = createTestContext({ manifest: allowList.manifest, options: { instances: 'a, b' } });
    expect(await allowList.authorizer?.(ctx, call('b'))).toEqual({ allow: true });
    expect(await allowList.authorizer?.(ctx, call('c'))).toEqual({
      allow: false,
      reason: 'instance "c" is not on the allow list',
    });
  });

  it('allows everything with *', async () => {
    const ctx = createTestContext({ manifest: allowList.manifest, options: { instances: '*' } });
    expect(await allowList.authorizer?.(ctx, call('anything'))).toEqual({ allow: true });
  });
});
