import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlugboardClient } from '../client';
import { DEFAULT_DATA_DIR, TOKEN_FILE } from '../local/defaults';
import { PlugboardError, ValidationError } from '../sdk/errors';
import { DEFAULT_ENDPOINT, type EndpointOptions } from './endpoint-option';

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
