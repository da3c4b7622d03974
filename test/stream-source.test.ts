/**
 * A stream (or a statistics source) must give the same rows on every pass (issue #12). The fits
 * compare the row count, the weight total and an order-independent fingerprint of the rows' bits
 * with those of the first pass and throw SOURCE_CHANGED on any difference; the same rows in any
 * order and any batch split pass, and give the in-memory fit.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accumulate, accumulateScores, combineAll, combineScores, fitLogistic, fitLogisticFromStatistics, fitLogisticStream, fitSoftmaxStream, init,
  SoftlogitError, type LogisticShard, type ShardStatistics,
} from '../src/index.js';
import { gaussian, mulberry32 } from './helpers/random.js';

beforeAll(async () => {
  await init();
});

const quiet = { onWarning: () => {} };

/** The same MLE from sums in another order: ~1e-13 relative; 1e-10 leaves room (as test/stream.test.ts). */
const FIT_TOL = 1e-10;

/** Fits are slow next to plain properties: few runs, each a whole fit. */
const FIT_RUNS = 12;

interface Data {
  X: number[][];
  y: number[];
  weights: number[];
}

/** Overlapping rows (not separated) with weights, from a logistic model. */
function data(seed: number, n: number, p: number): Data {
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const X: number[][] = [];
  const y: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: p }, () => normal());
    X.push(x);
    y.push(rand() < 1 / (1 + Math.exp(-(0.3 + x.reduce((s, v, j) => s + v * (j % 2 ? -0.6 : 0.8), 0)))) ? 1 : 0);
    weights.push(1 + (i % 3));
  }
  return { X, y, weights };
}

/** A permutation of 0..n-1 and cut points, from a seed. */
function shuffle(n: number, seed: number): { order: number[]; cuts: number[] } {
  const rand = mulberry32(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const cuts = [0];
  while (cuts[cuts.length - 1]! < n) cuts.push(Math.min(n, cuts[cuts.length - 1]! + 1 + Math.floor(rand() * n / 3)));
  return { order, cuts };
}

/** Batches of the rows of `d` in the order and split of `seed`. */
function batchesOf(d: Data, seed: number) {
  const { order, cuts } = shuffle(d.X.length, seed);
  const out = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const rows = order.slice(cuts[k], cuts[k + 1]);
    out.push({ X: rows.map((i) => d.X[i]!), y: rows.map((i) => d.y[i]!), weights: rows.map((i) => d.weights[i]!) });
  }
  return out;
}

/** A stream that gives `passData(pass)` on pass 1, 2, … (each pass reshuffled and re-split). */
function streamOf(passData: (pass: number) => Data, seed: number) {
  let pass = 0;
  return () => {
    pass++;
    return batchesOf(passData(pass), seed * 1000 + pass);
  };
}

function expectSourceChanged(error: unknown, pattern: RegExp): void {
  expect(error).toBeInstanceOf(SoftlogitError);
  expect((error as SoftlogitError).code).toBe('SOURCE_CHANGED');
  expect((error as SoftlogitError).message).toMatch(pattern);
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the fit to throw');
}

