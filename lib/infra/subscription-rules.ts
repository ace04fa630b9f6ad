import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { eventBusName, subscriptionRulePrefix } from '../aws/names';
import { nagArn } from './nag';

/**
 * The rules of the stage's subscriptions (`rule/<bus>/plugboard-<stage>-sub-*`), written at run time
 * by the dispatcher and removed with the bus; the ARN for policies and the form cdk-nag names it in.
 */
export function subscriptionRules(scope: IConstruct, stage: string): { arn: string; nagResource: string } {
  const resourceName = `${eventBusName(stage)}/${subscriptionRulePrefix(stage)}*`;
  return {
    arn: Stack.of(scope).formatArn({
      service: 'events',
      resource: 'rule',
      resourceName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }),
    nagResource: nagArn('events', `rule/${resourceName}`),
  };
}
