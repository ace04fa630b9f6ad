import { describe, expect, it } from 'vitest';
import { type Param, ParamSchema } from '../../../lib/sdk/manifest';
import { checkParams } from '../../../lib/sdk/params';

const params: Param[] = [
  { name: 'step', label: 'Step', type: 'integer', default: 1 },
  { name: 'target', label: 'Target', type: 'string', required: true },
  { name: 'mode', label: 'Mode', type: 'string', choices: ['fast', 'safe'], default: 'safe' },
  { name: 'dryRun', label: 'Dry run', type: 'boolean' },
  { name: 'tags', label: 'Tags', type: 'mapping' },
  { name: 'token', label: 'Token', type: 'secret' },
].map((p) => ParamSchema.parse(p));

describe('checkParams', () => {
  it('fills optional params with their defaults and leaves others out', () => {
    expect(checkParams(params, { target: 'db' }, '/params')).toEqual({
      values: { target: 'db', step: 1, mode: 'safe' },
      errors: [],
    });
  });

  it('keeps given values of the right type', () => {
    const given = { target: 'db', step: -3, mode: 'fast', dryRun: false, tags: { team: 'core' } };
    expect(checkParams(params, given, '/params')).toEqual({ values: given, errors: [] });
  });

  it('reports a missing required param', () => {
    expect(checkParams(params, {}, '/params').errors).toEqual([
      { pointer: '/params/target', detail: '"target" is required' },
    ]);
  });

  it('reports unknown params and names the known ones', () => {
    const { errors } = checkParams(params, { target: 'db', colour: 'red' }, '/params');
    expect(errors).toEqual([
      { pointer: '/params/colour', detail: expect.stringContaining('known: step, target, mode') },
    ]);
  });

  it('reports wrong types and values outside the choices', () => {
    const { values, errors } = checkParams(
      params,
      { target: 7, step: 1.5, mode: 'reckless', dryRun: 'yes', tags: { n: 1 } },
      '/params',
    );
    expect(errors).toEqual([
      { pointer: '/params/target', detail: 'must be of type string' },
      { pointer: '/params/step', detail: 'must be of type integer' },
      { pointer: '/params/mode', detail: 'must be one of "fast", "safe"' },
      { pointer: '/params/dryRun', detail: 'must be of type boolean' },
      { pointer: '/params/tags', detail: 'must be of type mapping' },
    ]);
    expect(values).toEqual({});
  });

  it('never accepts a secret from a caller', () => {
    const { values, errors } = checkParams(params, { target: 'db', token: 'hunter2' }, '/params');
    expect(errors).toEqual([{ pointer: '/params/token', detail: expect.stringContaining('secret') }]);
    expect(JSON.stringify(values)).not.toContain('hunter2');
  });

  it('rejects input that is not an object', () => {
    for (const input of [null, 'x', 3, ['target']]) {
      expect(checkParams(params, input, '/params')).toEqual({
        values: {},
        errors: [{ pointer: '/params', detail: 'must be an object' }],
      });
    }
    expect(checkParams(params, null, '').errors).toEqual([{ pointer: '', detail: 'must be an object' }]);
  });

  it('escapes names in JSON pointers', () => {
    expect(checkParams(params, { 'a/b~c': 1, target: 'x' }, '/params').errors[0]?.pointer).toBe(
      '/params/a~1b~0c',
    );
  });
});

describe('checkParams with names every object inherits', () => {
  const inherited: Param[] = [
    { name: 'constructor', label: 'Constructor', type: 'string', default: 'made' },
    { name: 'toString', label: 'To string', type: 'string', required: true },
  ].map((p) => ParamSchema.parse(p));

  it('fills the default of a param named constructor and reports a missing required toString', () => {
    expect(checkParams(inherited, {}, '/params')).toEqual({
      values: { constructor: 'made' },
      errors: [{ pointer: '/params/toString', detail: '"toString" is required' }],
    });
  });

  it('takes given values for them as for any other name', () => {
    expect(checkParams(inherited, { toString: 'a', constructor: 'b' }, '/params')).toEqual({
      values: { toString: 'a', constructor: 'b' },
      errors: [],
    });
  });
});