describe('the rows fingerprint (in accumulate and combine)', () => {
  const row = fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }), { minLength: 2, maxLength: 2 });
  const rows = fc.array(fc.record({ x: row, y: fc.integer({ min: 0, max: 1 }) }), { minLength: 2, maxLength: 30 });
  const fingerprint = (list: Array<{ x: number[]; y: number }>, cuts: number[]): ShardStatistics['fingerprint'] => {
    const shards: LogisticShard[] = [];
    for (let k = 0; k + 1 < cuts.length; k++) {
      const part = list.slice(cuts[k], cuts[k + 1]);
      if (part.length > 0) shards.push({ model: 'logistic', X: part.map((r) => r.x), y: part.map((r) => r.y) });
    }
    const result = combineAll(shards.map((s) => accumulate(s, [0, 0, 0], 'value'))).fingerprint;
    expect(result).toHaveLength(2); // two unsigned 32-bit lanes
    return result;
  };

  it('is the same for the same rows in any order and any split into shards', () => {
    fc.assert(fc.property(rows, fc.integer(), fc.integer(), (list, seedA, seedB) => {
      const a = shuffle(list.length, seedA);
      const b = shuffle(list.length, seedB);
      expect(fingerprint(a.order.map((i) => list[i]!), a.cuts)).toEqual(fingerprint(b.order.map((i) => list[i]!), b.cuts));
    }));
  });

  it('changes when any value of any row changes (x or y), however the rows are split', () => {
    fc.assert(fc.property(rows, fc.nat(), fc.nat(2), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), (list, r, c, value, seed) => {
      const i = r % list.length;
      const old = c < 2 ? list[i]!.x[c]! : list[i]!.y;
      const changed = c < 2 ? value : 1 - old;
      fc.pre(changed !== old && !(changed === 0 && old === 0)); // a different number (−0 is 0)
      const edited = list.map((row, k) => (k !== i ? row : c < 2 ? { x: row.x.map((v, j) => (j === c ? changed : v)), y: row.y } : { x: row.x, y: changed }));
      const split = shuffle(list.length, seed).cuts;
      expect(fingerprint(edited, split)).not.toEqual(fingerprint(list, [0, list.length]));
    }));
  });

  it('treats −0 as 0 (the same number to a fit)', () => {
    expect(fingerprint([{ x: [-0, 1], y: 1 }, { x: [2, 3], y: 0 }], [0, 2])).toEqual(fingerprint([{ x: [0, 1], y: 1 }, { x: [2, 3], y: 0 }], [0, 2]));
  });
});

