import * as z from 'zod';
import { isoTime } from '../../../sdk/contracts';

export const EventSchema = z
  .object({
    version: z.string(),
    id: z.string(),
    'detail-type': z.string(),
    source: z.string(),
    account: z.string(),
    time: z.string(),
    region: z.string(),
    resources: z.array(z.string()),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Event' });

export const PatternSchema = z.record(z.string(), z.unknown()).meta({
  description: 'An EventBridge event pattern',
  example: { source: ['plugboard.plugin.incrementer'] },
});

export const TimeRangeQuery = {
  from: isoTime.optional().meta({ description: 'ISO time, inclusive; default 24 h ago' }),
  to: isoTime.optional().meta({ description: 'ISO time, exclusive; default now' }),
};

/**
 * A range whose `to` is not after its `from` holds no event: refused (400 at `to`) rather than
 * answered empty, as EventBridge's StartReplay refuses an end time before the start time.
 */
export function ordered<S extends z.ZodType<{ from?: string | undefined; to?: string | undefined }>>(
  schema: S,
): S {
  return schema.refine(
    ({ from, to }) => {
      // zod runs this check over values its format check has refused too: those have their error.
      const [start, end] = [Date.parse(from ?? ''), Date.parse(to ?? '')];
      return Number.isNaN(start) || Number.isNaN(end) || start < end;
    },
    { path: ['to'], message: 'must be later than from' },
  );
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The range a query names, by default the last 24 hours (a moment ahead of now, so "now" is in it). */
export function timeRange(query: { from?: string | undefined; to?: string | undefined }) {
  const to = query.to ?? new Date(Date.now() + 1000).toISOString();
  const from = query.from ?? new Date(Date.parse(to) - DAY_MS).toISOString();
  return { from, to };
}
