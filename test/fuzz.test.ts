// Property tests over random shapes (issue #7): for any n, p, K, weights and column scales, a fit
// either returns finite results that satisfy the score equations (gradient ≈ 0 relative to its
// scale), or reports why not (converged: false with a warning; separation when the LP finds it),
// or throws a SoftlogitError — never another exception, never NaN with converged: true.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitLogistic, fitSoftmax, init, SoftlogitError, type LogisticFit, type SoftmaxFit } from '../src/index.js';
import { mulberry32 } from './helpers/random.js';

/**
 * Score relative to Σᵢ|xᵢⱼ|tᵢ at a converged fit. Newton stops on the decrement and then polishes
 * to rounding level (~1e-15) on well-conditioned data; random designs with columns from 1e-6 to
 * 1e6 and a handful of rows can be nearly collinear (condition up to ~1e12 after scaling), where
 * rounding in the solve leaves ~κ·eps. 1e-6 bounds that; a wrong gradient or an early stop gives
 * O(1e-2) or more.
 */
const SCALED_SCORE = 1e-6;

beforeAll(async () => {
  await init();
});

interface Case {
  X: number[][];
  weights: number[] | undefined;
  intercept: boolean;
  labels: number[];
}

/** Random shapes: n 1..40 rows, q 0..5 columns on scales 10^-6..10^6, weights with zeros and spread. */
function cases(nClasses: fc.Arbitrary<number>): fc.Arbitrary<Case & { K: number }> {
  return fc
    .record({
      n: fc.integer({ min: 1, max: 40 }),
      q: fc.integer({ min: 0, max: 5 }),
      K: nClasses,
      intercept: fc.boolean(),
      weighted: fc.boolean(),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      scales: fc.array(fc.integer({ min: -6, max: 6 }), { minLength: 5, maxLength: 5 }),
    })
    .map(({ n, q, K, intercept, weighted, seed, scales }) => {
      const rand = mulberry32(seed);
      const X = Array.from({ length: n }, () => Array.from({ length: q }, (_, j) => (rand() * 2 - 1) * 10 ** scales[j]!));
      const labels = X.map(() => Math.floor(rand() * K));
      const weights = weighted ? X.map(() => (rand() < 0.2 ? 0 : 10 ** (rand() * 6 - 3))) : undefined;
      return { X, weights, intercept, labels, K };
    });
}

function design(c: Case): number[][] {
  return c.intercept ? c.X.map((r) => [1, ...r]) : c.X;
}

/** max_j |Σᵢ xᵢⱼ wᵢ(yᵢ − pᵢ)| / Σᵢ |xᵢⱼ| wᵢ for a logistic fit. */
function logisticScaledScore(c: Case, fit: LogisticFit): number {
  const rows = design(c);
  const beta = fit.coefficients;
  let worst = 0;
  for (let j = 0; j < beta.length; j++) {
    let score = 0;
    let scale = 0;
    rows.forEach((x, i) => {
      const w = c.weights ? c.weights[i]! : 1;
      if (w === 0) return;
      const eta = x.reduce((s, v, k) => s + v * beta[k]!, 0);
      const prob = eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
      score += x[j]! * w * (c.labels[i]! - prob);
      scale += Math.abs(x[j]!) * w;
    });
    if (scale > 0) worst = Math.max(worst, Math.abs(score) / scale);
  }
  return worst;
}

/** The same for a softmax fit, over the non-reference classes. */
function softmaxScaledScore(c: Case, fit: SoftmaxFit): number {
  const rows = design(c);
  const W = fit.coefficients; // p x K, reference form
  const K = W.cols;
  const classIndex = (label: number) => fit.classes.indexOf(label);
  let worst = 0;
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < W.rows; j++) {
      let score = 0;
      let scale = 0;
      rows.forEach((x, i) => {
        const w = c.weights ? c.weights[i]! : 1;
        if (w === 0) return;
        const eta = Array.from({ length: K }, (_, l) => x.reduce((s, v, m) => s + v * W.get(m, l), 0));
        const max = Math.max(...eta);
        const sum = eta.reduce((s, e) => s + Math.exp(e - max), 0);
        const prob = Math.exp(eta[k]! - max) / sum;
        score += x[j]! * w * ((classIndex(c.labels[i]!) === k ? 1 : 0) - prob);
        scale += Math.abs(x[j]!) * w;
      });
      if (scale > 0) worst = Math.max(worst, Math.abs(score) / scale);
    }
  }
  return worst;
}

/** Runs `fit`; a SoftlogitError is an allowed outcome, anything else thrown fails the property. */
function outcome<T>(fit: () => T): T | null {
  try {
    return fit();
  } catch (error) {
    if (error instanceof SoftlogitError) return null;
    throw error;
  }
}

describe('fuzzing the fits over random shapes', () => {
  it('fitLogistic: finite and at the score equations, or not converged with a warning, or a SoftlogitError', () => {
    fc.assert(
      fc.property(cases(fc.constant(2)), (c) => {
        const options = { intercept: c.intercept, onWarning: () => {}, ...(c.weights ? { weights: c.weights } : {}) };
        const fit = outcome(() => fitLogistic(c.X, c.labels, options));
        if (fit === null) return;
        if (fit.separation) expect(fit.converged).toBe(false);
        if (!fit.converged) {
          expect(fit.warnings.length).toBeGreaterThan(0);
          return;
        }
        for (const v of [...fit.coefficients, fit.logLik, fit.deviance, fit.aic]) expect(Number.isFinite(v)).toBe(true);
        expect(logisticScaledScore(c, fit)).toBeLessThan(SCALED_SCORE);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('fitLogistic firth: true is finite whenever it returns converged', () => {
    fc.assert(
      fc.property(cases(fc.constant(2)), (c) => {
        const options = { intercept: c.intercept, firth: true, onWarning: () => {}, ...(c.weights ? { weights: c.weights } : {}) };
        const fit = outcome(() => fitLogistic(c.X, c.labels, options));
        if (fit === null) return;
        if (!fit.converged) {
          expect(fit.warnings.length).toBeGreaterThan(0);
          return;
        }
        for (const v of [...fit.coefficients, ...fit.standardErrors, fit.logLik]) expect(Number.isFinite(v)).toBe(true);
      }),
      { numRuns: 200, seed: 8 },
    );
  });

  it('fitSoftmax: the same for K = 2..4 classes', () => {
    fc.assert(
      fc.property(cases(fc.integer({ min: 2, max: 4 })), (c) => {
        const options = { intercept: c.intercept, onWarning: () => {}, ...(c.weights ? { weights: c.weights } : {}) };
        const fit = outcome(() => fitSoftmax(c.X, c.labels, options));
        if (fit === null) return;
        if (fit.separation) expect(fit.converged).toBe(false);
        if (!fit.converged) {
          expect(fit.warnings.length).toBeGreaterThan(0);
          return;
        }
        for (const v of [...fit.baseline.data, fit.logLik, fit.deviance]) expect(Number.isFinite(v)).toBe(true);
        expect(softmaxScaledScore(c, fit)).toBeLessThan(SCALED_SCORE);
      }),
      { numRuns: 200, seed: 9 },
    );
  });
});
