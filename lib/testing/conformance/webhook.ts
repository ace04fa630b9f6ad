import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { zodFieldErrors } from '../../core/zod-errors';
import type { WebhookCall } from '../../sdk/contracts';
import { assert, check, show } from './check';
import type { ConformanceHarness } from './harness';
import type { ConformanceCheck } from './types';

/** What a schema offers as a config: its first example, else its default. */
function sampleConfig(schema: Record<string, unknown>): { config: unknown; from: string } {
  if (Array.isArray(schema.examples) && schema.examples.length > 0)
    return { config: schema.examples[0], from: "the configSchema's example" };
  if (schema.default !== undefined) return { config: schema.default, from: "the configSchema's default" };
  return { config: {}, from: 'an empty actionConfig' };
}

/**
 * Each webhook action gets a delivery as a rule routes it: a payload and an actionConfig that its
 * configSchema takes (checked as the platform checks a rule's), and must not fail. An action whose
 * schema offers no config that fits is left to the fixtures, as an action with required params is.
 */
export async function webhookChecks(h: ConformanceHarness): Promise<ConformanceCheck[]> {
  const checks: ConformanceCheck[] = [];
  for (const action of h.manifest.webhookActions) {
    const given = h.fixtures.webhooks?.[action.name];
    if (given === false) continue;
    const { config, from } =
      given?.actionConfig === undefined
        ? sampleConfig(action.configSchema)
        : { config: given.actionConfig, from: "the fixture's actionConfig" };
    const fits = z.fromJSONSchema(action.configSchema as never).safeParse(config);
    if (!fits.success && given?.actionConfig === undefined) continue;
    const errors = fits.success ? [] : zodFieldErrors(fits.error, '/actionConfig', config);
    checks.push(
      await check(`webhook ${action.name}: answers a delivery with a valid actionConfig`, async () => {
        assert(
          errors.length === 0,
          `the fixture's actionConfig does not fit the configSchema: ${show(errors)}`,
        );
        const call: WebhookCall = {
          payload: given?.payload ?? {},
          headers: {},
          actionConfig: config as Record<string, unknown>,
          deliveryId: randomUUID(),
          source: 'conformance',
        };
        await h.result('webhook', action.name, call, `webhook ${action.name}`);
        return `called with ${from}`;
      }),
    );
  }
  return checks;
}
