// Profile-likelihood confidence intervals of a logistic fit, as MASS::confint.glm estimates them:
// each end is a root of the signed root deviance of fits with one coefficient held fixed. A
// SoftmaxFit goes to softmaxProfile.ts (VGAM's confint(method = "profile")).
import { SoftlogitError } from '../errors.js';
import { toBinomialData, type BinaryResponse } from '../input/binaryResponse.js';
import { forEachDesignRow, toRowSource, toRowVector, type DesignInput } from '../input/design.js';
import { checkOptionKeys, describeValue, optionKeysOf } from '../input/optionKeys.js';
import { levelOption } from '../inference/prediction.js';
import { normalQuantile } from '../special.js';
import { solveEnd } from './profileRoot.js';
import { fitLogistic } from './logistic.js';
import { LogisticFit } from './logisticFit.js';
import { SoftmaxFit, type SoftmaxIntervals } from './softmaxFit.js';
import { softmaxProfileConfint, type SoftmaxProfileConfintOptions } from './softmaxProfile.js';
import type { MultinomialResponse } from '../input/softmaxResponse.js';

export type { SoftmaxProfileConfintOptions } from './softmaxProfile.js';

/** Options of {@link profileConfint}: the level, and the rows' weights and offset as at the fit. */
export interface ProfileConfintOptions {
  /** Confidence level (default 0.95). */
  level?: number;
  /** Per-row prior weights, as at the fit. */
  weights?: ArrayLike<number>;
  /** Per-row offset, as at the fit. */
  offset?: ArrayLike<number>;
}

/** Every key of ProfileConfintOptions. */
export const PROFILE_CONFINT_OPTION_KEYS = optionKeysOf<ProfileConfintOptions>()(['level', 'weights', 'offset']);

/** Profile-likelihood intervals, one entry per coefficient (in `names` order). */
export interface ProfileIntervals {
  names: string[];
  lower: Float64Array;
  upper: Float64Array;
  level: number;
}


/**
 * Profile-likelihood confidence intervals of a maximum-likelihood logistic or softmax fit.
 *
 * Logistic: for coefficient j, with D̂ the fit's deviance and D(b) the deviance of the fit with
 * β_j held at b (its column moved into the offset; for the intercept, a fit without intercept and
 * offset + b), the signed root z(b) = sign(b − β̂_j)√(D(b) − D̂) is increasing in b, and the ends
 * of the interval are its roots z(b) = ±Φ⁻¹((1 + level)/2). Unlike the Wald interval
 * (`fit.confint`), it follows the shape of the likelihood, so it is not symmetric about β̂ on the
 * logit scale. Returns one entry per coefficient (`names` order).
 *
 * Softmax: the same for every coefficient of the reported parameterization (the fit's, or
 * `options.parameterization`), each a linear form θ = aᵀβ of the free reference-form coefficients
 * β; D(b) is the deviance of the fit held on aᵀβ = b (Newton on the other coordinates). Reference
 * form: θ = one free coefficient (R VGAM's confint(fit, method = "profile") and the uniroot roots
 * of constrained vglm refits); the reference class's column is fixed at 0 and reported as [0, 0],
 * as `fit.confint` does. Symmetric form: θ = w_jk = β_jk − (1/K) Σ_l β_jl, identified by the
 * sum-to-zero constraint, profiled on its hyperplane (checked against constrained vglm refits).
 * Returns p x K matrices `lower` and `upper`, as SoftmaxFit.confint.
 *
 * Root finding (src/models/profileRoot.ts): each end is bracketed from the Wald end θ̂ ± z·se
 * (widened by doubling the distance), then found by the Illinois variant of regula falsi on
 * z(b) ∓ z, which keeps the bracket and converges superlinearly; it stops when the bracket or the
 * step is within 1e-11 · (|b| + se), ROOT_TOLERANCE: the refits run to tol 1e-13 and a rounding
 * polish, so D(b) is known to ~1e-13 relative and z(b) to ~1e-11, and the ends agree with the
 * exact roots to ~1e-10 relative (measured against R's uniroot at tol 1e-13: within 1e-8 in the
 * tests). MASS::confint.glm and VGAM interpolate a spline through a profile grid instead and are
 * ~1e-5 relative from the roots. A fit does not keep its rows: pass X, y and the fit's `weights`
 * and `offset` again. Cost: about 2 × coefficients × 10 refits.
 *
 * @throws {SoftlogitError} `BAD_MODEL` for anything but a LogisticFit or SoftmaxFit, and for
 *   ridge, Firth or `singular: 'drop'` fits (their likelihood is not the one profiled), or a
 *   profile that does not reach the level (separation); `BAD_OPTION`; the checks of fitLogistic /
 *   fitSoftmax on X, y, weights, offset.
 * @example
 * const ci = profileConfint(fit, X, y); // R confint(glm) / MASS::confint.glm roots, UCLA:
 * ci.lower[1] // => 0.000137579623... (gre; MASS's spline gives 0.000137592)
 * const soft = profileConfint(softmaxFit, X, labels, { weights }); // MASS housing, VGAM:
 * soft.lower.get(1, 1) // => 0.169482169... (InflMedium, class Medium; VGAM's spline gives 0.1694826)
 */
