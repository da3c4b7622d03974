/**
 * Shard statistics (src/shard/): accumulate (the map), combine (the reduce) and the fits driven by
 * them. The identity under test: the log-likelihood, gradient and Hessian of all rows are the sums
 * of those of any split of the rows, so a fit from summed shard statistics is the in-memory fit.
 * The in-memory fits (fitLogistic, fitSoftmax) are themselves checked against R in their own tests;
 * the reference values quoted here come from the fixtures (R 4.2.2 glm, statsmodels MNLogit).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accumulate, combine, combineAll, fitLogistic, fitLogisticFromStatistics, fitSoftmax, fitSoftmaxFromStatistics, init,
  newtonStep, SoftlogitError, type LogisticFit, type LogisticShard, type ShardStatistics, type SoftmaxFit, type SoftmaxShard,
} from '../src/index.js';
import { getRuntime } from '../src/wasm/module.js';
import ucla from './fixtures/ucla-admissions.json';
import fgl from './fixtures/fgl-softmax.json';
import budworm from './fixtures/budworm-counts.json';

/**
 * Sums in another order differ by rounding (~1e-15 relative per term); after Newton's polish the
 * MLE is fixed to ~1e-12 relative, so 1e-10 leaves two orders of margin.
 */
const FIT_TOL = 1e-10;
/** Sums of the same terms in another order: a few ulps times the number of terms. */
const SUM_TOL = 1e-12;

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / Math.max(scale, 1e-300);
}

function close(a: number, b: number, tol: number): void {
  expect(Math.abs(a - b) / Math.max(Math.abs(b), 1e-300)).toBeLessThanOrEqual(tol);
}

/** Splits rows 0..n-1 into `parts` contiguous slices. */
function slices(n: number, parts: number): Array<[number, number]> {
  return Array.from({ length: parts }, (_, k) => [Math.floor((k * n) / parts), Math.floor(((k + 1) * n) / parts)]);
}

function expectSameLogistic(actual: LogisticFit, expected: LogisticFit): void {
  expect(relativeError(actual.coefficients, expected.coefficients)).toBeLessThanOrEqual(FIT_TOL);
  expect(relativeError(actual.standardErrors, expected.standardErrors)).toBeLessThanOrEqual(FIT_TOL);
  close(actual.deviance, expected.deviance, FIT_TOL);
  close(actual.nullDeviance, expected.nullDeviance, FIT_TOL);
  close(actual.logLik, expected.logLik, FIT_TOL);
  close(actual.aic, expected.aic, FIT_TOL);
  close(actual.bic, expected.bic, FIT_TOL);
  expect(actual.nObs).toBe(expected.nObs);
  expect(actual.dfResidual).toBe(expected.dfResidual);
  expect(actual.dfNull).toBe(expected.dfNull);
  expect(actual.converged).toBe(expected.converged);
  expect(actual.iterations).toBe(expected.iterations);
  expect(actual.names).toEqual(expected.names);
}

function expectSameSoftmax(actual: SoftmaxFit, expected: SoftmaxFit): void {
  expect(relativeError(actual.coefficients.data, expected.coefficients.data)).toBeLessThanOrEqual(FIT_TOL);
  expect(relativeError(actual.standardErrors.data, expected.standardErrors.data)).toBeLessThanOrEqual(FIT_TOL);
  close(actual.deviance, expected.deviance, FIT_TOL);
  close(actual.nullDeviance, expected.nullDeviance, FIT_TOL);
  close(actual.aic, expected.aic, FIT_TOL);
  expect(actual.nObs).toBe(expected.nObs);
  expect(actual.classes).toEqual(expected.classes);
  expect(actual.iterations).toBe(expected.iterations);
}

