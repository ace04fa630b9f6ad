import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlugboardClient } from '../client';
import { DEFAULT_DATA_DIR, TOKEN_FILE } from '../local/defaults';
import { PlugboardError, ValidationError } from '../sdk/errors';
import { DEFAULT_ENDPOINT, type EndpointOptions } from './endpoint-option';
import { checkedRegion, executeApiRegion, sigv4Signer } from './sigv4';

function localToken(): string | undefined {
  try {
    return readFileSync(join(DEFAULT_DATA_DIR, TOKEN_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether requests are to be signed, and for which region if the command line, the URL or the
 * environment tells it: asked with --sigv4 or --profile, or an API Gateway URL given no bearer token
 * (a stage deployed with IAM auth, the default). A token and --sigv4 together are refused: API
 * Gateway reads one Authorization header. Without a region here, the signer reads the profile's.
 */
function signing(
  options: EndpointOptions,
  endpoint: string,
  token: string | undefined,
): { region: string | undefined } | undefined {
  const asked = options.sigv4 !== undefined || options.profile !== undefined;
  const urlRegion = executeApiRegion(endpoint);
  if (!asked && (token !== undefined || urlRegion === undefined)) return undefined;
  if (token !== undefined)
    throw new ValidationError('pass either --token (a JWT) or --sigv4 or --profile (IAM), not both');
  if (typeof options.sigv4 === 'string') return { region: checkedRegion(options.sigv4, '--sigv4') };
  return { region: urlRegion ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION };
}

/** A client for the endpoint the options, the environment or the defaults name; an unreachable one is a one-line error. */
export function clientFor(options: EndpointOptions): PlugboardClient {
  const endpoint = options.endpoint ?? process.env.PLUGBOARD_ENDPOINT ?? DEFAULT_ENDPOINT;
  // A token pasted or read from a file often ends in a line break, which no header may carry.
  const given = (options.token ?? process.env.PLUGBOARD_TOKEN)?.trim() || undefined;
  if (given !== undefined && !/^[\x21-\x7e]+$/.test(given))
    throw new ValidationError(
      '--token (or PLUGBOARD_TOKEN) must be printable ASCII without spaces; it is not shown here',
    );
  const signed = signing(options, endpoint, given);
  return new PlugboardClient({
    baseUrl: endpoint,
    token: signed === undefined ? (given ?? localToken()) : undefined,
    ...(signed === undefined ? {} : { sign: sigv4Signer(signed.region, { profile: options.profile }) }),
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
