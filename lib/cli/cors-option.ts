import { type Command, InvalidArgumentError } from 'commander';
import { corsOrigin, corsOriginList } from '../core/http/cors';
import { ValidationError } from '../sdk/errors';

/** `--cors-origin <origin>`, repeatable, for the commands that serve the API (start, dev). */
export function withCorsOriginOption(command: Command): Command {
  return command.option(
    '--cors-origin <origin>',
    'let a browser app on this origin call the API (repeat for more; default: $PLUGBOARD_CORS_ORIGINS, comma-separated)',
    (value: string, previous: string[] | undefined) => [...(previous ?? []), checkedOrigin(value)],
  );
}

/** The flags' origins, or the environment's when none is given: the flags replace that list, not add to it. */
export function corsOriginsOf(options: { corsOrigin?: string[] | undefined }): string[] {
  if (options.corsOrigin) return options.corsOrigin;
  try {
    return corsOriginList(process.env.PLUGBOARD_CORS_ORIGINS);
  } catch (error) {
    throw new ValidationError(`PLUGBOARD_CORS_ORIGINS: ${(error as Error).message}`);
  }
}

function checkedOrigin(value: string): string {
  try {
    return corsOrigin(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
