/**
 * Separation on streams and shard statistics (issue #12): on the same rows, fitLogisticStream /
 * fitSoftmaxStream reach the in-memory fit's verdict (the exact LP check, run on an extra pass),
 * and the fits from shard statistics, which hold no rows, report the symptoms with
 * converged: false exactly when the in-memory fit finds separation. Data that are not separated
 * converge with no warning on every path. The in-memory verdicts are themselves checked against
 * R's detectseparation in test/separation-fit.test.ts and test/separation.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accumulate, combineAll, fitLogistic, fitLogisticFromStatistics, fitLogisticStream, fitSoftmax, fitSoftmaxFromStatistics, fitSoftmaxStream, init,
  type LogisticFit, type SoftmaxFit,
} from '../src/index.js';
import { VARIANCE_INFLATION_LIMIT } from '../src/shard/separation.js';
import { gaussian, mulberry32 } from './helpers/random.js';

beforeAll(async () => {
  await init();
});

const quiet = { onWarning: () => {} };

interface Rows<Y> {
  X: number[][];
  y: Y[];
}

/** Rows in batches of `size`, as a source read again on every pass; counts the passes. */
function source<Y>(rows: Rows<Y>, size: number): { read: () => Iterable<{ X: number[][]; y: Y[] }>; passes: () => number } {
  let passes = 0;
  return {
    read: () => {
      passes++;
      const out: Array<{ X: number[][]; y: Y[] }> = [];
      for (let a = 0; a < rows.X.length; a += size) out.push({ X: rows.X.slice(a, a + size), y: rows.y.slice(a, a + size) });
      return out;
    },
    passes: () => passes,
  };
}

/** Shards of `size` rows summed by accumulate/combineAll: a statistics source. */
function statistics(rows: Rows<number>, size: number, shard: (X: number[][], y: number[]) => Parameters<typeof accumulate>[0]) {
  const shards: Array<Parameters<typeof accumulate>[0]> = [];
  for (let a = 0; a < rows.X.length; a += size) shards.push(shard(rows.X.slice(a, a + size), rows.y.slice(a, a + size)));
  return (coefficients: Float64Array, level: 'value' | 'gradient' | 'hessian') => combineAll(shards.map((s) => accumulate(s, coefficients, level)));
}

// ---------------------------------------------------------------------------------------------
// Families of data. Integer-valued features make ties (quasi-complete separation) exact.

/** y = [xᵀb > 0] on Gaussian rows: completely separated (with probability 1). */
function completeBinary(seed: number, n: number, p: number): Rows<number> {
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const b = Array.from({ length: p }, () => normal());
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: p }, () => normal());
    X.push(x);
    y.push(x.reduce((s, v, j) => s + v * b[j]!, 0.1) > 0 ? 1 : 0);
  }
  if (!y.includes(0)) y[0] = 0;
  if (!y.includes(1)) y[1] = 1;
  return completeFix(X, y, b);
}

/** Makes the forced labels consistent again (moves those rows across the boundary). */
function completeFix(X: number[][], y: number[], b: number[]): Rows<number> {
  for (let i = 0; i < X.length; i++) {
    const eta = X[i]!.reduce((s, v, j) => s + v * b[j]!, 0.1);
    if ((eta > 0 ? 1 : 0) !== y[i]) X[i] = X[i]!.map((v, j) => v - (2 * eta * b[j]!) / b.reduce((s, c) => s + c * c, 0));
  }
  return { X, y };
}

/**
 * Overlapping rows on two integer features from a logistic model, plus a 0/1 column that is 1 on
 * `nGroup` rows that all have y = 1: quasi-complete separation (that column's coefficient → +∞).
 */
function quasiBinary(seed: number, n: number, nGroup: number): Rows<number> {
  const rand = mulberry32(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.floor(rand() * 7) - 3;
    const b = Math.floor(rand() * 5) - 2;
    const group = i % Math.floor(n / nGroup) === 0 ? 1 : 0;
    X.push([a, b, group]);
    y.push(group ? 1 : rand() < 1 / (1 + Math.exp(-(0.4 * a - 0.5 * b))) ? 1 : 0);
  }
  return { X, y };
}

