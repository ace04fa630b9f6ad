import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { PlugboardClient } from '../client';
import { DEFAULT_DATA_DIR, DEFAULT_PORT } from '../local/defaults';
import { TOKEN_FILE } from '../local/token';
import { PlugboardError, ValidationError } from '../sdk/errors';

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

function localToken(): string | undefined {
  try {
    return readFileSync(join(DEFAULT_DATA_DIR, TOKEN_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A client for the endpoint the options, the environment or the defaults name; an unreachable one is a one-line error. */
export function clientFor(options: EndpointOptions): PlugboardClient {
  const endpoint = options.endpoint ?? process.env.PLUGBOARD_ENDPOINT ?? DEFAULT_ENDPOINT;
  // A token pasted or read from a file often ends in a line break, which no header may carry.
  const token = (options.token ?? process.env.PLUGBOARD_TOKEN)?.trim() || localToken();
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token))
    throw new ValidationError(
      '--token (or PLUGBOARD_TOKEN) must be printable ASCII without spaces; it is not shown here',
    );
  return new PlugboardClient({
    baseUrl: endpoint,
    token,
    fetch: async (input, init) => {
      try {
        return await fetch(input, init);
      } catch (error) {
        const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
        const reason = cause?.code ?? cause?.errors?.[0]?.code ?? (error as Error).message;
        throw new PlugboardError(
          'Unavailable',
          `cannot reach ${endpoint} (${reason}); start the platform with \`npm start\` or pass --endpoint`,
        );
      }
    },
  });
}
