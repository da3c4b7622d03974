// Shard statistics: one Newton iteration as a map and a reduce.
//
// The log-likelihood of a logistic or softmax model is a sum over rows, and so are its gradient
// and Hessian. Split the rows into shards (batches of a file, partitions of a cluster, slices
// handed to processes); then at given coefficients
//   map:     accumulate(shard, coefficients) → { logLik, gradient, hessian, weightSum, … } per shard
//   reduce:  combine(a, b) = the elementwise sum (associative and commutative up to rounding, so any
//            tree of partial sums gives the same statistics as one pass over all rows)
//   solve:   on the reduced statistics, the Newton step d = −H⁻¹ g (`fitFromStatistics` runs the
//            whole iteration with step halving; `newtonStep` is the bare solve).
//
// Conventions (the solver's): f = −logLik, `gradient` = ∇f = −score, `hessian` = ∇²f = the
// information matrix, p x p (logistic, p = intercept + features) or p(K−1) square (softmax,
// free classes block-major: free class c, column j at c·p + j, free classes = `classes` without
// the reference, in order). Statistics carry no penalty: the ridge is added once, after the reduce.
import { SoftlogitError } from '../errors.js';
import { smallestPositive } from '../input/weightScale.js';
import { toBinomialData, type BinaryResponse, type BinomialData } from '../input/binaryResponse.js';
import { toRowSource, toRowVector, type DesignInput, type RowSource } from '../input/design.js';
import { checkOptionKeys, describeValue } from '../input/optionKeys.js';
import { classOffset, referenceFormOffset, type ClassOffset } from '../input/classOffset.js';
import { toMultinomialData, type ClassLabel, type MultinomialData, type MultinomialResponse } from '../input/softmaxResponse.js';
import { LogisticObjective } from '../objective/logistic.js';
import { SoftmaxObjective } from '../objective/softmax.js';
import type { EvaluationLevel } from '../objective/types.js';
import { DesignBuffer } from '../wasm/design.js';
import { getRuntime } from '../wasm/module.js';
import { addFingerprints, isFingerprint, RowHasher, type RowFingerprint, type RowValues } from './fingerprint.js';

export type { EvaluationLevel } from '../objective/types.js';

/** Rows of a binary logistic model: X (without the intercept column), y, optional weights and offset. */
export interface LogisticShard {
  model: 'logistic';
  X: DesignInput;
  y: BinaryResponse;
  weights?: ArrayLike<number>;
  offset?: ArrayLike<number>;
  /** Whether the model has an intercept (default true); the same for every shard. */
  intercept?: boolean;
  /** A cluster label per row, for a cluster-robust covariance (read by accumulateScores only). */
  cluster?: ArrayLike<number | string>;
}

/** Rows of a softmax model; `classes` (and `reference`) must be the same for every shard. */
export interface SoftmaxShard {
  model: 'softmax';
  X: DesignInput;
  y: MultinomialResponse;
  /** Every class of the whole data set, in order (a shard may lack some of them). */
  classes: readonly ClassLabel[];
  /** The reference class (default the first of `classes`). */
  reference?: ClassLabel;
  weights?: ArrayLike<number>;
  /**
   * Known terms added to the linear predictors, as fitSoftmax's `offset`: the shard's rows of K
   * numbers in `classes` order (or an n x K Matrix), or `{ perClass }` (see ClassOffset).
   */
  offset?: ClassOffset;
  intercept?: boolean;
  /** A cluster label per row, for a cluster-robust covariance (read by accumulateScores only). */
  cluster?: ArrayLike<number | string>;
}

export type Shard = LogisticShard | SoftmaxShard;

/**
 * Sums over the rows of a shard (or of several, after `combine`) at given coefficients. Plain
 * data: it survives structured clone (worker postMessage, child_process 'advanced' serialization);
 * for JSON send the arrays as number arrays (`combine` accepts any ArrayLike).
 */