/** Rows on one integer feature, y = [x > 0] for x ≠ 0 and both outcomes at x = 0: quasi-complete. */
function quasiTied(seed: number, n: number): Rows<number> {
  const rand = mulberry32(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = Math.floor(rand() * 9) - 4;
    X.push([x, Math.floor(rand() * 3)]);
    y.push(x > 0 ? 1 : x < 0 ? 0 : i % 2);
  }
  return { X, y };
}

/**
 * Nearly separated data: y = [x₁ > 0] on Gaussian rows, then the `k` rows nearest the boundary
 * flipped. Depending on the rows, still separated (through x₂) or a finite MLE with a large slope
 * (the hard case for symptoms: its variances explode as a separated fit's do).
 */
function nearlySeparated(seed: number, n: number, k: number): Rows<number> {
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = normal();
    X.push([x, normal()]);
    y.push(x > 0 ? 1 : 0);
  }
  const nearest = X.map((x, i) => [Math.abs(x[0]!), i] as const).sort((a, b) => a[0] - b[0]);
  for (let j = 0; j < k; j++) y[nearest[j]![1]] = 1 - y[nearest[j]![1]]!;
  return { X, y };
}

/** Ordinary data: Gaussian rows, y from a logistic model with the given signal strength. */
function overlapping(seed: number, n: number, p: number, strength: number): Rows<number> {
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: p }, () => normal());
    const eta = x.reduce((s, v, j) => s + (strength * v) / (j + 1), 0);
    X.push(x);
    y.push(rand() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
  }
  return { X, y };
}

/** Three classes in three x ranges with gaps (a second, noise feature): completely separated. */
function completeSoftmax(seed: number, n: number): Rows<number> {
  const rand = mulberry32(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    X.push([c * 3 + rand() * 2, rand()]);
    y.push(c);
  }
  return { X, y };
}

/** Three overlapping classes plus a 0/1 column whose rows are all of class 2: quasi-complete. */
function quasiSoftmax(seed: number, n: number, nGroup: number): Rows<number> {
  const rand = mulberry32(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.floor(rand() * 7) - 3;
    const group = i % Math.floor(n / nGroup) === 0 ? 1 : 0;
    X.push([a, group]);
    const e1 = Math.exp(0.3 * a);
    const e2 = Math.exp(-0.2 * a + 0.3);
    const u = rand() * (1 + e1 + e2);
    y.push(group ? 2 : u < 1 ? 0 : u < 1 + e1 ? 1 : 2);
  }
  return { X, y };
}

/** Three overlapping classes from a softmax model. */
function overlappingSoftmax(seed: number, n: number, strength: number): Rows<number> {
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = [normal(), normal()];
    const e = [0, strength * x[0]!, strength * (x[1]! - 0.5 * x[0]!)].map(Math.exp);
    const u = rand() * (e[0]! + e[1]! + e[2]!);
    X.push(x);
    y.push(u < e[0]! ? 0 : u < e[0]! + e[1]! ? 1 : 2);
  }
  return { X, y };
}

// ---------------------------------------------------------------------------------------------

const SYMPTOMS = /shows the symptoms of separation/;

async function allLogistic(rows: Rows<number>, batch: number) {
  const memory = fitLogistic(rows.X, rows.y, quiet);
  const stream = await fitLogisticStream(source(rows, batch).read, quiet);
  const sums = await fitLogisticFromStatistics(
    statistics(rows, batch, (X, y) => ({ model: 'logistic', X, y })), { nFeatures: rows.X[0]!.length, ...quiet });
  return { memory, stream, sums };
}

async function allSoftmax(rows: Rows<number>, batch: number) {
  const classes = [0, 1, 2];
  const memory = fitSoftmax(rows.X, rows.y, { classes, ...quiet });
  const stream = await fitSoftmaxStream(source(rows, batch).read, { classes, ...quiet });
  const sums = await fitSoftmaxFromStatistics(
    statistics(rows, batch, (X, y) => ({ model: 'softmax', X, y, classes })), { nFeatures: rows.X[0]!.length, classes, ...quiet });
  return { memory, stream, sums };
}