describe('a stream must give the same rows on every pass', () => {
  const d = data(5, 240, 3);

  it('the same rows in any order and any batch split on every pass: accepted, and the in-memory fit', async () => {
    const memory = fitLogistic(d.X, d.y, { weights: d.weights });
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 1e6 }), async (seed) => {
      const fit = await fitLogisticStream(streamOf(() => d, seed), quiet);
      for (let j = 0; j < 4; j++) expect(Math.abs(fit.coefficients[j]! - memory.coefficients[j]!)).toBeLessThanOrEqual(FIT_TOL * (1 + Math.abs(memory.coefficients[j]!)));
      expect(fit.converged).toBe(true);
    }), { numRuns: FIT_RUNS });
  });

  it('half the rows from pass 2 on: SOURCE_CHANGED naming the counts', async () => {
    const half: Data = { X: d.X.slice(0, 120), y: d.y.slice(0, 120), weights: d.weights.slice(0, 120) };
    const error = await failure(() => fitLogisticStream(streamOf((pass) => (pass >= 2 ? half : d), 1), { ...quiet, nFeatures: 3 }));
    expectSourceChanged(error, /at pass 2 as at pass 1: 120 rows \(120 with non-zero weight, weight total \d+\) against 240 rows/);
  });

  it('fresh random rows of the same count and weights on each pass: SOURCE_CHANGED by the fingerprint', async () => {
    const error = await failure(() => fitLogisticStream(streamOf((pass) => ({ ...data(100 + pass, 240, 3), weights: d.weights }), 2), { ...quiet, nFeatures: 3 }));
    expectSourceChanged(error, /at pass 2 as at pass 1: the same number of rows and weight total, but rows of other content \(row fingerprint [0-9a-f]{16} against [0-9a-f]{16}\)/);
  });

  it('shuffled rows with one value changed from a random pass on (any row, any column, or y): SOURCE_CHANGED', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 2, max: 4 }), fc.nat(239), fc.nat(3), fc.integer({ min: 1, max: 1e6 }),
      async (from, row, column, seed) => {
        const edited: Data = {
          X: d.X.map((x, i) => (i === row && column < 3 ? x.map((v, j) => (j === column ? v + 0.5 : v)) : x)),
          y: d.y.map((v, i) => (i === row && column === 3 ? 1 - v : v)),
          weights: d.weights,
        };
        const error = await failure(() => fitLogisticStream(streamOf((pass) => (pass >= from ? edited : d), seed), { ...quiet, nFeatures: 3 }));
        expectSourceChanged(error, new RegExp(`at pass ${from} as at pass 1`));
      },
    ), { numRuns: FIT_RUNS });
  });

  it('two or four columns of one row negated from pass 2 on: SOURCE_CHANGED (signs that cancel in a linear hash)', async () => {
    const wide = data(6, 240, 5);
    for (const columns of [[0, 3], [1, 2], [0, 1, 2, 4], [0, 1, 3, 4]]) {
      for (const row of [0, 117, 239]) {
        const negated: Data = { ...wide, X: wide.X.map((x, i) => (i === row ? x.map((v, j) => (columns.includes(j) ? -v : v)) : x)) };
        const error = await failure(() => fitLogisticStream(streamOf((pass) => (pass >= 2 ? negated : wide), row + 1), { ...quiet, nFeatures: 5 }));
        expectSourceChanged(error, /at pass 2 as at pass 1: the same number of rows and weight total, but rows of other content/);
      }
    }
  });

  it('a change of a weight alone (rows otherwise equal) is caught', async () => {
    const reweighted: Data = { ...d, weights: d.weights.map((w, i) => (i === 7 ? w + 1 : w)) };
    expectSourceChanged(await failure(() => fitLogisticStream(streamOf((pass) => (pass >= 3 ? reweighted : d), 3), { ...quiet, nFeatures: 3 })), /at pass 3/);
  });

  it('the separation pass is checked too: rows that change only on that extra pass are caught', async () => {
    // Separated data (x1 > 0 ⇔ y = 1); count the passes the fit makes without the check first.
    const sep: Data = { X: d.X, y: d.X.map((x) => (x[0]! > 0 ? 1 : 0)), weights: d.weights };
    let passes = 0;
    await fitLogisticStream(() => {
      passes++;
      return batchesOf(sep, passes);
    }, { ...quiet, nFeatures: 3, separationCheck: false });
    const changed: Data = { ...sep, X: sep.X.map((x, i) => (i === 0 ? [x[0]!, x[1]! + 1, x[2]!] : x)) };
    let calls = 0;
    const error = await failure(() => fitLogisticStream(() => {
      calls++;
      return batchesOf(calls > passes ? changed : sep, calls);
    }, { ...quiet, nFeatures: 3 }));
    expectSourceChanged(error, new RegExp(`at pass ${passes + 1} as at pass 1`));
  });

  it('fitSoftmaxStream: the same checks (labels changed on pass 2)', async () => {
    const labels = d.y.map((v, i) => (v === 1 ? 'b' : i % 2 ? 'a' : 'c'));
    let pass = 0;
    const error = await failure(() => fitSoftmaxStream(() => {
      pass++;
      const y = pass >= 2 ? labels.map((l, i) => (i === 5 ? (l === 'a' ? 'c' : 'a') : l)) : labels;
      return [{ X: d.X.slice(0, 100), y: y.slice(0, 100) }, { X: d.X.slice(100), y: y.slice(100) }];
    }, { ...quiet, classes: ['a', 'b', 'c'], nFeatures: 3 }));
    expectSourceChanged(error, /fitSoftmaxStream: .*at pass 2 as at pass 1/);
  });
});

