// The reduce-and-solve side of a sharded fit: Newton's method with step halving (the same steps
// as fitLogistic / fitSoftmax, src/solver/newton.ts) on statistics that something else sums over
// the shards — a loop over the batches of a file (src/stream/), a cluster's tree aggregation,
// several processes. Each evaluation asks for the statistics of every row at given coefficients.
import { SoftlogitError } from '../errors.js';
import type { SeparationResult } from '../diagnostics/separation.js';
import { fitCounts } from '../inference.js';
import { checkOptionKeys, describeValue } from '../input/optionKeys.js';
import { reportExactSeparation, separationThreshold, type FitSeparation } from '../remedies/separation.js';
import { xlogx } from '../input/binaryResponse.js';
import { featureNames, numberOption } from '../input/design.js';
import { LogisticFit } from '../models/logisticFit.js';
import {
  collinearError, convergenceWarning, newtonOptions, parameterizationOption, resolveOptions, type CommonFitOptions, type ResolvedOptions,
} from '../input/options.js';
import { SoftmaxFit, type Parameterization } from '../models/softmaxFit.js';
import type { ClassLabel } from '../input/softmaxResponse.js';
import { logisticPenalty } from '../objective/logistic.js';
import { softmaxPenalty } from '../objective/softmax.js';
import { SystemObjective } from '../objective/base.js';
import { NewtonSystem, type RidgePenalty } from '../objective/system.js';
import type { AsyncObjective, EvaluationLevel, NewtonDirection } from '../objective/types.js';
import { newtonAsync, type NewtonOptions, type NewtonResult } from '../solver/newton.js';
import { getRuntime, type SoftlogitRuntime } from '../wasm/module.js';
import { SourceGuard } from './guard.js';
import { separationSuspected, separationSymptoms, symptomWarning } from './separation.js';
import { checkShardStatistics, type ShardStatistics } from './statistics.js';
import { checkScoreStatistics, ScoreSums, type SandwichMeat, type ScoreStatistics } from './scores.js';
import { finishSandwich, type CovarianceType } from '../inference/robust.js';
import { unscaledProgress, weightScale } from '../input/weightScale.js';
import { choleskyInPlace, solveLowerInPlace, solveLowerTransposedInPlace } from '../matrix.js';

/**
 * Statistics of all rows at `coefficients`, computed to at least `level`: typically
 * `combineAll(await Promise.all(shards.map((s) => accumulate(s, coefficients, level))))`, run
 * wherever the shards live. Called once per pass over the data (about 2 + iterations times).
 */
export type StatisticsSource = (coefficients: Float64Array, level: EvaluationLevel) => ShardStatistics | Promise<ShardStatistics>;

/**
 * Score sums of all rows at `coefficients` (the estimate), for a sandwich covariance: typically
 * `shards.map((s) => accumulateScores(s, coefficients)).reduce(combineScores)`. Called once, after
 * Newton has converged.
 */
export type ScoreSource = (coefficients: Float64Array) => ScoreStatistics | Promise<ScoreStatistics>;

/** Options of a fit from statistics: those of fitLogistic without the per-row ones, plus the shape. */
export interface StatisticsFitOptions extends Omit<CommonFitOptions, 'weights' | 'threads'> {
  /** Columns of X (without the intercept). */
  nFeatures: number;
  /**
   * 'model' (default) the inverse information; 'HC0' / 'HC1' the sandwich of the in-memory fits
   * (R sandwich::vcovHC), cluster-robust (vcovCL) when the shards carry `cluster` labels. Needs
   * `scores` (one more round over the shards, at the estimate).
   */
  covariance?: CovarianceType;
  /** Where the score sums for covariance 'HC0' / 'HC1' come from (see ScoreSource). */
  scores?: ScoreSource;
}

export interface SoftmaxStatisticsFitOptions extends StatisticsFitOptions {
  /** Every class, in order, as the shards' `classes`. */
  classes: readonly ClassLabel[];
  /** The reference class, as the shards' `reference` (default the first class). */
  reference?: ClassLabel;
  /** How coefficients are reported (default 'reference'). */
  parameterization?: Parameterization;
}

/** One read of the source, checked (shape, finiteness, same rows as the first read). */
type StatisticsReader = (coefficients: Float64Array, level: EvaluationLevel) => Promise<ShardStatistics>;

function reader(
  source: StatisticsSource, expected: { model: 'logistic' | 'softmax'; nClasses: number }, nParams: number, guard: SourceGuard, caller: string,
): StatisticsReader {
  return async (coefficients, level) => {
    const stats = checkStatistics(await source(Float64Array.from(coefficients), level), expected, nParams, level, caller);
    guard.observe(stats);
    return stats;
  };
}

/**
 * f / scale, f = −logLik + penalty, on statistics from a StatisticsSource; the Newton system in
 * WASM. `scale` is `statisticsScale` of the totals (the penalty given to it already divided by it):
 * the statistics are divided by it as they come, as fitLogistic divides the weights. `last` and
 * `startHessian` keep the statistics as the source gave them.
 */
class StatisticsObjective extends SystemObjective implements AsyncObjective {
  /** The statistics of the last evaluation (the returned point, once Newton is done). */
  last: ShardStatistics | null = null;
  /** The Hessian of the first 'hessian' evaluation (the start point). */
  startHessian: ArrayLike<number> | null = null;

  constructor(
    runtime: SoftlogitRuntime,
    private readonly read: StatisticsReader,
    nBlocks: number,
    nCols: number,
    penalty: RidgePenalty | null,
    private readonly scale: number,
  ) {
    super(new NewtonSystem(runtime, nBlocks, nCols, nCols, penalty));
  }

