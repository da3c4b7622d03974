// Rank deficiency, scale and extreme values (issue #7): `singular: 'drop'` reports aliased columns
// as R's NA; columns on scales from 1e-6 to 1e6 fit as accurately as standardized ones; |eta| > 700,
// underflowing probabilities, mostly-zero and huge weights give finite, correct results; a problem
// too large for WebAssembly memory is refused up front; two models never share state.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fitLogistic, fitSoftmax, init, LogisticFit, SoftlogitError, SoftmaxFit, type LogisticOptions,
} from '../src/index.js';
import { fitBytes } from '../src/models/capacity.js';
import { getRuntime, type SoftlogitRuntime } from '../src/wasm/module.js';
import { mulberry32 } from './helpers/random.js';
import { log1pexpRef, referenceEvaluate, withIntercept } from './helpers/reference.js';
import { SAME_FIT_RTOL } from './helpers/tolerances.js';
import ucla from './fixtures/ucla-admissions.json';

/**
 * Scaled and standardized designs are the same problem; with the Cholesky's symmetric diagonal
 * scaling the two fits agree to rounding (measured ~2e-16 to 7e-16 relative, coefficients and SEs).
 * 1e-12 is the bound: an unscaled solve on a design with columns 1e-6 .. 1e6 (condition ~1e24)
 * loses every digit.
 */
const SCALE_RTOL = 1e-12;
/** Score relative to Σᵢ|xᵢⱼ|tᵢ at the MLE: rounding level ~1e-15 after polishing; 1e-11 with room. */
const SCALED_SCORE = 1e-11;

let runtime: SoftlogitRuntime;
beforeAll(async () => {
  await init();
  runtime = getRuntime('robustness.test');
});

const quiet = { onWarning: () => {} };

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-300));
  return max;
}

/** A random logistic problem: n rows, q features N-ish(0, 1), y from a logistic model. */
function problem(seed: number, n: number, q: number): { X: number[][]; y: number[] } {
  const rand = mulberry32(seed);
  const X = Array.from({ length: n }, () => Array.from({ length: q }, () => rand() * 2 - 1));
  const y = X.map((row) => (rand() < 1 / (1 + Math.exp(-(0.2 + row.reduce((s, v, j) => s + v * (j % 2 ? -1 : 1), 0)))) ? 1 : 0));
  return { X, y };
}

/** max_j |score_j| / Σᵢ|xᵢⱼ|tᵢ at the fit's coefficients (pure-TS reference, intercept first). */
function scaledScore(X: number[][], s: number[], t: number[], coef: ArrayLike<number>): number {
  const ev = referenceEvaluate(withIntercept(X), Array.from(coef), s, t);
  return Math.max(...ev.score.map((v, j) => Math.abs(v) / ev.scoreMagnitude[j]!));
}

