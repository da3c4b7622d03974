// Per-column loops over the panels (see panel.ts for the layout) used only when a fit needs them:
// the range of each column and its rescaling by a power of two (equilibration of a design whose
// columns hold values beyond what X'WX can represent), and the weighted residual of one column
// regressed on others (the data-side check of a rank decision). Scalar loops: these run at most a
// few times per fit, never per Newton pass.
import { COLUMN_STRIDE, PANEL_ROWS } from './panel';

/**
 * For each of the `nColsPadded` columns j: out[2j] = max |x_ij| and out[2j + 1] = min over
 * x_ij != 0 of |x_ij| (+Infinity for a column of zeros).
 */
export function columnAbsRange(x: usize, nPanels: i32, nColsPadded: i32, out: usize): void {
  const cols = <usize>nColsPadded;
  for (let j: usize = 0; j < cols; j++) {
    store<f64>(out + (j << 4), 0.0);
    store<f64>(out + (j << 4) + 8, Infinity);
  }
  for (let b = 0; b < nPanels; b++) {
    const panel = x + <usize>b * cols * <usize>COLUMN_STRIDE;
    for (let j: usize = 0; j < cols; j++) {
      const column = panel + j * <usize>COLUMN_STRIDE;
      let max = load<f64>(out + (j << 4));
      let min = load<f64>(out + (j << 4) + 8);
      for (let r: usize = 0; r < <usize>PANEL_ROWS; r++) {
        const v = Math.abs(load<f64>(column + (r << 3)));
        if (v > max) max = v;
        if (v > 0 && v < min) min = v;
      }
      store<f64>(out + (j << 4), max);
      store<f64>(out + (j << 4) + 8, min);
    }
  }
}

/** Multiplies column j of every panel by scales[j] (nColsPadded doubles; powers of two keep it exact). */
export function scaleColumns(x: usize, nPanels: i32, nColsPadded: i32, scales: usize): void {
  const cols = <usize>nColsPadded;
  for (let b = 0; b < nPanels; b++) {
    const panel = x + <usize>b * cols * <usize>COLUMN_STRIDE;
    for (let j: usize = 0; j < cols; j++) {
      const s = load<f64>(scales + (j << 3));
      if (s == 1.0) continue;
      const column = panel + j * <usize>COLUMN_STRIDE;
      for (let r: usize = 0; r < <usize>PANEL_ROWS; r++) store<f64>(column + (r << 3), load<f64>(column + (r << 3)) * s);
    }
  }
}

/**
 * The residual r_i = Σ_j x_ij coef[j] of a combination of columns (coef: nColsPadded doubles, e.g.
 * e_k − b for column k regressed on others with coefficients b), weighted by the logistic
 * information weights w_i = t_i p_i (1 − p_i) at the linear predictor `eta` (one per row, as
 * logisticEvaluate writes it): out[0] = Σ w_i r_i², out[1] = Σ w_i x_ik² (the column's own weighted
 * square, k = `column`). The residual is formed row by row from the data, so its relative accuracy
 * is that of one dot product (~p ε), not that of X'WX.
 */
export function logisticResidualSquares(
  x: usize, nPanels: i32, nColsPadded: i32, coef: usize, column: i32, eta: usize, trials: usize, out: usize,
): void {
  const cols = <usize>nColsPadded;
  let residualSum: f64 = 0;
  let columnSum: f64 = 0;
  for (let b = 0; b < nPanels; b++) {
    const panel = x + <usize>b * cols * <usize>COLUMN_STRIDE;
    const rowBase = <usize>b * <usize>PANEL_ROWS;
    for (let r: usize = 0; r < <usize>PANEL_ROWS; r++) {
      const t = load<f64>(trials + ((rowBase + r) << 3));
      if (!(t > 0)) continue;
      // p (1 − p) = z / (1 + z)² with z = e^-|eta| (no overflow, no cancellation)
      const z = Math.exp(-Math.abs(load<f64>(eta + ((rowBase + r) << 3))));
      const w = (t * z) / ((1.0 + z) * (1.0 + z));
      if (w == 0) continue;
      let s: f64 = 0;
      for (let j: usize = 0; j < cols; j++) s += load<f64>(panel + j * <usize>COLUMN_STRIDE + (r << 3)) * load<f64>(coef + (j << 3));
      const xk = load<f64>(panel + <usize>column * <usize>COLUMN_STRIDE + (r << 3));
      residualSum += w * s * s;
      columnSum += w * xk * xk;
    }
  }
  store<f64>(out, residualSum);
  store<f64>(out + 8, columnSum);
}

/**
 * As `logisticResidualSquares` for the softmax model, in the metric of the information's first
 * class block: w_i = m_i p_i1 (1 − p_i1), with m_i = Σ_k counts[i, k] (nRowsPadded x K row-major,
 * the reference class first) and p_i1 the probability of the first non-reference class at the
 * coefficients `coef` ((K − 1) blocks of nColsPadded doubles, block-major), computed here per row.
 */
export function softmaxResidualSquares(
  x: usize, nPanels: i32, nColsPadded: i32, nClasses: i32, coef: usize, counts: usize, combination: usize, column: i32, out: usize,
): void {
  const cols = <usize>nColsPadded;
  const K = <usize>nClasses;
  let residualSum: f64 = 0;
  let columnSum: f64 = 0;
  for (let b = 0; b < nPanels; b++) {
    const panel = x + <usize>b * cols * <usize>COLUMN_STRIDE;
    const rowBase = <usize>b * <usize>PANEL_ROWS;
    for (let r: usize = 0; r < <usize>PANEL_ROWS; r++) {
      const countRow = counts + ((rowBase + r) * K << 3);
      let m: f64 = 0;
      for (let k: usize = 0; k < K; k++) m += load<f64>(countRow + (k << 3));
      if (!(m > 0)) continue;
      // log-sum-exp over eta_0 = 0 (reference) and eta_c = x · coef_c in one sweep (each eta_c
      // computed once): total = Σ exp(eta − top) is rescaled whenever a larger eta becomes top.
      let eta1: f64 = 0;
      let top: f64 = 0;
      let total: f64 = 1;
      for (let c: usize = 1; c < K; c++) {
        let e: f64 = 0;
        for (let j: usize = 0; j < cols; j++) e += load<f64>(panel + j * <usize>COLUMN_STRIDE + (r << 3)) * load<f64>(coef + (((c - 1) * cols + j) << 3));
        if (c == 1) eta1 = e;
        if (e > top) {
          total = total * Math.exp(top - e) + 1.0;
          top = e;
        } else {
          total += Math.exp(e - top);
        }
      }
      const p1 = Math.exp(eta1 - top) / total;
      const w = m * p1 * (1.0 - p1);
      if (w == 0) continue;
      let s: f64 = 0;
      for (let j: usize = 0; j < cols; j++) s += load<f64>(panel + j * <usize>COLUMN_STRIDE + (r << 3)) * load<f64>(combination + (j << 3));
      const xk = load<f64>(panel + <usize>column * <usize>COLUMN_STRIDE + (r << 3));
      residualSum += w * s * s;
      columnSum += w * xk * xk;
    }
  }
  store<f64>(out, residualSum);
  store<f64>(out + 8, columnSum);
}
