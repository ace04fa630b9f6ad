#!/usr/bin/env -S npx tsx
import { runCli } from '../lib/cli/program';

await runCli();
