import * as z from 'zod';
import { corsOriginList } from '../core/http/cors';
import { STAGE_PATTERN } from './names';

const EnvironmentSchema = z.object({
  PLUGBOARD_STAGE: z.string().regex(STAGE_PATTERN),
  PLUGBOARD_TABLE_NAME: z.string().min(1),
  PLUGBOARD_BUS_NAME: z.string().min(1),
  PLUGBOARD_AUTH: z.enum(['iam', 'jwt']).default('iam'),
  /** Set for the dispatcher only, which writes subscription rules: the function they target. */
  PLUGBOARD_DELIVERY_FUNCTION_ARN: z.string().startsWith('arn:').optional(),
  /**
   * Set for the announcement settlement only: how long after it was held an announcement is
   * settled, longer than any function that writes instances runs.
   */
  PLUGBOARD_SETTLE_AFTER_SECONDS: z.coerce.number().int().positive().optional(),
  /** Set for the dispatcher only: where its subscription rules send what they cannot deliver. */
  PLUGBOARD_DEAD_LETTER_QUEUE_ARN: z.string().startsWith('arn:').optional(),
  /**
   * Set for the functions behind the HTTP API when it allows browser apps: its CORS origins,
   * comma-separated, so that what the dispatcher answers matches what API Gateway adds.
   */
  PLUGBOARD_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      try {
        return corsOriginList(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not a comma-separated list of origins' });
        return z.NEVER;
      }
    }),
});
export type PlatformEnvironment = z.infer<typeof EnvironmentSchema>;

/** The settings the stacks hand every platform function; a missing one fails the cold start loudly. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): PlatformEnvironment {
  const parsed = EnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))].join(', ');
    throw new Error(`the function is missing or has invalid settings: ${names}`);
  }
  return parsed.data;
}
