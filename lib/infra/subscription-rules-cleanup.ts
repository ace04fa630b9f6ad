import { Duration, Validations } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { subscriptionRulePrefix } from '../aws/names';
import { BundledFunction } from './bundled-function';
import { handledCustomResource } from './handled-custom-resource';
import { subscriptionRules } from './subscription-rules';

export interface SubscriptionRulesCleanupProps {
  /** The stage (see STAGE_PATTERN): it goes into the names of what this makes. */
  readonly stage: string;
  /** The stage's bus, which holds the subscription rules. */
  readonly bus: IEventBus;
  /** The custom resource handler (functions/subscription-rules-cleanup.ts). */
  readonly entry: string;
  /**
   * How long the clean-up (its handler and the Provider framework) keeps its logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * Removes the subscription rules the dispatcher wrote on the bus when the bus goes: a custom
 * resource that refers to the bus, so CloudFormation deletes it (and runs its Delete) first, and
 * EventBridge then deletes a bus without rules. Create and Update do nothing.
 */
export class SubscriptionRulesCleanup extends Construct {
  constructor(scope: Construct, id: string, props: SubscriptionRulesCleanupProps) {
    super(scope, id);
    const handler = new BundledFunction(this, 'Handler', {
      entry: props.entry,
      stage: props.stage,
      serviceName: 'plugboard-subscription-rules-cleanup',
      description: "Plugboard: removes the subscriptions' rules from the bus when the bus is deleted",
      // Two calls per rule, up to EventBridge's 300 rules a bus.
      timeout: Duration.minutes(5),
      logRetention: props.logRetention,
    });
    const rules = subscriptionRules(this, props.stage);
    handler.role.addToPolicy(
      new PolicyStatement({ actions: ['events:RemoveTargets', 'events:DeleteRule'], resources: [rules.arn] }),
    );
    handler.role.addToPolicy(new PolicyStatement({ actions: ['events:ListRules'], resources: ['*'] }));
    Validations.of(handler.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${rules.nagResource}]`,
      reason: `Subscriptions' rules are created at run time, each named ${subscriptionRulePrefix(props.stage)}<id> on this stage's bus; this function may remove those targets and rules only, and put none.`,
    });
    Validations.of(handler.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'events:ListRules has no resource-level permission (IAM takes only "*" for it); it lists rule names and patterns, and the function asks only for those with its stage\'s prefix on its bus.',
    });

    handledCustomResource(this, {
      handler,
      handlerName: 'cleanup',
      resourceType: 'Custom::PlugboardSubscriptionRulesCleanup',
      properties: { BusName: props.bus.eventBusName },
      logRetention: props.logRetention,
    });
  }
}