  async evaluate(coefficients: Float64Array, level: EvaluationLevel): Promise<number> {
    const stats = await this.read(coefficients, level);
    this.last = stats;
    if (level === 'hessian' && this.startHessian === null) this.startHessian = stats.hessian;
    this.system.setCoefficients(coefficients);
    const c = this.scale;
    const divided = (values: ArrayLike<number>) => (c === 1 ? values : Float64Array.from(values, (v) => v / c));
    if (level !== 'value') this.system.loadStatistics(divided(stats.gradient!), level === 'hessian' ? divided(stats.hessian!) : null);
    return -stats.logLik / c + this.system.penaltyValue();
  }
}

/** The power of two the statistics are divided by (src/input/weightScale.ts): near the smallest weight, or the mean when the source does not say. */
function statisticsScale(totals: ShardStatistics): number {
  const reported = totals.smallestWeight;
  const smallest = typeof reported === 'number' && reported > 0 && Number.isFinite(reported) ? reported : totals.weightSum / Math.max(1, totals.nInformative);
  return weightScale(smallest, totals.weightSum);
}

/** The covariance of the solved (divided) problem for the statistics as given: divided by `scale` too. */
function dividedCovariance(covariance: Float64Array, scale: number): Float64Array {
  if (scale !== 1) for (let i = 0; i < covariance.length; i++) covariance[i] = covariance[i]! / scale;
  return covariance;
}

const LEVEL_RANK: Record<EvaluationLevel, number> = { value: 0, gradient: 1, hessian: 2 };

function checkStatistics(
  value: unknown, expected: { model: string; nClasses: number }, nParams: number, level: EvaluationLevel, caller: string,
): ShardStatistics {
  const stats = checkShardStatistics(value, caller, 'what the statistics source returned');
  if (stats.model !== expected.model || stats.nParams !== nParams || stats.nClasses !== expected.nClasses) {
    throw new SoftlogitError(
      'LENGTH_MISMATCH',
      `${caller}: the statistics source should return ${expected.model} statistics for ${nParams} coefficients and ${expected.nClasses} classes, ` +
        `got ${stats.model} statistics for ${stats.nParams} coefficients and ${stats.nClasses} classes`,
    );
  }
  if (LEVEL_RANK[stats.level] < LEVEL_RANK[level]) {
    throw new SoftlogitError('BAD_STATISTICS', `${caller}: the statistics source was asked for level '${level}' and returned level '${stats.level}'`);
  }
  if (!Number.isFinite(stats.logLik)) {
    throw new SoftlogitError('NON_FINITE', `${caller}: the statistics source returned logLik = ${stats.logLik}`);
  }
  const arrays: Array<[string, ArrayLike<number> | null]> = [['classTotals', stats.classTotals]];
  if (level !== 'value') arrays.push(['gradient', stats.gradient]);
  if (level === 'hessian') arrays.push(['hessian', stats.hessian]);
  for (const [name, values] of arrays) {
    for (let i = 0; i < values!.length; i++) {
      const v = values![i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new SoftlogitError('NON_FINITE', `${caller}: the statistics source returned a ${name} with ${describeValue(v)} at index ${i}; every entry must be a finite number`, { field: name, index: i });
      }
    }
  }
  for (const name of ['weightSum', 'logLikConstant', 'saturatedLogLik'] as const) {
    if (!Number.isFinite(stats[name])) throw new SoftlogitError('NON_FINITE', `${caller}: the statistics source returned ${name} = ${stats[name]}`);
  }
  return stats;
}

/** Options of the statistics fits besides those of every fit (the shape of the statistics). */
const STATISTICS_KEYS = ['nFeatures', 'intercept', 'names', 'maxIter', 'tol', 'l2', 'onIteration', 'onWarning', 'singular', 'covariance', 'scores'] as const;
const SOFTMAX_KEYS = ['classes', 'reference', 'parameterization'] as const;

/** Why the options of the in-memory fits that are missing here cannot be honoured on summed statistics. * @example
 * checkOptionKeys(options, 'fitLogisticStream', keys, notOnSums('stream', true))
 * // { firth: true } → BAD_OPTION "option 'firth' is not supported here: Firth's bias reduction needs …"
 */
export function notOnSums(where: 'stream' | 'statistics', logistic: boolean): Record<string, string> {
  const rows = where === 'stream' ? 'each batch' : "each shard (accumulate's shard)";
  return {
    cluster: where === 'stream'
      ? "cluster labels are per row: give them in each batch as `cluster`, with covariance 'HC0' or 'HC1'"
      : "cluster labels are per row: give them in each shard as `cluster`, with covariance 'HC0' or 'HC1' and `scores` (accumulateScores)",
    weights: `weights are per row: give them in ${rows} as \`weights\``,
    offset: `offsets are per row: give them in ${rows} as \`offset\`${logistic ? '' : ' (rows of K numbers, one per class, or { perClass })'}`,
    threads: where === 'stream'
      ? 'a stream is read one batch at a time on the calling thread; to use several cores, split the rows into shards and run accumulate in workers (fitLogisticFromStatistics)'
      : 'the statistics source decides where the rows are summed (workers, processes); run accumulate there',
    firth: logistic
      ? "Firth's bias reduction needs every row's hat value at every iteration, which summed gradients and Hessians do not carry; " +
        'fit in memory with fitLogistic(X, y, { firth: true }), or use l2 > 0 for finite estimates on separated data'
      : "Firth's bias reduction is implemented for the binary logistic model only (fitLogistic)",
  };
}

/**
 * The `singular` option where only 'error' can be honoured: dropping an aliased column means
 * summing statistics without it, which only the source can do.
 * @example
 * checkSingularOnSums('error', 'fitLogisticStream', 'stream') // accepted
 * checkSingularOnSums('drop', 'fitLogisticStream', 'stream') // throws BAD_OPTION with the reason
 */
