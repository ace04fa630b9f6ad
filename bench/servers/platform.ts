import { applyServingHeapPolicy } from '../../lib/local/heap-policy';
import { startLocalPlatform } from '../../lib/local/platform';
import { announce } from '../child';
import { startEchoPlatform } from '../echo-platform';

/**
 * The local platform in a process of its own, so the load generator does not share its event loop and
 * its RSS (worker threads included) is the platform's alone, under the heap policy `plugboard start`
 * sets. Announces the echo action's URL.
 */
applyServingHeapPolicy();
const { platform, url, authorization } = await startEchoPlatform(startLocalPlatform);
// Deliveries of the Operation Succeeded events still under way finish first: closing the platform
// with event-log writes in flight makes dynalite throw "Database is closed" out of the process.
announce({ url, headers: { authorization } }, async () => {
  await platform.bus.idle();
  await platform.close();
});
