import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callerEvents } from '../../../lib/core/events/caller-events';
import {
  checkEvent,
  entrySize,
  eventEntrySize,
  MAX_EVENT_JSON_BYTES,
} from '../../../lib/core/events/event-schema';
import { PlugboardError } from '../../../lib/sdk/errors';
import type { PlatformEvent } from '../../../lib/sdk/events';
import { documentedEntrySize, ENTRY_LIMIT, padTo } from '../../fixtures/entry-size';

const event = (change: Partial<PlatformEvent> = {}): PlatformEvent => ({
  version: '0',
  id: 'e-1',
  'detail-type': 'Order Placed',
  source: 'shop',
  account: '000000000000',
  time: '2031-01-01T00:00:00.000Z',
  region: 'local',
  resources: ['arn:aws:shop:local:000000000000:order/1'],
  detail: { pad: '' },
  ...change,
});

/** `base` with its detail padded so that its entry is `bytes` long. */
const sized = (bytes: number, char = 'x', base = event()): PlatformEvent => ({
  ...base,
  detail: { ...base.detail, pad: padTo(base, bytes, char) },
});

const refusal = (value: unknown): PlugboardError => {
  try {
    checkEvent(value);
  } catch (error) {
    if (error instanceof PlugboardError) return error;
    throw error;
  }
  return expect.unreachable('the event was taken');
};