export interface ShardStatistics {
  model: 'logistic' | 'softmax';
  /** Coefficients: p (logistic) or p(K − 1) (softmax). */
  nParams: number;
  /** 2 for logistic. */
  nClasses: number;
  /** What was computed: 'value' (logLik only), 'gradient' (also gradient), 'hessian' (all). */
  level: EvaluationLevel;
  /** Σ log-likelihood without the constant term (the binomial/multinomial coefficient). */
  logLik: number;
  /** ∇(−logLik), length nParams; null at level 'value'. */
  gradient: ArrayLike<number> | null;
  /** ∇²(−logLik), nParams x nParams row-major, both triangles; null below level 'hessian'. */
  hessian: ArrayLike<number> | null;
  /** Σ weighted trials (logistic) or counts (softmax); for 0/1 or label data, Σ prior weights. */
  weightSum: number;
  /** Weighted totals per class: [failures, successes] (logistic), per `classes` entry (softmax). */
  classTotals: ArrayLike<number>;
  /** Rows read. */
  nRows: number;
  /** Rows with non-zero weight (R's nobs). */
  nInformative: number;
  /** Σ of the log-likelihood's constant term (0 for 0/1 and label data). */
  logLikConstant: number;
  /** Σ log-likelihood of the saturated model, without the constant. */
  saturatedLogLik: number;
  /** Whether any row had an offset (the null model then needs a fit, not a closed form). */
  hasOffset: boolean;
  /**
   * The smallest positive weighted trials (logistic) or count (softmax) of a row (Infinity when
   * none): the fits divide the statistics by a power of two near it (src/input/weightScale.ts).
   * Optional: without it they use the mean weight. `combine` takes the minimum.
   */
  smallestWeight?: number;
  /**
   * min over rows with tᵢ > 0 of tᵢ · min(pᵢ, 1 − pᵢ) (logistic; tᵢ the weighted trials) or of
   * mᵢ · min_k p_ik (softmax; mᵢ the weighted count): how close the fitted probabilities came to
   * 0 or 1, the symptom of separation the fits check. `combine` takes the minimum. Optional for
   * statistics made elsewhere (then the fits cannot check that symptom).
   */
  smallestWeightedProbability?: number;
  /**
   * Order-independent fingerprint of the rows summed (src/shard/fingerprint.ts): two unsigned
   * 32-bit sums of row hashes; `combine` adds them modulo 2^32. The fits compare it between
   * evaluations to detect a source that does not sum the same rows every time. Optional for
   * statistics made elsewhere (then only the row count and weight total are compared).
   */
  fingerprint?: RowFingerprint;
}

/**
 * A shard's rows checked and in the kernels' form, with the per-row values their fingerprint
 * hashes after X (`extras`: logistic successes, trials and the offset if any; softmax the counts;
 * see src/shard/fingerprint.ts): what `accumulate` sums, and what a streaming fit's separation
 * pass reads (src/stream/).
 */
export type ShardRows =
  | { model: 'logistic'; source: RowSource; intercept: boolean; nParams: number; data: BinomialData; offset: Float64Array | null; extras: RowValues[] }
  | {
    model: 'softmax'; source: RowSource; intercept: boolean; nParams: number; data: MultinomialData;
    /** The offset n x K row-major in `classes` order (classOffset), or null. */
    offset: Float64Array | null; extras: RowValues[];
  };

/** The keys a shard may have, per model, and those of the other model with the reason they do not apply. */
const LOGISTIC_SHARD_KEYS = ['model', 'X', 'y', 'weights', 'offset', 'intercept', 'cluster'] as const;
const SOFTMAX_SHARD_KEYS = ['model', 'X', 'y', 'classes', 'reference', 'weights', 'offset', 'intercept', 'cluster'] as const;
const NOT_LOGISTIC = {
  classes: "a logistic shard has the two outcomes of y; classes belong to a softmax shard (model: 'softmax')",
  reference: "a logistic shard has the two outcomes of y; reference belongs to a softmax shard (model: 'softmax')",
};

/**
 * Checks a shard and puts its rows in the kernels' form (the shard's X is not copied).
 * @throws {SoftlogitError} as {@link accumulate}.
 * @example
 * const rows = readShard({ model: 'logistic', X: [[1], [2]], y: [0, 1] }, 'accumulate');
 * rows.nParams // => 2 (intercept and x1)
 */
