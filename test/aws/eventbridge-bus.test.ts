import {
  EventBridgeClient,
  EventBridgeServiceException,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeBus } from '../../lib/aws/eventbridge-bus';
import { entrySize, eventEntrySize } from '../../lib/core/events/event-schema';
import { PlugboardError } from '../../lib/sdk/errors';
import type { PlatformEvent } from '../../lib/sdk/events';
import { documentedEntrySize, ENTRY_LIMIT, padTo } from '../fixtures/entry-size';
import { rejection } from '../fixtures/rejection';

const eventBridge = mockClient(EventBridgeClient);
const client = new EventBridgeClient({ region: 'eu-west-1' });
const bus = (maxAttempts = 4) =>
  new EventBridgeBus({ client, busName: 'plugboard-test', maxAttempts, baseDelayMs: 1 });

const event = (n: number, detail: Record<string, unknown> = { n }): PlatformEvent => ({
  version: '0',
  id: `id-${n}`,
  'detail-type': 'Instance Created',
  source: 'plugboard',
  account: '123456789012',
  time: '2030-01-01T00:00:00.000Z',
  region: 'eu-west-1',
  resources: [],
  detail,
});
const sentDetails = (call: number) =>
  eventBridge
    .commandCalls(PutEventsCommand)
    [call]!.args[0].input.Entries!.map((e) => JSON.parse(e.Detail!).n);

