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
import { expNonPositiveTable2, logNormal2 } from './vectorMath';
import {
  PANEL_ROWS, COLUMN_STRIDE, panelLinearPredictor, panelLinearPredictor4, panelTransposeTimes, panelWeightedGramUpper,
} from './panel';
import { SINGLE_COLUMN_STRIDE, rowsToSingle, panelToSingle, panelWeightedGramUpperSingle } from './sketch';

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
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const infinity = f64x2.splat(Infinity);
  let loglik2 = zero; // even rows in lane 0, odd rows in lane 1
  let tail2 = infinity;
  const step = max(1, panelStep);
  const offsetStride = <usize>offsetPanels * <usize>PANEL_ROWS << 3;
  const coefStride = <usize>nColsPadded << 3;
  for (let b = 0; b < nPanels; b += step) {
    const panel = x + <usize>b * panelBytes;
    const row0 = <usize>b * <usize>PANEL_ROWS;
    // The first class streams the panel in column by column (full bandwidth from memory); the
    // others take four classes per sweep over the panel, now in cache.
    for (let c = 0; c < nFree; c++) {
      const off: usize = offset == 0 ? <usize>0 : offset + <usize>c * offsetStride + (row0 << 3);
      if (c > 0 && c + 4 <= nFree) {
        panelLinearPredictor4(panel, nColsPadded, coef + <usize>c * coefStride, coefStride, off, offsetStride, eta + <usize>c * rowsBytes);
        c += 3;
      } else {
        panelLinearPredictor(panel, nColsPadded, coef + <usize>c * coefStride, off, eta + <usize>c * rowsBytes);
      }
    }
    // One exp per class: e_c = exp(eta_c - m) is kept and p_c = e_c / sum, instead of a second
    // exp(eta_c - lse) (the same value to rounding). The exps run two rows per f64x2 (every
    // eta_c - m <= 0, expNonPositiveTable2's domain), ahead of the row loop: m per row goes to the
    // weight column, e^-m (the reference class) to the total column (both free until later),
    // e_c to the probability columns.
    for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 16) {
      let m = f64x2.splat(0); // the reference class has eta = 0
      for (let c = 0; c < nFree; c++) m = f64x2.max(m, v128.load(eta + <usize>c * rowsBytes + o));
      v128.store(weight + o, m);
      v128.store(total + o, expNonPositiveTable2(f64x2.neg(m)));
      for (let c = 0; c < nFree; c++) {
        const ec = eta + <usize>c * rowsBytes + o;
        v128.store(prob + <usize>c * rowsBytes + o, expNonPositiveTable2(f64x2.sub(v128.load(ec), m)));
      }
    }
    // The per-row terms, two rows per f64x2 (rows r, r + 1: their counts are K doubles apart in
    // the row-major counts). Each count column goes to the residual column first (the first
    // loop over the classes needs t = sum_k y_k before any residual y_c - t p_c can be formed).
    const rowBytes = <usize>nClasses << 3;
    for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 16) {
      const y0 = counts + (row0 + (o >> 3)) * rowBytes;
      const y1 = y0 + rowBytes;
      const m = v128.load(weight + o);
      const eRef = v128.load(total + o);
      let sum = eRef;
      let smallest = eRef;
      for (let c = 0; c < nFree; c++) {
        const ec = v128.load(prob + <usize>c * rowsBytes + o);
        sum = f64x2.add(sum, ec);
        smallest = f64x2.min(smallest, ec);
      }
      const lse = f64x2.add(m, logNormal2(sum));
      const inverseSum = f64x2.div(one, sum);
      let t = v128.load64_lane(y1, v128.load64_zero(y0), 1);
      loglik2 = f64x2.sub(loglik2, v128.and(f64x2.mul(t, lse), f64x2.ne(t, zero)));
      for (let c = 0; c < nFree; c++) {
        const e = v128.load(eta + <usize>c * rowsBytes + o);
        const at = (<usize>(c + 1) << 3);
        const yc = v128.load64_lane(y1 + at, v128.load64_zero(y0 + at), 1);
        t = f64x2.add(t, yc);
        loglik2 = f64x2.add(loglik2, v128.and(f64x2.mul(yc, f64x2.sub(e, lse)), f64x2.ne(yc, zero)));
        const pc = prob + <usize>c * rowsBytes + o;
        v128.store(pc, f64x2.mul(v128.load(pc), inverseSum));
        v128.store(residual + <usize>c * rowsBytes + o, yc);
      }
      v128.store(total + o, t);
      tail2 = f64x2.min(tail2, v128.bitselect(f64x2.mul(t, f64x2.mul(smallest, inverseSum)), infinity, f64x2.gt(t, zero)));
      for (let c = 0; c < nFree; c++) {
        const rc = residual + <usize>c * rowsBytes + o;
        v128.store(rc, f64x2.sub(v128.load(rc), f64x2.mul(t, v128.load(prob + <usize>c * rowsBytes + o))));
      }
      if (probOut != 0) {
        const pRef = f64x2.mul(eRef, inverseSum);
        const po0 = probOut + (y0 - counts);
        const po1 = po0 + rowBytes;
        store<f64>(po0, f64x2.extract_lane(pRef, 0));
        store<f64>(po1, f64x2.extract_lane(pRef, 1));
        for (let c = 0; c < nFree; c++) {
          const pc = v128.load(prob + <usize>c * rowsBytes + o);
          const at = (<usize>(c + 1) << 3);
          store<f64>(po0 + at, f64x2.extract_lane(pc, 0));
          store<f64>(po1 + at, f64x2.extract_lane(pc, 1));
        }
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
          if (c == d) {
            for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 16) {
              const pcr = v128.load(pc + o);
              v128.store(weight + o, f64x2.mul(v128.load(total + o), f64x2.mul(pcr, f64x2.sub(one, pcr))));
            }
          } else {
            for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 16) {
              const w = f64x2.mul(f64x2.neg(v128.load(pc + o)), v128.load(pd + o));
              v128.store(weight + o, f64x2.mul(v128.load(total + o), w));
            }
          }
          const blockOut = infoOut + ((<usize>c * <usize>nColsPadded * dim + <usize>d * <usize>nColsPadded) << 3);
          if (infoSingle != 0) {
            // the residual columns are free once the score has them: the weights as floats
            rowsToSingle(weight, residual);
            panelWeightedGramUpperSingle(weighted, residual, weightedSingle, nColsPadded, blockOut, <i32>dim);
          } else {
            panelWeightedGramUpper(panel, weight, weighted, nColsPadded, blockOut, <i32>dim);
          }
        }
      }
    }
  }
  if (tailOut != 0) store<f64>(tailOut, min(f64x2.extract_lane(tail2, 0), f64x2.extract_lane(tail2, 1)));
  return f64x2.extract_lane(loglik2, 0) + f64x2.extract_lane(loglik2, 1);
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
