// The WebAssembly kernels (assembly/*.ts) called directly on raw memory, against the short pure-TS
// reference in helpers/reference.ts: panel layout, logisticEvaluate (log-likelihood, score,
// information, including the padding edge cases), the Cholesky factor/solve/inverse, and the
// scalar helpers log1pexp and sigmoid.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getRuntime, init, type SoftlogitRuntime } from '../src/wasm/module.js';
import {
  log1pexpRef, multiply, randomDesign, referenceEvaluate, relativeError, sigmoidRef, Sum, withIntercept,
} from './helpers/reference.js';
import { PIVOT_NOISE } from '../src/objective/system.js';
import { gaussian, mulberry32 } from './helpers/random.js';
import { LINALG_RTOL, SCALAR_RTOL, SUM_RTOL } from './helpers/tolerances.js';

let runtime: SoftlogitRuntime;
/** Blocks allocated by the current test, freed after it. */
const allocated: number[] = [];

beforeAll(async () => {
  await init();
  runtime = getRuntime('kernels.test');
});

afterEach(() => {
  for (const address of allocated.splice(0)) runtime.heap.free(address);
});

/** Allocates `length` doubles (the test frees them); take views only after the last alloc. */
function alloc(length: number): number {
  const address = runtime.heap.alloc(Math.max(1, length) * 8, 'kernels.test');
  allocated.push(address);
  return address;
}

function view(address: number, length: number): Float64Array {
  return runtime.heap.f64(address, length);
}

interface PackedDesign {
  address: number;
  nPanels: number;
  nCols: number;
  nColsPadded: number;
  nRowsPadded: number;
}

/** Packs rows into panels with packPanel, one panel at a time, as DesignBuffer does. */
function pack(X: readonly (readonly number[])[], nFeatures: number, intercept: boolean): PackedDesign {
  const { panelRows, columnMultiple, kernels } = runtime;
  const nCols = nFeatures + (intercept ? 1 : 0);
  const nColsPadded = Math.ceil(nCols / columnMultiple) * columnMultiple;
  const nPanels = Math.ceil(X.length / panelRows);
  const address = alloc(nPanels * panelRows * nColsPadded);
  const staging = alloc(panelRows * Math.max(1, nFeatures));
  for (let b = 0; b < nPanels; b++) {
    const rows = X.slice(b * panelRows, (b + 1) * panelRows);
    view(staging, rows.length * nFeatures).set(rows.flat());
    const bad = kernels.packPanel(staging, rows.length, nFeatures, intercept ? 1 : 0, nColsPadded, address + b * panelRows * nColsPadded * 8);
    expect(bad).toBe(-1);
  }
  return { address, nPanels, nCols, nColsPadded, nRowsPadded: nPanels * panelRows };
}

describe('layout constants', () => {
  it('exports 256-row panels and columns padded to a multiple of 2 (assembly/panel.ts)', () => {
    expect(runtime.panelRows).toBe(256);
    expect(runtime.columnMultiple).toBe(2);
    expect(runtime.kernels.heapBase()).toBeGreaterThan(0);
  });
});

