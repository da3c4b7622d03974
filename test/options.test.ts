// Never silently wrong, part 2 (issue #12): options objects are checked against the keys each
// function supports; labels that print alike are refused; the shaped X form checks its values as
// the rows form does; conversions refuse overflow; messages quote what came ('0' is not 0).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { catchError } from './helpers/errors.js';
import { LOGISTIC_OPTION_KEYS } from '../src/models/logistic.js';
import { SOFTMAX_OPTION_KEYS } from '../src/models/softmax.js';
import {
  classMixingMatrix, coefficientStandardErrors, convertCovariance, designMatrix, fitLogistic, fitSoftmax,
  fromBaseline, init, loadModel, logisticToSoftmax, Matrix, mixClasses, parseCSV, SoftlogitError, SoftmaxFit,
  softmaxToLogistic, toBaseline, toReference, toSymmetric, LogisticFit,
} from '../src/index.js';

beforeAll(async () => {
  await init();
});


function expectCode(fn: () => unknown, code: string, pattern?: RegExp): void {
  const error = catchError(fn);
  expect(error.code).toBe(code);
  if (pattern) expect(error.message).toMatch(pattern);
}

const X = [[-1.2], [0.3], [0.8], [-0.4], [1.9], [0.1], [-2.2], [0.6]];
const y = [0, 0, 1, 1, 1, 0, 0, 1];
const labels = ['a', 'b', 'c', 'a', 'c', 'b', 'a', 'c'];
const quiet = { onWarning: () => {} };

