// Issue #12, rank decision and conditioning: ill-conditioned but full-rank designs fit as R's glm
// fits them, to the accuracy the conditioning allows, and exactly collinear columns are still
// COLLINEAR (or dropped with `singular: 'drop'`). Before the rank decision moved to the rule in
// src/objective/system.ts, every full-rank case below threw COLLINEAR.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitLogistic, fitLogisticStream, fitSoftmax, init, SoftlogitError } from '../src/index.js';
import { mulberry32 } from './helpers/random.js';
import fixture from './fixtures/rank-conditioning.json';

/**
 * Coefficients and SEs against R, for a case of conditioning κ: both are computed from the
 * information X'WX summed in floating point, whose rounding (~ε relative to its entries) moves
 * them by about κ ε, κ = the largest variance inflation factor 1/(1 − R²_j) (the condition number
 * of the information with a unit diagonal, to within p). Measured: 2 κ ε (x1 + 1e-6 z, SEs) and
 * 0.2 κ ε (x1 + 1e-7 z); R's QR is accurate to ~√κ ε (its two refits differ by 1e-10). A factor of
 * 10 keeps the bound honest without tripping on the rounding of one summation order.
 */
const CONDITIONING_FACTOR = 10;
/** Well-conditioned coefficients of the same fits (and the rescaled-column cases): rounding, measured ≤ 1e-15. */
const WELL_CONDITIONED_RTOL = 1e-12;
const EPS = Number.EPSILON;

type Case = (typeof fixture.cases)[number];
const byName = (name: string): Case => fixture.cases.find((c) => c.name === name)!;
const rowsOf = (c: Case): number[][] => fixture.y.map((_, i) => c.columns.map((col) => col[i]!));
const quiet = { onWarning: () => {} };

beforeAll(async () => {
  await init();
});

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

/** max_j H_jj Σ_jj: the largest variance inflation factor, H = X'WX at the fit, Σ its covariance. */
function largestVif(rows: number[][], coefficients: Float64Array, covariance: ArrayLike<number>): number {
  const p = coefficients.length;
  const diagonal = new Float64Array(p);
  for (const row of rows) {
    const x = [1, ...row];
    const eta = x.reduce((s, v, j) => s + v * coefficients[j]!, 0);
    const prob = 1 / (1 + Math.exp(-eta));
    for (let j = 0; j < p; j++) diagonal[j] = diagonal[j]! + prob * (1 - prob) * x[j]! * x[j]!;
  }
  return Math.max(...Array.from(diagonal, (h, j) => h * covariance[j * p + j]!));
}

