import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FifoQueue } from '../../lib/core/fifo-queue';

describe('FifoQueue', () => {
  it('gives items back in the order they came, through any mix of pushes and takes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer(), fc.constant('take' as const)), { maxLength: 5000 }),
        (ops) => {
          const queue = new FifoQueue<number>([-1, -2]);
          const model = [-1, -2];
          for (const op of ops) {
            if (op === 'take') expect(queue.take()).toBe(model.shift());
            else {
              queue.push(op);
              model.push(op);
            }
            expect(queue.size).toBe(model.length);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('keeps order across the cut it makes once most of its array is taken', () => {
    const queue = new FifoQueue<number>();
    for (let i = 0; i < 3000; i++) queue.push(i);
    const taken = Array.from({ length: 2500 }, () => queue.take());
    expect(taken).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    for (let i = 3000; i < 3010; i++) queue.push(i);
    expect(queue.size).toBe(510);
    expect(Array.from({ length: 510 }, () => queue.take())).toEqual(
      Array.from({ length: 510 }, (_, i) => 2500 + i),
    );
    expect(queue.take()).toBeUndefined();
  });
});
