// The softmax kernel (assembly/softmax.ts softmaxEvaluate, with its vector exp and log from
// assembly/vectorMath.ts) called directly on raw memory, against a short scalar TypeScript
// reference built on the host's Math.exp and Math.log: log-likelihood, score, information,
// probabilities and the separation criterion, on random panels with weighted and zero counts,
// offsets, padding rows and columns, and linear predictors beyond ±700.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getRuntime, init, softmaxScratchDoubles, type SoftlogitRuntime } from '../src/wasm/module.js';
import { randomDesign, withIntercept } from './helpers/reference.js';
import { gaussian, mulberry32 } from './helpers/random.js';
import { EPS, SUM_RTOL } from './helpers/tolerances.js';

let runtime: SoftlogitRuntime;
const allocated: number[] = [];

beforeAll(async () => {
  await init();
  runtime = getRuntime('kernels-softmax.test');
});

afterEach(() => {
  for (const address of allocated.splice(0)) runtime.heap.free(address);
});

function alloc(length: number): number {
  const address = runtime.heap.alloc(Math.max(1, length) * 8, 'kernels-softmax.test');
  allocated.push(address);
  return address;
}

function view(address: number, length: number): Float64Array {
  return runtime.heap.f64(address, length);
}

/**
 * Elementwise agreement of a probability p_k = e_k / Σ e with the reference: each exp within an
 * ulp of the host's (the two implementations differ by at most one), the sum of K ≤ 6 terms and
 * the division add an ulp each, so ~(K + 3) eps relative; 16 eps leaves room and a wrong row or
 * class gives errors of order 1. PROB_ATOL covers results in the subnormal range, where the
 * relative spacing of doubles is coarser than eps.
 */
const PROB_RTOL = 16 * EPS;
const PROB_ATOL = 1e-320;

/** The single-precision sketch's bound, as in kernels.test.ts: (3 + 64)·2^-24 ≈ 4e-6 of Σ|w x_j x_k| at worst. */
const SKETCH_RTOL = 1e-5;

interface SoftmaxCase {
  nRows: number;
  nFeatures: number;
  nClasses: number;
  intercept: boolean;
  offset: boolean;
  /** Several counts per row (a counts response) instead of one label per row. */
  counts: boolean;
  /** Rows whose linear predictors reach ±800 and beyond (one feature set to ±1000 there). */
  extreme: boolean;
}

/** The reference, one row at a time in plain doubles: lse with the maximum subtracted. */
function reference(X: number[][], coef: number[][], offset: number[][] | null, counts: number[][], nClasses: number) {
  const nFree = nClasses - 1;
  const p = X[0]!.length;
  let logLik = 0;
  let logLikScale = 0;
  let tail = Infinity;
  const score = Array.from({ length: nFree }, () => new Array<number>(p).fill(0));
  const scoreScale = Array.from({ length: nFree }, () => new Array<number>(p).fill(0));
  const dim = nFree * p;
  const info = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  const infoScale = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  const prob: number[][] = [];
  X.forEach((x, i) => {
    const eta = [0];
    for (let c = 0; c < nFree; c++) eta.push(x.reduce((s, v, j) => s + v * coef[c]![j]!, 0) + (offset ? offset[i]![c]! : 0));
    const m = Math.max(...eta);
    const e = eta.map((v) => Math.exp(v - m));
    const sum = e.reduce((s, v) => s + v, 0);
    const lse = m + Math.log(sum);
    const pr = e.map((v) => v / sum);
    prob.push(pr);
    const y = counts[i]!;
    const t = y.reduce((s, v) => s + v, 0);
    for (let k = 0; k < nClasses; k++) {
      if (y[k] !== 0) {
        logLik += y[k]! * (eta[k]! - lse);
        logLikScale += Math.abs(y[k]!) * (Math.abs(eta[k]!) + Math.abs(lse));
      }
    }
    if (t > 0) tail = Math.min(tail, t * Math.min(...pr));
    for (let c = 0; c < nFree; c++) {
      for (let j = 0; j < p; j++) {
        score[c]![j]! += x[j]! * (y[c + 1]! - t * pr[c + 1]!);
        scoreScale[c]![j]! += Math.abs(x[j]!) * (y[c + 1]! + t * pr[c + 1]!);
      }
      for (let d = 0; d < nFree; d++) {
        const w = t * pr[c + 1]! * ((c === d ? 1 : 0) - pr[d + 1]!);
        const wScale = t * pr[c + 1]! * ((c === d ? 1 : 0) + pr[d + 1]!);
        for (let j = 0; j < p; j++) {
          for (let k = 0; k < p; k++) {
            info[c * p + j]![d * p + k]! += w * x[j]! * x[k]!;
            infoScale[c * p + j]![d * p + k]! += wScale * Math.abs(x[j]! * x[k]!);
          }
        }
      }
    }
  });
  return { logLik, logLikScale, score, scoreScale, info, infoScale, prob, tail };
}

