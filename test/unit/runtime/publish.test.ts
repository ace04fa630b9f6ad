import { EventBridgeClient, PutEventsCommand, ResourceNotFoundException } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeBus } from '../../../lib/aws/eventbridge-bus';
import { parseAnswer } from '../../../lib/core/envelope';
import type { EventBus, EventStore } from '../../../lib/core/ports';
import { LocalEventBus } from '../../../lib/local/bus/local-event-bus';
import type { PlatformEvent } from '../../../lib/sdk/events';
import { INSTANCE, PUBLISH_CASES, publisherPlugin, publishing } from './publish-cases';
import { runAction } from './run-action';

const eventBridge = mockClient(EventBridgeClient);

/** Each bus the runtime publishes to, and the details that reached it. */
function buses(): { name: string; bus: EventBus; details: () => unknown[] }[] {
  const logged: PlatformEvent[] = [];
  const store = { appendEvent: async (event: PlatformEvent) => void logged.push(event) };
  const sent = () =>
    eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? [])
      .map((entry) => JSON.parse(entry.Detail ?? 'null'));
  return [
    {
      name: 'the local bus',
      bus: new LocalEventBus(store as unknown as EventStore),
      details: () => logged.map((event) => event.detail),
    },
    {
      name: 'the EventBridge bus',
      bus: new EventBridgeBus({
        client: new EventBridgeClient({ region: 'eu-west-1' }),
        busName: 'plugboard-test',
        maxAttempts: 1,
      }),
      details: sent,
    },
  ];
}

describe("the runtime's ctx.publish, on each bus", () => {
  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
  });

  for (const publishCase of PUBLISH_CASES) {
    it(publishCase.name, async () => {
      for (const { name, bus, details } of buses()) {
        publishing(publishCase);
        const answer = await runAction(publisherPlugin, INSTANCE, 'publish', {
          publish: async (event) => void (await bus.publish([event])),
        });
        if (publishCase.refused) {
          expect(answer, name).toEqual({
            ok: false,
            error: { code: 'PluginFailed', message: publishCase.refused },
          });
          expect(details(), name).toEqual([]);
        } else {
          expect(answer, name).toEqual({ ok: true, result: null });
          expect(details(), name).toEqual([{ ...publishCase.published, instance: INSTANCE }]);
        }
      }
    });
  }
});

describe("the runtime's ctx.publish on a bus its deployment left missing", () => {
  it('fails the call as PluginFailed naming the fault, an answer the dispatcher passes on as it is', async () => {
    eventBridge.reset();
    eventBridge
      .on(PutEventsCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'Event bus plugboard-test does not exist.', $metadata: {} }),
      );
    publishing(PUBLISH_CASES[0]!);
    const answer = await runAction(publisherPlugin, INSTANCE, 'publish', {
      publish: async (event) =>
        void (await new EventBridgeBus({
          client: new EventBridgeClient({ region: 'eu-west-1' }),
          busName: 'plugboard-test',
        }).publish([event])),
    });
    const expected = {
      ok: false,
      error: {
        code: 'PluginFailed',
        message: expect.stringMatching(/^ctx\.publish failed: .*ResourceNotFoundException.*deployment/),
      },
    };
    expect(answer).toEqual(expected);
    // Not "an error Internal that plugins cannot use", which would say nothing of the fault.
    expect(parseAnswer(answer)).toEqual(expected);
  });
});
