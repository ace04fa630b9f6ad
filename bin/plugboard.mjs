#!/usr/bin/env node
// The CLI: `node bin/plugboard.mjs <command>` from the project's root, or `plugboard` where the package
// is installed. tsx's loader is registered from the copy beside this file, not from the working folder,
// so it runs from any folder and without npx, which alone took as long as the command (~0.6 s).
// `npm start` runs the same entry compiled instead (bin/run.mjs), to keep a loader thread out of the
// platform's process.
import { register } from 'tsx/esm/api';

register();
await import('./plugboard.ts');
