export {
  compilePattern,
  MAX_OR_COMBINATIONS,
  MAX_PATTERN_CHARS,
  type PatternValidation,
  validatePattern,
} from './compile';
export { matches } from './match';
export { PatternIndex, type PatternIndexOptions } from './pattern-index';
export { testEventPattern } from './test-event-pattern';
export type { CompiledPattern, EventPattern, PatternProblem } from './types';
