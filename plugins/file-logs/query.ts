import { type LogFilter, ValidationError } from 'plugboard/sdk';
import type { ParsedEntry } from './read-log';

export interface Query {
  start?: string | undefined;
  end?: string | undefined;
  filters: LogFilter[];
}

/** `message`, `level` and `timestamp` name the entry's own properties; any other name (optionally `fields.x`) a field. */
function fieldValue(entry: ParsedEntry, field: string): unknown {
  if (field === 'message' || field === 'level' || field === 'timestamp') return entry[field];
  const name = field.startsWith('fields.') ? field.slice('fields.'.length) : field;
  return Object.hasOwn(entry.fields, name) ? entry.fields[name] : undefined;
}

const same = (a: unknown, b: LogFilter['value']): boolean =>
  typeof a === 'number' && typeof b === 'number' ? a === b : a !== undefined && String(a) === String(b);

function matcher(filter: LogFilter, index: number): (entry: ParsedEntry) => boolean {
  const text = (entry: ParsedEntry): string | undefined => {
    const value = fieldValue(entry, filter.field);
    return value === undefined || value === null ? undefined : String(value);
  };
  switch (filter.op) {
    case 'eq':
      return (entry) => same(fieldValue(entry, filter.field), filter.value);
    case 'ne':
      return (entry) => !same(fieldValue(entry, filter.field), filter.value);
    case 'contains':
      return (entry) => text(entry)?.includes(String(filter.value)) ?? false;
    case 'startsWith':
      return (entry) => text(entry)?.startsWith(String(filter.value)) ?? false;
    case 'regex': {
      let pattern: RegExp;
      try {
        pattern = new RegExp(String(filter.value));
      } catch {
        throw new ValidationError('a regex filter is not a valid regular expression', [
          { pointer: `/input/filters/${index}/value`, detail: 'not a valid regular expression' },
        ]);
      }
      return (entry) => {
        const value = text(entry);
        return value !== undefined && pattern.test(value);
      };
    }
  }
}

/** A predicate for the time range (start inclusive, end exclusive) and every filter. */
export function compile(query: Query): (entry: ParsedEntry) => boolean {
  const start = query.start === undefined ? Number.NEGATIVE_INFINITY : Date.parse(query.start);
  const end = query.end === undefined ? Number.POSITIVE_INFINITY : Date.parse(query.end);
  const checks = query.filters.map(matcher);
  return (entry) => entry.time >= start && entry.time < end && checks.every((check) => check(entry));
}