describe('ill-conditioned but full-rank designs (R glm, test/fixtures/rank-conditioning.json)', () => {
  it.each(['near', 'nearer'])('%s (x3 = x1 + δ z): fits, coefficients and SEs within κ ε of R', (name) => {
    const c = byName(name);
    const rows = rowsOf(c);
    const fit = fitLogistic(rows, fixture.y, { names: c.featureNames });
    expect(fit.converged).toBe(true);
    const kappa = largestVif(rows, fit.coefficients, fit.covariance.data);
    expect(kappa).toBeGreaterThan(1e11); // the case is as ill-conditioned as it says
    const bound = CONDITIONING_FACTOR * kappa * EPS;
    fit.coefficients.forEach((b, j) => expect(relative(b, c.coefficients[j]!)).toBeLessThanOrEqual(bound));
    fit.standardErrors.forEach((se, j) => expect(relative(se, c.standardErrors[j]!)).toBeLessThanOrEqual(bound));
  });

  it.each(['near', 'nearer'])('%s: fitSoftmax (K = 2) gives the same β within κ ε (its data check runs on the first class block)', (name) => {
    const c = byName(name);
    const rows = rowsOf(c);
    const logistic = fitLogistic(rows, fixture.y, { names: c.featureNames });
    const bound = CONDITIONING_FACTOR * largestVif(rows, logistic.coefficients, logistic.covariance.data) * EPS;
    const softmax = fitSoftmax(rows, fixture.y, { names: c.featureNames });
    expect(softmax.converged).toBe(true);
    softmax.baseline.data.forEach((b, j) => expect(relative(b, c.coefficients[j]!)).toBeLessThanOrEqual(bound));
  });

  it('nearer with three classes: fitSoftmax fits (every class block of x3 accepted); x1 + x2 is still COLLINEAR', () => {
    const labels = fixture.y.map((v, i) => (v === 1 ? 1 : i % 3 === 0 ? 2 : 0));
    const nearer = byName('nearer');
    const fit = fitSoftmax(rowsOf(nearer), labels, { names: nearer.featureNames });
    expect(fit.converged).toBe(true);
    expect(fit.standardErrors.data.every((v) => Number.isFinite(v))).toBe(true);
    const sum = byName('sum');
    expect(() => fitSoftmax(rowsOf(sum), labels, { names: sum.featureNames })).toThrow(/column 'x3' is a linear combination/);
  });

  it('near: the streaming fit gives the same β within κ ε (decided on X\'WX alone, pivot 1e-12 > 1e-13)', async () => {
    const c = byName('near');
    const rows = rowsOf(c);
    const logistic = fitLogistic(rows, fixture.y, { names: c.featureNames });
    const bound = CONDITIONING_FACTOR * largestVif(rows, logistic.coefficients, logistic.covariance.data) * EPS;
    const stream = await fitLogisticStream(function* () {
      for (let i = 0; i < rows.length; i += 50) yield { X: rows.slice(i, i + 50), y: fixture.y.slice(i, i + 50) };
    });
    stream.coefficients.forEach((b, j) => expect(relative(b, c.coefficients[j]!)).toBeLessThanOrEqual(bound));
  });

  it('tiny (x2 × 1e-300): the coefficient scales by 1e300, its SE overflows to Infinity as in R', () => {
    const c = byName('tiny');
    const fit = fitLogistic(rowsOf(c), fixture.y, { names: c.featureNames });
    expect(fit.converged).toBe(true);
    fit.coefficients.forEach((b, j) => expect(relative(b, c.coefficients[j]!)).toBeLessThanOrEqual(WELL_CONDITIONED_RTOL));
    expect(c.standardErrors[2]).toBeNull(); // R: Inf
    expect(fit.standardErrors[2]).toBe(Infinity);
    for (const j of [0, 1]) expect(relative(fit.standardErrors[j]!, c.standardErrors[j]!)).toBeLessThanOrEqual(WELL_CONDITIONED_RTOL);
  });

  it('hugeCell (one cell of 1e300): no overflow; the determined coefficients and SEs equal R\'s', () => {
    const c = byName('hugeCell');
    const fit = fitLogistic(rowsOf(c), fixture.y, { names: c.featureNames, ...quiet });
    // The row with 1e300 is fitted exactly, so its coefficient is not determined (glm stops at
    // ~3e-299 with SE 0, softlogit at ~2e-299): check the other three, and that this one stays a
    // finite number of the same sign whose product with 1e300 is a moderate linear predictor.
    for (const j of [0, 1, 2]) {
      expect(relative(fit.coefficients[j]!, c.coefficients[j]!)).toBeLessThanOrEqual(WELL_CONDITIONED_RTOL);
      expect(relative(fit.standardErrors[j]!, c.standardErrors[j]!)).toBeLessThanOrEqual(WELL_CONDITIONED_RTOL);
    }
    const eta = fit.coefficients[3]! * 1e300;
    expect(Math.sign(eta)).toBe(Math.sign(c.coefficients[3]!));
    expect(Math.abs(eta)).toBeGreaterThan(1);
    expect(Math.abs(eta)).toBeLessThan(800);
  });
});

describe('exactly collinear columns stay aliased', () => {
  const c = byName('sum');
  it('x3 = x1 + x2 throws COLLINEAR naming x3', () => {
    for (const fit of [() => fitLogistic(rowsOf(c), fixture.y, { names: c.featureNames }), () => fitSoftmax(rowsOf(c), fixture.y, { names: c.featureNames })]) {
      let caught: unknown;
      try {
        fit();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SoftlogitError);
      expect((caught as SoftlogitError).code).toBe('COLLINEAR');
      expect((caught as SoftlogitError).details?.aliased).toEqual(['x3']);
    }
  });

  it("singular: 'drop' drops x3 as R's NA and matches glm on the rest", () => {
    expect(c.aliased).toEqual(['x3']);
    const fit = fitLogistic(rowsOf(c), fixture.y, { names: c.featureNames, singular: 'drop' });
    expect(fit.aliased).toEqual(['x3']);
    fit.coefficients.forEach((b, j) => {
      const expected = c.coefficients[j];
      if (expected === null) expect(b).toBeNaN();
      else expect(relative(b, expected!)).toBeLessThanOrEqual(WELL_CONDITIONED_RTOL);
    });
  });

  it("singular: 'drop' keeps an ill-conditioned column the fit itself keeps (x1 + 1e-6 z)", () => {
    const near = byName('near');
    const fit = fitLogistic(rowsOf(near), fixture.y, { names: near.featureNames, singular: 'drop' });
    expect(fit.aliased ?? []).toEqual([]);
    expect(Number.isFinite(fit.standardErrors[3]!)).toBe(true);
  });
});