export function checkSingularOnSums(value: unknown, caller: string, where: 'stream' | 'statistics'): void {
  if (value === undefined || value === 'error') return;
  if (value === 'drop') {
    throw new SoftlogitError(
      'BAD_OPTION',
      `${caller}: option singular: 'drop' is not supported here: dropping an aliased column means summing the statistics without it, and ` +
        `the ${where === 'stream' ? 'batches hold' : 'statistics source sums'} every column; remove the column that COLLINEAR names from the ${where === 'stream' ? 'batches' : 'shards'} instead`,
      { option: 'singular' },
    );
  }
  throw new SoftlogitError('BAD_OPTION', `${caller}: option singular should be 'error' (the only mode here), got ${describeValue(value)}`);
}

/**
 * Checks that callback options are functions (resolveOptions would call whatever it is given, a
 * TypeError in the middle of the fit).
 * @throws {SoftlogitError} `BAD_OPTION` naming the option.
 * @example
 * checkCallbacks({ onWarning: 'log' }, 'fitLogisticStream', ['onWarning']) // throws BAD_OPTION
 */
export function checkCallbacks(options: object, caller: string, keys: readonly string[]): void {
  for (const key of keys) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined && typeof value !== 'function') {
      throw new SoftlogitError('BAD_OPTION', `${caller}: option ${key} should be a function, got ${describeValue(value)}`, { option: key });
    }
  }
}

/**
 * Checks that numeric options are numbers before their ranges are checked, so that the message
 * describes any value (an object whose toString is not callable included).
 * @throws {SoftlogitError} `BAD_OPTION` naming the option.
 * @example
 * checkNumbers({ maxIter: '10' }, 'fitLogisticStream', ['maxIter']) // throws BAD_OPTION "… got '10' (string)"
 */
export function checkNumbers(options: object, caller: string, keys: readonly string[]): void {
  for (const key of keys) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined && typeof value !== 'number') {
      throw new SoftlogitError('BAD_OPTION', `${caller}: option ${key} should be a number, got ${describeValue(value)}`, { option: key });
    }
  }
}

/**
 * Checks the options whose messages elsewhere would print the value as it is (intercept,
 * parameterization, names): any value is described safely here first.
 * @throws {SoftlogitError} `BAD_OPTION` naming the option.
 * @example
 * checkPlainValues({ intercept: 'yes' }, 'fitLogisticStream') // throws BAD_OPTION "… got 'yes' (string)"
 */
