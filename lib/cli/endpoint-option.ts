import type { Command } from 'commander';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, TOKEN_FILE } from '../local/defaults';

export const DEFAULT_ENDPOINT = `http://127.0.0.1:${DEFAULT_PORT}`;

export interface EndpointOptions {
  endpoint?: string;
  token?: string;
}

/** Adds --endpoint and --token to a command that talks to a running platform. */
export function withEndpoint(command: Command): Command {
  return command
    .option('--endpoint <url>', `the platform's URL (env PLUGBOARD_ENDPOINT) (default: ${DEFAULT_ENDPOINT})`)
    .option(
      '--token <token>',
      `bearer token (env PLUGBOARD_TOKEN) (default: the one in ${DEFAULT_DATA_DIR}/${TOKEN_FILE})`,
    );
}
