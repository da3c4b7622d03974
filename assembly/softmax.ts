// Multinomial (softmax) regression over row panels, in the reference-class form: the reference
// class is internal class 0 with eta = 0; the free classes 1..K-1 have coefficient vectors stored
// class-major (free class c at coef + c * nColsPadded doubles, c = 0..K-2).
//
// Each row carries counts y_k for the K classes (already multiplied by the prior weight), stored
// row-major n x K with internal class 0 = the reference; t = sum_k y_k. With
// p_k = exp(eta_k - lse), lse = log sum_k exp(eta_k) (max subtracted),
//   loglik = sum_r sum_k y_k (eta_k - lse)
//   score_c = X' (y_c - t p_c)                                  for free classes c
//   info_cd = X' diag(t p_c (delta_cd - p_d)) X                 (block c, d of the information)
import { expNonPositive2 } from './logistic';
import {
  PANEL_ROWS, COLUMN_STRIDE, panelLinearPredictor, panelTransposeTimes, panelScaleRows, panelGramUpper,
} from './panel';
import { SINGLE_COLUMN_STRIDE, rowsToSingle, panelToSingle, panelScaleRowsSingle, panelGramUpperSingle } from './sketch';

/**
 * One pass over the data at coefficients `coef` ((K-1) * nColsPadded doubles).
 * `offset` (0 for none) holds the free classes' offsets class-major, `offsetPanels` panels of rows
 * per class (nPanels for the whole design; more when this call covers a panel range of a larger
 * design, `offset` then pointing at the range's first row of class 0).
 * `counts` is nRowsPadded x nClasses row-major. When `scoreOut` != 0 it receives the score
 * ((K-1) * nColsPadded, class-major); when `infoOut` != 0 it receives, for each block c <= d, the
 * upper triangle of block (c, d) of the information matrix, a (K-1)nColsPadded square row-major
 * matrix, summed over panels b with b % infoPanelStride == 0. Blocks are completed by
 * `completeBlockSymmetric`. `probOut`, when != 0, receives nRowsPadded x K probabilities.
 * `scratch` holds (3K - 1) * PANEL_ROWS + PANEL_ROWS * nColsPadded doubles. When `tailOut` != 0
 * it receives min over rows with t > 0 of t · min_k p_k (+Infinity when there are none): the
 * separation check's criterion (src/models/separation.ts), at no extra pass over the data.
 * With `infoSingle` != 0 the information is a single-precision sketch (assembly/sketch.ts; for
 * early Newton steps, never for the covariance). With `panelStep` > 1 the whole evaluation covers
 * panels 0, panelStep, 2·panelStep, … only (a row subsample for a warm start; `tailOut` too).
 * Returns the log-likelihood.
 */
