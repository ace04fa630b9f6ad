import type { Deployment } from '../../sdk/contracts';
import { assert, check, show } from './check';
import type { ConformanceHarness } from './harness';
import type { ConformanceCheck } from './types';

const UNKNOWN_ID = 'conformance-unknown-deployment';

/**
 * The deployment contract: every answer is held to its output schema by the runtime (a broken
 * deployment answers PluginFailed), and getStatus answers the deployment deploy started, or
 * NotFound for an id it does not know when no deploy was made.
 */
export async function deploymentChecks(h: ConformanceHarness): Promise<ConformanceCheck[]> {
  const given = h.fixtures.operations ?? {};
  const deployInput = given['deployment.deploy'];
  const statusInput = given['deployment.getStatus'];
  const checks: ConformanceCheck[] = [];
  let started: Deployment | undefined;
  if (deployInput !== false) {
    checks.push(
      await check('deployment: deploy answers a deployment', async () => {
        const input = deployInput ?? {
          ref: 'main',
          environment: h.fixtures.context?.environment ?? 'conformance',
        };
        started = await h.operation<Deployment>('deployment.deploy', input);
        return `deployed ${show(input.ref)} to ${show(input.environment)}: ${started.deploymentId}, ${started.status}`;
      }),
    );
  }
  if (statusInput === false) return checks;
  checks.push(
    await check('deployment: getStatus answers the deployment it is asked for', async () => {
      const id = statusInput ? String(statusInput.deploymentId) : started?.deploymentId;
      if (id === undefined) {
        const status = await h.lookup<Deployment>('deployment.getStatus', { deploymentId: UNKNOWN_ID });
        return `no deploy made; ${UNKNOWN_ID} answered ${status ? status.status : 'NotFound'}`;
      }
      const status = await h.operation<Deployment>('deployment.getStatus', {
        ...statusInput,
        deploymentId: id,
      });
      assert(
        status.deploymentId === id,
        `getStatus(${show(id)}) answered deployment ${show(status.deploymentId)}`,
      );
      return `${id}: ${status.status}${statusInput ? '' : ', the one deploy started'}`;
    }),
  );
  return checks;
}
