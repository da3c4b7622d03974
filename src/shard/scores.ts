// The meat of a sandwich covariance from shards: one more map and reduce, at the final estimate.
//
// The sandwich V M V (src/inference/robust.ts) needs M = Σ_g u_g u_gᵀ, u_g the score contributions
// of the rows of unit g summed (a unit is a row, or a cluster of rows). Without clusters M is a
// sum over rows like the statistics, so each shard sums its rows' outer products and the reduce
// adds them. With clusters a unit may have rows in several shards (a school's pupils split across
// files): each shard sums the contributions per cluster label and the reduce adds the sums of the
// same label; the outer products are taken only at the end, once every row of a cluster is in.
//   map:     accumulateScores(shard, coefficients) → { meat | clusters, nRows, … }
//   reduce:  combineScores(a, b)
//   finish:  the fit (fitLogisticFromStatistics with `covariance` and `scores`) forms V M V.
// The sums carry the rows' count, weight total and fingerprint as the statistics do, so that the fit
// can check (src/shard/guard.ts) that the score pass read the rows every Newton pass read.
import { SoftlogitError } from '../errors.js';
import { covarianceOption, logisticScoreRows, softmaxScoreRows } from '../inference/robust.js';
import { describeValue } from '../input/optionKeys.js';
import { referenceFormOffset } from '../input/classOffset.js';
import { getRuntime } from '../wasm/module.js';
import { addFingerprints, EMPTY_FINGERPRINT, fingerprintRows, isFingerprint, type RowFingerprint } from './fingerprint.js';
import { readShard, type Shard } from './statistics.js';

/**
 * Score sums of the rows of one or more shards at given coefficients: what the sandwich covariance
 * of a fit from statistics needs. Plain data (structured clone; JSON keeps number and string
 * labels apart as they are).
 */
export interface ScoreStatistics {
  model: 'logistic' | 'softmax';
  /** Coefficients: p (logistic) or p(K − 1) (softmax, free classes class-major, as the statistics). */
  nParams: number;
  /** Rows read (R's sandwich counts every row in n). */
  nRows: number;
  /** Σ weighted trials (logistic) or counts (softmax), as ShardStatistics.weightSum. */
  weightSum: number;
  /** Rows with non-zero weight, as ShardStatistics.nInformative. Optional for sums made elsewhere. */
  nInformative?: number;
  /**
   * The rows' order-independent fingerprint, as ShardStatistics.fingerprint (the same rows give the
   * same value in both): the fit compares it with the statistics'. Optional for sums made
   * elsewhere (then only the row count and weight total are compared).
   */
  fingerprint?: RowFingerprint;
  /** Without clusters: Σᵢ uᵢuᵢᵀ over the rows, nParams x nParams row-major; null with clusters. */
  meat: ArrayLike<number> | null;
  /**
   * With clusters (the shards' `cluster` labels): every label of the rows once, and the sum u_g of
   * its rows' score contributions (labels.length x nParams row-major); null without.
   */
  clusters: { labels: (number | string)[]; scores: ArrayLike<number> } | null;
}

/**
 * The closed meat of a sandwich: M = Σ_g u_g u_gᵀ over all units, with the counts its factors need
 * and what the fit's SourceGuard compares with the statistics (nInformative and fingerprint when
 * known).
 */
export interface SandwichMeat {
  meat: Float64Array;
  nRows: number;
  weightSum: number;
  nInformative?: number | undefined;
  fingerprint?: RowFingerprint | undefined;
  /** Clusters G (0 without clusters). */
  clusters: number;
}

/**
 * The map step of the meat: the score contribution uᵢ = (sᵢ − tᵢpᵢ) xᵢ of every row (logistic; the
 * softmax one has (y_ic − mᵢπ_ic) x_i per free class c) at `coefficients`, as outer products summed
 * (Σᵢ uᵢuᵢᵀ) or, when the shard has `cluster` labels, summed per label. One pass over the shard in
 * JavaScript, O(n nParams²) without clusters and O(n nParams) with them, and one in WebAssembly
 * for the rows' fingerprint (as accumulate's: the fit checks that the scores sum its rows).
 * @param coefficients the fit's estimate, in the layout of the statistics (see accumulate)
 * @throws {SoftlogitError} as accumulate (`NOT_INITIALIZED` before init()); `LENGTH_MISMATCH` /
 *   `BAD_OPTION` for cluster labels that are not one finite number or string per row.
 * @example
 * const shards = [{ model: 'logistic', X: X1, y: y1, cluster: school1 }, { model: 'logistic', X: X2, y: y2, cluster: school2 }];
 * const fit = await fitLogisticFromStatistics(source, { nFeatures: 2, covariance: 'HC1',
 *   scores: (b) => shards.map((s) => accumulateScores(s, b)).reduce(combineScores) });
 */