/** The stream reports what the in-memory fit reports; the statistics fit flags exactly the separated data. */
function expectSameVerdict(fits: { memory: LogisticFit | SoftmaxFit; stream: LogisticFit | SoftmaxFit; sums: LogisticFit | SoftmaxFit }, separated: boolean) {
  const { memory, stream, sums } = fits;
  expect(memory.separation !== null).toBe(separated);
  expect(stream.separation).toEqual(memory.separation);
  expect(stream.converged).toBe(memory.converged);
  expect(stream.warnings).toEqual(memory.warnings.map((w) => w.replace(/^fit(Logistic|Softmax):/, 'fit$1Stream:')));
  expect(sums.separation).toBeNull();
  if (separated) {
    expect(sums.converged).toBe(false);
    expect(sums.warnings).toHaveLength(1);
    expect(sums.warnings[0]).toMatch(SYMPTOMS);
  } else {
    expect(memory.converged).toBe(true);
    expect(sums.converged).toBe(true);
    expect(sums.warnings).toEqual([]);
    expect(stream.warnings).toEqual([]);
  }
}

describe('binary separation on streams and shard statistics', () => {
  it('complete separation (y = [xᵀb > 0], p = 1..3, 30..300 rows): the stream says complete as fitLogistic does; the statistics flag it', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const rows = completeBinary(seed, 30 + 50 * seed, 1 + (seed % 3));
      const fits = await allLogistic(rows, 17);
      expectSameVerdict(fits, true);
      expect(fits.stream.separation!.kind).toBe('complete');
    }
  });

  it('quasi-complete separation (a group column with y = 1 only; ties at x = 0): the same verdict on every path', async () => {
    for (let seed = 1; seed <= 4; seed++) {
      for (const rows of [quasiBinary(seed, 400 * seed, 10), quasiTied(seed, 60 * seed)]) {
        const fits = await allLogistic(rows, 97);
        expectSameVerdict(fits, true);
        expect(fits.stream.separation!.kind).toBe('quasi-complete');
      }
    }
  });

  it('overlapping data, weak to strong signal (slopes up to 4 per standard deviation): converged, no separation, no warning on every path', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const fits = await allLogistic(overlapping(seed, 300 * seed, 1 + (seed % 4), [0.5, 2, 4][seed % 3]!), 113);
      expectSameVerdict(fits, false);
    }
  });

  it('nearly separated data (the rows nearest the boundary flipped): the in-memory verdict on every path, either way', async () => {
    const verdicts: string[] = [];
    for (const [n, k] of [[200, 2], [1000, 2], [5000, 6], [5000, 2]] as const) {
      const fits = await allLogistic(nearlySeparated(n + k, n, k), 250);
      expectSameVerdict(fits, fits.memory.separation !== null);
      verdicts.push(fits.memory.separation?.kind ?? 'none');
    }
    // Both outcomes occur, so the family tests both directions (measured: none, complete, none, complete).
    expect(verdicts).toContain('none');
    expect(verdicts).toContain('complete');
  });

  it('many rows (20 000, a group of 20): Newton stops early, the symptoms still show', async () => {
    const fits = await allLogistic(quasiBinary(20_000, 20_000, 20), 5000);
    expectSameVerdict(fits, true);
    expect(fits.sums.warnings[0]).toMatch(/linear, not quadratic, convergence/);
  });

  it('statistics made elsewhere (no probability symptom, no fingerprint): separation still flagged by the decrements, ordinary data not', async () => {
    const bare = (stats: ReturnType<typeof accumulate>) => {
      const { smallestWeightedProbability: _p, fingerprint: _f, ...rest } = stats;
      return rest;
    };
    for (const [rows, separated] of [[quasiBinary(2, 800, 10), true], [completeBinary(4, 120, 2), true], [overlapping(3, 900, 3, 2), false]] as const) {
      const sums = statistics(rows, 100, (X, y) => ({ model: 'logistic', X, y }));
      const fit = await fitLogisticFromStatistics((c, level) => bare(sums(c, level)), { nFeatures: rows.X[0]!.length, ...quiet });
      expect(fit.converged).toBe(!separated);
      expect(fit.warnings.length).toBe(separated ? 1 : 0);
      if (separated) expect(fit.warnings[0]).toMatch(SYMPTOMS);
    }
  });

  it('the statistics warning names the diverging coefficient and its exploded standard error', async () => {
    const rows = quasiBinary(3, 1200, 10);
    const { sums } = await allLogistic(rows, 200);
    expect(sums.warnings[0]).toMatch(/x3 = [0-9.]+ \(SE [0-9.]+e\+\d+, variance \de\+\d+ times the start's\)/);
    expect(sums.warnings[0]).toMatch(/detectSeparationBinary|fitLogisticStream/);
  });
});

