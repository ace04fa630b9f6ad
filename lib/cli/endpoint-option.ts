import type { Command } from 'commander';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, TOKEN_FILE } from '../local/defaults';

export const DEFAULT_ENDPOINT = `http://127.0.0.1:${DEFAULT_PORT}`;

export interface EndpointOptions {
  endpoint?: string;
  token?: string;
  /** `true`, or the region to sign for. */
  sigv4?: string | true;
  /** The AWS profile whose credentials sign (implies SigV4). */
  profile?: string;
}

/** Adds --endpoint, --token, --sigv4 and --profile to a command that talks to a running platform. */
export function withEndpoint(command: Command): Command {
  return command
    .option('--endpoint <url>', `the platform's URL (env PLUGBOARD_ENDPOINT) (default: ${DEFAULT_ENDPOINT})`)
    .option(
      '--token <token>',
      `bearer token (env PLUGBOARD_TOKEN) (default: the one in ${DEFAULT_DATA_DIR}/${TOKEN_FILE})`,
    )
    .option(
      '--sigv4 [region]',
      "sign with AWS SigV4 for an API deployed with IAM auth, with the credentials the AWS CLI would find; the region defaults to the execute-api URL's, then AWS_REGION, then the signing profile's (on by default for an execute-api URL without --token)",
    )
    .option('--profile <name>', 'the AWS profile whose credentials sign (implies --sigv4; env AWS_PROFILE)');
}
