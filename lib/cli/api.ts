import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlugboardClient } from '../client';
import { apiErrorFrom, jsonBody, PlugboardApiError } from '../client/errors';
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

/**
 * The bearer token to send, and what a refusal says of it: a platform started with --data or
 * --memory, or by `plugboard dev`, keeps its token elsewhere than the folder the CLI looks in.
 */
function bearerToken(options: EndpointOptions, given: string | undefined): { token?: string; sent: string } {
  if (given !== undefined)
    return {
      token: given,
      sent: `the token sent was the one ${options.token !== undefined ? 'given with --token' : 'in PLUGBOARD_TOKEN'}`,
    };
  const file = `${DEFAULT_DATA_DIR}/${TOKEN_FILE}`;
  const banner = 'pass --token <token>, <token> being what the platform printed after "API token:"';
  const token = localToken();
  return token === undefined
    ? {
        sent: `no token was sent: none was given with --token or PLUGBOARD_TOKEN, and there is no ${file} here; ${banner}`,
      }
    : {
        token,
        sent: `the token sent was the one in ${file}; a platform started with --data or --memory, or by plugboard dev, keeps its own: ${banner}`,
      };
}

/** A refusal of the token sent, its problem kept and the CLI's word on which token that was added. */
async function tokenRefused(response: Response, sent: string): Promise<PlugboardApiError> {
  const text = await response.text();
  const { problem } = apiErrorFrom(
    response.status,
    jsonBody(text),
    text,
    response.headers.get('x-request-id'),
  );
  return new PlugboardApiError({ ...problem, detail: `${problem.detail}; ${sent}` });
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
  const bearer = signed === undefined ? bearerToken(options, given) : undefined;
  return new PlugboardClient({
    baseUrl: endpoint,
    token: bearer?.token,
    ...(signed === undefined ? {} : { sign: sigv4Signer(signed.region, { profile: options.profile }) }),
    fetch: async (input, init) => {
      let response: Response;
      try {
        response = await fetch(input, init);
      } catch (error) {
        const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
        const reason = cause?.code ?? cause?.errors?.[0]?.code ?? (error as Error).message;
        throw new PlugboardError(
          'Unavailable',
          `cannot reach ${endpoint} (${reason}); start the platform with \`npm start\` or pass --endpoint`,
        );
      }
      if (response.status === 401 && bearer !== undefined) throw await tokenRefused(response, bearer.sent);
      return response;
    },
  });
}
