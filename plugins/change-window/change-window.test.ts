import { createTestContext } from 'plugboard/testing';
import { describe, expect, it } from 'vitest';
import { checkPlugin } from '../../lib/core/loader';
import changeWindow from './index';

const call = (kind: 'action' | 'operation') => ({ instance: 'x', plugin: 'p', kind, name: 'n', input: {} });
const hook = (options: Record<string, unknown>, kind: 'action' | 'operation' = 'action') =>
  changeWindow.preHook?.(createTestContext({ manifest: changeWindow.manifest, options }), call(kind));

describe('change-window', () => {
  it('passes the loader', () => {
    expect(checkPlugin(changeWindow)).toMatchObject({ ok: true });
  });

  it('lets actions through by default and vetoes them while frozen', async () => {
    expect(await hook({})).toBeUndefined();
    expect(await hook({ frozen: true })).toEqual({ veto: 'changes are frozen' });
  });

  it('lets operations through even while frozen', async () => {
    expect(await hook({ frozen: true }, 'operation')).toBeUndefined();
  });

  it('vetoes actions outside the allowed hours', async () => {
    const hour = new Date().getUTCHours();
    const outside = hour === 23 ? { fromHour: 0, toHour: 23 } : { fromHour: hour + 1, toHour: 24 };
    expect(await hook(outside)).toMatchObject({ veto: expect.stringContaining('UTC') });
  });
});
