import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Matrix } from '../src/matrix.js';
import { SoftlogitError } from '../src/errors.js';
import {
  softmaxToLogistic,
  logisticToSoftmax,
  toReference,
  toSymmetric,
  fromBaseline,
  toBaseline,
  classMixingMatrix,
  mixClasses,
  convertCovariance,
  coefficientStandardErrors,
  type CoefficientForm,
} from '../src/convert.js';

// Tolerances. Inputs in the property tests are bounded (|coefficient| <= 10, |x| <= 3, p <= 5,
// K <= 6, covariances M M' + 0.1 I with |M_ij| <= 1), and each converted entry goes through only a
// handful of roundings, so errors are a few ulps of the values involved: over 20 000 random cases
// like these the largest differences seen were 4.4e-15 (coefficients), 4.3e-15 (probabilities) and
// 7.1e-15 (covariances). 1e-12 leaves a margin of ~200 while any wrong index, sign or layout gives
// differences of order 0.1 to 10.

/** Coefficient round trips and two routes to the same form (entries <= ~20, a few roundings). */
const ROUND_TRIP_TOL = 1e-12;
/** Predicted probabilities (|eta| <= 300; a coefficient change of ~1e-14 moves p by < 1e-13). */
const PROB_TOL = 1e-12;
/** Covariance entries, relative: |difference| <= COV_TOL * (1 + max|Σ|). */
const COV_TOL = 1e-12;

// ---------------------------------------------------------------------------------------------
// Helpers

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function expectMatrixClose(actual: Matrix, expected: Matrix, tol: number): void {
  expect([actual.rows, actual.cols]).toEqual([expected.rows, expected.cols]);
  expect(maxAbsDiff(actual.data, expected.data)).toBeLessThanOrEqual(tol);
}

/** Softmax probabilities of the linear predictors eta_k = sum_j x_j W[j, k] (stable: max subtracted). */
function probabilities(w: Matrix, x: ArrayLike<number>): Float64Array {
  const eta = new Float64Array(w.cols);
  for (let k = 0; k < w.cols; k++) {
    let s = 0;
    for (let j = 0; j < w.rows; j++) s += x[j]! * w.get(j, k);
    eta[k] = s;
  }
  const max = Math.max(...eta);
  let total = 0;
  for (let k = 0; k < eta.length; k++) total += eta[k] = Math.exp(eta[k]! - max);
  for (let k = 0; k < eta.length; k++) eta[k]! /= total;
  return eta;
}

function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/** Class-major vectorization: vec[k * p + j] = W[j, k]. */
function vec(w: Matrix): Float64Array {
  const out = new Float64Array(w.rows * w.cols);
  for (let k = 0; k < w.cols; k++) for (let j = 0; j < w.rows; j++) out[k * w.rows + j] = w.get(j, k);
  return out;
}

function unvec(v: ArrayLike<number>, p: number): Matrix {
  const k = v.length / p;
  const out = new Matrix(p, k);
  for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) out.data[j * k + c] = v[c * p + j]!;
  return out;
}

/**
 * The dense matrix A of a linear coefficient conversion f, built column by column from f itself:
 * column i of A is vec(f(unvec(e_i))). Independent of classMixingMatrix, so comparing
 * convertCovariance with A Σ A' checks both the class-major layout and the mixing matrix.
 */
function denseMap(f: (w: Matrix) => Matrix, p: number, kIn: number): Matrix {
  const n = p * kIn;
  let a: Matrix | undefined;
  for (let i = 0; i < n; i++) {
    const e = new Float64Array(n);
    e[i] = 1;
    const column = vec(f(unvec(e, p)));
    a ??= new Matrix(column.length, n);
    for (let r = 0; r < column.length; r++) a.data[r * n + i] = column[r]!;
  }
  return a!;
}

function matmul(a: Matrix, b: Matrix): Matrix {
  const out = new Matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.get(i, k) * b.get(k, j);
      out.data[i * b.cols + j] = s;
    }
  }
  return out;
}

/** A Σ A', formed densely. */
function sandwich(a: Matrix, sigma: Matrix): Matrix {
  return matmul(matmul(a, sigma), a.transpose());
}

/** Σ = M M' + 0.1 I: symmetric positive definite. */
function spd(n: number, entries: ArrayLike<number>): Matrix {
  const m = new Matrix(n, n, Float64Array.from(entries));
  const s = matmul(m, m.transpose());
  for (let i = 0; i < n; i++) s.data[i * n + i] += 0.1;
  return s;
}

function column(v: ArrayLike<number>): Matrix {
  return new Matrix(v.length, 1, Float64Array.from(v));
}

