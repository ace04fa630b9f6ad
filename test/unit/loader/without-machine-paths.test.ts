import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withoutMachinePaths } from '../../../lib/core/loader/without-machine-paths';

describe('a load problem as an API caller sees it', () => {
  // Absolute where the test runs, as the platform's folders are, without naming any machine's.
  const project = resolve('fixture-project');
  const dir = join(project, 'plugins', 'broken');
  const elsewhere = join(tmpdir(), 'plugboard-x1', 'modules', 'broken.module.AB12.mjs');

  it('names the folder, and makes paths relative to the plugins directory or the project', () => {
    const problem = withoutMachinePaths(
      {
        dir,
        message: `import failed: The requested module '${pathToFileURL(join(project, 'node_modules', 'zod', 'index.js')).href}' does not provide an export named 'x'`,
      },
      project,
    );
    expect(problem).toEqual({
      dir: 'broken',
      message:
        "import failed: The requested module 'node_modules/zod/index.js' does not provide an export named 'x'",
    });
    expect(
      withoutMachinePaths({ dir, message: `ENOENT: open '${join(dir, 'data.json')}'` }, project).message,
    ).toBe("ENOENT: open 'broken/data.json'");
  });

  it('cuts any other absolute path or file URL to its file name, and leaves relative ones and prose alone', () => {
    const { message, reason } = withoutMachinePaths(
      {
        dir,
        message: `boom at ${pathToFileURL(elsewhere).href} and ${join(tmpdir(), 'a', 'b.txt')}`,
        reason: 'apiVersion 2 is not supported; see docs/plugins.md or a/b',
      },
      project,
    );
    expect(message).toBe('boom at broken.module.AB12.mjs and b.txt');
    expect(reason).toBe('apiVersion 2 is not supported; see docs/plugins.md or a/b');
  });
});
