import type { EventPattern } from '../../../lib/core/events/pattern';

/**
 * Pattern/event/expected cases. Each group says where its cases come from: the EventBridge user guide
 * (pages "Creating event patterns", "Content filtering", "Arrays", "Null values and empty strings",
 * "Comparison operators") or aws/event-ruler's README and compiler, whose matching EventBridge uses.
 */
export type PatternCase = readonly [name: string, pattern: EventPattern, event: unknown, expected: boolean];

export interface CaseGroup {
  readonly group: string;
  readonly source: string;
  readonly cases: readonly PatternCase[];
}

type Json = Record<string, unknown>;

/** The EC2 event of the user guide's "Creating event patterns" page. */
const ec2: Json = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

/** The sample event of event-ruler's README ("Ruler by Example"). */
const ruler: Json = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

/** The Auto Scaling event of the user guide's "Null values and empty strings" page. */
const autoscaling: Json = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

/** `base` with its `detail` replaced. */
const withDetail = (base: Json, detail: unknown): Json => ({ ...base, detail });
/** `ruler` with some detail fields changed. */
const rulerDetail = (changes: Json): Json => withDetail(ruler, { ...(ruler.detail as Json), ...changes });
const d = (detail: unknown): Json => withDetail(ec2, detail);

const employees: Json = {
  employees: [
    { firstName: 'John', lastName: 'Doe' },
    { firstName: 'Anna', lastName: 'Smith' },
    { firstName: 'Peter', lastName: 'Jones' },
  ],
};

