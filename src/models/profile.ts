// Profile-likelihood confidence intervals of a logistic fit, as MASS::confint.glm estimates them:
// each end is a root of the signed root deviance of fits with one coefficient held fixed.
import { SoftlogitError } from '../errors.js';
import { toBinomialData, type BinaryResponse } from '../input/binaryResponse.js';
import { forEachDesignRow, toRowSource, toRowVector, type DesignInput } from '../input/design.js';
import { checkOptionKeys, describeValue, optionKeysOf } from '../input/optionKeys.js';
import { levelOption } from '../inference/prediction.js';
import { normalQuantile } from '../special.js';
import { fitLogistic } from './logistic.js';
import { LogisticFit } from './logisticFit.js';

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
 * The end of an interval is solved to |Δb| ≤ this · (|b| + se): the signed root z(b) is known to
 * ~1e-11 (deviances within ~1e-13 relative of ~500, divided by 2z ≈ 4), so bisection-safe secant
 * steps stop well inside the 1e-6 the tests ask and far inside the ~1e-5 of MASS's spline.
 */
const ROOT_TOLERANCE = 1e-11;

/**
 * Profile-likelihood confidence intervals of a maximum-likelihood logistic fit. For coefficient j,
 * with D̂ the fit's deviance and D(b) the deviance of the fit with β_j held at b (its column moved
 * into the offset; for the intercept, a fit without intercept and offset + b), the signed root
 * z(b) = sign(b − β̂_j)√(D(b) − D̂) is increasing in b, and the ends of the interval are its roots
 * z(b) = ±Φ⁻¹((1 + level)/2). Unlike the Wald interval (`fit.confint`), it follows the shape of
 * the likelihood, so it is not symmetric about β̂ on the logit scale.
 *
 * Root finding: each end is bracketed from the Wald end β̂ ± z·se (widened by doubling the
 * distance), then found by the Illinois variant of regula falsi on z(b) ∓ q, which keeps the
 * bracket and converges superlinearly; it stops when the bracket or the step is within 1e-11 ·
 * (|b| + se). The refits use tol 1e-13. This solves the equation MASS::confint.glm (R 4.2.2)
 * approximates: MASS profiles on a grid and interpolates a spline, ~1e-5 relative from the root.
 * A fit does not keep its rows: pass X, y and the fit's `weights` and `offset` again. Cost: about
 * 2p × 10 refits.
 *
 * @throws {SoftlogitError} `BAD_MODEL` for anything but a LogisticFit, and for ridge, Firth or `singular: 'drop'` fits (their
 *   likelihood is not the one profiled); `BAD_OPTION`; the checks of fitLogistic on X, y, weights, offset.
 * @example
 * const ci = profileConfint(fit, X, y); // R confint(glm) / MASS::confint.glm roots, UCLA:
 * ci.lower[1] // => 0.000137579623... (gre; MASS's spline gives 0.000137592)
 */
export function profileConfint(fit: LogisticFit, X: DesignInput, y: BinaryResponse, options: ProfileConfintOptions = {}): ProfileIntervals {
  const caller = 'profileConfint';
  if (!(fit instanceof LogisticFit)) {
    throw new SoftlogitError('BAD_MODEL', `${caller}: fit should be a LogisticFit (from fitLogistic), got ${describeValue(fit)}`);
  }
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

/** The root of z(b) = target on the side of `center` that target's sign points to (see profileConfint). */
function solveEnd(z: (b: number) => number, center: number, target: number, scale: number, caller: string, name: string): number {
  const side = Math.sign(target);
  let inner = center;
  let gInner = -Math.abs(target); // z(center) = 0
  let distance = Math.abs(target) * scale;
  let outer = center + side * distance;
  let gOuter = side * (z(outer) - target);
  for (let k = 0; gOuter < 0; k++) {
    if (k === 60) throw new SoftlogitError('BAD_MODEL', `${caller}: the profile of ${name} does not reach the level on the ${side < 0 ? 'lower' : 'upper'} side (separation?)`);
    inner = outer;
    gInner = gOuter;
    distance *= 2;
    outer = center + side * distance;
    gOuter = side * (z(outer) - target);
  }
  // Illinois regula falsi on g(b) = side · (z(b) − target), g(inner) < 0 ≤ g(outer).
  let kept = 0;
  for (let iter = 0; iter < 200; iter++) {
    const b = outer - (gOuter * (outer - inner)) / (gOuter - gInner);
    if (Math.abs(outer - inner) <= ROOT_TOLERANCE * (Math.abs(b) + scale)) return b;
    const g = side * (z(b) - target);
    if (g === 0) return b;
    if (g < 0) {
      inner = b;
      gInner = g;
      if (kept === 1) gOuter /= 2;
      kept = 1;
    } else {
      const step = Math.abs(b - outer);
      outer = b;
      gOuter = g;
      if (kept === -1) gInner /= 2;
      kept = -1;
      if (step <= ROOT_TOLERANCE * (Math.abs(b) + scale)) return b;
    }
  }
  throw new SoftlogitError('BAD_MODEL', `${caller}: the profile root of ${name} did not converge; got ${describeValue(outer)}`);
}
