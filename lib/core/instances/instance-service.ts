import { isDeepStrictEqual } from 'node:util';
import type { CallContext } from '../../sdk/context';
import { type FieldError, PlugboardError } from '../../sdk/errors';
import type { PlatformEvent } from '../../sdk/events';
import { checkParams, pointerSegment } from '../../sdk/params';
import type { DispatcherDeps } from '../dispatcher/deps';
import { oversizedEntry } from '../events/event-schema';
import { invalidFields } from '../field-errors';
import { platformEvent } from '../platform-events';
import { credentialsRef, type InstanceChanges, type InstanceRecord, type PluginRecord } from '../ports';
import { announcedWrite } from './announcements';
import { removeBelongings } from './belongings';
import { credentialErrors } from './credential-errors';
import { type IfMatch, instanceMeeting } from './if-match';
import { pluginNotLoaded } from './plugin-not-loaded';

/** The longest name an instance may have. */
export const MAX_INSTANCE_NAME_LENGTH = 63;
export const INSTANCE_NAME = new RegExp(`^[a-z][a-z0-9-]{0,${MAX_INSTANCE_NAME_LENGTH - 1}}$`);

export interface InstanceInput {
  name: string;
  plugin: string;
  description?: string | undefined;
  options?: Record<string, unknown> | undefined;
  context?: CallContext | undefined;
  order?: number | undefined;
}

export interface InstancePatch {
  description?: string | undefined;
  /** JSON merge patch (RFC 7396) over the stored options: null removes an option. */
  options?: Record<string, unknown> | undefined;
  context?: CallContext | undefined;
  order?: number | undefined;
}

/** How many times a credentials change retries its read-modify-write when another write raced it. */
const CONFLICT_RETRIES = 5;

function throwIfErrors(errors: FieldError[], what: string): void {
  if (errors.length > 0) throw invalidFields(what, errors);
}

/**
 * What depends on an instance, each as "<kind> <id>" (`subscription 3f…`, `guard preHook:freeze`):
 * an instance with dependents is not deleted.
 */
export type DependentsOf = (instance: string) => Promise<string[]>;

type AnnouncedType = 'Instance Created' | 'Instance Updated' | 'Instance Deleted';
/** What an instance's event says of it. */
type Announced = Pick<InstanceRecord, 'name' | 'plugin' | 'version' | 'options'> & {
  createdAt: string | undefined;
};

/** Dependents named in a refusal; the rest are counted. */
const NAMED_DEPENDENTS = 5;

/** Instances: named, validated configurations of a plugin (Digital Rebar's provider instances). */
export class InstanceService {
  constructor(
    private readonly deps: DispatcherDeps,
    private readonly dependentsOf?: DependentsOf,
  ) {}

  async loadedPlugin(slug: string): Promise<PluginRecord> {
    const plugin = await this.deps.registry.getPlugin(slug);
    if (plugin?.status !== 'loaded') throw await pluginNotLoaded(this.deps, slug, plugin);
    return plugin;
  }

  /** The instance, from the registry's cache when it has one; `fresh` for a read-modify-write. */
  async get(name: string, fresh = false): Promise<InstanceRecord> {
    const instance = await this.deps.registry.getInstance(name, { fresh });
    if (!instance) throw new PlugboardError('NotFound', `no instance named "${name}"`);
    return instance;
  }

  async create(input: InstanceInput): Promise<InstanceRecord> {
    const plugin = await this.loadedPlugin(input.plugin);
    const options = checkParams(plugin.manifest.options, input.options ?? {}, '/options');
    throwIfErrors(options.errors, `the options do not fit plugin "${plugin.slug}"`);
    const announced = { name: input.name, plugin: plugin.slug, version: 1, options: options.values };
    // The registry sets createdAt; an ISO time of now has the length the stored one will have.
    this.refuseUnannounceable({ ...announced, createdAt: new Date().toISOString() });
    return announcedWrite(
      this.deps,
      {
        // Without createdAt until the write gives it.
        event: this.announcement('Instance Created', { ...announced, createdAt: undefined }),
        instance: input.name,
        write: 'create',
      },
      (announcing) =>
        this.deps.registry.createInstance(
          {
            name: input.name,
            plugin: plugin.slug,
            description: input.description,
            options: options.values,
            context: input.context ?? {},
            order: input.order ?? 0,
            credentialsSet: [],
          },
          { announcing },
        ),
    );
  }

