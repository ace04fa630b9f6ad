import * as z from 'zod';
import {
  type HeldAnnouncement,
  type InstanceChanges,
  type InstanceRecord,
  type NewInstance,
  OPTIONAL_HANDLERS,
  type PluginRecord,
  type StoreOwner,
} from '../core/ports';
import { zodFieldErrors } from '../core/zod-errors';
import { CallContextSchema, type StoredItem } from '../sdk/context';
import { PlugboardError } from '../sdk/errors';
import { jsonValueFault } from './json-value-fault';
import { storePartition } from './registry-table';

/**
 * How registry records become DynamoDB items and back. Free-form values (options, context,
 * manifests, stored values) are kept as JSON strings: they round-trip exactly as JSON does over
 * HTTP, and an item's size is known before it is written.
 */

const MAX_ITEM_BYTES = 400 * 1024;
const MAX_SORT_KEY_BYTES = 1024;

const slug = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a plugin slug: a-z, 0-9 and "-", at most 64');
/** No "#": it separates the parts of a key, so a name must never contain it. */
export const instanceName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'must be 1-128 of A-Z, a-z, 0-9, ".", "_", "-", starting alphanumeric',
  );
/** Part of a store partition's key, so no "#" either. */
const generation = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of A-Z, a-z, 0-9, "_", "-"');
/** Checked as JSON when the item is built (toJson), after undefined properties are dropped. */
const jsonObject = z.record(z.string(), z.unknown());
/** Built once: z.json() constructs its recursive schema anew on every call, ~80 µs each time. */
const jsonValue = z.json();
const order = z.number().int().min(-1_000_000).max(1_000_000);
const credentialsSet = z.array(z.string().min(1).max(200)).max(100);
const description = z.string().max(2000).optional();

const NewInstanceSchema = z.object({
  name: instanceName,
  plugin: slug,
  description,
  options: jsonObject,
  context: CallContextSchema,
  order,
  credentialsSet,
});
const InstanceChangesSchema = z.strictObject({
  description,
  options: jsonObject.optional(),
  context: CallContextSchema.optional(),
  order: order.optional(),
  credentialsSet: credentialsSet.optional(),
});
const StoreKeySchema = z
  .string()
  .min(1, 'must not be empty')
  .refine(
    (key) => Buffer.byteLength(key) <= MAX_SORT_KEY_BYTES,
    `must be at most ${MAX_SORT_KEY_BYTES} bytes`,
  );

function check<T>(schema: z.ZodType<T>, value: unknown, what: string, pointer = ''): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new PlugboardError('Validation', `${what} is not valid`, {
      errors: zodFieldErrors(result.error, pointer, value),
    });
  }
  return result.data;
}

export const checkSlug = (value: unknown): string => check(slug, value, 'the plugin slug');
export const checkInstanceName = (value: unknown): string => check(instanceName, value, 'the instance name');
export const checkNewInstance = (value: unknown): NewInstance =>
  check(NewInstanceSchema, value, 'the instance');
export const checkInstanceChanges = (value: unknown): InstanceChanges =>
  check(InstanceChangesSchema, value, 'the instance changes');
export const checkStoreKey = (value: unknown): string => check(StoreKeySchema, value, 'the store key');
/** Only the owner's own fields, each checked: a local worker's store calls name the owner themselves. */
export const checkStoreOwner = ({ plugin, name, generation: given }: StoreOwner): StoreOwner => ({
  plugin: checkSlug(plugin),
  name: checkInstanceName(name),
  generation: given === undefined ? undefined : check(generation, given, 'the generation'),
});

/** Object properties set to undefined mean "absent" in JS, as they do in JSON; other undefineds are errors. */
function withoutUndefined(value: unknown, depth = 0): unknown {
  if (depth > 64 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => withoutUndefined(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, withoutUndefined(v, depth + 1)]),
  );
}

