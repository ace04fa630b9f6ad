import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitOptions, optionsFit } from '../../../lib/core/invocation/outdated-options';
import {
  type Manifest,
  OPTION_TYPES,
  type Param,
  ParamSchema,
  valueFitsType,
} from '../../../lib/sdk/manifest';
import { checkParams } from '../../../lib/sdk/params';

const NAMES = ['a', 'b', 'c', 'd'];
/** Stored names include some no manifest here declares: options a later version dropped. */
const STORED_NAMES = [...NAMES, 'e', 'f'];
const STRINGS = ['x', 'y', 'z'];

const valueOfType = (type: Param['type']): fc.Arbitrary<unknown> =>
  type === 'integer'
    ? fc.integer({ min: -2, max: 2 })
    : type === 'boolean'
      ? fc.boolean()
      : type === 'mapping'
        ? fc.dictionary(fc.constantFrom(...STRINGS), fc.constantFrom(...STRINGS), { maxKeys: 2 })
        : fc.constantFrom(...STRINGS);

/** Any value an option of some version may have held, of its type or another's. */
const storedValue = fc.oneof(
  ...OPTION_TYPES.map(valueOfType),
  fc.constant(1.5),
  fc.dictionary(fc.constantFrom(...STRINGS), fc.integer(), { minKeys: 1, maxKeys: 2 }),
);

/** An option definition as ParamSchema takes it: choices and a default of its type, the default among the choices. */
const param = fc
  .record({
    name: fc.constantFrom(...NAMES),
    type: fc.constantFrom(...OPTION_TYPES),
    required: fc.boolean(),
    withChoices: fc.boolean(),
    withDefault: fc.boolean(),
  })
  .chain(({ name, type, required, withChoices, withDefault }) => {
    const choosable = withChoices && (type === 'string' || type === 'integer');
    const choices = choosable
      ? fc.uniqueArray(valueOfType(type), { minLength: 1, maxLength: 3 })
      : fc.constant(undefined);
    return choices.chain((cs) =>
      (withDefault && type !== 'secret'
        ? cs
          ? fc.constantFrom(...cs)
          : valueOfType(type)
        : fc.constant(undefined)
      ).map((dflt) =>
        ParamSchema.parse({
          name,
          label: name,
          type,
          required,
          ...(cs ? { choices: cs } : {}),
          ...(dflt !== undefined ? { default: dflt } : {}),
        }),
      ),
    );
  });
const params = fc.uniqueArray(param, { selector: (p) => p.name, maxLength: NAMES.length });
const stored = fc.dictionary(fc.constantFrom(...STORED_NAMES), storedValue, { maxKeys: STORED_NAMES.length });

/** Whether a stored value fits its option: said afresh from the manifest rules, not by checkParams. */
const valueFits = (p: Param, value: unknown) =>
  p.type !== 'secret' &&
  valueFitsType(p.type, value) &&
  (!p.choices || p.choices.includes(value as string | number));

describe('fitOptions', () => {
  it('refuses exactly when a write of the stored options, less the undeclared ones, would be refused', () => {
    fc.assert(
      fc.property(params, stored, (ps, given) => {
        const declared = Object.fromEntries(
          Object.entries(given).filter(([name]) => ps.some((p) => p.name === name)),
        );
        const write = checkParams(ps, declared, '/options');
        const fit = fitOptions(ps, given);
        expect(fit.refusing).toEqual(write.errors);
        if (fit.refusing.length === 0) expect(fit.options).toEqual(write.values);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses for each declared option that does not fit or is required and unset, and leaves the undeclared out', () => {
    fc.assert(
      fc.property(params, stored, (ps, given) => {
        const fit = fitOptions(ps, given);
        const at = (name: string) => `/options/${name}`;
        const unfit = ps
          .filter((p) =>
            Object.hasOwn(given, p.name)
              ? !valueFits(p, given[p.name])
              : p.required && p.default === undefined && p.type !== 'secret',
          )
          .map((p) => at(p.name));
        const undeclared = Object.keys(given)
          .filter((name) => !ps.some((p) => p.name === name))
          .map(at);
        expect(fit.refusing.map((e) => e.pointer).sort()).toEqual(unfit.sort());
        expect(fit.outdated.map((e) => e.pointer).sort()).toEqual([...unfit, ...undeclared].sort());
        if (unfit.length > 0) return;
        // What a handler typed from the manifest gets: declared, fitting options, defaults filled in.
        const expected: Record<string, unknown> = {};
        for (const p of ps) {
          if (Object.hasOwn(given, p.name)) expected[p.name] = given[p.name];
          else if (p.default !== undefined) expected[p.name] = p.default;
        }
        expect(fit.options).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('optionsFit', () => {
  const manifestWith = (options: Param[]) => ({ options }) as unknown as Manifest;

  it('is made once per stored options object and options list, and again for an upgraded manifest', () => {
    const options = Object.freeze({ a: 'x', e: 1 });
    const v1 = manifestWith([ParamSchema.parse({ name: 'a', label: 'A', type: 'string' })]);
    const first = optionsFit(v1, options);
    expect(optionsFit(v1, options)).toBe(first);
    expect(first.outdated.map((e) => e.pointer)).toEqual(['/options/e']);
    const v2 = manifestWith([ParamSchema.parse({ name: 'a', label: 'A', type: 'integer' })]);
    expect(optionsFit(v2, options).refusing.map((e) => e.pointer)).toEqual(['/options/a']);
  });
});