  /**
   * Applies the patch to the stored instance, if `ifMatch` names it (its version, and which instance
   * of the name it is), held to both through the write. With `*` a write another one raced is read
   * and patched again: the caller asked for whatever instance is current.
   */
  update(name: string, patch: InstancePatch, ifMatch: IfMatch): Promise<InstanceRecord> {
    const once = () => this.updateOnce(name, patch, ifMatch);
    return ifMatch === '*' ? retryingConflicts(once) : once();
  }

  private async updateOnce(name: string, patch: InstancePatch, ifMatch: IfMatch): Promise<InstanceRecord> {
    const current = await this.get(name, true);
    const plugin = await this.loadedPlugin(current.plugin);
    const changes: InstanceChanges = {};
    if (patch.options !== undefined) changes.options = patchedOptions(plugin, current.options, patch.options);
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.context !== undefined) changes.context = patch.context;
    if (patch.order !== undefined) changes.order = patch.order;
    const expected = instanceMeeting(ifMatch, name, current);
    // A patch that leaves every field as it is (`{}`, or the values already there) is no change: no
    // new version or ETag, and no Instance Updated for subscribers to react to.
    const changed = Object.entries(changes).some(
      ([field, value]) => !isDeepStrictEqual(value, current[field as keyof InstanceChanges]),
    );
    if (!changed) return current;
    const announced = {
      ...current,
      version: current.version + 1,
      options: changes.options ?? current.options,
    };
    this.refuseUnannounceable(announced);
    return announcedWrite(
      this.deps,
      { event: this.announcement('Instance Updated', announced), instance: name, write: 'update' },
      (announcing) => this.deps.registry.updateInstance(name, changes, expected, { announcing }),
    );
  }

  /**
   * Deletes the instance, then what belonged to it: its credentials and its store, before `Instance
   * Deleted` is announced (the store may hold a kv-config's secret values). A new instance of the
   * same name has a store of its own anyway, and no credentials until they are set. The instance is
   * read first, and deleted only at the version and generation read, so the event held before the
   * delete says what it deletes; with no If-Match or `*`, a write that lands in between is read
   * again, but an instance deleted and made again in between is not deleted (NotFound: the one read
   * is gone). Another delete under way answers InUse, unless it died (DELETE_CLAIM_EXPIRY_MS).
   */
  delete(name: string, ifMatch: IfMatch = '*'): Promise<void> {
    const once = () => this.deleteOnce(name, ifMatch);
    return ifMatch === '*' ? retryingConflicts(once) : once();
  }

  private async deleteOnce(name: string, ifMatch: IfMatch): Promise<void> {
    await this.refuseIfDepended(name);
    const current = await this.get(name, true);
    const expected = instanceMeeting(ifMatch, name, current);
    await announcedWrite(
      this.deps,
      {
        event: this.announcement('Instance Deleted', current),
        instance: name,
        write: 'delete',
        generation: current.generation,
      },
      async (announcing) => {
        const deleted = await this.deps.registry.deleteInstance(name, expected, { announcing });
        // No other instance of the name can exist yet: it was this one's until now.
        await removeBelongings(this.deps, deleted, {
          credentials: deleted.credentialsSet.length > 0,
          byName: true,
        });
        return deleted;
      },
    );
  }

  /**
   * A subscription would deliver to nothing, or to a later instance of the name; a guard would stop
   * every call it guards (a guard that fails denies), and dropping it with the instance would quietly
   * lift an authorizer. So they go first, by the caller's hand. (One created while the delete runs
   * is not seen: the guard then denies, naming the missing instance, until it is detached.)
   */
  private async refuseIfDepended(name: string): Promise<void> {
    const dependents = (await this.dependentsOf?.(name)) ?? [];
    if (dependents.length === 0) return;
    // Subscriptions and guards left by an instance deleted before they were checked: no instance, 404.
    await this.get(name, true);
    const named = dependents.slice(0, NAMED_DEPENDENTS).join(', ');
    const more =
      dependents.length > NAMED_DEPENDENTS ? ` and ${dependents.length - NAMED_DEPENDENTS} more` : '';
    throw new PlugboardError(
      'InUse',
      `instance "${name}" is still in use by ${named}${more}: delete those subscriptions and detach those guards first`,
    );
  }

  /**
   * Replaces the instance's credentials. Values go only to the credential store, under the
   * instance's generation: if the instance is deleted before its record says they are set, the
   * secret written is no other instance's (one made since under the name has a generation of its
   * own), and it is removed again.
   */
  async putCredentials(name: string, values: Record<string, string>): Promise<InstanceRecord> {
    const instance = await this.get(name, true);
    const { manifest } = await this.loadedPlugin(instance.plugin);
    throwIfErrors(
      credentialErrors(manifest, values),
      `the credentials do not fit plugin "${instance.plugin}"`,
    );
    const ref = credentialsRef(this.deps.stage, instance);
    await this.deps.credentials.put(ref, values);
    try {
      return await this.setCredentialNames(instance, Object.keys(values).sort());
    } catch (error) {
      if (error instanceof PlugboardError && error.code === 'NotFound')
        await this.deps.credentials.delete(ref);
      throw error;
    }
  }

  async deleteCredentials(name: string): Promise<InstanceRecord> {
    const instance = await this.get(name, true);
    await this.deps.credentials.delete(credentialsRef(this.deps.stage, instance));
    return this.setCredentialNames(instance, []);
  }

  /**
   * The names are known before the write, so its event is held once for all its attempts. The write
   * is held to the instance whose secret was written: a name deleted and created again meanwhile is
   * another instance, whose record says nothing of that secret.
   */
  private setCredentialNames(instance: InstanceRecord, names: string[]): Promise<InstanceRecord> {
    const { name, plugin } = instance;
    return announcedWrite(
      this.deps,
      {
        event: platformEvent(this.deps.origin, 'Credentials Updated', { instance: name, plugin, names }),
        instance: name,
        write: 'update',
      },
      (announcing) =>
        retryingConflicts(async () => {
          const current = await this.get(name, true);
          if (current.generation !== instance.generation)
            throw new PlugboardError(
              'NotFound',
              `instance "${name}" was deleted while its credentials were written; the instance named so now is another one, and its credentials were left as they were`,
            );
          return this.deps.registry.updateInstance(name, { credentialsSet: names }, current, {
            announcing,
          });
        }),
    );
  }

  /**
   * An instance's options (up to the registry's 400 KB item) can make its announcement larger than
   * the 256 KB entry EventBridge takes, and the bus is not asked until the write is made: there the bus
   * refuses it as unavailable, the parking bus keeps it for a redrive that can never publish it, and
   * the write is answered as done with its lifecycle hooks never run. So such a write is refused
   * before it is made, locally as on AWS.
   */
  private refuseUnannounceable(instance: Announced): void {
    // Created, Updated and Deleted are one length: any of them measures the announcement.
    const oversized = oversizedEntry(this.announcement('Instance Updated', instance), '/options');
    if (!oversized) return;
    const detail = `must be small enough for the instance's event to fit the bus: with them it ${oversized.detail}`;
    throw invalidFields('the options are too large to announce on the event bus', [
      { pointer: '/options', detail },
    ]);
  }

  /** The event an instance write announces; the size check measures this very event. */
  private announcement(detailType: AnnouncedType, instance: Announced): PlatformEvent {
    return platformEvent(this.deps.origin, detailType, {
      instance: instance.name,
      plugin: instance.plugin,
      version: instance.version,
      options: instance.options,
      // Which instance of the name: a late event (a redriven one) is told from a recreated one's.
      createdAt: instance.createdAt,
    });
  }
}

