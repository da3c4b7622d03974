// fitSoftmax: validate the input, copy X into WebAssembly memory once, run Newton on the
// softmax objective in the reference-class form, and build the SoftmaxFit.
import { SoftlogitError } from '../errors.js';
import { scaleMultinomialData, smallestPositive, unscaledProgress, weightScale } from '../input/weightScale.js';
import { fitCounts } from '../inference.js';
import { SoftmaxObjective } from '../objective/softmax.js';
import { defaultHessianSubsample, newtonFromSubsample } from '../solver/newton.js';
import { DesignBuffer } from '../wasm/design.js';
import { threadTeam } from '../threads/pool.js';
import { getRuntime } from '../wasm/module.js';
import { featureNames, toRowSource, toRowVector, type DesignInput } from '../input/design.js';
import { COMMON_FIT_OPTION_KEYS, collinearError, convergenceWarning, newtonOptions, parameterizationOption, resolveOptions, type CommonFitOptions } from '../input/options.js';
import { checkOptionKeys, optionKeysOf } from '../input/optionKeys.js';
import { SoftmaxFit, type Parameterization } from './softmaxFit.js';
import { softmaxSeparation } from '../remedies/separation.js';
import { fitSoftmaxDropping, singularMode } from '../remedies/singular.js';
import { checkFitSize } from './capacity.js';
import { choleskyInPlace, solveLowerInPlace, solveLowerTransposedInPlace } from '../matrix.js';
import { COVARIANCE_OPTION_KEYS, covarianceOption, softmaxSandwich, type CovarianceOptions } from '../inference/robust.js';
import { toMultinomialData, type ClassLabel, type MultinomialData, type MultinomialResponse } from '../input/softmaxResponse.js';
import { classOffset, referenceFormOffset, type ClassOffset } from '../input/classOffset.js';

export interface SoftmaxOptions extends CommonFitOptions, CovarianceOptions {
  /** Class order (the columns of W). Default: the sorted distinct labels, as R's factor levels. */
  classes?: readonly ClassLabel[];
  /** The reference (baseline) class; default the first class, as R multinom and statsmodels MNLogit. */
  reference?: ClassLabel;
  /** How coefficients are reported: 'reference' (default; reference column 0) or 'symmetric' (rows sum to 0, as glmnet). */
  parameterization?: Parameterization;
  /**
   * Known terms added to the linear predictors, η_ik = x_iᵀw_k + o_ik, as offsets on the linear
   * predictors of nnet::multinom and VGAM. Three forms: per row and class, n rows of K numbers in
   * `classes` order (or an n x K Matrix); per class, `{ perClass: [o_1, …, o_K] }` (or a plain
   * vector of K numbers when n ≠ K; with n = K a plain vector is ambiguous and refused); shared by
   * all classes, a plain vector of n numbers: refused, it cancels from the probabilities. Only
   * differences between classes matter (the fit uses o_ik − o_i,ref).
   * @example fitSoftmax(X, y, { offset: { perClass: [0, 0.5, 1] }, intercept: false })
   */
  offset?: ClassOffset;
}

/** Every key of SoftmaxOptions (the compiler checks the list against the interface). */
export const SOFTMAX_OPTION_KEYS = optionKeysOf<SoftmaxOptions>()([...COMMON_FIT_OPTION_KEYS, ...COVARIANCE_OPTION_KEYS, 'classes', 'reference', 'parameterization', 'offset']);

/** fitLogistic options that a softmax fit cannot honour, with the reason shown to the user. */
const NOT_FOR_SOFTMAX = {
  firth: "Firth's bias reduction is implemented for binary fits only; for two classes use fitLogistic(X, y, { firth: true })",
} as const;

/**
 * Fits a multinomial (softmax) regression P(k | x) = exp(xᵀw_k) / Σ_l exp(xᵀw_l) by maximum
 * likelihood: Newton's method with step halving on the K − 1 free columns (reference form), the
 * full p(K−1) Hessian built blockwise in WebAssembly.
 *
 * logLik = Σᵢ wᵢ [Σ_k y_ik log p_ik + log(m_i! / Π_k y_ik!)] (the multinomial coefficient only
 * for a counts response); deviance = 2 (logLik_saturated − logLik); AIC = −2 logLik + 2p(K − 1);
 * BIC uses n = rows with non-zero weight. With K = 2 this is the logistic model:
 * β = W[:, 1] − W[:, 0] (see `toLogistic()`).
 * Cost per iteration: one pass over X, O(n p² K²/2) flops for the Hessian.
 *
 * @param y one label per row (numbers or strings), or `{ counts }` an n x K matrix of counts
 * @throws {SoftlogitError} as fitLogistic, plus `UNKNOWN_LABEL`, `EMPTY_CLASS` (a declared class
 *   with no observations is an error, not dropped), `BAD_REFERENCE`, `ONE_CLASS` (fewer than 2 classes).
 * @example
 * await init();
 * const fit = fitSoftmax(X, species, { names: ['Sepal.Length', 'Sepal.Width'] });
 * fit.coefficients.get(0, 1) // intercept of the second class against the first
 */
