import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type Batch, batchedSender, unbatch } from '../../lib/local/worker/message-batch';

describe('batchedSender', () => {
  it('posts the messages of one turn as one batch, in order, and a lone message as itself', async () => {
    const posted: (number | Batch<number>)[] = [];
    const send = batchedSender<number>((message) => posted.push(message));
    send(1);
    send(2);
    send(3);
    expect(posted).toEqual([]);
    await nextTurn();
    send(4);
    await nextTurn();
    expect(posted).toEqual([{ t: 'batch', messages: [1, 2, 3] }, 4]);
    expect(posted.flatMap((message) => unbatch(message))).toEqual([1, 2, 3, 4]);
  });
});