describe("a PutEvents entry's size", () => {
  it('counts the UTF-8 of Source, DetailType, Detail and each of Resources, and 14 for a Time only when given', () => {
    const entry = { Source: 'shop', DetailType: 'Ordé', Detail: '{"a":"🚀"}', Resources: ['r1', '✓'] };
    expect(entrySize(entry)).toBe(4 + 5 + 12 + 2 + 3);
    expect(entrySize({ ...entry, Time: new Date(0) })).toBe(4 + 5 + 12 + 2 + 3 + 14);
  });

  it("is an event's entry, not its JSON, which is a few hundred bytes larger", () => {
    const atLimit = sized(ENTRY_LIMIT);
    expect(eventEntrySize(atLimit)).toBe(ENTRY_LIMIT);
    expect(Buffer.byteLength(JSON.stringify(atLimit))).toBeGreaterThan(ENTRY_LIMIT + 100);
    expect(checkEvent(atLimit)).toEqual(atLimit);
  });

  it.each([
    ['ASCII', 'x'],
    ['two-byte', 'é'],
    ['three-byte', '✓'],
    ['four-byte', '🚀'],
  ])(
    'takes an entry of exactly 256 KB of %s text and refuses one a byte over, naming its size and the limit',
    (_, char) => {
      expect(checkEvent(sized(ENTRY_LIMIT, char))).toBeDefined();
      const over = sized(ENTRY_LIMIT + 1, char);
      // Counted in bytes: fewer characters than the limit are still too many bytes.
      if (char !== 'x') expect(JSON.stringify(over.detail).length).toBeLessThan(ENTRY_LIMIT);
      const error = refusal(over);
      expect(error.code).toBe('Validation');
      expect(error.message).toBe(
        "the event is 262145 bytes as a PutEvents entry, over EventBridge's limit of 262144 bytes (256 KB)",
      );
      expect(error.errors).toEqual([
        {
          pointer: '',
          detail: "is 262145 bytes as a PutEvents entry, over EventBridge's limit of 262144 bytes (256 KB)",
        },
      ]);
    },
  );

  it('counts every resource and the detail type toward the limit', () => {
    const base = event({ resources: ['é'.repeat(1000), 'r'], 'detail-type': '✓'.repeat(40) });
    expect(checkEvent(sized(ENTRY_LIMIT, 'x', base))).toBeDefined();
    expect(refusal(sized(ENTRY_LIMIT + 1, 'x', base)).errors?.[0]?.pointer).toBe('');
  });

  it('is what the AWS documentation says, for any event', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    fc.assert(
      fc.property(
        fc.record({
          source: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
          'detail-type': fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
          resources: fc.array(text, { maxLength: 5 }),
          detail: fc.dictionary(text, fc.jsonValue({ maxDepth: 2 })),
        }),
        (fields) => {
          expect(eventEntrySize(event(fields))).toBe(documentedEntrySize(fields));
        },
      ),
    );
  });

  it('takes an event up to the limit and refuses it past, by the documented count, near the limit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('x', 'é', '✓', '🚀'),
        fc.integer({ min: -8, max: 8 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
        // Quotes, backslashes and control characters take more bytes in the Detail than as text.
        fc.string({ unit: 'binary', maxLength: 30 }),
        (char, off, detailType, extra) => {
          const base = event({ 'detail-type': detailType, detail: { extra, pad: '' } });
          const candidate = sized(ENTRY_LIMIT + off, char, base);
          const size = documentedEntrySize(candidate);
          expect(size).toBe(ENTRY_LIMIT + off);
          if (size <= ENTRY_LIMIT) expect(checkEvent(candidate)).toBeDefined();
          else expect(refusal(candidate).message).toContain(`is ${size} bytes`);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("an event's JSON, as the event log holds it", () => {
  it('is refused past MAX_EVENT_JSON_BYTES though its entry fits, when its resources are what JSON escapes', () => {
    // 100 resources of 2,048 characters: 204,800 bytes as an entry, each character six bytes as JSON.
    const escaped = event({ resources: Array.from({ length: 100 }, () => '\u0001'.repeat(2048)) });
    expect(eventEntrySize(escaped)).toBeLessThanOrEqual(ENTRY_LIMIT);
    const error = refusal(escaped);
    expect(error.code).toBe('Validation');
    expect(error.message).toMatch(/is \d+ bytes as JSON .* over the 327680 bytes the event log holds/);
    // Quotes are two bytes each as JSON: 409,600 and more.
    expect(
      refusal(event({ resources: Array.from({ length: 100 }, () => '"'.repeat(2048)) })).message,
    ).toContain('bytes as JSON');
    // The same entry size in characters JSON keeps as they are is taken.
    expect(
      checkEvent(event({ resources: Array.from({ length: 100 }, () => 'r'.repeat(2048)) })),
    ).toBeDefined();
  });

  it('is refused past MAX_EVENT_JSON_BYTES when what takes it there is a field the entry does not count', () => {
    // The entry counts any time as 14 bytes; the ISO format takes any number of fractional digits,
    // so the time's own length is held too (64 characters).
    const longTime = event({ time: `2031-01-01T00:00:00.${'0'.repeat(MAX_EVENT_JSON_BYTES)}Z` });
    expect(eventEntrySize(longTime)).toBe(eventEntrySize(event()));
    expect(refusal(longTime).errors).toEqual([
      { pointer: '/time', detail: 'must be an ISO 8601 date-time such as 2026-01-01T00:00:00Z' },
    ]);

    // The id, account and region the schema allows, all escaped, with an entry of 54,442 bytes of
    // control characters: 6 × 54,442 + 1,024 is within the limit, its JSON is not.
    const room = 54_442 - 14 - 1 - 1 - 2;
    const escaped = event({
      id: '"'.repeat(128),
      account: '\u0001'.repeat(64),
      region: '\ud800'.repeat(64),
      source: '\u0001',
      'detail-type': '\u0001',
      detail: {},
      resources: Array.from({ length: 100 }, (_, i) =>
        '\u0001'.repeat(Math.floor(room / 100) + (i < room % 100 ? 1 : 0)),
      ),
    });
    expect(eventEntrySize(escaped)).toBe(54_442);
    expect(Buffer.byteLength(JSON.stringify(escaped))).toBeGreaterThan(MAX_EVENT_JSON_BYTES);
    expect(refusal(escaped).message).toContain('bytes as JSON');
  });

  it('is taken whenever the entry fits and the JSON is within the limit, for any resources', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 2048 }), { maxLength: 100 }),
        (resources) => {
          const candidate = event({ resources });
          const json = Buffer.byteLength(JSON.stringify(candidate));
          if (eventEntrySize(candidate) <= ENTRY_LIMIT && json <= MAX_EVENT_JSON_BYTES)
            expect(checkEvent(candidate)).toBeDefined();
          else expect(refusal(candidate).code).toBe('Validation');
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe("a caller's entry over the limit", () => {
  it('is refused at its /Entries/<i>, with its size and the limit, counted on its Detail as JSON writes it', () => {
    const entry = (detail: Record<string, unknown>) => ({
      Source: 'shop',
      DetailType: 'Order Placed',
      // Spaces the caller wrote are not in the event the platform puts on the bus.
      Detail: JSON.stringify(detail, null, 2),
    });
    const base = { source: 'shop', 'detail-type': 'Order Placed', resources: [], detail: { pad: '' } };
    const pad = (bytes: number) => padTo(base, bytes, 'é');
    expect(callerEvents([entry({ pad: pad(ENTRY_LIMIT) })], { account: '1', region: 'r' })).toHaveLength(1);
    let error: PlugboardError | undefined;
    try {
      callerEvents([entry({ pad: 'small' }), entry({ pad: pad(ENTRY_LIMIT + 1) })], {
        account: '1',
        region: 'r',
      });
    } catch (thrown) {
      error = thrown as PlugboardError;
    }
    expect(error?.errors).toEqual([
      {
        pointer: '/Entries/1',
        detail: "is 262145 bytes as a PutEvents entry, over EventBridge's limit of 262144 bytes (256 KB)",
      },
    ]);
  });

  it('is counted with a Time only if it has one as received (the stand-in), with one always as the bus sends it', () => {
    const origin = { account: '1', region: 'r' };
    fc.assert(
      fc.property(
        fc.integer({ min: -20, max: 5 }),
        fc.constantFrom('x', 'é', '✓', '🚀'),
        fc.boolean(),
        (off, char, timed) => {
          const base = { source: 'shop', 'detail-type': 'Order Placed', resources: [], detail: { pad: '' } };
          // padTo counts a Time: an entry without one is 14 bytes smaller than it says.
          const bytes = ENTRY_LIMIT + off;
          const entry = {
            Source: 'shop',
            DetailType: 'Order Placed',
            Detail: JSON.stringify({ pad: padTo(base, timed ? bytes : bytes + 14, char) }),
            ...(timed ? { Time: '2031-01-01T00:00:00.000Z' } : {}),
          };
          expect(entrySize(entry)).toBe(bytes);
          const takes = (asReceived: boolean) => {
            try {
              return callerEvents([entry], origin, { asReceived }).length === 1;
            } catch {
              return false;
            }
          };
          expect(takes(true)).toBe(bytes <= ENTRY_LIMIT);
          expect(takes(false)).toBe(bytes + (timed ? 0 : 14) <= ENTRY_LIMIT);
        },
      ),
      { numRuns: 40 },
    );
  });
});
