import { PlugboardError } from '../../../sdk/errors';
import { parse } from './compile';
import { isPlainObject, pointerTo } from './json';
import { matches } from './match';
import type { PatternProblem } from './types';

/** Fields TestEventPattern requires in the event (EventBridge API reference). */
const REQUIRED_STRINGS = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;

/**
 * Like EventBridge's TestEventPattern: both pattern and event are checked first, and every problem is
 * reported at once, its pointer into `{ "pattern": ..., "event": ... }` as the HTTP route receives it.
 */
export function testEventPattern(pattern: unknown, event: unknown): boolean {
  const { root, problems } = parse(pattern);
  const errors: PatternProblem[] = problems.map((p) => ({
    pointer: `/pattern${p.pointer}`,
    detail: p.detail,
  }));
  errors.push(...eventProblems(event));
  if (!root || errors.length > 0) {
    throw new PlugboardError('Validation', 'the event pattern or the event is not valid', { errors });
  }
  return matches({ root }, event);
}

function eventProblems(event: unknown): PatternProblem[] {
  if (!isPlainObject(event)) return [{ pointer: '/event', detail: 'Event must be a JSON object' }];
  const problems: PatternProblem[] = [];
  for (const name of REQUIRED_STRINGS) {
    if (typeof event[name] !== 'string') {
      problems.push({
        pointer: pointerTo('/event', name),
        detail: `Event field ${name} is required and must be a string`,
      });
    }
  }
  const resources = event.resources;
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) {
    problems.push({
      pointer: '/event/resources',
      detail: 'Event field resources is required and must be an array of strings',
    });
  }
  return problems;
}