describe('packPanel', () => {
  const cases: [nRows: number, nFeatures: number, intercept: boolean][] = [
    [1, 1, false], [1, 3, true], [100, 4, false], [255, 2, true], [256, 3, true], [256, 5, false], [17, 0, true],
  ];
  it.each(cases)('%i rows x %i features (intercept %s): column-major panel, zero padding', (nRows, nFeatures, intercept) => {
    const { panelRows, columnMultiple, kernels } = runtime;
    const rand = mulberry32(nRows * 31 + nFeatures);
    const X = randomDesign(rand, nRows, nFeatures);
    const nCols = nFeatures + (intercept ? 1 : 0);
    const nColsPadded = Math.max(columnMultiple, Math.ceil(nCols / columnMultiple) * columnMultiple);
    const staging = alloc(nRows * Math.max(1, nFeatures));
    const panel = alloc(panelRows * nColsPadded);
    view(staging, nRows * nFeatures).set(X.flat());
    view(panel, panelRows * nColsPadded).fill(7); // garbage the kernel must overwrite
    expect(kernels.packPanel(staging, nRows, nFeatures, intercept ? 1 : 0, nColsPadded, panel)).toBe(-1);
    const out = view(panel, panelRows * nColsPadded);
    const full = intercept ? withIntercept(X) : X;
    for (let j = 0; j < nColsPadded; j++) {
      for (let r = 0; r < panelRows; r++) {
        const expected = r < nRows && j < nCols ? full[r]![j]! : 0;
        if (out[j * panelRows + r] !== expected) {
          throw new Error(`panel[${r}, ${j}] = ${out[j * panelRows + r]}, expected ${expected}`);
        }
      }
    }
  });

  it('returns the row-major index of the first NaN or infinity, and still packs everything', () => {
    const { panelRows, kernels } = runtime;
    const nFeatures = 3;
    const staging = alloc(10 * nFeatures);
    const panel = alloc(panelRows * 4);
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      const values = Array.from({ length: 10 * nFeatures }, (_, k) => k + 0.5);
      values[4 * nFeatures + 2] = bad; // row 4, column 2
      values[7 * nFeatures + 0] = bad; // a later one
      view(staging, values.length).set(values);
      expect(kernels.packPanel(staging, 10, nFeatures, 1, 4, panel)).toBe(4 * nFeatures + 2);
    }
  });
});

describe('packPanels', () => {
  it('packs a block of rows into consecutive panels exactly as packPanel does one panel at a time', () => {
    const { panelRows, columnMultiple, kernels } = runtime;
    const nFeatures = 5;
    const nColsPadded = Math.ceil((nFeatures + 1) / columnMultiple) * columnMultiple;
    for (const nRows of [1, 256, 257, 3 * 256 + 100]) {
      const X = randomDesign(mulberry32(nRows), nRows, nFeatures);
      const nPanels = Math.ceil(nRows / panelRows);
      const staging = alloc(nRows * nFeatures);
      view(staging, nRows * nFeatures).set(X.flat());
      const block = alloc(nPanels * panelRows * nColsPadded);
      view(block, nPanels * panelRows * nColsPadded).fill(7);
      expect(kernels.packPanels(staging, nRows, nFeatures, 1, nColsPadded, block)).toBe(-1);
      const one = pack(X, nFeatures, true);
      expect(view(block, nPanels * panelRows * nColsPadded)).toEqual(view(one.address, nPanels * panelRows * nColsPadded));
    }
  });

  it('returns the index, counted from the block\'s first row, of the first NaN or infinity', () => {
    const { kernels } = runtime;
    const nFeatures = 3;
    const nRows = 600;
    const staging = alloc(nRows * nFeatures);
    const block = alloc(3 * 256 * 4);
    const values = Array.from({ length: nRows * nFeatures }, (_, k) => k + 0.5);
    values[300 * nFeatures + 1] = Number.NaN; // in the second panel
    values[550 * nFeatures] = Infinity;
    view(staging, values.length).set(values);
    expect(kernels.packPanels(staging, nRows, nFeatures, 0, 4, block)).toBe(300 * nFeatures + 1);
  });
});

interface EvaluationCase {
  nRows: number;
  nFeatures: number;
  intercept: boolean;
  offset: boolean;
  counts: boolean;
  stride: number;
  /** The information as a single-precision sketch (infoSingle = 1). */
  single?: boolean;
}

/**
 * How far the single-precision information sketch may be from the exact one, relative to
 * Σ|w x_j x_k|: x and w rounded to f32 (2^-24 each), their products, and sums of 64 terms per lane
 * in f32 (each add 2^-24) before the f64 total: (3 + 64)·2^-24 ≈ 4e-6 in the worst case.
 */
const SKETCH_RTOL = 1e-5;

