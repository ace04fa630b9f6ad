import * as z from 'zod';
import {
  type HeldAnnouncement,
  type InstanceChanges,
  type InstanceRecord,
  type NewInstance,
  OPTIONAL_HANDLERS,
  type PluginRecord,
} from '../core/ports';
import { CallContextSchema } from '../sdk/context';
import { check, checkInstanceName, checkSlug, instanceName, slug } from './item-checks';
import { fromJson, toJson } from './item-json';
import { assertFits } from './item-size';
import type { Item } from './query-page';

/**
 * How the registry's records (plugins, instances, held announcements) become DynamoDB items and
 * back; plugin-owned storage's items are store-items.ts's.
 */

/** Checked as JSON when the item is built (toJson), after undefined properties are dropped. */
const jsonObject = z.record(z.string(), z.unknown());
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

export const checkNewInstance = (value: unknown): NewInstance =>
  check(NewInstanceSchema, value, 'the instance');
export const checkInstanceChanges = (value: unknown): InstanceChanges =>
  check(InstanceChangesSchema, value, 'the instance changes');

export const pluginKey = (slug: string) => ({ pk: `PLUGIN#${slug}`, sk: 'MANIFEST' });
export const instanceKey = (name: string) => ({ pk: `INSTANCE#${name}`, sk: 'INSTANCE' });
export const PLUGINS_PARTITION = 'PLUGINS';
/** Held announcements, sorted by when they were held. */
export const ANNOUNCEMENTS_PARTITION = 'ANNOUNCEMENT';
/** The held announcement a mark names (an instance's `announcing`, or its `deleting` claim). */
export const markedAnnouncementKey = (mark: string) => ({ pk: ANNOUNCEMENTS_PARTITION, sk: mark });
export const announcementKey = ({ heldAt, event }: Pick<HeldAnnouncement, 'heldAt' | 'event'>) =>
  markedAnnouncementKey(`${heldAt}#${event.id}`);
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
