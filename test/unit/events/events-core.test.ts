import { describe, expect, it } from 'vitest';
import { callerEvents } from '../../../lib/core/events/caller-events';
import { checkEvent } from '../../../lib/core/events/event-schema';
import { backoffMs } from '../../../lib/core/events/retry-policy';
import { platformEvent } from '../../../lib/core/platform-events';
import { PlugboardError } from '../../../lib/sdk/errors';

const origin = { account: '1', region: 'local' };

describe('backoffMs', () => {
  it('doubles from the base and stops at the cap', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 500 };
    expect([1, 2, 3, 4].map((n) => backoffMs(policy, n))).toEqual([100, 200, 400, 500]);
    expect(backoffMs({}, 1)).toBe(1000);
  });
});

describe('callerEvents', () => {
  it('turns PutEvents entries into EventBridge events', () => {
    const [event] = callerEvents(
      [
        {
          Source: 'shop',
          DetailType: 'Order Placed',
          Detail: '{"total":3}',
          Resources: ['arn:x'],
          Time: '2026-01-01T00:00:00Z',
        },
      ],
      origin,
    );
    expect(event).toMatchObject({
      version: '0',
      source: 'shop',
      'detail-type': 'Order Placed',
      detail: { total: 3 },
      resources: ['arn:x'],
      time: '2026-01-01T00:00:00.000Z',
      account: '1',
    });
    expect(checkEvent(event)).toEqual(event);
  });

  it('refuses the platform sources and a detail that is not a JSON object, naming each entry', () => {
    const attempt = () =>
      callerEvents(
        [
          { Source: 'plugboard', DetailType: 'Instance Created', Detail: '{}' },
          { Source: 'shop', DetailType: 'x', Detail: '[1]' },
          { Source: 'plugboard.plugin.echo', DetailType: 'x', Detail: '{}' },
        ],
        origin,
      );
    expect(attempt).toThrow(PlugboardError);
    try {
      attempt();
    } catch (error) {
      expect((error as PlugboardError).errors?.map((e) => e.pointer)).toEqual([
        '/Entries/0/Source',
        '/Entries/1/Detail',
        '/Entries/2/Source',
      ]);
      expect((error as PlugboardError).message).toContain('"plugboard.plugin.echo"');
    }
  });
});

describe('checkEvent', () => {
  it('names the field that breaks the EventBridge shape', () => {
    expect(() => checkEvent({ version: '0', id: 'a b' })).toThrow(/\/id/);
  });

  it("takes the platform's own events as they are, and checks any copy of one", () => {
    const event = platformEvent({ account: '1', region: 'r' }, 'Operation Succeeded', { instance: 'a' });
    expect(checkEvent(event)).toBe(event);
    expect(checkEvent({ ...event })).toEqual(event);
    expect(() => checkEvent({ ...event, time: 'yesterday' })).toThrow(/\/time/);
  });
});