describe('accumulate', () => {
  beforeAll(async () => {
    await init();
  });

  it('computes the documented example: gradient −Σ (y − ½)(1, x) at zero', () => {
    const stats = accumulate({ model: 'logistic', X: [[1], [2], [3]], y: [0, 1, 1] }, [0, 0]);
    expect(Array.from(stats.gradient!)).toEqual([-0.5, -2]);
    // Hessian Σ ¼ (1, x)(1, x)ᵀ, logLik 3 log ½
    expect(Array.from(stats.hessian!)).toEqual([0.75, 1.5, 1.5, 3.5]);
    close(stats.logLik, 3 * Math.log(0.5), 1e-15);
    expect(stats.weightSum).toBe(3);
    expect(Array.from(stats.classTotals)).toEqual([1, 2]);
  });

  it('sums over shards: 1, 3 and 7 slices of UCLA (with weights and offsets) give the same statistics', () => {
    const n = ucla.X.length;
    const weights = ucla.X.map((_, i) => 0.5 + (i % 3));
    const offset = ucla.X.map((_, i) => ((i % 5) - 2) / 10);
    const beta = [-3, 0.002, 0.6];
    const shard = (a: number, b: number): LogisticShard => ({
      model: 'logistic', X: ucla.X.slice(a, b), y: ucla.y.slice(a, b), weights: weights.slice(a, b), offset: offset.slice(a, b),
    });
    const whole = accumulate(shard(0, n), beta);
    for (const parts of [3, 7]) {
      const summed = combineAll(slices(n, parts).map(([a, b]) => accumulate(shard(a, b), beta)));
      close(summed.logLik, whole.logLik, SUM_TOL);
      expect(relativeError(summed.gradient!, whole.gradient!)).toBeLessThanOrEqual(SUM_TOL);
      expect(relativeError(summed.hessian!, whole.hessian!)).toBeLessThanOrEqual(SUM_TOL);
      expect(summed.weightSum).toBeCloseTo(whole.weightSum, 9);
      expect(summed.nRows).toBe(n);
      expect(summed.hasOffset).toBe(true);
    }
  });

  it('at the MLE: the gradient vanishes and the Hessian is the inverse of the fit covariance', () => {
    const fit = fitLogistic(ucla.X, ucla.y);
    const stats = accumulate({ model: 'logistic', X: ucla.X, y: ucla.y }, fit.coefficients);
    const g = Array.from(stats.gradient!);
    // Gradient entries scale with the columns (gre ~ 600): relative to Σ|x| they are at rounding level.
    expect(Math.max(...g.map(Math.abs))).toBeLessThan(1e-8);
    // H · covariance = I
    const p = 3;
    const cov = fit.covariance.data;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let k = 0; k < p; k++) s += stats.hessian![i * p + k]! * cov[k * p + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
      }
    }
    // logLik without the constant: 0/1 data has none.
    close(stats.logLik, fit.logLik, 1e-12);
  });

  it('computes only what the level asks for', () => {
    const value = accumulate({ model: 'logistic', X: ucla.X, y: ucla.y }, [0, 0, 0], 'value');
    expect(value.gradient).toBeNull();
    expect(value.hessian).toBeNull();
    const gradient = accumulate({ model: 'logistic', X: ucla.X, y: ucla.y }, [0, 0, 0], 'gradient');
    expect(gradient.gradient).toHaveLength(3);
    expect(gradient.hessian).toBeNull();
    expect(combine(value, gradient).level).toBe('value');
  });

  it('accepts a shard holding one class only (the whole data set is checked by the fit)', () => {
    const stats = accumulate({ model: 'softmax', X: [[1], [2]], y: ['a', 'a'], classes: ['a', 'b', 'c'] }, new Float64Array(4));
    expect(Array.from(stats.classTotals)).toEqual([2, 0, 0]);
    const binary = accumulate({ model: 'logistic', X: [[1], [2]], y: [1, 1] }, [0, 0]);
    expect(Array.from(binary.classTotals)).toEqual([0, 2]);
  });

  it('rejects bad shards and mismatched statistics, naming what was expected', () => {
    expect(() => accumulate({ model: 'logistic', X: [[1]], y: [1] }, [0])).toThrow(/coefficients should hold 2 values/);
    expect(() => accumulate({ model: 'softmax', X: [[1]], y: ['a'] } as unknown as SoftmaxShard, [0, 0])).toThrow(/needs classes/);
    expect(() => accumulate({ model: 'probit' } as unknown as LogisticShard, [0])).toThrow(SoftlogitError);
    const a = accumulate({ model: 'logistic', X: [[1]], y: [1] }, [0, 0]);
    const b = accumulate({ model: 'logistic', X: [[1, 2]], y: [1] }, [0, 0, 0]);
    expect(() => combine(a, b)).toThrow(/different models/);
    expect(() => combineAll([])).toThrow(/no statistics/);
  });

  it('releases its WebAssembly memory: 200 calls leave the heap as they found it', () => {
    const heap = getRuntime('test').heap;
    const before = heap.allocatedBytes;
    for (let k = 0; k < 200; k++) accumulate({ model: 'logistic', X: ucla.X, y: ucla.y }, [0, 0, 0]);
    expect(heap.allocatedBytes).toBe(before);
  });
});

