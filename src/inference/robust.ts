// Heteroskedasticity-consistent (sandwich) and cluster-robust covariances of a logistic fit: one
// pass over the rows at the final coefficients, V (Σ_g u_g u_gᵀ) V with V the model covariance
// (inverse information) and u_g the score contributions summed over a cluster g (each row its own
// cluster without one). R's sandwich::vcovHC and vcovCL.
import { SoftlogitError } from '../errors.js';
import { forEachDesignRow, type RowSource } from '../input/design.js';
import { describeValue, optionKeysOf } from '../input/optionKeys.js';

/** Which covariance a fit reports: the inverse information, or a sandwich (R's vcovHC types). */
export type CovarianceType = 'model' | 'HC0' | 'HC1';

/** The covariance options of fitLogistic and fitSoftmax (fits from rows only: the sandwich needs a pass over them). */
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

/**
 * Checks the covariance options: the type, and a cluster label per row.
 * @throws {SoftlogitError} `BAD_OPTION` for an unknown type, a cluster with covariance 'model', or
 *   a label that is not a finite number or a string, or fewer than 2 clusters when the labels are
 *   those of all the fit's rows (`allRows`, false for one shard); `LENGTH_MISMATCH` for the wrong number of labels.
 * @example covarianceOption({ covariance: 'HC1', cluster: ['a', 'a', 'b'] }, 3, 'fitLogistic') // => { type: 'HC1', cluster: ['a', 'a', 'b'] }
 */
