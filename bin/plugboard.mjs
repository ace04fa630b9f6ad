#!/usr/bin/env node
// The CLI: `node bin/plugboard.mjs <command>` from the project's root, or `plugboard` where the package
// is installed. tsx's loader is registered from the copy beside this file, not from the working folder,
// so it runs from any folder and without npx, which alone took as long as the command (~0.6 s).
// `npm start` runs the same entry compiled instead (bin/run.mjs), to keep a loader thread out of the
// platform's process. `start` and `dev` run the platform in a child process that is restarted if it
// dies by itself (lib/cli/supervisor.mjs); this process then loads neither tsx nor the CLI.
import { needsSupervisor, supervise } from '../lib/cli/supervisor.mjs';

if (needsSupervisor(process.argv.slice(2))) {
  supervise(process.argv.slice(1));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./plugboard.ts');
}