/** Runs logisticEvaluate on a packed random problem and returns its outputs and the reference. */
function evaluateCase(c: EvaluationCase, seed: number) {
  const { kernels, panelRows } = runtime;
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const X = randomDesign(rand, c.nRows, c.nFeatures, [1, 3, 0.5, 2, 1, 1, 4, 1, 1, 1]);
  const full = c.intercept ? withIntercept(X) : X;
  const design = pack(X, c.nFeatures, c.intercept);
  const coef = Array.from({ length: design.nCols }, () => 0.5 * normal());
  // Weighted trials: zero for ~10% of rows, fractional otherwise; successes in [0, t].
  const trials = Array.from({ length: c.nRows }, () => (rand() < 0.1 ? 0 : c.counts ? 1 + Math.floor(rand() * 20) : 0.25 + 2 * rand()));
  const successes = trials.map((t) => (c.counts ? Math.floor(rand() * (t + 1)) : rand() < 0.5 ? t : 0));
  const offset = c.offset ? Array.from({ length: c.nRows }, () => normal()) : null;

  const n = design.nRowsPadded;
  const p = design.nColsPadded;
  const coefAddress = alloc(p);
  const sAddress = alloc(n);
  const tAddress = alloc(n);
  const offsetAddress = c.offset ? alloc(n) : 0;
  const etaAddress = alloc(n);
  const scoreAddress = alloc(p);
  const infoAddress = alloc(p * p);
  const scratch = alloc(2 * panelRows + panelRows * p);
  view(coefAddress, p).fill(0).set(coef);
  view(sAddress, n).fill(0).set(successes);
  view(tAddress, n).fill(0).set(trials);
  if (offset) view(offsetAddress, n).fill(0).set(offset);
  view(scoreAddress, p).fill(Number.NaN); // must be overwritten, not accumulated into
  view(infoAddress, p * p).fill(Number.NaN);
  const logLik = kernels.logisticEvaluate(
    design.address, design.nPanels, p, coefAddress, offsetAddress, sAddress, tAddress, etaAddress,
    scoreAddress, infoAddress, c.stride, scratch, c.single ? 1 : 0, 1,
  );
  const inSubsample = (i: number) => Math.floor(i / panelRows) % c.stride === 0;
  return {
    logLik,
    eta: view(etaAddress, n).slice(),
    score: view(scoreAddress, p).slice(),
    info: view(infoAddress, p * p).slice(),
    reference: referenceEvaluate(full, coef, successes, trials, offset),
    subsampleReference: referenceEvaluate(full, coef, successes, trials, offset, inSubsample),
    full,
    coef,
    offset,
    design,
  };
}

