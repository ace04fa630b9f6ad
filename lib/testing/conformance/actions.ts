import { actionParams } from '../../sdk/manifest';
import { checkParams } from '../../sdk/params';
import { assert, check, show, skip } from './check';
import { FIXTURES_FILE } from './fixtures-file';
import type { ConformanceHarness } from './harness';
import type { ConformanceCheck } from './types';

/**
 * Each declared action: the platform's param check (checkParams, as the dispatcher runs it)
 * refuses a call without its required params, and the handler answers a call with valid params
 * (the fixture's, or the defaults when none are required).
 */
export async function actionChecks(h: ConformanceHarness): Promise<ConformanceCheck[]> {
  const checks: ConformanceCheck[] = [];
  for (const action of h.manifest.actions) {
    if (action.requiredParams.length > 0) {
      checks.push(
        await check(`action ${action.name}: required params are enforced`, async () => {
          const { errors } = checkParams(actionParams(action), {}, '/params');
          const named = action.requiredParams.filter((p) =>
            errors.some((e) => e.pointer === `/params/${p.name}`),
          );
          assert(
            named.length === action.requiredParams.length,
            `a call without params was not refused for every required param: ${show(errors)}`,
          );
          return `refused without ${named.map((p) => p.name).join(', ')}`;
        }),
      );
    }
    const given = h.fixtures.actions?.[action.name];
    if (given === false) continue;
    // Said rather than left out, or a report that "conforms" reads as if the handler had run.
    if (given === undefined && action.requiredParams.length > 0) {
      checks.push(
        skip(
          `action ${action.name}: answers a call with valid params`,
          `not called: it has required params; give them in the fixtures' actions.${action.name} (${FIXTURES_FILE} beside index.ts, for plugboard test)`,
        ),
      );
      continue;
    }
    checks.push(
      await check(`action ${action.name}: answers a call with valid params`, async () => {
        const { values, errors } = checkParams(actionParams(action), given ?? {}, '/params');
        assert(errors.length === 0, `the fixture's params are not valid: ${show(errors)}`);
        await h.result('action', action.name, values, `action ${action.name}`);
        return given ? `called with ${show(Object.keys(given))}` : 'called with its defaults';
      }),
    );
  }
  return checks;
}
