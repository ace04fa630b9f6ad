/**
 * Just enough IAM evaluation for template tests: renders CloudFormation ARN expressions with fixed
 * pseudo parameters and answers whether a policy's statements allow or deny an action on a resource
 * (conditions are checked by the tests that care about them).
 */
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
};

export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const [key, arg] = Object.entries(value)[0] ?? [];
    if (key === 'Ref') return PSEUDO[arg as string] ?? `ref:${arg}`;
    if (key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map(render).join(separator);
    }
    if (key === 'Fn::ImportValue') return `import:${render(arg)}`;
    if (key === 'Fn::GetAtt') return `getatt:${(arg as string[]).join('.')}`;
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** IAM wildcards; action names compare case-insensitively, resource ARNs exactly. */
const glob = (pattern: string, flags = '') => {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replaceAll('*', '.*').replaceAll('?', '.')}$`, flags);
};

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

const statementsWith =
  (effect: Statement['Effect']) =>
  (statements: Statement[], action: string, resource: string): Statement[] =>
    statements.filter(
      (s) =>
        s.Effect === effect &&
        list(s.Action).some((a) => glob(a, 'i').test(action)) &&
        list(s.Resource).some((r) => glob(render(r)).test(resource)),
    );

export const allowingStatements = statementsWith('Allow');
export const denyingStatements = statementsWith('Deny');

/** Whether the statements let the action on the resource: an Allow covers it and no Deny does. */
export const permits = (statements: Statement[], action: string, resource: string): boolean =>
  allowingStatements(statements, action, resource).length > 0 &&
  denyingStatements(statements, action, resource).length === 0;

export const secretArn = (name: string) =>
  `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
export const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
export const ruleArn = (bus: string, name: string) =>
  `arn:aws:events:${REGION}:${ACCOUNT}:rule/${bus}/${name}`;

type TemplateResource = { Type: string; Properties: Record<string, unknown> };

/** The statements of every policy attached to the role of the function whose logical id starts so. */
export function roleStatements(
  resources: Record<string, TemplateResource>,
  functionIdPrefix: string,
): Statement[] {
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const [, fn] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith(functionIdPrefix))!;
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}
