import { basename } from 'node:path';
import { PlugboardError } from '../../sdk/errors';
import type { DispatcherDeps } from '../dispatcher/deps';
import { issueText } from '../loader/check-plugin';
import { withoutMachinePaths } from '../loader/without-machine-paths';
import type { PluginRecord } from '../ports';

/** Loaded plugins named in a refusal; the rest are counted. */
const NAMED_PLUGINS = 20;

/**
 * The 404 for a slug no loaded plugin has, saying why: the load error of a folder that has the slug
 * (a newcomer's manifest mistake is otherwise only in the start's log), its skip, its removal, or,
 * for a slug nothing has, the slugs that are loaded.
 */
export async function pluginNotLoaded(
  deps: Pick<DispatcherDeps, 'registry' | 'loadProblems'>,
  slug: string,
  record: PluginRecord | undefined,
): Promise<PlugboardError> {
  const forCaller = <T extends { dir: string }>(problem: T): T => withoutMachinePaths(problem, process.cwd());
  const { skipped, errors } = deps.loadProblems?.() ?? { skipped: [], errors: [] };
  // A module that fails on import says no slug: its folder is taken for it, as `plugboard new` names them.
  const failed = errors
    .filter((e) => (e.slug === undefined ? basename(e.dir) === slug : e.slug === slug))
    .map(forCaller);
  if (failed.length > 0) {
    return new PlugboardError(
      'NotFound',
      `plugin "${slug}" did not load (folder "${failed[0]!.dir}"): ${failed.map(issueText).join('; ')}`,
    );
  }
  const skip = skipped.filter((s) => s.slug === slug).map(forCaller)[0];
  if (skip) {
    return new PlugboardError(
      'NotFound',
      `plugin "${slug}" is not served: folder "${skip.dir}" was skipped (${skip.reason})`,
    );
  }
  if (record?.status === 'removed') return new PlugboardError('NotFound', `plugin "${slug}" was removed`);
  const loaded = (await deps.registry.listPlugins())
    .filter((p) => p.status === 'loaded')
    .map((p) => p.slug)
    .sort();
  const more = loaded.length > NAMED_PLUGINS ? ` and ${loaded.length - NAMED_PLUGINS} more` : '';
  return new PlugboardError(
    'NotFound',
    `no plugin "${slug}" is loaded; loaded: ${loaded.slice(0, NAMED_PLUGINS).join(', ') || 'none'}${more}`,
  );
}
