import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_RETRY } from '../../lib/aws/delivery-retry';
import { readEnvironment } from '../../lib/aws/environment';
import { pluginFunctionName, subscriptionRuleName } from '../../lib/aws/names';
import { GENERATION } from '../../lib/core/instances/generation';
import { credentialsRef } from '../../lib/core/ports';
import {
  alarmTopicArnFromContext,
  buildPlatform,
  logRetentionFromContext,
  stageFromContext,
} from '../../lib/infra/platform';
import { PROJECT_ROOT } from '../../lib/infra/project-root';
import {
  allowingStatements,
  functionArn,
  render,
  roleStatements as roleStatementsOf,
  ruleArn,
  type Statement,
  secretArn,
} from './iam';
import { buildFixturePlatform, FIXTURE_PLUGINS, STAGE } from './platform-fixture';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

/** Every path and method of DESIGN.md §5, written out here so the test does not trust the route table. */
const DESIGN_ROUTES = [
  'GET /v1/plugins',
  'GET /v1/plugins/{slug}',
  'GET /v1/plugins/{slug}/docs',
  'GET /v1/plugins/{slug}/template',
  'POST /v1/instances',
  'GET /v1/instances',
  'GET /v1/instances/{name}',
  'PATCH /v1/instances/{name}',
  'DELETE /v1/instances/{name}',
  'PUT /v1/instances/{name}/credentials',
  'DELETE /v1/instances/{name}/credentials',
  'GET /v1/instances/{name}/credentials',
  'POST /v1/instances/{name}/operations/{operation}',
  'POST /v1/instances/{name}/actions/{action}',
  'ANY /v1/plugin-apis/{instance}/{proxy+}',
  'POST /v1/events',
  'POST /v1/events/test-pattern',
  'GET /v1/events/log',
  'GET /v1/subscriptions',
  'POST /v1/subscriptions',
  'DELETE /v1/subscriptions',
  'POST /v1/webhooks/{source}',
  'GET /v1/webhooks/{source}/deliveries',
  'GET /v1/openapi.json',
  'GET /v1/health',
];