export function accumulateScores(shard: Shard, coefficients: ArrayLike<number>): ScoreStatistics {
  const caller = 'accumulateScores';
  const rows = readShard(shard, caller);
  const n = rows.source.nRows;
  const q = rows.nParams;
  if (coefficients === null || typeof coefficients !== 'object' || coefficients.length !== q) {
    throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: coefficients should hold ${q} values for this shard, got ${describeValue(coefficients)}`);
  }
  const beta = Float64Array.from(coefficients);
  const bad = beta.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new SoftlogitError('NON_FINITE', `${caller}: coefficients must be finite, got ${beta[bad]} at ${bad}`);
  const cluster = shard.cluster === undefined ? null : covarianceOption({ covariance: 'HC0', cluster: shard.cluster }, n, caller, false).cluster;
  const sums = new ScoreSums(rows.model, q, cluster !== null);
  const visit = cluster === null ? (_r: number, psi: Float64Array) => sums.addRow(psi) : (r: number, psi: Float64Array) => sums.addToCluster(cluster[r]!, psi);
  let weightSum = 0;
  if (rows.model === 'logistic') {
    const { data } = rows;
    for (let i = 0; i < n; i++) weightSum += data.trials[i]!;
    logisticScoreRows({ source: rows.source, successes: data.successes, trials: data.trials, offset: rows.offset, coefficients: beta, intercept: rows.intercept }, visit);
  } else {
    const { data } = rows;
    for (const t of data.classTotals) weightSum += t;
    const offset = rows.offset ? referenceFormOffset(rows.offset, n, data.internalOrder, n) : null;
    softmaxScoreRows({ source: rows.source, counts: data.counts, nClasses: data.classes.length, coefficients: beta, intercept: rows.intercept, offset, offsetStride: n }, visit);
  }
  sums.nRows = n;
  sums.weightSum = weightSum;
  sums.nInformative = rows.data.nInformative;
  sums.fingerprint = fingerprintRows(getRuntime(caller), rows.source, rows.extras, caller);
  return sums.statistics();
}

/**
 * The reduce step of the meat: the score sums of two parts (same model and coefficients; both with
 * cluster labels or both without). Cluster sums of the same label are added, so a cluster may
 * span shards. Associative and commutative up to rounding.
 * @throws {SoftlogitError} `BAD_STATISTICS` for something that is not score statistics,
 *   `LENGTH_MISMATCH` for parts of different models or one with clusters and one without.
 * @example
 * const all = combineScores(accumulateScores(shardA, b), accumulateScores(shardB, b));
 */
export function combineScores(a: ScoreStatistics, b: ScoreStatistics): ScoreStatistics {
  const first = checkScoreStatistics(a, 'combineScores', 'argument a');
  const second = checkScoreStatistics(b, 'combineScores', 'argument b');
  const sums = new ScoreSums(first.model, first.nParams, first.clusters !== null);
  sums.add(first, 'combineScores');
  sums.add(second, 'combineScores');
  return sums.statistics();
}

/**
 * Checks that `value` has the shape of ScoreStatistics (as accumulateScores makes them).
 * @throws {SoftlogitError} `BAD_STATISTICS` naming the first field that is wrong.
 * @example checkScoreStatistics(null, 'combineScores', 'argument a') // throws BAD_STATISTICS
 */
export function checkScoreStatistics(value: unknown, caller: string, what: string): ScoreStatistics {
  const bad = (field: string, expected: string, got: unknown): never => {
    throw new SoftlogitError('BAD_STATISTICS', `${caller}: ${what} should be score statistics (from accumulateScores or combineScores) with ${field} ${expected}, got ${describeValue(got)}`, { field });
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SoftlogitError('BAD_STATISTICS', `${caller}: ${what} should be score statistics (from accumulateScores or combineScores), got ${describeValue(value)}`);
  }
  const s = value as Record<string, unknown>;
  if (s.model !== 'logistic' && s.model !== 'softmax') bad('model', "'logistic' or 'softmax'", s.model);
  if (!Number.isInteger(s.nParams) || (s.nParams as number) < 1) bad('nParams', 'a positive integer', s.nParams);
  if (!Number.isInteger(s.nRows) || (s.nRows as number) < 0) bad('nRows', 'an integer ≥ 0', s.nRows);
  if (typeof s.weightSum !== 'number' || !Number.isFinite(s.weightSum)) bad('weightSum', 'a finite number', s.weightSum);
  if (s.nInformative !== undefined && (!Number.isInteger(s.nInformative) || (s.nInformative as number) < 0)) bad('nInformative', 'an integer ≥ 0 (or absent)', s.nInformative);
  if (s.fingerprint !== undefined && !isFingerprint(s.fingerprint)) bad('fingerprint', 'two unsigned 32-bit integers (or absent)', s.fingerprint);
  const q = s.nParams as number;
  const finiteArray = (v: unknown, length: number) => {
    if (v === null || typeof v !== 'object' || (v as ArrayLike<unknown>).length !== length) return false;
    for (let i = 0; i < length; i++) if (!Number.isFinite((v as ArrayLike<unknown>)[i])) return false;
    return true;
  };
  if ((s.meat === null) === (s.clusters === null)) bad('meat', 'an array and clusters null, or meat null and clusters set', s.meat);
  if (s.meat !== null && !finiteArray(s.meat, q * q)) bad('meat', `an array of ${q * q} finite numbers`, s.meat);
  if (s.clusters !== null) {
    const c = s.clusters as { labels?: unknown; scores?: unknown } | undefined;
    const labels = c?.labels;
    if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string' || (typeof l === 'number' && Number.isFinite(l)))) {
      bad('clusters.labels', 'an array of finite numbers or strings', labels);
    }
    if (!finiteArray(c!.scores, (labels as unknown[]).length * q)) bad('clusters.scores', `an array of ${(labels as unknown[]).length * q} finite numbers`, c!.scores);
  }
  return value as ScoreStatistics;
}

/**
 * Score sums being added up: rows' outer products (no clusters) or per-label sums (clusters); the
 * meat is closed with `close()`. A number label and the string of it are different clusters, as
 * in the in-memory fits.
 */
export class ScoreSums {
  nRows = 0;
  weightSum = 0;
  /** Undefined once a part without it was added (then the sum is unknown), as the fingerprint. */
  nInformative: number | undefined = 0;
  fingerprint: RowFingerprint | undefined = EMPTY_FINGERPRINT;
  readonly #meat: Float64Array | null;
  readonly #clusters = new Map<string, { label: number | string; sum: Float64Array }>();

  constructor(readonly model: 'logistic' | 'softmax', readonly nParams: number, readonly clustered: boolean) {
    this.#meat = clustered ? null : new Float64Array(nParams * nParams);
  }

  /** Adds one row's contribution psi (no clusters). */
  addRow(psi: ArrayLike<number>): void {
    const q = this.nParams;
    const meat = this.#meat!;
    for (let i = 0; i < q; i++) {
      const v = psi[i]!;
      if (v === 0) continue;
      for (let j = 0; j < q; j++) meat[i * q + j] += v * psi[j]!;
    }
  }

  /** Adds a contribution to cluster `label`'s sum (psi at `offset` of `values`). */
  addToCluster(label: number | string, values: ArrayLike<number>, offset = 0): void {
    const key = `${typeof label}:${label}`;
    let entry = this.#clusters.get(key);
    if (!entry) this.#clusters.set(key, (entry = { label, sum: new Float64Array(this.nParams) }));
    for (let j = 0; j < this.nParams; j++) entry.sum[j] += values[offset + j]!;
  }

  /** Adds checked score statistics of the same model, shape and kind (with or without clusters). */
  add(s: ScoreStatistics, caller: string): void {
    if (s.model !== this.model || s.nParams !== this.nParams || (s.clusters !== null) !== this.clustered) {
      throw new SoftlogitError(
        'LENGTH_MISMATCH',
        `${caller}: score statistics of different models or kinds (${this.model}, ${this.nParams} coefficients, ${this.clustered ? 'with' : 'without'} clusters vs ` +
          `${s.model}, ${s.nParams}, ${s.clusters !== null ? 'with' : 'without'}); every shard needs the same columns and classes, and cluster labels in all shards or in none`,
      );
    }
    this.nRows += s.nRows;
    this.weightSum += s.weightSum;
    this.nInformative = this.nInformative === undefined || s.nInformative === undefined ? undefined : this.nInformative + s.nInformative;
    this.fingerprint = this.fingerprint === undefined || s.fingerprint === undefined ? undefined : addFingerprints(this.fingerprint, s.fingerprint);
    if (s.meat !== null) {
      const meat = this.#meat!;
      for (let i = 0; i < meat.length; i++) meat[i] += s.meat[i]!;
    } else {
      s.clusters!.labels.forEach((label, g) => this.addToCluster(label, s.clusters!.scores, g * this.nParams));
    }
  }

  /** The sums as ScoreStatistics (copies). */
  statistics(): ScoreStatistics {
    const q = this.nParams;
    const base = { model: this.model, nParams: q, nRows: this.nRows, weightSum: this.weightSum, ...this.known() };
    if (this.#meat !== null) return { ...base, meat: this.#meat.slice(), clusters: null };
    const labels: (number | string)[] = [];
    const scores = new Float64Array(this.#clusters.size * q);
    let g = 0;
    for (const { label, sum } of this.#clusters.values()) {
      labels.push(label);
      scores.set(sum, g++ * q);
    }
    return { ...base, meat: null, clusters: { labels, scores } };
  }

  /** nInformative and fingerprint, where known. */
  private known(): { nInformative?: number; fingerprint?: RowFingerprint } {
    return {
      ...(this.nInformative !== undefined ? { nInformative: this.nInformative } : {}),
      ...(this.fingerprint !== undefined ? { fingerprint: this.fingerprint } : {}),
    };
  }

  /** M = Σ_g u_g u_gᵀ over every unit (the clusters' outer products taken now). */
  close(): SandwichMeat {
    const base = { nRows: this.nRows, weightSum: this.weightSum, ...this.known() };
    if (this.#meat !== null) return { ...base, meat: this.#meat.slice(), clusters: 0 };
    const q = this.nParams;
    const meat = new Float64Array(q * q);
    for (const { sum } of this.#clusters.values()) {
      for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) meat[i * q + j] += sum[i]! * sum[j]!;
    }
    return { ...base, meat, clusters: this.#clusters.size };
  }
}