/** JSON text of a value, or Validation when it has no faithful JSON form. */
export function toJson(input: unknown, what: string, pointer = ''): string {
  const value = withoutUndefined(input);
  if (!jsonValue.safeParse(value).success) {
    const fault = jsonValueFault(value, pointer);
    if (fault) throw new PlugboardError('Validation', `${what} is not valid`, { errors: [fault] });
    check(jsonValue, value, what, pointer);
  }
  try {
    return JSON.stringify(value);
  } catch {
    throw new PlugboardError('Validation', `${what} cannot be written as JSON (is it circular?)`);
  }
}

function fromJson(text: unknown, what: string): unknown {
  if (typeof text !== 'string') throw corrupted(what);
  try {
    return JSON.parse(text);
  } catch {
    throw corrupted(what);
  }
}

const corrupted = (what: string) => new PlugboardError('Internal', `the registry holds a corrupted ${what}`);

export type Item = Record<string, unknown>;

/** Approximate DynamoDB item size: attribute names plus values, numbers counted at their maximum. */
export function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (typeof value === 'string') bytes += Buffer.byteLength(value);
    else if (typeof value === 'number') bytes += 21;
    else if (Array.isArray(value))
      bytes += 3 + value.reduce((sum: number, v) => sum + 1 + Buffer.byteLength(String(v)), 0);
    else bytes += Buffer.byteLength(JSON.stringify(value) ?? '');
  }
  return bytes;
}

export function assertFits(item: Item, what: string): void {
  const bytes = itemBytes(item);
  if (bytes > MAX_ITEM_BYTES) {
    throw new PlugboardError(
      'PayloadTooLarge',
      `${what} is ${Math.ceil(bytes / 1024)} KB; a registry item holds at most ${MAX_ITEM_BYTES / 1024} KB`,
    );
  }
}

export const pluginKey = (slug: string) => ({ pk: `PLUGIN#${slug}`, sk: 'MANIFEST' });
export const instanceKey = (name: string) => ({ pk: `INSTANCE#${name}`, sk: 'INSTANCE' });
export const storeKey = (owner: StoreOwner, key: string) => ({ pk: storePartition(owner), sk: key });
export const PLUGINS_PARTITION = 'PLUGINS';
/** Held announcements, sorted by when they were held. */
export const ANNOUNCEMENTS_PARTITION = 'ANNOUNCEMENT';
export const announcementKey = ({ heldAt, event }: Pick<HeldAnnouncement, 'heldAt' | 'event'>) => ({
  pk: ANNOUNCEMENTS_PARTITION,
  sk: `${heldAt}#${event.id}`,
});
/**
 * What an instance item carries of the announcements of its writes, none of it part of the record:
 * `announcing`, the string set of its creates' and updates' marks (each its held announcement's sort
 * key), and `deleting`, the mark of the delete that claimed it.
 */
export const ANNOUNCING_ATTRIBUTE = 'announcing';
export const DELETING_ATTRIBUTE = 'deleting';
/** On a held announcement: the `createdAt` of the instance that a delete found carrying it. */
export const LANDED_ATTRIBUTE = 'landed';
export const announcementMark = (announcement: Pick<HeldAnnouncement, 'heldAt' | 'event'>): string =>
  announcementKey(announcement).sk;
export const INSTANCES_PARTITION = 'INSTANCES';
/** Instances sort by plugin, then name, so one index lists all of them or one plugin's. */
export const instancesOfPlugin = (plugin: string) => `${plugin}#`;

export function pluginItem(record: PluginRecord): Item {
  const slug = checkSlug(record.slug);
  const item = {
    ...pluginKey(slug),
    gsi1pk: PLUGINS_PARTITION,
    gsi1sk: slug,
    slug,
    manifest: toJson(record.manifest, 'the manifest', '/manifest'),
    status: check(z.enum(['loaded', 'removed']), record.status, 'the plugin status'),
    updatedAt: check(z.string().min(1).max(64), record.updatedAt, 'updatedAt'),
    ...(record.handlers
      ? { handlers: check(z.array(z.enum(OPTIONAL_HANDLERS)), record.handlers, 'the plugin handlers') }
      : {}),
  };
  assertFits(item, `the manifest of ${slug}`);
  return item;
}