describe('the platform stacks (IAM auth)', () => {
  let platform: ReturnType<typeof buildFixturePlatform>;
  let stateful: Template;
  let stateless: Template;
  let resources: Record<string, Resource>;

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const roleStatements = (functionIdPrefix: string): Statement[] =>
    roleStatementsOf(resources, functionIdPrefix);
  /** The rules on the platform bus (the schedules are on the default bus). */
  const busRules = () =>
    ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.EventBusName !== undefined);

  beforeAll(() => {
    platform = buildFixturePlatform();
    stateful = Template.fromStack(platform.stateful);
    stateless = Template.fromStack(platform.stateless);
    resources = stateless.toJSON().Resources;
  });

  it('has one function per plugin, named plugboard-<stage>-<slug>, plus the platform functions', () => {
    const functions = ofType('AWS::Lambda::Function').map(([id, r]) => [id, r.Properties.FunctionName]);
    const named = functions.map(([, name]) => name).filter(Boolean);
    expect(named.sort()).toEqual(['plugboard-test-kv', 'plugboard-test-kv-extra']);
    const platformFunctions = [
      'Dispatcher',
      'WebhookReceiver',
      'EventDelivery',
      'DeadLetterIntake',
      'AnnouncementSettlementHandler',
      'RegistrySyncHandler',
      'RegistrySyncProvider',
    ];
    for (const prefix of platformFunctions) {
      expect(functions.filter(([id]) => String(id).startsWith(prefix))).toHaveLength(1);
    }
    expect(functions).toHaveLength(FIXTURE_PLUGINS.length + platformFunctions.length);
  });

  it('builds plugin functions for Node 22 on arm64 with the manifest memory and timeout', () => {
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'plugboard-test-kv',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 5,
      Environment: {
        Variables: Match.objectLike({
          PLUGBOARD_STAGE: STAGE,
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: 'plugboard-plugin-kv',
          PLUGBOARD_TABLE_NAME: Match.anyValue(),
          PLUGBOARD_BUS_NAME: Match.anyValue(),
        }),
      },
      LoggingConfig: { LogGroup: Match.anyValue() },
    });
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'plugboard-test-kv-extra',
      MemorySize: 256,
      Timeout: 10,
    });
    stateless.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it("keeps every function's logs in a log group of its own for 30 days, the Provider framework's too", () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      const logGroup = (fn.Properties.LoggingConfig as { LogGroup?: { Ref: string } } | undefined)?.LogGroup;
      expect(logGroup, id).toEqual({ Ref: expect.any(String) });
      expect(resources[logGroup!.Ref], id).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 30 },
      });
    }
    expect(ofType('Custom::LogRetention')).toEqual([]);
  });

  it('gives no role a managed policy: each writes only to its own log group', () => {
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
    const [, relay] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('RegistrySyncProvider'))!;
    const logGroupId = (relay.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const logs = roleStatements('RegistrySyncProvider').filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('logs:')),
    );
    expect(logs).toEqual([
      expect.objectContaining({
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
      }),
    ]);
  });

  it('generates each plugin entry from its default export and the plugin runtime', () => {
    const entry = readFileSync(join(PROJECT_ROOT, 'cdk.out', 'plugin-entries', 'kv.ts'), 'utf8');
    expect(entry).toMatch(/^import plugin from '.*test\/fixtures\/infra-plugins\/kv\/index\.ts';$/m);
    expect(entry).toMatch(/^import \{ serve \} from '.*functions\/plugin-runtime\.ts';$/m);
    expect(entry).toContain('export const handler = serve(plugin);');
    expect(entry).not.toContain(PROJECT_ROOT);
  });

  it('lets a plugin read only the secrets under its own prefix', () => {
    const kv = roleStatements('PluginkvBundled');
    const read = (name: string) => allowingStatements(kv, 'secretsmanager:GetSecretValue', secretArn(name));
    // Each of its instances' secrets, of any generation or from before generations; no other plugin's.
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,62}$/),
        fc.option(fc.stringMatching(new RegExp(`^${GENERATION}$`)), { nil: undefined }),
        (name, generation) => {
          const of = (plugin: string, stage = 'test') =>
            read(credentialsRef(stage, { plugin, name, generation }));
          expect(of('kv')).toHaveLength(1);
          expect(of('kv-extra')).toHaveLength(0);
          expect(of('kvx')).toHaveLength(0);
          expect(of('kv', 'prod')).toHaveLength(0);
        },
      ),
    );
    const extra = roleStatements('PluginkvextraBundled');
    expect(
      allowingStatements(extra, 'secretsmanager:GetSecretValue', secretArn('plugboard/test/kv/prod')),
    ).toHaveLength(0);
    const secretActions = kv.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('secretsmanager:'));
    expect(secretActions).toEqual(['secretsmanager:GetSecretValue']);
  });

  it('confines a plugin to its own storage partitions and its own event source', () => {
    const kv = roleStatements('PluginkvBundled');
    const dynamo = kv.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0]!.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['STORE#kv#*'] },
    });
    expect([dynamo[0]!.Action].flat()).not.toContain('dynamodb:Scan');
    const events = kv.filter((s) => [s.Action].flat().some((a) => a.startsWith('events:')));
    expect(events).toEqual([
      expect.objectContaining({
        Action: 'events:PutEvents',
        Condition: { StringEquals: { 'events:source': ['plugboard.plugin.kv'] } },
      }),
    ]);
    expect(kv.some((s) => [s.Action].flat().some((a) => a.startsWith('lambda:')))).toBe(false);
  });

  it('lets the dispatcher write secrets under its stage but never read one', () => {
    const dispatcher = roleStatements('Dispatcher');
    const secret = secretArn('plugboard/test/kv/prod');
    const ofGeneration = secretArn(
      credentialsRef('test', { plugin: 'kv', name: 'prod', generation: 'qT0m-jq4Ck2x7dYxE5b_lA' }),
    );
    for (const action of ['CreateSecret', 'PutSecretValue', 'DeleteSecret', 'TagResource']) {
      expect(allowingStatements(dispatcher, `secretsmanager:${action}`, secret)).toHaveLength(1);
      expect(allowingStatements(dispatcher, `secretsmanager:${action}`, ofGeneration)).toHaveLength(1);
    }
    // Which credentials are set is the instance record's: it never asks Secrets Manager.
    expect(allowingStatements(dispatcher, 'secretsmanager:DescribeSecret', secret)).toEqual([]);
    expect(
      allowingStatements(dispatcher, 'secretsmanager:CreateSecret', secretArn('plugboard/prod/kv/x')),
    ).toHaveLength(0);
    for (const [, policy] of ofType('AWS::IAM::Policy')) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
      const roles = JSON.stringify(policy.Properties.Roles);
      if (!roles.includes('Dispatcher')) continue;
      expect(allowingStatements(statements, 'secretsmanager:GetSecretValue', secret)).toEqual([]);
      expect(allowingStatements(statements, 'secretsmanager:GetSecretValue', '*')).toEqual([]);
    }
  });

  it('lets the dispatcher invoke plugin functions of its stage and nothing else', () => {
    const dispatcher = roleStatements('Dispatcher');
    const invoke = (name: string) =>
      allowingStatements(dispatcher, 'lambda:InvokeFunction', functionArn(name));
    expect(invoke('plugboard-test-kv')).toHaveLength(1);
    expect(invoke('plugboard-prod-kv')).toHaveLength(0);
    expect(invoke('PlugboardStateless-test-DispatcherFunction-ABC')).toHaveLength(0);
    expect(
      ofType('AWS::Lambda::Function').every(
        ([, r]) => r.Properties.FunctionName !== 'plugboard-test-dispatcher',
      ),
    ).toBe(true);
  });

  it('gives every rule target on the bus a retry policy and the dead-letter queue', () => {
    const rules = busRules();
    expect(rules.length).toBeGreaterThan(0);
    const dlqArn = { 'Fn::ImportValue': Match.stringLikeRegexp('DeadLetterQueue') };
    for (const [, rule] of rules) {
      for (const target of rule.Properties.Targets as Record<string, unknown>[]) {
        expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 });
        // The subscription rules written at runtime take the same policy (see EventBridgeSubscriptionRules).
        expect(target.RetryPolicy).toEqual({
          MaximumRetryAttempts: DELIVERY_RETRY.maximumRetryAttempts,
          MaximumEventAgeInSeconds: DELIVERY_RETRY.maximumEventAgeSeconds,
        });
        expect(Match.objectLike({ Arn: dlqArn }).test(target.DeadLetterConfig).isSuccess).toBe(true);
      }
    }
    stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: dlqArn } },
    });
  });

  it('sends every event on the bus to the delivery function, with the DLQ behind both', () => {
    const [rule] = busRules();
    expect(rule![1].Properties.EventPattern).toEqual({ source: [{ prefix: '' }] });
    const permissions = ofType('AWS::Lambda::Permission').filter(
      ([, p]) => p.Properties.Principal === 'events.amazonaws.com',
    );
    expect(permissions.map(([, p]) => p.Properties.SourceArn)).toContainEqual({
      'Fn::GetAtt': [rule![0], 'Arn'],
    });
    const queuePolicy = JSON.stringify(stateful.findResources('AWS::SQS::QueuePolicy'));
    expect(queuePolicy).toContain('events.amazonaws.com');
    expect(queuePolicy).toContain('"aws:SecureTransport":"false"');
    stateful.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it("lets the dispatcher manage only its stage's subscription rules, pointed only at the delivery function", () => {
    const dispatcher = roleStatements('Dispatcher');
    const subscriptionRule = ruleArn('plugboard-test', subscriptionRuleName(STAGE, crypto.randomUUID()));
    const actions = ['PutRule', 'PutTargets', 'RemoveTargets', 'DeleteRule'];
    for (const action of actions) {
      expect(allowingStatements(dispatcher, `events:${action}`, subscriptionRule), action).toHaveLength(1);
      for (const other of [
        ruleArn('plugboard-test', 'PlugboardStateless-test-Deliveries1A2B3C'),
        ruleArn('plugboard-test', 'plugboard-prod-sub-0f8fad5bd9cb469fa16570867728950e'),
        ruleArn('plugboard-prod', 'plugboard-test-sub-0f8fad5bd9cb469fa16570867728950e'),
        ruleArn('default', 'plugboard-test-sub-0f8fad5bd9cb469fa16570867728950e'),
      ]) {
        expect(allowingStatements(dispatcher, `events:${action}`, other), `${action} ${other}`).toEqual([]);
      }
    }
    const [deliveryId] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('EventDelivery'))!;
    const deliveryArn = { 'Fn::GetAtt': [deliveryId, 'Arn'] };
    const [putTargets] = allowingStatements(dispatcher, 'events:PutTargets', subscriptionRule);
    expect(putTargets!.Condition).toEqual({ ArnEquals: { 'events:TargetArn': deliveryArn } });
    for (const fn of ['EventDelivery', 'WebhookReceiver', 'RegistrySyncHandler']) {
      expect(allowingStatements(roleStatements(fn), 'events:PutRule', subscriptionRule), fn).toEqual([]);
    }
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Plugboard: the HTTP API',
      Environment: {
        Variables: Match.objectLike({
          PLUGBOARD_DELIVERY_FUNCTION_ARN: deliveryArn,
          PLUGBOARD_DEAD_LETTER_QUEUE_ARN: { 'Fn::ImportValue': Match.stringLikeRegexp('DeadLetterQueue') },
        }),
      },
    });
  });

  it('lets the subscription rules invoke the delivery function and send to the dead-letter queue', () => {
    const subscriptionRule = ruleArn('plugboard-test', subscriptionRuleName(STAGE, crypto.randomUUID()));
    const [deliveryId] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('EventDelivery'))!;
    const byRules = ofType('AWS::Lambda::Permission')
      .map(([, p]) => p.Properties)
      .filter((p) => p.Principal === 'events.amazonaws.com' && typeof p.SourceArn === 'object')
      .filter((p) => !('Fn::GetAtt' in (p.SourceArn as object)));
    expect(byRules).toHaveLength(1);
    const [permission] = byRules;
    expect(permission!.FunctionName).toEqual({ 'Fn::GetAtt': [deliveryId, 'Arn'] });
    expect(permission!.SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
    const sourceArn = render(permission!.SourceArn);
    expect(sourceArn).toBe(ruleArn('plugboard-test', 'plugboard-test-sub-*'));
    expect(
      allowingStatements([{ Effect: 'Allow', Action: '*', Resource: sourceArn }], 'x', subscriptionRule),
    ).toHaveLength(1);

    // The queue's policy lets every rule of the bus send, the ones written at runtime included.
    const [busId, bus] = Object.entries(stateful.findResources('AWS::Events::EventBus'))[0]!;
    const statements = Object.values(stateful.findResources('AWS::SQS::QueuePolicy')).flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const fromEvents = statements.find((st) => JSON.stringify(st).includes('events.amazonaws.com'))!;
    const allowed = render(fromEvents.Condition!.ArnLike!['aws:SourceArn']).replace(
      `ref:${busId}`,
      bus.Properties.Name as string,
    );
    expect(
      allowingStatements([{ Effect: 'Allow', Action: '*', Resource: allowed }], 'x', subscriptionRule),
    ).toHaveLength(1);
  });

  it('lets only the webhook receiver read secrets, and only webhook HMAC secrets', () => {
    const receiver = roleStatements('WebhookReceiver');
    const read = (name: string) =>
      allowingStatements(receiver, 'secretsmanager:GetSecretValue', secretArn(name));
    expect(read('plugboard/test/_webhooks/github')).toHaveLength(1);
    expect(read('plugboard/test/kv/prod')).toHaveLength(0);
    expect(
      allowingStatements(receiver, 'secretsmanager:CreateSecret', secretArn('plugboard/test/kv/prod')),
    ).toEqual([]);
    expect(allowingStatements(receiver, 'lambda:InvokeFunction', functionArn('plugboard-test-kv'))).toEqual(
      [],
    );
    for (const fn of ['EventDelivery', 'RegistrySyncHandler']) {
      expect(allowingStatements(roleStatements(fn), 'secretsmanager:GetSecretValue', '*')).toEqual([]);
    }
  });

  it('keeps the registry table: PITR, deletion protection, retained, on demand, the shared key schema', () => {
    stateful.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          }),
        ],
        // The event log's entries expire (DynamoDbEventStore sets the attribute on them alone).
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });

  it('grants the platform functions only the registry calls the adapters send: no scan, no batch, no transaction', () => {
    for (const fn of ['Dispatcher', 'WebhookReceiver', 'EventDelivery', 'RegistrySyncHandler']) {
      const actions = roleStatements(fn)
        .flatMap((s) => [s.Action].flat())
        .filter((a) => a.startsWith('dynamodb:'));
      expect(actions.sort(), fn).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ]);
    }
  });

  it('keeps the dead-letter queue, and the events waiting in it, when the stack is replaced or destroyed', () => {
    stateful.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 }),
    });
  });

  it("removes the subscriptions' rules before the bus when the stateful stack goes, and may touch no other rule", () => {
    const statefulResources = stateful.toJSON().Resources as Record<string, Resource>;
    const [busId] = Object.keys(stateful.findResources('AWS::Events::EventBus'));
    const [cleanup] = Object.values(stateful.findResources('Custom::PlugboardSubscriptionRulesCleanup'));
    // Referring to the bus makes CloudFormation delete the cleanup, and run its Delete, first.
    expect(cleanup!.Properties.BusName).toEqual({ Ref: busId });
    const [, handler] = Object.entries(statefulResources).find(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('SubscriptionRulesCleanupHandler'),
    )!;
    const roleId = (handler.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const statements = Object.values(statefulResources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    const rule = ruleArn('plugboard-test', subscriptionRuleName(STAGE, crypto.randomUUID()));
    for (const action of ['events:RemoveTargets', 'events:DeleteRule']) {
      expect(allowingStatements(statements, action, rule), action).toHaveLength(1);
      for (const other of [
        ruleArn('plugboard-test', 'PlugboardStateless-test-Deliveries1A2B3C'),
        ruleArn('plugboard-test', 'plugboard-prod-sub-0f8fad5bd9cb469fa16570867728950e'),
        ruleArn('plugboard-prod', 'plugboard-test-sub-0f8fad5bd9cb469fa16570867728950e'),
      ]) {
        expect(allowingStatements(statements, action, other), `${action} ${other}`).toEqual([]);
      }
    }
    for (const action of ['events:PutRule', 'events:PutTargets', 'events:PutEvents']) {
      expect(allowingStatements(statements, action, rule), action).toEqual([]);
    }
    // ListRules takes no resource-level permission; it is the one action granted on "*".
    expect(statements.filter((st) => st.Resource === '*')).toEqual([
      expect.objectContaining({ Action: 'events:ListRules' }),
    ]);
    expect(handler.Properties.Environment).toMatchObject({ Variables: { PLUGBOARD_STAGE: STAGE } });
    for (const [id, fn] of Object.entries(statefulResources).filter(
      ([, r]) => r.Type === 'AWS::Lambda::Function',
    )) {
      const logGroup = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup;
      expect(statefulResources[logGroup.Ref]?.Properties.RetentionInDays, id).toBe(30);
    }
  });

  it('routes every path of DESIGN.md §5, signed with SigV4 except webhooks and health', () => {
    const routes = Object.fromEntries(
      ofType('AWS::ApiGatewayV2::Route').map(([, r]) => [
        r.Properties.RouteKey,
        r.Properties.AuthorizationType,
      ]),
    );
    for (const key of DESIGN_ROUTES) expect(routes, key).toHaveProperty([key]);
    expect(routes['POST /v1/webhooks/{source}']).toBe('NONE');
    const integrations = Object.fromEntries(
      ofType('AWS::ApiGatewayV2::Integration').map(([id, r]) => [id, render(r.Properties.IntegrationUri)]),
    );
    const target = (key: string) => {
      const route = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === key)![1];
      const [, parts] = (route.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })[
        'Fn::Join'
      ];
      return integrations[parts[1].Ref];
    };
    expect(target('POST /v1/webhooks/{source}')).toMatch(/WebhookReceiver/);
    expect(target('GET /v1/webhooks/{source}/deliveries')).toMatch(/Dispatcher/);
    expect(routes['GET /v1/health']).toBe('NONE');
    const signed = Object.entries(routes).filter(
      ([key]) => key !== 'POST /v1/webhooks/{source}' && key !== 'GET /v1/health',
    );
    expect(signed.every(([, type]) => type === 'AWS_IAM')).toBe(true);
    expect(routes.$default).toBe('AWS_IAM');
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('writes the manifests and handlers into the registry through a custom resource keyed by their hash', () => {
    const [sync] = Object.values(stateless.findResources('Custom::PlugboardRegistrySync'));
    const { Manifests, Handlers, ManifestsHash } = sync!.Properties as Record<string, string>;
    expect(JSON.parse(Manifests!)).toEqual(FIXTURE_PLUGINS.map((p) => p.manifest));
    // Only the plugins whose handlers the loader recorded; kv-extra's are not known.
    expect(JSON.parse(Handlers!)).toEqual({ kv: ['http', 'events'] });
    expect(ManifestsHash).toBe(createHash('sha256').update(Manifests!).update(Handlers!).digest('hex'));
  });

  it('gives the dispatcher its stage, auth mode and the names it needs', () => {
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Plugboard: the HTTP API',
      Timeout: 29,
      Environment: {
        Variables: Match.objectLike({
          PLUGBOARD_STAGE: STAGE,
          PLUGBOARD_AUTH: 'iam',
          PLUGBOARD_TABLE_NAME: Match.anyValue(),
          PLUGBOARD_BUS_NAME: Match.anyValue(),
          POWERTOOLS_SERVICE_NAME: 'plugboard-dispatcher',
        }),
      },
    });
  });

  it("outputs the API URL, the bus name, the table name, and the dispatcher's and the API's log groups", () => {
    expect(Object.keys(stateless.findOutputs('*')).sort()).toEqual([
      'AccessLogGroup',
      'ApiUrl',
      'BusName',
      'DispatcherLogGroup',
      'TableName',
    ]);
    const logGroupOf = (output: string) =>
      (stateless.findOutputs(output)[output]?.Value as { Ref?: string } | undefined)?.Ref ?? '';
    expect(resources[logGroupOf('DispatcherLogGroup')]?.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroupOf('DispatcherLogGroup')).toMatch(/^DispatcherLogs/);
    expect(logGroupOf('AccessLogGroup')).toMatch(/^ApiAccessLogs/);
    expect(Object.keys(stateful.findOutputs('*'))).toEqual(expect.arrayContaining(['BusName', 'TableName']));
  });

  it('leaves cdk-nag (AwsSolutions) with no unacknowledged finding', () => {
    expect(platform.nag.validateScope(platform.app).violations).toEqual([]);
    expect(() => platform.app.synth()).not.toThrow();
  });
});