function runCase(c: SoftmaxCase, seed: number, single = false) {
  const { kernels, panelRows, columnMultiple } = runtime;
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const K = c.nClasses;
  const nFree = K - 1;
  const X = randomDesign(rand, c.nRows, c.nFeatures, [1, 3, 0.5, 2, 1, 1, 4, 1]);
  if (c.extreme) for (let i = 0; i < c.nRows; i += 37) X[i]![0] = (i / 37) % 2 === 0 ? 1000 : -1000;
  const full = c.intercept ? withIntercept(X) : X;
  const nCols = full[0]!.length;
  const nColsPadded = Math.ceil(nCols / columnMultiple) * columnMultiple;
  const nPanels = Math.ceil(c.nRows / panelRows);
  const nRowsPadded = nPanels * panelRows;
  // Coefficients of size ~0.5; on extreme rows the first feature's ±1000 times them gives |eta| ~ 500-2000.
  const coef = Array.from({ length: nFree }, () => Array.from({ length: nCols }, () => 0.7 * normal()));
  const offset = c.offset ? Array.from({ length: c.nRows }, () => Array.from({ length: nFree }, () => normal())) : null;
  // ~10% of rows have no counts at all; the others one label (weight 0.25-2.25) or several counts.
  const counts = Array.from({ length: c.nRows }, () => {
    const y = new Array<number>(K).fill(0);
    if (rand() < 0.1) return y;
    if (c.counts) {
      for (let k = 0; k < K; k++) if (rand() < 0.6) y[k] = Math.floor(rand() * 5);
    } else {
      y[Math.floor(rand() * K)] = 0.25 + 2 * rand();
    }
    return y;
  });

  const x = alloc(nRowsPadded * nColsPadded);
  const staging = alloc(c.nRows * c.nFeatures);
  view(staging, c.nRows * c.nFeatures).set(X.flat());
  expect(kernels.packPanels(staging, c.nRows, c.nFeatures, c.intercept ? 1 : 0, nColsPadded, x)).toBe(-1);
  const dim = nFree * nColsPadded;
  const coefAddress = alloc(dim);
  const coefView = view(coefAddress, dim).fill(0);
  coef.forEach((v, k) => coefView.set(v, k * nColsPadded));
  const offsetAddress = offset ? alloc(nFree * nRowsPadded) : 0;
  if (offset) {
    const o = view(offsetAddress, nFree * nRowsPadded).fill(0);
    offset.forEach((row, i) => row.forEach((v, k) => (o[k * nRowsPadded + i] = v)));
  }
  const countsAddress = alloc(nRowsPadded * K);
  view(countsAddress, nRowsPadded * K).fill(0).set(counts.flat());
  const probAddress = alloc(nRowsPadded * K);
  const scoreAddress = alloc(dim);
  const infoAddress = alloc(dim * dim);
  const tailAddress = alloc(1);
  const scratch = alloc(softmaxScratchDoubles(panelRows, nColsPadded, K));
  view(probAddress, nRowsPadded * K).fill(Number.NaN);
  view(scoreAddress, dim).fill(Number.NaN); // must be overwritten, not accumulated into
  view(infoAddress, dim * dim).fill(Number.NaN);
  const logLik = kernels.softmaxEvaluate(
    x, nPanels, nColsPadded, K, coefAddress, offsetAddress, nPanels, countsAddress, probAddress, scoreAddress, infoAddress, 1,
    scratch, tailAddress, single ? 1 : 0, 1,
  );
  kernels.completeBlockSymmetric(infoAddress, nFree, nColsPadded);
  return {
    logLik,
    prob: view(probAddress, nRowsPadded * K).slice(),
    score: view(scoreAddress, dim).slice(),
    info: view(infoAddress, dim * dim).slice(),
    tail: view(tailAddress, 1)[0]!,
    ref: reference(full, coef, offset, counts, K),
    nCols,
    nColsPadded,
    nRowsPadded,
  };
}

