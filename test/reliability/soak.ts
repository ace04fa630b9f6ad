import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestPlatform } from '../e2e/harness';
import { killAll } from './child-platform';
import { runEventsUnderFaults } from './scenarios/events-under-faults';
import { runFuzz } from './scenarios/fuzz';
import { runKilledWriteBurst } from './scenarios/killed-write-burst';

/**
 * `npm run soak`: the reliability scenarios of `npm test` at full size. Prints one line per figure
 * and writes them to bench/reliability.json; exits non-zero when any figure misses its goal.
 */
const EVENTS = Number(process.env.SOAK_EVENTS ?? 10_000);
const FUZZ_REQUESTS = Number(process.env.SOAK_FUZZ_REQUESTS ?? 10_000);
const BURST = Number(process.env.SOAK_BURST ?? 1_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const OUT = join(import.meta.dirname, '../../bench/reliability.json');

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const started = Date.now();

try {
  const events = await runEventsUnderFaults({ events: EVENTS, timeoutMs: 9 * 60_000 });
  console.log(
    `events under faults: ${events.events} events, ${events.delivered} delivered + ${events.deadLetters} DLQ = ${events.delivered + events.deadLetters} of ${events.expectedDeliveries} expected deliveries (${events.expectedDeadLetters} expected DLQ); ${events.missing} missing, ${events.inBoth} both; ${events.duplicatesAbsorbed} duplicate deliveries absorbed; ${events.seconds} s`,
  );

  const pb = await startTestPlatform({ logSink: () => undefined });
  const fuzz = await runFuzz(pb, {
    requests: FUZZ_REQUESTS,
    oversized: 10,
    concurrency: 8,
    seed: SEED,
  }).finally(() => pb.close());
  console.log(
    `fuzz: ${fuzz.requests} requests (${fuzz.oversized} over 6 MB), ${fuzz.status5xx} × 5xx, ${fuzz.status500} × 500, ${fuzz.violations.length} violations, ${fuzz.damaged.length} damaged, ${fuzz.unreadable.length} unreadable, seed ${fuzz.seed}, ${fuzz.seconds} s`,
  );
  for (const violation of fuzz.violations) console.log(`  ${violation}`);

  const burst = await runKilledWriteBurst({ killAfter: BURST });
  console.log(
    `persistence: ${burst.acknowledged} acknowledged creates before the SIGKILL, ${burst.lost} lost, ${burst.listed} listed after the restart, ${burst.unreadable} unreadable, ${burst.orphans} orphaned unacknowledged creates, ${burst.unannounced} without their Instance Created, ${burst.phantoms} Instance Created of no instance, ${burst.announcedTwice} announced twice`,
  );
  for (const sample of burst.unreadableSamples) console.log(`  ${sample}`);

  const figures = {
    fuzz_requests: fuzz.requests,
    fuzz_oversized_requests: fuzz.oversized,
    fuzz_5xx: fuzz.status5xx,
    fuzz_500: fuzz.status500,
    fuzz_violations: fuzz.violations.length,
    fuzz_damaged_instances: fuzz.damaged.length,
    fuzz_seed: fuzz.seed,
    fuzz_status_counts: fuzz.byStatus,
    events_published: events.events,
    events_expected_deliveries: events.expectedDeliveries,
    events_delivered: events.delivered,
    events_dlq: events.deadLetters,
    events_expected_dlq: events.expectedDeadLetters,
    events_missing: events.missing,
    events_both_effect_and_dlq: events.inBoth,
    events_settled: events.delivered + events.deadLetters - events.inBoth,
    events_duplicate_deliveries_absorbed: events.duplicatesAbsorbed,
    events_seconds: events.seconds,
    persistence_acknowledged_writes: burst.acknowledged,
    persistence_lost_writes: burst.lost,
    persistence_unreadable: burst.unreadable,
    persistence_orphaned_unacknowledged_creates: burst.orphans,
    persistence_unannounced_instances: burst.unannounced,
    persistence_phantom_announcements: burst.phantoms,
    persistence_announced_twice: burst.announcedTwice,
    soak_seconds: Math.round((Date.now() - started) / 1000),
    measured_at: new Date().toISOString(),
  };
  writeFileSync(OUT, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`wrote bench/reliability.json in ${figures.soak_seconds} s`);
  const passed =
    fuzz.status5xx === 0 &&
    fuzz.violations.length === 0 &&
    fuzz.damaged.length === 0 &&
    fuzz.unreadable.length === 0 &&
    events.missing === 0 &&
    events.inBoth === 0 &&
    events.deadLetters === events.expectedDeadLetters &&
    burst.lost === 0 &&
    burst.unreadable === 0 &&
    burst.orphans === 0 &&
    burst.unannounced === 0 &&
    burst.phantoms === 0 &&
    burst.announcedTwice === 0;
  process.exitCode = passed ? 0 : 1;
} finally {
  await killAll();
}
