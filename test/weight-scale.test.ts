// Issue #12, weight scale: the MLE does not change when every prior weight is multiplied by one
// constant c; the standard errors scale as 1/√c and logLik, deviance and AIC's logLik part as c.
// Before the fits normalized the weights, c = 1e-30 stopped after one iteration at a point that
// was not the MLE, with SEs of 1e14 (the stopping test λ² ≤ tol (|f| + 1) holds at once when
// |f| ~ 1e-28), and c = 1e-300 made the information underflow.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accumulate, combineAll, fitLogistic, fitLogisticFromStatistics, fitLogisticStream, fitSoftmax, fitSoftmaxStream, init,
} from '../src/index.js';
import { mulberry32 } from './helpers/random.js';

/**
 * Coefficients and SEs of the scaled fit against the unscaled one. Dividing the weights by the
 * power of two at or below the smallest weight is exact, so the two fits solve the same problem up to the
 * rounding of c·w itself (one ulp per weight): measured agreement ~1e-15; 1e-10 is the bound.
 */
const SCALE_RTOL = 1e-10;

beforeAll(async () => {
  await init();
});

const quiet = { onWarning: () => {} };

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-300));
  return max;
}

/** A well-posed logistic problem: n rows, q features, y drawn from a moderate logistic model, weights in [0.5, 2]. */
function problem(seed: number, n: number, q: number) {
  const rand = mulberry32(seed);
  const X: number[][] = [];
  const y: number[] = [];
  const labels: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: q }, () => 2 * rand() - 1);
    const eta = 0.3 + row.reduce((s, v, j) => s + (j % 2 ? -0.8 : 0.6) * v, 0);
    X.push(row);
    y.push(rand() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
    labels.push(Math.floor(3 * rand() * (0.6 + 0.4 / (1 + Math.exp(-eta)))));
    weights.push(0.5 + 1.5 * rand());
  }
  return { X, y, labels, weights };
}

const scaleExponent = fc.integer({ min: -300, max: 300 });

describe('uniformly scaled weights (issue #12)', () => {
  it('fitLogistic: coefficients unchanged, SEs × 1/√c, logLik and deviance × c, for c = 10^k, k in [-300, 300]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), scaleExponent, (seed, k) => {
        const { X, y, weights } = problem(seed, 120, 3);
        const c = 10 ** k;
        const base = fitLogistic(X, y, { weights, ...quiet });
        const scaled = fitLogistic(X, y, { weights: weights.map((w) => w * c), ...quiet });
        expect(scaled.converged).toBe(true);
        expect(maxRelDiff(scaled.coefficients, base.coefficients)).toBeLessThan(SCALE_RTOL);
        expect(maxRelDiff(scaled.standardErrors.map((s) => s * Math.sqrt(c)), base.standardErrors)).toBeLessThan(SCALE_RTOL);
        expect(Math.abs(scaled.logLik / c - base.logLik)).toBeLessThan(SCALE_RTOL * Math.abs(base.logLik));
        expect(Math.abs(scaled.deviance / c - base.deviance)).toBeLessThan(SCALE_RTOL * base.deviance);
      }),
      { numRuns: 40, seed: 12 },
    );
  });

  it('fitSoftmax: the same identities', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), scaleExponent, (seed, k) => {
        const { X, labels, weights } = problem(seed, 150, 2);
        const c = 10 ** k;
        const base = fitSoftmax(X, labels, { weights, ...quiet });
        const scaled = fitSoftmax(X, labels, { weights: weights.map((w) => w * c), ...quiet });
        expect(scaled.converged).toBe(true);
        expect(maxRelDiff(scaled.baseline.data, base.baseline.data)).toBeLessThan(SCALE_RTOL);
        expect(maxRelDiff(scaled.standardErrors.data.map((s) => s * Math.sqrt(c)), base.standardErrors.data)).toBeLessThan(SCALE_RTOL);
        expect(Math.abs(scaled.logLik / c - base.logLik)).toBeLessThan(SCALE_RTOL * Math.abs(base.logLik));
        expect(Math.abs(scaled.deviance / c - base.deviance)).toBeLessThan(SCALE_RTOL * base.deviance);
      }),
      { numRuns: 25, seed: 12 },
    );
  });

  it('the issue\'s cases: c = 1e-30, 1e-300, 1e30 on the same data', () => {
    const { X, y, weights } = problem(7, 200, 2);
    const base = fitLogistic(X, y, { weights, ...quiet });
    for (const c of [1e-30, 1e-300, 1e30]) {
      const scaled = fitLogistic(X, y, { weights: weights.map((w) => w * c), ...quiet });
      expect(scaled.iterations).toBe(base.iterations);
      expect(maxRelDiff(scaled.coefficients, base.coefficients)).toBeLessThan(SCALE_RTOL);
      expect(maxRelDiff(scaled.standardErrors.map((s) => s * Math.sqrt(c)), base.standardErrors)).toBeLessThan(SCALE_RTOL);
    }
  });

  it('the streaming fits (statistics summed over batches): the same identities for c = 1e-30, 1e-300, 1e30', async () => {
    const { X, y, labels, weights } = problem(11, 200, 2);
    const batches = <T>(response: T[], c: number) => function* () {
      for (let i = 0; i < X.length; i += 64) yield { X: X.slice(i, i + 64), y: response.slice(i, i + 64), weights: weights.slice(i, i + 64).map((w) => w * c) };
    };
    const logistic = await fitLogisticStream(batches(y, 1));
    const softmax = await fitSoftmaxStream(batches(labels, 1));
    for (const c of [1e-30, 1e-300, 1e30]) {
      const scaledLogistic = await fitLogisticStream(batches(y, c));
      expect(scaledLogistic.converged).toBe(true);
      expect(maxRelDiff(scaledLogistic.coefficients, logistic.coefficients)).toBeLessThan(SCALE_RTOL);
      expect(maxRelDiff(scaledLogistic.standardErrors.map((s) => s * Math.sqrt(c)), logistic.standardErrors)).toBeLessThan(SCALE_RTOL);
      expect(Math.abs(scaledLogistic.deviance / c - logistic.deviance)).toBeLessThan(SCALE_RTOL * logistic.deviance);
      const scaledSoftmax = await fitSoftmaxStream(batches(labels, c));
      expect(scaledSoftmax.converged).toBe(true);
      expect(maxRelDiff(scaledSoftmax.baseline.data, softmax.baseline.data)).toBeLessThan(SCALE_RTOL);
      expect(Math.abs(scaledSoftmax.logLik / c - softmax.logLik)).toBeLessThan(SCALE_RTOL * Math.abs(softmax.logLik));
    }
  });

  it('statistics without smallestWeight (from an older producer): normalized by the mean weight instead', async () => {
    const { X, y, weights } = problem(13, 200, 2);
    const base = fitLogistic(X, y, { weights });
    for (const c of [1e-300, 1e300]) {
      const shards = [0, 100].map((r0) => ({
        model: 'logistic' as const, X: X.slice(r0, r0 + 100), y: y.slice(r0, r0 + 100), weights: weights.slice(r0, r0 + 100).map((w) => w * c),
      }));
      const fit = await fitLogisticFromStatistics((coefficients, level) => {
        const { smallestWeight: _, ...older } = combineAll(shards.map((shard) => accumulate(shard, coefficients, level)));
        return older;
      }, { nFeatures: 2 });
      expect(fit.converged).toBe(true);
      expect(maxRelDiff(fit.coefficients, base.coefficients)).toBeLessThan(SCALE_RTOL);
    }
  });
});
