import type * as z from 'zod';
import type { callRoutes } from '../core/dispatcher/routes/calls';
import type { instanceRoutes } from '../core/dispatcher/routes/instances';
import type { pluginRoutes } from '../core/dispatcher/routes/plugins';
import type { systemRoutes } from '../core/dispatcher/routes/system';
import type { CreateInstanceSchema, PatchInstanceSchema, ProblemSchema } from '../core/dispatcher/schemas';
import type { NewSubscriptionSchema, SubscriptionSchema } from '../core/events/routes/subscription-routes';
import type { GuardSchema, NewGuardSchema } from '../core/guards/guard-routes';
import type {
  NewWebhookRuleSchema,
  NewWebhookSourceSchema,
  WebhookDeliverySchema,
  WebhookRuleSchema,
  WebhookSourceSchema,
} from '../core/webhooks/webhook-routes';
import type { CallContext } from '../sdk/context';
import type { PlatformEvent } from '../sdk/events';

/**
 * The API's types, inferred from the zod schemas the dispatcher validates with and describes in
 * /v1/openapi.json: type-only imports, so the client carries none of the server at run time.
 */
type JsonSchemaOf<R, S extends number> = R extends {
  responses: { [K in S]: { content: { 'application/json': { schema: infer T extends z.ZodType } } } };
}
  ? z.output<T>
  : never;

export type Problem = z.output<typeof ProblemSchema>;
export type PluginList = JsonSchemaOf<typeof pluginRoutes.list, 200>;
export type PluginSummary = PluginList['plugins'][number];
export type PluginDescription = JsonSchemaOf<typeof pluginRoutes.get, 200>;
export type PluginDocs = JsonSchemaOf<typeof pluginRoutes.docs, 200>;
export type InstanceTemplate = JsonSchemaOf<typeof pluginRoutes.template, 200>;
export type Instance = JsonSchemaOf<typeof instanceRoutes.get, 200>;
export type InstancePage = JsonSchemaOf<typeof instanceRoutes.list, 200>;
export type NewInstance = z.input<typeof CreateInstanceSchema>;
export type InstancePatch = z.input<typeof PatchInstanceSchema>;
export type CredentialsView = JsonSchemaOf<typeof instanceRoutes.getCredentials, 200>;
export type CallResult = JsonSchemaOf<typeof callRoutes.operation, 200>;
export type Health = JsonSchemaOf<typeof systemRoutes.health, 200>;
export type Subscription = z.output<typeof SubscriptionSchema>;
export type NewSubscription = z.input<typeof NewSubscriptionSchema>;
export interface SubscriptionPage {
  subscriptions: Subscription[];
  nextCursor?: string;
}
export type Guard = z.output<typeof GuardSchema>;
export type NewGuard = z.input<typeof NewGuardSchema>;
export type WebhookSource = z.output<typeof WebhookSourceSchema>;
export type NewWebhookSource = z.input<typeof NewWebhookSourceSchema>;
export type WebhookRule = z.output<typeof WebhookRuleSchema>;
export type NewWebhookRule = z.input<typeof NewWebhookRuleSchema>;
export type WebhookDelivery = z.output<typeof WebhookDeliverySchema>;
export interface WebhookDeliveryPage {
  deliveries: WebhookDelivery[];
  nextCursor?: string;
}
export type { CallContext };

/** Events routes (lib/core/events/routes): typed here by hand, checked against the OpenAPI document in tests. */
export type PlatformEventRecord = PlatformEvent;
export interface PutEventsEntry {
  Source: string;
  DetailType: string;
  /** A JSON object written as a string, as in EventBridge's PutEvents. */
  Detail: string;
  Resources?: string[];
  Time?: string;
}
export interface EventLogPage {
  events: PlatformEventRecord[];
  nextCursor?: string;
}
export interface DeadLetter {
  id: string;
  event: PlatformEventRecord;
  target: string;
  attempts: number;
  reason: string;
  failedAt: string;
}
export interface DeadLetterPage {
  deadLetters: DeadLetter[];
  nextCursor?: string;
}
export type { NotRedriven, RedriveAnswer } from '../core/events/redrive-answer';
