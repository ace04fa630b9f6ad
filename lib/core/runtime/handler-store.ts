import type { PluginStore } from '../../sdk/context';
import { platformCall } from './platform-call';

/**
 * A handler's `ctx.store`: the instance's store, with what it refuses (a key, a value, a prefix, a
 * limit) answered as the plugin's failure and a cursor it did not make as CursorExpired. The runtime
 * gives it to every call, and the testing kit's context is this same wrapper over its MemoryStore,
 * so that a plugin's own test sees what the platform answers.
 */
export const handlerStore = (store: PluginStore): PluginStore => ({
  get: (key) => platformCall('ctx.store.get', () => store.get(key)),
  put: (key, value) => platformCall('ctx.store.put', () => store.put(key, value)),
  delete: (key) => platformCall('ctx.store.delete', () => store.delete(key)),
  list: (options) => platformCall('ctx.store.list', () => store.list(options)),
});