export const PATTERN_CASE_GROUPS: readonly CaseGroup[] = [
  {
    group: 'exact values and AND of fields',
    source: 'user guide, Creating event patterns / Match values / Value matching',
    cases: [
      [
        'EC2 terminated pattern',
        {
          source: ['aws.ec2'],
          'detail-type': ['EC2 Instance State-change Notification'],
          detail: { state: ['terminated'] },
        },
        ec2,
        true,
      ],
      ['one field wrong fails the AND', { source: ['aws.ec2'], detail: { state: ['running'] } }, ec2, false],
      ['source alone', { source: ['aws.ec2'] }, ec2, true],
      ['array of values is OR', { source: ['aws.ec2', 'aws.fargate'] }, ec2, true],
      [
        'array of values, other member',
        { source: ['aws.ec2', 'aws.fargate'] },
        { ...ec2, source: 'aws.fargate' },
        true,
      ],
      [
        'array of values, no member',
        { source: ['aws.ec2', 'aws.fargate'] },
        { ...ec2, source: 'aws.s3' },
        false,
      ],
      ['no case folding', { source: ['AWS.EC2'] }, ec2, false],
      ['no trimming', { source: ['aws.ec2 '] }, ec2, false],
      ['top-level region', { region: ['us-west-1'] }, ec2, true],
      ['field missing from event', { 'no-such-field': ['x'] }, ec2, false],
      ['nested field missing', { detail: { 'no-such-field': ['x'] } }, ec2, false],
      ['pattern object where event has a string', { source: { inner: ['aws.ec2'] } }, ec2, false],
      ['pattern value where event has an object', { detail: ['terminated'] }, ec2, false],
      ['other event fields are ignored', { detail: { 'instance-id': ['i-1234567890abcdef0'] } }, ec2, true],
      [
        'Macie severity score and count',
        {
          source: ['aws.macie'],
          'detail-type': ['Macie Finding'],
          detail: { severity: { score: [1] }, count: [2] },
        },
        {
          source: 'aws.macie',
          'detail-type': 'Macie Finding',
          detail: { severity: { score: 1, description: 'Low' }, count: 2 },
        },
        true,
      ],
      [
        'Macie count differs',
        { source: ['aws.macie'], detail: { severity: { score: [1] }, count: [2] } },
        { source: 'aws.macie', detail: { severity: { score: 1 }, count: 3 } },
        false,
      ],
      ['boolean true', { detail: { ok: [true] } }, d({ ok: true }), true],
      ['boolean false is not true', { detail: { ok: [true] } }, d({ ok: false }), false],
      ['boolean is not its string', { detail: { ok: [true] } }, d({ ok: 'true' }), false],
      ['number is not its string', { detail: { n: [5] } }, d({ n: '5' }), false],
      ['string is not its number', { detail: { n: ['5'] } }, d({ n: 5 }), false],
      ['deeply nested', { detail: { a: { b: { c: ['x'] } } } }, d({ a: { b: { c: 'x' } } }), true],
      [
        'deeply nested, wrong leaf',
        { detail: { a: { b: { c: ['x'] } } } },
        d({ a: { b: { c: 'y' } } }),
        false,
      ],
      ['mixed types in one value array', { detail: { v: ['x', 5, true, null] } }, d({ v: null }), true],
    ],
  },
  {
    group: 'null values and empty strings',
    source: 'user guide, Matching null values and empty strings',
    cases: [
      ['empty string', { detail: { eventVersion: [''] } }, autoscaling, true],
      ['null', { detail: { responseElements: [null] } }, autoscaling, true],
      [
        'source, detail-type and null',
        {
          source: ['aws.autoscaling'],
          'detail-type': ['EC2 Instance Launch Successful'],
          detail: { responseElements: [null] },
        },
        autoscaling,
        true,
      ],
      ['empty string does not match null', { detail: { responseElements: [''] } }, autoscaling, false],
      ['null does not match empty string', { detail: { eventVersion: [null] } }, autoscaling, false],
      ['null does not match a missing field', { detail: { missing: [null] } }, autoscaling, false],
      ['null does not match the string "null"', { detail: { v: [null] } }, d({ v: 'null' }), false],
      [
        'empty string does not match a space',
        { detail: { eventVersion: [''] } },
        withDetail(autoscaling, { eventVersion: ' ' }),
        false,
      ],
    ],
  },
  {
    group: 'arrays in events',
    source: 'user guide, Arrays in event patterns; event-ruler README, JSON Array Matching',
    cases: [
      [
        'resources intersect',
        {
          resources: [
            'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
            'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
            'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
          ],
        },
        {
          resources: [
            'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
            'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          ],
        },
        true,
      ],
      [
        'resources do not intersect',
        { resources: ['arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f'] },
        { resources: ['arn:x', 'arn:y'] },
        false,
      ],
      ['empty event array matches no value', { resources: ['arn:x'] }, autoscaling, false],
      ['array of numbers', { detail: { n: [2] } }, d({ n: [1, 2, 3] }), true],
      ['array of numbers, no member', { detail: { n: [4] } }, d({ n: [1, 2, 3] }), false],
      ['nested arrays are flattened', { detail: { n: [3] } }, d({ n: [[1, 2], [3]] }), true],
      ['mixed array', { detail: { v: [1] } }, d({ v: ['a', 1, { b: 2 }] }), true],
      ['array of objects: one field', { employees: { firstName: ['Anna'] } }, employees, true],
      [
        'array of objects: fields from one element',
        { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
        employees,
        true,
      ],
      [
        'array of objects: fields from different elements do not match',
        { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
        employees,
        false,
      ],
      [
        'multi-level arrays of objects',
        { employees: { firstName: ['Anna'] } },
        {
          employees: [
            [
              { firstName: 'John', lastName: 'Doe' },
              { firstName: 'Anna', lastName: 'Smith' },
            ],
            [{ firstName: 'Peter', lastName: 'Jones' }],
          ],
        },
        true,
      ],
      [
        'multi-level arrays: still element-consistent',
        { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
        {
          employees: [
            [{ firstName: 'Anna', lastName: 'Smith' }],
            [{ firstName: 'Peter', lastName: 'Jones' }],
          ],
        },
        false,
      ],
      [
        'array of objects, nested deeper',
        { detail: { items: { tag: { k: ['env'] } } } },
        d({ items: [{ tag: { k: 'team' } }, { tag: { k: 'env' } }] }),
        true,
      ],
      ['top-level array of strings with prefix', { resources: [{ prefix: 'arn:aws:ec2' }] }, ec2, true],
    ],
  },
  {
    group: 'prefix',
    source: 'user guide, Content filtering / Prefix matching; event-ruler README',
    cases: [
      ['time prefix', { time: [{ prefix: '2017-10-02' }] }, ruler, true],
      ['time prefix, other day', { time: [{ prefix: '2017-10-02' }] }, ec2, false],
      ['prefix is case-sensitive', { source: [{ prefix: 'AWS.' }] }, ec2, false],
      ['prefix on a number does not match', { detail: { n: [{ prefix: '5' }] } }, d({ n: 5 }), false],
      ['prefix equal to the whole value', { source: [{ prefix: 'aws.ec2' }] }, ec2, true],
      ['prefix longer than the value', { source: [{ prefix: 'aws.ec2.x' }] }, ec2, false],
      ['prefix in an array of values', { source: ['aws.s3', { prefix: 'aws.e' }] }, ec2, true],
      [
        'prefix ignore case',
        { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
        d({ service: 'eventbridge' }),
        true,
      ],
      [
        'prefix ignore case, upper value',
        { detail: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] } },
        d({ service: 'EVENTBRIDGE' }),
        true,
      ],
      [
        'prefix ignore case, other value',
        { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
        d({ service: 'SNS' }),
        false,
      ],
      ['prefix ignore case, source', { source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] }, ec2, true],
    ],
  },
  {
    group: 'suffix',
    source: 'user guide, Content filtering / Suffix matching; event-ruler README',
    cases: [
      ['png suffix', { detail: { FileName: [{ suffix: '.png' }] } }, d({ FileName: 'image.png' }), true],
      [
        'suffix is case-sensitive',
        { detail: { FileName: [{ suffix: '.png' }] } },
        d({ FileName: 'image.PNG' }),
        false,
      ],
      ['suffix on source', { source: [{ suffix: 'ec2' }] }, ec2, true],
      ['suffix mismatch', { source: [{ suffix: 'ec3' }] }, ec2, false],
      ['suffix on a number does not match', { detail: { n: [{ suffix: '5' }] } }, d({ n: 15 }), false],
      [
        'suffix ignore case',
        { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
        d({ FileName: 'image.PNG' }),
        true,
      ],
      [
        'suffix ignore case, mismatch',
        { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
        d({ FileName: 'image.jpg' }),
        false,
      ],
      [
        'suffix ignore case, service',
        { detail: { service: [{ suffix: { 'equals-ignore-case': 'tbridge' } }] } },
        d({ service: 'EvenTBRIDGE' }),
        true,
      ],
    ],
  },
  {
    group: 'equals-ignore-case',
    source: 'user guide, Content filtering / Equals-ignore-case matching; event-ruler README',
    cases: [
      [
        'detail-type ignoring case',
        { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
        ec2,
        true,
      ],
      ['source ignoring case', { source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, ec2, true],
      [
        'name is alice',
        { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
        d({ Name: 'Alice' }),
        true,
      ],
      [
        'different string',
        { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
        d({ Name: 'Alicia' }),
        false,
      ],
      ['not a prefix match', { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance' }] }, ec2, false],
      ['numbers are not strings', { detail: { n: [{ 'equals-ignore-case': '5' }] } }, d({ n: 5 }), false],
    ],
  },
  {
    group: 'anything-but',
    source: 'user guide, Content filtering / Anything-but matching; event-ruler README and ByteMachine',
    cases: [
      ['string, other value', { detail: { state: [{ 'anything-but': 'initializing' }] } }, ruler, true],
      [
        'string, excluded value',
        { detail: { state: [{ 'anything-but': 'initializing' }] } },
        rulerDetail({ state: 'initializing' }),
        false,
      ],
      [
        'missing field does not match',
        { detail: { missing: [{ 'anything-but': 'initializing' }] } },
        ruler,
        false,
      ],
      [
        'string excluded, number present',
        { detail: { state: [{ 'anything-but': 'initializing' }] } },
        rulerDetail({ state: 5 }),
        true,
      ],
      [
        'string excluded, null present',
        { detail: { state: [{ 'anything-but': 'initializing' }] } },
        rulerDetail({ state: null }),
        true,
      ],
      ['number, other value', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, ruler, true],
      [
        'number, excluded value',
        { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
        rulerDetail({ 'x-limit': 123 }),
        false,
      ],
      [
        'number excluded by value, not spelling',
        { detail: { 'x-limit': [{ 'anything-but': 1.23e2 }] } },
        rulerDetail({ 'x-limit': 123 }),
        false,
      ],
      [
        'number excluded, string present',
        { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
        rulerDetail({ 'x-limit': '123' }),
        true,
      ],
      [
        'list of strings, other value',
        { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
        ruler,
        true,
      ],
      [
        'list of strings, excluded value',
        { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
        rulerDetail({ state: 'overloaded' }),
        false,
      ],
      [
        'list of numbers, other value',
        { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
        ruler,
        true,
      ],
      [
        'list of numbers, excluded value',
        { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
        rulerDetail({ 'x-limit': 200 }),
        false,
      ],
      ['prefix, other value', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, ruler, true],
      [
        'prefix, excluded value',
        { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
        rulerDetail({ state: 'initializing' }),
        false,
      ],
      [
        'prefix, number present',
        { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
        rulerDetail({ state: 7 }),
        true,
      ],
      [
        'prefix list, excluded value',
        { detail: { state: [{ 'anything-but': { prefix: ['init', 'error'] } }] } },
        rulerDetail({ state: 'errored' }),
        false,
      ],
      [
        'prefix list, other value',
        { detail: { state: [{ 'anything-but': { prefix: ['init', 'error'] } }] } },
        ruler,
        true,
      ],
      [
        'region not in the US',
        { detail: { Region: [{ 'anything-but': { prefix: 'us-' } }] } },
        d({ Region: 'eu-west-1' }),
        true,
      ],
      [
        'region in the US',
        { detail: { Region: [{ 'anything-but': { prefix: 'us-' } }] } },
        d({ Region: 'us-east-1' }),
        false,
      ],
      [
        'suffix, excluded value',
        { detail: { 'instance-id': [{ 'anything-but': { suffix: '1234' } }] } },
        d({ 'instance-id': 'i-01234' }),
        false,
      ],
      [
        'suffix, other value',
        { detail: { 'instance-id': [{ 'anything-but': { suffix: '1234' } }] } },
        d({ 'instance-id': 'i-05678' }),
        true,
      ],
      [
        'suffix list, excluded value',
        { detail: { 'instance-id': [{ 'anything-but': { suffix: ['1234', '6789'] } }] } },
        d({ 'instance-id': 'i-06789' }),
        false,
      ],
      [
        'file not png',
        { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
        d({ FileName: 'a.jpg' }),
        true,
      ],
      [
        'ignore case, excluded value',
        { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'Stopped' } }] } },
        d({ state: 'STOPPED' }),
        false,
      ],
      [
        'ignore case, other value',
        { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'Stopped' } }] } },
        d({ state: 'running' }),
        true,
      ],
      [
        'ignore case list, excluded value',
        { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } },
        d({ state: 'overloaded' }),
        false,
      ],
      [
        'wildcard, excluded value',
        { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
        d({ FilePath: '/usr/lib/x.so' }),
        false,
      ],
      [
        'wildcard, other value',
        { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
        d({ FilePath: '/usr/bin/x' }),
        true,
      ],
      [
        'wildcard list, excluded value',
        { detail: { state: [{ 'anything-but': { wildcard: ['*/bin/*.jar', '*/bin/*.class'] } }] } },
        d({ state: '/opt/bin/A.class' }),
        false,
      ],
      [
        'wildcard list, other value',
        { detail: { state: [{ 'anything-but': { wildcard: ['*/bin/*.jar', '*/bin/*.class'] } }] } },
        d({ state: '/opt/lib/A.class' }),
        true,
      ],
      [
        'event array with a non-excluded member',
        { detail: { state: [{ 'anything-but': 'stopped' }] } },
        d({ state: ['stopped', 'running'] }),
        true,
      ],
      [
        'event array of only excluded members',
        { detail: { state: [{ 'anything-but': 'stopped' }] } },
        d({ state: ['stopped'] }),
        false,
      ],
      [
        'weather anything but raining (list of one)',
        { detail: { Weather: [{ 'anything-but': ['Raining'] }] } },
        d({ Weather: 'Sunny' }),
        true,
      ],
    ],
  },
  {
    group: 'numeric',
    source: 'user guide, Content filtering / Numeric matching; event-ruler README',
    cases: [
      [
        'ruler numeric example',
        {
          detail: {
            'c-count': [{ numeric: ['>', 0, '<=', 5] }],
            'd-count': [{ numeric: ['<', 10] }],
            'x-limit': [{ numeric: ['=', 3.018e2] }],
          },
        },
        ruler,
        true,
      ],
      [
        'upper bound inclusive',
        { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
        rulerDetail({ 'c-count': 5 }),
        true,
      ],
      [
        'lower bound exclusive',
        { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
        rulerDetail({ 'c-count': 0 }),
        false,
      ],
      [
        'just above the range',
        { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
        rulerDetail({ 'c-count': 5.000001 }),
        false,
      ],
      [
        'six decimals inside the range',
        { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
        rulerDetail({ 'c-count': 0.000001 }),
        true,
      ],
      ['>= inclusive', { detail: { n: [{ numeric: ['>=', 10] }] } }, d({ n: 10 }), true],
      ['< exclusive', { detail: { n: [{ numeric: ['<', 10] }] } }, d({ n: 10 }), false],
      ['>= and < range', { detail: { n: [{ numeric: ['>=', 10, '<', 20] }] } }, d({ n: 19.5 }), true],
      [
        'price more than 10 and at most 20',
        { detail: { Price: [{ numeric: ['>', 10, '<=', 20] }] } },
        d({ Price: 20 }),
        true,
      ],
      ['price is 100', { detail: { Price: [{ numeric: ['=', 100] }] } }, d({ Price: 100 }), true],
      ['equals by value', { detail: { Price: [{ numeric: ['=', 100] }] } }, d({ Price: 1e2 }), true],
      ['equals, other value', { detail: { Price: [{ numeric: ['=', 100] }] } }, d({ Price: 100.5 }), false],
      ['negative range', { detail: { n: [{ numeric: ['>', -10, '<', -5] }] } }, d({ n: -7.25 }), true],
      ['numeric does not match strings', { detail: { n: [{ numeric: ['<', 10] }] } }, d({ n: '3' }), false],
      ['numeric does not match booleans', { detail: { n: [{ numeric: ['>', 0] }] } }, d({ n: true }), false],
      ['numeric on a missing field', { detail: { n: [{ numeric: ['>', 0] }] } }, d({}), false],
      [
        'event number beyond 5e9 is not compared',
        { detail: { n: [{ numeric: ['>', 0] }] } },
        d({ n: 6e9 }),
        false,
      ],
      ['limit itself is compared', { detail: { n: [{ numeric: ['>=', 5e9] }] } }, d({ n: 5e9 }), true],
      ['numeric in an event array', { detail: { n: [{ numeric: ['>', 10] }] } }, d({ n: [1, 20] }), true],
      [
        'two numeric alternatives',
        { detail: { n: [{ numeric: ['<', 0] }, { numeric: ['>', 100] }] } },
        d({ n: 50 }),
        false,
      ],
      [
        'two numeric alternatives, second holds',
        { detail: { n: [{ numeric: ['<', 0] }, { numeric: ['>', 100] }] } },
        d({ n: 150 }),
        true,
      ],
    ],
  },
  {
    group: 'numbers matched by value',
    source:
      'event-ruler JsonRuleCompiler: a number in a value array is matched as numericEquals as well as literally',
    cases: [
      ['300 matches 3.0e2', { detail: { n: [300] } }, JSON.parse('{"detail":{"n":3.0e2}}'), true],
      ['3.0e2 matches 300.0', { detail: { n: [3.0e2] } }, JSON.parse('{"detail":{"n":300.0}}'), true],
      ['0.3 matches 0.1 + 0.2 (six decimals)', { detail: { n: [0.3] } }, d({ n: 0.1 + 0.2 }), true],
      ['beyond six decimals is not distinguished', { detail: { n: [1.0000001] } }, d({ n: 1.0000002 }), true],
      ['different numbers', { detail: { n: [5] } }, d({ n: 6 }), false],
      [
        'large account-like number beyond 5e9 matches exactly',
        { detail: { account: [123456789012] } },
        d({ account: 123456789012 }),
        true,
      ],
      ['large numbers differ', { detail: { account: [123456789012] } }, d({ account: 123456789013 }), false],
    ],
  },
  {
    group: 'cidr',
    source: 'user guide, Content filtering / IP address matching; event-ruler README and CIDR',
    cases: [
      [
        'IPv4 in /24',
        { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
        d({ sourceIPAddress: '10.0.0.255' }),
        true,
      ],
      [
        'IPv4 outside /24',
        { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
        d({ sourceIPAddress: '10.0.1.1' }),
        false,
      ],
      ['ruler source-ip in /24', { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, ruler, true],
      ['IPv4 in /8', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, d({ ip: '10.255.0.1' }), true],
      ['IPv4 in /16', { detail: { ip: [{ cidr: '192.168.0.0/16' }] } }, d({ ip: '192.168.1.5' }), true],
      [
        'host bits in the pattern are masked',
        { detail: { ip: [{ cidr: '10.0.0.5/24' }] } },
        d({ ip: '10.0.0.200' }),
        true,
      ],
      [
        '/0 holds every IPv4 address',
        { detail: { ip: [{ cidr: '0.0.0.0/0' }] } },
        d({ ip: '8.8.8.8' }),
        true,
      ],
      ['IPv6 in /32', { detail: { ip: [{ cidr: '2001:db8::/32' }] } }, d({ ip: '2001:db8::1' }), true],
      ['IPv6 outside /32', { detail: { ip: [{ cidr: '2001:db8::/32' }] } }, d({ ip: '2001:db9::1' }), false],
      [
        'IPv6 written in full',
        { detail: { ip: [{ cidr: '2001:db8::/32' }] } },
        d({ ip: '2001:0db8:0000:0000:0000:0000:0000:0001' }),
        true,
      ],
      [
        'IPv6 value against IPv4 range',
        { detail: { ip: [{ cidr: '10.0.0.0/8' }] } },
        d({ ip: '::1' }),
        false,
      ],
      ['not an address', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, d({ ip: 'hello' }), false],
      ['invalid octet', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, d({ ip: '10.0.0.256' }), false],
      ['number is not an address', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, d({ ip: 10 }), false],
    ],
  },
  {
    group: 'exists',
    source: 'user guide, Content filtering / Exists matching; event-ruler README and NameState',
    cases: [
      ['exists true, present', { detail: { state: [{ exists: true }] } }, ec2, true],
      [
        'exists true, missing',
        { detail: { state: [{ exists: true }] } },
        d({ 'c-count': { c1: 100 } }),
        false,
      ],
      ['exists false, missing', { detail: { 'c-count': [{ exists: false }] } }, ec2, true],
      ['exists false, present', { detail: { 'c-count': [{ exists: false }] } }, ruler, false],
      [
        'exists false, field is not a leaf',
        { detail: { 'c-count': [{ exists: false }] } },
        d({ state: 'x', 'c-count': { c1: 100 } }),
        true,
      ],
      [
        'exists true, field is not a leaf',
        { detail: { 'c-count': [{ exists: true }] } },
        d({ 'c-count': { c1: 100 } }),
        false,
      ],
      ['exists true, null is a value', { detail: { v: [{ exists: true }] } }, d({ v: null }), true],
      ['exists false, null is a value', { detail: { v: [{ exists: false }] } }, d({ v: null }), false],
      ['exists true, empty array has no value', { detail: { v: [{ exists: true }] } }, d({ v: [] }), false],
      ['exists false, empty array has no value', { detail: { v: [{ exists: false }] } }, d({ v: [] }), true],
      ['exists true, array with values', { detail: { v: [{ exists: true }] } }, d({ v: ['a'] }), true],
      ['exists false, whole parent missing', { detail: { v: [{ exists: false }] } }, { source: 'x' }, true],
      ['exists false, parent is a string', { detail: { v: [{ exists: false }] } }, { detail: 'text' }, true],
      [
        'exists false, no element of an array has it',
        { detail: { items: { v: [{ exists: false }] } } },
        d({ items: [{ a: 1 }, { b: 2 }] }),
        true,
      ],
      [
        'exists false, one element of an array has it',
        { detail: { items: { v: [{ exists: false }] } } },
        d({ items: [{ a: 1 }, { v: 2 }] }),
        false,
      ],
      [
        'exists false with a value alternative, absent',
        { detail: { v: [{ exists: false }, 'x'] } },
        d({}),
        true,
      ],
      [
        'exists false with a value alternative, matching value',
        { detail: { v: [{ exists: false }, 'x'] } },
        d({ v: 'x' }),
        true,
      ],
      [
        'exists false with a value alternative, other value',
        { detail: { v: [{ exists: false }, 'x'] } },
        d({ v: 'y' }),
        false,
      ],
      [
        'exists false combined with a value field',
        { source: ['aws.ec2'], detail: { 'c-count': [{ exists: false }] } },
        ec2,
        true,
      ],
      ['product name exists', { detail: { ProductName: [{ exists: true }] } }, d({ ProductName: 'x' }), true],
    ],
  },
  {
    group: 'wildcard',
    source: 'user guide, Content filtering / Wildcard matching; event-ruler README and WildcardParser',
    cases: [
      [
        'event bus ARN wildcard',
        { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } },
        d({ EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' }),
        true,
      ],
      [
        'event bus ARN other region',
        { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } },
        d({ EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/default' }),
        false,
      ],
      [
        'png in a folder',
        { detail: { Filename: [{ wildcard: 'dir/*.png' }] } },
        d({ Filename: 'dir/image.png' }),
        true,
      ],
      [
        'star spans slashes',
        { detail: { Filename: [{ wildcard: 'dir/*.png' }] } },
        d({ Filename: 'dir/a/b.png' }),
        true,
      ],
      [
        'png in another folder',
        { detail: { Filename: [{ wildcard: 'dir/*.png' }] } },
        d({ Filename: 'other/image.png' }),
        false,
      ],
      [
        'star matches nothing',
        { source: [{ wildcard: 'Simple*Service' }] },
        { source: 'SimpleService' },
        true,
      ],
      [
        'star matches a run',
        { source: [{ wildcard: 'Simple*Service' }] },
        { source: 'SimpleNotificationService' },
        true,
      ],
      ['contains', { detail: { title: [{ wildcard: '*Title*' }] } }, d({ title: 'A Title here' }), true],
      [
        'contains, absent',
        { detail: { title: [{ wildcard: '*Title*' }] } },
        d({ title: 'A title here' }),
        false,
      ],
      ['no star is exact', { source: [{ wildcard: 'aws.ec2' }] }, ec2, true],
      ['only a star matches any string', { source: [{ wildcard: '*' }] }, ec2, true],
      ['only a star does not match a number', { detail: { n: [{ wildcard: '*' }] } }, d({ n: 1 }), false],
      ['escaped star is literal', { detail: { k: [{ wildcard: 'a\\*b' }] } }, d({ k: 'a*b' }), true],
      [
        'escaped star does not match other text',
        { detail: { k: [{ wildcard: 'a\\*b' }] } },
        d({ k: 'axb' }),
        false,
      ],
      ['escaped backslash is literal', { detail: { k: [{ wildcard: 'a\\\\*' }] } }, d({ k: 'a\\bc' }), true],
      ['segments in order', { detail: { k: [{ wildcard: '*a*b*' }] } }, d({ k: 'xbxa' }), false],
      ['overlapping head and tail', { detail: { k: [{ wildcard: 'ab*ba' }] } }, d({ k: 'aba' }), false],
    ],
  },
  {
    group: '$or',
    source: 'user guide, Complex example with $or; event-ruler README, The "$or" Primitive',
    cases: [
      [
        'guide $or, first branch',
        {
          detail: {
            $or: [
              { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
              { 'd-count': [{ numeric: ['<', 10] }] },
              { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
            ],
          },
        },
        ruler,
        true,
      ],
      [
        'guide $or, last branch',
        {
          detail: {
            $or: [
              { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
              { 'd-count': [{ numeric: ['<', 10] }] },
              { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
            ],
          },
        },
        rulerDetail({ 'c-count': 50, 'd-count': 30 }),
        true,
      ],
      [
        'guide $or, no branch',
        {
          detail: {
            $or: [
              { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
              { 'd-count': [{ numeric: ['<', 10] }] },
              { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
            ],
          },
        },
        rulerDetail({ 'c-count': 50, 'd-count': 30, 'x-limit': 1 }),
        false,
      ],
      [
        'source and (metricName or namespace): metricName',
        {
          source: ['aws.cloudwatch'],
          $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
        },
        { source: 'aws.cloudwatch', metricName: 'ReadLatency' },
        true,
      ],
      [
        'source and (metricName or namespace): namespace',
        {
          source: ['aws.cloudwatch'],
          $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
        },
        { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
        true,
      ],
      [
        'source and (metricName or namespace): neither',
        { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] },
        { source: 'aws.cloudwatch', metricName: 'Other' },
        false,
      ],
      [
        'source and (metricName or namespace): wrong source',
        { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] },
        { source: 'aws.ec2', metricName: 'CPUUtilization' },
        false,
      ],
      [
        'parallel $or, both hold',
        {
          $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
          detail: {
            $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }],
          },
        },
        { namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
        true,
      ],
      [
        'parallel $or, second fails',
        {
          $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
          detail: {
            $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }],
          },
        },
        { namespace: 'AWS/EC2', detail: { source: 'aws.ec2' } },
        false,
      ],
      [
        '$or branch with AND inside',
        {
          source: ['aws.cloudwatch'],
          $or: [
            { metricName: ['CPUUtilization'] },
            { metricType: ['MetricType'], namespace: ['AWS/EC2'] },
            { scope: ['Service'] },
          ],
        },
        { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' },
        true,
      ],
      [
        '$or branch with AND inside, half holds',
        {
          source: ['aws.cloudwatch'],
          $or: [
            { metricName: ['CPUUtilization'] },
            { metricType: ['MetricType'], namespace: ['AWS/EC2'] },
            { scope: ['Service'] },
          ],
        },
        { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' },
        false,
      ],
      [
        'nested $or inside a branch',
        {
          source: ['aws.cloudwatch'],
          $or: [
            { metricName: ['CPUUtilization'] },
            { metricType: ['MetricType'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
          ],
        },
        { source: 'aws.cloudwatch', metricType: 'MetricType', spaceId: 1000 },
        true,
      ],
      [
        'nested $or inside a branch, inner fails',
        {
          source: ['aws.cloudwatch'],
          $or: [
            { metricName: ['CPUUtilization'] },
            { metricType: ['MetricType'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
          ],
        },
        { source: 'aws.cloudwatch', metricType: 'MetricType', spaceId: 1 },
        false,
      ],
      [
        'location or day',
        { detail: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] } },
        d({ Location: 'Paris', Day: 'Monday' }),
        true,
      ],
      [
        '$or with an exists false branch, absent',
        { $or: [{ a: [{ exists: false }] }, { a: ['x'] }] },
        { b: 1 },
        true,
      ],
      [
        '$or with an exists false branch, other value',
        { $or: [{ a: [{ exists: false }] }, { a: ['x'] }] },
        { a: 'y' },
        false,
      ],
      [
        '$or over an array of objects',
        { detail: { $or: [{ a: [1] }, { b: [3] }] } },
        d([{ a: 1 }, { b: 2 }]),
        true,
      ],
    ],
  },
  {
    group: 'complex patterns',
    source: 'user guide and event-ruler README, Complex example; user guide note on repeated keys',
    cases: [
      [
        'complex example holds',
        {
          time: [{ prefix: '2017-10-02' }],
          detail: {
            state: [{ 'anything-but': 'initializing' }],
            'c-count': [{ numeric: ['>', 0, '<=', 5] }],
            'd-count': [{ numeric: ['<', 10] }],
            'x-limit': [{ 'anything-but': [100, 200, 300] }],
            'source-ip': [{ cidr: '10.0.0.0/8' }],
          },
        },
        ruler,
        true,
      ],
      [
        'complex example, x-limit excluded',
        {
          time: [{ prefix: '2017-10-02' }],
          detail: {
            state: [{ 'anything-but': 'initializing' }],
            'x-limit': [{ 'anything-but': [100, 200, 300] }],
          },
        },
        rulerDetail({ 'x-limit': 200 }),
        false,
      ],
      [
        'complex example, state excluded',
        {
          time: [{ prefix: '2017-10-02' }],
          detail: {
            state: [{ 'anything-but': 'initializing' }],
            'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          },
        },
        rulerDetail({ state: 'initializing' }),
        false,
      ],
      [
        'complex example, c-count out of range',
        {
          time: [{ prefix: '2017-10-02' }],
          detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }] },
        },
        rulerDetail({ 'c-count': 0 }),
        false,
      ],
      [
        'ruler simple matching example',
        {
          'detail-type': ['EC2 Instance State-change Notification'],
          resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
          detail: { state: ['initializing', 'running'] },
        },
        ruler,
        true,
      ],
      [
        'repeated key: the last one is used',
        JSON.parse('{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}'),
        d({ location: 'eu-west' }),
        true,
      ],
      [
        'repeated key: the last one excludes',
        JSON.parse('{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}'),
        d({ location: 'us-east' }),
        false,
      ],
      [
        'several operators in one value array',
        { detail: { v: [{ prefix: 'a' }, { suffix: 'z' }, { numeric: ['>', 100] }] } },
        d({ v: 'xyz' }),
        true,
      ],
      [
        'several operators, none holds',
        { detail: { v: [{ prefix: 'a' }, { suffix: 'z' }, { numeric: ['>', 100] }] } },
        d({ v: 50 }),
        false,
      ],
    ],
  },
  {
    group: 'a field both inside and outside $or: the later in key order wins',
    source:
      'event-ruler JsonRuleCompiler.parseIntoOrRelationship and writeRules (rule.put per flat rule); user guide, Complex example with $or: "the last reference will be the one used"',
    cases: [
      [
        'outer first: a branch replaces it',
        { a: ['x'], $or: [{ a: ['1'] }, { b: ['2'] }] },
        { a: '1' },
        true,
      ],
      [
        'outer first: kept in the other branch',
        { a: ['x'], $or: [{ a: ['1'] }, { b: ['2'] }] },
        { a: 'x' },
        false,
      ],
      [
        'outer first: held with the other branch',
        { a: ['x'], $or: [{ a: ['1'] }, { b: ['2'] }] },
        { a: 'x', b: '2' },
        true,
      ],
      ['outer last: replaces the branch', { $or: [{ a: ['1'] }, { b: ['2'] }], a: ['x'] }, { a: 'x' }, true],
      [
        'outer last: the branch value is gone',
        { $or: [{ a: ['1'] }, { b: ['2'] }], a: ['x'] },
        { a: '1' },
        false,
      ],
      [
        'nested path, outer first',
        { detail: { a: ['x'] }, $or: [{ detail: { a: ['1'] } }, { b: ['2'] }] },
        { detail: { a: '1' } },
        true,
      ],
      [
        'nested path, outer last',
        { $or: [{ detail: { a: ['1'] } }, { b: ['2'] }], detail: { a: ['x'] } },
        { detail: { a: 'x' } },
        true,
      ],
      [
        '$or inside a nested object, outer last',
        { detail: { $or: [{ a: ['1'] }, { b: ['2'] }], a: ['x'] } },
        { detail: { a: 'x' } },
        true,
      ],
      [
        '$or inside a nested object, outer last, branch value gone',
        { detail: { $or: [{ a: ['1'] }, { b: ['2'] }], a: ['x'] } },
        { detail: { a: '1', b: '3' } },
        false,
      ],
      [
        'nested $or replaces the outer field in its own branch only',
        { a: ['x'], $or: [{ $or: [{ a: ['1'] }, { c: ['3'] }] }, { b: ['2'] }] },
        { a: 'x', c: '3' },
        true,
      ],
      [
        'nested $or, the replacing branch',
        { a: ['x'], $or: [{ $or: [{ a: ['1'] }, { c: ['3'] }] }, { b: ['2'] }] },
        { a: '1' },
        true,
      ],
      [
        'other required fields stay required',
        { source: ['s'], a: ['x'], $or: [{ a: ['1'] }, { b: ['2'] }] },
        { source: 't', a: '1' },
        false,
      ],
    ],
  },
  {
    group: 'a string that is an IP address matches that address',
    source:
      'event-ruler JsonRuleCompiler.writeRules (CIDR.ipToRangeIfPossible), CIDRTest.TestCorrectRangesForSingleIpAddress and testInvalidIPMatchedByIPv6Regex; Java InetAddress javadoc ("007.008.009.010" is 7.8.9.10)',
    cases: [
      ['same text', { detail: { ip: ['10.0.0.1'] } }, d({ ip: '10.0.0.1' }), true],
      ['leading zeros are decimal', { detail: { ip: ['10.0.0.1'] } }, d({ ip: '010.0.0.01' }), true],
      ['another address', { detail: { ip: ['10.0.0.1'] } }, d({ ip: '10.0.0.10' }), false],
      [
        'over 15 characters is no address',
        { detail: { ip: ['10.0.0.1'] } },
        d({ ip: '0000000010.0.0.1' }),
        false,
      ],
      [
        'IPv4-mapped IPv6 is the IPv4 address',
        { detail: { ip: ['10.0.0.1'] } },
        d({ ip: '::ffff:a00:1' }),
        true,
      ],
      ['IPv6 written in full', { detail: { ip: ['2001:db8::1'] } }, d({ ip: '2001:0db8:0:0:0:0:0:1' }), true],
      ['IPv6 in upper case', { detail: { ip: ['2001:db8::1'] } }, d({ ip: '2001:DB8::1' }), true],
      ['IPv6 pattern in upper case', { detail: { ip: ['FACE::'] } }, d({ ip: 'face::' }), true],
      ['IPv6 another address', { detail: { ip: ['2001:db8::1'] } }, d({ ip: '2001:db8::2' }), false],
      [
        'a dotted IPv6 tail is plain text',
        { detail: { ip: ['::ffff:10.0.0.1'] } },
        d({ ip: '10.0.0.1' }),
        false,
      ],
      [
        'plain text matches itself',
        { detail: { ip: ['::ffff:10.0.0.1'] } },
        d({ ip: '::ffff:10.0.0.1' }),
        true,
      ],
      ['not an address though the IPv6 regex takes it', { a: ['08:23'] }, { a: '08:23' }, true],
      ['an invalid IPv4 is plain text', { a: ['10.0.0.256'] }, { a: '10.0.0.256' }, true],
      ['beside other values', { detail: { ip: ['x', '10.0.0.1'] } }, d({ ip: '10.000.0.1' }), true],
    ],
  },
  {
    group: 'equals-ignore-case character by character',
    source:
      "event-ruler input/EqualsIgnoreCaseParser (each char's Locale.ROOT lower or upper case, as UTF-8)",
    cases: [
      ['ß takes SS', { a: [{ 'equals-ignore-case': 'straße' }] }, { a: 'STRASSE' }, true],
      ['ß does not take ss', { a: [{ 'equals-ignore-case': 'straße' }] }, { a: 'strasse' }, false],
      ['SS does not take ß', { a: [{ 'equals-ignore-case': 'STRASSE' }] }, { a: 'straße' }, false],
      ['final sigma takes capital sigma', { a: [{ 'equals-ignore-case': 'ς' }] }, { a: 'Σ' }, true],
      ['capital sigma does not take final sigma', { a: [{ 'equals-ignore-case': 'Σ' }] }, { a: 'ς' }, false],
      ['Kelvin sign takes k', { a: [{ 'equals-ignore-case': '\u212A' }] }, { a: 'k' }, true],
      ['Kelvin sign does not take K', { a: [{ 'equals-ignore-case': '\u212A' }] }, { a: 'K' }, false],
      ['k does not take the Kelvin sign', { a: [{ 'equals-ignore-case': 'k' }] }, { a: '\u212A' }, false],
      [
        'dotted capital I takes i and a combining dot',
        { a: [{ 'equals-ignore-case': 'İ' }] },
        { a: 'i\u0307' },
        true,
      ],
      ['an astral letter is two question marks', { a: [{ 'equals-ignore-case': '𐐀' }] }, { a: '??' }, true],
      ['an astral letter does not take itself', { a: [{ 'equals-ignore-case': '𐐀' }] }, { a: '𐐀' }, false],
      ['regex characters are literal', { a: [{ 'equals-ignore-case': 'A.*' }] }, { a: 'a.*' }, true],
      [
        'regex characters are literal, no match',
        { a: [{ 'equals-ignore-case': 'A.*' }] },
        { a: 'abc' },
        false,
      ],
      [
        'prefix: ß takes SS',
        { a: [{ prefix: { 'equals-ignore-case': 'straße' } }] },
        { a: 'STRASSENBAHN' },
        true,
      ],
      [
        'prefix: ß does not take ss',
        { a: [{ prefix: { 'equals-ignore-case': 'straße' } }] },
        { a: 'strassenbahn' },
        false,
      ],
      ['suffix: ß takes SS', { a: [{ suffix: { 'equals-ignore-case': 'ß' } }] }, { a: 'FUSS' }, true],
      [
        'suffix: Kelvin sign does not take K',
        { a: [{ suffix: { 'equals-ignore-case': '\u212A' } }] },
        { a: 'OK' },
        false,
      ],
      [
        'anything-but: Kelvin sign leaves K',
        { a: [{ 'anything-but': { 'equals-ignore-case': '\u212A' } }] },
        { a: 'K' },
        true,
      ],
      [
        'anything-but: Kelvin sign excludes k',
        { a: [{ 'anything-but': { 'equals-ignore-case': '\u212A' } }] },
        { a: 'k' },
        false,
      ],
    ],
  },
  {
    group: 'cidr as event-ruler reads addresses',
    source:
      'event-ruler CIDR.cidr and ipToBytes (Integer.parseInt mask, Java InetAddress makes IPv4-mapped IPv6 IPv4)',
    cases: [
      [
        'IPv4-mapped IPv6 value in an IPv4 range',
        { ip: [{ cidr: '10.0.0.0/24' }] },
        { ip: '::ffff:a00:1' },
        true,
      ],
      ['mask with a plus sign', { ip: [{ cidr: '10.0.0.0/+8' }] }, { ip: '10.1.2.3' }, true],
      ['value with leading zeros', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '010.000.000.001' }, true],
      ['a dotted IPv6 tail is no address', { ip: [{ cidr: '::/0' }] }, { ip: '::ffff:10.0.0.1' }, false],
      ['IPv4-mapped IPv6 is not in an IPv6 range', { ip: [{ cidr: '::/0' }] }, { ip: '::ffff:a00:1' }, false],
    ],
  },
];

/** Invalid patterns and a substring of the problem each must report. */
export const INVALID_PATTERNS: readonly (readonly [pattern: unknown, detail: string, pointer?: string])[] = [
  [[], 'JSON object', ''],
  ['source', 'JSON object', ''],
  [null, 'JSON object', ''],
  [{}, 'Empty objects are not allowed', ''],
  [{ detail: {} }, 'Empty objects are not allowed', '/detail'],
  [{ source: [] }, 'Empty arrays are not allowed', '/source'],
  [{ source: 'aws.ec2' }, '"source" must be an object or an array', '/source'],
  [{ source: 5 }, 'must be an object or an array'],
  [{ source: null }, 'must be an object or an array'],
  [{ source: [['aws.ec2']] }, 'Match value must be String, number, true, false, or null', '/source/0'],
  [{ source: [Number.NaN] }, 'Match value must be String, number, true, false, or null'],
  [{ source: [{}] }, 'Match expression name not found', '/source/0'],
  [{ source: [{ prefix: 'a', suffix: 'b' }] }, 'Only one key allowed in match expression'],
  [{ source: [{ contains: 'x' }] }, 'Unrecognized match type contains', '/source/0/contains'],
  [{ detail: { state: [{ prefix: 5 }] } }, 'prefix match pattern must be a string', '/detail/state/0/prefix'],
  [
    { source: [{ prefix: { 'equals-ignore-case': 5 } }] },
    'equals-ignore-case match pattern must be a string',
  ],
  [{ source: [{ prefix: { other: 'x' } }] }, 'Unsupported prefix pattern: other'],
  [{ source: [{ suffix: null }] }, 'suffix match pattern must be a string'],
  [{ source: [{ suffix: { 'equals-ignore-case': 'x', other: 'y' } }] }, 'Only one key allowed'],
  [{ source: [{ 'equals-ignore-case': ['a'] }] }, 'equals-ignore-case match pattern must be a string'],
  [{ source: [{ wildcard: 'a**b' }] }, 'Consecutive wildcard characters at pos 1'],
  [{ source: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 1'],
  [{ source: [{ wildcard: 5 }] }, 'wildcard match pattern must be a string'],
  [{ source: [{ 'anything-but': null }] }, 'anything-but must be an array or single string/number value'],
  [{ source: [{ 'anything-but': true }] }, 'anything-but must be an array or single string/number value'],
  [{ source: [{ 'anything-but': ['a', 1] }] }, 'mixed type is not supported'],
  [{ source: [{ 'anything-but': [] }] }, 'Empty arrays are not allowed'],
  [
    { source: [{ 'anything-but': ['a', null] }] },
    'anything-but must be an array or single string/number value',
    '/source/0/anything-but/1',
  ],
  [{ source: [{ 'anything-but': { prefix: '' } }] }, 'Null prefix/suffix not allowed'],
  [{ source: [{ 'anything-but': { suffix: [''] } }] }, 'Null prefix/suffix not allowed'],
  [{ source: [{ 'anything-but': { prefix: 5 } }] }, 'anything-but prefix match pattern must be a string'],
  [{ source: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'Unsupported anything-but pattern: numeric'],
  [{ source: [{ 'anything-but': {} }] }, 'Anything-But expression name not found'],
  [{ source: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] }, 'Only one key allowed'],
  [{ source: [{ 'anything-but': { wildcard: 'a**' } }] }, 'Consecutive wildcard characters'],
  [{ source: [{ 'anything-but': { 'equals-ignore-case': [1] } }] }, 'must be a string'],
  [{ source: [{ 'anything-but': 6e9 }] }, 'Value must be between -5.0e+9 and 5.0e+9, inclusive'],
  [{ n: [{ numeric: '>' }] }, 'Value of numeric must be an array.'],
  [{ n: [{ numeric: [] }] }, 'Invalid member in numeric match'],
  [{ n: [{ numeric: [5, '>'] }] }, 'Invalid member in numeric match'],
  [{ n: [{ numeric: ['~', 1] }] }, 'Unrecognized numeric range operator: ~'],
  [{ n: [{ numeric: ['>', '1'] }] }, 'Value of > must be numeric', '/n/0/numeric/1'],
  [{ n: [{ numeric: ['>'] }] }, 'Value of > must be numeric'],
  [{ n: [{ numeric: ['>', 5, '<', 1] }] }, 'Bottom must be less than top'],
  [{ n: [{ numeric: ['>=', 5, '<=', 5] }] }, 'Bottom must be less than top'],
  [{ n: [{ numeric: ['=', 5, '<', 10] }] }, 'Too many elements in numeric expression'],
  [{ n: [{ numeric: ['<', 5, '>', 1] }] }, 'Too many elements in numeric expression'],
  [{ n: [{ numeric: ['>', 1, '>', 10] }] }, 'Bad numeric range operator: >'],
  [{ n: [{ numeric: ['>', 1, '<', 10, 5] }] }, 'Too many elements in numeric expression'],
  [{ n: [{ numeric: ['>', 1, '<'] }] }, 'Value of < must be numeric'],
  [{ n: [{ numeric: ['<', 6e9] }] }, 'Value must be between'],
  [{ n: [{ numeric: ['>', -5.000001e9] }] }, 'Value must be between'],
  [{ n: [{ exists: 'true' }] }, 'exists match pattern must be either true or false.'],
  [{ n: [{ exists: null }] }, 'exists match pattern must be either true or false.'],
  [{ ip: [{ cidr: '10.0.0.0' }] }, "Malformed CIDR, one '/' required"],
  [{ ip: [{ cidr: '10.0.0.0/x' }] }, 'mask bits must be an integer'],
  [{ ip: [{ cidr: '10.0.0.0/-1' }] }, 'mask bits must not be negative'],
  [{ ip: [{ cidr: '10.0.0.0/32' }] }, 'IPv4 mask bits must be < 32'],
  [{ ip: [{ cidr: '2001:db8::/128' }] }, 'IPv6 mask bits must be < 128'],
  [{ ip: [{ cidr: '10.0.0.256/8' }] }, 'invalid IP address'],
  [{ ip: [{ cidr: 'a::b::c/8' }] }, 'invalid IP address'],
  [{ ip: [{ cidr: 10 }] }, 'cidr match pattern must be a string'],
  // event-ruler CIDR.ipToBytes: its IPv6 regex has no dots, and Java makes IPv4-mapped IPv6 IPv4.
  [{ ip: [{ cidr: '::ffff:10.0.0.0/120' }] }, 'invalid IP address'],
  [{ ip: [{ cidr: '::ffff:0:0/96' }] }, 'IPv4 mask bits must be < 32'],
  // event-ruler CIDR.cidr: Integer.parseInt fails past an int.
  [{ ip: [{ cidr: '10.0.0.0/2147483648' }] }, 'mask bits must be an integer'],
  [{ $or: { a: ['x'] } }, 'It must be an Array followed with $or.', '/$or'],
  [{ $or: [{ a: ['x'] }] }, 'There must have at least 2 Objects in $or relationship.'],
  [{ $or: [{ a: ['x'] }, 'b'] }, 'Only JSON object is allowed in array of $or relationship.', '/$or/1'],
  [{ $or: [{ a: ['x'] }, {}] }, 'Empty objects are not allowed', '/$or/1'],
  [
    { $or: [{ numeric: ['x'] }, { a: ['y'] }] },
    'numeric is a reserved field name which cannot be used inside $or',
    '/$or/0/numeric',
  ],
  [{ $or: [{ a: { prefix: ['x'] } }, { b: ['y'] }] }, 'prefix is a reserved field name'],
  [
    { $or: [{ a: [{ prefix: 5 }] }, { b: ['y'] }] },
    'prefix match pattern must be a string',
    '/$or/0/a/0/prefix',
  ],
  [
    {
      a: { $or: [{ a1: ['1'] }, { a2: ['2'] }, { a3: ['3'] }, { a4: ['4'] }, { a5: ['5'] }, { a6: ['6'] }] },
      b: { $or: [{ b1: ['1'] }, { b2: ['2'] }, { b3: ['3'] }, { b4: ['4'] }, { b5: ['5'] }, { b6: ['6'] }] },
      c: { $or: [{ c1: ['1'] }, { c2: ['2'] }, { c3: ['3'] }, { c4: ['4'] }, { c5: ['5'] }, { c6: ['6'] }] },
      $or: [{ d1: ['1'] }, { d2: ['2'] }, { d3: ['3'] }, { d4: ['4'] }, { d5: ['5'] }, { d6: ['6'] }],
    },
    'results in over 1000 rule combinations',
  ],
  [{ source: ['x'.repeat(5000)] }, 'longer than 4096 characters'],
  [{ 'a/b': { 'c~d': [{ prefix: 1 }] } }, 'prefix match pattern must be a string', '/a~1b/c~0d/0/prefix'],
];