describe('the platform with JWT auth', () => {
  const platform = buildFixturePlatform({
    jwt: { issuer: 'https://issuer.example.com/pool', audience: ['client-a'], scopePrefix: 'plugboard/' },
  });
  const template = Template.fromStack(platform.stateless);
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
    (r) => r.Properties as { RouteKey: string; AuthorizationType: string; AuthorizationScopes?: string[] },
  );
  const route = (key: string) => routes.find((r) => r.RouteKey === key)!;

  it('authorizes with the issuer and audience given', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://issuer.example.com/pool', Audience: ['client-a'] },
      IdentitySource: ['$request.header.Authorization'],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PLUGBOARD_AUTH: 'jwt' }) },
    });
  });

  it('maps routes to the admin, invoke and publish scopes', () => {
    expect(route('POST /v1/instances/{name}/operations/{operation}').AuthorizationScopes).toEqual([
      'plugboard/admin',
      'plugboard/invoke',
    ]);
    expect(route('POST /v1/events').AuthorizationScopes).toEqual(['plugboard/admin', 'plugboard/publish']);
    expect(route('POST /v1/instances').AuthorizationScopes).toEqual(['plugboard/admin']);
    expect(route('PUT /v1/instances/{name}/credentials').AuthorizationScopes).toEqual(['plugboard/admin']);
    expect(route('$default').AuthorizationScopes).toEqual(['plugboard/admin']);
    const jwtRoutes = routes.filter((r) => r.AuthorizationType === 'JWT');
    expect(jwtRoutes.length).toBe(routes.length - 2);
    expect(jwtRoutes.every((r) => (r.AuthorizationScopes ?? []).length > 0)).toBe(true);
  });

  it('keeps webhooks and health open for HMAC and probes', () => {
    expect(route('POST /v1/webhooks/{source}').AuthorizationType).toBe('NONE');
    expect(route('GET /v1/health').AuthorizationType).toBe('NONE');
  });

  it('stays clean under cdk-nag', () => {
    expect(platform.nag.validateScope(platform.app).violations).toEqual([]);
  });
});

