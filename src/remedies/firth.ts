// Firth's bias-reduced logistic regression (`fitLogistic(X, y, { firth: true })`): the estimate
// that solves the adjusted score equations
//
//   U*(β) = Xᵀ(s − t∘p + h∘(½ − p)) = 0,
//
// with p = σ(Xβ + offset), t the weighted trials, W = diag(tᵢ pᵢ (1 − pᵢ)) and h the diagonal of the
// hat matrix W^{1/2} X (XᵀWX)⁻¹ Xᵀ W^{1/2}, hᵢ = wᵢ xᵢᵀ(XᵀWX)⁻¹xᵢ (Firth 1993). For the logit link
// these are the score equations of the penalized log-likelihood ℓ*(β) = logLik(β) + ½ log det(XᵀWX)
// (Jeffreys prior), and they are what R's brglm2 solves with `type = "AS_mean"` (Kosmidis & Firth
// 2009) and logistf by default. The estimate is finite even on separated data.
//
// Iteration (as brglm2's quasi-Fisher scoring): β ← β + t (XᵀWX)⁻¹ U*(β), with t = 1, ½, ¼, … until
// ℓ* does not decrease. Standard errors are √diag((XᵀWX)⁻¹) at the estimate, as brglm2 reports; the
// log-likelihood, deviance and AIC reported are the ordinary (unpenalized) ones at the estimate, also
// as brglm2 reports, and the null deviance is the ordinary deviance at the Firth intercept-only fit.
//
// References: D. Firth (1993), Bias reduction of maximum likelihood estimates, Biometrika 80(1),
// 27–38. I. Kosmidis & D. Firth (2009), Bias reduction in exponential family nonlinear models,
// Biometrika 96(4), 793–804. I. Kosmidis, brglm2 (R package), `brglmFit`.
import { SoftlogitError } from '../errors.js';
import type { LogisticObjective } from '../objective/logistic.js';
import type { IterationProgress, NewtonResult } from '../solver/newton.js';
import type { BinomialData } from '../input/binaryResponse.js';
import { forEachDesignRow, type RowSource } from '../input/design.js';
import { choleskyInPlace } from '../matrix.js';

/** Halve at most this many times (as the Newton solver): 2^-40 of a step is no progress. */
const MAX_HALVINGS = 40;
/** A trial is accepted when −ℓ* rises by at most this relative amount (rounding noise in a sum of n terms). */
const ACCEPT_SLACK = 1e-13;
/**
 * After the tolerance is met, full steps go on while each shrinks the decrement λ² by at least
 * this factor and λ² is above rounding level. The quasi-Fisher scoring iteration converges only
 * linearly (its matrix XᵀWX is not the Hessian of ℓ*): on separated data λ² shrinks by only
 * ~0.3 per step, so a tolerance-level point (λ² ~ 1e-10 |ℓ*|) is ~1e-5 away from the root, and the
 * next ~40 steps are what takes it to rounding level, as the plain MLE's polish does.
 */
const POLISH_MIN_SHRINK = 0.9;
/** At most this many polishing steps: from λ² ~ 1e-10 |ℓ*| to ε² |ℓ*| at the slowest accepted rate, 0.9, would take ~450; separated data take ~40. */
const MAX_POLISH_STEPS = 500;
/** λ² ≤ this · (|ℓ*| + 1) is at rounding level (the plain MLE's bound, src/solver/newton.ts): the polish stops. */
const NEGLIGIBLE_DECREMENT = Number.EPSILON ** 2;

export interface FirthContext {
  /** The design as the caller gave it (without the intercept column), for the hat values. */
  source: RowSource;
  intercept: boolean;
  /** Weighted trials per row (rows with 0 count for nothing). */
  trials: Float64Array;
  maxIter: number;
  tol: number;
  onIteration?: (progress: IterationProgress) => void;
}

/**
 * Validates `options.firth` (a boolean; not with l2 > 0, which is another penalty).
 * @throws {SoftlogitError} `BAD_OPTION`.
 */
