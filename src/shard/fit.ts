// The reduce-and-solve side of a sharded fit: Newton's method with step halving (the same steps
// as fitLogistic / fitSoftmax, src/solver/newton.ts) on statistics that something else sums over
// the shards — a loop over the batches of a file (src/stream/), a cluster's tree aggregation,
// several processes. Each evaluation asks for the statistics of every row at given coefficients.
import { SoftlogitError } from '../errors.js';
import { fitCounts } from '../inference.js';
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
import { newtonAsync, type NewtonResult } from '../solver/newton.js';
import { getRuntime, type SoftlogitRuntime } from '../wasm/module.js';
import type { ShardStatistics } from './statistics.js';

/**
 * Statistics of all rows at `coefficients`, computed to at least `level`: typically
 * `combineAll(await Promise.all(shards.map((s) => accumulate(s, coefficients, level))))`, run
 * wherever the shards live. Called once per pass over the data (about 2 + iterations times).
 */
export type StatisticsSource = (coefficients: Float64Array, level: EvaluationLevel) => ShardStatistics | Promise<ShardStatistics>;

/** Options of a fit from statistics: those of fitLogistic without the per-row ones, plus the shape. */
export interface StatisticsFitOptions extends Omit<CommonFitOptions, 'weights' | 'threads'> {
  /** Columns of X (without the intercept). */
  nFeatures: number;
}

export interface SoftmaxStatisticsFitOptions extends StatisticsFitOptions {
  /** Every class, in order, as the shards' `classes`. */
  classes: readonly ClassLabel[];
  /** The reference class, as the shards' `reference` (default the first class). */
  reference?: ClassLabel;
  /** How coefficients are reported (default 'reference'). */
  parameterization?: Parameterization;
}

/** f = −logLik + penalty on statistics from a StatisticsSource; the Newton system in WASM. */
class StatisticsObjective extends SystemObjective implements AsyncObjective {
  constructor(
    runtime: SoftlogitRuntime,
    private readonly source: StatisticsSource,
    private readonly expected: { model: 'logistic' | 'softmax'; nClasses: number },
    nBlocks: number,
    nCols: number,
    penalty: RidgePenalty | null,
    private readonly caller: string,
  ) {
    super(new NewtonSystem(runtime, nBlocks, nCols, nCols, penalty));
  }

  async evaluate(coefficients: Float64Array, level: EvaluationLevel): Promise<number> {
    const stats = checkStatistics(await this.source(Float64Array.from(coefficients), level), this.expected, this.nParams, level, this.caller);
    this.system.setCoefficients(coefficients);
    if (level !== 'value') this.system.loadStatistics(stats.gradient!, level === 'hessian' ? stats.hessian! : null);
    return -stats.logLik + this.system.penaltyValue();
  }
}

const LEVEL_RANK: Record<EvaluationLevel, number> = { value: 0, gradient: 1, hessian: 2 };

function checkStatistics(
  stats: ShardStatistics, expected: { model: string; nClasses: number }, nParams: number, level: EvaluationLevel, caller: string,
): ShardStatistics {
  if (stats === null || typeof stats !== 'object' || stats.model !== expected.model || stats.nParams !== nParams || stats.nClasses !== expected.nClasses) {
    throw new SoftlogitError(
      'LENGTH_MISMATCH',
      `${caller}: the statistics source should return ${expected.model} statistics for ${nParams} coefficients and ${expected.nClasses} classes, ` +
        `got ${stats?.model} statistics for ${stats?.nParams} coefficients and ${stats?.nClasses} classes`,
    );
  }
  if (LEVEL_RANK[stats.level] < LEVEL_RANK[level] || (level !== 'value' && stats.gradient?.length !== nParams) ||
      (level === 'hessian' && stats.hessian?.length !== nParams * nParams)) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: the statistics source was asked for level '${level}' and returned level '${stats.level}' (or arrays of the wrong length)`);
  }
  if (!Number.isFinite(stats.logLik)) {
    throw new SoftlogitError('NON_FINITE', `${caller}: the statistics source returned logLik = ${stats.logLik}`);
  }
  return stats;
}

/** The options both fits share, checked, and the solver options made of them. */
function prepare(options: StatisticsFitOptions, caller: string, toDeviance: (value: number) => number) {
  if (options === null || typeof options !== 'object') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: options should be an object with nFeatures, got ${String(options)}`);
  }
  const resolved = resolveOptions(options, caller, toDeviance);
  const nFeatures = numberOption(options.nFeatures, Number.NaN, 'nFeatures', 0, 2 ** 31, caller);
  if (!Number.isInteger(nFeatures)) throw new SoftlogitError('BAD_OPTION', `${caller}: option nFeatures (columns of X) is required, an integer ≥ 0, got ${String(options.nFeatures)}`);
  const names = featureNames(options.names, nFeatures, resolved.intercept, caller);
  if (names.length === 0) throw new SoftlogitError('BAD_SHAPE', `${caller}: the model has no coefficients (nFeatures is 0 and intercept is false)`);
  return { resolved, names, solverOptions: newtonOptions(resolved) };
}