export function readShard(shard: Shard, caller: string): ShardRows {
  if (shard === null || typeof shard !== 'object' || Array.isArray(shard) || (shard.model !== 'logistic' && shard.model !== 'softmax')) {
    throw new SoftlogitError(
      'BAD_OPTION',
      `${caller}: a shard should be an object { model: 'logistic' | 'softmax', X, y, … }, got ${shard !== null && typeof shard === 'object' && !Array.isArray(shard) ? `model ${describeValue((shard as { model?: unknown }).model)}` : describeValue(shard)}`,
    );
  }
  if (shard.model === 'logistic') checkOptionKeys(shard, caller, LOGISTIC_SHARD_KEYS, NOT_LOGISTIC);
  else checkOptionKeys(shard, caller, SOFTMAX_SHARD_KEYS);
  const intercept = shard.intercept ?? true;
  if (typeof intercept !== 'boolean') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: shard.intercept should be true or false, got ${describeValue(intercept)}`);
  }
  const source = toRowSource(shard.X, caller);
  const n = source.nRows;
  const p = source.nFeatures + (intercept ? 1 : 0);
  const weights = shard.weights !== undefined ? toRowVector(checkArrayLike(shard.weights, 'weights', caller), n, 'weights', caller) : null;

  if (shard.model === 'logistic') {
    const offset = shard.offset !== undefined ? toRowVector(checkArrayLike(shard.offset, 'offset', caller), n, 'offset', caller) : null;
    const data = toBinomialData(shard.y, n, weights, caller, false);
    const extras = [{ values: data.successes, width: 1 }, { values: data.trials, width: 1 }];
    if (offset !== null) extras.push({ values: offset, width: 1 });
    return { model: 'logistic', source, intercept, nParams: p, data, offset, extras };
  }
  if (!Array.isArray(shard.classes) || shard.classes.length < 2) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: a softmax shard needs classes, every class of the whole data set (at least 2), got ${describeValue(shard.classes)}`);
  }
  const responseOptions: { classes: readonly ClassLabel[]; reference?: ClassLabel; partial: true } = { classes: shard.classes, partial: true };
  if (shard.reference !== undefined) responseOptions.reference = shard.reference;
  const data = toMultinomialData(shard.y, n, weights, responseOptions, caller);
  const K = data.classes.length;
  const offset = shard.offset !== undefined ? classOffset(shard.offset, n, K, caller) : null;
  const extras = [{ values: data.counts, width: K }];
  if (offset !== null) extras.push({ values: offset, width: K });
  return { model: 'softmax', source, intercept, nParams: p * (K - 1), data, offset, extras };
}