describe('logisticEvaluate', () => {
  // Row counts around the panel size (256) and column counts around the padding multiple (4).
  const shapes: [number, number][] = [
    [1, 1], [1, 4], [7, 2], [255, 3], [256, 4], [257, 1], [257, 5], [513, 7], [1100, 8],
  ];
  const cases: EvaluationCase[] = shapes.flatMap(([nRows, nFeatures], k) => [
    { nRows, nFeatures, intercept: true, offset: k % 2 === 0, counts: false, stride: 1 },
    { nRows, nFeatures, intercept: false, offset: k % 2 === 1, counts: true, stride: 1 },
  ]);

  it.each(cases)('matches the reference: %o', (c) => {
    const r = evaluateCase(c, c.nRows * 101 + c.nFeatures * 7 + (c.intercept ? 1 : 0));
    const { reference: ref, design } = r;
    const p = design.nColsPadded;
    expect(Math.abs(r.logLik - ref.logLik)).toBeLessThanOrEqual(SUM_RTOL * ref.logLikScale);
    for (let i = 0; i < design.nRowsPadded; i++) {
      if (i < c.nRows) {
        const scale = r.full[i]!.reduce((s, x, j) => s + Math.abs(x * r.coef[j]!), Math.abs(r.offset?.[i] ?? 0));
        expect(Math.abs(r.eta[i]! - ref.eta[i]!)).toBeLessThanOrEqual(SUM_RTOL * scale);
      } else {
        expect(r.eta[i]).toBe(0); // padding rows: zero data, zero offset
      }
    }
    for (let j = 0; j < p; j++) {
      if (j >= design.nCols) {
        expect(r.score[j]).toBe(0); // padding columns
        continue;
      }
      expect(Math.abs(r.score[j]! - ref.score[j]!)).toBeLessThanOrEqual(SUM_RTOL * ref.scoreScale[j]! + Number.MIN_VALUE);
      for (let k = j; k < design.nCols; k++) {
        expect(Math.abs(r.info[j * p + k]! - ref.information[j]![k]!)).toBeLessThanOrEqual(SUM_RTOL * ref.informationScale[j]![k]! + Number.MIN_VALUE);
      }
    }
  });

  it.each([2, 3])('with infoPanelStride %i sums the information over panels 0, stride, 2·stride, … only', (stride) => {
    const c: EvaluationCase = { nRows: 256 * 6 + 40, nFeatures: 3, intercept: true, offset: false, counts: false, stride };
    const r = evaluateCase(c, 99 + stride);
    const p = r.design.nColsPadded;
    const sub = r.subsampleReference;
    // log-likelihood and score stay exact (all rows)
    expect(Math.abs(r.logLik - r.reference.logLik)).toBeLessThanOrEqual(SUM_RTOL * r.reference.logLikScale);
    for (let j = 0; j < r.design.nCols; j++) {
      expect(Math.abs(r.score[j]! - r.reference.score[j]!)).toBeLessThanOrEqual(SUM_RTOL * r.reference.scoreScale[j]!);
      for (let k = j; k < r.design.nCols; k++) {
        expect(Math.abs(r.info[j * p + k]! - sub.information[j]![k]!)).toBeLessThanOrEqual(SUM_RTOL * sub.informationScale[j]![k]!);
      }
    }
    // and the subsample really is a part: ≤ 4 of 7 panels (stride 2), ≤ 3 of 7 (stride 3)
    expect(r.info[0]!).toBeLessThan((Math.ceil(7 / stride) / 7 + 0.05) * r.reference.information[0]![0]!);
  });

  it.each([
    [300, 5, 1], [256 * 5 + 3, 50, 1], [256 * 6 + 40, 8, 2], [700, 7, 1],
  ])('with infoSingle, n = %i, p = %i, stride %i: the information within single precision, the rest exact', (nRows, nFeatures, stride) => {
    const c: EvaluationCase = { nRows, nFeatures, intercept: true, offset: false, counts: nFeatures === 7, stride, single: true };
    const exact = evaluateCase({ ...c, single: false }, 7 + nRows);
    const r = evaluateCase(c, 7 + nRows);
    const p = r.design.nColsPadded;
    const ref = stride === 1 ? r.reference : r.subsampleReference;
    // the log-likelihood, eta and score come from the same double-precision code
    expect(r.logLik).toBe(exact.logLik);
    expect(r.score).toEqual(exact.score);
    expect(r.eta).toEqual(exact.eta);
    let largest = 0;
    for (let j = 0; j < r.design.nCols; j++) {
      for (let k = j; k < r.design.nCols; k++) {
        const error = Math.abs(r.info[j * p + k]! - ref.information[j]![k]!);
        expect(error).toBeLessThanOrEqual(SKETCH_RTOL * ref.informationScale[j]![k]!);
        largest = Math.max(largest, error / ref.informationScale[j]![k]!);
      }
    }
    // and it is the single-precision path: above double rounding somewhere
    expect(largest).toBeGreaterThan(1e-10);
  });

  it('computes only the log-likelihood when the score and information pointers are 0 (writes nothing at address 0)', () => {
    const { kernels, panelRows } = runtime;
    const X = randomDesign(mulberry32(5), 300, 2);
    const design = pack(X, 2, true);
    const n = design.nRowsPadded;
    const p = design.nColsPadded;
    const coef = alloc(p);
    const s = alloc(n);
    const t = alloc(n);
    const eta = alloc(n);
    const scratch = alloc(2 * panelRows + panelRows * p);
    view(coef, p).fill(0).set([0.1, -0.2, 0.3]);
    view(t, n).fill(0).fill(1, 0, 300);
    view(s, n).fill(0).fill(1, 0, 150);
    const staticData = () => new Uint8Array(runtime.kernels.memory.buffer, 0, runtime.kernels.heapBase()).slice();
    const before = staticData();
    const value = kernels.logisticEvaluate(design.address, design.nPanels, p, coef, 0, s, t, eta, 0, 0, 1, scratch, 0, 1);
    expect(staticData()).toEqual(before);
    const ref = referenceEvaluate(withIntercept(X), [0.1, -0.2, 0.3], Array.from({ length: 300 }, (_, i) => (i < 150 ? 1 : 0)), new Array(300).fill(1));
    expect(Math.abs(value - ref.logLik)).toBeLessThanOrEqual(SUM_RTOL * ref.logLikScale);
  });

  it('gives a finite log-likelihood, score and information when |eta| > 700', () => {
    const { kernels, panelRows } = runtime;
    // eta = ±800, ±5000 and 1e300 on rows whose outcome agrees and disagrees with the sign.
    const X = [[800], [-800], [800], [-800], [5000], [-5000], [1e300], [-1e300], [0.5], [-0.5]];
    const successes = [1, 0, 0, 1, 1, 0, 1, 0, 1, 0];
    const trials = new Array<number>(10).fill(1);
    const design = pack(X, 1, false);
    const n = design.nRowsPadded;
    const p = design.nColsPadded;
    const coef = alloc(p);
    const s = alloc(n);
    const t = alloc(n);
    const eta = alloc(n);
    const score = alloc(p);
    const info = alloc(p * p);
    const scratch = alloc(2 * panelRows + panelRows * p);
    view(coef, p).fill(0).set([1]);
    view(s, n).fill(0).set(successes);
    view(t, n).fill(0).set(trials);
    const logLik = kernels.logisticEvaluate(design.address, design.nPanels, p, coef, 0, s, t, eta, score, info, 1, scratch, 0, 1);
    const ref = referenceEvaluate(X, [1], successes, trials);
    // Only the two rows with eta = ±800 on the wrong side cost anything big (800 each); the
    // ±5000 and ±1e300 rows are on the right side and cost e^-5000 = 0.
    expect(relativeError(logLik, -1600 - 2 * Math.log1p(Math.exp(-0.5)))).toBeLessThanOrEqual(SCALAR_RTOL);
    expect(relativeError(logLik, ref.logLik)).toBeLessThanOrEqual(SCALAR_RTOL);
    const scoreValue = view(score, p)[0]!;
    const infoValue = view(info, p * p)[0]!;
    expect(Number.isFinite(scoreValue)).toBe(true);
    expect(Number.isFinite(infoValue)).toBe(true);
    expect(Math.abs(scoreValue - ref.score[0]!)).toBeLessThanOrEqual(SUM_RTOL * ref.scoreScale[0]!);
    expect(Math.abs(infoValue - ref.information[0]![0]!)).toBeLessThanOrEqual(SUM_RTOL * ref.informationScale[0]![0]! + Number.MIN_VALUE);
  });
});