function warnAll(caller: string, result: NewtonResult, resolved: ResolvedOptions): string[] {
  const warning = convergenceWarning(caller, result, resolved.maxIter);
  const warnings = warning === null ? [] : [warning];
  for (const w of warnings) resolved.warn(w);
  return warnings;
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
 * @throws {SoftlogitError} `NOT_INITIALIZED`, `BAD_OPTION`, `ONE_CLASS`, `TOO_FEW_ROWS`,
 *   `COLLINEAR`, `LENGTH_MISMATCH` (statistics of another shape), whatever `source` throws.
 * @example
 * const shards = [{ model: 'logistic', X: X1, y: y1 }, { model: 'logistic', X: X2, y: y2 }];
 * const fit = await fitLogisticFromStatistics(
 *   (coefficients, level) => combineAll(shards.map((s) => accumulate(s, coefficients, level))),
 *   { nFeatures: 2, names: ['gre', 'gpa'] });
 */
export async function fitLogisticFromStatistics(source: StatisticsSource, options: StatisticsFitOptions): Promise<LogisticFit> {
  return fitLogisticWith(source, options, 'fitLogisticFromStatistics');
}

/** fitLogisticFromStatistics under another name for messages (fitLogisticStream). */
export async function fitLogisticWith(source: StatisticsSource, options: StatisticsFitOptions, caller: string): Promise<LogisticFit> {
  const runtime = getRuntime(caller);
  let saturated = 0;
  const { resolved, names, solverOptions } = prepare(options, caller, (value) => 2 * (value + saturated));
  const p = names.length;
  const expected = { model: 'logistic' as const, nClasses: 2 };
  const totals = checkStatistics(await source(new Float64Array(p), 'value'), expected, p, 'value', caller);
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
  if (resolved.intercept) start[0] = Math.log(successes / failures);
  const objective = new StatisticsObjective(runtime, source, expected, 1, p, logisticPenalty(resolved.l2, p, resolved.intercept ? 0 : -1), caller);
  try {
    const result = await newtonAsync(objective, start, solverOptions);
    if (result.aliased !== undefined && result.iterations === 0) throw collinearError(caller, names, result.aliased);
    const warnings = warnAll(caller, result, resolved);
    const covariance = objective.inverseHessian();
    const logLikKernel = -(result.value - objective.penalty());
    const logLik = logLikKernel + totals.logLikConstant;
    let nullLogLik: number;
    if (!resolved.intercept) nullLogLik = totals.logLik; // η = offset: the model at zero coefficients
    else if (!totals.hasOffset) nullLogLik = xlogx(successes, successes + failures) + xlogx(failures, successes + failures);
    else nullLogLik = await interceptOnlyLogLik(source, expected, p, start[0]!, caller);
    return new LogisticFit({
      names,
      intercept: resolved.intercept,
      coefficients: result.coefficients,
      covariance,
      logLik,
      deviance: 2 * (totals.saturatedLogLik - logLikKernel),
      nullDeviance: 2 * (totals.saturatedLogLik - nullLogLik),
      ...fitCounts(logLik, p, totals.nInformative, 2),
      dfNull: totals.nInformative - (resolved.intercept ? 1 : 0),
      iterations: result.iterations,
      converged: result.converged,
      l2: resolved.l2,
      warnings,
      responseTotals: [failures, successes],
    });
  } finally {
    objective.dispose();
  }
}

/**
 * logLik of the intercept-only model with offsets: scalar Newton on α at coefficients (α, 0, …, 0),
 * where gradient[0] and hessian[0] of the full model are the intercept-only model's.
 */
async function interceptOnlyLogLik(
  source: StatisticsSource, expected: { model: 'logistic'; nClasses: number }, p: number, start: number, caller: string,
): Promise<number> {
  const coef = new Float64Array(p);
  coef[0] = start;
  for (let iter = 0; iter < 50; iter++) {
    const stats = checkStatistics(await source(coef.slice(), 'hessian'), expected, p, 'hessian', caller);
    const step = -stats.gradient![0]! / stats.hessian![0]!;
    if (!Number.isFinite(step) || Math.abs(step) <= 1e-15 * (1 + Math.abs(coef[0]!))) return stats.logLik;
    coef[0] += step;
  }
  return checkStatistics(await source(coef.slice(), 'value'), expected, p, 'value', caller).logLik;
}

/**
 * Fits a multinomial (softmax) regression from statistics summed over shards, as
 * fitLogisticFromStatistics does for the binary model: the same fit as fitSoftmax on all rows.
 * @throws {SoftlogitError} as fitLogisticFromStatistics, plus `EMPTY_CLASS`, `BAD_REFERENCE`.
 */
export async function fitSoftmaxFromStatistics(source: StatisticsSource, options: SoftmaxStatisticsFitOptions): Promise<SoftmaxFit> {
  return fitSoftmaxWith(source, options, 'fitSoftmaxFromStatistics');
}

/** fitSoftmaxFromStatistics under another name for messages (fitSoftmaxStream). */
export async function fitSoftmaxWith(source: StatisticsSource, options: SoftmaxStatisticsFitOptions, caller: string): Promise<SoftmaxFit> {
  const runtime = getRuntime(caller);
  let saturated = 0;
  const { resolved, names, solverOptions } = prepare(options, caller, (value) => 2 * (value + saturated));
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
  const totals = checkStatistics(await source(new Float64Array(nParams), 'value'), expected, nParams, 'value', caller);
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
  const objective = new StatisticsObjective(runtime, source, expected, K - 1, p, softmaxPenalty(resolved.l2, K, p, resolved.intercept ? 0 : -1), caller);
  try {
    const result = await newtonAsync(objective, start, solverOptions);
    if (result.aliased !== undefined && result.iterations === 0) throw collinearError(caller, names, result.aliased % p);
    const warnings = warnAll(caller, result, resolved);
    const covariance = objective.inverseHessian();
    const logLikKernel = -(result.value - objective.penalty());
    const logLik = logLikKernel + totals.logLikConstant;
    const total = classTotals.reduce((a, b) => a + b, 0);
    let nullLogLik = 0;
    for (const t of classTotals) nullLogLik += t > 0 ? t * Math.log(resolved.intercept ? t / total : 1 / K) : 0;
    return new SoftmaxFit({
      names,
      intercept: resolved.intercept,
      classes: [...classes],
      referenceIndex,
      parameterization,
      baseline: result.coefficients,
      covariance,
      logLik,
      deviance: 2 * (totals.saturatedLogLik - logLikKernel),
      nullDeviance: 2 * (totals.saturatedLogLik - nullLogLik),
      ...fitCounts(logLik, nParams, totals.nInformative, K),
      iterations: result.iterations,
      converged: result.converged,
      l2: resolved.l2,
      warnings,
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
  const { nParams, nClasses } = statistics;
  const nBlocks = statistics.model === 'logistic' ? 1 : nClasses - 1;
  const nCols = nParams / nBlocks;
  if (statistics.level !== 'hessian' || statistics.gradient === null || statistics.hessian === null) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: needs statistics at level 'hessian', got '${statistics.level}'`);
  }
  if (coefficients.length !== nParams) {
    throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: coefficients should hold ${nParams} values, got ${coefficients.length}`);
  }
  const l2 = numberOption(options.l2, 0, 'l2', 0, Number.MAX_VALUE, caller);
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
