// A WebAssembly module for the kernel benchmark only (built by `npm run bench`, not shipped):
// exports the package's own panel kernels (assembly/) one by one, so the Hessian kernel and the
// per-row math can be timed and checked without the rest of a pass around them.
import { PANEL_ROWS, COLUMN_STRIDE, COLUMN_MULTIPLE, panelWeightedGramUpper, panelLinearPredictor } from '../../assembly/panel';
import { binomialRowTerms, expNonPositive2, log1pUnit2 } from '../../assembly/logistic';
import { expNonPositiveTable2, logNormal2 } from '../../assembly/vectorMath';

/** Rows per panel. */
export function panelRows(): i32 {
  return PANEL_ROWS;
}

/** Columns are padded to a multiple of this (as in the package). */
export function columnMultiple(): i32 {
  return COLUMN_MULTIPLE;
}

/** First byte above static data: the benchmark's allocator starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * The Hessian kernel of a pass: gramOut (upper triangle, nColsPadded^2 row-major) = X' diag(w) X
 * over `nPanels` panels, exactly as logisticEvaluate does it (the tiled Gram, scaling the panel's
 * rows in its diagonal tiles). `weighted` is PANEL_ROWS * nColsPadded doubles of scratch.
 */
export function weightedGram(x: usize, nPanels: i32, nColsPadded: i32, w: usize, weighted: usize, gramOut: usize): void {
  memory.fill(gramOut, 0, <usize>nColsPadded * <usize>nColsPadded << 3);
  const panelBytes = <usize>nColsPadded * <usize>COLUMN_STRIDE;
  for (let b = 0; b < nPanels; b++) {
    const panel = x + <usize>b * panelBytes;
    panelWeightedGramUpper(panel, w + (<usize>b * <usize>PANEL_ROWS << 3), weighted, nColsPadded, gramOut, nColsPadded);
  }
}

/** eta = X coef over `nPanels` panels (the first touch of X in a pass). */
export function linearPredictor(x: usize, nPanels: i32, nColsPadded: i32, coef: usize, etaOut: usize): void {
  const panelBytes = <usize>nColsPadded * <usize>COLUMN_STRIDE;
  for (let b = 0; b < nPanels; b++) {
    panelLinearPredictor(x + <usize>b * panelBytes, nColsPadded, coef, 0, etaOut + (<usize>b * <usize>PANEL_ROWS << 3));
  }
}

/** The per-row terms of the binomial pass over nPanels * PANEL_ROWS rows; returns the log-likelihood. `scratch`: PANEL_ROWS doubles. */
export function rowTerms(nPanels: i32, eta: usize, successes: usize, trials: usize, residualOut: usize, weightOut: usize, scratch: usize): f64 {
  let sum = f64x2.splat(0);
  for (let b = 0; b < nPanels; b++) {
    const o = <usize>b * <usize>PANEL_ROWS << 3;
    sum = f64x2.add(sum, binomialRowTerms(eta + o, successes + o, trials + o, residualOut + o, weightOut == 0 ? 0 : weightOut + o, scratch));
  }
  return f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
}

/** out[i] = exp(x[i]) (x[i] <= 0) by the vectorized kernel, n even. */
export function expVector(x: usize, n: i32, out: usize): void {
  for (let i: usize = 0; i < <usize>n << 3; i += 16) v128.store(out + i, expNonPositive2(v128.load(x + i)));
}

/** out[i] = exp(x[i]) (x[i] <= 0) by the softmax pass's table-driven kernel, n even. */
export function expTableVector(x: usize, n: i32, out: usize): void {
  for (let i: usize = 0; i < <usize>n << 3; i += 16) v128.store(out + i, expNonPositiveTable2(v128.load(x + i)));
}

/** out[i] = log(x[i]) (x[i] positive normal) by the softmax pass's vectorized kernel, n even. */
export function logVector(x: usize, n: i32, out: usize): void {
  for (let i: usize = 0; i < <usize>n << 3; i += 16) v128.store(out + i, logNormal2(v128.load(x + i)));
}

/** out[i] = log1p(x[i]) (0 <= x[i] <= 1) by the vectorized kernel, n even. */
export function log1pVector(x: usize, n: i32, out: usize): void {
  for (let i: usize = 0; i < <usize>n << 3; i += 16) {
    const v = v128.load(x + i);
    v128.store(out + i, log1pUnit2(v, f64x2.add(f64x2.splat(1), v)));
  }
}

/** out[i] = the std's scalar Math.exp / Math.log1p, for comparison. */
export function expScalar(x: usize, n: i32, out: usize): void {
  for (let i: usize = 0; i < <usize>n << 3; i += 8) store<f64>(out + i, Math.exp(load<f64>(x + i)));
}
export function log1pScalar(x: usize, n: i32, out: usize): void {
  for (let i: usize = 0; i < <usize>n << 3; i += 8) store<f64>(out + i, Math.log1p(load<f64>(x + i)));
}