export function checkPlainValues(options: object, caller: string): void {
  const o = options as Record<string, unknown>;
  if (o.intercept !== undefined && typeof o.intercept !== 'boolean') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: option intercept should be true or false, got ${describeValue(o.intercept)}`, { option: 'intercept' });
  }
  if (o.parameterization !== undefined && o.parameterization !== 'reference' && o.parameterization !== 'symmetric') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: option parameterization should be 'reference' or 'symmetric', got ${describeValue(o.parameterization)}`, { option: 'parameterization' });
  }
  if (o.names !== undefined && !(Array.isArray(o.names) && o.names.every((name) => typeof name === 'string' || (typeof name === 'number' && Number.isFinite(name))))) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: option names should be an array of strings (or numbers), one per column of X, got ${describeValue(o.names)}`, { option: 'names' });
  }
}

/** The options both fits share, checked, and the solver options made of them. */
function prepare(options: StatisticsFitOptions, caller: string, toDeviance: (value: number) => number, logistic: boolean, hooks: FitHooks) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: options should be an object with nFeatures, got ${describeValue(options)}`);
  }
  if (!hooks.optionsChecked) {
    checkOptionKeys(options, caller, logistic ? STATISTICS_KEYS : [...STATISTICS_KEYS, ...SOFTMAX_KEYS], notOnSums('statistics', logistic));
    checkSingularOnSums(options.singular, caller, 'statistics');
    checkCallbacks(options, caller, ['onIteration', 'onWarning']);
    checkNumbers(options, caller, ['nFeatures', 'maxIter', 'tol', 'l2']);
    checkPlainValues(options, caller);
  }
  const resolved = resolveOptions(options, caller, toDeviance);
  const nFeatures = numberOption(options.nFeatures, Number.NaN, 'nFeatures', 0, 2 ** 31, caller);
  if (!Number.isInteger(nFeatures)) throw new SoftlogitError('BAD_OPTION', `${caller}: option nFeatures (columns of X) is required, an integer ≥ 0, got ${describeValue(options.nFeatures)}`);
  if (options.names !== undefined && !Array.isArray(options.names)) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: option names should be an array of ${nFeatures} names, got ${describeValue(options.names)}`);
  }
  const names = featureNames(options.names, nFeatures, resolved.intercept, caller);
  if (names.length === 0) throw new SoftlogitError('BAD_SHAPE', `${caller}: the model has no coefficients (nFeatures is 0 and intercept is false)`);
  return { resolved, names, solverOptions: newtonOptions(resolved), sandwich: sandwichPlan(options, resolved.l2, logistic, caller, hooks) };
}

/** How a fit gets its sandwich: the type and the meat at the estimate, or null for the model covariance. */
interface SandwichPlan {
  type: 'HC0' | 'HC1';
  meat: (coefficients: Float64Array) => Promise<SandwichMeat>;
  /** The score read in SOURCE_CHANGED messages; undefined when it is one more pass of the source. */
  read?: string;
}

/**
 * Checks `covariance` and `scores` and says where the meat comes from: the hook of a stream or
 * SQL fit, else the `scores` source.
 */
function sandwichPlan(options: StatisticsFitOptions, l2: number, logistic: boolean, caller: string, hooks: FitHooks): SandwichPlan | null {
  const type = options.covariance ?? 'model';
  if (type !== 'model' && type !== 'HC0' && type !== 'HC1') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: option covariance should be 'model', 'HC0' or 'HC1', got ${describeValue(type)}`, { option: 'covariance' });
  }
  const scores = options.scores;
  if (type === 'model') {
    if (scores !== undefined) throw new SoftlogitError('BAD_OPTION', `${caller}: option scores is read only for covariance 'HC0' or 'HC1'`, { option: 'scores' });
    return null;
  }
  if (l2 > 0) throw new SoftlogitError('BAD_OPTION', `${caller}: covariance '${type}' is the sandwich of a maximum-likelihood fit; not with l2`, { option: 'covariance' });
  if (hooks.meat) return { type, meat: hooks.meat };
  if (typeof scores !== 'function') {
    throw new SoftlogitError(
      'BAD_OPTION',
      `${caller}: covariance '${type}' needs option scores, a function (coefficients) => score statistics of every row at them ` +
        `(e.g. shards.map((s) => accumulateScores(s, coefficients)).reduce(combineScores)), got ${describeValue(scores)}`,
      { option: 'scores' },
    );
  }
  const model = logistic ? 'logistic' : 'softmax';
  return {
    type,
    read: 'the score round (option scores)',
    meat: async (coefficients) => {
      const s = checkScoreStatistics(await scores(Float64Array.from(coefficients)), caller, 'what the scores source returned');
      if (s.model !== model || s.nParams !== coefficients.length) {
        throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: the scores source should return ${model} score statistics for ${coefficients.length} coefficients, got ${s.model} for ${s.nParams}`);
      }
      const sums = new ScoreSums(s.model, s.nParams, s.clusters !== null);
      sums.add(s, caller);
      return sums.close();
    },
  };
}

/**
 * The sandwich covariance at the estimate from the plan's meat (src/inference/robust.ts,
 * finishSandwich), after checking with the fit's guard that the meat sums the rows every Newton
 * pass summed: row count, weight total and, where the meat has them, the rows with non-zero weight
 * and the fingerprint (an SQL engine's meat has neither).
 * @returns the covariance and the fit state's covarianceType and clusters
 */
async function sandwichCovariance(
  plan: SandwichPlan, coefficients: Float64Array, model: Float64Array, guard: SourceGuard, caller: string,
): Promise<{ covariance: Float64Array; covarianceType: 'HC0' | 'HC1'; clusters: number }> {
  const meat = await plan.meat(coefficients);
  const k = coefficients.length;
  guard.observe({ nRows: meat.nRows, nInformative: meat.nInformative, weightSum: meat.weightSum, fingerprint: meat.fingerprint }, plan.read);
  if (meat.clusters === 1) throw new SoftlogitError('BAD_OPTION', `${caller}: a cluster-robust covariance needs at least 2 clusters, got 1`);
  return { covariance: finishSandwich(meat.meat, model, k, meat.nRows, meat.clusters, plan.type), covarianceType: plan.type, clusters: meat.clusters };
}

function checkSource(source: unknown, caller: string): void {
  if (typeof source !== 'function') {
    throw new SoftlogitError(
      'BAD_OPTION',
      `${caller}: source should be a function (coefficients, level) => statistics (or a promise of them), got ${describeValue(source)}`,
    );
  }
}

/**
 * How the streaming fits (src/stream/) adapt the fits below: what one read of the source is
 * called, and the exact separation check on the rows, which only a stream can run.
 * @internal
 */
export interface FitHooks {
  /** 'pass' for a stream, 'evaluation' (the default) for a statistics source. */
  unit?: 'pass' | 'evaluation';
  /** What the source must do, for SOURCE_CHANGED messages. */
  rule?: string;
  /** The options were checked by the caller (against its own keys). */
  optionsChecked?: boolean;
  /** Reads the rows once more and runs the exact LP check (their summary goes to `guard`). */
  exactSeparation?: (guard: SourceGuard) => Promise<SeparationResult>;
  /** The meat of the sandwich at the estimate (a stream's extra pass, an SQL aggregate), instead of options.scores. */
  meat?: (coefficients: Float64Array) => Promise<SandwichMeat>;
}

/** The guard of one fit: one read of the source after another must give the same rows. */
function guardFor(caller: string, hooks: FitHooks): SourceGuard {
  const unit = hooks.unit ?? 'evaluation';
  return new SourceGuard(caller, unit, hooks.rule ?? 'every call of the statistics source must sum the same rows (in any order and any shards)');
}

/** The solver options with onIteration also recording each iteration's Newton decrement λ². */
function traced(options: NewtonOptions, decrements: number[]): NewtonOptions {
  const user = options.onIteration;
  return {
    ...options,
    onIteration: (progress) => {
      decrements.push(progress.decrement);
      user?.(progress);
    },
  };
}

/** (∇²f)⁻¹ at the start point, from the Hessian the objective kept. */
function startCovariance(runtime: SoftlogitRuntime, nBlocks: number, nCols: number, hessian: ArrayLike<number>): Float64Array {
  const system = new NewtonSystem(runtime, nBlocks, nCols, nCols, null);
  try {
    system.setCoefficients(new Float64Array(nBlocks * nCols));
    system.loadStatistics(new Float64Array(nBlocks * nCols), hessian);
    return system.inverseHessian();
  } finally {
    system.dispose();
  }
}

/**
 * After Newton: decides about separation as the in-memory fits do (exact LP on the rows when the
 * hooks can read them, symptoms otherwise), sets `result.converged` and the warnings accordingly.
 * @param exactLabels labels of the LP's direction layout; `labels` those of the coefficient vector
 */
async function separationVerdict(args: {
  caller: string; runtime: SoftlogitRuntime; objective: StatisticsObjective; result: NewtonResult; resolved: ResolvedOptions;
  covariance: Float64Array; nBlocks: number; nCols: number; labels: readonly string[]; exactLabels: readonly string[];
  warnings: string[]; logistic: boolean; hooks: FitHooks; guard: SourceGuard; decrements: readonly number[];
  /** What the statistics were divided by (statisticsScale): the threshold is in the divided units. */
  scale: number;
}): Promise<FitSeparation | null> {
  const { caller, objective, result, resolved, warnings, logistic, hooks } = args;
  if (resolved.l2 > 0) return null; // a ridge keeps the estimate finite whatever the data
  const threshold = separationThreshold(objective.newtonDirection(), result.value, resolved.tol);
  const reported = objective.last?.smallestWeightedProbability;
  const smallest = typeof reported === 'number' ? reported / args.scale : undefined;
  const suspected = separationSuspected(result, threshold, smallest);
  if (!suspected) return null;
  if (hooks.exactSeparation) {
    const check = await hooks.exactSeparation(args.guard);
    return reportExactSeparation(caller, check, args.exactLabels, result, warnings, logistic);
  }
  if (objective.startHessian === null) return null;
  const start = startCovariance(args.runtime, args.nBlocks, args.nCols, objective.startHessian);
  const symptoms = separationSymptoms(suspected, threshold, smallest, args.covariance, start, args.decrements);
  if (symptoms === null) return null;
  warnings.length = 0;
  warnings.push(symptomWarning(caller, symptoms, args.labels, result.coefficients, args.covariance, result, logistic));
  result.converged = false;
  return null;
}

/**
 * Fits a binary logistic regression from statistics summed over shards (the reduce and solve of
 * each Newton iteration; `source` does the map and the sum). The fit is the one fitLogistic gives
 * on all rows at once: the same start, the same Newton steps with step halving and polish, the
 * same results to rounding (1e-10 relative or better).
 *
 * Passes over the data: one at level 'value' (totals, start), then one per evaluation of Newton
 * (one per iteration, plus one per step halving), plus a few for the null deviance when rows carry
 * offsets and the model has an intercept.
 *
 * Checked on every evaluation: the statistics' shape and finiteness, and that they sum the rows of
 * the first evaluation (row count, weight total, the rows' fingerprint). Separation cannot be
 * proved without the rows: when the returned point shows its symptoms (fitted probabilities at 0
 * or 1, a variance more than VARIANCE_INFLATION_LIMIT times the start's, a singular Hessian) the
 * fit comes back with `converged: false`, `separation: null` and a warning naming them.
 *
 * Robust covariance: with `covariance: 'HC0' | 'HC1'` and `scores`, one more round over the shards
 * at the estimate β̂ sums the meat M = Σ_g u_g u_gᵀ of the score contributions
 * uᵢ = wᵢ(yᵢ − pᵢ)xᵢ (accumulateScores, combineScores); the covariance is V M V with V the inverse
 * information, times n / (n − k) for 'HC1', or, with `cluster` labels in the shards (G clusters,
 * a cluster may span shards: its sums are added by label before the outer product),
 * G / (G − 1) · (n − 1) / (n − k) (R sandwich::vcovHC, vcovCL): the in-memory fit's to ~1e-12.
 *
 * @throws {SoftlogitError} `NOT_INITIALIZED`, `BAD_OPTION` (unknown options; `firth`,
 *   `singular: 'drop'`, `weights`, `offset`, `threads` with the reason), `ONE_CLASS`,
 *   `TOO_FEW_ROWS`, `COLLINEAR`, `LENGTH_MISMATCH` (statistics of another shape),
 *   `BAD_STATISTICS` (not shard statistics), `NON_FINITE` (a non-finite logLik, gradient or
 *   Hessian), `SOURCE_CHANGED` (other rows than at the first evaluation), whatever `source` throws.
 * @example
 * const shards = [{ model: 'logistic', X: X1, y: y1 }, { model: 'logistic', X: X2, y: y2 }];
 * const fit = await fitLogisticFromStatistics(
 *   (coefficients, level) => combineAll(shards.map((s) => accumulate(s, coefficients, level))),
 *   { nFeatures: 2, names: ['gre', 'gpa'] });
 * // cluster-robust standard errors (R vcovCL, type HC1): labels in the shards, one more round
 * const clustered = shards.map((s, i) => ({ ...s, cluster: schools[i] }));
 * const robust = await fitLogisticFromStatistics(
 *   (coefficients, level) => combineAll(clustered.map((s) => accumulate(s, coefficients, level))),
 *   { nFeatures: 2, covariance: 'HC1', scores: (b) => clustered.map((s) => accumulateScores(s, b)).reduce(combineScores) });
 */
export async function fitLogisticFromStatistics(source: StatisticsSource, options: StatisticsFitOptions): Promise<LogisticFit> {
  checkSource(source, 'fitLogisticFromStatistics');
  return fitLogisticWith(source, options, 'fitLogisticFromStatistics');
}

/** fitLogisticFromStatistics under another name for messages (fitLogisticStream). */
export async function fitLogisticWith(source: StatisticsSource, options: StatisticsFitOptions, caller: string, hooks: FitHooks = {}): Promise<LogisticFit> {
  const runtime = getRuntime(caller);
  let saturated = 0;
  const { resolved, names, solverOptions, sandwich } = prepare(options, caller, (value) => 2 * (value + saturated), true, hooks);
  const p = names.length;
  const expected = { model: 'logistic' as const, nClasses: 2 };
  const guard = guardFor(caller, hooks);
  const read = reader(source, expected, p, guard, caller);
  const totals = await read(new Float64Array(p), 'value');
  saturated = totals.saturatedLogLik;
  const failures = totals.classTotals[0]!;
  const successes = totals.classTotals[1]!;
  if (!(successes > 0) || !(failures > 0)) {
    throw new SoftlogitError('ONE_CLASS', `${caller}: y needs both outcomes among rows with non-zero weight, got only ${successes > 0 ? 'successes (1)' : 'failures (0)'}`);
  }
  if (totals.nInformative < p && resolved.l2 === 0) {
    throw new SoftlogitError('TOO_FEW_ROWS', `${caller}: ${p} coefficients need at least ${p} rows with non-zero weight, got ${totals.nInformative}`);
  }
  const start = new Float64Array(p);
  // With offsets the intercept starts at the intercept-only MLE given them (as fitLogistic does):
  // logit(Σs/Σt) ignores a large offset, every η would start in the tens, and the first Newton
  // step would be meaningless. It is also the null model.
  const interceptOnly = resolved.intercept && totals.hasOffset ? await interceptGivenOffset(read, p, Math.log(successes / failures)) : null;
  if (resolved.intercept) start[0] = interceptOnly?.intercept ?? Math.log(successes / failures);
  const scale = statisticsScale(totals);
  const objective = new StatisticsObjective(runtime, read, 1, p, logisticPenalty(resolved.l2 / scale, p, resolved.intercept ? 0 : -1), scale);
  try {
    const decrements: number[] = [];
    const result = await newtonAsync(objective, start, unscaledProgress(traced(solverOptions, decrements), scale));
    if (result.aliased !== undefined && result.iterations === 0) throw collinearError(caller, names, result.aliased);
    const warning = convergenceWarning(caller, result, resolved.maxIter);
    const warnings = warning === null ? [] : [warning];
    const covariance = dividedCovariance(objective.inverseHessian(), scale);
    const separation = await separationVerdict({
      caller, runtime, objective, result, resolved, covariance, nBlocks: 1, nCols: p, labels: names, exactLabels: names,
      warnings, logistic: true, hooks, guard, decrements, scale,
    });
    const robust = sandwich ? await sandwichCovariance(sandwich, result.coefficients, covariance, guard, caller) : null;
    for (const w of warnings) resolved.warn(w);
    const logLikKernel = -scale * (result.value - objective.penalty());
    const logLik = logLikKernel + totals.logLikConstant;
    let nullLogLik: number;
    if (!resolved.intercept) nullLogLik = totals.logLik; // η = offset: the model at zero coefficients
    else if (!totals.hasOffset) nullLogLik = xlogx(successes, successes + failures) + xlogx(failures, successes + failures);
    else nullLogLik = interceptOnly!.logLik;
    return new LogisticFit({
      names,
      intercept: resolved.intercept,
      coefficients: result.coefficients,
      covariance: robust?.covariance ?? covariance,
      ...(robust ? { covarianceType: robust.covarianceType, clusters: robust.clusters } : {}),
      logLik,
      deviance: 2 * (totals.saturatedLogLik - logLikKernel),
      nullDeviance: 2 * (totals.saturatedLogLik - nullLogLik),
      ...fitCounts(logLik, p, totals.nInformative, 2),
      dfNull: totals.nInformative - (resolved.intercept ? 1 : 0),
      iterations: result.iterations,
      converged: result.converged,
      l2: resolved.l2,
      warnings,
      separation,
      responseTotals: [failures, successes],
    });
  } finally {
    objective.dispose();
  }
}

/** Safeguarded scalar Newton for the intercept given the offsets: at most this many evaluations. */
const INTERCEPT_MAX_STEPS = 100;

/**
 * The intercept-only model with offsets: the root α of g(α) = Σ tᵢ pᵢ − Σ sᵢ, pᵢ = σ(α + oᵢ),
 * with its logLik. g is gradient[0] and g' = hessian[0] of the statistics at (α, 0, …, 0): one
 * evaluation (a pass over the rows) per step. Newton's method from `start`, kept inside a bracket
 * of the root: while the bracket is open on one side a step goes at most max(1, |α|) beyond the
 * last point (so a root 45 away is bracketed in 6 steps, not approached through an underflowed
 * g' in one wild jump), and a step that would leave a closed bracket bisects it.
 */
async function interceptGivenOffset(read: StatisticsReader, p: number, start: number): Promise<{ intercept: number; logLik: number }> {
  const coef = new Float64Array(p);
  let alpha = start;
  let lo = -Infinity;
  let hi = Infinity;
  for (let k = 0; k < INTERCEPT_MAX_STEPS; k++) {
    coef[0] = alpha;
    const stats = await read(coef.slice(), 'hessian');
    const g = stats.gradient![0]!;
    const slope = stats.hessian![0]!;
    if (g === 0) return { intercept: alpha, logLik: stats.logLik };
    if (g < 0) lo = alpha;
    else hi = alpha;
    const reach = Math.max(1, Math.abs(alpha));
    let next = alpha - g / slope;
    if (!(next > lo && next < hi)) next = Number.isFinite(lo) && Number.isFinite(hi) ? 0.5 * (lo + hi) : g < 0 ? alpha + reach : alpha - reach;
    else if (!Number.isFinite(lo) || !Number.isFinite(hi)) next = Math.min(alpha + reach, Math.max(alpha - reach, next));
    if (Math.abs(next - alpha) <= 1e-15 * (1 + Math.abs(alpha))) return { intercept: alpha, logLik: stats.logLik };
    alpha = next;
  }
  coef[0] = alpha;
  return { intercept: alpha, logLik: (await read(coef.slice(), 'value')).logLik };
}

/**
 * The logLik of the softmax intercept-only model with offsets, η_ic = α_c + o_ic, as fitSoftmax's
 * null model (nullLogLikWithOffset in src/models/softmax.ts, the same steps): Newton with step
 * halving on the K − 1 intercepts from 0, their score and information the intercept entries of the
 * statistics at (α, slopes 0); stops when max |score| ≤ 1e-10 · Σ t or after 100 steps. One
 * evaluation (a pass over the rows) per step and per halving.
 */
async function interceptsGivenOffset(read: StatisticsReader, nFree: number, p: number, total: number): Promise<number> {
  const coef = new Float64Array(nFree * p);
  const at = async (alpha: Float64Array) => {
    for (let c = 0; c < nFree; c++) coef[c * p] = alpha[c]!;
    const stats = await read(coef.slice(), 'hessian');
    const score = new Float64Array(nFree);
    const info = new Float64Array(nFree * nFree);
    for (let c = 0; c < nFree; c++) {
      score[c] = -stats.gradient![c * p]!;
      for (let d = 0; d < nFree; d++) info[c * nFree + d] = stats.hessian![c * p * nFree * p + d * p]!;
    }
    return { logLik: stats.logLik, score, info };
  };
  const alpha = new Float64Array(nFree);
  let current = await at(alpha);
  for (let iter = 0; iter < 100; iter++) {
    if (Math.max(...Array.from(current.score, Math.abs)) <= 1e-10 * total) break;
    const info = current.info.slice();
    if (choleskyInPlace(info, nFree) !== -1) break;
    const step = current.score.slice();
    solveLowerInPlace(info, nFree, step);
    solveLowerTransposedInPlace(info, nFree, step);
    let size = 1;
    let next = alpha.map((a, c) => a + step[c]!);
    let tried = await at(next);
    while (!(tried.logLik >= current.logLik) && size > 1e-10) {
      size /= 2;
      next = alpha.map((a, c) => a + size * step[c]!);
      tried = await at(next);
    }
    if (!(tried.logLik >= current.logLik)) break;
    alpha.set(next);
    current = tried;
  }
  return current.logLik;
}

/**
 * Fits a multinomial (softmax) regression from statistics summed over shards, as
 * fitLogisticFromStatistics does for the binary model: the same fit as fitSoftmax on all rows,
 * with the same checks (same rows at every evaluation, the symptoms of separation).
 * @throws {SoftlogitError} as fitLogisticFromStatistics, plus `EMPTY_CLASS`, `BAD_REFERENCE`.
 * @example
 * const classes = ['setosa', 'versicolor', 'virginica'];
 * const shards = parts.map((rows) => ({ model: 'softmax', X: rows.X, y: rows.species, classes }));
 * const fit = await fitSoftmaxFromStatistics(
 *   (coefficients, level) => combineAll(shards.map((s) => accumulate(s, coefficients, level))),
 *   { nFeatures: 4, classes });
 */
export async function fitSoftmaxFromStatistics(source: StatisticsSource, options: SoftmaxStatisticsFitOptions): Promise<SoftmaxFit> {
  checkSource(source, 'fitSoftmaxFromStatistics');
  return fitSoftmaxWith(source, options, 'fitSoftmaxFromStatistics');
}

/** fitSoftmaxFromStatistics under another name for messages (fitSoftmaxStream). */
export async function fitSoftmaxWith(
  source: StatisticsSource, options: SoftmaxStatisticsFitOptions, caller: string, hooks: FitHooks = {},
): Promise<SoftmaxFit> {
  const runtime = getRuntime(caller);
  let saturated = 0;
  const { resolved, names, solverOptions, sandwich } = prepare(options, caller, (value) => 2 * (value + saturated), false, hooks);
  const parameterization = parameterizationOption(options.parameterization, caller);
  const classes = options.classes;
  if (!Array.isArray(classes) || classes.length < 2 || new Set(classes).size !== classes.length) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: option classes should list every class once (at least 2), got ${JSON.stringify(classes)}`);
  }
  const referenceIndex = options.reference === undefined ? 0 : classes.indexOf(options.reference);
  if (referenceIndex < 0) {
    throw new SoftlogitError('BAD_REFERENCE', `${caller}: reference ${JSON.stringify(options.reference)} is not among classes ${JSON.stringify(classes)}`);
  }
  const p = names.length;
  const K = classes.length;
  const nParams = p * (K - 1);
  const expected = { model: 'softmax' as const, nClasses: K };
  const guard = guardFor(caller, hooks);
  const read = reader(source, expected, nParams, guard, caller);
  const totals = await read(new Float64Array(nParams), 'value');
  saturated = totals.saturatedLogLik;
  const classTotals = Array.from(totals.classTotals);
  const empty = classes.filter((_, k) => !(classTotals[k]! > 0));
  if (empty.length > K - 2) {
    throw new SoftlogitError('ONE_CLASS', `${caller}: y needs at least two classes among rows with non-zero weight, got ${JSON.stringify(classes.filter((_, k) => classTotals[k]! > 0))}`);
  }
  if (empty.length > 0) {
    throw new SoftlogitError(
      'EMPTY_CLASS',
      `${caller}: class ${empty.map((c) => JSON.stringify(c)).join(', ')} has no observations (with non-zero weight), so its coefficients have no finite MLE; drop it from classes`,
      { classes: empty },
    );
  }
  if (totals.nInformative < p && resolved.l2 === 0) {
    throw new SoftlogitError('TOO_FEW_ROWS', `${caller}: ${p} coefficients per class need at least ${p} rows with non-zero weight, got ${totals.nInformative}`);
  }
  const internalOrder = [referenceIndex, ...classes.map((_, k) => k).filter((k) => k !== referenceIndex)];
  const start = new Float64Array(nParams);
  if (resolved.intercept) {
    for (let c = 1; c < K; c++) start[(c - 1) * p] = Math.log(classTotals[internalOrder[c]!]! / classTotals[referenceIndex]!);
  }
  const scale = statisticsScale(totals);
  const objective = new StatisticsObjective(runtime, read, K - 1, p, softmaxPenalty(resolved.l2 / scale, K, p, resolved.intercept ? 0 : -1), scale);
  try {
    const decrements: number[] = [];
    const result = await newtonAsync(objective, start, unscaledProgress(traced(solverOptions, decrements), scale));
    if (result.aliased !== undefined && result.iterations === 0) throw collinearError(caller, names, result.aliased % p);
    const warning = convergenceWarning(caller, result, resolved.maxIter);
    const warnings = warning === null ? [] : [warning];
    const covariance = dividedCovariance(objective.inverseHessian(), scale);
    // Labels of the free classes (classes without the reference, in order): class-major as the
    // coefficient vector, and p × (K − 1) row-major as the LP's direction (and the in-memory report).
    const free = internalOrder.slice(1).map((k) => String(classes[k]));
    const labels = free.flatMap((c) => names.map((name) => `${c}:${name}`));
    const exactLabels = names.flatMap((name) => free.map((c) => `${c}:${name}`));
    const separation = await separationVerdict({
      caller, runtime, objective, result, resolved, covariance, nBlocks: K - 1, nCols: p, labels, exactLabels,
      warnings, logistic: false, hooks, guard, decrements, scale,
    });
    const robust = sandwich ? await sandwichCovariance(sandwich, result.coefficients, covariance, guard, caller) : null;
    for (const w of warnings) resolved.warn(w);
    const logLikKernel = -scale * (result.value - objective.penalty());
    const logLik = logLikKernel + totals.logLikConstant;
    const total = classTotals.reduce((a, b) => a + b, 0);
    let nullLogLik = 0;
    if (!totals.hasOffset) for (const t of classTotals) nullLogLik += t > 0 ? t * Math.log(resolved.intercept ? t / total : 1 / K) : 0;
    else if (!resolved.intercept) nullLogLik = totals.logLik; // η = offset: the model at zero coefficients
    else nullLogLik = await interceptsGivenOffset(read, K - 1, p, total);
    return new SoftmaxFit({
      names,
      intercept: resolved.intercept,
      classes: [...classes],
      referenceIndex,
      parameterization,
      baseline: result.coefficients,
      covariance: robust?.covariance ?? covariance,
      ...(robust ? { covarianceType: robust.covarianceType, clusters: robust.clusters } : {}),
      logLik,
      deviance: 2 * (totals.saturatedLogLik - logLikKernel),
      nullDeviance: 2 * (totals.saturatedLogLik - nullLogLik),
      ...fitCounts(logLik, nParams, totals.nInformative, K),
      iterations: result.iterations,
      converged: result.converged,
      l2: resolved.l2,
      warnings,
      separation,
      responseTotals: classTotals,
    });
  } finally {
    objective.dispose();
  }
}

