/**
 * Streaming fits (src/stream/): the rows arrive in batches, re-read once per pass, and the fit
 * must be the in-memory fit (fitLogistic / fitSoftmax, themselves checked against R in their own
 * tests) on the same rows, with memory bounded by one batch.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fitLogistic, fitLogisticStream, fitSoftmax, fitSoftmaxStream, init, type LogisticBatch, type SoftmaxBatch,
} from '../src/index.js';
import { getRuntime } from '../src/wasm/module.js';
import { gaussian, mulberry32 } from './helpers/random.js';
import { normwiseRelativeError as relativeError } from './helpers/reference.js';
import haireye from './fixtures/haireye-counts-softmax.json';

/** Sums in another order: the polished MLE agrees to ~1e-12 relative; 1e-10 leaves margin. */
const FIT_TOL = 1e-10;

function close(a: number, b: number): void {
  expect(Math.abs(a - b) / Math.abs(b)).toBeLessThanOrEqual(FIT_TOL);
}

/** n rows, p features, row-major, from a logistic model with coefficients 0.3, 0.5, −0.4, … */
function logisticData(n: number, p: number, seed: number) {
  const next = mulberry32(seed);
  const normal = gaussian(next);
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  const weights = new Float64Array(n);
  const offset = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0.3;
    for (let j = 0; j < p; j++) {
      const v = normal();
      X[i * p + j] = v;
      eta += v * (j % 2 === 0 ? 0.5 : -0.4) / (1 + j / 4);
    }
    offset[i] = 0.2 * Math.sin(i);
    y[i] = next() < 1 / (1 + Math.exp(-(eta + offset[i]!))) ? 1 : 0;
    weights[i] = i % 11 === 0 ? 0 : 1 + (i % 3);
  }
  return { X, y, weights, offset };
}

/** Batches of `size` rows of a row-major design, as a source that can be read again. */
function batches<T>(n: number, size: number, make: (a: number, b: number) => T): () => AsyncIterable<T> {
  return async function* () {
    for (let a = 0; a < n; a += size) {
      await Promise.resolve(); // a real source waits for I/O between batches
      yield make(a, Math.min(n, a + size));
    }
  };
}

describe('fitLogisticStream', () => {
  beforeAll(async () => {
    await init();
  });

  it('matches fitLogistic on 30 000 rows streamed in 60 batches of 500, with weights and offsets, and bounds memory by a batch', async () => {
    const n = 30_000;
    const p = 6;
    const { X, y, weights, offset } = logisticData(n, p, 7);
    const heap = getRuntime('test').heap;
    const alloc = heap.alloc.bind(heap);
    let peak = 0;
    heap.alloc = (bytes: number, caller?: string) => {
      const address = alloc(bytes, caller);
      peak = Math.max(peak, heap.allocatedBytes);
      return address;
    };
    const base = heap.allocatedBytes;
    let passes = 0;
    let fit;
    try {
      fit = await fitLogisticStream(
        batches(n, 500, (a, b): LogisticBatch => ({
          X: { data: X.subarray(a * p, b * p), nRows: b - a, nFeatures: p },
          y: y.subarray(a, b),
          weights: weights.subarray(a, b),
          offset: offset.subarray(a, b),
        })),
        { onPass: (_, rows) => { passes++; expect(rows).toBe(n); } },
      );
    } finally {
      heap.alloc = alloc;
    }
    const expected = fitLogistic({ data: X, nRows: n, nFeatures: p }, y, { weights, offset });
    expect(relativeError(fit.coefficients, expected.coefficients)).toBeLessThanOrEqual(FIT_TOL);
    expect(relativeError(fit.standardErrors, expected.standardErrors)).toBeLessThanOrEqual(FIT_TOL);
    close(fit.deviance, expected.deviance);
    close(fit.nullDeviance, expected.nullDeviance);
    close(fit.aic, expected.aic);
    expect(fit.nObs).toBe(expected.nObs);
    expect(fit.iterations).toBe(expected.iterations);
    expect(passes).toBeGreaterThanOrEqual(fit.iterations + 1);
    // WebAssembly memory in use at once: one batch of 500 rows (panels + per-row vectors + scratch)
    // and the p x p systems, far below the 30 000-row design (30 000 x 8 x 8 B = 1.9 MiB).
    const designBytes = n * 8 * 8;
    expect(peak - base).toBeLessThan(designBytes / 10);
  });

  it('reads sync iterables, skips empty batches, and matches with one row per batch', async () => {
    const n = 200;
    const { X, y } = logisticData(n, 2, 3);
    const rows = Array.from({ length: n }, (_, i) => [X[2 * i]!, X[2 * i + 1]!]);
    const fit = await fitLogisticStream(function* () {
      yield { X: [], y: [] };
      for (let i = 0; i < n; i++) yield { X: [rows[i]!], y: [y[i]!] };
    });
    const expected = fitLogistic(rows, y);
    expect(relativeError(fit.coefficients, expected.coefficients)).toBeLessThanOrEqual(FIT_TOL);
    close(fit.deviance, expected.deviance);
  });

  it('names the batch of a bad row, and rejects an empty or malformed source', async () => {
    const bad = () => [{ X: [[1], [2]], y: [0, 1] }, { X: [[3], [Number.NaN]], y: [0, 1] }];
    await expect(fitLogisticStream(bad)).rejects.toThrow(/^fitLogisticStream: batch 1: X must hold finite numbers, got NaN at row 1/);
    await expect(fitLogisticStream(() => [])).rejects.toMatchObject({ code: 'EMPTY_INPUT' });
    await expect(fitLogisticStream('rows.csv' as never)).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(fitLogisticStream(() => [{ X: [[1], [2]], y: [1, 1] }])).rejects.toMatchObject({ code: 'ONE_CLASS' });
  });
});

