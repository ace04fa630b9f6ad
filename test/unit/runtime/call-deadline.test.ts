import { describe, expect, it } from 'vitest';
import { CallDeadline } from '../../../lib/core/runtime/call-deadline';
import { PlugboardError } from '../../../lib/sdk/errors';

const elapse = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CallDeadline', () => {
  it('settles as the work does before the deadline', async () => {
    const deadline = new CallDeadline(Date.now() + 1_000);
    await expect(deadline.race(Promise.resolve('done'))).resolves.toBe('done');
    await expect(deadline.race(Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('rejects with a Timeout error at the deadline when the work ignores it', async () => {
    const deadline = new CallDeadline(Date.now() + 30);
    const outcome = await deadline.race(elapse(2_000)).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(PlugboardError);
    expect((outcome as PlugboardError).code).toBe('Timeout');
  });

  it('aborts a signal read during the call at the deadline, with the reason AbortSignal.timeout gives', async () => {
    const deadline = new CallDeadline(Date.now() + 30);
    const signal = deadline.signal;
    expect(signal.aborted).toBe(false);
    const aborted = new Promise<unknown>((resolve) =>
      signal.addEventListener('abort', () => resolve(signal.reason)),
    );
    await expect(deadline.race(elapse(2_000))).rejects.toThrow(PlugboardError);
    const reason = await aborted;
    expect(reason).toBeInstanceOf(DOMException);
    expect((reason as DOMException).name).toBe('TimeoutError');
  });

  it('keeps aborting a signal read before the work ended, and hands out an aborted one after the deadline', async () => {
    const early = new CallDeadline(Date.now() + 30);
    const signal = early.signal;
    await early.race(Promise.resolve());
    await elapse(60);
    expect(signal.aborted).toBe(true);

    const late = new CallDeadline(Date.now());
    await elapse(20);
    expect(late.signal.aborted).toBe(true);
    await expect(late.race(Promise.resolve('too late'))).rejects.toThrow(PlugboardError);
  });
});