describe('EventBridgeBus', () => {
  beforeEach(() => eventBridge.reset());

  it('puts 25 events in 3 calls of at most 10, in order, on the named bus', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_: unknown, i: number) => ({ EventId: `e${i}` })),
    }));
    await bus().publish(Array.from({ length: 25 }, (_, i) => event(i)));
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries!.length)).toEqual([10, 10, 5]);
    expect([0, 1, 2].flatMap(sentDetails)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    const first = calls[0]!.args[0].input.Entries![0]!;
    expect(first).toMatchObject({
      EventBusName: 'plugboard-test',
      Source: 'plugboard',
      DetailType: 'Instance Created',
    });
    expect(first.Time?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  it('resends only the entries EventBridge reported as failed', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'InternalFailure' },
          { EventId: 'c' },
          { ErrorCode: 'ThrottlingException' },
        ],
      })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }, { EventId: 'd' }] });
    // The ids are EventBridge's, each in its event's place, however many attempts it took.
    expect(await bus().publish([0, 1, 2, 3].map((n) => event(n)))).toEqual(['a', 'b', 'c', 'd']);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
    expect(sentDetails(1)).toEqual([1, 3]);
  });

  it('gives up with Unavailable after the last attempt, naming the error codes', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    const error = await bus(3)
      .publish([event(1)])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlugboardError);
    expect((error as PlugboardError).code).toBe('Unavailable');
    expect((error as PlugboardError).message).toContain('InternalFailure');
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it('splits batches by size and rejects an event over 256 KB before sending anything', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const big = (n: number) => event(n, { n, pad: 'x'.repeat(100 * 1024) });
    await bus().publish([big(0), big(1), big(2)]);
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!.length)).toEqual([
      2, 1,
    ]);

    eventBridge.resetHistory();
    const error = await bus()
      .publish([event(0), event(1, { pad: 'x'.repeat(257 * 1024) })])
      .catch((e: unknown) => e);
    // Validation naming the event, as the local bus refuses it.
    expect(error).toMatchObject({ code: 'Validation', errors: [{ pointer: '/1' }] });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('sends an entry of exactly 256 KB as EventBridge counts it, the very entry its own check counted', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const base = event(0, { pad: '' });
    const atLimit = event(0, { pad: padTo(base, ENTRY_LIMIT, '✓') });
    await bus().publish([atLimit]);
    const [sent] = eventBridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
    expect(documentedEntrySize(atLimit)).toBe(ENTRY_LIMIT);
    expect(entrySize(sent!)).toBe(ENTRY_LIMIT);
    expect(entrySize(sent!)).toBe(eventEntrySize(atLimit));
  });

  it('reports an unreachable bus as Unavailable', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('socket hang up'));
    const error = await bus()
      .publish([event(1)])
      .catch((e: unknown) => e);
    expect((error as PlugboardError).code).toBe('Unavailable');
  });

  describe('an error code, for the whole request or for one entry', () => {
    // EventBridge's codes, from the PutEvents reference (its errors, its common errors and the
    // ErrorCode of PutEventsResultEntry), written out here rather than taken from the code under test.
    const TRANSIENT = ['ThrottlingException', 'InternalFailure', 'InternalException', 'ServiceUnavailable'];
    const DEPLOYMENT = [
      'AccessDeniedException',
      'ResourceNotFoundException',
      'NotAuthorizedForSourceException',
      'NotAuthorizedForDetailTypeException',
      'InvalidAccountIdException',
    ];
    const INVALID = ['ValidationException', 'InvalidArgument', 'MalformedDetail', 'RedactionFailure'];
    const known = new Set([...TRANSIENT, ...DEPLOYMENT, ...INVALID]);
    const code = fc.oneof(
      fc.constantFrom(...TRANSIENT, ...DEPLOYMENT, ...INVALID),
      // A code EventBridge may add later is taken as transient, as every failure was before.
      fc.stringMatching(/^[A-Z][A-Za-z]{2,30}$/).filter((c) => !known.has(c)),
    );
    // What EventBridge's messages name, which no caller may see.
    const SECRET = 'arn:aws:sts::123456789012:assumed-role/plugboard-prod-dispatcher/secret-session';
    const MAX_ATTEMPTS = 3;

    /** The outcome of one publish the bus answers with `code`, and the PutEvents calls it made. */
    const outcome = async (code: string, forEntry: boolean) => {
      eventBridge.reset();
      if (forEntry) {
        // The first event is taken, the second failed with the code, however often it is sent.
        eventBridge.on(PutEventsCommand).callsFake((input: { Entries: { Detail: string }[] }) => {
          const entries = input.Entries.map((entry) =>
            JSON.parse(entry.Detail).n === 0 ? { EventId: 'a' } : { ErrorCode: code, ErrorMessage: SECRET },
          );
          return { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries };
        });
      } else {
        eventBridge.on(PutEventsCommand).rejects(
          new EventBridgeServiceException({
            name: code,
            $fault: TRANSIENT.includes(code) ? 'server' : 'client',
            $metadata: { httpStatusCode: TRANSIENT.includes(code) ? 500 : 400 },
            message: SECRET,
          }),
        );
      }
      const error = await rejection(bus(MAX_ATTEMPTS).publish([event(0), event(1)]), Error);
      return { error, calls: eventBridge.commandCalls(PutEventsCommand).length };
    };

    it('means the same either way: transient is retried and Unavailable, a broken deployment Internal, a refused request unexpected', async () => {
      await fc.assert(
        fc.asyncProperty(code, fc.boolean(), async (code, forEntry) => {
          const { error, calls } = await outcome(code, forEntry);
          if (DEPLOYMENT.includes(code)) {
            // The deployment's to mend: a 500 naming the code, never a 503 to retry.
            expect(error).toBeInstanceOf(PlugboardError);
            expect((error as PlugboardError).code).toBe('Internal');
            expect(error.message).toContain(code);
            expect(calls).toBe(1);
          } else if (INVALID.includes(code)) {
            // Not a PlugboardError: logged with EventBridge's message where it is caught, answered as
            // the bare 500 of every unexpected error; and not sent again, to be refused again.
            expect(error).not.toBeInstanceOf(PlugboardError);
            expect(error.name).toBe(code);
            expect(error.message).toContain(SECRET);
            expect(calls).toBe(1);
          } else {
            expect((error as PlugboardError).code).toBe('Unavailable');
            expect(error.message).toContain(code);
            expect(calls).toBe(forEntry ? MAX_ATTEMPTS : 1);
          }
          if (error instanceof PlugboardError) expect(error.message).not.toContain('assumed-role');
        }),
        { numRuns: 60 },
      );
    });

    it('fails the call at once when one entry is refused, resending none of its batch', async () => {
      eventBridge.on(PutEventsCommand).resolves({
        FailedEntryCount: 2,
        Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException' }, { ErrorCode: 'MalformedDetail' }],
      });
      const error = await rejection(bus().publish([0, 1, 2].map((n) => event(n))), Error);
      expect(error.name).toBe('MalformedDetail');
      expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    });
  });

  it('makes its own client on the first publish when given none, as a plugin function does', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e0' }] });
    await new EventBridgeBus({ busName: 'plugboard-test' }).publish([event(0)]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });
});
