/** A plugin the platform has just reloaded, as its log line names it. */
export interface Reloaded {
  slug: string;
}

/**
 * The platform tells of a reload only in its log (a JSON line, see lib/local/platform.ts), so `dev`
 * learns of one there. Plugins' own lines flow through too: most are passed over by the text test
 * before any parsing.
 */
export function reloadedPlugin(line: string): Reloaded | undefined {
  if (!line.includes('"plugin reloaded"')) return undefined;
  let record: { service?: unknown; message?: unknown; slug?: unknown };
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  const { service, message, slug } = record;
  return service === 'plugboard' && message === 'plugin reloaded' && typeof slug === 'string'
    ? { slug }
    : undefined;
}
