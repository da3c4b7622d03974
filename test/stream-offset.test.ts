/**
 * Large offsets on the paths that read rows once per pass (issue #12): a constant offset of 33, 40
 * or −40, or one around −50 that varies by row, gave "line search could not decrease the objective"
 * on a stream while fitLogistic (checked against R glm in test/convergence.test.ts) fits them. The
 * stream and the shard-statistics fits must give fitLogistic's fit, null deviance included.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { accumulate, fitLogistic, fitLogisticFromStatistics, fitLogisticStream, init, type LogisticFit } from '../src/index.js';
import ucla from './fixtures/ucla-admissions.json';

/** Sums in another order: the polished MLE agrees to ~1e-12 relative; 1e-9 leaves margin. */
const FIT_TOL = 1e-9;

const X = ucla.X as number[][];
const y = ucla.y as number[];

const OFFSETS: Array<[string, (row: number[], i: number) => number]> = [
  ['constant 33', () => 33],
  ['constant 40', () => 40],
  ['constant −40', () => -40],
  ['around −50, varying by row', (row, i) => -50 + 0.004 * row[0]! + 0.1 * (i % 7)],
];

function expectSameFit(actual: LogisticFit, expected: LogisticFit): void {
  expect(actual.converged).toBe(true);
  expect(actual.warnings).toEqual([]);
  for (let j = 0; j < expected.coefficients.length; j++) {
    const scale = Math.max(1, Math.abs(expected.coefficients[j]!));
    expect(Math.abs(actual.coefficients[j]! - expected.coefficients[j]!) / scale).toBeLessThanOrEqual(FIT_TOL);
    expect(Math.abs(actual.standardErrors[j]! / expected.standardErrors[j]! - 1)).toBeLessThanOrEqual(FIT_TOL);
  }
  expect(Math.abs(actual.deviance / expected.deviance - 1)).toBeLessThanOrEqual(FIT_TOL);
  expect(Math.abs(actual.nullDeviance / expected.nullDeviance - 1)).toBeLessThanOrEqual(FIT_TOL);
}

beforeAll(async () => {
  await init();
});

describe('large offsets on streams and shard statistics', () => {
  for (const [name, offsetOf] of OFFSETS) {
    it(`${name}: the stream and the statistics fit give fitLogistic's fit`, async () => {
      const offset = X.map((row, i) => offsetOf(row, i));
      const inMemory = fitLogistic(X, y, { offset, onWarning: () => {} });
      expect(inMemory.converged).toBe(true);
      // Two batches, so the sums really are over parts.
      const half = X.length >> 1;
      const batches = [
        { X: X.slice(0, half), y: y.slice(0, half), offset: offset.slice(0, half) },
        { X: X.slice(half), y: y.slice(half), offset: offset.slice(half) },
      ];
      const stream = await fitLogisticStream(() => batches, { onWarning: () => {} });
      expectSameFit(stream, inMemory);
      const statistics = await fitLogisticFromStatistics(
        async (coefficients, level) => accumulate({ model: 'logistic', X, y, offset }, coefficients, level),
        { nFeatures: X[0]!.length, onWarning: () => {} },
      );
      expectSameFit(statistics, inMemory);
    });
  }
});