function expectError(fn: () => unknown, code: string, ...fragments: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(SoftlogitError);
  const error = caught as SoftlogitError;
  expect(error.code).toBe(code);
  for (const fragment of fragments) expect(error.message).toContain(fragment);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const coefficient = fc.double({ min: -10, max: 10, noNaN: true });
const covariate = fc.double({ min: -3, max: 3, noNaN: true });
const unit = fc.double({ min: -1, max: 1, noNaN: true });

/** p features, K classes, a p x K matrix W, reference indices, a covariate vector and a shift. */
const softmaxCase = fc
  .record({ p: fc.integer({ min: 1, max: 5 }), K: fc.integer({ min: 2, max: 6 }) })
  .chain(({ p, K }) =>
    fc.record({
      p: fc.constant(p),
      K: fc.constant(K),
      w: fc.array(coefficient, { minLength: p * K, maxLength: p * K }).map((d) => new Matrix(p, K, Float64Array.from(d))),
      r: fc.integer({ min: 0, max: K - 1 }),
      r2: fc.integer({ min: 0, max: K - 1 }),
      r3: fc.integer({ min: 0, max: K - 1 }),
      classPair: fc.uniqueArray(fc.integer({ min: 0, max: K - 1 }), { minLength: 2, maxLength: 2 }),
      x: fc.array(covariate, { minLength: p, maxLength: p }),
      shift: fc.array(coefficient, { minLength: p, maxLength: p }),
    }),
  );

/** softmaxCase plus an SPD covariance of the baseline block (p(K-1)) and of a full W (pK). */
const covarianceCase = softmaxCase.chain((c) => {
  const nBase = c.p * (c.K - 1);
  const nFull = c.p * c.K;
  return fc.record({
    c: fc.constant(c),
    baseCov: fc.array(unit, { minLength: nBase * nBase, maxLength: nBase * nBase }).map((d) => spd(nBase, d)),
    fullCov: fc.array(unit, { minLength: nFull * nFull, maxLength: nFull * nFull }).map((d) => spd(nFull, d)),
  });
});

const NUM_RUNS = 200;

// ---------------------------------------------------------------------------------------------
// Worked examples (hand computed)

describe('worked examples', () => {
  // W: 2 features x 3 classes.
  const w = [
    [1, 2, 4],
    [0, -1, 3],
  ];

  it('softmaxToLogistic takes column differences', () => {
    expect(Array.from(softmaxToLogistic(w))).toEqual([1, -1]); // column 1 - column 0
    expect(Array.from(softmaxToLogistic(w, { positive: 2, negative: 1 }))).toEqual([2, 4]);
    expect(Array.from(softmaxToLogistic(w, { positive: 0, negative: 2 }))).toEqual([-3, -3]);
    expect(softmaxToLogistic(new Matrix(2, 3, Float64Array.of(1, 2, 4, 0, -1, 3)))).toBeInstanceOf(Float64Array);
  });

  it('logisticToSoftmax builds [0 | beta] or [-beta/2 | beta/2]', () => {
    expect(logisticToSoftmax([1, -2]).toArray()).toEqual([
      [0, 1],
      [0, -2],
    ]);
    expect(logisticToSoftmax(Float64Array.of(1, -2), { parameterization: 'symmetric' }).toArray()).toEqual([
      [-0.5, 0.5],
      [1, -1],
    ]);
  });

  it('toReference zeroes the reference column', () => {
    expect(toReference(w, 0).toArray()).toEqual([
      [0, 1, 3],
      [0, -1, 3],
    ]);
    expect(toReference(w, 2).toArray()).toEqual([
      [-3, -2, 0],
      [-3, -4, 0],
    ]);
  });

  it('toSymmetric subtracts row means', () => {
    expect(
      toSymmetric([
        [1, 2, 3],
        [0, -3, 6],
      ]).toArray(),
    ).toEqual([
      [-1, 0, 1],
      [-1, -4, 5],
    ]);
    // Row means 7/3 and 2/3.
    expectMatrixClose(
      toSymmetric(w),
      Matrix.fromArray([
        [-4 / 3, -1 / 3, 5 / 3],
        [-2 / 3, -5 / 3, 7 / 3],
      ]),
      ROUND_TRIP_TOL,
    );
  });

  it('toBaseline and fromBaseline drop and insert the reference column', () => {
    expect(toBaseline(w, 1).toArray()).toEqual([
      [-1, 2],
      [1, 4],
    ]);
    expect(
      fromBaseline(
        [
          [-1, 2],
          [1, 4],
        ],
        1,
      ).toArray(),
    ).toEqual([
      [-1, 0, 2],
      [1, 0, 4],
    ]);
    expect(fromBaseline([[5], [6]], 0).toArray()).toEqual([
      [0, 5],
      [0, 6],
    ]);
  });

  it('classMixingMatrix for a few pairs of forms', () => {
    // Baseline(0) -> baseline(1), K = 3: new columns are (class 0, class 2) = (-b1, b2 - b1).
    expect(classMixingMatrix(3, { form: 'baseline', reference: 0 }, { form: 'baseline', reference: 1 }).toArray()).toEqual([
      [-1, 0],
      [-1, 1],
    ]);
    expect(classMixingMatrix(2, { form: 'baseline', reference: 0 }, { form: 'symmetric' }).toArray()).toEqual([[-0.5], [0.5]]);
    expect(classMixingMatrix(2, { form: 'baseline', reference: 1 }, { form: 'logistic' }).toArray()).toEqual([[-1]]);
    expect(classMixingMatrix(2, { form: 'logistic' }, { form: 'reference', reference: 0 }).toArray()).toEqual([[0], [1]]);
    expect(classMixingMatrix(3, { form: 'full' }, { form: 'reference', reference: 1 }).toArray()).toEqual([
      [1, -1, 0],
      [0, 0, 0],
      [0, -1, 1],
    ]);
  });

  it('mixClasses applies W C\'', () => {
    const c = classMixingMatrix(3, { form: 'full' }, { form: 'baseline', reference: 1 });
    expect(mixClasses(w, c).toArray()).toEqual([
      [-1, 2],
      [1, 4],
    ]);
  });

  it('convertCovariance: one feature, K = 3, baseline reference 0 -> reference 1', () => {
    // Var(b1) = 1, Var(b2) = 2, Cov(b1, b2) = 0.25. New coefficients (-b1, b2 - b1):
    // Var(-b1) = 1; Cov(-b1, b2 - b1) = -0.25 + 1 = 0.75; Var(b2 - b1) = 2 + 1 - 2 * 0.25 = 2.5.
    const c = classMixingMatrix(3, { form: 'baseline', reference: 0 }, { form: 'baseline', reference: 1 });
    expect(
      convertCovariance(
        [
          [1, 0.25],
          [0.25, 2],
        ],
        c,
      ).toArray(),
    ).toEqual([
      [1, 0.75],
      [0.75, 2.5],
    ]);
  });

  it('convertCovariance: two features, K = 2, baseline reference 0 -> full, symmetric, logistic', () => {
    const sigma = [
      [4, 1],
      [1, 9],
    ];
    const from: CoefficientForm = { form: 'baseline', reference: 0 };
    // Full reference form with reference 1: W = [-beta | 0], so block 0 is Σ and block 1 is zero.
    expect(convertCovariance(sigma, classMixingMatrix(2, from, { form: 'reference', reference: 1 })).toArray()).toEqual([
      [4, 1, 0, 0],
      [1, 9, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    // Reference 0: W = [0 | beta], the zero block comes first.
    expect(convertCovariance(sigma, classMixingMatrix(2, from, { form: 'reference', reference: 0 })).toArray()).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 4, 1],
      [0, 0, 1, 9],
    ]);
    // Symmetric: W = [-beta/2 | beta/2]: blocks ±Σ/4.
    expect(convertCovariance(sigma, classMixingMatrix(2, from, { form: 'symmetric' })).toArray()).toEqual([
      [1, 0.25, -1, -0.25],
      [0.25, 2.25, -0.25, -2.25],
      [-1, -0.25, 1, 0.25],
      [-0.25, -2.25, 0.25, 2.25],
    ]);
    // Logistic, class 1 vs 0: beta is the baseline column itself.
    expect(convertCovariance(sigma, classMixingMatrix(2, from, { form: 'logistic' })).toArray()).toEqual(sigma);
    // Class 0 vs 1: -beta, same covariance.
    expect(
      convertCovariance(sigma, classMixingMatrix(2, from, { form: 'logistic', positive: 0, negative: 1 })).toArray(),
    ).toEqual(sigma);
  });

  it('coefficientStandardErrors lays out sqrt(diag) class-major as p x k', () => {
    const cov = [
      [1, 0, 0, 0],
      [0, 4, 0, 0],
      [0, 0, 9, 0],
      [0, 0, 0, 16],
    ];
    // Entries: class 1 feature 0, class 1 feature 1, class 2 feature 0, class 2 feature 1.
    expect(coefficientStandardErrors(cov, 2, 2).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(coefficientStandardErrors(cov, 4, 1).toArray()).toEqual([[1], [2], [3], [4]]);
  });
});

// ---------------------------------------------------------------------------------------------
// Errors

describe('errors', () => {
  const w = [
    [1, 2, 4],
    [0, -1, 3],
  ];

  it('softmaxToLogistic rejects bad shapes and class indices', () => {
    expectError(() => softmaxToLogistic([[1], [2]]), 'BAD_SHAPE', 'softmaxToLogistic', 'at least 2 columns', '2 x 1');
    expectError(() => softmaxToLogistic([]), 'BAD_SHAPE', 'softmaxToLogistic', 'at least one row');
    expectError(() => softmaxToLogistic([[1, 2], [3]]), 'RAGGED_ROWS', 'softmaxToLogistic', 'row 1');
    expectError(() => softmaxToLogistic(w, { positive: 3 }), 'BAD_OPTION', 'softmaxToLogistic', 'positive', '[0, 2]', '3');
    expectError(() => softmaxToLogistic(w, { negative: 0.5 }), 'BAD_OPTION', 'negative', '0.5');
    expectError(() => softmaxToLogistic(w, { positive: 1, negative: 1 }), 'BAD_OPTION', 'distinct');
  });

  it('logisticToSoftmax rejects an empty beta and an unknown parameterization', () => {
    expectError(() => logisticToSoftmax([]), 'BAD_SHAPE', 'logisticToSoftmax', 'non-empty');
    expectError(
      () => logisticToSoftmax([1], { parameterization: 'glmnet' as 'symmetric' }),
      'BAD_OPTION',
      'logisticToSoftmax',
      "'glmnet' (string)",
    );
  });

  it('reference indices must be integers in range', () => {
    expectError(() => toReference(w, 3), 'BAD_REFERENCE', 'toReference', 'reference', '[0, 2]', 'got 3');
    expectError(() => toReference(w, -1), 'BAD_REFERENCE', 'toReference');
    expectError(() => toBaseline(w, 1.5), 'BAD_REFERENCE', 'toBaseline', '1.5');
    expectError(() => toBaseline(w, Number.NaN), 'BAD_REFERENCE', 'toBaseline');
    expectError(() => fromBaseline([[1, 2]], 3), 'BAD_REFERENCE', 'fromBaseline', '[0, 2]');
    expect(fromBaseline([[1, 2]], 2).toArray()).toEqual([[1, 2, 0]]);
  });

  it('shapes are checked', () => {
    expectError(() => toSymmetric([[1]]), 'BAD_SHAPE', 'toSymmetric', '1 x 1');
    expectError(() => toBaseline([[1], [2]], 0), 'BAD_SHAPE', 'toBaseline');
    expectError(() => fromBaseline([[], []], 0), 'BAD_SHAPE', 'fromBaseline', 'at least 1 column');
    expectError(() => fromBaseline([], 0), 'BAD_SHAPE', 'fromBaseline', 'at least one row');
    expectError(() => toReference([[1, 2], [3]], 0), 'RAGGED_ROWS', 'toReference');
  });

  it('classMixingMatrix rejects bad descriptors', () => {
    expectError(() => classMixingMatrix(1, { form: 'full' }, { form: 'symmetric' }), 'BAD_OPTION', 'classMixingMatrix', 'nClasses');
    expectError(() => classMixingMatrix(2.5, { form: 'full' }, { form: 'symmetric' }), 'BAD_OPTION', 'nClasses');
    expectError(() => classMixingMatrix(3, { form: 'symmetric' }, { form: 'full' }), 'BAD_OPTION', "'full' is a source form only");
    expectError(
      () => classMixingMatrix(3, { form: 'logistic' }, { form: 'symmetric' }),
      'BAD_OPTION',
      "'logistic' source needs nClasses = 2",
    );
    expectError(
      () => classMixingMatrix(3, { form: 'baseline', reference: 3 }, { form: 'symmetric' }),
      'BAD_REFERENCE',
      'from.reference',
    );
    expectError(
      () => classMixingMatrix(3, { form: 'full' }, { form: 'reference', reference: -1 }),
      'BAD_REFERENCE',
      'to.reference',
    );
    expectError(
      () => classMixingMatrix(3, { form: 'full' }, { form: 'logistic', positive: 2, negative: 2 }),
      'BAD_OPTION',
      'distinct',
    );
    expectError(
      () => classMixingMatrix(3, { form: 'full' }, { form: 'softmax' } as unknown as CoefficientForm),
      'BAD_OPTION',
      'to.form',
      "'softmax' (string)",
    );
  });

  it('mixClasses and convertCovariance check sizes', () => {
    const c = classMixingMatrix(3, { form: 'full' }, { form: 'symmetric' });
    expectError(() => mixClasses([[1, 2]], c), 'BAD_SHAPE', 'mixClasses', '3 x 3', '1 x 2');
    expectError(() => convertCovariance([[1, 2]], c), 'BAD_SHAPE', 'convertCovariance', 'square', '1 x 2');
    expectError(
      () =>
        convertCovariance(
          [
            [1, 0],
            [0, 1],
          ],
          c,
        ),
      'BAD_SHAPE',
      'multiple of the columns',
    );
  });

  it('coefficientStandardErrors checks sizes and variances', () => {
    expectError(() => coefficientStandardErrors([[1]], 2, 1), 'BAD_SHAPE', 'coefficientStandardErrors', '2 * 1 = 2');
    expectError(() => coefficientStandardErrors([[1]], 0, 1), 'BAD_SHAPE', 'positive integer');
    expectError(() => coefficientStandardErrors([[-1]], 1, 1), 'NOT_POSITIVE_DEFINITE', 'non-negative variances');
  });
});

// ---------------------------------------------------------------------------------------------
// Round trips (exact where no arithmetic is involved, else within ROUND_TRIP_TOL)

describe('round trips', () => {
  it('toBaseline inverts fromBaseline exactly', () => {
    fc.assert(
      fc.property(softmaxCase, ({ w, r }) => {
        // Use the first K - 1 columns of W as a baseline block.
        const b = Matrix.fromArray(w.toArray().map((row) => row.slice(0, w.cols - 1)));
        const back = toBaseline(fromBaseline(b, r), r);
        expect(Array.from(back.data)).toEqual(Array.from(b.data));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('fromBaseline(toBaseline(W, r), r) is exactly toReference(W, r), and toReference is idempotent', () => {
    fc.assert(
      fc.property(softmaxCase, ({ w, r }) => {
        const ref = toReference(w, r);
        expect(fromBaseline(toBaseline(w, r), r).data).toEqual(ref.data);
        expect(toReference(ref, r).data).toEqual(ref.data);
        for (let j = 0; j < w.rows; j++) expect(ref.get(j, r)).toBe(0);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('changing reference, symmetrizing and back agree with the direct conversion', () => {
    fc.assert(
      fc.property(softmaxCase, ({ w, r, r2 }) => {
        const tol = ROUND_TRIP_TOL;
        expectMatrixClose(toReference(toReference(w, r), r2), toReference(w, r2), tol);
        expectMatrixClose(toReference(toSymmetric(w), r), toReference(w, r), tol);
        expectMatrixClose(toSymmetric(toReference(w, r)), toSymmetric(w), tol);
        expectMatrixClose(toSymmetric(toSymmetric(w)), toSymmetric(w), tol);
        expectMatrixClose(toBaseline(toSymmetric(w), r2), toBaseline(w, r2), tol);
        expectMatrixClose(toBaseline(fromBaseline(toBaseline(w, r), r), r2), toBaseline(w, r2), tol);
        // Rows of the symmetric form sum to zero.
        const s = toSymmetric(w);
        for (let j = 0; j < s.rows; j++) expect(Math.abs(s.row(j).reduce((a, v) => a + v, 0))).toBeLessThanOrEqual(tol);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('softmaxToLogistic ∘ logisticToSoftmax is the identity on beta', () => {
    fc.assert(
      fc.property(fc.array(coefficient, { minLength: 1, maxLength: 8 }), (beta) => {
        // Reference form: beta - 0, exact.
        expect(Array.from(softmaxToLogistic(logisticToSoftmax(beta)))).toEqual(beta);
        // Symmetric form: beta/2 - (-beta/2); exact for normal numbers, tolerance for subnormals.
        const back = softmaxToLogistic(logisticToSoftmax(beta, { parameterization: 'symmetric' }));
        expect(maxAbsDiff(back, beta)).toBeLessThanOrEqual(ROUND_TRIP_TOL);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('logisticToSoftmax ∘ softmaxToLogistic gives the reference or symmetric form of a 2-class W', () => {
    fc.assert(
      fc.property(
        softmaxCase.filter((c) => c.K === 2),
        ({ w }) => {
          expectMatrixClose(logisticToSoftmax(softmaxToLogistic(w)), toReference(w, 0), 0);
          expectMatrixClose(logisticToSoftmax(softmaxToLogistic(w), { parameterization: 'symmetric' }), toSymmetric(w), ROUND_TRIP_TOL);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('mixClasses with classMixingMatrix reproduces every named conversion', () => {
    fc.assert(
      fc.property(softmaxCase, ({ w, K, r, r2, classPair }) => {
        const [pos, neg] = classPair as [number, number];
        const tol = ROUND_TRIP_TOL;
        const base = toBaseline(w, r);
        const full: CoefficientForm = { form: 'full' };
        const baseline: CoefficientForm = { form: 'baseline', reference: r };
        expectMatrixClose(mixClasses(w, classMixingMatrix(K, full, { form: 'reference', reference: r2 })), toReference(w, r2), tol);
        expectMatrixClose(mixClasses(w, classMixingMatrix(K, full, { form: 'symmetric' })), toSymmetric(w), tol);
        expectMatrixClose(mixClasses(w, classMixingMatrix(K, full, { form: 'baseline', reference: r2 })), toBaseline(w, r2), tol);
        expectMatrixClose(
          mixClasses(w, classMixingMatrix(K, full, { form: 'logistic', positive: pos, negative: neg })),
          column(softmaxToLogistic(w, { positive: pos, negative: neg })),
          tol,
        );
        expectMatrixClose(
          mixClasses(base, classMixingMatrix(K, baseline, { form: 'reference', reference: r2 })),
          toReference(w, r2),
          tol,
        );
        expectMatrixClose(mixClasses(base, classMixingMatrix(K, baseline, { form: 'symmetric' })), toSymmetric(w), tol);
        expectMatrixClose(
          mixClasses(base, classMixingMatrix(K, baseline, { form: 'baseline', reference: r2 })),
          toBaseline(w, r2),
          tol,
        );
        if (K === 2) {
          const beta = softmaxToLogistic(w);
          const logistic: CoefficientForm = { form: 'logistic' };
          expectMatrixClose(mixClasses(column(beta), classMixingMatrix(2, logistic, { form: 'reference', reference: 0 })), logisticToSoftmax(beta), tol);
          expectMatrixClose(
            mixClasses(column(beta), classMixingMatrix(2, logistic, { form: 'symmetric' })),
            logisticToSoftmax(beta, { parameterization: 'symmetric' }),
            tol,
          );
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Predictions are invariant to the parameterization

describe('predicted probabilities', () => {
  it('are unchanged by any change of representative, reference or form', () => {
    fc.assert(
      fc.property(softmaxCase, ({ w, r, r2, x, shift }) => {
        const expected = probabilities(w, x);
        const shifted = new Matrix(w.rows, w.cols);
        for (let j = 0; j < w.rows; j++) for (let k = 0; k < w.cols; k++) shifted.data[j * w.cols + k] = w.get(j, k) + shift[j]!;
        const variants = [
          shifted,
          toReference(w, r),
          toReference(toReference(w, r), r2),
          toSymmetric(w),
          toSymmetric(toReference(w, r)),
          fromBaseline(toBaseline(w, r), r),
          fromBaseline(toBaseline(w, r), r2),
          fromBaseline(toBaseline(toSymmetric(w), r), r),
        ];
        // fromBaseline(toBaseline(w, r), r2) is NOT the same model unless r = r2: it moves the zero
        // column. Check that the test can tell: it must match exactly when r === r2.
        for (const [i, v] of variants.entries()) {
          if (i === 6 && r !== r2) continue;
          expect(maxAbsDiff(probabilities(v, x), expected)).toBeLessThanOrEqual(PROB_TOL);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the logistic model gives the pairwise conditional probability P(pos) / (P(pos) + P(neg))', () => {
    fc.assert(
      fc.property(softmaxCase, ({ w, x, classPair }) => {
        const [pos, neg] = classPair as [number, number];
        const prob = probabilities(w, x);
        const beta = softmaxToLogistic(w, { positive: pos, negative: neg });
        let eta = 0;
        for (let j = 0; j < beta.length; j++) eta += beta[j]! * x[j]!;
        expect(Math.abs(sigmoid(eta) - prob[pos]! / (prob[pos]! + prob[neg]!))).toBeLessThanOrEqual(PROB_TOL);
        // Back to softmax (K = 2 embedding) predicts the same conditional probability.
        for (const parameterization of ['reference', 'symmetric'] as const) {
          const two = probabilities(logisticToSoftmax(beta, { parameterization }), x);
          expect(Math.abs(two[1]! - sigmoid(eta))).toBeLessThanOrEqual(PROB_TOL);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Covariance maps against the dense A Σ A'

describe('convertCovariance', () => {
  /** |Σ'_fast - AΣA'| within COV_TOL relative to the size of Σ. */
  function expectCovClose(actual: Matrix, expected: Matrix, sigma: Matrix): void {
    expectMatrixClose(actual, expected, COV_TOL * (1 + maxAbs(sigma.data)));
  }

  it('from a baseline block equals the dense A Σ A\' of each coefficient conversion', () => {
    fc.assert(
      fc.property(covarianceCase, ({ c: { p, K, r, r2, classPair }, baseCov }) => {
        const [pos, neg] = classPair as [number, number];
        const from: CoefficientForm = { form: 'baseline', reference: r };
        const cases: [CoefficientForm, (b: Matrix) => Matrix][] = [
          [{ form: 'reference', reference: r2 }, (b) => toReference(fromBaseline(b, r), r2)],
          [{ form: 'symmetric' }, (b) => toSymmetric(fromBaseline(b, r))],
          [{ form: 'baseline', reference: r2 }, (b) => toBaseline(fromBaseline(b, r), r2)],
          [
            { form: 'logistic', positive: pos, negative: neg },
            (b) => column(softmaxToLogistic(fromBaseline(b, r), { positive: pos, negative: neg })),
          ],
        ];
        for (const [to, f] of cases) {
          const a = denseMap(f, p, K - 1);
          expectCovClose(convertCovariance(baseCov, classMixingMatrix(K, from, to)), sandwich(a, baseCov), baseCov);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('from a full W (any representative, e.g. symmetric) to a baseline block equals the dense map', () => {
    fc.assert(
      fc.property(covarianceCase, ({ c: { p, K, r }, fullCov }) => {
        for (const from of [{ form: 'full' }, { form: 'symmetric' }, { form: 'reference', reference: r }] as CoefficientForm[]) {
          const a = denseMap((w) => toBaseline(w, r), p, K);
          expectCovClose(
            convertCovariance(fullCov, classMixingMatrix(K, from, { form: 'baseline', reference: r })),
            sandwich(a, fullCov),
            fullCov,
          );
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('from a logistic beta to the softmax forms equals the dense map', () => {
    fc.assert(
      fc.property(
        covarianceCase.filter(({ c }) => c.K === 2),
        ({ c: { p, r }, baseCov }) => {
          const from: CoefficientForm = { form: 'logistic' };
          const cases: [CoefficientForm, (b: Matrix) => Matrix][] = [
            [{ form: 'reference', reference: 0 }, (b) => logisticToSoftmax(b.col(0))],
            [{ form: 'symmetric' }, (b) => logisticToSoftmax(b.col(0), { parameterization: 'symmetric' })],
            [{ form: 'reference', reference: r }, (b) => toReference(logisticToSoftmax(b.col(0)), r)],
            [{ form: 'baseline', reference: r }, (b) => toBaseline(logisticToSoftmax(b.col(0)), r)],
          ];
          for (const [to, f] of cases) {
            const a = denseMap(f, p, 1);
            expectCovClose(convertCovariance(baseCov, classMixingMatrix(2, from, to)), sandwich(a, baseCov), baseCov);
          }
          // Logistic with classes swapped as the source: beta' = -beta sits in column 0.
          const swapped = denseMap((b) => toReference(fromBaseline(b, 1), 1), p, 1);
          expectCovClose(
            convertCovariance(baseCov, classMixingMatrix(2, { form: 'logistic', positive: 0, negative: 1 }, { form: 'reference', reference: 1 })),
            sandwich(swapped, baseCov),
            baseCov,
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('baseline(r) -> baseline(r\'\') equals composing baseline(r) -> baseline(r\') -> baseline(r\'\') and via the full reference form', () => {
    fc.assert(
      fc.property(covarianceCase, ({ c: { K, r, r2, r3 }, baseCov }) => {
        const b = (reference: number): CoefficientForm => ({ form: 'baseline', reference });
        const direct = convertCovariance(baseCov, classMixingMatrix(K, b(r), b(r3)));
        const viaBaseline = convertCovariance(
          convertCovariance(baseCov, classMixingMatrix(K, b(r), b(r2))),
          classMixingMatrix(K, b(r2), b(r3)),
        );
        const viaFull = convertCovariance(
          convertCovariance(baseCov, classMixingMatrix(K, b(r), { form: 'reference', reference: r2 })),
          classMixingMatrix(K, { form: 'reference', reference: r2 }, b(r3)),
        );
        const viaSymmetric = convertCovariance(
          convertCovariance(baseCov, classMixingMatrix(K, b(r), { form: 'symmetric' })),
          classMixingMatrix(K, { form: 'symmetric' }, b(r3)),
        );
        expectCovClose(viaBaseline, direct, baseCov);
        expectCovClose(viaFull, direct, baseCov);
        expectCovClose(viaSymmetric, direct, baseCov);
        // The mixing matrices compose the same way (entries 0, ±1: exact).
        const product = matmul(classMixingMatrix(K, b(r2), b(r3)), classMixingMatrix(K, b(r), b(r2)));
        expect(Array.from(product.data)).toEqual(Array.from(classMixingMatrix(K, b(r), b(r3)).data));
        // Round trip back to r is the identity on Σ.
        if (r === r3) expect(maxAbsDiff(direct.data, baseCov.data)).toBe(0);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('symmetric-form covariance is singular along 1 ⊗ I_p; reference-form covariance has a zero block', () => {
    fc.assert(
      fc.property(covarianceCase, ({ c: { p, K, r, r2 }, baseCov }) => {
        const from: CoefficientForm = { form: 'baseline', reference: r };
        const sym = convertCovariance(baseCov, classMixingMatrix(K, from, { form: 'symmetric' }));
        const n = p * K;
        // Σ_sym (1_K ⊗ e_j) = 0 for every feature j: summing the class blocks of any row gives 0.
        for (let row = 0; row < n; row++) {
          for (let j = 0; j < p; j++) {
            let s = 0;
            for (let k = 0; k < K; k++) s += sym.get(row, k * p + j);
            expect(Math.abs(s)).toBeLessThanOrEqual(COV_TOL * (1 + maxAbs(baseCov.data)));
          }
        }
        const ref = convertCovariance(baseCov, classMixingMatrix(K, from, { form: 'reference', reference: r2 }));
        for (let i = 0; i < n; i++) {
          for (let j = r2 * p; j < (r2 + 1) * p; j++) {
            expect(ref.get(i, j)).toBe(0);
            expect(ref.get(j, i)).toBe(0);
          }
        }
        // Standard errors of the reference class are exactly zero.
        const se = coefficientStandardErrors(ref, p, K);
        for (let j = 0; j < p; j++) expect(se.get(j, r2)).toBe(0);
        // The non-reference standard errors match those from the baseline-block covariance.
        const seBase = coefficientStandardErrors(convertCovariance(baseCov, classMixingMatrix(K, from, { form: 'baseline', reference: r2 })), p, K - 1);
        expectMatrixClose(toBaseline(se, r2), seBase, COV_TOL * (1 + maxAbs(baseCov.data)));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('overflow (issue #12): a conversion of finite input returns finite numbers or throws NON_FINITE', () => {
  /** Entries anywhere in the finite doubles, with extra weight near ±1.8e308 where sums overflow. */
  const entry = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(1.7e308, -1.7e308, Number.MAX_VALUE, -Number.MAX_VALUE, 1e308, -1e308, 0),
  );
  const matrix = fc.integer({ min: 1, max: 3 }).chain((p) =>
    fc.integer({ min: 2, max: 4 }).chain((K) => fc.array(fc.array(entry, { minLength: K, maxLength: K }), { minLength: p, maxLength: p })),
  );

  /** The result's numbers, or null when the call threw NON_FINITE; any other throw fails the test. */
  function finiteOrNonFinite(run: () => Matrix | Float64Array): boolean {
    let result: Matrix | Float64Array;
    try {
      result = run();
    } catch (error) {
      return error instanceof SoftlogitError && error.code === 'NON_FINITE';
    }
    const data = result instanceof Matrix ? result.data : result;
    return data.every(Number.isFinite);
  }

  it('every coefficient conversion', () => {
    fc.assert(
      fc.property(matrix, (W) => {
        const K = W[0]!.length;
        return (
          finiteOrNonFinite(() => softmaxToLogistic(W)) &&
          finiteOrNonFinite(() => toReference(W, K - 1)) &&
          finiteOrNonFinite(() => toSymmetric(W)) &&
          finiteOrNonFinite(() => toBaseline(W, 0)) &&
          finiteOrNonFinite(() => fromBaseline(W, 1)) &&
          finiteOrNonFinite(() => logisticToSoftmax(W[0]!, { parameterization: 'symmetric' })) &&
          finiteOrNonFinite(() => mixClasses(W, classMixingMatrix(K, { form: 'full' }, { form: 'symmetric' })))
        );
      }),
      { numRuns: 500 },
    );
  });

  it('convertCovariance', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 4, maxLength: 4 }), ([a, b, c, d]) => {
        const covariance = [[a!, b!], [b!, d!]];
        const mixing = classMixingMatrix(3, { form: 'baseline', reference: 0 }, { form: 'symmetric' });
        return finiteOrNonFinite(() => convertCovariance(covariance, mixing)) && finiteOrNonFinite(() => convertCovariance([[c!]], [[2], [-2]]));
      }),
      { numRuns: 500 },
    );
  });
});