describe('the score pass of a robust covariance is checked as the Newton passes are', () => {
  const d = data(11, 240, 3);
  /** Edits that keep the row count and the weight total: a value negated, two values of a row swapped between columns, y of two rows swapped. */
  const edits: Array<[string, Data]> = [
    ['x negated', { ...d, X: d.X.map((x, i) => (i === 17 ? [x[0]!, -x[1]!, x[2]!] : x)) }],
    ['values swapped between columns', { ...d, X: d.X.map((x, i) => (i === 200 ? [x[2]!, x[1]!, x[0]!] : x)) }],
    ['y swapped between rows', { ...d, y: d.y.map((v, i) => (i === 3 ? d.y[4]! : i === 4 ? d.y[3]! : v)) }],
  ];
  /** Cluster labels that come with the rows (8 clusters). */
  const withClusters = (rows: Data, seed: number) => {
    const { order, cuts } = shuffle(rows.X.length, seed);
    const out = [];
    for (let k = 0; k + 1 < cuts.length; k++) {
      const idx = order.slice(cuts[k], cuts[k + 1]);
      out.push({ X: idx.map((i) => rows.X[i]!), y: idx.map((i) => rows.y[i]!), weights: idx.map((i) => rows.weights[i]!), cluster: idx.map((i) => i % 8) });
    }
    return out;
  };

  for (const clustered of [false, true]) {
    it(`fitLogisticStream HC1${clustered ? ' clustered' : ''}: rows that change only on the score pass (same count and weight total) throw SOURCE_CHANGED`, async () => {
      expect(d.y[3]).not.toBe(d.y[4]); // the swap changes the rows
      const batches = (rows: Data, seed: number) => (clustered ? withClusters(rows, seed) : batchesOf(rows, seed));
      // The passes of the fit with the unchanged source: the last is the score pass.
      let passes = 0;
      const onPasses: number[] = [];
      await fitLogisticStream(() => batches(d, ++passes), { ...quiet, nFeatures: 3, covariance: 'HC1', onPass: (p) => onPasses.push(p) });
      for (const [what, edited] of edits) {
        let calls = 0;
        const error = await failure(() => fitLogisticStream(() => {
          calls++;
          return batches(calls === passes ? edited : d, calls);
        }, { ...quiet, nFeatures: 3, covariance: 'HC1' }));
        expect(calls, what).toBe(passes);
        expectSourceChanged(error, new RegExp(`at pass ${onPasses.length} as at pass 1: the same number of rows and weight total, but rows of other content`));
      }
    });
  }

  it('fitSoftmaxStream HC0: a label changed only on the score pass throws SOURCE_CHANGED', async () => {
    const labels = d.y.map((v, i) => (v === 1 ? 'b' : i % 2 ? 'a' : 'c'));
    const changed = labels.map((l, i) => (i === 5 ? (l === 'a' ? 'c' : 'a') : l));
    const split = (y: string[]) => [{ X: d.X.slice(0, 100), y: y.slice(0, 100) }, { X: d.X.slice(100), y: y.slice(100) }];
    let passes = 0;
    await fitSoftmaxStream(() => (passes++, split(labels)), { ...quiet, classes: ['a', 'b', 'c'], nFeatures: 3, covariance: 'HC0' });
    let calls = 0;
    const error = await failure(() => fitSoftmaxStream(() => split(++calls === passes ? changed : labels), { ...quiet, classes: ['a', 'b', 'c'], nFeatures: 3, covariance: 'HC0' }));
    expectSourceChanged(error, /fitSoftmaxStream: .*as at pass 1: the same number of rows and weight total, but rows of other content/);
  });

  it('accumulateScores carries the fingerprint and informative rows of accumulate (weights, offset, softmax counts), and combineScores adds them', () => {
    const rows = batchesOf(d, 3);
    const logistic: LogisticShard[] = rows.map((b, k) => ({ model: 'logistic', X: b.X, y: b.y, weights: b.weights.map((w, i) => (i === 0 && k === 0 ? 0 : w)), offset: b.y.map((_, i) => i / 10) }));
    const b = [0.1, -0.2, 0.3, 0.05];
    const statistics = combineAll(logistic.map((s) => accumulate(s, b, 'value')));
    const scores = logistic.map((s) => accumulateScores(s, b)).reduce(combineScores);
    expect(scores.fingerprint).toEqual(statistics.fingerprint);
    expect(scores.nInformative).toBe(statistics.nInformative);
    expect(scores.nInformative).toBe(d.X.length - 1);
    const softmax = { model: 'softmax' as const, X: d.X, y: d.y.map((v, i) => (v === 1 ? 'b' : i % 2 ? 'a' : 'c')), classes: ['a', 'b', 'c'] };
    const coefficients = new Float64Array(8);
    expect(accumulateScores(softmax, coefficients).fingerprint).toEqual(accumulate(softmax, coefficients, 'value').fingerprint);
    // Sums made elsewhere without them: the sum no longer knows them.
    const { fingerprint: _f, nInformative: _n, ...bare } = accumulateScores(logistic[0]!, b);
    const mixed = combineScores(bare, accumulateScores(logistic[1]!, b));
    expect(mixed.fingerprint).toBeUndefined();
    expect(mixed.nInformative).toBeUndefined();
  });

  it('fitLogisticFromStatistics: score sums of other rows (same count and weight total) throw SOURCE_CHANGED', async () => {
    const shardsOf = (rows: Data): LogisticShard[] => batchesOf(rows, 7).map((b) => ({ model: 'logistic', X: b.X, y: b.y, weights: b.weights }));
    for (const [what, edited] of edits) {
      const error = await failure(() => fitLogisticFromStatistics(
        (coefficients, level) => combineAll(shardsOf(d).map((s) => accumulate(s, coefficients, level))),
        { ...quiet, nFeatures: 3, covariance: 'HC1', scores: (b) => shardsOf(edited).map((s) => accumulateScores(s, b)).reduce(combineScores) },
      ));
      expect(error, what).toBeInstanceOf(SoftlogitError);
      expectSourceChanged(error, /fitLogisticFromStatistics: .*the same number of rows and weight total, but rows of other content/);
    }
  });
});