/**
 * The stored options with a JSON merge patch applied (null removes one). Only what the patch names
 * is checked: a stored option that no longer fits the plugin's current version (see optionsFit) and
 * that the patch leaves alone is kept as it is, as Kubernetes ratchets the validation of unchanged
 * fields. So a patch may fix one such option at a time, or change another meanwhile, and nothing
 * stored is lost unasked: a dropped option stays until a patch removes it, for a version that
 * declares it again. Calls are refused until every declared option fits.
 */
function patchedOptions(
  plugin: PluginRecord,
  stored: Readonly<Record<string, unknown>>,
  patch: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  const checked = checkParams(plugin.manifest.options, merged, '/options');
  const named = new Set(Object.keys(patch).map((key) => `/options/${pointerSegment(key)}`));
  throwIfErrors(
    checked.errors.filter((error) => named.has(error.pointer)),
    `the options do not fit plugin "${plugin.slug}"`,
  );
  // The checked values add the defaults of options not stored; the rest of `merged` is what was left alone.
  return { ...merged, ...checked.values };
}

/** Runs a read-modify-write again when another write landed between its read and its write. */
async function retryingConflicts<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (
        !(error instanceof PlugboardError && error.code === 'VersionConflict') ||
        attempt >= CONFLICT_RETRIES
      )
        throw error;
    }
  }
}
