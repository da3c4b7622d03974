// fitLogistic: validate the input, copy X into WebAssembly memory once, run Newton on the
// logistic objective, and build the LogisticFit.
import { SoftlogitError } from '../errors.js';
import { fitCounts } from '../inference.js';
import { LogisticObjective } from '../objective/logistic.js';
import { defaultHessianSubsample, newtonFromSubsample } from '../solver/newton.js';
import { DesignBuffer } from '../wasm/design.js';
import { threadTeam } from '../threads/pool.js';
import { getRuntime } from '../wasm/module.js';
import { toBinomialData, xlogx, type BinaryResponse, type BinomialData } from '../input/binaryResponse.js';
import { featureNames, forEachDesignRow, toRowSource, toRowVector, type DesignInput, type RowSource } from '../input/design.js';
import { LogisticFit } from './logisticFit.js';
import { choleskyInPlace, solveLowerInPlace, solveLowerTransposedInPlace } from '../matrix.js';
import { COMMON_FIT_OPTION_KEYS, collinearError, convergenceWarning, newtonOptions, resolveOptions, type CommonFitOptions } from '../input/options.js';
import { checkOptionKeys, optionKeysOf } from '../input/optionKeys.js';
import { firthNewton, firthNullLogLik, firthOption } from '../remedies/firth.js';
import { logisticSeparation } from '../remedies/separation.js';
import { fitLogisticDropping, singularMode } from '../remedies/singular.js';
import { checkFitSize } from './capacity.js';
import { scaleBinomialData, unscaledProgress, weightScale } from '../input/weightScale.js';
import { COVARIANCE_OPTION_KEYS, covarianceOption, logisticSandwich, type CovarianceOptions } from '../inference/robust.js';

export interface LogisticOptions extends CommonFitOptions, CovarianceOptions {
  /** Per-row offset added to the linear predictor (known log-odds). */
  offset?: ArrayLike<number>;
  /**
   * Firth's bias-reduced logistic regression (default false): solves the adjusted score equations
   * Xᵀ(y − p + h(½ − p)) = 0, the maximum of logLik + ½ log det(XᵀWX), as R's logistf and brglm2
   * (type = "AS_mean"); finite even on separated data. See src/models/firth.ts.
   */
  firth?: boolean;
}

/** Every key of LogisticOptions (the compiler checks the list against the interface). */
export const LOGISTIC_OPTION_KEYS = optionKeysOf<LogisticOptions>()([...COMMON_FIT_OPTION_KEYS, ...COVARIANCE_OPTION_KEYS, 'offset', 'firth']);

/** fitSoftmax options that a binary fit cannot honour, with the reason shown to the user. */
const NOT_FOR_LOGISTIC = {
  classes: 'a binary fit has the two outcomes 0 and 1; class order is a fitSoftmax option (use fitSoftmax for labels)',
  reference: 'a binary fit always models P(y = 1) against 0; reference is a fitSoftmax option',
  parameterization: 'a binary fit has one coefficient vector; parameterization is a fitSoftmax option (see logisticToSoftmax)',
} as const;

/**
 * Fits a binary logistic regression P(y = 1 | x) = σ(xᵀβ) by maximum likelihood (Newton's
 * method with step halving, to the exact MLE), with the data copied once into WebAssembly memory.
 *
 * logLik = Σᵢ wᵢ [sᵢ log pᵢ + fᵢ log(1 − pᵢ) + log C(sᵢ + fᵢ, sᵢ)] (the binomial coefficient
 * only for a counts response, as R's glm); deviance = 2 (logLik_saturated − logLik);
 * AIC = −2 logLik + 2p; BIC = −2 logLik + p log(n), n = rows with non-zero weight.
 * Cost per iteration: one pass over X, O(n p²) flops for the Hessian.
 *
 * @param X rows (`number[][]`), a Matrix, or `{ data: Float64Array (row-major), nRows, nFeatures }`
 * @param y 0/1 or booleans per row, or `{ successes, failures }` per row (R's cbind(s, f))
 * @throws {SoftlogitError} `NOT_INITIALIZED` before `await init()`; `EMPTY_INPUT`, `RAGGED_ROWS`,
 *   `LENGTH_MISMATCH`, `NON_FINITE`, `BAD_RESPONSE`, `BAD_WEIGHTS`, `BAD_COUNTS`, `ONE_CLASS`,
 *   `TOO_FEW_ROWS`, `COLLINEAR` (names the aliased column), `BAD_OPTION`, `TOO_LARGE`.
 * @example
 * await init();
 * const fit = fitLogistic(rows.map((r) => [r.gre, r.gpa]), rows.map((r) => r.admit), { names: ['gre', 'gpa'] });
 * fit.coefficients // => Float64Array [-4.949378062622546, 0.002690683595964, 0.754686855962933]
 */
