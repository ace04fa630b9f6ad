import { describe, expect, it } from 'vitest';
import { stopOnSignals } from '../../../lib/cli/stop-signals';

function harness() {
  const calls: string[] = [];
  let now = 0;
  const signal = stopOnSignals({
    graceful: async () => void calls.push('graceful'),
    immediate: () => void calls.push('immediate'),
    relayWindowMs: 1000,
    clock: () => now,
  });
  return { calls, signal, at: (ms: number) => (now = ms) };
}

describe('stopOnSignals', () => {
  it('stops gracefully once for a signal and its relayed copies', () => {
    const { calls, signal, at } = harness();
    signal();
    at(30);
    signal();
    at(1000);
    signal();
    expect(calls).toEqual(['graceful']);
  });

  it('stops at once on a second signal after the relay window', () => {
    const { calls, signal, at } = harness();
    signal();
    at(1500);
    signal();
    expect(calls).toEqual(['graceful', 'immediate']);
  });
});
