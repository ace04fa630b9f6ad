import { basename, dirname, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * An absolute path or file URL left after the known roots are taken out (a build folder, a home),
 * not the tail of a relative one (`node_modules/zod/index.js`).
 */
const ABSOLUTE = /(?<![\w.@+~-])(?:file:\/\/)?(?:\/[\w.@+~-]+)+\/([\w.@+~-]+)/g;

/**
 * A load problem as a caller of the API sees it: the plugin's folder by name, and its message with
 * every machine path made relative (to the plugins directory or the project) or cut to its file
 * name. Where the platform's folders are on its disk is not the caller's to know; the console's
 * load report keeps them for the operator.
 */
export function withoutMachinePaths<T extends { dir: string; message?: string; reason?: string }>(
  problem: T,
  projectRoot: string,
): T {
  const roots = [dirname(problem.dir), projectRoot];
  const relative = (text: string): string => {
    let out = text;
    for (const root of roots)
      out = out.replaceAll(`${pathToFileURL(root).href}/`, '').replaceAll(`${root}${sep}`, '');
    return out.replace(ABSOLUTE, '$1');
  };
  return {
    ...problem,
    dir: basename(problem.dir),
    ...(problem.message === undefined ? {} : { message: relative(problem.message) }),
    ...(problem.reason === undefined ? {} : { reason: relative(problem.reason) }),
  };
}