describe('multinomial (K = 3) separation on streams and shard statistics', () => {
  it('complete separation (classes in three x ranges): the stream says complete as fitSoftmax does; the statistics flag it', async () => {
    for (let seed = 1; seed <= 3; seed++) {
      const fits = await allSoftmax(completeSoftmax(seed, 30 * seed), 11);
      expectSameVerdict(fits, true);
      expect(fits.stream.separation!.kind).toBe('complete');
    }
  });

  it('quasi-complete separation (a group column with class 2 only): the same verdict on every path', async () => {
    for (let seed = 1; seed <= 3; seed++) {
      const fits = await allSoftmax(quasiSoftmax(seed, 600 * seed, 12), 128);
      expectSameVerdict(fits, true);
      expect(fits.stream.separation!.kind).toBe('quasi-complete');
      expect(fits.stream.separation!.coefficients).toContain('2:x2');
    }
  });

  it('overlapping classes, weak to strong signal: converged, no separation, no warning on every path', async () => {
    for (let seed = 1; seed <= 4; seed++) {
      expectSameVerdict(await allSoftmax(overlappingSoftmax(seed, 400 * seed, [0.5, 2, 3][seed % 3]!), 150), false);
    }
  });
});

describe('the rows the separation pass reads', () => {
  it('binomial counts, zero weights, no intercept and another reference class: the stream reaches the in-memory verdict', async () => {
    // Counts: successes only at x > 0, failures only at x < 0 (complete); a zero-weight row that
    // would overlap must be ignored, as in memory; without an intercept; K = 3 with reference 2.
    const X = [[-2], [-1], [1], [2], [3], [-3]];
    const counts = { successes: [0, 0, 3, 1, 2, 4], failures: [2, 5, 0, 0, 0, 1] };
    const weights = [1, 1, 1, 1, 1, 0];
    const memory = fitLogistic(X, counts, { weights, ...quiet });
    const stream = await fitLogisticStream(() => [
      { X: X.slice(0, 3), y: { successes: counts.successes.slice(0, 3), failures: counts.failures.slice(0, 3) }, weights: weights.slice(0, 3) },
      { X: X.slice(3), y: { successes: counts.successes.slice(3), failures: counts.failures.slice(3) }, weights: weights.slice(3) },
    ], quiet);
    expect(memory.separation?.kind).toBe('complete');
    expect(stream.separation).toEqual(memory.separation);
    const plain = quasiBinary(5, 900, 9);
    const noIntercept = fitLogistic(plain.X, plain.y, { intercept: false, ...quiet });
    const streamNoIntercept = await fitLogisticStream(source(plain, 128).read, { intercept: false, ...quiet });
    expect(noIntercept.separation).not.toBeNull();
    expect(streamNoIntercept.separation).toEqual(noIntercept.separation);
    const soft = quasiSoftmax(4, 900, 12);
    const softMemory = fitSoftmax(soft.X, soft.y, { classes: [0, 1, 2], reference: 2, ...quiet });
    const softStream = await fitSoftmaxStream(source(soft, 200).read, { classes: [0, 1, 2], reference: 2, ...quiet });
    expect(softMemory.separation?.kind).toBe('quasi-complete');
    expect(softStream.separation).toEqual(softMemory.separation);
    expect(softStream.warnings).toEqual(softMemory.warnings.map((w) => w.replace(/^fitSoftmax:/, 'fitSoftmaxStream:')));
  });
});

