import { describe, expect, it } from 'vitest';
import { parkingBus } from '../../../lib/core/events/parking-bus';
import { platformEvent } from '../../../lib/core/platform-events';
import type { DeadLetter, EventBus } from '../../../lib/core/ports';
import { PlugboardError } from '../../../lib/sdk/errors';

const origin = { account: '123456789012', region: 'eu-west-1' };
const event = () =>
  platformEvent(origin, 'Instance Created', { instance: 'a', plugin: 'echo', version: 1, options: {} });
const refusing = (error: Error): EventBus => ({
  publish: async () => {
    throw error;
  },
});

describe('parkingBus', () => {
  it.each([
    ['unavailable', new PlugboardError('Unavailable', 'EventBridge: ThrottlingException')],
    // A bus missing or its role denied: published by a redrive once the deployment is mended.
    ['broken in its deployment', new PlugboardError('Internal', 'EventBridge: AccessDeniedException')],
  ])('parks what the bus refuses as %s, one letter an event, and answers their ids', async (_, refusal) => {
    const letters: DeadLetter[] = [];
    const bus = parkingBus(refusing(refusal), {
      putDeadLetter: async (letter) => {
        letters.push(letter);
      },
    });
    const events = [event(), event()];
    expect(await bus.publish(events)).toEqual(events.map((e) => e.id));
    expect(letters).toEqual(
      events.map((e) => ({
        id: `${e.id}:publish`,
        event: e,
        target: 'publish',
        attempts: 1,
        reason: `${refusal.code}: ${refusal.message}`,
        failedAt: expect.any(String),
      })),
    );
  });

  it.each([
    ['Validation', new PlugboardError('Validation', 'the event is too large')],
    // What EventBridge refuses as not valid, which the platform's checks should have caught.
    ['an unexpected error', Object.assign(new Error('Detail is malformed.'), { name: 'MalformedDetail' })],
  ])('passes on %s: an event the bus finds invalid is not kept to be refused again', async (_, invalid) => {
    const letters: DeadLetter[] = [];
    const bus = parkingBus(refusing(invalid), { putDeadLetter: async (letter) => void letters.push(letter) });
    await expect(bus.publish([event()])).rejects.toBe(invalid);
    expect(letters).toEqual([]);
  });

  it("answers the bus's refusal when the events cannot be kept either", async () => {
    const unavailable = new PlugboardError('Unavailable', 'EventBridge: ServiceUnavailable');
    const bus = parkingBus(refusing(unavailable), {
      putDeadLetter: async () => {
        throw new Error('the table is unavailable too');
      },
    });
    await expect(bus.publish([event()])).rejects.toBe(unavailable);
  });
});