export function firthOption(firth: unknown, l2: number, caller: string): boolean {
  if (firth === undefined || firth === false) return false;
  if (firth !== true) throw new SoftlogitError('BAD_OPTION', `${caller}: option firth should be true or false, got ${String(firth)}`);
  if (l2 > 0) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: options firth and l2 cannot be combined (both penalize the likelihood); choose one, got l2 = ${l2}`);
  }
  return true;
}

/**
 * Solves the Firth adjusted score equations from `start`. On return the objective's last
 * evaluation (level 'hessian') is at the returned coefficients, so `objective.inverseHessian()` is
 * (XᵀWX)⁻¹ there; `value` is the ordinary −logLik kernel there (not penalized). A singular XᵀWX at
 * the start returns `aliased` with `iterations` 0, as `newton` does.
 *
 * Cost per iteration: one kernel pass (value, score, XᵀWX), a p × p inverse and Cholesky, and one
 * pass over the rows in TypeScript for the hat values, O(n p²).
 */
export function firthNewton(objective: LogisticObjective, start: Float64Array, context: FirthContext): NewtonResult {
  const p = objective.nParams;
  let coef = Float64Array.from(start);
  let value = objective.evaluate(coef, 'hessian');
  let logDet = choleskyLogDet(objective.hessian(), p);
  const first = objective.newtonDirection();
  if (!first.ok) return { coefficients: coef, value, iterations: 0, converged: false, decrement: Infinity, aliased: first.aliased };
  let penalized = value - 0.5 * logDet;
  let iterations = 0;
  let converged = false;
  let polish = 0;
  let previousDecrement = Infinity;
  let reason: NewtonResult['reason'];
  let decrement = Infinity;
  for (;;) {
    const covariance = objective.inverseHessian();
    const adjusted = adjustedScore(objective, covariance, context);
    const step = new Float64Array(p);
    decrement = 0;
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += covariance[i * p + j]! * adjusted[j]!;
      step[i] = s;
      decrement += s * adjusted[i]!;
    }
    if (!Number.isFinite(decrement)) {
      reason = 'singular';
      break;
    }
    decrement = Math.max(0, decrement);
    const polishing = converged;
    if (polishing) {
      // after convergence: full steps while λ² is above rounding level and still shrinking
      if (polish >= MAX_POLISH_STEPS || decrement <= NEGLIGIBLE_DECREMENT * (Math.abs(penalized) + 1)) break;
      if (!(decrement < POLISH_MIN_SHRINK * previousDecrement)) break;
      polish++;
    } else if (decrement <= context.tol * (Math.abs(penalized) + 1)) {
      converged = true;
    } else if (iterations >= context.maxIter) {
      reason = 'maxIter';
      break;
    }
    previousDecrement = decrement;
    // line search on −ℓ* = −logLik − ½ log det(XᵀWX)
    let t = 1;
    let accepted = false;
    for (let halvings = 0; halvings <= MAX_HALVINGS; halvings++, t *= 0.5) {
      const trial = new Float64Array(p);
      for (let i = 0; i < p; i++) trial[i] = coef[i]! + t * step[i]!;
      const trialValue = objective.evaluate(trial, 'hessian');
      const trialLogDet = choleskyLogDet(objective.hessian(), p);
      const trialPenalized = trialValue - 0.5 * trialLogDet;
      if (trialPenalized <= penalized + ACCEPT_SLACK * Math.abs(penalized)) {
        coef = trial;
        value = trialValue;
        logDet = trialLogDet;
        penalized = trialPenalized;
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      objective.evaluate(coef, 'hessian');
      if (!converged) {
        if (decrement <= 1e3 * Number.EPSILON * (Math.abs(penalized) + 1)) converged = true;
        else reason = 'lineSearch';
      }
      break;
    }
    if (!polishing) {
      iterations++;
      context.onIteration?.({ iteration: iterations, value, stepSize: t, decrement });
    }
  }
  const result: NewtonResult = { coefficients: coef, value, iterations, converged, decrement };
  if (reason) result.reason = reason;
  return result;
}

/**
 * U*(β) = score + Σᵢ hᵢ (½ − pᵢ) xᵢ at the objective's last evaluated point, with
 * hᵢ = tᵢ pᵢ(1 − pᵢ) xᵢᵀ C xᵢ, C = (XᵀWX)⁻¹ (`covariance`). One pass over the rows, O(n p²).
 */
function adjustedScore(objective: LogisticObjective, covariance: Float64Array, context: FirthContext): Float64Array {
  const p = objective.nParams;
  const gradient = objective.gradient();
  const out = new Float64Array(p);
  for (let j = 0; j < p; j++) out[j] = -gradient[j]!;
  const eta = objective.linearPredictor();
  const { source, intercept, trials } = context;
  forEachDesignRow(source, intercept, (r, x) => {
    const t = trials[r]!;
    if (!(t > 0)) return;
    const e = eta[r]!;
    const z = Math.exp(-Math.abs(e));
    const prob = e >= 0 ? 1 / (1 + z) : z / (1 + z);
    const w = t * (z / ((1 + z) * (1 + z)));
    let quad = 0;
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += covariance[i * p + j]! * x[j]!;
      quad += x[i]! * s;
    }
    const hat = w * quad;
    const adjust = hat * (0.5 - prob);
    for (let j = 0; j < p; j++) out[j] = out[j]! + adjust * x[j]!;
  });
  return out;
}

/** log det of a symmetric positive definite p × p matrix (row-major) by Cholesky; −∞ when not positive definite. */
export function choleskyLogDet(a: Float64Array, p: number): number {
  const l = Float64Array.from(a);
  if (choleskyInPlace(l, p) >= 0) return -Infinity;
  let logDet = 0;
  for (let j = 0; j < p; j++) logDet += 2 * Math.log(l[j * p + j]!);
  return logDet;
}

/**
 * The ordinary log-likelihood kernel at the Firth intercept-only fit (brglm2's null deviance is the
 * ordinary deviance there): without an offset p₀ = (Σs + ½) / (Σt + 1); with one, the scalar
 * adjusted score Σ(sᵢ − tᵢpᵢ) + Σ hᵢ(½ − pᵢ), hᵢ = wᵢ / Σw, solved by Fisher scoring. Without an
 * intercept the null model has no parameter: η = offset.
 */
export function firthNullLogLik(data: BinomialData, offset: Float64Array | null, intercept: boolean): number {
  const { successes: s, trials: t } = data;
  const n = s.length;
  const total = (alpha: number) => {
    let ll = 0;
    for (let i = 0; i < n; i++) {
      if (!(t[i]! > 0)) continue;
      const eta = alpha + (offset ? offset[i]! : 0);
      ll += -s[i]! * log1pexp(-eta) - (t[i]! - s[i]!) * log1pexp(eta);
    }
    return ll;
  };
  if (!intercept) return total(0);
  let sumS = 0;
  let sumT = 0;
  for (let i = 0; i < n; i++) {
    if (!(t[i]! > 0)) continue;
    sumS += s[i]!;
    sumT += t[i]!;
  }
  let alpha = Math.log((sumS + 0.5) / (sumT - sumS + 0.5));
  if (!offset) return total(alpha);
  // From the root for a constant offset equal to the weighted mean one, Fisher scoring kept inside
  // a bracket of the root (the adjusted score falls from S + ½ to S − T − ½ as α rises), bisecting
  // when a step would leave it: far from the root the information underflows and a plain step
  // overshoots (it diverged to NaN for an offset of 3).
  let meanOffset = 0;
  for (let i = 0; i < n; i++) if (t[i]! > 0) meanOffset += t[i]! * offset[i]!;
  alpha -= meanOffset / sumT;
  let lo = -Infinity;
  let hi = Infinity;
  // per row at the current α: pᵢ and the information weight wᵢ = tᵢ pᵢ(1 − pᵢ) (hᵢ = wᵢ / Σw)
  const prob = new Float64Array(n);
  const weight = new Float64Array(n);
  for (let iter = 0; iter < 200; iter++) {
    let info = 0;
    for (let i = 0; i < n; i++) {
      if (!(t[i]! > 0)) continue;
      const eta = alpha + offset[i]!;
      const z = Math.exp(-Math.abs(eta));
      prob[i] = eta >= 0 ? 1 / (1 + z) : z / (1 + z);
      weight[i] = t[i]! * (z / ((1 + z) * (1 + z)));
      info += weight[i]!;
    }
    let score = 0;
    for (let i = 0; i < n; i++) {
      if (!(t[i]! > 0)) continue;
      const hat = info > 0 ? weight[i]! / info : 0;
      score += s[i]! - t[i]! * prob[i]! + hat * (0.5 - prob[i]!);
    }
    if (score === 0) break;
    if (score > 0) lo = alpha;
    else hi = alpha;
    let next = alpha + score / info;
    if (!(next > lo && next < hi)) {
      if (Number.isFinite(lo) && Number.isFinite(hi)) next = 0.5 * (lo + hi);
      else next = score > 0 ? alpha + Math.max(1, Math.abs(alpha)) : alpha - Math.max(1, Math.abs(alpha));
    }
    const step = next - alpha;
    alpha = next;
    if (Math.abs(step) <= 1e-15 * (1 + Math.abs(alpha))) break;
  }
  return total(alpha);
}

function log1pexp(x: number): number {
  if (x <= -37) return Math.exp(x);
  if (x <= 18) return Math.log1p(Math.exp(x));
  if (x <= 33.3) return x + Math.exp(-x);
  return x;
}
