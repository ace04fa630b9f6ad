import type { Answer, Envelope } from '../core/envelope';
import type { Invoker } from '../core/ports';

/** An Invoker that serves some plugins itself: `has` says which. */
export interface PluginHost extends Invoker {
  has(slug: string): boolean;
}

/**
 * The local platform's Invoker: a plugin goes to the first host that serves it (worker threads for
 * TypeScript plugins, processes for plugins in other languages); the fallback takes the rest.
 */
export class InvokerByPlugin implements Invoker {
  constructor(
    private readonly hosts: readonly PluginHost[],
    private readonly fallback: Invoker,
  ) {}

  invoke(plugin: string, envelope: Envelope): Promise<Answer> {
    const host = this.hosts.find((h) => h.has(plugin)) ?? this.fallback;
    return host.invoke(plugin, envelope);
  }
}
