import {
  InvokeCommand,
  type LambdaClient,
  RequestTooLargeException,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { type Answer, type Envelope, parseAnswer, serializeEnvelope } from '../core/envelope';
import type { Invoker } from '../core/ports';
import { type ErrorCode, PlugboardError } from '../sdk/errors';
import { pluginFunctionName } from './names';

export interface LambdaInvokerOptions {
  readonly client: LambdaClient;
  /** Stage whose plugin functions are invoked (`plugboard-<stage>-<slug>`). */
  readonly stage: string;
}

/**
 * What Lambda reports in the payload of a failed invocation. Only `errorType` is used: the message
 * and trace come from the plugin's process and may hold paths or secrets. An answer over 6 MB is the
 * plugin's failure (502), as every local invoker answers it: 413 would tell the caller its own
 * request was too large.
 */
const FUNCTION_ERRORS = new Map<string, { code: ErrorCode; message: string }>([
  ['Sandbox.Timedout', { code: 'Timeout', message: 'timed out' }],
  [
    'Function.ResponseSizeTooLarge',
    { code: 'PluginFailed', message: "answered more than Lambda's 6 MB limit" },
  ],
]);

/** Runs envelopes in the plugin's own Lambda function, synchronously. */
export class LambdaInvoker implements Invoker {
  constructor(private readonly options: LambdaInvokerOptions) {}

  async invoke(plugin: string, envelope: Envelope): Promise<Answer> {
    const payload = Buffer.from(serializeEnvelope(envelope));
    const output = await this.send(plugin, payload);
    if (output === undefined) {
      // Answered, not thrown, as the local invokers do: the call still reports Operation Failed.
      return { ok: false, error: { code: 'NotFound', message: `the plugin "${plugin}" is not deployed` } };
    }
    const text = Buffer.from(output.Payload ?? new Uint8Array()).toString('utf8');
    if (output.FunctionError) {
      const known = FUNCTION_ERRORS.get(errorTypeOf(text));
      return {
        ok: false,
        error: known
          ? { code: known.code, message: `the plugin "${plugin}" ${known.message}` }
          : { code: 'PluginFailed', message: `the plugin "${plugin}" failed (${output.FunctionError})` },
      };
    }
    return parseAnswer(parseJson(text));
  }

  /** Lambda's output, or undefined when the plugin's function does not exist. */
  private async send(plugin: string, payload: Uint8Array) {
    try {
      return await this.options.client.send(
        new InvokeCommand({
          FunctionName: pluginFunctionName(this.options.stage, plugin),
          InvocationType: 'RequestResponse',
          Payload: payload,
        }),
      );
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      if (error instanceof RequestTooLargeException) {
        throw new PlugboardError('PayloadTooLarge', 'the request is over the size Lambda accepts');
      }
      if (error instanceof TooManyRequestsException) {
        throw new PlugboardError('Unavailable', `the plugin "${plugin}" is at its concurrency limit`);
      }
      throw new PlugboardError('Unavailable', `the plugin "${plugin}" could not be reached`);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorTypeOf(text: string): string {
  const parsed = parseJson(text);
  if (typeof parsed === 'object' && parsed !== null && 'errorType' in parsed) {
    return String((parsed as { errorType: unknown }).errorType);
  }
  return '';
}