export function pluginFromItem(item: Item): PluginRecord {
  return {
    slug: String(item.slug),
    manifest: fromJson(item.manifest, 'manifest') as PluginRecord['manifest'],
    status: item.status as PluginRecord['status'],
    updatedAt: String(item.updatedAt),
    ...(Array.isArray(item.handlers) ? { handlers: item.handlers as PluginRecord['handlers'] } : {}),
  };
}

export function instanceItem(record: InstanceRecord): Item {
  const item: Item = {
    ...instanceKey(record.name),
    gsi1pk: INSTANCES_PARTITION,
    gsi1sk: `${instancesOfPlugin(record.plugin)}${record.name}`,
    name: record.name,
    plugin: record.plugin,
    options: toJson(record.options, 'the options', '/options'),
    context: toJson(record.context, 'the context', '/context'),
    order: record.order,
    credentialsSet: record.credentialsSet,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (record.description !== undefined) item.description = record.description;
  if (record.generation !== undefined) item.generation = record.generation;
  assertFits(item, `the instance ${record.name}`);
  return item;
}

export function instanceFromItem(item: Item): InstanceRecord {
  const record: InstanceRecord = {
    name: String(item.name),
    plugin: String(item.plugin),
    options: fromJson(item.options, 'instance options') as InstanceRecord['options'],
    context: fromJson(item.context, 'instance context') as InstanceRecord['context'],
    order: Number(item.order),
    credentialsSet: Array.isArray(item.credentialsSet) ? item.credentialsSet.map(String) : [],
    version: Number(item.version),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
  if (typeof item.description === 'string') record.description = item.description;
  if (typeof item.generation === 'string') record.generation = item.generation;
  return record;
}

export function storedItem(owner: StoreOwner, key: string, value: unknown, updatedAt: string): Item {
  const item = { ...storeKey(owner, key), value: toJson(value, 'the stored value'), updatedAt };
  assertFits(item, 'the stored value');
  return item;
}

export function storedFromItem(item: Item): StoredItem {
  return {
    key: String(item.sk),
    value: fromJson(item.value, 'stored value'),
    updatedAt: String(item.updatedAt),
  };
}

export function announcementItem(announcement: HeldAnnouncement): Item {
  const item: Item = {
    ...announcementKey(announcement),
    event: toJson(announcement.event, 'the event'),
    instance: checkInstanceName(announcement.instance),
    write: check(z.enum(['create', 'update', 'delete']), announcement.write, 'the write'),
    heldAt: announcement.heldAt,
  };
  if (announcement.generation !== undefined) item.generation = announcement.generation;
  assertFits(item, `the announcement of ${announcement.instance}`);
  return item;
}

export function announcementFromItem(item: Item): HeldAnnouncement {
  const announcement: HeldAnnouncement = {
    event: fromJson(item.event, 'announcement') as HeldAnnouncement['event'],
    instance: String(item.instance),
    write: item.write as HeldAnnouncement['write'],
    heldAt: String(item.heldAt),
  };
  if (typeof item.generation === 'string') announcement.generation = item.generation;
  if (typeof item[LANDED_ATTRIBUTE] === 'string') announcement.landed = { createdAt: item[LANDED_ATTRIBUTE] };
  return announcement;
}

/** The marks an instance item carries: a string set, absent when empty. */
export const marksOf = (item: Item): string[] =>
  item[ANNOUNCING_ATTRIBUTE] instanceof Set ? [...(item[ANNOUNCING_ATTRIBUTE] as Set<string>)] : [];

/** The ids of the announcements an instance item carries (a mark ends with its event's id). */
export const announcingOf = (item: Item): string[] =>
  marksOf(item)
    .map((mark) => mark.slice(mark.lastIndexOf('#') + 1))
    .sort();