describe('PluginFunction names', () => {
  it("refuses a slug whose function name would pass Lambda's 64 characters, naming the plugin", () => {
    const slug = `p${'x'.repeat(60)}`;
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const plugin = { ...FIXTURE_PLUGINS[0]!, manifest: { ...FIXTURE_PLUGINS[0]!.manifest, slug } };
    expect(() => buildPlatform(app, { stage: STAGE, plugins: [plugin] })).toThrow(
      new RegExp(`plugin "${slug}".*over Lambda's 64 characters`),
    );
  });
});

describe('stage names', () => {
  const stageApp = (stage?: string) =>
    new App({ context: { 'aws:cdk:bundling-stacks': [], ...(stage === undefined ? {} : { stage }) } });

  it('refuses a stage with "-", which would share plugin function names and IAM prefixes with another', () => {
    // Slugs may hold "-": these two would deploy the same function, and plugboard-dev-* reach both.
    expect(pluginFunctionName('dev', 'prod-echo')).toBe(pluginFunctionName('dev-prod', 'echo'));
    const refused = /stage "dev-prod" must be 1-16 lower-case letters and digits/;
    expect(() => stageFromContext(stageApp('dev-prod'))).toThrow(refused);
    expect(() => buildPlatform(stageApp(), { stage: 'dev-prod', plugins: FIXTURE_PLUGINS })).toThrow(refused);
    const env = { PLUGBOARD_TABLE_NAME: 't', PLUGBOARD_BUS_NAME: 'b' };
    expect(() => readEnvironment({ ...env, PLUGBOARD_STAGE: 'dev-prod' })).toThrow(/PLUGBOARD_STAGE/);
    expect(readEnvironment({ ...env, PLUGBOARD_STAGE: 'dev2' }).PLUGBOARD_STAGE).toBe('dev2');
  });

  it('takes 1-16 lower-case letters and digits starting with a letter, dev by default', () => {
    expect(stageFromContext(stageApp())).toBe('dev');
    expect(stageFromContext(stageApp('prod2'))).toBe('prod2');
    expect(stageFromContext(stageApp('a'.repeat(16)))).toBe('a'.repeat(16));
    for (const stage of ['', 'Dev', '2dev', 'a'.repeat(17), 'dev_x', 'dev.x']) {
      expect(() => stageFromContext(stageApp(stage)), stage).toThrow(
        /must be 1-16 lower-case letters and digits/,
      );
    }
  });
});

