import type { PlugboardClient } from '../../client';
import { PlugboardApiError } from '../../client';
import { MAX_INSTANCE_NAME_LENGTH } from '../../core/instances/instance-service';
import type { LoadedPlugin } from '../../core/loader';
import { CONTRACTS, type ContractType } from '../../sdk/contracts';
import { credentialFields } from '../../sdk/credential-fields';
import { actionParams, type Manifest } from '../../sdk/manifest';
import { checkParams } from '../../sdk/params';

export type DevPlugin = Pick<LoadedPlugin, 'slug' | 'manifest' | 'handlers'>;

/** Where and with what the printed calls reach the platform. */
export interface Endpoint {
  url: string;
  /** Read by the printed command, so the token never lands in the terminal's scrollback. */
  tokenFile: string;
}

/**
 * An instance name made of a plugin's slug and a suffix, the slug cut short where a long one (a
 * manifest allows 64 characters) would make the name longer than an instance name may be.
 */
export const instanceNameFor = (slug: string, suffix: string): string =>
  `${slug.slice(0, MAX_INSTANCE_NAME_LENGTH - suffix.length - 1)}-${suffix}`;

export const devInstanceName = (slug: string): string => instanceNameFor(slug, 'dev');

/** What an instance of the plugin needs that only its author can give, in words; undefined when nothing. */
export function whatInstanceNeeds(manifest: Manifest): string | undefined {
  const options = manifest.options
    .filter((o) => o.type !== 'secret' && o.required && o.default === undefined)
    .map((o) => o.name);
  const credentials = credentialFields(manifest)
    .filter((field) => field.required)
    .map((field) => field.name);
  const needs = [
    options.length > 0 ? `option(s) ${options.join(', ')}` : '',
    credentials.length > 0 ? `credential(s) ${credentials.join(', ')}` : '',
  ].filter(Boolean);
  return needs.length > 0 ? needs.join(' and ') : undefined;
}

/**
 * A call the instance answers without input the author must invent: an action whose params all
 * have defaults or are optional, else an operation whose input may be empty, else its http
 * passthrough, else reading the instance itself.
 */
function exampleRequest({ manifest, handlers }: DevPlugin): { path: string; body?: unknown } {
  const action = manifest.actions.find((a) => checkParams(actionParams(a), {}, '').errors.length === 0);
  if (action) return { path: `actions/${action.name}`, body: { params: {} } };
  for (const type of manifest.types) {
    // Lifecycle hooks answer the platform's events, not a caller.
    if (type === 'lifecycle' || !Object.hasOwn(CONTRACTS, type)) continue;
    const operations = Object.entries(CONTRACTS[type as ContractType]);
    const empty = operations.find(([, spec]) => spec.required && spec.input.safeParse({}).success);
    if (empty) return { path: `operations/${type}.${empty[0]}`, body: { input: {} } };
  }
  return handlers.includes('http') ? { path: 'http' } : { path: '' };
}

/** A curl command line, ready to paste, that calls the instance. */
export function exampleCall(plugin: DevPlugin, instance: string, endpoint: Endpoint): string {
  const { path, body } = exampleRequest(plugin);
  const auth = `-H "Authorization: Bearer $(cat ${shellWord(endpoint.tokenFile)})"`;
  const url =
    path === 'http'
      ? `${endpoint.url}/v1/plugin-apis/${instance}/`
      : `${endpoint.url}/v1/instances/${instance}${path ? `/${path}` : ''}`;
  const data = body === undefined ? '' : ` -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
  return `curl -s ${auth}${data} ${url}`;
}

const shellWord = (text: string) => (/^[\w./:-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`);

/**
 * Makes `<slug>-dev` unless the plugin needs what only its author can give (or the name is kept
 * from an earlier run with --data), and says in one line how to call it, or why there is none.
 */
export async function ensureDevInstance(
  client: PlugboardClient,
  plugin: DevPlugin,
  endpoint: Endpoint,
): Promise<string> {
  const needs = whatInstanceNeeds(plugin.manifest);
  if (needs !== undefined)
    return `${plugin.slug}: no instance created: it needs ${needs}; create one with \`instances create\``;
  const name = devInstanceName(plugin.slug);
  try {
    await client.instances.create({ name, plugin: plugin.slug });
  } catch (error) {
    if (!(error instanceof PlugboardApiError)) throw error;
    if (error.code !== 'NameTaken') return `${plugin.slug}: no instance created: ${error.message}`;
    const { instance: kept } = await client.instances.get(name);
    if (kept.plugin !== plugin.slug)
      return `${plugin.slug}: no instance created: ${name} is an instance of ${kept.plugin}`;
  }
  return `${name} (${plugin.slug}): ${exampleCall(plugin, name, endpoint)}`;
}
