// Profile-likelihood confidence intervals of a softmax fit (profileConfint with a SoftmaxFit): each
// coefficient of the reported parameterization is a linear form θ = aᵀβ of the free
// (reference-form) coefficients β, and the ends of its interval are the roots of the signed root
// deviance of fits held on the hyperplane aᵀβ = b (src/objective/constrained.ts).
import { SoftlogitError } from '../errors.js';
import { classOffset, referenceFormOffset, type ClassOffset } from '../input/classOffset.js';
import { toRowSource, toRowVector, type DesignInput } from '../input/design.js';
import { checkOptionKeys, optionKeysOf } from '../input/optionKeys.js';
import { parameterizationOption } from '../input/options.js';
import { toMultinomialData, type MultinomialResponse } from '../input/softmaxResponse.js';
import { scaleMultinomialData, smallestPositive, weightScale } from '../input/weightScale.js';
import { levelOption } from '../inference/prediction.js';
import { Matrix } from '../matrix.js';
import { LinearConstraintObjective } from '../objective/constrained.js';
import { SoftmaxObjective } from '../objective/softmax.js';
import { newton } from '../solver/newton.js';
import { normalQuantile } from '../special.js';
import { DesignBuffer } from '../wasm/design.js';
import { getRuntime } from '../wasm/module.js';
import { solveEnd } from './profileRoot.js';
import type { Parameterization, SoftmaxFit, SoftmaxIntervals } from './softmaxFit.js';

/** Options of profileConfint for a SoftmaxFit: the level, the parameterization, and the rows' weights and offset as at the fit. */
export interface SoftmaxProfileConfintOptions {
  /** Confidence level (default 0.95). */
  level?: number;
  /** The coefficients to profile: those of this form (default the fit's parameterization). */
  parameterization?: Parameterization;
  /** Per-row prior weights, as at the fit. */
  weights?: ArrayLike<number>;
  /** Per-row and class offsets, as at the fit. */
  offset?: ClassOffset;
}

/** Every key of SoftmaxProfileConfintOptions. */
export const SOFTMAX_PROFILE_OPTION_KEYS = optionKeysOf<SoftmaxProfileConfintOptions>()(['level', 'parameterization', 'weights', 'offset']);

/**
 * Newton on each constrained refit stops at this tolerance (λ² ≤ tol (|f| + 1)) and then polishes
 * to rounding, as fitSoftmax does: the deviance is then within ~1e-13 relative of its minimum,
 * what ROOT_TOLERANCE (src/models/profileRoot.ts) assumes.
 */
const REFIT_TOLERANCE = 1e-13;
const REFIT_MAX_ITERATIONS = 200;

/**
 * Profile-likelihood intervals of a softmax fit, p x K matrices as SoftmaxFit.confint's (see
 * profileConfint, which calls it and documents the method). O(p K × 2 × ~10 refits), each refit a
 * few Newton steps warm-started from the last.
 * @internal
 * @example softmaxProfileConfint(fit, X, labels, { weights }, 'profileConfint').lower.get(1, 1) // => 0.16948… (housing)
 */
