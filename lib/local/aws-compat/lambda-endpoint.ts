import { Hono } from 'hono';
import { pluginFunctionName } from '../../aws/names';
import type { LogFn } from '../../core/dispatcher/deps';
import { type Answer, type Envelope, MAX_PAYLOAD_BYTES } from '../../core/envelope';
import type { EventOrigin } from '../../core/platform-events';
import type { Invoker, Registry } from '../../core/ports';
import type { Manifest } from '../../sdk/manifest';
import { isFunctionFailure } from '../function-failure';
import { checkSignature } from './sigv4';

export interface LambdaEndpointProps {
  readonly registry: Registry;
  /** The platform's Invoker: the same one the dispatcher runs envelopes through. */
  readonly invoker: Invoker;
  readonly stage: string;
  readonly origin: EventOrigin;
  readonly log?: LogFn | undefined;
}

/** Lambda takes at most 1 MB for an asynchronous (Event) invocation. */
export const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

/** What Lambda reports as `errorType` when the function, not the handler, failed. */
const ERROR_TYPES: Record<string, string> = {
  Timeout: 'Sandbox.Timedout',
  PayloadTooLarge: 'Function.ResponseSizeTooLarge',
  PluginFailed: 'Runtime.ExitError',
};

const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[^:]+:\d{12}:function:([^:]+)(?::([^:]+))?$/;

/** Lambda's restJson error: the code in `x-amzn-ErrorType`, `{ Type, Message }` in the body. */
function lambdaError(status: number, code: string, message: string, type: 'User' | 'Service' = 'User') {
  return new Response(JSON.stringify({ Type: type, Message: message }), {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': code },
  });
}

/**
 * Lambda's Invoke API over the local plugin functions, so the AWS SDK and CLI can call
 * `plugboard-<stage>-<slug>` on the local platform unchanged. The payload is the plugin envelope;
 * the answer is the envelope answer, exactly what the plugin's Lambda returns on AWS.
 */
export function lambdaEndpoint(props: LambdaEndpointProps): Hono {
  const app = new Hono();
  const prefix = pluginFunctionName(props.stage, '');
  const arnOf = (name: string) =>
    `arn:aws:lambda:${props.origin.region}:${props.origin.account}:function:${name}`;

  /** The plugin behind a function name or ARN, if it is loaded and the qualifier is $LATEST. */
  async function resolve(
    ref: string,
    qualifier: string | undefined,
  ): Promise<{ missing: string } | { slug: string; manifest: Manifest }> {
    const arn = FUNCTION_ARN.exec(ref);
    const [name, suffix] = arn ? [arn[1] as string, arn[2]] : ref.split(':', 2);
    const version = qualifier ?? suffix ?? '$LATEST';
    const missing = `Function not found: ${arnOf(name ?? ref)}${version === '$LATEST' ? '' : `:${version}`}`;
    if (!name?.startsWith(prefix) || version !== '$LATEST') return { missing };
    const plugin = await props.registry.getPlugin(name.slice(prefix.length));
    if (plugin?.status !== 'loaded') return { missing };
    return { slug: plugin.slug, manifest: plugin.manifest };
  }

  app.use(async (c, next) => {
    const signed = checkSignature(c.req.header('authorization'), 'lambda');
    if (!signed.ok) return lambdaError(signed.status, signed.code, signed.message);
    return next();
  });

  app.post('/2015-03-31/functions/:name/invocations', async (c) => {
    const type = c.req.header('x-amz-invocation-type') ?? 'RequestResponse';
    if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
      return lambdaError(
        400,
        'InvalidParameterValueException',
        `Invocation type ${type} is not one of RequestResponse, Event or DryRun`,
      );
    }
    const target = await resolve(c.req.param('name'), c.req.query('Qualifier'));
    if ('missing' in target) return lambdaError(404, 'ResourceNotFoundException', target.missing);

    const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_PAYLOAD_BYTES;
    const body = await readLimited(c.req.raw, limit);
    if (!body) {
      const operation = type === 'Event' ? 'InvokeAsync' : 'InvokeFunction';
      return lambdaError(
        413,
        'RequestTooLargeException',
        `Request must be smaller than ${limit} bytes for the ${operation} operation`,
      );
    }
    let payload: unknown;
    try {
      // Lambda hands a function `{}` when it is invoked without a payload.
      payload = body.byteLength === 0 ? {} : JSON.parse(Buffer.from(body).toString('utf8'));
    } catch (error) {
      return lambdaError(
        400,
        'InvalidRequestContentException',
        `Could not parse request body into json: ${error instanceof Error ? error.message : 'invalid JSON'}`,
      );
    }
    if (type === 'DryRun') return c.body(null, 204);

    const envelope = withinTimeout(payload, target.manifest) as Envelope;
    if (type === 'Event') {
      void props.invoker.invoke(target.slug, envelope).then(
        (answer) => reportAsync(target.slug, answer),
        (error: unknown) =>
          props.log?.('error', 'asynchronous invocation failed', {
            plugin: target.slug,
            error: String(error),
          }),
      );
      return c.body(null, 202);
    }
    const answer = await props.invoker.invoke(target.slug, envelope);
    const headers = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
    if (isFunctionFailure(answer) && !answer.ok) {
      const { code, message } = answer.error;
      return new Response(
        JSON.stringify({ errorType: ERROR_TYPES[code] ?? 'Unhandled', errorMessage: message }),
        {
          status: 200,
          headers: { ...headers, 'x-amz-function-error': 'Unhandled' },
        },
      );
    }
    return new Response(JSON.stringify(answer), { status: 200, headers });
  });

  app.all('*', (c) =>
    lambdaError(
      400,
      'UnknownOperationException',
      `${c.req.method} ${c.req.path} is not emulated by the local Lambda endpoint; only Invoke is`,
    ),
  );
  app.onError((error) => {
    props.log?.('error', 'the local Lambda endpoint failed', { error: String(error) });
    return lambdaError(500, 'ServiceException', 'the local Lambda endpoint failed', 'Service');
  });

  function reportAsync(slug: string, answer: Answer) {
    if (isFunctionFailure(answer) && !answer.ok) {
      props.log?.('warn', 'an asynchronous invocation failed', { plugin: slug, code: answer.error.code });
    }
  }
  return app;
}

/**
 * Lambda ends every invocation at the function's timeout: a payload's deadline may shorten that,
 * never lengthen it. Anything that is not an envelope with a numeric deadline goes as it came, and
 * the plugin runtime answers it with Validation, as it would on AWS.
 */
function withinTimeout(payload: unknown, manifest: Manifest): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const deadline = (payload as { deadline?: unknown }).deadline;
  const limit = Date.now() + manifest.timeoutSeconds * 1000;
  return typeof deadline === 'number' && deadline > limit ? { ...payload, deadline: limit } : payload;
}

/**
 * The body, or undefined when it is over the limit. An oversized body is still read to its end
 * (and dropped): answering while the client is writing would break its connection before it reads
 * the answer.
 */
async function readLimited(request: Request, limit: number): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    }
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}
