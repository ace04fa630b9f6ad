#!/usr/bin/env node
// Runs `node <script> [arguments]`, a command that serves the platform (`npm start` runs
// `bin/run.mjs bin/plugboard.ts start` so), in a child process restarted when it dies by itself:
// see lib/cli/supervisor.mjs. This process loads nothing but the supervisor.
import { supervise } from '../lib/cli/supervisor.mjs';

if (process.argv.length < 3) {
  console.error('usage: node bin/supervise.mjs <script> [arguments]');
  process.exit(2);
}
supervise(process.argv.slice(2));