describe('logRetention', () => {
  /** The RetentionInDays of every log group of both stacks, by stack and log group. */
  const retentionsWith = (logRetention: RetentionDays) => {
    const { stateful, stateless } = buildFixturePlatform({ logRetention });
    return [stateful, stateless].flatMap((stack) => {
      const logGroups = Object.entries(Template.fromStack(stack).findResources('AWS::Logs::LogGroup'));
      expect(logGroups.length, stack.stackName).toBeGreaterThan(0);
      return logGroups.map(([id, logGroup]) => [
        `${stack.stackName} ${id}`,
        logGroup.Properties?.RetentionInDays,
      ]);
    });
  };

  it('keeps the logs of every log group of both stacks that long, the API access log included', () => {
    for (const [id, days] of retentionsWith(RetentionDays.ONE_WEEK)) expect(days, id).toBe(7);
  });

  it('keeps them for ever with RetentionDays.INFINITE (-c logRetention=infinite): no log group has a retention', () => {
    for (const [id, days] of retentionsWith(RetentionDays.INFINITE)) expect(days, id).toBeUndefined();
  });
});

describe('-c alarmTopicArn', () => {
  const contextApp = (alarmTopicArn: unknown) =>
    new App({ context: { 'aws:cdk:bundling-stacks': [], alarmTopicArn } });

  it("takes an SNS topic's ARN, in any partition, and nothing when not given", () => {
    expect(alarmTopicArnFromContext(new App())).toBeUndefined();
    for (const arn of [
      'arn:aws:sns:eu-west-1:123456789012:ops-alerts',
      'arn:aws-cn:sns:cn-north-1:123456789012:ops_alerts',
      'arn:aws-us-gov:sns:us-gov-west-1:123456789012:Ops',
    ]) {
      expect(alarmTopicArnFromContext(contextApp(arn))).toBe(arn);
    }
  });

  it('refuses anything else at synth, naming the key and the value given', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.constantFrom(
            'ops-alerts',
            'arn:aws:sqs:eu-west-1:123456789012:ops-alerts',
            'arn:aws:sns:eu-west-1:ops-alerts',
            'arn:aws:sns:eu-west-1:12345:ops-alerts',
          ),
        ),
        (value) => {
          fc.pre(!/^arn:aws[a-z-]*:sns:/.test(value));
          expect(() => alarmTopicArnFromContext(contextApp(value))).toThrow(
            `-c alarmTopicArn takes an SNS topic's ARN, arn:aws:sns:<region>:<account>:<topic>; got ${JSON.stringify(value)}`,
          );
        },
      ),
    );
  });
});