export function fitLogistic(X: DesignInput, y: BinaryResponse, options: LogisticOptions = {}): LogisticFit {
  const caller = 'fitLogistic';
  checkOptionKeys(options, caller, LOGISTIC_OPTION_KEYS, NOT_FOR_LOGISTIC);
  const runtime = getRuntime(caller);
  let data: BinomialData | undefined;
  const resolved = resolveOptions(options, caller, (value) => 2 * (value + (data?.saturatedLogLik ?? 0)));
  const firth = firthOption(options.firth, resolved.l2, caller);
  if (singularMode(options.singular, caller) === 'drop') return fitLogisticDropping(X, y, options, fitLogistic, (json) => LogisticFit.fromJSON(json));
  const source = toRowSource(X, caller);
  // The team first: with threads the design goes into the pool's shared memory, which the size check must see.
  const team = threadTeam(resolved.threads, caller, resolved.warn);
  checkFitSize(team?.runtime ?? runtime, source.nRows, source.nFeatures, resolved.intercept, 0, options.offset !== undefined, caller, team?.size ?? 1);
  const n = source.nRows;
  const weights = options.weights !== undefined ? toRowVector(options.weights, n, 'weights', caller) : null;
  const offset = options.offset !== undefined ? toRowVector(options.offset, n, 'offset', caller) : null;
  data = toBinomialData(y, n, weights, caller);
  const robust = covarianceOption(options, n, caller);
  if (robust.type !== 'model' && (firth || resolved.l2 > 0)) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: covariance '${robust.type}' is the sandwich of a maximum-likelihood fit; not with ${firth ? 'firth' : 'l2'}`);
  }
  const names = featureNames(options.names, source.nFeatures, resolved.intercept, caller);
  const p = names.length;
  if (p === 0) throw new SoftlogitError('BAD_SHAPE', `${caller}: the model has no coefficients (X has no columns and intercept is false)`);
  if (data.nInformative < p && resolved.l2 === 0) {
    throw new SoftlogitError(
      'TOO_FEW_ROWS',
      `${caller}: ${p} coefficients need at least ${p} rows with non-zero weight, got ${data.nInformative}`,
    );
  }

  const design = DesignBuffer.copy(team?.runtime ?? runtime, { ...source, names: names.slice(resolved.intercept ? 1 : 0), fillRows: source.fillRows }, resolved.intercept, caller, team ?? undefined);
  // Solve with the weights divided by a power of two near the smallest (src/input/weightScale.ts),
  // not for Firth, whose estimate depends on the scale of the weights.
  const scale = firth ? 1 : weightScale(data.minTrials, data.totalTrials);
  const solved = scaleBinomialData(data, scale);
  let objective: LogisticObjective | undefined;
  try {
    objective = new LogisticObjective({
      design, successes: solved.successes, trials: solved.trials, offset, l2: resolved.l2 / scale,
      interceptIndex: resolved.intercept ? 0 : -1, kernels: team ?? undefined,
    });
    // Start: the intercept-only MLE given the offset (with none, logit(Σs/Σt)), slopes 0; with an
    // offset and no intercept, R glm's first step. A start that ignored a large offset would put
    // every η in the tens or hundreds, where the weights p(1 − p) underflow and the first Newton
    // step is meaningless. (The totals lose rows of weight 1 next to one of 1e16; then the
    // log-odds can come out infinite, and the intercept starts at 0.)
    const start = resolved.intercept || !offset ? new Float64Array(p) : leastSquaresStart(source, data, offset, p);
    if (resolved.intercept) {
      const startIntercept = interceptGivenOffset(data, offset);
      if (Number.isFinite(startIntercept)) start[0] = startIntercept;
    }
    const solverOptions = unscaledProgress(newtonOptions(resolved), scale);
    const result = firth
      ? firthNewton(objective, start, { ...solverOptions, source, intercept: resolved.intercept, trials: data.trials })
      : newtonFromSubsample(objective, start, solverOptions, defaultHessianSubsample(design.nPanels));
    if (result.aliased !== undefined && result.iterations === 0) throw collinearError(caller, names, result.aliased);
    const warning = convergenceWarning(caller, result, resolved.maxIter);
    const warnings = warning === null ? [] : [warning];
    const separation = firth ? null : logisticSeparation(caller, result, objective.newtonDirection(), objective.linearPredictorView(), solved, source, names, resolved, warnings);
    const coefficients = result.coefficients;
    let covariance = objective.inverseHessian();
    if (scale !== 1) for (let i = 0; i < covariance.length; i++) covariance[i] = covariance[i]! / scale;
    let clusters: number | undefined;
    if (robust.type !== 'model') {
      ({ covariance, clusters } = logisticSandwich({
        source, successes: data.successes, trials: data.trials, offset, coefficients, covariance,
        intercept: resolved.intercept, type: robust.type, cluster: robust.cluster,
      }));
    }
    const penalty = resolved.l2 > 0 ? penaltyOf(coefficients, resolved.l2, resolved.intercept) : 0;
    const logLikKernel = -(result.value * scale - penalty);
    const logLik = logLikKernel + data.logLikConstant;
    const deviance = 2 * (data.saturatedLogLik - logLikKernel);
    const nullDeviance = 2 * (data.saturatedLogLik - (firth ? firthNullLogLik : nullLogLik)(data, offset, resolved.intercept));
    for (const w of warnings) resolved.warn(w);
    return new LogisticFit({
      names,
      intercept: resolved.intercept,
      coefficients,
      covariance,
      logLik,
      deviance,
      nullDeviance,
      ...fitCounts(logLik, p, data.nInformative, 2),
      dfNull: data.nInformative - (resolved.intercept ? 1 : 0),
      iterations: result.iterations,
      converged: result.converged,
      l2: resolved.l2,
      warnings,
      separation,
      firth,
      responseTotals: [data.totalTrials - data.totalSuccesses, data.totalSuccesses],
      ...(robust.type !== 'model' ? { covarianceType: robust.type, clusters: robust.cluster ? clusters! : 0 } : {}),
    });
  } finally {
    objective?.dispose();
    design.free();
    team?.dispose();
  }
}

function penaltyOf(coefficients: Float64Array, l2: number, intercept: boolean): number {
  let sum = 0;
  for (let j = intercept ? 1 : 0; j < coefficients.length; j++) sum += coefficients[j]! ** 2;
  return 0.5 * l2 * sum;
}

/** Bernoulli/binomial kernel −s log(1 + e^−η) − (t − s) log(1 + e^η) for one row. */
function rowLogLik(s: number, t: number, eta: number): number {
  return -s * log1pexp(-eta) - (t - s) * log1pexp(eta);
}

function log1pexp(x: number): number {
  if (x <= -37) return Math.exp(x);
  if (x <= 18) return Math.log1p(Math.exp(x));
  if (x <= 33.3) return x + Math.exp(-x);
  return x;
}

/**
 * Log-likelihood kernel of the null model: η = offset (no intercept), or η = α + offset with α
 * the MLE (closed form logit(Σs/Σt) without an offset; scalar Newton with one).
 */
function nullLogLik(data: BinomialData, offset: Float64Array | null, intercept: boolean): number {
  const { successes: s, trials: t } = data;
  const n = s.length;
  const total = (alpha: number) => {
    let ll = 0;
    for (let i = 0; i < n; i++) if (t[i]! > 0) ll += rowLogLik(s[i]!, t[i]!, alpha + (offset ? offset[i]! : 0));
    return ll;
  };
  if (!intercept) return total(0);
  const sumS = data.totalSuccesses;
  const sumT = data.totalTrials;
  // Without an offset the null MLE is p̂ = Σs/Σt and its logLik kernel has the closed form
  // S log p̂ + F log(1 − p̂): no pass over the rows.
  if (!offset) return xlogx(sumS, sumT) + xlogx(sumT - sumS, sumT);
  return total(interceptGivenOffset(data, offset));
}

/** Safeguarded scalar Newton: at most this many steps (each halves the bracket at worst: 2^-200 of any start bracket). */
const INTERCEPT_MAX_STEPS = 200;

/**
 * The intercept-only MLE α given the offset: the root of g(α) = Σᵢ tᵢ σ(α + oᵢ) − Σᵢ sᵢ (the
 * fitted total equals the observed one). Without an offset, logit(Σs/Σt) in closed form. With
 * one, Newton's method on g (increasing in α, g' = Σ tᵢ pᵢ(1 − pᵢ)) from logit(Σs/Σt) minus the
 * weighted mean offset — the root itself for a constant offset — kept inside a bracket of the
 * root and bisecting when a step would leave it (far from the root g' underflows and a plain
 * Newton step is meaningless). Requires 0 < Σs < Σt.
 */
function interceptGivenOffset(data: BinomialData, offset: Float64Array | null): number {
  const { successes: s, trials: t } = data;
  const sumS = data.totalSuccesses;
  const sumT = data.totalTrials;
  const logit = Math.log(sumS / (sumT - sumS));
  if (!offset) return logit;
  const n = s.length;
  let meanOffset = 0;
  for (let i = 0; i < n; i++) if (t[i]! > 0) meanOffset += t[i]! * offset[i]!;
  let alpha = logit - meanOffset / sumT;
  // g(α) and g'(α); g from the side of the smaller of Σ t p and Σ t (1 − p), so that neither
  // cancels when nearly all probabilities are 0 or 1.
  const evaluate = (a: number): { g: number; slope: number } => {
    let fitted = 0;
    let fittedComplement = 0;
    let slope = 0;
    for (let i = 0; i < n; i++) {
      const ti = t[i]!;
      if (!(ti > 0)) continue;
      const eta = a + offset[i]!;
      const z = Math.exp(-Math.abs(eta));
      const q = 1 / (1 + z);
      fitted += ti * (eta >= 0 ? q : z * q);
      fittedComplement += ti * (eta >= 0 ? z * q : q);
      slope += ti * z * q * q;
    }
    return { g: fitted <= fittedComplement ? fitted - sumS : sumT - sumS - fittedComplement, slope };
  };
  let lo = -Infinity;
  let hi = Infinity;
  for (let k = 0; k < INTERCEPT_MAX_STEPS; k++) {
    const { g, slope } = evaluate(alpha);
    if (g === 0) break;
    if (g < 0) lo = alpha;
    else hi = alpha;
    let next = alpha - g / slope;
    if (!(next > lo && next < hi)) {
      // outside the bracket (or g' = 0): bisect, or widen the bracket while it is open
      if (Number.isFinite(lo) && Number.isFinite(hi)) next = 0.5 * (lo + hi);
      else next = g < 0 ? alpha + Math.max(1, Math.abs(alpha)) : alpha - Math.max(1, Math.abs(alpha));
    }
    if (Math.abs(next - alpha) <= 1e-15 * (1 + Math.abs(alpha))) {
      alpha = next;
      break;
    }
    alpha = next;
  }
  return alpha;
}

/**
 * The start for a model with an offset and no intercept (no single coefficient can absorb the
 * offset): R glm's first iteration, the weighted least-squares fit of z = logit(μ) − offset on X
 * with weights t μ(1 − μ), μ = (s + ½)/(t + 1) (glm's mustart for binomial data). One pass over
 * the rows, O(n p²). Returns zeros when XᵀWX is not positive definite (the solver then reports
 * the collinear columns itself).
 */
function leastSquaresStart(source: RowSource, data: BinomialData, offset: Float64Array, p: number): Float64Array {
  const { successes: s, trials: t } = data;
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  forEachDesignRow(source, false, (r, x) => {
    const tr = t[r]!;
    if (!(tr > 0)) return;
    const mu = (s[r]! + 0.5) / (tr + 1);
    const w = tr * mu * (1 - mu);
    const z = Math.log(mu / (1 - mu)) - offset[r]!;
    for (let i = 0; i < p; i++) {
      const wx = w * x[i]!;
      rhs[i] = rhs[i]! + wx * z;
      for (let j = 0; j <= i; j++) gram[i * p + j] = gram[i * p + j]! + wx * x[j]!;
    }
  });
  // Cholesky of the lower triangle, then the two triangular solves leave the solution in rhs
  if (choleskyInPlace(gram, p) >= 0) return new Float64Array(p);
  solveLowerInPlace(gram, p, rhs);
  solveLowerTransposedInPlace(gram, p, rhs);
  return Number.isFinite(rhs.reduce((a, b) => a + b, 0)) ? rhs : new Float64Array(p);
}
