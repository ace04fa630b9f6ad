import { applyServingHeapPolicy } from '../../lib/local/heap-policy';
import { startLocalPlatform } from '../../lib/local/platform';
import { announce } from '../child';

/**
 * The local platform in a process of its own, so the load generator does not share its event loop and
 * its RSS (worker threads included) is the platform's alone, under the heap policy `plugboard start`
 * sets. Announces the echo action's URL.
 */
applyServingHeapPolicy();
const platform = await startLocalPlatform({ memory: true, port: 0, watch: false, logSink: () => {} });
const authorization = `Bearer ${platform.token}`;
const created = await fetch(`${platform.url}/v1/instances`, {
  method: 'POST',
  headers: { authorization, 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'bench-echo', plugin: 'echo' }),
});
if (created.status !== 201) throw new Error(`creating the echo instance answered ${created.status}`);
// Deliveries of the Operation Succeeded events still under way finish first: closing the platform
// with event-log writes in flight makes dynalite throw "Database is closed" out of the process.
announce(
  { url: `${platform.url}/v1/instances/bench-echo/actions/echo`, headers: { authorization } },
  async () => {
    await platform.bus.idle();
    await platform.close();
  },
);
