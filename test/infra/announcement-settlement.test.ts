import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { GENERATION } from '../../lib/core/instances/generation';
import { credentialsRef, webhookSecretRef } from '../../lib/core/ports';
import { AnnouncementSettlement } from '../../lib/infra/announcement-settlement';
import { PROJECT_ROOT } from '../../lib/infra/project-root';
import { allowingStatements, permits, render, roleStatements, type Statement, secretArn } from './iam';
import { buildFixturePlatform } from './platform-fixture';

type Resource = { Type: string; Properties: Record<string, unknown> };

describe('the announcement settlement (scheduled recovery of instance events)', () => {
  let resources: Record<string, Resource>;
  let statements: Statement[];
  let fnId: string;

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  beforeAll(() => {
    const platform = buildFixturePlatform();
    resources = Template.fromStack(platform.stateless).toJSON().Resources;
    [fnId] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('AnnouncementSettlement'))!;
    statements = roleStatements(resources, 'AnnouncementSettlement');
  });

  it('runs every five minutes, each run alone, settling announcements held longer than the dispatcher runs', () => {
    const schedules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.ScheduleExpression);
    expect(schedules).toHaveLength(1);
    const [, rule] = schedules[0]!;
    expect(rule.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    expect(rule.Properties.EventBusName).toBeUndefined();
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
      }),
    ]);
    // A failed run is not retried: the next one finds what it left held.
    const invokeConfigs = ofType('AWS::Lambda::EventInvokeConfig').filter(
      ([, c]) => (c.Properties.FunctionName as { Ref: string }).Ref === fnId,
    );
    expect(invokeConfigs.map(([, c]) => c.Properties)).toEqual([
      expect.objectContaining({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 }),
    ]);
    const fn = resources[fnId]!.Properties;
    expect(fn.Timeout).toBe(60);
    const dispatcher = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('Dispatcher'))![1];
    const settleAfter = Number(
      (fn.Environment as { Variables: Record<string, string> }).Variables.PLUGBOARD_SETTLE_AFTER_SECONDS,
    );
    expect(settleAfter).toBe(120);
    expect(settleAfter).toBeGreaterThan(dispatcher.Properties.Timeout as number);
  });

  it("may read and write the held announcements, take marks off instances, remove a dead delete's store and secret, and put events on the platform bus only", () => {
    const table = (s: Statement) => render([s.Resource].flat()[0]);
    const dynamodb = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(
      dynamodb.map((s) => ({
        actions: [s.Action].flat().sort(),
        condition: s.Condition,
        count: [s.Resource].flat().length,
      })),
    ).toEqual([
      {
        actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ANNOUNCEMENT'] } },
        count: 1,
      },
      {
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['INSTANCE#*'] } },
        count: 1,
      },
      {
        actions: ['dynamodb:DeleteItem', 'dynamodb:Query'],
        condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['STORE#*#*'] } },
        count: 1,
      },
    ]);
    const tableArn = table(dynamodb[0]!);
    expect(tableArn).toMatch(/Registry/);
    expect(dynamodb.every((s) => table(s) === tableArn)).toBe(true);
    for (const action of ['PutItem', 'Scan', 'BatchWriteItem', 'TransactWriteItems'])
      expect(allowingStatements(statements, `dynamodb:${action}`, tableArn), action).toEqual([]);
    expect(allowingStatements(statements, 'dynamodb:Query', `${tableArn}/index/gsi1`)).toEqual([]);

    const events = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('events:')));
    expect(events).toHaveLength(1);
    expect(events[0]!.Action).toBe('events:PutEvents');
    expect(render([events[0]!.Resource].flat()[0])).toMatch(/Bus/);
    // Deletes the secret a dead delete left, of this stage's instances; reads none.
    const secretActions = statements.flatMap((s) =>
      [s.Action].flat().filter((a) => a.startsWith('secretsmanager:')),
    );
    expect([...new Set(secretActions)]).toEqual(['secretsmanager:DeleteSecret']);
    expect(permits(statements, 'secretsmanager:DeleteSecret', secretArn('plugboard/prod/kv/prod'))).toBe(
      false,
    );
    const others = statements.filter((s) =>
      [s.Action].flat().some((a) => !/^(dynamodb|events|logs|secretsmanager):/.test(a)),
    );
    expect(others).toEqual([]);
    expect(statements.every((s) => !JSON.stringify(s.Resource).includes('"*"'))).toBe(true);
  });

  it("may not delete a webhook source's HMAC secret, which shares the stage's prefix with instance credentials", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,62}$/), (source) => {
        const secret = secretArn(webhookSecretRef('test', source));
        expect(allowingStatements(statements, 'secretsmanager:DeleteSecret', secret)).not.toEqual([]);
        expect(permits(statements, 'secretsmanager:DeleteSecret', secret)).toBe(false);
      }),
    );
    // While every instance's credentials stay deletable: a slug starts with a letter, never "_".
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,63}$/),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,62}$/),
        fc.option(fc.stringMatching(new RegExp(`^${GENERATION}$`)), { nil: undefined }),
        (plugin, name, generation) => {
          expect(
            permits(
              statements,
              'secretsmanager:DeleteSecret',
              secretArn(credentialsRef('test', { plugin, name, generation })),
            ),
          ).toBe(true);
        },
      ),
    );
  });

  it('refuses to settle announcements a live write may still hold, or to run so often that runs overlap', () => {
    const settlement = (props: { settleAfter?: Duration; every?: Duration }) => {
      const stack = new Stack(new App(), 'S');
      new AnnouncementSettlement(stack, 'Settlement', {
        stage: 'test',
        entry: `${PROJECT_ROOT}/functions/announcement-settlement.ts`,
        table: new TableV2(stack, 'T', { partitionKey: { name: 'pk', type: AttributeType.STRING } }),
        bus: new EventBus(stack, 'B'),
        liveWriteTimeout: Duration.seconds(29),
        ...props,
      });
    };
    expect(() => settlement({ settleAfter: Duration.seconds(29) })).toThrow(
      /after the 29 s a live write may take/,
    );
    expect(() => settlement({ every: Duration.minutes(2) })).toThrow(/overlap/);
  });
});