describe('fits from shard statistics', () => {
  beforeAll(async () => {
    await init();
  });

  it('fitLogisticFromStatistics on 4 shards of UCLA is fitLogistic (R: −4.949378062622546, 0.002690683595964, 0.754686855962933)', async () => {
    const n = ucla.X.length;
    const shards: LogisticShard[] = slices(n, 4).map(([a, b]) => ({ model: 'logistic', X: ucla.X.slice(a, b), y: ucla.y.slice(a, b) }));
    const calls: string[] = [];
    const fit = await fitLogisticFromStatistics(
      async (coefficients, level) => {
        calls.push(level);
        return combineAll(shards.map((s) => accumulate(s, coefficients, level)));
      },
      { nFeatures: 2, names: ucla.featureNames },
    );
    expectSameLogistic(fit, fitLogistic(ucla.X, ucla.y, { names: ucla.featureNames }));
    ucla.expected.coefficients.forEach((b: number, j: number) => close(fit.coefficients[j]!, b, 1e-9));
    expect(calls[0]).toBe('value');
    expect(calls.length).toBeLessThanOrEqual(fit.iterations + 6);
  });

  it('matches fitLogistic with weights, offsets and l2, and without an intercept', async () => {
    const n = ucla.X.length;
    const weights = ucla.X.map((_, i) => (i % 7 === 0 ? 0 : 1 + (i % 4)));
    const offset = ucla.X.map((_, i) => Math.sin(i) / 4);
    const X = ucla.X.map((r) => [(r[0]! - 580) / 100, r[1]! - 3.4]);
    for (const options of [{ l2: 0 }, { l2: 2.5 }, { intercept: false }]) {
      const shards: LogisticShard[] = slices(n, 5).map(([a, b]) => ({
        model: 'logistic', X: X.slice(a, b), y: ucla.y.slice(a, b), weights: weights.slice(a, b), offset: offset.slice(a, b),
        intercept: options.intercept ?? true,
      }));
      const fit = await fitLogisticFromStatistics((c, level) => combineAll(shards.map((s) => accumulate(s, c, level))), { nFeatures: 2, ...options });
      expectSameLogistic(fit, fitLogistic(X, ucla.y, { weights, offset, ...options }));
    }
  });

  it('statistics sent as JSON (arrays as number arrays; a shard of zero weights, whose Infinity becomes null) fit as before', async () => {
    const n = ucla.X.length;
    const weights = ucla.X.map((_, i) => (i < 100 ? 0 : 1));
    const shards: LogisticShard[] = slices(n, 4).map(([a, b]) => ({ model: 'logistic', X: ucla.X.slice(a, b), y: ucla.y.slice(a, b), weights: weights.slice(a, b) }));
    const asJSON = (s: ShardStatistics): ShardStatistics => JSON.parse(JSON.stringify(s, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)));
    const sent = accumulate(shards[0]!, [0, 0, 0]);
    expect(sent.smallestWeightedProbability).toBe(Infinity); // every row of shard 0 has weight 0
    expect(asJSON(sent).smallestWeightedProbability).toBeNull();
    const fit = await fitLogisticFromStatistics(
      (c, level) => combineAll(shards.map((s) => asJSON(accumulate(s, c, level)))), { nFeatures: 2, names: ucla.featureNames });
    expectSameLogistic(fit, fitLogistic(ucla.X, ucla.y, { weights, names: ucla.featureNames }));
    expect(fit.warnings).toEqual([]);
  });

  it('statistics made elsewhere, without the fingerprint and the probability symptom: the same fit', async () => {
    const n = ucla.X.length;
    const shards: LogisticShard[] = slices(n, 3).map(([a, b]) => ({ model: 'logistic', X: ucla.X.slice(a, b), y: ucla.y.slice(a, b) }));
    const bare = (s: ShardStatistics): ShardStatistics => {
      const { fingerprint: _f, smallestWeightedProbability: _p, ...rest } = s;
      return rest;
    };
    const fit = await fitLogisticFromStatistics((c, level) => combineAll(shards.map((s) => bare(accumulate(s, c, level)))), { nFeatures: 2, names: ucla.featureNames });
    expectSameLogistic(fit, fitLogistic(ucla.X, ucla.y, { names: ucla.featureNames }));
    expect(fit.warnings).toEqual([]);
  });

  it('matches fitLogistic on binomial counts (budworm: successes and failures per row)', async () => {
    const shards: LogisticShard[] = slices(budworm.X.length, 3).map(([a, b]) => ({
      model: 'logistic', X: budworm.X.slice(a, b), y: { successes: budworm.successes.slice(a, b), failures: budworm.failures.slice(a, b) },
    }));
    const fit = await fitLogisticFromStatistics((c, level) => combineAll(shards.map((s) => accumulate(s, c, level))), { nFeatures: budworm.X[0]!.length });
    const expected = fitLogistic(budworm.X, { successes: budworm.successes, failures: budworm.failures });
    expectSameLogistic(fit, expected);
  });

  it('fitSoftmaxFromStatistics on 6 shards of the glass data (shards lacking classes) is fitSoftmax', async () => {
    // Sorted by label, so most shards hold one or two of the six classes.
    const order = fgl.labels.map((_, i) => i).sort((i, j) => String(fgl.labels[i]).localeCompare(String(fgl.labels[j])));
    const X = order.map((i) => fgl.X[i]!);
    const labels = order.map((i) => fgl.labels[i]!);
    const shards: SoftmaxShard[] = slices(X.length, 6).map(([a, b]) => ({
      model: 'softmax', X: X.slice(a, b), y: labels.slice(a, b), classes: fgl.classes, reference: fgl.reference,
    }));
    const fit = await fitSoftmaxFromStatistics(
      (c, level) => combineAll(shards.map((s) => accumulate(s, c, level))),
      { nFeatures: X[0]!.length, classes: fgl.classes, reference: fgl.reference, names: fgl.featureNames },
    );
    expectSameSoftmax(fit, fitSoftmax(fgl.X, fgl.labels, { classes: fgl.classes, reference: fgl.reference, names: fgl.featureNames }));
  });

  it('reports collinear columns, one class and a source of the wrong shape as the in-memory fit does', async () => {
    const X = ucla.X.map((r) => [r[0]!, r[1]!, 2 * r[0]!]);
    const source = (c: Float64Array, level: 'value' | 'gradient' | 'hessian') => accumulate({ model: 'logistic', X, y: ucla.y }, c, level);
    await expect(fitLogisticFromStatistics(source, { nFeatures: 3 })).rejects.toMatchObject({ code: 'COLLINEAR' });
    const ones = (c: Float64Array, level: 'value' | 'gradient' | 'hessian') => accumulate({ model: 'logistic', X: [[1], [2]], y: [1, 1] }, c, level);
    await expect(fitLogisticFromStatistics(ones, { nFeatures: 1 })).rejects.toMatchObject({ code: 'ONE_CLASS' });
    await expect(fitLogisticFromStatistics(source, { nFeatures: 2 })).rejects.toMatchObject({ code: 'LENGTH_MISMATCH' });
    await expect(fitLogisticFromStatistics(source, {} as never)).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });

  it('newtonStep: plain Newton iterations on reduced statistics reach the MLE', () => {
    const shards: LogisticShard[] = slices(ucla.X.length, 2).map(([a, b]) => ({ model: 'logistic', X: ucla.X.slice(a, b), y: ucla.y.slice(a, b) }));
    let coefficients = new Float64Array(3);
    let stats: ShardStatistics | undefined;
    for (let k = 0; k < 12; k++) {
      stats = combineAll(shards.map((s) => accumulate(s, coefficients)));
      const step = newtonStep(stats, coefficients);
      if (!step.ok) throw new Error('singular');
      coefficients = coefficients.map((b, j) => b + step.direction[j]!);
      if (step.decrement < 1e-20) break;
    }
    expect(relativeError(coefficients, fitLogistic(ucla.X, ucla.y).coefficients)).toBeLessThan(FIT_TOL);
    expect(() => newtonStep({ ...stats!, level: 'value', hessian: null }, coefficients)).toThrow(/level 'hessian'/);
  });
});