export function profileConfint(fit: LogisticFit, X: DesignInput, y: BinaryResponse, options?: ProfileConfintOptions): ProfileIntervals;
export function profileConfint(fit: SoftmaxFit, X: DesignInput, y: MultinomialResponse, options?: SoftmaxProfileConfintOptions): SoftmaxIntervals;
export function profileConfint(
  fit: LogisticFit | SoftmaxFit, X: DesignInput, y: BinaryResponse | MultinomialResponse, options: ProfileConfintOptions | SoftmaxProfileConfintOptions = {},
): ProfileIntervals | SoftmaxIntervals {
  const caller = 'profileConfint';
  if (fit instanceof SoftmaxFit) return softmaxProfileConfint(fit, X, y as MultinomialResponse, options as SoftmaxProfileConfintOptions, caller);
  if (!(fit instanceof LogisticFit)) {
    throw new SoftlogitError('BAD_MODEL', `${caller}: fit should be a LogisticFit (from fitLogistic) or a SoftmaxFit (from fitSoftmax), got ${describeValue(fit)}`);
  }
  return logisticProfileConfint(fit, X, y as BinaryResponse, options as ProfileConfintOptions, caller);
}

/** profileConfint of a LogisticFit. */
function logisticProfileConfint(fit: LogisticFit, X: DesignInput, y: BinaryResponse, options: ProfileConfintOptions, caller: string): ProfileIntervals {
  checkOptionKeys(options, caller, PROFILE_CONFINT_OPTION_KEYS);
  if (fit.l2 > 0 || fit.firth || fit.aliased.length > 0) {
    throw new SoftlogitError('BAD_MODEL', `${caller}: profile intervals need an unpenalized maximum-likelihood fit with no aliased columns`);
  }
  const level = levelOption(options.level, caller);
  const source = toRowSource(X, caller);
  const shift = fit.intercept ? 1 : 0;
  const p = fit.names.length;
  if (source.nFeatures !== p - shift) {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: X should have ${p - shift} columns (${fit.names.slice(shift).join(', ')}), got ${source.nFeatures}`);
  }
  const n = source.nRows;
  const weights = options.weights !== undefined ? toRowVector(options.weights, n, 'weights', caller) : undefined;
  const baseOffset = options.offset !== undefined ? toRowVector(options.offset, n, 'offset', caller) : new Float64Array(n);
  const design = new Float64Array(n * p);
  forEachDesignRow(source, fit.intercept, (r, x) => { design.set(x, r * p); });
  const beta = fit.coefficients;
  const se = fit.standardErrors;
  const q = normalQuantile(0.5 + level / 2);
  const deviance = fit.deviance;
  const lower = new Float64Array(p);
  const upper = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    // The other columns, without the design's intercept column (fitLogistic adds it back unless j is the intercept).
    const keep: number[] = [];
    for (let k = shift; k < p; k++) if (k !== j) keep.push(k);
    const intercept = shift === 1 && j !== 0;
    const reduced = { data: new Float64Array(n * keep.length), nRows: n, nFeatures: keep.length };
    for (let r = 0; r < n; r++) keep.forEach((k, c) => { reduced.data[r * keep.length + c] = design[r * p + k]!; });
    const z = (b: number): number => {
      const offset = new Float64Array(n);
      for (let r = 0; r < n; r++) offset[r] = baseOffset[r]! + design[r * p + j]! * b;
      const constrainedDeviance = keep.length === 0 && !intercept
        ? fixedDeviance(y, weights, offset, caller)
        : fitLogistic(reduced, y, { intercept, offset, tol: 1e-13, maxIter: 200, ...(weights ? { weights } : {}), onWarning: () => {} }).deviance;
      return Math.sign(b - beta[j]!) * Math.sqrt(Math.max(0, constrainedDeviance - deviance));
    };
    const scale = Number.isFinite(se[j]!) && se[j]! > 0 ? se[j]! : Math.max(1, Math.abs(beta[j]!));
    lower[j] = solveEnd(z, beta[j]!, -q, scale, caller, fit.names[j]!);
    upper[j] = solveEnd(z, beta[j]!, q, scale, caller, fit.names[j]!);
  }
  return { names: [...fit.names], lower, upper, level };
}

/** The deviance of η = offset with no coefficient left (the intercept of an intercept-only model held fixed). */
function fixedDeviance(y: BinaryResponse, weights: Float64Array | undefined, offset: Float64Array, caller: string): number {
  const data = toBinomialData(y, offset.length, weights ?? null, caller, false);
  let sum = 0;
  for (let i = 0; i < offset.length; i++) {
    const t = data.trials[i]!;
    if (!(t > 0)) continue;
    const s = data.successes[i]!;
    const mu = 1 / (1 + Math.exp(-offset[i]!));
    sum += (s > 0 ? s * Math.log(s / (t * mu)) : 0) + (t - s > 0 ? (t - s) * Math.log((t - s) / (t * (1 - mu))) : 0);
  }
  return 2 * sum;
}