/**
 * The bare solve of one Newton iteration on reduced statistics, for an engine that runs its own
 * loop: d = −(H + penalty)⁻¹ (g + penalty gradient) at `coefficients`, and the Newton decrement
 * λ² = −gᵀd (stop when λ²/2 is below tolerance). Without step halving: prefer
 * fitLogisticFromStatistics / fitSoftmaxFromStatistics, which halve the step when f rises.
 * @param options.l2 ridge strength as in the fit (default 0); options.intercept whether column 0
 *   of each block is the (unpenalized) intercept (default true)
 * @returns `{ ok: true, direction, decrement }`, or `{ ok: false, aliased }` naming the first
 *   parameter that is a linear combination of earlier ones.
 * @throws {SoftlogitError} `BAD_OPTION` for statistics without a Hessian.
 */
export function newtonStep(
  statistics: ShardStatistics, coefficients: ArrayLike<number>, options: { l2?: number; intercept?: boolean } = {},
): NewtonDirection {
  const caller = 'newtonStep';
  const runtime = getRuntime(caller);
  checkShardStatistics(statistics, caller, 'statistics');
  checkOptionKeys(options, caller, ['l2', 'intercept']);
  const { nParams, nClasses } = statistics;
  const nBlocks = statistics.model === 'logistic' ? 1 : nClasses - 1;
  const nCols = nParams / nBlocks;
  if (statistics.level !== 'hessian' || statistics.gradient === null || statistics.hessian === null) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: needs statistics at level 'hessian', got '${statistics.level}'`);
  }
  checkStatistics(statistics, { model: statistics.model, nClasses }, nParams, 'hessian', caller);
  if (coefficients === null || typeof coefficients !== 'object' || coefficients.length !== nParams) {
    throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: coefficients should hold ${nParams} values, got ${describeValue(coefficients)}`);
  }
  const l2 = numberOption(options.l2, 0, 'l2', 0, Number.MAX_VALUE, caller);
  if (options.intercept !== undefined && typeof options.intercept !== 'boolean') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: option intercept should be true or false, got ${describeValue(options.intercept)}`);
  }
  const interceptIndex = options.intercept ?? true ? 0 : -1;
  const penalty = statistics.model === 'logistic' ? logisticPenalty(l2, nCols, interceptIndex) : softmaxPenalty(l2, nClasses, nCols, interceptIndex);
  const system = new NewtonSystem(runtime, nBlocks, nCols, nCols, penalty);
  try {
    system.setCoefficients(Float64Array.from(coefficients));
    system.loadStatistics(statistics.gradient, statistics.hessian);
    return system.newtonDirection();
  } finally {
    system.dispose();
  }
}
