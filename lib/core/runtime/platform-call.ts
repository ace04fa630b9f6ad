import { CursorExpiredError, PlugboardError } from '../../sdk/errors';
import { INVALID_CURSOR_POINTER } from '../page-cursor-text';

/**
 * What the platform refuses of a plugin's own call (a value the store cannot keep, an event the bus
 * cannot take) is the plugin failing, not its caller's bad request: PluginFailed, on every runtime
 * (the store and the bus answer Validation, which reached the caller as a 400 on AWS). So is the
 * platform's own fault under the call (a bus its deployment left missing), with what it says kept:
 * Internal is no code a plugin may answer, and the dispatcher would put a PluginFailed that says
 * nothing in its place. A list cursor the store did not make is the contracts' CursorExpired, which
 * the plugin may pass on.
 */
export async function platformCall<T>(call: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof PlugboardError)) throw error;
    if (error.code === 'Validation' && error.errors?.some((e) => e.pointer === INVALID_CURSOR_POINTER))
      throw new CursorExpiredError(`${call}: ${error.message}`);
    if (error.code === 'Validation' || error.code === 'PayloadTooLarge')
      throw new PlugboardError('PluginFailed', `${call} was refused: ${withFieldErrors(error)}`);
    if (error.code === 'Internal')
      throw new PlugboardError('PluginFailed', `${call} failed: ${error.message}`);
    throw error;
  }
}

/**
 * The refusal's message with what its field errors say that it does not ("the store key is not
 * valid: must be at most 1024 bytes"): a PluginFailed carries a message only, and the plugin's
 * author needs the rule that failed.
 */
function withFieldErrors(error: PlugboardError): string {
  const details = (error.errors ?? [])
    .filter(({ detail }) => !error.message.includes(detail))
    .map(({ pointer, detail }) => (pointer ? `${detail} (at ${pointer})` : detail));
  return details.length === 0 ? error.message : `${error.message}: ${details.join('; ')}`;
}
