import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SoftlogitError } from '../src/errors.js';
import { checkOptionKeys, describeValue } from '../src/input/optionKeys.js';

const SUPPORTED = ['weights', 'intercept', 'maxIter', 'offset', 'names'] as const;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SoftlogitError);
    return (e as SoftlogitError).code;
  }
  return undefined;
}

describe('checkOptionKeys', () => {
  it('accepts undefined and objects of supported keys, even with undefined values', () => {
    expect(() => checkOptionKeys(undefined, 'f', SUPPORTED)).not.toThrow();
    expect(() => checkOptionKeys({}, 'f', SUPPORTED)).not.toThrow();
    expect(() => checkOptionKeys({ weights: [1], intercept: undefined }, 'f', SUPPORTED)).not.toThrow();
  });

  it('names an unknown key and the supported key it is a typo of', () => {
    expect(() => checkOptionKeys({ weigths: [1] }, 'fitLogistic', SUPPORTED)).toThrow(/unknown option 'weigths'; did you mean 'weights'\?/);
    expect(() => checkOptionKeys({ intercep: false }, 'fitLogistic', SUPPORTED)).toThrow(/did you mean 'intercept'/);
    expect(() => checkOptionKeys({ maxiter: 3 }, 'fitLogistic', SUPPORTED)).toThrow(/did you mean 'maxIter'/);
    expect(() => checkOptionKeys({ colour: 1 }, 'fitLogistic', SUPPORTED)).toThrow(/unknown option 'colour' \(supported: /);
  });

  it('says why an option of another fit type is not supported here', () => {
    expect(() => checkOptionKeys({ firth: true }, 'fitSoftmax', SUPPORTED, { firth: 'Firth is for binary fits' })).toThrow(
      /option 'firth' is not supported here: Firth is for binary fits/,
    );
  });

  it('rejects options that are not a plain object', () => {
    for (const bad of [null, 5, 'x', [], true]) expect(codeOf(() => checkOptionKeys(bad, 'f', SUPPORTED))).toBe('BAD_OPTION');
  });

  it('throws BAD_OPTION for every key outside the supported set (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), (key) => {
        const code = codeOf(() => checkOptionKeys({ [key]: 1 }, 'f', SUPPORTED));
        return SUPPORTED.includes(key as (typeof SUPPORTED)[number]) ? code === undefined : code === 'BAD_OPTION';
      }),
    );
  });
});

describe('describeValue', () => {
  it('tells a string from a number', () => {
    expect(describeValue('0')).toBe("'0' (string)");
    expect(describeValue(0)).toBe('0');
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1, 2])).toBe('an array of 2');
    expect(describeValue(new Float64Array(2))).toBe('a Float64Array');
    expect(describeValue(() => 1)).toBe('a function');
  });
});