export function softmaxProfileConfint(
  fit: SoftmaxFit, X: DesignInput, y: MultinomialResponse, options: SoftmaxProfileConfintOptions, caller: string,
): SoftmaxIntervals {
  checkOptionKeys(options, caller, SOFTMAX_PROFILE_OPTION_KEYS);
  if (fit.l2 > 0 || fit.aliased.length > 0) {
    throw new SoftlogitError('BAD_MODEL', `${caller}: profile intervals need an unpenalized maximum-likelihood fit with no aliased columns`);
  }
  const level = levelOption(options.level, caller);
  const parameterization = parameterizationOption(options.parameterization ?? fit.parameterization, caller);
  const runtime = getRuntime(caller);
  const source = toRowSource(X, caller);
  const p = fit.names.length;
  const shift = fit.intercept ? 1 : 0;
  if (source.nFeatures !== p - shift) {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: X should have ${p - shift} columns (${fit.names.slice(shift).join(', ')}), got ${source.nFeatures}`);
  }
  const n = source.nRows;
  const weights = options.weights !== undefined ? toRowVector(options.weights, n, 'weights', caller) : null;
  const data = toMultinomialData(y, n, weights, { classes: fit.classes, reference: fit.reference }, caller);
  const K = data.classes.length;
  const offset = options.offset !== undefined ? classOffset(options.offset, n, K, caller) : null;
  const q = p * (K - 1);
  // The free coefficients, class-major (free class c = internal class c + 1), as the objective takes them.
  const B = fit.baseline;
  const estimate = new Float64Array(q);
  for (let c = 0; c < K - 1; c++) for (let j = 0; j < p; j++) estimate[c * p + j] = B.get(j, c);

  const design = DesignBuffer.copy(runtime, source, fit.intercept, caller);
  const scale = weightScale(smallestPositive(data.counts), data.classTotals.reduce((a, b) => a + b, 0));
  let objective: SoftmaxObjective | undefined;
  try {
    objective = new SoftmaxObjective({
      design, nClasses: K, counts: scaleMultinomialData(data, scale).counts, l2: 0, interceptIndex: fit.intercept ? 0 : -1,
      offset: offset ? referenceFormOffset(offset, n, data.internalOrder, design.nRowsPadded) : null,
    });
    const base = objective;
    const solverOptions = { tol: REFIT_TOLERANCE, maxIter: REFIT_MAX_ITERATIONS };
    // The unconstrained minimum, polished from the fit's estimate with the same objective the
    // constrained refits use (so that D(b) − D̂ is a difference of like numbers).
    const optimum = newton(base, estimate, solverOptions);
    const minimum = optimum.value;
    // The model covariance there (whatever covariance the fit reports): the Wald scale of the brackets.
    const covariance = base.inverseHessian().map((v) => v / scale);
    const lower = new Matrix(p, K);
    const upper = new Matrix(p, K);
    const q0 = normalQuantile(0.5 + level / 2);
    const freeOf = (k: number) => data.internalOrder.indexOf(k) - 1; // free class of user class k (−1: the reference)
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < K; k++) {
        const form = new Float64Array(q);
        if (parameterization === 'reference') {
          if (k === data.referenceIndex) continue; // fixed at 0: the interval [0, 0], as confint's
          form[freeOf(k) * p + j] = 1;
        } else {
          // w_jk = β_jk − (1/K) Σ_l β_jl, β_j,reference = 0
          for (let c = 0; c < K - 1; c++) form[c * p + j] = -1 / K;
          if (k !== data.referenceIndex) form[freeOf(k) * p + j] += 1;
        }
        const constrained = new LinearConstraintObjective(base, form);
        let center = 0;
        for (let i = 0; i < q; i++) center += form[i]! * optimum.coefficients[i]!;
        let se = 0;
        for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) se += form[a]! * covariance[a * q + b]! * form[b]!;
        se = Math.sqrt(se);
        let start = constrained.free(optimum.coefficients);
        const z = (b: number): number => {
          constrained.setTarget(b);
          const result = newton(constrained, start, solverOptions);
          start = result.coefficients;
          return Math.sign(b - center) * Math.sqrt(Math.max(0, 2 * scale * (result.value - minimum)));
        };
        const scaleOf = Number.isFinite(se) && se > 0 ? se : Math.max(1, Math.abs(center));
        const label = `${String(fit.classes[k])}:${fit.names[j]}`;
        lower.data[j * K + k] = solveEnd(z, center, -q0, scaleOf, caller, label);
        start = constrained.free(optimum.coefficients);
        upper.data[j * K + k] = solveEnd(z, center, q0, scaleOf, caller, label);
      }
    }
    return { lower, upper, level };
  } finally {
    objective?.dispose();
    design.free();
  }
}