function checkArrayLike(values: unknown, what: string, caller: string): ArrayLike<number> {
  if (values === null || typeof values !== 'object' || typeof (values as ArrayLike<number>).length !== 'number') {
    throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: ${what} should be an array with one number per row, got ${describeValue(values)}`);
  }
  return values as ArrayLike<number>;
}

/**
 * The map step: copies the shard into WebAssembly memory, makes one kernel pass at
 * `coefficients` and returns the sums (the shard's memory is released before returning).
 *
 * logLik = Σᵢ [sᵢ log pᵢ + (tᵢ − sᵢ) log(1 − pᵢ)] (logistic) or Σᵢ Σ_k y_ik log p_ik (softmax),
 * gradient = −Xᵀ(s − t p), hessian = Xᵀ diag(t p(1 − p)) X (blockwise for softmax); also the
 * smallest tᵢ min(pᵢ, 1 − pᵢ) (the separation symptom) and the rows' fingerprint.
 * Cost: O(n p) for 'value', O(n p²) (softmax O(n p² K²/2)) for 'hessian'; memory: the shard once.
 *
 * @param coefficients as the fit reports them: (Intercept) first, then one per column of X;
 *   softmax: the K − 1 free columns (non-reference classes in order), class-major
 * @param level how much to compute (default 'hessian')
 * @throws {SoftlogitError} `NOT_INITIALIZED`, the input errors of fitLogistic / fitSoftmax (not
 *   ONE_CLASS or EMPTY_CLASS: a shard may hold a single class), `LENGTH_MISMATCH` for coefficients
 *   of the wrong length, `BAD_OPTION` for an unknown shard key or level.
 * @example
 * await init();
 * const stats = accumulate({ model: 'logistic', X: [[1], [2], [3]], y: [0, 1, 1] }, [0, 0]);
 * stats.gradient // => Float64Array [-0.5, -2]  (= −Σ (y − ½) (1, x))
 */
export function accumulate(shard: Shard, coefficients: ArrayLike<number>, level: EvaluationLevel = 'hessian'): ShardStatistics {
  const caller = 'accumulate';
  const runtime = getRuntime(caller);
  if (level !== 'value' && level !== 'gradient' && level !== 'hessian') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: level should be 'value', 'gradient' or 'hessian', got ${describeValue(level)}`);
  }
  const rows = readShard(shard, caller);
  const { source, intercept } = rows;
  const n = source.nRows;
  const coef = checkCoefficients(coefficients, rows.nParams, caller);

  // The fingerprint is hashed from the copy's staging blocks as they pass (X is read once).
  const hasher = new RowHasher(runtime, source.nFeatures, n, rows.extras, caller);
  let fingerprint: RowFingerprint;
  let design: DesignBuffer;
  try {
    design = DesignBuffer.copy(runtime, source, intercept, caller, undefined, hasher.hashBlock);
    fingerprint = hasher.result();
  } finally {
    hasher.free();
  }

  if (rows.model === 'logistic') {
    const { data, offset } = rows;
    let objective: LogisticObjective | undefined;
    try {
      objective = new LogisticObjective({ design, successes: data.successes, trials: data.trials, offset, l2: 0, interceptIndex: intercept ? 0 : -1 });
      const value = objective.evaluate(coef, level);
      let successes = 0;
      let trials = 0;
      for (let i = 0; i < n; i++) {
        successes += data.successes[i]!;
        trials += data.trials[i]!;
      }
      return {
        model: 'logistic', nParams: rows.nParams, nClasses: 2, level,
        logLik: -value,
        gradient: level === 'value' ? null : objective.gradient().slice(),
        hessian: level === 'hessian' ? objective.hessian() : null,
        weightSum: trials,
        classTotals: Float64Array.of(trials - successes, successes),
        nRows: n, nInformative: data.nInformative,
        logLikConstant: data.logLikConstant, saturatedLogLik: data.saturatedLogLik,
        hasOffset: offset !== null,
        smallestWeight: data.nInformative > 0 ? data.minTrials : Infinity,
        smallestWeightedProbability: smallestWeightedTail(objective.linearPredictorView(), data.trials),
        fingerprint,
      };
    } finally {
      objective?.dispose();
      design.free();
    }
  }

  const { data, offset } = rows;
  const K = data.classes.length;
  let objective: SoftmaxObjective | undefined;
  try {
    const kernelOffset = offset ? referenceFormOffset(offset, n, data.internalOrder, design.nRowsPadded) : null;
    objective = new SoftmaxObjective({ design, nClasses: K, counts: data.counts, l2: 0, interceptIndex: intercept ? 0 : -1, offset: kernelOffset });
    const value = objective.evaluate(coef, level);
    let weightSum = 0;
    for (const t of data.classTotals) weightSum += t;
    return {
      model: 'softmax', nParams: rows.nParams, nClasses: K, level,
      logLik: -value,
      gradient: level === 'value' ? null : objective.gradient().slice(),
      hessian: level === 'hessian' ? objective.hessian() : null,
      weightSum,
      classTotals: data.classTotals.slice(),
      nRows: n, nInformative: data.nInformative,
      logLikConstant: data.logLikConstant, saturatedLogLik: data.saturatedLogLik,
      hasOffset: offset !== null,
      smallestWeight: smallestPositive(data.counts),
      smallestWeightedProbability: objective.smallestWeightedProbability(),
      fingerprint,
    };
  } finally {
    objective?.dispose();
    design.free();
  }
}

/**
 * min over rows with tᵢ > 0 of tᵢ min(pᵢ, 1 − pᵢ), with min(p, 1 − p) = σ(−|η|) computed as
 * e^−|η| / (1 + e^−|η|) (no cancellation; it may underflow to 0, which is ≤ any threshold).
 */
function smallestWeightedTail(eta: Float64Array, trials: Float64Array): number {
  let smallest = Infinity;
  for (let i = 0; i < trials.length; i++) {
    const t = trials[i]!;
    if (!(t > 0)) continue;
    const z = Math.exp(-Math.abs(eta[i]!));
    const tail = (t * z) / (1 + z);
    if (tail < smallest) smallest = tail;
  }
  return smallest;
}