describe('the extra pass', () => {
  it('runs only when the symptoms appear: one pass more than the fit needs on separated data, none on ordinary data', async () => {
    const separated = source(quasiBinary(1, 800, 10), 100);
    const noSeparation = source(overlapping(1, 800, 2, 2), 100);
    const a = await fitLogisticStream(separated.read, { ...quiet, nFeatures: 3 });
    const b = await fitLogisticStream(noSeparation.read, { ...quiet, nFeatures: 2 });
    const unchecked = source(quasiBinary(1, 800, 10), 100);
    await fitLogisticStream(unchecked.read, { ...quiet, nFeatures: 3, separationCheck: false });
    expect(a.separation?.kind).toBe('quasi-complete');
    expect(b.separation).toBeNull();
    // The same Newton passes with and without the check; the check adds exactly one.
    expect(separated.passes()).toBe(unchecked.passes() + 1);
    expect(noSeparation.passes()).toBeGreaterThan(0);
  });

  it('separationCheck: false reports the symptoms instead, as the statistics fits do', async () => {
    const rows = completeSoftmax(2, 60);
    const fit = await fitSoftmaxStream(source(rows, 20).read, { ...quiet, classes: [0, 1, 2], separationCheck: false });
    expect(fit.converged).toBe(false);
    expect(fit.separation).toBeNull();
    expect(fit.warnings[0]).toMatch(/fitSoftmaxStream: the fit shows the symptoms of separation/);
  });

  it('with a ridge (l2 > 0) the estimate is finite: no check, no warning, as in memory', async () => {
    const rows = completeBinary(2, 100, 2);
    const fit = await fitLogisticStream(source(rows, 30).read, { ...quiet, l2: 1 });
    const memory = fitLogistic(rows.X, rows.y, { ...quiet, l2: 1 });
    expect(fit.converged).toBe(true);
    expect(fit.separation).toBeNull();
    expect(fit.warnings).toEqual([]);
    expect(memory.separation).toBeNull();
  });

  it('the variance limit (which names the diverging coefficients) sits between the families: separated fits exceed it a hundredfold, ordinary ones stay far below', async () => {
    // The variance ratio (final / start) of the most inflated coefficient, from the fits' own
    // covariances. Measured: 5e8 (quasi-complete), 1e17 (complete), 20 (slope 4 per SD), 1.2 (slope 0.5).
    const ratios = async (rows: Rows<number>) => {
      const stats = statistics(rows, 50, (X, y) => ({ model: 'logistic', X, y }));
      const p = rows.X[0]!.length + 1;
      const startStats = stats(new Float64Array(p).fill(0).map((_, j) => (j === 0 ? Math.log(rows.y.filter((v) => v === 1).length / rows.y.filter((v) => v === 0).length) : 0)), 'hessian');
      const fit = await fitLogisticFromStatistics(stats, { nFeatures: p - 1, ...quiet });
      const start = invertSymmetric(Array.from(startStats.hessian!), p);
      let worst = 0;
      for (let j = 0; j < p; j++) worst = Math.max(worst, fit.standardErrors[j]! ** 2 / start[j * p + j]!);
      return worst;
    };
    for (let seed = 1; seed <= 3; seed++) {
      expect(await ratios(quasiBinary(seed, 1000, 10))).toBeGreaterThan(100 * VARIANCE_INFLATION_LIMIT);
      expect(await ratios(completeBinary(seed, 200, 2))).toBeGreaterThan(100 * VARIANCE_INFLATION_LIMIT);
      expect(await ratios(overlapping(seed, 1000, 2, 4))).toBeLessThan(VARIANCE_INFLATION_LIMIT / 1000);
    }
  });
});

/** Inverse of a small symmetric positive-definite matrix by Gauss–Jordan (test reference). */
function invertSymmetric(a: number[], n: number): number[] {
  const m = a.slice();
  const inv = Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 1 : 0));
  for (let c = 0; c < n; c++) {
    const d = m[c * n + c]!;
    for (let j = 0; j < n; j++) {
      m[c * n + j] = m[c * n + j]! / d;
      inv[c * n + j] = inv[c * n + j]! / d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c]!;
      for (let j = 0; j < n; j++) {
        m[r * n + j] = m[r * n + j]! - f * m[c * n + j]!;
        inv[r * n + j] = inv[r * n + j]! - f * inv[c * n + j]!;
      }
    }
  }
  return inv;
}
