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
import { smallestPositive } from '../input/weightScale.js';
import { SoftlogitError } from '../errors.js';
import { toBinomialData, type BinaryResponse } from '../input/binaryResponse.js';
import { toRowSource, toRowVector, type DesignInput } from '../input/design.js';
import { toMultinomialData, type ClassLabel, type MultinomialResponse } from '../input/softmaxResponse.js';
import { LogisticObjective } from '../objective/logistic.js';
import { SoftmaxObjective } from '../objective/softmax.js';
import type { EvaluationLevel } from '../objective/types.js';
import { DesignBuffer } from '../wasm/design.js';
import { getRuntime } from '../wasm/module.js';

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
  intercept?: boolean;
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
   * Optional: without it they use the mean weight.
   */
  smallestWeight?: number;
}

/**
 * The map step: copies the shard into WebAssembly memory, makes one kernel pass at
 * `coefficients` and returns the sums (the shard's memory is released before returning).
 *
 * logLik = Σᵢ [sᵢ log pᵢ + (tᵢ − sᵢ) log(1 − pᵢ)] (logistic) or Σᵢ Σ_k y_ik log p_ik (softmax),
 * gradient = −Xᵀ(s − t p), hessian = Xᵀ diag(t p(1 − p)) X (blockwise for softmax).
 * Cost: O(n p) for 'value', O(n p²) (softmax O(n p² K²/2)) for 'hessian'; memory: the shard once.
 *
 * @param coefficients as the fit reports them: (Intercept) first, then one per column of X;
 *   softmax: the K − 1 free columns (non-reference classes in order), class-major
 * @param level how much to compute (default 'hessian')
 * @throws {SoftlogitError} `NOT_INITIALIZED`, the input errors of fitLogistic / fitSoftmax (not
 *   ONE_CLASS or EMPTY_CLASS: a shard may hold a single class), `LENGTH_MISMATCH` for coefficients
 *   of the wrong length.
 * @example
 * await init();
 * const stats = accumulate({ model: 'logistic', X: [[1], [2], [3]], y: [0, 1, 1] }, [0, 0]);
 * stats.gradient // => Float64Array [-0.5, -2]  (= −Σ (y − ½) (1, x))
 */