describe('mirrorUpper', () => {
  it('copies the upper triangle onto the lower one and leaves the upper alone', () => {
    const n = 5;
    const a = alloc(n * n);
    const values = Array.from({ length: n * n }, (_, k) => k + 1);
    view(a, n * n).set(values);
    runtime.kernels.mirrorUpper(a, n, n);
    const out = view(a, n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) expect(out[i * n + j]).toBe(values[Math.min(i, j) * n + Math.max(i, j)]);
    }
  });
});

/** A = B Bᵀ + 0.1·n·I (B standard normal), then D A D with D = diag(10^U(−logScale, logScale)). */
function randomSpd(rand: () => number, n: number, logScale: number): { A: number[][]; d: number[] } {
  const normal = gaussian(rand);
  const B = Array.from({ length: n }, () => Array.from({ length: n }, () => normal()));
  const d = Array.from({ length: n }, () => 10 ** ((2 * rand() - 1) * logScale));
  const A = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      const s = new Sum();
      for (let k = 0; k < n; k++) s.add(B[i]![k]! * B[j]![k]!);
      return (s.value + (i === j ? 0.1 * n : 0)) * d[i]! * d[j]!;
    }),
  );
  return { A, d };
}

describe('Cholesky factor, solve and inverse', () => {
  const sizes = [1, 2, 3, 4, 5, 8, 13, 16];

  /**
   * Factors A in WASM memory with pivot floors `floors` (one per column, default PIVOT_NOISE);
   * returns the factor's address, the scale and the status.
   */
  function factor(A: number[][], floors: number[] = A.map(() => PIVOT_NOISE)) {
    const n = A.length;
    const a = alloc(n * n);
    const scale = alloc(n);
    const floorsAddress = alloc(n);
    view(a, n * n).set(A.flat());
    view(floorsAddress, n).set(floors);
    const status = runtime.kernels.choleskyFactor(a, n, scale, floorsAddress);
    return { a, scaleAddress: scale, status, n };
  }

  it.each(sizes.flatMap((n) => [[n, 0], [n, 6]]))('n = %i, columns scaled by up to 10^±%i: L Lᵀ = S A S', (n, logScale) => {
    const { A } = randomSpd(mulberry32(n * 13 + logScale), n, logScale);
    const f = factor(A);
    expect(f.status).toBe(-1);
    const L = view(f.a, n * n);
    const s = view(f.scaleAddress, n);
    for (let i = 0; i < n; i++) {
      expect(relativeError(s[i]!, 1 / Math.sqrt(A[i]![i]!))).toBeLessThanOrEqual(SCALAR_RTOL);
      for (let j = 0; j <= i; j++) {
        let llt = 0;
        for (let k = 0; k <= j; k++) llt += L[i * n + k]! * L[j * n + k]!;
        // S A S has a unit diagonal and off-diagonals in [−1, 1]: absolute error ~n·eps.
        expect(Math.abs(llt - s[i]! * A[i]![j]! * s[j]!)).toBeLessThanOrEqual(LINALG_RTOL);
      }
    }
  });

  it.each(sizes.flatMap((n) => [[n, 0], [n, 6]]))('n = %i, scale 10^±%i: solve recovers x from A x', (n, logScale) => {
    const rand = mulberry32(n * 17 + logScale);
    const { A, d } = randomSpd(rand, n, logScale);
    // x = D⁻¹ z with z = O(1): every component is equally determined in the scaled metric.
    const xTrue = Array.from({ length: n }, (_, i) => (rand() - 0.5) / d[i]!);
    const b = A.map((row) => {
      const s = new Sum();
      row.forEach((a, j) => s.add(a * xTrue[j]!));
      return s.value;
    });
    const f = factor(A);
    expect(f.status).toBe(-1);
    const rhs = alloc(n);
    view(rhs, n).set(b);
    runtime.kernels.choleskySolve(f.a, n, f.scaleAddress, rhs);
    const x = view(rhs, n);
    for (let i = 0; i < n; i++) expect(Math.abs(x[i]! - xTrue[i]!) * d[i]!).toBeLessThanOrEqual(LINALG_RTOL);
  });

  it.each(sizes.flatMap((n) => [[n, 0], [n, 6]]))('n = %i, scale 10^±%i: inverse is A⁻¹ and exactly symmetric', (n, logScale) => {
    const { A, d } = randomSpd(mulberry32(n * 19 + logScale), n, logScale);
    const f = factor(A);
    const out = alloc(n * n);
    const work = alloc(n);
    runtime.kernels.choleskyInverse(f.a, n, f.scaleAddress, out, work);
    const inv = view(out, n * n);
    const Ainv = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => inv[i * n + j]!));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Ainv[i]![j]).toBe(Ainv[j]![i]);
    // (D⁻¹ A D⁻¹)(D A⁻¹ D) = I in the scaled metric, where both factors are O(1).
    const scaledA = A.map((row, i) => row.map((v, j) => v / (d[i]! * d[j]!)));
    const scaledInv = Ainv.map((row, i) => row.map((v, j) => v * d[i]! * d[j]!));
    const identity = multiply(scaledA, scaledInv);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) expect(Math.abs(identity[i]![j]! - (i === j ? 1 : 0))).toBeLessThanOrEqual(LINALG_RTOL);
    }
  });

  it('reports the first column that is a linear combination of earlier ones', () => {
    // Gram matrix of columns (a, b, a + 2b, c): column 2 is aliased.
    const rand = mulberry32(3);
    const rows = randomDesign(rand, 20, 3).map(([a, b, c]) => [a!, b!, a! + 2 * b!, c!]);
    const A = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => rows.reduce((s, r) => s + r[i]! * r[j]!, 0)));
    expect(factor(A).status).toBe(2);
  });

  it('reports a zero, negative or NaN diagonal at its index', () => {
    for (const bad of [0, -1, Number.NaN, Infinity]) {
      const A = [[2, 0, 0], [0, 3, 0], [0, 0, bad]];
      expect(factor(A).status).toBe(2);
    }
    expect(factor([[0, 0], [0, 1]]).status).toBe(0);
  });

  it('stops at the first column whose 1 − R² is at or below its floor, whatever the columns\' units', () => {
    const rho = (oneMinusR2: number) => Math.sqrt(1 - oneMinusR2);
    const pair = (oneMinusR2: number, unit: number) => [[unit * unit, unit * rho(oneMinusR2)], [unit * rho(oneMinusR2), 1]];
    for (const unit of [1, 1e-150, 1e150]) {
      expect(factor(pair(1e-9, unit)).status).toBe(-1);
      expect(factor(pair(1e-12, unit)).status).toBe(-1);
      expect(factor(pair(1e-14, unit)).status).toBe(1);
      // a floor of 0 lets any positive pivot through
      expect(factor(pair(1e-14, unit), [0, 0]).status).toBe(-1);
      expect(factor(pair(1e-9, unit), [0, 1e-8]).status).toBe(1);
    }
  });
});