describe('-c logRetention', () => {
  const contextApp = (logRetention: unknown) =>
    new App({ context: { 'aws:cdk:bundling-stacks': [], logRetention } });
  const allowed = Object.values(RetentionDays).filter(
    (days): days is number => typeof days === 'number' && days !== RetentionDays.INFINITE,
  );

  it('takes the day counts CloudWatch Logs keeps logs for, from the CLI or cdk.json, infinite, and nothing when not given', () => {
    expect(logRetentionFromContext(new App())).toBeUndefined();
    expect(allowed).toEqual(expect.arrayContaining([1, 3, 5, 7, 14, 30, 60, 90, 365, 400, 3653]));
    for (const days of allowed) {
      expect(logRetentionFromContext(contextApp(String(days)))).toBe(days);
      expect(logRetentionFromContext(contextApp(days))).toBe(days);
    }
    expect(logRetentionFromContext(contextApp('infinite'))).toBe(RetentionDays.INFINITE);
  });

  it('refuses anything else at synth, naming the key, the value given and the values it takes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.integer(),
          fc.constantFrom(
            '31',
            '0',
            '-7',
            '07',
            '7.5',
            ' 7',
            'Infinite',
            'INFINITE',
            '9999',
            9999,
            true,
            [7],
          ),
        ),
        (value) => {
          fc.pre(value !== 'infinite' && !allowed.some((days) => String(days) === String(value)));
          expect(() => logRetentionFromContext(contextApp(value))).toThrow(
            `-c logRetention takes one of ${allowed.join(', ')} (days) or infinite; got ${JSON.stringify(value)}`,
          );
        },
      ),
    );
  });
});