export function accumulate(shard: Shard, coefficients: ArrayLike<number>, level: EvaluationLevel = 'hessian'): ShardStatistics {
  const caller = 'accumulate';
  const runtime = getRuntime(caller);
  if (shard === null || typeof shard !== 'object' || (shard.model !== 'logistic' && shard.model !== 'softmax')) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: shard.model should be 'logistic' or 'softmax', got ${String((shard as { model?: unknown } | null)?.model)}`);
  }
  if (level !== 'value' && level !== 'gradient' && level !== 'hessian') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: level should be 'value', 'gradient' or 'hessian', got ${String(level)}`);
  }
  const intercept = shard.intercept ?? true;
  const source = toRowSource(shard.X, caller);
  const n = source.nRows;
  const p = source.nFeatures + (intercept ? 1 : 0);
  const weights = shard.weights !== undefined ? toRowVector(shard.weights, n, 'weights', caller) : null;

  if (shard.model === 'logistic') {
    const offset = shard.offset !== undefined ? toRowVector(shard.offset, n, 'offset', caller) : null;
    const data = toBinomialData(shard.y, n, weights, caller, false);
    const coef = checkCoefficients(coefficients, p, caller);
    const design = DesignBuffer.copy(runtime, source, intercept, caller);
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
        model: 'logistic', nParams: p, nClasses: 2, level,
        logLik: -value,
        gradient: level === 'value' ? null : objective.gradient().slice(),
        hessian: level === 'hessian' ? objective.hessian() : null,
        weightSum: trials,
        classTotals: Float64Array.of(trials - successes, successes),
        nRows: n, nInformative: data.nInformative,
        logLikConstant: data.logLikConstant, saturatedLogLik: data.saturatedLogLik,
        hasOffset: offset !== null,
        smallestWeight: data.nInformative > 0 ? data.minTrials : Infinity,
      };
    } finally {
      objective?.dispose();
      design.free();
    }
  }

  if (!Array.isArray(shard.classes) || shard.classes.length < 2) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: a softmax shard needs classes, every class of the whole data set (at least 2), got ${JSON.stringify(shard.classes)}`);
  }
  const responseOptions: { classes: readonly ClassLabel[]; reference?: ClassLabel; partial: true } = { classes: shard.classes, partial: true };
  if (shard.reference !== undefined) responseOptions.reference = shard.reference;
  const data = toMultinomialData(shard.y, n, weights, responseOptions, caller);
  const K = data.classes.length;
  const coef = checkCoefficients(coefficients, p * (K - 1), caller);
  const design = DesignBuffer.copy(runtime, source, intercept, caller);
  let objective: SoftmaxObjective | undefined;
  try {
    objective = new SoftmaxObjective({ design, nClasses: K, counts: data.counts, l2: 0, interceptIndex: intercept ? 0 : -1 });
    const value = objective.evaluate(coef, level);
    let weightSum = 0;
    for (const t of data.classTotals) weightSum += t;
    return {
      model: 'softmax', nParams: p * (K - 1), nClasses: K, level,
      logLik: -value,
      gradient: level === 'value' ? null : objective.gradient().slice(),
      hessian: level === 'hessian' ? objective.hessian() : null,
      weightSum,
      classTotals: data.classTotals.slice(),
      nRows: n, nInformative: data.nInformative,
      logLikConstant: data.logLikConstant, saturatedLogLik: data.saturatedLogLik,
      hasOffset: false,
      smallestWeight: smallestPositive(data.counts),
    };
  } finally {
    objective?.dispose();
    design.free();
  }
}

function checkCoefficients(coefficients: ArrayLike<number>, nParams: number, caller: string): Float64Array {
  if (coefficients === null || typeof coefficients !== 'object' || coefficients.length !== nParams) {
    throw new SoftlogitError(
      'LENGTH_MISMATCH',
      `${caller}: coefficients should hold ${nParams} values for this shard, got ${(coefficients as ArrayLike<number> | null)?.length ?? String(coefficients)}`,
    );
  }
  const out = Float64Array.from(coefficients);
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new SoftlogitError('NON_FINITE', `${caller}: coefficients must be finite, got ${out[bad]} at ${bad}`);
  return out;
}

const LEVEL_RANK: Record<EvaluationLevel, number> = { value: 0, gradient: 1, hessian: 2 };

/**
 * The reduce step: the sums of two shards' statistics (same model, coefficients and shape). The
 * level is the lower of the two. Associative and commutative up to floating-point rounding.
 * @throws {SoftlogitError} `LENGTH_MISMATCH` when the statistics belong to different models.
 */
export function combine(a: ShardStatistics, b: ShardStatistics): ShardStatistics {
  if (a.model !== b.model || a.nParams !== b.nParams || a.nClasses !== b.nClasses) {
    throw new SoftlogitError(
      'LENGTH_MISMATCH',
      `combine: statistics of different models (${a.model}, ${a.nParams} coefficients, ${a.nClasses} classes vs ${b.model}, ${b.nParams}, ${b.nClasses}); every shard needs the same columns, intercept and classes`,
    );
  }
  const level = LEVEL_RANK[a.level] <= LEVEL_RANK[b.level] ? a.level : b.level;
  return {
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
    ...(a.smallestWeight !== undefined && b.smallestWeight !== undefined ? { smallestWeight: smallerWeight(a.smallestWeight, b.smallestWeight) } : {}),
  };
}

/** The smaller of two `smallestWeight`s; null (Infinity after a trip through JSON) or 0 counts as none. */
function smallerWeight(a: number | null, b: number | null): number {
  const x = typeof a === 'number' && a > 0 ? a : Infinity;
  const y = typeof b === 'number' && b > 0 ? b : Infinity;
  return Math.min(x, y);
}

/** `combine` over a list (left to right). @throws {SoftlogitError} `EMPTY_INPUT` for an empty list. */
export function combineAll(statistics: readonly ShardStatistics[]): ShardStatistics {
  if (statistics.length === 0) throw new SoftlogitError('EMPTY_INPUT', 'combineAll: no statistics to combine');
  return statistics.reduce(combine);
}

function addArrays(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  if (x.length !== y.length) throw new SoftlogitError('LENGTH_MISMATCH', `combine: arrays of lengths ${x.length} and ${y.length}`);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! + y[i]!;
  return out;
}