export function covarianceOption(options: CovarianceOptions, nRows: number, caller: string, allRows = true): { type: CovarianceType; cluster: (number | string)[] | null } {
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
  const distinct = new Set<string>();
  list.forEach((label, i) => {
    if (!(typeof label === 'string' || (typeof label === 'number' && Number.isFinite(label)))) {
      throw new SoftlogitError('BAD_OPTION', `${caller}: cluster labels should be finite numbers or strings, got ${describeValue(label)} at row ${i}`, { row: i });
    }
    if (distinct.size < 2) distinct.add(`${typeof label}:${label}`);
  });
  // One cluster makes G / (G − 1) infinite; the stream, statistics and SQL fits refuse it too (a
  // batch or shard, allRows false, may hold one cluster of many).
  if (allRows && distinct.size < 2) throw new SoftlogitError('BAD_OPTION', `${caller}: a cluster-robust covariance needs at least 2 clusters, got ${distinct.size}`);
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
 * @example
 * // fitLogistic(X, y, { covariance: 'HC0' }) calls it with the fit's data and V:
 * logisticSandwich({ source, successes, trials, offset: null, coefficients, covariance, intercept: true, type: 'HC0', cluster: null }).covariance
 */
export function logisticSandwich(args: LogisticScoreInput & { covariance: Float64Array; type: 'HC0' | 'HC1'; cluster: (number | string)[] | null }): { covariance: Float64Array; clusters: number } {
  const meat = new ScoreMeat(args.coefficients.length, args.cluster);
  logisticScoreRows(args, (r, psi) => meat.add(r, psi));
  return meat.sandwich(args.covariance, args.source.nRows, args.type);
}

/** What the logistic score contributions are computed from: the rows, their outcomes and offset, and β. */
export interface LogisticScoreInput {
  source: RowSource; successes: Float64Array; trials: Float64Array; offset: Float64Array | null;
  coefficients: Float64Array; intercept: boolean;
}

/**
 * Calls `visit(r, psi)` for every row r with its score contribution psi = (s_r − t_r p_r) x_r at
 * β (see logisticSandwich; psi is reused: read it before returning). O(n p).
 * @example
 * logisticScoreRows({ source, successes, trials, offset: null, coefficients, intercept: true }, (r, psi) => meat.add(r, psi));
 */
export function logisticScoreRows(args: LogisticScoreInput, visit: (r: number, psi: Float64Array) => void): void {
  const { source, successes, trials, offset, coefficients: beta, intercept } = args;
  const p = beta.length;
  const psi = new Float64Array(p);
  forEachDesignRow(source, intercept, (r, x) => {
    let eta = 0;
    for (let j = 0; j < p; j++) eta += x[j]! * beta[j]!;
    if (offset) eta += offset[r]!;
    const prob = eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
    const residual = successes[r]! - trials[r]! * prob;
    for (let j = 0; j < p; j++) psi[j] = residual * x[j]!;
    visit(r, psi);
  });
}

/**
 * The sandwich covariance of a softmax fit at its free coefficients β (baseline form, class-major,
 * reference class internal 0): V M V with score contributions u_i[c·p + j] = (y_ic − m_i π_ic) x_ij
 * over the free classes c (y the weighted counts in internal order, m_i their row total), summed
 * per cluster when there are clusters, and the same factors as logisticSandwich with
 * k = p(K − 1). HC0 and the clustered HC1 are statsmodels MNLogit's `cov_type='HC0'` and
 * `'cluster'`. O(n (p(K − 1))²).
 * @returns the covariance (p(K − 1) square, class-major) and the number of clusters (n without).
 * @example
 * // fitSoftmax(X, y, { covariance: 'HC1', cluster }) calls it with the fit's counts and V:
 * softmaxSandwich({ source, counts, nClasses: 3, coefficients, covariance, intercept: true, type: 'HC1', cluster }).covariance
 */
export function softmaxSandwich(args: SoftmaxScoreInput & { covariance: Float64Array; type: 'HC0' | 'HC1'; cluster: (number | string)[] | null }): { covariance: Float64Array; clusters: number } {
  const meat = new ScoreMeat(args.coefficients.length, args.cluster);
  softmaxScoreRows(args, (r, psi) => meat.add(r, psi));
  return meat.sandwich(args.covariance, args.source.nRows, args.type);
}

/** What the softmax score contributions are computed from (see softmaxSandwich). */
export interface SoftmaxScoreInput {
  source: RowSource; counts: Float64Array; nClasses: number; coefficients: Float64Array; intercept: boolean;
  /** Reference-form offsets of the free classes, class-major with `offsetStride` rows per class, or null. */
  offset?: Float64Array | null; offsetStride?: number;
}

/**
 * Calls `visit(r, psi)` for every row r with its score contribution psi[c·p + j] =
 * (y_rc − m_r π_rc) x_rj over the free classes c (see softmaxSandwich; psi is reused). O(n p K).
 * @example
 * softmaxScoreRows({ source, counts, nClasses: 3, coefficients, intercept: true }, (r, psi) => meat.add(r, psi));
 */
export function softmaxScoreRows(args: SoftmaxScoreInput, visit: (r: number, psi: Float64Array) => void): void {
  const { source, counts, nClasses: K, coefficients: beta, intercept } = args;
  const offset = args.offset ?? null;
  const stride = args.offsetStride ?? source.nRows;
  const nFree = K - 1;
  const q = beta.length;
  const p = q / nFree;
  const psi = new Float64Array(q);
  const eta = new Float64Array(K);
  forEachDesignRow(source, intercept, (r, x) => {
    let max = 0; // the reference class's score
    for (let c = 0; c < nFree; c++) {
      let e = offset ? offset[c * stride + r]! : 0;
      for (let j = 0; j < p; j++) e += x[j]! * beta[c * p + j]!;
      eta[c + 1] = e;
      max = Math.max(max, e);
    }
    eta[0] = 0;
    let total = 0;
    let rowTotal = 0;
    for (let k = 0; k < K; k++) {
      total += Math.exp(eta[k]! - max);
      rowTotal += counts[r * K + k]!;
    }
    for (let c = 0; c < nFree; c++) {
      const residual = counts[r * K + c + 1]! - rowTotal * (Math.exp(eta[c + 1]! - max) / total);
      for (let j = 0; j < p; j++) psi[c * p + j] = residual * x[j]!;
    }
    visit(r, psi);
  });
}

/**
 * The meat M = Σ_g u_g u_gᵀ of both sandwiches, built row by row: without clusters each row's
 * score contribution adds its outer product; with clusters the contributions are summed per label
 * (a number and the string of it are different labels) and each sum adds its outer product at the
 * end.
 */
class ScoreMeat {
  readonly #k: number;
  readonly #cluster: (number | string)[] | null;
  readonly #meat: Float64Array;
  readonly #sums = new Map<string, Float64Array>();

  /** `k` the length of a score contribution; `cluster` a label per row, or null. */
  constructor(k: number, cluster: (number | string)[] | null) {
    this.#k = k;
    this.#cluster = cluster;
    this.#meat = new Float64Array(k * k);
  }

  /** Adds row r's score contribution `psi` (read now, so the caller may reuse it). */
  add(r: number, psi: Float64Array): void {
    const k = this.#k;
    if (!this.#cluster) {
      addOuter(this.#meat, psi, k);
      return;
    }
    const key = `${typeof this.#cluster[r]}:${this.#cluster[r]}`;
    let sum = this.#sums.get(key);
    if (!sum) this.#sums.set(key, (sum = new Float64Array(k)));
    for (let j = 0; j < k; j++) sum[j] += psi[j]!;
  }

  /** V M V with its small-sample factors (finishSandwich), after every one of the n rows was added. */
  sandwich(V: Float64Array, n: number, type: 'HC0' | 'HC1'): { covariance: Float64Array; clusters: number } {
    const k = this.#k;
    for (const sum of this.#sums.values()) addOuter(this.#meat, sum, k);
    const clusters = this.#cluster ? this.#sums.size : 0;
    return { covariance: finishSandwich(this.#meat, V, k, n, clusters, type), clusters: this.#cluster ? clusters : n };
  }
}

/**
 * V M V times the small-sample factors: G / (G − 1) with G > 0 clusters, and for 'HC1'
 * n / (n − k) without clusters or (n − 1) / (n − k) with them (k = side of V); R's sandwich
 * conventions (vcovHC, vcovCL with cadjust = TRUE). O(k³).
 * @example finishSandwich(meat, V, 6, 400, 0, 'HC1') // vcovHC(fit, type = "HC1") from the meat Σ uᵢuᵢᵀ
 */
export function finishSandwich(meat: Float64Array, V: Float64Array, k: number, n: number, clusters: number, type: 'HC0' | 'HC1'): Float64Array {
  let scale = 1;
  if (clusters > 0) scale *= clusters / (clusters - 1);
  if (type === 'HC1') scale *= clusters > 0 ? (n - 1) / (n - k) : n / (n - k);
  const VM = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let l = 0; l < k; l++) {
    const v = V[i * k + l]!;
    if (v === 0) continue;
    for (let j = 0; j < k; j++) VM[i * k + j] += v * meat[l * k + j]!;
  }
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) {
    let sum = 0;
    for (let l = 0; l < k; l++) sum += VM[i * k + l]! * V[l * k + j]!;
    out[i * k + j] = scale * sum;
    out[j * k + i] = scale * sum;
  }
  return out;
}

function addOuter(target: Float64Array, v: Float64Array, p: number): void {
  for (let i = 0; i < p; i++) {
    const vi = v[i]!;
    if (vi === 0) continue;
    for (let j = 0; j < p; j++) target[i * p + j] += vi * v[j]!;
  }
}