describe('cdk-nag during synth', () => {
  it('stops synth on a finding nobody acknowledged (so the clean result above means something)', () => {
    const app = new App();
    const stack = new Stack(app, 'Careless');
    new Queue(stack, 'Plain', { encryption: QueueEncryption.UNENCRYPTED });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});

describe('bin/app.ts', () => {
  /** The CDK app run as `cdk synth` runs it, with this context: its exit status, stderr and templates. */
  const synthApp = (context: Record<string, unknown>) => {
    const outdir = mkdtempSync(join(tmpdir(), 'plugboard-synth-'));
    try {
      const run = spawnSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          ...process.env,
          CDK_OUTDIR: outdir,
          CDK_CONTEXT_JSON: JSON.stringify({ ...context, 'aws:cdk:bundling-stacks': [] }),
        },
      });
      const templates = readdirSync(outdir)
        .filter((f) => f.endsWith('.template.json'))
        .map(
          (f) => JSON.parse(readFileSync(join(outdir, f), 'utf8')) as { Resources: Record<string, Resource> },
        );
      return { status: run.status, stderr: run.stderr, templates };
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  };

  it('fails synth with the loader report naming a plugin that does not load', () => {
    const run = synthApp({ pluginsDir: 'test/fixtures/plugins-broken' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/plugin\(s\) failed to load/);
    expect(run.stderr).toMatch(/bad-manifest/);
    expect(run.templates).toEqual([]);
  });

  // A whole synth of both stacks: on a busy machine it needs the spawn's own limit.
  it('keeps every log group of both stacks -c logRetention days', () => {
    const run = synthApp({ logRetention: '7' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.templates).toHaveLength(2);
    for (const { Resources } of run.templates) {
      const logGroups = Object.values(Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup');
      expect(logGroups.length).toBeGreaterThan(0);
      for (const logGroup of logGroups) expect(logGroup.Properties.RetentionInDays).toBe(7);
    }
  }, 60_000);

  it('stops at an -c logRetention CloudWatch Logs does not take', () => {
    const run = synthApp({ logRetention: '31' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/-c logRetention takes one of 1, 3, 5, 7, .* \(days\) or infinite; got "31"/);
    expect(run.templates).toEqual([]);
  });

  it('stops at an -c alarmTopicArn that is not an SNS topic, where CloudFormation would refuse it mid-deploy', () => {
    const run = synthApp({ alarmTopicArn: 'arn:aws:sqs:eu-west-1:123456789012:ops-alerts' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/-c alarmTopicArn takes an SNS topic's ARN/);
    expect(run.templates).toEqual([]);
  });
});