describe('a column rescaled by 10^k, k in [-300, 300]', () => {
  /**
   * The rescaled fit's coefficient of that column is the unscaled one / 10^k, the others are
   * unchanged: the columns are equilibrated by powers of two (exact), so the two fits differ only
   * by the rounding of x·10^k (one ulp per value); measured ~1e-15.
   */
  const RESCALE_RTOL = 1e-10;
  it('gives the same fit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: -300, max: 300 }), (seed, k) => {
        const rand = mulberry32(seed);
        const n = 150;
        const X = Array.from({ length: n }, () => [2 * rand() - 1, 2 * rand() - 1]);
        const y = X.map(([a, b]) => (rand() < 1 / (1 + Math.exp(-(0.2 + a! - 0.7 * b!))) ? 1 : 0));
        const c = 10 ** k;
        const base = fitLogistic(X, y);
        const scaled = fitLogistic(X.map(([a, b]) => [a!, b! * c]), y);
        expect(scaled.converged).toBe(true);
        expect(relative(scaled.coefficients[2]! * c, base.coefficients[2]!)).toBeLessThanOrEqual(RESCALE_RTOL);
        for (const j of [0, 1]) {
          expect(relative(scaled.coefficients[j]!, base.coefficients[j]!)).toBeLessThanOrEqual(RESCALE_RTOL);
          expect(relative(scaled.standardErrors[j]!, base.standardErrors[j]!)).toBeLessThanOrEqual(RESCALE_RTOL);
        }
        // The SE of the rescaled column: its variance (SE²) is representable only for |k| ≲ 150.
        if (Math.abs(k) <= 150) expect(relative(scaled.standardErrors[2]! * c, base.standardErrors[2]!)).toBeLessThanOrEqual(RESCALE_RTOL);
      }),
      { numRuns: 40, seed: 12 },
    );
  });
});

describe('one row of weight 1e16 among rows of weight 1', () => {
  /**
   * A Newton step computed here independently (in JavaScript, with 1 − p and p(1 − p) formed from
   * e^-|η| without cancellation) at the returned coefficients, in units of their SEs: at the MLE it
   * is rounding (measured ≤ 2.3e-14 over the six rows below); a fit that stopped short, as one whose
   * stopping test the row of 1e16 swamped, is off by whole SEs.
   */
  const NEWTON_STEP_IN_SES = 1e-10;
  const c = byName('near');
  const rows = fixture.y.map((_, i) => [c.columns[0]![i]!, c.columns[1]![i]!]);

  it.each([0, 1, 2, 3, 4, 5])('heavy row %i: converges to the MLE (no COLLINEAR, no early stop)', (heavy) => {
    const weights = fixture.y.map((_, i) => (i === heavy ? 1e16 : 1));
    const fit = fitLogistic(rows, fixture.y, { weights, ...quiet });
    expect(fit.converged).toBe(true);
    const b = fit.coefficients;
    const p = 3;
    const g = new Float64Array(p);
    const H = Array.from({ length: p }, () => new Float64Array(p));
    rows.forEach((r, i) => {
      const x = [1, ...r];
      const eta = x.reduce((s, v, j) => s + v * b[j]!, 0);
      const z = Math.exp(-Math.abs(eta));
      const prob = eta >= 0 ? 1 / (1 + z) : z / (1 + z);
      const complement = eta >= 0 ? z / (1 + z) : 1 / (1 + z);
      const residual = fixture.y[i] ? complement : -prob;
      const w = z / ((1 + z) * (1 + z));
      for (let j = 0; j < p; j++) {
        g[j] = g[j]! + weights[i]! * residual * x[j]!;
        for (let k = 0; k < p; k++) H[j]![k] = H[j]![k]! + weights[i]! * w * x[j]! * x[k]!;
      }
    });
    // Gaussian elimination on [H | g]
    const A = H.map((row, i) => [...row, g[i]!]);
    for (let i = 0; i < p; i++) {
      for (let k = i + 1; k < p; k++) {
        const m = A[k]![i]! / A[i]![i]!;
        for (let j = i; j <= p; j++) A[k]![j] = A[k]![j]! - m * A[i]![j]!;
      }
    }
    const step = new Float64Array(p);
    for (let i = p - 1; i >= 0; i--) {
      let v = A[i]![p]!;
      for (let j = i + 1; j < p; j++) v -= A[i]![j]! * step[j]!;
      step[i] = v / A[i]![i]!;
    }
    step.forEach((s, j) => expect(Math.abs(s) / fit.standardErrors[j]!).toBeLessThanOrEqual(NEWTON_STEP_IN_SES));
  });
});