describe('softmaxEvaluate against the scalar reference', () => {
  const cases: SoftmaxCase[] = [
    { nRows: 1, nFeatures: 1, nClasses: 2, intercept: true, offset: false, counts: false, extreme: false },
    { nRows: 7, nFeatures: 2, nClasses: 3, intercept: false, offset: true, counts: true, extreme: false },
    { nRows: 300, nFeatures: 3, nClasses: 4, intercept: true, offset: false, counts: false, extreme: true },
    { nRows: 513, nFeatures: 4, nClasses: 5, intercept: false, offset: true, counts: true, extreme: true },
    { nRows: 257, nFeatures: 5, nClasses: 6, intercept: true, offset: true, counts: false, extreme: true },
    { nRows: 600, nFeatures: 2, nClasses: 4, intercept: true, offset: false, counts: true, extreme: false },
  ];

  it.each(cases)('log-likelihood, score, information, probabilities and tail: %o', (c) => {
    const r = runCase(c, c.nRows * 31 + c.nClasses * 7 + c.nFeatures);
    const { ref } = r;
    const K = c.nClasses;
    const nFree = K - 1;
    const p = r.nColsPadded;
    const dim = nFree * p;
    expect(Math.abs(r.logLik - ref.logLik)).toBeLessThanOrEqual(SUM_RTOL * ref.logLikScale);
    for (let i = 0; i < r.nRowsPadded; i++) {
      for (let k = 0; k < K; k++) {
        const got = r.prob[i * K + k]!;
        if (i >= c.nRows) continue; // padding rows: zero data, any probabilities
        const want = ref.prob[i]![k]!;
        expect(Math.abs(got - want)).toBeLessThanOrEqual(PROB_RTOL * want + PROB_ATOL);
      }
    }
    if (ref.tail === Infinity) expect(r.tail).toBe(Infinity);
    else expect(Math.abs(r.tail - ref.tail)).toBeLessThanOrEqual(PROB_RTOL * ref.tail + PROB_ATOL);
    for (let a = 0; a < nFree; a++) {
      for (let j = 0; j < p; j++) {
        if (j >= r.nCols) {
          expect(r.score[a * p + j]).toBe(0); // padding columns
          continue;
        }
        expect(Math.abs(r.score[a * p + j]! - ref.score[a]![j]!)).toBeLessThanOrEqual(SUM_RTOL * ref.scoreScale[a]![j]! + Number.MIN_VALUE);
        for (let b = 0; b < nFree; b++) {
          for (let k = 0; k < r.nCols; k++) {
            const got = r.info[(a * p + j) * dim + b * p + k]!;
            const want = ref.info[a * r.nCols + j]![b * r.nCols + k]!;
            expect(Math.abs(got - want)).toBeLessThanOrEqual(SUM_RTOL * ref.infoScale[a * r.nCols + j]![b * r.nCols + k]! + Number.MIN_VALUE);
          }
        }
      }
    }
  });

  it.each([
    [300, 5, 4, true], [513, 3, 5, false], [257, 20, 3, true],
  ])('with infoSingle, n = %i, p = %i, K = %i: the information within single precision, the rest exact', (nRows, nFeatures, nClasses, intercept) => {
    const c: SoftmaxCase = { nRows, nFeatures, nClasses, intercept, offset: false, counts: nClasses === 5, extreme: false };
    const exact = runCase(c, 11 + nRows);
    const r = runCase(c, 11 + nRows, true);
    expect(r.logLik).toBe(exact.logLik);
    expect(r.score).toEqual(exact.score);
    expect(r.prob).toEqual(exact.prob);
    const p = r.nColsPadded;
    const dim = (nClasses - 1) * p;
    let largest = 0;
    for (let a = 0; a < nClasses - 1; a++) {
      for (let j = 0; j < r.nCols; j++) {
        for (let b = 0; b < nClasses - 1; b++) {
          for (let k = 0; k < r.nCols; k++) {
            const scale = r.ref.infoScale[a * r.nCols + j]![b * r.nCols + k]!;
            const error = Math.abs(r.info[(a * p + j) * dim + b * p + k]! - r.ref.info[a * r.nCols + j]![b * r.nCols + k]!);
            expect(error).toBeLessThanOrEqual(SKETCH_RTOL * scale);
            largest = Math.max(largest, error / scale);
          }
        }
      }
    }
    // and it is the single-precision path: above double rounding somewhere
    expect(largest).toBeGreaterThan(1e-10);
  });

  it('keeps probabilities exact to the subnormal range when linear predictors differ by more than 700', () => {
    const r = runCase({ nRows: 300, nFeatures: 3, nClasses: 4, intercept: true, offset: false, counts: false, extreme: true }, 4242);
    // the extreme rows really are extreme: some probabilities below e^-500 (the vector exp's scalar
    // path) and some exactly 0 or in the subnormals, all finite
    const tiny = r.ref.prob.flat().filter((v) => v < Math.exp(-500)).length;
    expect(tiny).toBeGreaterThan(3);
    expect(r.prob.every((v, i) => Math.floor(i / 4) >= 300 || Number.isFinite(v))).toBe(true);
    expect(Number.isFinite(r.logLik)).toBe(true);
  });
});