describe('a statistics source must sum the same rows at every evaluation', () => {
  const d = data(9, 300, 2);
  const shardsOf = (rows: Data, seed: number): LogisticShard[] =>
    batchesOf(rows, seed).map((b) => ({ model: 'logistic', X: b.X, y: b.y, weights: b.weights }));

  it('reshuffled and re-split shards at every evaluation: accepted, the in-memory fit', async () => {
    const memory = fitLogistic(d.X, d.y, { weights: d.weights });
    let call = 0;
    const fit = await fitLogisticFromStatistics(
      (coefficients, level) => combineAll(shardsOf(d, ++call).map((s) => accumulate(s, coefficients, level))), { nFeatures: 2, ...quiet });
    for (let j = 0; j < 3; j++) expect(Math.abs(fit.coefficients[j]! - memory.coefficients[j]!)).toBeLessThanOrEqual(FIT_TOL * (1 + Math.abs(memory.coefficients[j]!)));
  });

  it('a shard lost from evaluation 3 on, or one row edited: SOURCE_CHANGED', async () => {
    let call = 0;
    const lost = await failure(() => fitLogisticFromStatistics((coefficients, level) => {
      const shards = shardsOf(d, 1);
      return combineAll((++call >= 3 ? shards.slice(1) : shards).map((s) => accumulate(s, coefficients, level)));
    }, { nFeatures: 2, ...quiet }));
    expectSourceChanged(lost, /fitLogisticFromStatistics: the statistics source did not give the same rows at evaluation 3 as at evaluation 1/);
    call = 0;
    const edited: Data = { ...d, y: d.y.map((v, i) => (i === 42 ? 1 - v : v)) };
    const changed = await failure(() => fitLogisticFromStatistics(
      (coefficients, level) => combineAll(shardsOf(++call >= 2 ? edited : d, call).map((s) => accumulate(s, coefficients, level))), { nFeatures: 2, ...quiet }));
    expectSourceChanged(changed, /rows of other content/);
  });

  it('two or four columns of one row negated from evaluation 2 on: SOURCE_CHANGED', async () => {
    const wide = data(10, 300, 4);
    for (const columns of [[0, 1], [1, 3], [0, 1, 2, 3]]) {
      const negated: Data = { ...wide, X: wide.X.map((x, i) => (i === 42 ? x.map((v, j) => (columns.includes(j) ? -v : v)) : x)) };
      let call = 0;
      const error = await failure(() => fitLogisticFromStatistics(
        (coefficients, level) => combineAll(shardsOf(++call >= 2 ? negated : wide, call).map((s) => accumulate(s, coefficients, level))), { nFeatures: 4, ...quiet }));
      expectSourceChanged(error, /at evaluation 2 as at evaluation 1: the same number of rows and weight total, but rows of other content/);
    }
  });
});
