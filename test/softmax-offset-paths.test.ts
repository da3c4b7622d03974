/**
 * A softmax offset on every path that fits from sums (issue #15 item 10): a stream of batches, shard
 * statistics, threads. Each must give the in-memory fitSoftmax with the same offset, which is
 * checked against nnet::multinom(Sat ~ Infl + Type + Cont + offset(O)) in test/inference.test.ts
 * (test/fixtures/inference/housing-offset.json, made by
 * test/fixtures/generate/inference/softmax-offset.R).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accumulate, accumulateScores, combineAll, combineScores, fitSoftmax, fitSoftmaxFromStatistics, fitSoftmaxStream, init,
  type SoftmaxFit, type SoftmaxShard,
} from '../src/index.js';
import housing from './fixtures/housing-weighted-softmax.json';
import housingOffset from './fixtures/inference/housing-offset.json';

/**
 * The same sums added in another order and the same Newton steps: measured agreement ~1e-13
 * relative; 1e-10 is what the issue asks and still far below the 1e-2 an ignored offset moves.
 */
const PATH_RTOL = 1e-10;

const X = housing.X as number[][];
const labels = housing.labels as string[];
const weights = housing.weights as number[];
const classes = housing.classes as string[];
const offset = housingOffset.offset as number[][];
const names = housing.featureNames as string[];
const n = X.length;

/** Cuts [0, n) into three unequal parts, so that sums really are over parts. */
const CUTS = [0, 17, 40, n];
const parts = CUTS.slice(1).map((end, b) => ({ start: CUTS[b]!, end }));

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

function expectSameFit(actual: SoftmaxFit, expected: SoftmaxFit): void {
  expect(actual.converged).toBe(true);
  expect(actual.coefficients.data.length).toBe(expected.coefficients.data.length);
  for (let i = 0; i < expected.coefficients.data.length; i++) {
    expect(relative(actual.coefficients.data[i]!, expected.coefficients.data[i]!)).toBeLessThanOrEqual(PATH_RTOL);
    expect(relative(actual.standardErrors.data[i]!, expected.standardErrors.data[i]!)).toBeLessThanOrEqual(PATH_RTOL);
  }
  expect(relative(actual.deviance, expected.deviance)).toBeLessThanOrEqual(PATH_RTOL);
  expect(relative(actual.nullDeviance, expected.nullDeviance)).toBeLessThanOrEqual(PATH_RTOL);
  expect(relative(actual.logLik, expected.logLik)).toBeLessThanOrEqual(PATH_RTOL);
}

beforeAll(async () => {
  await init();
});

describe('softmax offsets on streams and shard statistics equal fitSoftmax with the offset', () => {
  for (const intercept of [true, false]) {
    it(`stream of batches, intercept ${intercept}: coefficients, SEs, deviance, null deviance`, async () => {
      const inMemory = fitSoftmax(X, labels, { names, classes, weights, offset, intercept });
      const batches = parts.map(({ start, end }) => ({ X: X.slice(start, end), y: labels.slice(start, end), weights: weights.slice(start, end), offset: offset.slice(start, end) }));
      const stream = await fitSoftmaxStream(() => batches, { names, classes, intercept });
      expectSameFit(stream, inMemory);
      // The offset matters: without it the stream's fit is another one.
      const plain = await fitSoftmaxStream(() => batches.map(({ offset: _o, ...rest }) => rest), { names, classes, intercept });
      expect(relative(plain.deviance, inMemory.deviance)).toBeGreaterThan(1e-3);
    });
  }

  it('shard statistics (accumulate, combineAll) with an HC0 sandwich from accumulateScores', async () => {
    const inMemory = fitSoftmax(X, labels, { names, classes, weights, offset, covariance: 'HC0' });
    const shards: SoftmaxShard[] = parts.map(({ start, end }) => ({
      model: 'softmax', X: X.slice(start, end), y: labels.slice(start, end), classes, weights: weights.slice(start, end), offset: offset.slice(start, end),
    }));
    const fit = await fitSoftmaxFromStatistics(
      (coefficients, level) => combineAll(shards.map((s) => accumulate(s, coefficients, level))),
      { nFeatures: names.length, names, classes, covariance: 'HC0', scores: (b) => shards.map((s) => accumulateScores(s, b)).reduce(combineScores) },
    );
    expectSameFit(fit, inMemory);
  });

  it('a per-class offset ({ perClass }) in each batch equals the n x K one', async () => {
    const perClass = [0.3, -0.8, 1.1];
    const inMemory = fitSoftmax(X, labels, { names, classes, weights, offset: { perClass }, intercept: false });
    const batches = parts.map(({ start, end }) => ({ X: X.slice(start, end), y: labels.slice(start, end), weights: weights.slice(start, end), offset: { perClass } }));
    expectSameFit(await fitSoftmaxStream(() => batches, { names, classes, intercept: false }), inMemory);
  });

  it('a batch offset of the wrong shape is an error naming the batch', async () => {
    const batches = [{ X, y: labels, weights, offset: offset.map((row) => row.slice(1)) }];
    await expect(fitSoftmaxStream(() => batches, { names, classes })).rejects.toThrow(/batch 0: offset row 0 should have 3 numbers/);
    // The statistics fit's option offset is refused saying where offsets go.
    await expect(fitSoftmaxFromStatistics(() => { throw new Error('unused'); }, { nFeatures: names.length, classes, offset } as never)).rejects.toThrow(/give them in each shard .* as `offset`/);
  });
});