function checkCoefficients(coefficients: ArrayLike<number>, nParams: number, caller: string): Float64Array {
  if (coefficients === null || typeof coefficients !== 'object' || coefficients.length !== nParams) {
    throw new SoftlogitError(
      'LENGTH_MISMATCH',
      `${caller}: coefficients should hold ${nParams} values for this shard, got ${typeof (coefficients as ArrayLike<number> | null)?.length === 'number' ? `${coefficients.length} values` : describeValue(coefficients)}`,
    );
  }
  const out = Float64Array.from(coefficients);
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new SoftlogitError('NON_FINITE', `${caller}: coefficients must be finite, got ${out[bad]} at ${bad}`);
  return out;
}

const LEVEL_RANK: Record<EvaluationLevel, number> = { value: 0, gradient: 1, hessian: 2 };

/**
 * Checks that `value` has the shape of ShardStatistics (as accumulate makes them), so that
 * combine and the fits never read a field of null or add a string.
 * @throws {SoftlogitError} `BAD_STATISTICS` naming the first field that is missing or wrong.
 * @example
 * checkShardStatistics(null, 'combine', 'argument b') // throws BAD_STATISTICS "combine: argument b should be shard statistics …, got null"
 */
export function checkShardStatistics(value: unknown, caller: string, what: string): ShardStatistics {
  const bad = (field: string, expected: string, got: unknown): never => {
    throw new SoftlogitError(
      'BAD_STATISTICS',
      `${caller}: ${what} should be shard statistics (from accumulate or combine) with ${field} ${expected}, got ${describeValue(got)}`,
      { field },
    );
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SoftlogitError('BAD_STATISTICS', `${caller}: ${what} should be shard statistics (from accumulate or combine), got ${describeValue(value)}`);
  }
  const s = value as Record<string, unknown>;
  if (s.model !== 'logistic' && s.model !== 'softmax') bad('model', "'logistic' or 'softmax'", s.model);
  if (!Number.isInteger(s.nParams) || (s.nParams as number) < 1) bad('nParams', 'a positive integer', s.nParams);
  if (!Number.isInteger(s.nClasses) || (s.nClasses as number) < 2) bad('nClasses', 'an integer ≥ 2', s.nClasses);
  if (s.level !== 'value' && s.level !== 'gradient' && s.level !== 'hessian') bad('level', "'value', 'gradient' or 'hessian'", s.level);
  const nParams = s.nParams as number;
  const level = s.level as EvaluationLevel;
  const isArray = (v: unknown, length: number) =>
    v !== null && typeof v === 'object' && typeof (v as ArrayLike<number>).length === 'number' && (v as ArrayLike<number>).length === length;
  if (level !== 'value' && !isArray(s.gradient, nParams)) bad('gradient', `an array of ${nParams} numbers (level '${level}')`, s.gradient);
  if (level === 'hessian' && !isArray(s.hessian, nParams * nParams)) bad('hessian', `an array of ${nParams * nParams} numbers (level 'hessian')`, s.hessian);
  if (!isArray(s.classTotals, s.nClasses as number)) bad('classTotals', `an array of ${String(s.nClasses)} numbers`, s.classTotals);
  for (const field of ['logLik', 'weightSum', 'logLikConstant', 'saturatedLogLik'] as const) {
    if (typeof s[field] !== 'number') bad(field, 'a number', s[field]);
  }
  for (const field of ['nRows', 'nInformative'] as const) {
    if (!Number.isInteger(s[field]) || (s[field] as number) < 0) bad(field, 'an integer ≥ 0', s[field]);
  }
  if (typeof s.hasOffset !== 'boolean') bad('hasOffset', 'true or false', s.hasOffset);
  // null: JSON's rendering of Infinity (a shard whose rows all have weight 0), read as unknown.
  if (s.smallestWeight !== undefined && s.smallestWeight !== null && typeof s.smallestWeight !== 'number') {
    bad('smallestWeight', 'a number (or absent)', s.smallestWeight);
  }
  if (s.smallestWeightedProbability !== undefined && s.smallestWeightedProbability !== null && typeof s.smallestWeightedProbability !== 'number') {
    bad('smallestWeightedProbability', 'a number (or absent)', s.smallestWeightedProbability);
  }
  if (s.fingerprint !== undefined && !isFingerprint(s.fingerprint)) {
    bad('fingerprint', 'two unsigned 32-bit integers (or absent)', s.fingerprint);
  }
  return value as ShardStatistics;
}