export function fitSoftmax(X: DesignInput, y: MultinomialResponse, options: SoftmaxOptions = {}): SoftmaxFit {
  const caller = 'fitSoftmax';
  checkOptionKeys(options, caller, SOFTMAX_OPTION_KEYS, NOT_FOR_SOFTMAX);
  const runtime = getRuntime(caller);
  let data: MultinomialData | undefined;
  const resolved = resolveOptions(options, caller, (value) => 2 * (value + (data?.saturatedLogLik ?? 0)));
  if (singularMode(options.singular, caller) === 'drop') return fitSoftmaxDropping(X, y, options, fitSoftmax, (json) => SoftmaxFit.fromJSON(json));
  const parameterization = parameterizationOption(options.parameterization, caller);
  const source = toRowSource(X, caller);
  // The team first: with threads the design goes into the pool's shared memory, which the size check must see.
  const team = threadTeam(resolved.threads, caller, resolved.warn);
  checkFitSize(team?.runtime ?? runtime, source.nRows, source.nFeatures, resolved.intercept, Math.max(2, options.classes?.length ?? 2), false, caller, team?.size ?? 1);
  const n = source.nRows;
  const weights = options.weights !== undefined ? toRowVector(options.weights, n, 'weights', caller) : null;
  const responseOptions: { classes?: readonly ClassLabel[]; reference?: ClassLabel } = {};
  if (options.classes !== undefined) responseOptions.classes = options.classes;
  if (options.reference !== undefined) responseOptions.reference = options.reference;
  data = toMultinomialData(y, n, weights, responseOptions, caller);
  const K0 = data.classes.length;
  const offset = options.offset !== undefined ? classOffset(options.offset, n, K0, caller) : null;
  const robust = covarianceOption(options, n, caller);
  if (robust.type !== 'model' && resolved.l2 > 0) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: covariance '${robust.type}' is the sandwich of a maximum-likelihood fit; not with l2`);
  }
  const names = featureNames(options.names, source.nFeatures, resolved.intercept, caller);
  const p = names.length;
  const K = data.classes.length;
  const nParams = p * (K - 1);
  if (p === 0) throw new SoftlogitError('BAD_SHAPE', `${caller}: the model has no coefficients (X has no columns and intercept is false)`);
  if (data.nInformative < p && resolved.l2 === 0) {
    throw new SoftlogitError('TOO_FEW_ROWS', `${caller}: ${p} coefficients per class need at least ${p} rows with non-zero weight, got ${data.nInformative}`);
  }

  const design = DesignBuffer.copy(team?.runtime ?? runtime, { ...source, names: names.slice(resolved.intercept ? 1 : 0), fillRows: source.fillRows }, resolved.intercept, caller, team ?? undefined);
  // Solve with the weights divided by a power of two near the smallest (src/input/weightScale.ts).
  const scale = weightScale(smallestPositive(data.counts), data.classTotals.reduce((a, b) => a + b, 0));
  const solved = scaleMultinomialData(data, scale);
  let objective: SoftmaxObjective | undefined;
  try {
    const kernelOffset = offset ? referenceFormOffset(offset, n, data.internalOrder, design.nRowsPadded) : null;
    objective = new SoftmaxObjective({
      design, nClasses: K, counts: solved.counts, l2: resolved.l2 / scale, interceptIndex: resolved.intercept ? 0 : -1, kernels: team ?? undefined, offset: kernelOffset,
    });
    // Start: intercepts at the log odds of the pooled class shares against the reference.
    const start = new Float64Array(nParams);
    if (resolved.intercept) {
      const refTotal = data.classTotals[data.referenceIndex]!;
      for (let c = 1; c < K; c++) start[(c - 1) * p] = Math.log(data.classTotals[data.internalOrder[c]!]! / refTotal);
    }
    // Early iterations use a Hessian from a panel subsample; the exact one takes over near the
    // optimum and at the end (for the SEs): the same MLE, fewer full-Hessian passes.
    const result = newtonFromSubsample(objective, start, unscaledProgress(newtonOptions(resolved), scale), defaultHessianSubsample(design.nPanels));
    if (result.aliased !== undefined && result.iterations === 0) throw collinearError(caller, names, result.aliased % p);
    const warning = convergenceWarning(caller, result, resolved.maxIter);
    const warnings = warning === null ? [] : [warning];
    const separation = softmaxSeparation(
      caller, result, objective.newtonDirection(), objective.smallestWeightedProbability(), solved, source, names, resolved, warnings,
    );
    let covariance = objective.inverseHessian();
    if (scale !== 1) for (let i = 0; i < covariance.length; i++) covariance[i] = covariance[i]! / scale;
    let clusters: number | undefined;
    if (robust.type !== 'model') {
      ({ covariance, clusters } = softmaxSandwich({
        source, counts: data.counts, nClasses: K, coefficients: result.coefficients, covariance,
        intercept: resolved.intercept, type: robust.type, cluster: robust.cluster, offset: kernelOffset, offsetStride: design.nRowsPadded,
      }));
    }
    const logLikKernel = -scale * (result.value - objective.penalty());
    const logLik = logLikKernel + data.logLikConstant;
    // Re-order the free blocks from internal order (the reference removed, others in class
    // order) — internal order is already class order without the reference, so no permutation.
    const deviance = 2 * (data.saturatedLogLik - logLikKernel);
    const nullDeviance = 2 * (data.saturatedLogLik - (kernelOffset ? nullLogLikWithOffset(data, kernelOffset, design.nRowsPadded, resolved.intercept) : nullLogLik(data, resolved.intercept)));
    for (const w of warnings) resolved.warn(w);
    return new SoftmaxFit({
      names,
      intercept: resolved.intercept,
      classes: data.classes,
      referenceIndex: data.referenceIndex,
      parameterization,
      baseline: result.coefficients,
      covariance,
      logLik,
      deviance,
      nullDeviance,
      ...fitCounts(logLik, nParams, data.nInformative, K),
      iterations: result.iterations,
      converged: result.converged,
      l2: resolved.l2,
      warnings,
      separation,
      responseTotals: Array.from(data.classTotals),
      ...(robust.type !== 'model' ? { covarianceType: robust.type, clusters: robust.cluster ? clusters! : 0 } : {}),
    });
  } finally {
    objective?.dispose();
    design.free();
    team?.dispose();
  }
}

/** logLik kernel of the null model: pooled class shares with an intercept, 1/K without. */
function nullLogLik(data: MultinomialData, intercept: boolean): number {
  let total = 0;
  for (const t of data.classTotals) total += t;
  let ll = 0;
  for (const t of data.classTotals) ll += t > 0 ? t * Math.log(intercept ? t / total : 1 / data.classTotals.length) : 0;
  return ll;
}

/**
 * logLik kernel of the null model with an offset: η_ic = α_c + o_ic (free classes c, reference-form
 * offsets, α = 0 without an intercept), α the MLE by Newton with step halving on the K − 1
 * intercepts: score_c = Σᵢ (y_ic − tᵢ p_ic), information_cd = Σᵢ tᵢ p_ic (δ_cd − p_id); stops when
 * max |score| ≤ 1e-10 · Σ t or after 100 steps. One pass over the rows per step, O(n K²).
 */
function nullLogLikWithOffset(data: MultinomialData, offset: Float64Array, stride: number, intercept: boolean): number {
  const K = data.classes.length;
  const nFree = K - 1;
  const counts = data.counts;
  const n = counts.length / K;
  const prob = new Float64Array(K);
  const evaluate = (alpha: Float64Array, score: Float64Array | null, info: Float64Array | null): number => {
    let ll = 0;
    score?.fill(0);
    info?.fill(0);
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let k = 0; k < K; k++) t += counts[i * K + k]!;
      if (!(t > 0)) continue;
      let max = 0;
      for (let c = 0; c < nFree; c++) max = Math.max(max, alpha[c]! + offset[c * stride + i]!);
      let sum = Math.exp(-max);
      for (let c = 0; c < nFree; c++) sum += (prob[c + 1] = Math.exp(alpha[c]! + offset[c * stride + i]! - max));
      const lse = max + Math.log(sum);
      const y0 = counts[i * K]!;
      if (y0 !== 0) ll -= y0 * lse;
      for (let c = 0; c < nFree; c++) {
        const yc = counts[i * K + c + 1]!;
        if (yc !== 0) ll += yc * (alpha[c]! + offset[c * stride + i]! - lse);
        const pc = prob[c + 1]! / sum;
        if (score) score[c] += yc - t * pc;
        if (info) for (let d = 0; d < nFree; d++) info[c * nFree + d] += t * pc * ((c === d ? 1 : 0) - prob[d + 1]! / sum);
      }
    }
    return ll;
  };
  const alpha = new Float64Array(nFree);
  if (!intercept) return evaluate(alpha, null, null);
  let total = 0;
  for (const t of data.classTotals) total += t;
  const score = new Float64Array(nFree);
  const info = new Float64Array(nFree * nFree);
  let ll = evaluate(alpha, score, info);
  for (let iter = 0; iter < 100; iter++) {
    if (Math.max(...Array.from(score, Math.abs)) <= 1e-10 * total) break;
    if (choleskyInPlace(info, nFree) !== -1) break;
    const step = score.slice();
    solveLowerInPlace(info, nFree, step);
    solveLowerTransposedInPlace(info, nFree, step);
    let size = 1;
    let next = alpha.map((a, c) => a + step[c]!);
    let llNext = evaluate(next, score, info);
    while (!(llNext >= ll) && size > 1e-10) {
      size /= 2;
      next = alpha.map((a, c) => a + size * step[c]!);
      llNext = evaluate(next, score, info);
    }
    if (!(llNext >= ll)) break;
    alpha.set(next);
    ll = llNext;
  }
  return ll;
}
