import { CONTRACTS } from '../../sdk/contracts';
import { check } from './check';
import { ConformanceHarness } from './harness';
import type { ConformanceCheck } from './types';

const HOOKS = Object.keys(CONTRACTS.lifecycle) as (keyof typeof CONTRACTS.lifecycle)[];

/** `onInstanceCreated` is called on `Instance Created`. */
const eventOf = (hook: string): string => hook.replace(/^on/, '').replace(/([a-z])([A-Z])/g, '$1 $2');

/**
 * Each lifecycle hook the plugin has gets the detail of its instance event, as the platform delivers
 * it, and must not fail. A deleted instance has lost its credentials and its store by the time
 * `onInstanceDeleted` runs, so that hook runs on an instance with neither.
 */
export async function lifecycleChecks(h: ConformanceHarness): Promise<ConformanceCheck[]> {
  const checks: ConformanceCheck[] = [];
  for (const hook of HOOKS) {
    const given = h.fixtures.operations?.[`lifecycle.${hook}`];
    if (typeof h.plugin.lifecycle?.[hook] !== 'function' || given === false) continue;
    checks.push(
      await check(`lifecycle: ${hook} runs on an ${eventOf(hook)} event`, async () => {
        const instance =
          hook === 'onInstanceDeleted' ? new ConformanceHarness(h.plugin, h.manifest, h.fixtures) : h;
        const detail = given ?? {
          instance: h.instance,
          plugin: h.manifest.slug,
          version: 1,
          options: h.fixtures.options ?? {},
        };
        await instance.result('lifecycle', hook, detail, `lifecycle ${hook}`);
        return `called with ${given ? "the fixture's detail" : `the detail of instance ${h.instance}`}`;
      }),
    );
  }
  return checks;
}