describe("singular: 'drop' (aliased columns as R's NA)", () => {
  const { X: base, y } = problem(11, 200, 3);
  // x4 = x1 + 2 x2 (aliased), x5 = 0 (aliased), x6 independent
  const rand = mulberry32(5);
  const X = base.map((r) => [...r, r[0]! + 2 * r[1]!, 0, rand()]);
  const reduced = base.map((r, i) => [...r, X[i]![5]!]);

  it('default: COLLINEAR naming an aliased column', () => {
    expect(() => fitLogistic(X, y)).toThrow(expect.objectContaining({ code: 'COLLINEAR' }));
    expect(() => fitLogistic(X, y)).toThrow(/column 'x[45]' is a linear combination/);
  });

  it('logistic: aliased names them, NaN coefficients and SEs there, the rest equals the fit without them', () => {
    const fit = fitLogistic(X, y, { singular: 'drop' });
    const ref = fitLogistic(reduced, y);
    expect(fit.aliased).toEqual(['x4', 'x5']);
    expect(fit.names).toEqual(['(Intercept)', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
    const keep = [0, 1, 2, 3, 6];
    expect(Number.isNaN(fit.coefficients[4]!) && Number.isNaN(fit.coefficients[5]!)).toBe(true);
    expect(Number.isNaN(fit.standardErrors[4]!) && Number.isNaN(fit.standardErrors[5]!)).toBe(true);
    expect(maxRelDiff(keep.map((j) => fit.coefficients[j]!), ref.coefficients)).toBeLessThan(SAME_FIT_RTOL);
    expect(maxRelDiff(keep.map((j) => fit.standardErrors[j]!), ref.standardErrors)).toBeLessThan(SAME_FIT_RTOL);
    expect(fit.deviance).toBeCloseTo(ref.deviance, 9);
    expect([fit.dfResidual, fit.aic]).toEqual([ref.dfResidual, ref.aic]); // rank, as R
    // predict takes the full X and ignores the aliased columns
    const predicted = fit.predict(X.slice(0, 20));
    expect(maxRelDiff(predicted, ref.predict(reduced.slice(0, 20)))).toBeLessThan(SAME_FIT_RTOL);
    expect(fit.summary()).toMatch(/2 not defined because of singularities/);
  });

  it('logistic: toJSON / fromJSON keep aliased, and the restored model predicts the same', () => {
    const fit = fitLogistic(X, y, { singular: 'drop' });
    const back = LogisticFit.fromJSON(JSON.stringify(fit));
    expect(back.aliased).toEqual(['x4', 'x5']);
    expect(Array.from(back.predict(X.slice(0, 5)))).toEqual(Array.from(fit.predict(X.slice(0, 5))));
  });

  it('a column collinear only among the rows with non-zero weight is aliased', () => {
    const weights = X.map((_, i) => (i < 150 ? 1 : 0));
    const Xw = X.map((r, i) => [r[0]!, r[1]!, i < 150 ? 3 * r[0]! : rand()]);
    expect(() => fitLogistic(Xw, y, { weights })).toThrow(expect.objectContaining({ code: 'COLLINEAR' }));
    expect(fitLogistic(Xw, y, { weights, singular: 'drop' }).aliased).toEqual(['x3']);
  });

  it('no aliased columns: the same fit as without the option', () => {
    const a = fitLogistic(reduced, y, { singular: 'drop' });
    expect(a.aliased).toEqual([]);
    expect(Array.from(a.coefficients)).toEqual(Array.from(fitLogistic(reduced, y).coefficients));
  });

  it('softmax: aliased names them, NaN in those rows of W and SEs, predict ignores them, JSON keeps them', () => {
    const labels = y.map((v, i) => (v ? 'b' : i % 3 ? 'a' : 'c'));
    expect(() => fitSoftmax(X, labels)).toThrow(expect.objectContaining({ code: 'COLLINEAR' }));
    const fit = fitSoftmax(X, labels, { singular: 'drop' });
    const ref = fitSoftmax(reduced, labels);
    expect(fit.aliased).toEqual(['x4', 'x5']);
    const W = fit.coefficients;
    const se = fit.standardErrors;
    for (const k of [1, 2]) {
      expect(Number.isNaN(W.get(4, k)) && Number.isNaN(se.get(4, k))).toBe(true);
      for (const [full, j] of [[0, 0], [1, 1], [3, 3], [6, 4]] as const) {
        expect(W.get(full, k)).toBeCloseTo(ref.coefficients.get(j, k), 9);
        expect(se.get(full, k)).toBeCloseTo(ref.standardErrors.get(j, k), 9);
      }
    }
    expect(maxRelDiff(fit.predict(X.slice(0, 10)).data, ref.predict(reduced.slice(0, 10)).data)).toBeLessThan(SAME_FIT_RTOL);
    expect(SoftmaxFit.fromJSON(JSON.stringify(fit)).aliased).toEqual(['x4', 'x5']);
  });

  it('rejects a bad singular value with BAD_OPTION', () => {
    expect(() => fitLogistic(X, y, { singular: 'ignore' as 'drop' })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
  });
});

describe('scale: columns from 1e-6 to 1e6 fit as accurately as standardized ones', () => {
  const scales = [1e-6, 1e-3, 1, 1e3, 1e6];
  const rand = mulberry32(3);
  const n = 2000;
  const Z = Array.from({ length: n }, () => scales.map(() => rand() * 2 - 1));
  const y = Z.map((z) => (rand() < 1 / (1 + Math.exp(-(0.3 + z[0]! - z[1]! + 0.5 * z[2]! + z[3]! - 0.7 * z[4]!))) ? 1 : 0));
  // column 4 also sits far from 0 (as gre next to an intercept): (z + 0.5) * 1e3
  const shifted = (z: number[]) => z.map((v, j) => (j === 3 ? v + 0.5 : v));
  const X = Z.map((z) => shifted(z).map((v, j) => v * scales[j]!));
  const standardized = Z.map(shifted);
  const back = (v: ArrayLike<number>) => Array.from(v, (b, j) => (j === 0 ? b : b / scales[j - 1]!));

  it('logistic: coefficients and SEs equal the standardized fit mapped back', () => {
    const a = fitLogistic(X, y);
    const b = fitLogistic(standardized, y);
    expect(a.converged).toBe(true);
    expect(maxRelDiff(a.coefficients, back(b.coefficients))).toBeLessThan(SCALE_RTOL);
    expect(maxRelDiff(a.standardErrors, back(b.standardErrors))).toBeLessThan(SCALE_RTOL);
    expect(a.deviance).toBeCloseTo(b.deviance, 9);
  });

  it('softmax: the same for every class column', () => {
    const labels = Z.map((z) => (rand() < 1 / (1 + Math.exp(-(z[0]! + z[3]! - z[4]!))) ? 'a' : rand() < 0.5 + 0.3 * z[1]! ? 'b' : 'c'));
    const a = fitSoftmax(X, labels);
    const b = fitSoftmax(standardized, labels);
    expect(a.converged).toBe(true);
    const nFree = 2;
    const mapped = b.baseline.data.map((v, i) => { const j = Math.floor(i / nFree); return j === 0 ? v : v / scales[j - 1]!; });
    expect(maxRelDiff(a.baseline.data, mapped)).toBeLessThan(SCALE_RTOL);
  });

  it('UCLA gre (hundreds) next to the intercept: equals the standardized fit mapped back', () => {
    const X0 = ucla.X as number[][];
    const mean = [0, 1].map((j) => X0.reduce((s, r) => s + r[j]!, 0) / X0.length);
    const sd = [0, 1].map((j) => Math.sqrt(X0.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / X0.length));
    const raw = fitLogistic(X0, ucla.y);
    const std = fitLogistic(X0.map((r) => r.map((v, j) => (v - mean[j]!) / sd[j]!)), ucla.y).coefficients;
    const mappedBack = [std[0]! - (std[1]! * mean[0]!) / sd[0]! - (std[2]! * mean[1]!) / sd[1]!, std[1]! / sd[0]!, std[2]! / sd[1]!];
    expect(maxRelDiff(raw.coefficients, mappedBack)).toBeLessThan(SCALE_RTOL);
  });
});

describe('extreme values: finite, correct log-likelihood and gradient', () => {
  it('|eta| > 700 on many rows at the MLE (a far-out column): logLik equals the stable reference', () => {
    const { X, y } = problem(21, 300, 2);
    // rows 0..49 get x3 = ±1000 on the side of their outcome, the rest x3 = small noise
    const rand = mulberry32(9);
    const Xe = X.map((r, i) => [...r, i < 50 ? (y[i] ? 1000 : -1000) * (1 + rand()) : 0.01 * (rand() - 0.5)]);
    // the far rows alone would separate; the near rows keep the MLE finite
    const fit = fitLogistic(Xe, y, quiet);
    expect(fit.converged).toBe(true);
    expect(Number.isFinite(fit.logLik)).toBe(true);
    const ev = referenceEvaluate(withIntercept(Xe), Array.from(fit.coefficients), y, y.map(() => 1));
    expect(Math.max(...ev.eta.map(Math.abs))).toBeGreaterThan(0); // reference computed
    expect(Math.abs(fit.logLik - ev.logLik)).toBeLessThan(1e-9 * Math.abs(ev.logLik));
    expect(scaledScore(Xe, y, y.map(() => 1), fit.coefficients)).toBeLessThan(SCALED_SCORE);
  });

  it('an offset of ±800 (probabilities that underflow to 0 or 1 in double) gives finite logLik and deviance', () => {
    const { X, y } = problem(22, 200, 2);
    const offset = y.map((v, i) => (i < 20 ? (v ? 800 : -800) : 0));
    const fit = fitLogistic(X, y, { offset, ...quiet });
    expect(fit.converged).toBe(true);
    for (const v of [fit.logLik, fit.deviance, fit.aic, ...fit.coefficients, ...fit.standardErrors]) expect(Number.isFinite(v)).toBe(true);
    // rows on the right side at |eta| = 800 contribute log1pexp(−800) ≈ 0 and nothing to the fit
    const rest = fitLogistic(X.slice(20), y.slice(20));
    expect(maxRelDiff(fit.coefficients, rest.coefficients)).toBeLessThan(SAME_FIT_RTOL);
    // on the wrong side each costs about |eta| = 800 (log1pexp(800) = 800 exactly in double) and
    // pulls on the other coefficients with a residual of ±1: logLik equals the stable reference
    const wrongOffset = offset.map((o) => -o);
    const wrong = fitLogistic(X, y, { offset: wrongOffset, ...quiet });
    const ev = referenceEvaluate(withIntercept(X), Array.from(wrong.coefficients), y, y.map(() => 1), wrongOffset);
    expect(Math.abs(wrong.logLik - ev.logLik)).toBeLessThan(1e-12 * Math.abs(ev.logLik));
    expect(wrong.logLik).toBeLessThan(-20 * 800 + 1);
    expect(log1pexpRef(800)).toBe(800);
    const score = ev.score.map((v, j) => Math.abs(v) / ev.scoreMagnitude[j]!);
    expect(Math.max(...score)).toBeLessThan(SCALED_SCORE);
  });

  it('weights 0 for 95% of the rows: the fit of the 5% that count', () => {
    const { X, y } = problem(23, 2000, 3);
    const weights = X.map((_, i) => (i % 20 === 0 ? 1 : 0));
    const fit = fitLogistic(X, y, { weights });
    const few = fitLogistic(X.filter((_, i) => i % 20 === 0), y.filter((_, i) => i % 20 === 0));
    expect(maxRelDiff(fit.coefficients, few.coefficients)).toBeLessThan(SAME_FIT_RTOL);
    expect(fit.nObs).toBe(100);
  });

  it('one row with weight 1e12: finite, and the weighted score equations hold', () => {
    const { X, y } = problem(24, 300, 2);
    const weights = X.map((_, i) => (i === 7 ? 1e12 : 1));
    const fit = fitLogistic(X, y, { weights });
    expect(fit.converged).toBe(true);
    for (const v of [...fit.coefficients, ...fit.standardErrors, fit.logLik]) expect(Number.isFinite(v)).toBe(true);
    expect(scaledScore(X, y.map((v, i) => v * weights[i]!), weights, fit.coefficients)).toBeLessThan(SCALED_SCORE);
  });

  it('softmax with scores of ±1000 on some rows: finite logLik, converged', () => {
    const { X, y } = problem(25, 300, 2);
    const labels = y.map((v, i) => (v ? 'a' : i % 2 ? 'b' : 'c'));
    const Xe = X.map((r, i) => [...r, i < 30 ? (labels[i] === 'a' ? 1000 : -1000) : 0.01 * Math.sin(i)]);
    const fit = fitSoftmax(Xe, labels, quiet);
    for (const v of [fit.logLik, fit.deviance, ...fit.baseline.data]) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('too large for WebAssembly memory: refused up front', () => {
  it('logistic: TOO_LARGE saying the size and the largest n that fits, before reading any row', () => {
    const nRows = 200_000_000;
    const nFeatures = 10;
    // data is never read: the check happens before validation of X, y or weights
    const X = { data: { length: nRows * nFeatures } as ArrayLike<number>, nRows, nFeatures };
    let error: unknown;
    try {
      fitLogistic(X, { length: nRows } as ArrayLike<number>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SoftlogitError);
    const e = error as SoftlogitError;
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toMatch(/200000000 rows x 10 columns needs \d+(\.\d)? GiB/);
    const maxRows = e.details!.maxRows as number;
    expect(e.message).toContain(`at most ${maxRows} rows fit`);
    expect(maxRows).toBeGreaterThan(1e6);
    expect(maxRows).toBeLessThan(nRows);
    expect(fitBytes(runtime, maxRows, nFeatures, true, 0, false)).toBeLessThanOrEqual(e.details!.availableBytes as number);
    expect(fitBytes(runtime, maxRows + 2 * runtime.panelRows, nFeatures, true, 0, false)).toBeGreaterThan(e.details!.availableBytes as number);
  });

  it('softmax: the same', () => {
    const nRows = 100_000_000;
    const X = { data: { length: nRows * 20 } as ArrayLike<number>, nRows, nFeatures: 20 };
    expect(() => fitSoftmax(X, { length: nRows } as ArrayLike<string>)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });

  it('fitBytes bounds what a fit really allocates (measured during the fit)', () => {
    for (const [n, q, K] of [[5000, 7, 0], [3000, 4, 3], [777, 13, 0]] as const) {
      const { X, y } = problem(30 + n, n, q);
      let peak = 0;
      const onIteration = () => { peak = Math.max(peak, runtime.heap.allocatedBytes); };
      if (K === 0) fitLogistic(X, y, { onIteration });
      else fitSoftmax(X, y.map((v, i) => (v ? 'a' : i % 2 ? 'b' : 'c')), { onIteration });
      const bound = fitBytes(runtime, n, q, true, K, false);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(bound);
      expect(peak).toBeGreaterThan(0.8 * bound);
    }
  });
});

describe('two models fitted and used interleaved never share state', () => {
  it('fits and predictions in alternation equal those made alone', () => {
    const a = problem(41, 400, 3);
    const b = problem(42, 250, 5);
    const aloneA = fitLogistic(a.X, a.y);
    const aloneB = fitSoftmax(b.X, b.y.map((v, i) => (v ? 'u' : i % 2 ? 'v' : 'w')));
    const predA = aloneA.predict(a.X);
    const predB = aloneB.predict(b.X);
    const options: LogisticOptions = { l2: 0.5 };
    for (let round = 0; round < 3; round++) {
      const fa = fitLogistic(a.X, a.y);
      const other = fitLogistic(b.X, b.y, options); // a different model in between
      const fb = fitSoftmax(b.X, b.y.map((v, i) => (v ? 'u' : i % 2 ? 'v' : 'w')));
      expect(Array.from(fa.coefficients)).toEqual(Array.from(aloneA.coefficients));
      expect(Array.from(fb.baseline.data)).toEqual(Array.from(aloneB.baseline.data));
      expect(Array.from(fa.predict(a.X))).toEqual(Array.from(predA));
      expect(Array.from(other.predict(b.X)).length).toBe(b.X.length);
      expect(Array.from(fb.predict(b.X).data)).toEqual(Array.from(predB.data));
      expect(Array.from(aloneA.predict(a.X))).toEqual(Array.from(predA));
    }
  });
});
