import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * How cdk-nag spells a reference to a resource inside a finding id, `<LogicalId>` or
 * `<LogicalId.Attribute>`, so acknowledgements name the exact finding without copying hashes.
 */
export function nagRef(resource: IConstruct, attribute?: string): string {
  const element = resource.node.defaultChild as CfnElement | undefined;
  if (!element) throw new Error(`${resource.node.path} has no CloudFormation resource to refer to`);
  const stack = Stack.of(element);
  const logicalId = stack.resolve(stack.getLogicalId(element)) as string;
  return `<${attribute ? `${logicalId}.${attribute}` : logicalId}>`;
}

/** The ARN of a per-account resource as cdk-nag writes it in a finding id. */
export const nagArn = (service: string, resource: string): string =>
  `arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${resource}`;
