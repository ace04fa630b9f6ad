import type { GuardedCall } from '../../sdk/define-plugin';
import { PlugboardError } from '../../sdk/errors';
import type { CallGuard, CallRequest, InvocationService } from '../invocation/invocation-service';
import type { GuardRecord } from '../ports';
import type { GuardService } from './guard-service';

/**
 * Vespene's chains before an operation or action: every attached authorizer must allow (403
 * AuthorizerDenied otherwise), then the pre-hooks run in order and any veto or failure stops the
 * call (424 PreHookVetoed). Either names the instance that stopped it; nothing after it runs.
 */
export function guardChain(guards: GuardService, invocations: InvocationService): CallGuard {
  // Most calls have no guard: they are not held up by a chain that has nothing to ask.
  return (call, _instance, request) =>
    guards.noneFor(call.plugin) ? undefined : runChain(guards, invocations, call, request);
}

async function runChain(
  guards: GuardService,
  invocations: InvocationService,
  call: GuardedCall,
  request: CallRequest,
): Promise<void> {
  const { authorizers, preHooks } = await guards.chainFor(call.plugin);
  for (const guard of authorizers) {
    const answer = await ask(guard, call, request, invocations).catch((error: unknown) => ({
      allow: false,
      reason: failure(error),
    }));
    const { allow, reason } = (answer ?? {}) as { allow?: unknown; reason?: unknown };
    if (allow !== true) {
      throw new PlugboardError(
        'AuthorizerDenied',
        `authorizer "${guard.instance}" denied ${call.kind} ${call.name}${typeof reason === 'string' && reason ? `: ${reason}` : ''}`,
        { details: { guard: guard.instance } },
      );
    }
  }
  for (const guard of preHooks) {
    const answer = await ask(guard, call, request, invocations).catch((error: unknown) => ({
      veto: failure(error),
    }));
    const veto = (answer as { veto?: unknown } | undefined)?.veto;
    if (veto !== undefined && veto !== null && veto !== false) {
      throw new PlugboardError(
        'PreHookVetoed',
        `pre-hook "${guard.instance}" vetoed ${call.kind} ${call.name}: ${String(veto)}`,
        { details: { guard: guard.instance } },
      );
    }
  }
}

async function ask(
  guard: GuardRecord,
  call: GuardedCall,
  { requestId, deadline }: CallRequest,
  invocations: InvocationService,
): Promise<unknown> {
  const { instance, manifest } = await invocations.resolve(guard.instance);
  return invocations.run({ instance, manifest, requestId, deadline }, guard.role, guard.role, call);
}

const failure = (error: unknown) =>
  error instanceof PlugboardError ? `it failed (${error.code}: ${error.message})` : 'it failed';
