import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';
import { runFuzz } from './scenarios/fuzz';

let pb: TestPlatform;
beforeAll(async () => {
  pb = await startTestPlatform();
});
afterAll(async () => {
  await pb?.close();
});

/** A fixed seed keeps `npm test` repeatable; FUZZ_SEED explores others. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_251_126);

describe('fuzzing every route', () => {
  it('answers 1,200 hostile requests without a 5xx, each error as problem+json, and damages nothing', async () => {
    const result = await runFuzz(pb, { requests: 1_200, oversized: 3, concurrency: 6, seed: SEED });
    console.log(
      `fuzz: ${result.requests} requests (${result.oversized} over 6 MB), ${result.status5xx} × 5xx, ${result.status500} × 500, seed ${result.seed}, ${result.seconds} s; statuses ${JSON.stringify(result.byStatus)}`,
    );
    expect(result.violations).toEqual([]);
    expect(result.status5xx).toBe(0);
    expect(result.requests).toBeGreaterThanOrEqual(1_000);
    expect(result.damaged).toEqual([]);
    expect(result.unreadable).toEqual([]);
    expect(result.byStatus[413]).toBeGreaterThanOrEqual(result.oversized);
  }, 120_000);
});
