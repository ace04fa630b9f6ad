import { Hono } from 'hono';
import type { LogFn } from '../../core/dispatcher/deps';
import { entrySize, MAX_REQUEST_BYTES } from '../../core/events/event-schema';
import { testEventPattern } from '../../core/events/pattern';
import type { EventOrigin } from '../../core/platform-events';
import type { EventBus } from '../../core/ports';
import { PlugboardError } from '../../sdk/errors';
import { entryOutcome } from './put-events-entries';
import { checkSignature } from './sigv4';

export interface EventBridgeEndpointProps {
  /** The platform's bus: the one `POST /v1/events` publishes to. */
  readonly bus: EventBus;
  readonly origin: EventOrigin;
  /** Names an entry's EventBusName may take (besides their ARNs). */
  readonly busNames: readonly string[];
  readonly log?: LogFn | undefined;
}

const JSON_11 = 'application/x-amz-json-1.1';
const MAX_ENTRIES = 10;

/** The awsJson 1.1 error shape: `__type` and `message`, the code also in `x-amzn-ErrorType`. */
function awsJsonError(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ __type: code, message }), {
    status,
    headers: { 'content-type': JSON_11, 'x-amzn-ErrorType': code },
  });
}

const ok = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': JSON_11 } });

type Operation = (input: Record<string, unknown>) => Promise<Response> | Response;

/**
 * EventBridge's API (awsJson 1.1, `POST /` with `X-Amz-Target: AWSEvents.<Operation>`) for the two
 * operations a client of the platform needs: PutEvents into the local bus and TestEventPattern
 * answered by the local matcher. Every other target is refused by name, never ignored.
 */
export function eventBridgeEndpoint(props: EventBridgeEndpointProps): Hono {
  const { origin } = props;
  const busNames = props.busNames.flatMap((name) => [
    name,
    `arn:aws:events:${origin.region}:${origin.account}:event-bus/${name}`,
  ]);

  const operations: Record<string, Operation> = {
    async PutEvents(input) {
      const entries = input.Entries;
      if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
        return awsJsonError(
          400,
          'ValidationException',
          `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
        );
      }
      // Counted as EventBridge counts it, not as the request's JSON: a Detail is JSON inside JSON,
      // so its quotes and backslashes arrive escaped twice, and took a request EventBridge accepts
      // over the limit here.
      const size = entries.reduce(
        (sum: number, entry) => sum + (typeof entry === 'object' && entry !== null ? entrySize(entry) : 0),
        0,
      );
      if (size > MAX_REQUEST_BYTES) {
        return awsJsonError(
          400,
          'ValidationException',
          'Total size of the entries in the request is over the limit.',
        );
      }
      const outcomes = entries.map((entry) => entryOutcome(entry, origin, busNames));
      const events = outcomes.flatMap((o) => ('event' in o ? [o.event] : []));
      const ids = events.length > 0 ? await props.bus.publish(events) : [];
      let next = 0;
      return ok({
        Entries: outcomes.map((o) => ('event' in o ? { EventId: ids[next++] } : o)),
        FailedEntryCount: outcomes.length - events.length,
      });
    },

    TestEventPattern(input) {
      const { EventPattern, Event } = input;
      if (typeof EventPattern !== 'string' || typeof Event !== 'string') {
        return awsJsonError(400, 'ValidationException', 'EventPattern and Event are required strings.');
      }
      const pattern = parseJson(EventPattern);
      if (!pattern.ok)
        return awsJsonError(
          400,
          'InvalidEventPatternException',
          `Event pattern is not valid. Reason: ${pattern.reason}`,
        );
      const event = parseJson(Event);
      if (!event.ok)
        return awsJsonError(
          400,
          'ValidationException',
          `Parameter Event is not valid. Reason: ${event.reason}`,
        );
      try {
        return ok({ Result: testEventPattern(pattern.value, event.value) });
      } catch (error) {
        if (!(error instanceof PlugboardError)) throw error;
        const problems = error.errors ?? [];
        const ofPattern = problems.filter((p) => p.pointer.startsWith('/pattern'));
        if (ofPattern.length > 0) {
          const reason = ofPattern
            .map((p) => `${p.pointer.slice('/pattern'.length) || '/'}: ${p.detail}`)
            .join('; ');
          return awsJsonError(
            400,
            'InvalidEventPatternException',
            `Event pattern is not valid. Reason: ${reason}`,
          );
        }
        return awsJsonError(
          400,
          'ValidationException',
          `Parameter Event is not valid. Reason: ${problems.map((p) => p.detail).join('; ')}`,
        );
      }
    },
  };

  const app = new Hono();
  app.post('/', async (c) => {
    const signed = checkSignature(c.req.header('authorization'), 'events');
    if (!signed.ok) return awsJsonError(signed.status, signed.code, signed.message);
    const target = c.req.header('x-amz-target') ?? '';
    const [service, name] = target.split('.', 2);
    const operation = service === 'AWSEvents' && name ? operations[name] : undefined;
    if (!operation) {
      return awsJsonError(
        400,
        'UnknownOperationException',
        `${target || 'this operation'} is not emulated by the local EventBridge endpoint; only PutEvents and TestEventPattern are`,
      );
    }
    const input = parseJson(await c.req.text());
    if (!input.ok || typeof input.value !== 'object' || input.value === null) {
      return awsJsonError(400, 'SerializationException', 'the request body is not a JSON object');
    }
    return operation(input.value as Record<string, unknown>);
  });
  app.onError((error) => {
    props.log?.('error', 'the local EventBridge endpoint failed', { error: String(error) });
    return awsJsonError(500, 'InternalException', 'the local EventBridge endpoint failed');
  });
  return app;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : 'invalid JSON' };
  }
}