export function softmaxEvaluate(
  x: usize, nPanels: i32, nColsPadded: i32, nClasses: i32, coef: usize, offset: usize, offsetPanels: i32,
  counts: usize, probOut: usize, scoreOut: usize, infoOut: usize, infoPanelStride: i32, scratch: usize,
  tailOut: usize, infoSingle: i32, panelStep: i32,
): f64 {
  const nFree = nClasses - 1;
  const rowsBytes = <usize>PANEL_ROWS << 3;
  const eta = scratch;                                   // K-1 columns of PANEL_ROWS
  const prob = eta + <usize>nFree * rowsBytes;           // K-1 columns
  const residual = prob + <usize>nFree * rowsBytes;      // K-1 columns
  const weight = residual + <usize>nFree * rowsBytes;    // one column
  const total = weight + rowsBytes;                      // one column: t per row
  const weighted = total + rowsBytes;
  const panelBytes = <usize>nColsPadded * <usize>COLUMN_STRIDE;
  const dim = <usize>nFree * <usize>nColsPadded;
  if (scoreOut != 0) memory.fill(scoreOut, 0, dim << 3);
  if (infoOut != 0) memory.fill(infoOut, 0, dim * dim << 3);
  let loglik: f64 = 0;
  let tail: f64 = Infinity;
  const step = max(1, panelStep);
  for (let b = 0; b < nPanels; b += step) {
    const panel = x + <usize>b * panelBytes;
    const row0 = <usize>b * <usize>PANEL_ROWS;
    for (let c = 0; c < nFree; c++) {
      const off: usize = offset == 0 ? <usize>0 : offset + ((<usize>c * <usize>offsetPanels * <usize>PANEL_ROWS + row0) << 3);
      panelLinearPredictor(panel, nColsPadded, coef + (<usize>c * <usize>nColsPadded << 3), off, eta + <usize>c * rowsBytes);
    }
    // One exp per class: e_c = exp(eta_c - m) is kept and p_c = e_c / sum, instead of a second
    // exp(eta_c - lse) (the same value to rounding). The exps run two rows per f64x2 (every
    // eta_c - m <= 0, expNonPositive2's domain), ahead of the row loop: m per row goes to the
    // weight column, e^-m (the reference class) to the total column (both free until later),
    // e_c to the probability columns.
    for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 16) {
      let m = f64x2.splat(0); // the reference class has eta = 0
      for (let c = 0; c < nFree; c++) m = f64x2.max(m, v128.load(eta + <usize>c * rowsBytes + o));
      v128.store(weight + o, m);
      v128.store(total + o, expNonPositive2(f64x2.neg(m)));
      for (let c = 0; c < nFree; c++) {
        const ec = eta + <usize>c * rowsBytes + o;
        v128.store(prob + <usize>c * rowsBytes + o, expNonPositive2(f64x2.sub(v128.load(ec), m)));
      }
    }
    for (let r = 0; r < PANEL_ROWS; r++) {
      const o = <usize>r << 3;
      const y = counts + ((row0 + <usize>r) * <usize>nClasses << 3);
      const m = load<f64>(weight + o);
      const eRef = load<f64>(total + o);
      let sum = eRef;
      let smallest = eRef;
      for (let c = 0; c < nFree; c++) {
        const ec = load<f64>(prob + <usize>c * rowsBytes + o);
        sum += ec;
        smallest = min(smallest, ec);
      }
      const lse = m + Math.log(sum);
      const inverseSum = 1.0 / sum;
      let t = load<f64>(y);
      if (t != 0) loglik -= t * lse;
      for (let c = 0; c < nFree; c++) {
        const e = load<f64>(eta + <usize>c * rowsBytes + o);
        const yc = load<f64>(y + (<usize>(c + 1) << 3));
        t += yc;
        if (yc != 0) loglik += yc * (e - lse);
        const pc = prob + <usize>c * rowsBytes + o;
        store<f64>(pc, load<f64>(pc) * inverseSum);
      }
      store<f64>(total + o, t);
      if (t > 0) tail = min(tail, t * (smallest * inverseSum));
      for (let c = 0; c < nFree; c++) {
        const yc = load<f64>(y + (<usize>(c + 1) << 3));
        store<f64>(residual + <usize>c * rowsBytes + o, yc - t * load<f64>(prob + <usize>c * rowsBytes + o));
      }
      if (probOut != 0) {
        const po = probOut + ((row0 + <usize>r) * <usize>nClasses << 3);
        store<f64>(po, eRef * inverseSum);
        for (let c = 0; c < nFree; c++) store<f64>(po + (<usize>(c + 1) << 3), load<f64>(prob + <usize>c * rowsBytes + o));
      }
    }
    if (scoreOut != 0) {
      for (let c = 0; c < nFree; c++) {
        panelTransposeTimes(panel, nColsPadded, residual + <usize>c * rowsBytes, scoreOut + (<usize>c * <usize>nColsPadded << 3));
      }
    }
    const weightedSingle = weighted + <usize>nColsPadded * <usize>SINGLE_COLUMN_STRIDE;
    if (infoOut != 0 && b % infoPanelStride == 0 && infoSingle != 0) panelToSingle(panel, nColsPadded, weighted);
    if (infoOut != 0 && b % infoPanelStride == 0) {
      for (let c = 0; c < nFree; c++) {
        for (let d = c; d < nFree; d++) {
          const pc = prob + <usize>c * rowsBytes;
          const pd = prob + <usize>d * rowsBytes;
          for (let r = 0; r < PANEL_ROWS; r++) {
            const o = <usize>r << 3;
            const pcr = load<f64>(pc + o);
            const w = c == d ? pcr * (1.0 - pcr) : -pcr * load<f64>(pd + o);
            store<f64>(weight + o, load<f64>(total + o) * w);
          }
          const blockOut = infoOut + ((<usize>c * <usize>nColsPadded * dim + <usize>d * <usize>nColsPadded) << 3);
          if (infoSingle != 0) {
            // the residual columns are free once the score has them: the weights as floats
            rowsToSingle(weight, residual);
            panelScaleRowsSingle(weighted, nColsPadded, residual, weightedSingle);
            panelGramUpperSingle(weightedSingle, weighted, nColsPadded, blockOut, <i32>dim);
          } else {
            panelScaleRows(panel, nColsPadded, weight, weighted);
            panelGramUpper(weighted, panel, nColsPadded, blockOut, <i32>dim);
          }
        }
      }
    }
  }
  if (tailOut != 0) store<f64>(tailOut, tail);
  return loglik;
}

/**
 * Completes a block matrix whose blocks (c, d), c <= d, hold only their upper triangles and every
 * block is symmetric (X' diag(w) X): mirrors each block, then copies block (c, d) to (d, c).
 */
export function completeBlockSymmetric(a: usize, nBlocks: i32, blockSize: i32): void {
  const ld = <usize>nBlocks * <usize>blockSize;
  for (let c = 0; c < nBlocks; c++) {
    for (let d = c; d < nBlocks; d++) {
      const r0 = <usize>c * <usize>blockSize;
      const c0 = <usize>d * <usize>blockSize;
      for (let i: usize = 0; i < <usize>blockSize; i++) {
        for (let j: usize = 0; j < i; j++) {
          const v = load<f64>(a + (((r0 + j) * ld + c0 + i) << 3));
          store<f64>(a + (((r0 + i) * ld + c0 + j) << 3), v);
        }
      }
      if (d != c) {
        for (let i: usize = 0; i < <usize>blockSize; i++) {
          for (let j: usize = 0; j < <usize>blockSize; j++) {
            store<f64>(a + (((c0 + j) * ld + r0 + i) << 3), load<f64>(a + (((r0 + i) * ld + c0 + j) << 3)));
          }
        }
      }
    }
  }
}