/**
 * The reduce step: the sums of two shards' statistics (same model, coefficients and shape). The
 * level is the lower of the two. Associative and commutative up to floating-point rounding (the
 * fingerprint and the counts exactly).
 * @throws {SoftlogitError} `BAD_STATISTICS` when an argument is not shard statistics,
 *   `LENGTH_MISMATCH` when the statistics belong to different models.
 * @example
 * const all = combine(accumulate(shardA, coefficients), accumulate(shardB, coefficients));
 * all.nRows // => shardA's rows + shardB's rows
 */
export function combine(a: ShardStatistics, b: ShardStatistics): ShardStatistics {
  checkShardStatistics(a, 'combine', 'argument a');
  checkShardStatistics(b, 'combine', 'argument b');
  return combineChecked(a, b);
}

function combineChecked(a: ShardStatistics, b: ShardStatistics): ShardStatistics {
  if (a.model !== b.model || a.nParams !== b.nParams || a.nClasses !== b.nClasses) {
    throw new SoftlogitError(
      'LENGTH_MISMATCH',
      `combine: statistics of different models (${a.model}, ${a.nParams} coefficients, ${a.nClasses} classes vs ${b.model}, ${b.nParams}, ${b.nClasses}); every shard needs the same columns, intercept and classes`,
    );
  }
  const level = LEVEL_RANK[a.level] <= LEVEL_RANK[b.level] ? a.level : b.level;
  const sum: ShardStatistics = {
    model: a.model, nParams: a.nParams, nClasses: a.nClasses, level,
    logLik: a.logLik + b.logLik,
    gradient: level === 'value' ? null : addArrays(a.gradient!, b.gradient!),
    hessian: level === 'hessian' ? addArrays(a.hessian!, b.hessian!) : null,
    weightSum: a.weightSum + b.weightSum,
    classTotals: addArrays(a.classTotals, b.classTotals),
    nRows: a.nRows + b.nRows,
    nInformative: a.nInformative + b.nInformative,
    logLikConstant: a.logLikConstant + b.logLikConstant,
    saturatedLogLik: a.saturatedLogLik + b.saturatedLogLik,
    hasOffset: a.hasOffset || b.hasOffset,
  };
  // Symptom and fingerprint only when both sides carry them (a part without them makes them unknown).
  if (typeof a.smallestWeightedProbability === 'number' && typeof b.smallestWeightedProbability === 'number') {
    sum.smallestWeightedProbability = Math.min(a.smallestWeightedProbability, b.smallestWeightedProbability);
  }
  if (a.fingerprint !== undefined && b.fingerprint !== undefined) sum.fingerprint = addFingerprints(a.fingerprint, b.fingerprint);
  if (a.smallestWeight !== undefined && b.smallestWeight !== undefined) sum.smallestWeight = smallerWeight(a.smallestWeight, b.smallestWeight);
  return sum;
}

/** The smaller of two `smallestWeight`s; null (Infinity after a trip through JSON) or 0 counts as none. */
function smallerWeight(a: number | null, b: number | null): number {
  const x = typeof a === 'number' && a > 0 ? a : Infinity;
  const y = typeof b === 'number' && b > 0 ? b : Infinity;
  return Math.min(x, y);
}

/**
 * `combine` over a list (left to right).
 * @throws {SoftlogitError} `BAD_STATISTICS` when the argument is not an array of shard
 *   statistics, `EMPTY_INPUT` for an empty list, `LENGTH_MISMATCH` as combine.
 * @example
 * const all = combineAll(shards.map((shard) => accumulate(shard, coefficients)));
 */
export function combineAll(statistics: readonly ShardStatistics[]): ShardStatistics {
  if (!Array.isArray(statistics)) {
    throw new SoftlogitError('BAD_STATISTICS', `combineAll: expected an array of shard statistics, got ${describeValue(statistics)}`);
  }
  if (statistics.length === 0) throw new SoftlogitError('EMPTY_INPUT', 'combineAll: no statistics to combine');
  statistics.forEach((s, i) => checkShardStatistics(s, 'combineAll', `element ${i}`));
  return statistics.reduce(combineChecked);
}

function addArrays(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  if (x.length !== y.length) throw new SoftlogitError('LENGTH_MISMATCH', `combine: arrays of lengths ${x.length} and ${y.length}`);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! + y[i]!;
  return out;
}
