import { callAction, createTestContext } from 'plugboard/testing';
import { describe, expect, it } from 'vitest';
import { checkPlugin } from '../../lib/core/loader';
import incrementer from './index';

const context = () => createTestContext({ manifest: incrementer.manifest });

describe('incrementer', () => {
  it('passes the loader', () => {
    expect(checkPlugin(incrementer)).toMatchObject({ ok: true });
  });

  it('increments the default counter by the default step', async () => {
    const ctx = context();
    await expect(callAction(incrementer, ctx, 'increment')).resolves.toEqual({
      parameter: 'default',
      previous: 0,
      value: 1,
    });
    await expect(callAction(incrementer, ctx, 'increment')).resolves.toMatchObject({ value: 2 });
  });

  it('increments named counters by a given step and reports them in status', async () => {
    const ctx = context();
    await callAction(incrementer, ctx, 'increment', { parameter: 'builds', step: 5 });
    await callAction(incrementer, ctx, 'increment', { parameter: 'builds', step: -2 });
    await callAction(incrementer, ctx, 'increment', { parameter: 'deploys' });
    await expect(callAction(incrementer, ctx, 'status')).resolves.toEqual({
      counters: { builds: 3, deploys: 1 },
    });
  });

  it('resets a counter to zero', async () => {
    const ctx = context();
    await callAction(incrementer, ctx, 'increment', { parameter: 'builds', step: 4 });
    await expect(callAction(incrementer, ctx, 'reset_count', { parameter: 'builds' })).resolves.toEqual({
      parameter: 'builds',
      previous: 4,
      value: 0,
    });
    await expect(callAction(incrementer, ctx, 'status')).resolves.toEqual({ counters: { builds: 0 } });
  });

  it('publishes Counter Changed on every change and only then', async () => {
    const ctx = context();
    await callAction(incrementer, ctx, 'increment', { parameter: 'a', step: 2 });
    await callAction(incrementer, ctx, 'increment', { parameter: 'a', step: 0 });
    await callAction(incrementer, ctx, 'reset_count', { parameter: 'a' });
    await callAction(incrementer, ctx, 'reset_count', { parameter: 'a' });
    expect(ctx.published).toEqual([
      {
        detailType: 'Counter Changed',
        detail: { parameter: 'a', previous: 0, value: 2, action: 'increment' },
      },
      {
        detailType: 'Counter Changed',
        detail: { parameter: 'a', previous: 2, value: 0, action: 'reset_count' },
      },
    ]);
  });

  it('enforces required params and param types', async () => {
    const ctx = context();
    // @ts-expect-error the missing required param is the fault under test; the type refuses it too
    await expect(callAction(incrementer, ctx, 'reset_count')).rejects.toMatchObject({
      code: 'Validation',
      errors: [{ pointer: '/params/parameter' }],
    });
    await expect(callAction(incrementer, ctx, 'increment', { step: 1.5 })).rejects.toMatchObject({
      errors: [{ pointer: '/params/step', detail: 'must be of type integer' }],
    });
  });
});
