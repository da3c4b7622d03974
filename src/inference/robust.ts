// Heteroskedasticity-consistent (sandwich) and cluster-robust covariances of a logistic fit: one
// pass over the rows at the final coefficients, V (Σ_g u_g u_gᵀ) V with V the model covariance
// (inverse information) and u_g the score contributions summed over a cluster g (each row its own
// cluster without one). R's sandwich::vcovHC and vcovCL.
import { SoftlogitError } from '../errors.js';
import type { RowSource } from '../input/design.js';
import { describeValue, optionKeysOf } from '../input/optionKeys.js';

/** Which covariance a fit reports: the inverse information, or a sandwich (R's vcovHC types). */
export type CovarianceType = 'model' | 'HC0' | 'HC1';

/** The covariance options of fitLogistic. */
export interface CovarianceOptions {
  /**
   * 'model' (default) the inverse information; 'HC0' the sandwich V M V; 'HC1' the sandwich times
   * n / (n − k) (R sandwich::vcovHC types). With `cluster`, the cluster-robust sandwich of
   * sandwich::vcovCL with that type (times G / (G − 1) for G clusters).
   */
  covariance?: CovarianceType;
  /** A cluster label per row (numbers or strings) for cluster-robust SEs; needs covariance 'HC0' or 'HC1'. */
  cluster?: ArrayLike<number | string>;
}

/** Every key of CovarianceOptions. */
export const COVARIANCE_OPTION_KEYS = optionKeysOf<CovarianceOptions>()(['covariance', 'cluster']);

/** Rows read per block in the pass over the data: bounds the buffer for any n. */
const BLOCK_ROWS = 4096;

/**
 * Checks the covariance options: the type, and a cluster label per row.
 * @throws {SoftlogitError} `BAD_OPTION` for an unknown type, a cluster with covariance 'model', or
 *   a label that is not a finite number or a string; `LENGTH_MISMATCH` for the wrong number of labels.
 */
export function covarianceOption(options: CovarianceOptions, nRows: number, caller: string): { type: CovarianceType; cluster: (number | string)[] | null } {
  const type = options.covariance ?? 'model';
  if (type !== 'model' && type !== 'HC0' && type !== 'HC1') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: covariance should be 'model', 'HC0' or 'HC1', got ${describeValue(type)}`);
  }
  if (options.cluster === undefined) return { type, cluster: null };
  if (type === 'model') throw new SoftlogitError('BAD_OPTION', `${caller}: cluster needs covariance 'HC0' or 'HC1' (a cluster-robust sandwich)`);
  const labels = options.cluster as unknown;
  if (labels === null || typeof labels !== 'object' || typeof (labels as { length?: unknown }).length !== 'number') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: cluster should be an array of labels, one per row, got ${describeValue(labels)}`);
  }
  const list = Array.from(labels as ArrayLike<unknown>);
  if (list.length !== nRows) throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: cluster should have ${nRows} labels (one per row), got ${list.length}`);
  list.forEach((label, i) => {
    if (!(typeof label === 'string' || (typeof label === 'number' && Number.isFinite(label)))) {
      throw new SoftlogitError('BAD_OPTION', `${caller}: cluster labels should be finite numbers or strings, got ${describeValue(label)} at row ${i}`, { row: i });
    }
  });
  return { type, cluster: list as (number | string)[] };
}

/**
 * The sandwich covariance of a binary logistic fit at its estimate β:
 *   V M V,  M = Σ_g u_g u_gᵀ,  u_g = Σ_{i∈g} (s_i − t_i p_i) x_i,  p_i = σ(x_iᵀβ + offset_i),
 * with s_i, t_i the weighted successes and trials, x_i the row with its intercept 1 and V the
 * model covariance. Without clusters every row is its own cluster (HC0); 'HC1' multiplies by
 * n / (n − k); with G clusters the result is multiplied by G / (G − 1), and by (n − 1) / (n − k)
 * for 'HC1' (R's sandwich::vcovHC(fit, type) and vcovCL(fit, cluster, type), cadjust = TRUE).
 * n counts every row and k the coefficients, as sandwich does. O(n p²).
 * @returns the covariance (p x p row-major) and the number of clusters (n without clusters).
 */
export function logisticSandwich(args: {
  source: RowSource; successes: Float64Array; trials: Float64Array; offset: Float64Array | null;
  coefficients: Float64Array; covariance: Float64Array; intercept: boolean; type: 'HC0' | 'HC1'; cluster: (number | string)[] | null;
}): { covariance: Float64Array; clusters: number } {
  const { source, successes, trials, offset, coefficients: beta, covariance: V, intercept, type, cluster } = args;
  const p = beta.length;
  const shift = intercept ? 1 : 0;
  const n = source.nRows;
  const nFeatures = source.nFeatures;
  const meat = new Float64Array(p * p);
  const sums = new Map<string, Float64Array>();
  const block = new Float64Array(Math.min(BLOCK_ROWS, Math.max(1, n)) * nFeatures);
  const psi = new Float64Array(p);
  for (let r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
    const r1 = Math.min(n, r0 + BLOCK_ROWS);
    source.fillRows(r0, r1, block);
    for (let r = r0; r < r1; r++) {
      const base = (r - r0) * nFeatures;
      let eta = shift ? beta[0]! : 0;
      for (let j = 0; j < nFeatures; j++) eta += block[base + j]! * beta[j + shift]!;
      if (offset) eta += offset[r]!;
      const prob = eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
      const residual = successes[r]! - trials[r]! * prob;
      if (shift) psi[0] = residual;
      for (let j = 0; j < nFeatures; j++) psi[j + shift] = residual * block[base + j]!;
      if (cluster) {
        const key = `${typeof cluster[r]}:${cluster[r]}`;
        let sum = sums.get(key);
        if (!sum) sums.set(key, (sum = new Float64Array(p)));
        for (let j = 0; j < p; j++) sum[j] += psi[j]!;
      } else {
        addOuter(meat, psi, p);
      }
    }
  }
  for (const sum of sums.values()) addOuter(meat, sum, p);
  const clusters = cluster ? sums.size : n;
  let scale = 1;
  if (cluster) scale *= clusters / (clusters - 1);
  if (type === 'HC1') scale *= cluster ? (n - 1) / (n - p) : n / (n - p);
  // V M V, both symmetric.
  const VM = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let k = 0; k < p; k++) {
    const v = V[i * p + k]!;
    if (v === 0) continue;
    for (let j = 0; j < p; j++) VM[i * p + j] += v * meat[k * p + j]!;
  }
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) {
    let sum = 0;
    for (let k = 0; k < p; k++) sum += VM[i * p + k]! * V[k * p + j]!;
    out[i * p + j] = scale * sum;
    out[j * p + i] = scale * sum;
  }
  return { covariance: out, clusters };
}

function addOuter(target: Float64Array, v: Float64Array, p: number): void {
  for (let i = 0; i < p; i++) {
    const vi = v[i]!;
    if (vi === 0) continue;
    for (let j = 0; j < p; j++) target[i * p + j] += vi * v[j]!;
  }
}
