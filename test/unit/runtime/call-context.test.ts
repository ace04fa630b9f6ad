import { describe, expect, it, vi } from 'vitest';
import { runEnvelope, withCallContext } from '../../../lib/core/runtime/run-envelope';
import { definePlugin } from '../../../lib/sdk';
import type { CallContext, PluginContext } from '../../../lib/sdk/context';
import { MemoryStore } from '../../../lib/testing';
import { QUIET_SERVICES } from './run-action';

const platformFields = (reads: string[]) =>
  ({
    requestId: 'platform',
    plugin: 'p',
    instance: 'i',
    options: {},
    credentials: {},
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    get signal() {
      reads.push('signal');
      return new AbortController().signal;
    },
    deadline: 1,
    get store() {
      reads.push('store');
      return new MemoryStore();
    },
    expand: (template: string) => template,
    publish: async () => {},
  }) satisfies Omit<PluginContext, keyof CallContext>;

describe("a handler's ctx", () => {
  it("adds the caller's context fields, the platform's own winning, without reading its getters", () => {
    const reads: string[] = [];
    // The envelope's schema keeps these names out of a context; were one let in, the platform's wins.
    const callContext = { orgSlug: 'acme', requestId: 'caller', store: 'caller' } as CallContext;
    const ctx = withCallContext(platformFields(reads), callContext);
    expect(ctx.orgSlug).toBe('acme');
    expect(ctx.requestId).toBe('platform');
    expect(reads).toEqual([]);
    expect(ctx.store).toBeInstanceOf(MemoryStore);
    expect(reads).toEqual(['store']);
  });

  it("gives a handler its caller's context and makes the store, of the envelope's instance, only when the handler reads it", async () => {
    const plugin = definePlugin({
      manifest: {
        slug: 'ctx',
        name: 'Ctx',
        version: '1.0.0',
        apiVersion: 1,
        types: [],
        actions: [
          { name: 'look', label: 'Reads the context' },
          { name: 'keep', label: 'Reads the store twice' },
        ],
      },
      actions: {
        look: (ctx) => ({ org: ctx.orgSlug, team: ctx.teamSlug ?? null, requestId: ctx.requestId }),
        keep: (ctx) => {
          const first = ctx.store;
          return first === ctx.store;
        },
      },
    });
    const store = vi.fn(() => new MemoryStore());
    const call = (name: string) =>
      runEnvelope(
        plugin,
        {
          v: 1,
          kind: 'action',
          plugin: 'ctx',
          instance: 'i',
          generation: 'g7',
          name,
          input: {},
          context: { orgSlug: 'acme' },
          requestId: 'r1',
          deadline: Date.now() + 5_000,
        },
        { ...QUIET_SERVICES, store },
      );
    expect(await call('look')).toEqual({ ok: true, result: { org: 'acme', team: null, requestId: 'r1' } });
    expect(store).not.toHaveBeenCalled();
    expect(await call('keep')).toEqual({ ok: true, result: true });
    expect(store).toHaveBeenCalledExactlyOnceWith({ plugin: 'ctx', name: 'i', generation: 'g7' });
  });
});
