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

  it('logs and publishes through a logger and publish made when first read, scrubbed of the credentials', async () => {
    const plugin = definePlugin({
      manifest: {
        slug: 'late',
        name: 'Late',
        version: '1.0.0',
        apiVersion: 1,
        types: [],
        // Optional: `look` runs without it.
        credentials: [{ name: 'token', label: 'Token', required: false }],
        actions: [
          { name: 'talk', label: 'Logs and publishes its credential' },
          { name: 'look', label: 'Describes its credentials' },
        ],
      },
      actions: {
        talk: async (ctx) => {
          await Promise.resolve();
          ctx.log.info(`the token is ${ctx.credentials.token}`);
          const { log, publish } = ctx;
          await ctx.publish('Talked', { said: ctx.credentials.token });
          // Made once: a handler that keeps either keeps what later reads give.
          return log === ctx.log && publish === ctx.publish;
        },
        look: (ctx) => ({ frozen: Object.isFrozen(ctx.credentials), keys: Object.keys(ctx.credentials) }),
      },
    });
    const logged: string[] = [];
    const published: unknown[] = [];
    const services = {
      ...QUIET_SERVICES,
      credentials: { resolve: async () => ({ token: 'sekrit-token' }) },
      log: (record: { message: string }) => void logged.push(record.message),
      publish: async (event: { detail: unknown }) => void published.push(event.detail),
    };
    const envelope = (name: string, credentialsRef?: string) => ({
      v: 1 as const,
      kind: 'action' as const,
      plugin: 'late',
      instance: 'i',
      name,
      input: {},
      credentialsRef,
      requestId: 'r1',
      deadline: Date.now() + 5_000,
    });
    expect(await runEnvelope(plugin, envelope('talk', 'ref'), services)).toEqual({ ok: true, result: true });
    expect(logged).toEqual(['the token is ********']);
    expect(published).toEqual([{ said: '********', instance: 'i' }]);
    const look = await runEnvelope(plugin, envelope('look'), services);
    expect(look).toEqual({ ok: true, result: { frozen: true, keys: [] } });
  });

  it('has the fields a literal gave it, its lazy ones as getters shared by every call', async () => {
    const seen: PluginContext[] = [];
    const plugin = definePlugin({
      manifest: {
        slug: 'shape',
        name: 'Shape',
        version: '1.0.0',
        apiVersion: 1,
        types: [],
        actions: [{ name: 'keep', label: 'Keeps its ctx' }],
      },
      actions: {
        keep: (ctx) => {
          seen.push(ctx);
          return null;
        },
      },
    });
    const call = () =>
      runEnvelope(
        plugin,
        {
          v: 1,
          kind: 'action',
          plugin: 'shape',
          instance: 'i',
          name: 'keep',
          input: {},
          context: { orgSlug: 'acme' },
          requestId: 'r1',
          deadline: Date.now() + 5_000,
        },
        QUIET_SERVICES,
      );
    expect(await call()).toEqual({ ok: true, result: null });
    expect(await call()).toEqual({ ok: true, result: null });
    const [first, second] = seen as [PluginContext, PluginContext];
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(Object.keys(first)).toEqual([
      'requestId',
      'plugin',
      'instance',
      'options',
      'credentials',
      'signal',
      'deadline',
      'store',
      'log',
      'expand',
      'publish',
      'orgSlug',
    ]);
    expect(Object.getOwnPropertySymbols({ ...first })).toEqual([]);
    for (const name of ['signal', 'store', 'log', 'publish']) {
      const field = Object.getOwnPropertyDescriptor(first, name)!;
      expect(field).toMatchObject({ set: undefined, enumerable: true, configurable: true });
      // Getters of their own for each call gave every ctx a hidden class of its own, which V8 made in
      // old space: a plugin's worker promoted ~1.5 KB a call and spent as long collecting as running.
      expect(field.get).toBe(Object.getOwnPropertyDescriptor(second, name)!.get);
      expect(() => Object.assign(first, { [name]: 'other' })).toThrow(TypeError);
    }
    expect(first.signal).toBeInstanceOf(AbortSignal);
    expect(first.log).toBe(first.log);
    expect(first.log).not.toBe(second.log);
    expect({ ...first }.publish).toBe(first.publish);
    // A handler that wraps its ctx reads the same fields through the wrapper.
    expect(new Proxy(first, {}).log).toBe(first.log);
    expect(Object.create(first).store).toBe(first.store);
  });
});