describe('log1pexp and sigmoid', () => {
  // The kernels' branch points (assembly/math.ts) and the ends of the double range.
  const special = [
    0, 1e-300, -1e-300, 1e-20, -1e-20, 1, -1, 18, -18, 18.000001, 33.3, -33.3, 33.30001, 37, -37, -37.00001,
    700, -700, 709.7, -709.7, 710, -710, 745, -745, 746, -746, 1000, -1000, 1e5, -1e5, 1e300, -1e300,
    Number.MAX_VALUE, -Number.MAX_VALUE,
  ];
  const grid = Array.from({ length: 2001 }, (_, k) => -800 + 0.8 * k);

  it('log1pexp agrees with log(1 + e^x) from Math at many points, including |x| > 700', () => {
    for (const x of [...special, ...grid]) {
      const got = runtime.kernels.log1pexp(x);
      const want = log1pexpRef(x);
      if (relativeError(got, want) > SCALAR_RTOL) throw new Error(`log1pexp(${x}) = ${got}, expected ${want}`);
    }
  });

  it('sigmoid agrees with 1 / (1 + e^-x) from Math at many points, including |x| > 700', () => {
    for (const x of [...special, ...grid]) {
      const got = runtime.kernels.sigmoid(x);
      const want = sigmoidRef(x);
      if (relativeError(got, want) > SCALAR_RTOL) throw new Error(`sigmoid(${x}) = ${got}, expected ${want}`);
    }
  });

  it('handles ±Infinity and NaN', () => {
    const { log1pexp, sigmoid } = runtime.kernels;
    expect(log1pexp(Infinity)).toBe(Infinity);
    expect(log1pexp(-Infinity)).toBe(0);
    expect(sigmoid(Infinity)).toBe(1);
    expect(sigmoid(-Infinity)).toBe(0);
    expect(log1pexp(Number.NaN)).toBeNaN();
    expect(sigmoid(Number.NaN)).toBeNaN();
  });

  it('satisfy σ(x) + σ(−x) = 1 and log1pexp(x) − log1pexp(−x) = x (property)', () => {
    const { log1pexp, sigmoid } = runtime.kernels;
    fc.assert(
      fc.property(fc.double({ min: -1e4, max: 1e4, noNaN: true }), (x) => {
        expect(Math.abs(sigmoid(x) + sigmoid(-x) - 1)).toBeLessThanOrEqual(2 * Number.EPSILON);
        expect(Math.abs(log1pexp(x) - log1pexp(-x) - x)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(x)));
      }),
      { numRuns: 2000 },
    );
  });
});