describe('options: unknown and unsupported keys throw BAD_OPTION', () => {
  it('fitLogistic names a misspelt key and the key it probably is', () => {
    expectCode(() => fitLogistic(X, y, { weigths: [1, 1, 1, 1, 1, 1, 1, 1] } as never), 'BAD_OPTION', /unknown option 'weigths'; did you mean 'weights'/);
    expectCode(() => fitLogistic(X, y, { intercep: false } as never), 'BAD_OPTION', /'intercep'; did you mean 'intercept'/);
    expectCode(() => fitLogistic(X, y, { maxiter: 3 } as never), 'BAD_OPTION', /did you mean 'maxIter'/);
  });

  it('a misspelt key is not a silently different model', () => {
    // Before the check, { intercep: false } kept the intercept: the fit had 2 coefficients.
    expect(() => fitLogistic(X, y, { intercep: false } as never)).toThrow(SoftlogitError);
    expect(fitLogistic(X, y, { intercept: false }).coefficients.length).toBe(1);
  });

  it('any key outside the supported ones throws BAD_OPTION naming it (property)', () => {
    const supported = new Set<string>([...LOGISTIC_OPTION_KEYS, ...SOFTMAX_OPTION_KEYS]);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 10 }).filter((key) => !supported.has(key)), (key) => {
        for (const fit of [() => fitLogistic(X, y, { [key]: 1 } as never), () => fitSoftmax(X, labels, { [key]: 1 } as never)]) {
          const error = catchError(fit);
          expect(error.code).toBe('BAD_OPTION');
          expect(error.message).toContain(`'${key}'`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('fitSoftmax refuses firth and an offset shared by all classes, saying why', () => {
    expectCode(() => fitSoftmax(X, labels, { firth: true } as never), 'BAD_OPTION', /option 'firth' is not supported here: .*binary/);
    expectCode(() => fitSoftmax(X, labels, { offset: new Float64Array(8) }), 'BAD_OPTION', /one per row shared by all classes.*cancels from the softmax probabilities/);
    expectCode(() => fitSoftmax(X, labels, { paramterization: 'symmetric' } as never), 'BAD_OPTION', /did you mean 'parameterization'/);
  });

  it('fitLogistic refuses the softmax-only options', () => {
    expectCode(() => fitLogistic(X, y, { classes: [0, 1] } as never), 'BAD_OPTION', /option 'classes' is not supported here/);
    expectCode(() => fitLogistic(X, y, { reference: 1 } as never), 'BAD_OPTION', /option 'reference' is not supported here/);
  });

  it('predict checks its options: { typ: "link" } does not return probabilities', () => {
    const fit = fitLogistic(X, y);
    expectCode(() => fit.predict(X, { typ: 'link' } as never), 'BAD_OPTION', /unknown option 'typ'; did you mean 'type'/);
    const soft = fitSoftmax(X, labels, quiet);
    expectCode(() => soft.predict(X, { typ: 'link' } as never), 'BAD_OPTION', /did you mean 'type'/);
    expectCode(() => soft.predict(X, { offset: new Array(X.length).fill(0) }), 'BAD_OPTION', /cancels from the softmax probabilities/);
    expectCode(() => soft.predict(X, { offset: [0] }), 'LENGTH_MISMATCH', /numbers \(one per class\), or \d+ rows of/);
    expectCode(() => fit.predict(X, null as never), 'BAD_OPTION', /options should be an object, got null/);
  });

  it('the conversions check their options and form descriptors', () => {
    expectCode(() => softmaxToLogistic([[0, 1]], { postive: 1 } as never), 'BAD_OPTION', /did you mean 'positive'/);
    expectCode(() => softmaxToLogistic([[0, 1]], null as never), 'BAD_OPTION');
    expectCode(() => logisticToSoftmax([1], { parametrization: 'symmetric' } as never), 'BAD_OPTION', /did you mean 'parameterization'/);
    expectCode(() => classMixingMatrix(3, { form: 'baseline', refrence: 1 } as never, { form: 'symmetric' }), 'BAD_OPTION', /did you mean 'reference'/);
    expectCode(() => classMixingMatrix(3, { form: 'full' }, { form: 'symmetric', reference: 0 } as never), 'BAD_OPTION', /unknown option 'reference'/);
  });

  it('parseCSV and designMatrix check their options', () => {
    expectCode(() => parseCSV('a,b\n1,2\n', { factor: ['a'] } as never), 'BAD_OPTION', /did you mean 'factors'/);
    const frame = parseCSV('y,x\n0,1\n1,2\n');
    expectCode(() => designMatrix(frame, { response: 'y', weight: 'x' } as never), 'BAD_OPTION', /did you mean 'weights'/);
  });

  it('callback and names options of the wrong type throw BAD_OPTION, not a TypeError later', () => {
    expectCode(() => fitLogistic(X, y, { onWarning: 5 } as never), 'BAD_OPTION', /onWarning should be a function, got 5/);
    expectCode(() => fitLogistic(X, y, { onIteration: 5 } as never), 'BAD_OPTION', /onIteration should be a function/);
    expectCode(() => fitLogistic(X, y, { names: 'ab' } as never), 'BAD_OPTION', /names should be an array of strings, got 'ab' \(string\)/);
    expectCode(() => fitLogistic(X, y, { weights: null } as never), 'BAD_WEIGHTS', /got null/);
    expectCode(() => fitSoftmax(X, labels, { classes: 5 } as never), 'BAD_OPTION', /classes should be an array.*got 5/);
    expectCode(() => fitSoftmax(X, { counts: null } as never), 'BAD_COUNTS', /got null/);
  });
});

describe('labels that print alike', () => {
  it('1 and "1" in one label vector throw BAD_RESPONSE naming both', () => {
    const mixed = [1, 2, '1', 2, 1, 2, '1', 2] as (number | string)[];
    expectCode(() => fitSoftmax(X, mixed, quiet), 'BAD_RESPONSE', /1 \(number\) \(row 0\) and '1' \(string\) \(row 2\)/);
  });

  it('duplicate or alike classes in the classes option throw BAD_OPTION', () => {
    expectCode(() => fitSoftmax(X, labels, { classes: ['a', 'b', 'c', 'a'] }), 'BAD_OPTION', /'a' \(string\) twice/);
    expectCode(() => fitSoftmax(X, [1, 2, 3, 1, 3, 2, 1, 3], { classes: [1, 2, 3, '3'] }), 'BAD_OPTION', /3 \(number\) and '3' \(string\)/);
  });

  it('model files with duplicate or alike classes do not load (BAD_MODEL)', () => {
    const json = fitSoftmax(X, labels, quiet).toJSON();
    for (const classes of [['a', 'b', 'a'], [1, '1', 2]]) {
      expectCode(() => loadModel({ ...json, classes } as never), 'BAD_MODEL', /twice|print alike/);
      expectCode(() => SoftmaxFit.fromJSON(JSON.stringify({ ...json, classes })), 'BAD_MODEL');
    }
    expectCode(() => loadModel({ ...json, classes: 'abc' } as never), 'BAD_MODEL');
  });
});

describe('the shaped form { data, nRows, nFeatures } checks its values as the rows form does', () => {
  const flat = X.map((r) => r[0]!);
  it('null is not read as 0', () => {
    const data = [...flat] as unknown[];
    data[3] = null;
    expectCode(() => fitLogistic({ data: data as number[], nRows: 8, nFeatures: 1 }, y), 'NON_FINITE', /got null at row 3, column 0/);
    const rows = X.map((r) => [...r]) as unknown[][];
    rows[3]![0] = null;
    expectCode(() => fitLogistic(rows as number[][], y), 'NON_FINITE', /got null at row 3, column 0/);
  });

  it('a string is not coerced', () => {
    const data = [...flat] as unknown[];
    data[2] = '0.8';
    expectCode(() => fitLogistic({ data: data as number[], nRows: 8, nFeatures: 1 }, y), 'NON_FINITE', /got '0.8' \(string\) at row 2/);
    const fit = fitLogistic(X, y);
    expectCode(() => fit.predict({ data: data as number[], nRows: 8, nFeatures: 1 }), 'NON_FINITE', /'0.8' \(string\)/);
  });

  it('a typed array of bigints is refused, not converted', () => {
    expectCode(() => fitLogistic({ data: new BigInt64Array(8) as never, nRows: 8, nFeatures: 1 }, y), 'BAD_SHAPE', /BigInt64Array/);
  });

  it('Matrix refuses what is not a number, and data that is not a Float64Array', () => {
    expectCode(() => Matrix.fromArray([[1, null as never]]), 'NON_FINITE', /got null at row 0, column 1/);
    expectCode(() => Matrix.fromArray([[1, '2' as never]]), 'NON_FINITE', /'2' \(string\)/);
    expectCode(() => new Matrix(1, 2, [1, 2] as never), 'BAD_SHAPE', /Float64Array/);
    expectCode(() => new Matrix(1e9, 1e9), 'TOO_LARGE');
  });
});

describe('messages quote what came', () => {
  it("a string '0' is shown as '0' (string), not as 0", () => {
    expectCode(() => fitLogistic(X, ['0', 0, 1, 1, 1, 0, 0, 1] as never), 'BAD_RESPONSE', /got '0' \(string\) at row 0/);
    expectCode(() => fitLogistic(X, y, { weights: [1, '1', 1, 1, 1, 1, 1, 1] as never }), 'BAD_WEIGHTS', /got '1' \(string\) at row 1/);
    expectCode(() => fitLogistic(X, y, { maxIter: '5' as never }), 'BAD_OPTION', /got '5' \(string\)/);
    expectCode(() => fitSoftmax(X, labels, { parameterization: 'sym' as never }), 'BAD_OPTION', /got 'sym' \(string\)/);
    expectCode(() => toReference([[0, 1]], '0' as never), 'BAD_REFERENCE', /got '0' \(string\)/);
    expectCode(() => fitLogistic(X, { successes: ['1', 0, 1, 1, 1, 0, 0, 1], failures: y } as never), 'BAD_COUNTS', /'1' \(string\)/);
  });
});

describe('conversions with overflowing input throw NON_FINITE, never return NaN or Infinity', () => {
  const big = 1.7e308;
  it('±Infinity in the input', () => {
    expectCode(() => softmaxToLogistic([[0, Infinity]]), 'NON_FINITE', /Infinity at row 0, column 1/);
    expectCode(() => logisticToSoftmax([1, -Infinity]), 'NON_FINITE');
    expectCode(() => toReference(new Matrix(1, 2, Float64Array.of(Infinity, 0)), 1), 'NON_FINITE');
    expectCode(() => toSymmetric([[1, Infinity]]), 'NON_FINITE');
    expectCode(() => fromBaseline([[Infinity]], 0), 'NON_FINITE');
    expectCode(() => toBaseline([[-Infinity, 1]], 0), 'NON_FINITE');
    expectCode(() => convertCovariance([[Infinity]], classMixingMatrix(2, { form: 'baseline', reference: 0 }, { form: 'symmetric' })), 'NON_FINITE');
    expectCode(() => coefficientStandardErrors([[Infinity]], 1, 1), 'NON_FINITE');
  });

  it('an overflow in the result', () => {
    expectCode(() => softmaxToLogistic([[-big, big]]), 'NON_FINITE', /overflows/);
    expectCode(() => toReference([[big, -big]], 1), 'NON_FINITE', /overflows/);
    expectCode(() => toBaseline([[big, -big]], 0), 'NON_FINITE', /overflows/);
    expectCode(() => toSymmetric([[big, -big, -big]]), 'NON_FINITE', /overflows/);
    expectCode(() => mixClasses([[big, -big]], [[1, -1]]), 'NON_FINITE', /overflows/);
    const c = classMixingMatrix(2, { form: 'baseline', reference: 0 }, { form: 'logistic' });
    expectCode(() => convertCovariance([[big]], [[3]]), 'NON_FINITE', /overflows/);
    expect(convertCovariance([[4]], c).toArray()).toEqual([[4]]);
  });

  it('a sum that overflows while the result does not is not an error', () => {
    // The row mean of [big, big] is big: the symmetric form is [0, 0], though big + big overflows.
    expect(toSymmetric([[big, big]]).toArray()).toEqual([[0, 0]]);
  });

  it('NaN (an aliased coefficient) stays NaN where it enters, and is not reported as overflow', () => {
    const W = toReference([[Number.NaN, Number.NaN], [1, 3]], 0).toArray();
    expect(W[0]).toEqual([Number.NaN, Number.NaN]);
    expect(W[1]).toEqual([0, 2]);
  });
});

describe('bad arguments throw SoftlogitError with a code', () => {
  it('the listed cases', () => {
    const fit = fitLogistic(X, y);
    const cases: [string, () => unknown, string][] = [
      ['weights: null', () => fitLogistic(X, y, { weights: null } as never), 'BAD_WEIGHTS'],
      ["names: 'ab'", () => fitLogistic(X, y, { names: 'ab' } as never), 'BAD_OPTION'],
      ['onWarning: 5', () => fitLogistic(X, y, { onWarning: 5 } as never), 'BAD_OPTION'],
      ['onIteration: 5', () => fitSoftmax(X, labels, { onIteration: 5 } as never), 'BAD_OPTION'],
      ['predict(X, null)', () => fit.predict(X, null as never), 'BAD_OPTION'],
      ['classes: 5', () => fitSoftmax(X, labels, { classes: 5 } as never), 'BAD_OPTION'],
      ['{ counts: null }', () => fitSoftmax(X, { counts: null } as never), 'BAD_COUNTS'],
      ['softmaxToLogistic(W, null)', () => softmaxToLogistic([[0, 1]], null as never), 'BAD_OPTION'],
      ['new Matrix(1e9, 1e9)', () => new Matrix(1e9, 1e9), 'TOO_LARGE'],
      ['classMixingMatrix(1e6, …)', () => classMixingMatrix(1e6, { form: 'full' }, { form: 'symmetric' }), 'TOO_LARGE'],
      ['confint(symbol)', () => fit.confint(Symbol('x') as never), 'BAD_OPTION'],
      ['withParameterization(5)', () => fitSoftmax(X, labels, quiet).withParameterization(5 as never), 'BAD_OPTION'],
      ['LogisticFit.fromJSON({ names: [null] })', () => LogisticFit.fromJSON({ ...fit.toJSON(), names: [null] } as never), 'BAD_MODEL'],
    ];
    for (const [name, fn, code] of cases) expect([name, catchError(fn).code]).toEqual([name, code]);
  });
});
