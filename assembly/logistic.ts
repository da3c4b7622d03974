// Binary logistic regression over row panels: one pass computes the log-likelihood, the score
// and (optionally) the information matrix X' diag(w) X, so X is read from memory once per
// evaluation.
//
// Each row carries `successes` s and `trials` t (both already multiplied by the prior weight):
// a 0/1 response y with weight w has s = w*y, t = w; R's cbind(s, f) has s = w*s, t = w*(s + f).
// Then, with p = sigmoid(eta),
//   loglik = sum_r  -s log(1 + e^-eta) - (t - s) log(1 + e^eta)      (binomial kernel, no constant)
//   score  = X' (s - t p)
//   info   = X' diag(t p (1 - p)) X
import { log1pexp, sigmoid } from './math';
import {
  PANEL_ROWS, COLUMN_STRIDE, panelLinearPredictor, panelTransposeTimes, panelScaleRows, panelGramUpper,
} from './panel';

/**
 * One pass over the data at coefficients `coef` (nColsPadded doubles).
 * Writes eta for every row to `etaOut`; when `scoreOut` != 0 sets it to the score; when
 * `infoOut` != 0 sets its upper triangle to the information matrix, summed over the panels
 * b with b % infoPanelStride == 0 only (a row subsample; stride 1 = all rows).
 * `scratch` holds 2 * PANEL_ROWS + PANEL_ROWS * nColsPadded doubles. Returns the log-likelihood.
 */
export function logisticEvaluate(
  x: usize, nPanels: i32, nColsPadded: i32, coef: usize, offset: usize,
  successes: usize, trials: usize, etaOut: usize,
  scoreOut: usize, infoOut: usize, infoPanelStride: i32, scratch: usize,
): f64 {
  const residual = scratch;
  const weight = scratch + (<usize>PANEL_ROWS << 3);
  const weighted = weight + (<usize>PANEL_ROWS << 3);
  const panelBytes = <usize>nColsPadded * <usize>COLUMN_STRIDE;
  if (scoreOut != 0) memory.fill(scoreOut, 0, <usize>nColsPadded << 3);
  if (infoOut != 0) memory.fill(infoOut, 0, <usize>nColsPadded * <usize>nColsPadded << 3);
  let loglik: f64 = 0;
  for (let b = 0; b < nPanels; b++) {
    const panel = x + <usize>b * panelBytes;
    const rowByte = <usize>b * <usize>PANEL_ROWS << 3;
    const eta = etaOut + rowByte;
    panelLinearPredictor(panel, nColsPadded, coef, offset == 0 ? 0 : offset + rowByte, eta);
    const s = successes + rowByte;
    const t = trials + rowByte;
    const wantInfo = infoOut != 0 && b % infoPanelStride == 0;
    for (let r = 0; r < PANEL_ROWS; r++) {
      const o = <usize>r << 3;
      const e = load<f64>(eta + o);
      const sr = load<f64>(s + o);
      const tr = load<f64>(t + o);
      if (tr != 0) loglik -= sr * log1pexp(-e) + (tr - sr) * log1pexp(e);
      const prob = sigmoid(e);
      store<f64>(residual + o, sr - tr * prob);
      // p (1 - p) as sigmoid(eta) * sigmoid(-eta): no cancellation when p is near 1.
      if (wantInfo) store<f64>(weight + o, tr * prob * sigmoid(-e));
    }
    if (scoreOut != 0) panelTransposeTimes(panel, nColsPadded, residual, scoreOut);
    if (wantInfo) {
      panelScaleRows(panel, nColsPadded, weight, weighted);
      panelGramUpper(weighted, panel, nColsPadded, infoOut, nColsPadded);
    }
  }
  return loglik;
}
