import { webhookSecretRef } from '../core/ports';

/**
 * A stage is lower-case letters and digits only. Plugin slugs may hold "-", so a "-" in the stage
 * would make `plugboard-<stage>-<slug>` ambiguous: stage dev with slug prod-echo and stage dev-prod
 * with slug echo would share a function name, and `plugboard-dev-*` in IAM would reach dev-prod's
 * plugins. At most 16 characters, so a subscription's rule name fits EventBridge's 64.
 */
export const STAGE_PATTERN = /^[a-z][a-z0-9]{0,15}$/;

/** The stage, or an error saying what a stage may be. */
export function checkStage(stage: string): string {
  if (!STAGE_PATTERN.test(stage)) {
    throw new Error(
      `stage "${stage}" must be 1-16 lower-case letters and digits, starting with a letter (no "-": it separates the stage from plugin slugs in names)`,
    );
  }
  return stage;
}

/**
 * Names of AWS resources that code and IAM policies must agree on. Plugin functions carry a fixed
 * prefix so the dispatcher's role can invoke `plugboard-<stage>-*` and nothing else (the stage holds
 * no "-", so no other stage's names start with that prefix).
 */
export const pluginFunctionName = (stage: string, slug: string): string => `plugboard-${stage}-${slug}`;

/** Prefix of the webhook sources' HMAC secrets (see webhookSecretRef); `_` starts no plugin slug. */
export const webhookSecretPrefix = (stage: string): string => webhookSecretRef(stage, '');

/** The stage's event bus; fixed so that rule ARNs in IAM policies can name it. */
export const eventBusName = (stage: string): string => `plugboard-${stage}`;

/**
 * Prefix of the rules the dispatcher creates on the stage's bus, one per subscription; its role may
 * manage only rules named `<prefix>*`, never the stack's own rules (named by CloudFormation).
 */
export const subscriptionRulePrefix = (stage: string): string => `plugboard-${stage}-sub-`;

/**
 * A subscription's rule. The id's dashes are dropped so a UUID fits EventBridge's 64 characters
 * beside the longest stage (16); the rule's target carries the id itself.
 */
export const subscriptionRuleName = (stage: string, id: string): string =>
  `${subscriptionRulePrefix(stage)}${id.replaceAll('-', '')}`;