describe('fitSoftmaxStream', () => {
  beforeAll(async () => {
    await init();
  });

  it('matches fitSoftmax on 12 000 rows in 37 batches, finding the string classes itself', async () => {
    const n = 12_000;
    const p = 3;
    const next = mulberry32(11);
    const normal = gaussian(next);
    const X: number[][] = [];
    const labels: string[] = [];
    const names = ['north', 'east', 'south', 'west'];
    for (let i = 0; i < n; i++) {
      const row = [normal(), normal(), next()];
      X.push(row);
      const eta = [0, 0.5 * row[0]! - 0.2, -0.3 * row[1]! + row[2]!, 0.4 * row[0]! + 0.4 * row[1]! - 0.5];
      const m = Math.max(...eta);
      const e = eta.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      let u = next() * s;
      let k = 0;
      while (k < 3 && (u -= e[k]!) > 0) k++;
      labels.push(names[k]!);
    }
    const weights = X.map((_, i) => 1 + (i % 2));
    const fit = await fitSoftmaxStream(
      batches(n, 333, (a, b): SoftmaxBatch => ({ X: X.slice(a, b), y: labels.slice(a, b), weights: weights.slice(a, b) })),
      { reference: 'south', l2: 0.5 },
    );
    const expected = fitSoftmax(X, labels, { weights, reference: 'south', l2: 0.5 });
    expect(fit.classes).toEqual(['east', 'north', 'south', 'west']);
    expect(relativeError(fit.coefficients.data, expected.coefficients.data)).toBeLessThanOrEqual(FIT_TOL);
    expect(relativeError(fit.standardErrors.data, expected.standardErrors.data)).toBeLessThanOrEqual(FIT_TOL);
    close(fit.deviance, expected.deviance);
    close(fit.nullDeviance, expected.nullDeviance);
    expect(fit.iterations).toBe(expected.iterations);
  });

  it('matches fitSoftmax on a counts response (hair and eye colour), one row per batch', async () => {
    const options = { classes: haireye.classes, reference: haireye.reference };
    const fit = await fitSoftmaxStream(function* () {
      for (let i = 0; i < haireye.X.length; i++) yield { X: [haireye.X[i]!], y: { counts: [haireye.counts[i]!] } };
    }, options);
    const expected = fitSoftmax(haireye.X, { counts: haireye.counts }, options);
    expect(relativeError(fit.coefficients.data, expected.coefficients.data)).toBeLessThanOrEqual(FIT_TOL);
    close(fit.logLik, expected.logLik);
    close(fit.deviance, expected.deviance);
  });
});
