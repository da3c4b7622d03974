// Marginal effects of a softmax (multinomial logit) fit on every class probability, with
// delta-method standard errors, as Stata's `margins, dydx(*) predict(outcome(#))` and statsmodels'
// MNLogit get_margeff compute them.
import { SoftlogitError } from '../errors.js';
import { pValues } from '../inference.js';
import { classOffset, type ClassOffset } from '../input/classOffset.js';
import type { DesignInput } from '../input/design.js';
import type { ClassLabel } from '../input/softmaxResponse.js';
import { Matrix } from '../matrix.js';
import { normalQuantile } from '../special.js';
import { marginalSetup, type MarginalAt, type MarginalMethod, type MarginalPointOptions } from './marginalEffects.js';
import { levelOption, quadraticForm } from './prediction.js';

/** Options of `SoftmaxFit.marginalEffects`: those of the logistic fit, a per-class offset, and the intervals' level. */
export interface SoftmaxMarginalEffectOptions extends MarginalPointOptions {
  /** Per row and class offsets added to the scores (n rows of K, classes order), as at the fit (default none). */
  offset?: ClassOffset;
  /** Confidence level of `lower` and `upper` (default 0.95). */
  level?: number;
}

/**
 * Marginal effects of the columns of X (not the intercept) on each class probability: q x K
 * matrices (rows the columns of X, columns `classes`), with delta-method SEs, Wald z, two-sided
 * p-values and the intervals effect ± z·se.
 */
export interface SoftmaxMarginalEffects {
  names: string[];
  classes: ClassLabel[];
  effect: Matrix;
  se: Matrix;
  z: Matrix;
  pValue: Matrix;
  lower: Matrix;
  upper: Matrix;
  level: number;
  /** The `at` option: a name, or the point given (a copy). */
  at: MarginalAt | number[];
  method: MarginalMethod;
}

/** Class probabilities softmax(s) of the scores s (stably: the largest score subtracted first). */
function softmaxInPlace(scores: Float64Array): void {
  let max = -Infinity;
  for (const s of scores) max = Math.max(max, s);
  let sum = 0;
  for (let k = 0; k < scores.length; k++) sum += (scores[k] = Math.exp(scores[k]! - max));
  for (let k = 0; k < scores.length; k++) scores[k] = scores[k]! / sum;
}

/**
 * See `SoftmaxFit.marginalEffects` for the formulas. `baseline` holds the free coefficients,
 * class-major (non-reference class c in class order, design column j at c·p + j), `covariance`
 * their p(K − 1) square covariance in the same order; the intercept is design column 0 when
 * `intercept`.
 */
export function softmaxMarginalEffects(
  X: DesignInput, baseline: Float64Array, covariance: Float64Array, referenceIndex: number,
  classes: readonly ClassLabel[], intercept: boolean, names: readonly string[], options: SoftmaxMarginalEffectOptions, caller: string,
): SoftmaxMarginalEffects {
  const p = names.length;
  const K = classes.length;
  const level = levelOption(options.level, caller);
  const readOffset = (n: number) => classOffset(options.offset, n, K, caller);
  const { at, method, ey, ex, kind, points, nPoints, pointWeights, totalWeight, pointOffsets } = marginalSetup(X, options, p, intercept, names, caller, readOffset);
  if (baseline.some((b) => Number.isNaN(b))) throw new SoftlogitError('BAD_MODEL', `${caller}: not for a fit with aliased columns`);
  const shift = intercept ? 1 : 0;
  const q = p - shift;
  const nFree = K - 1;
  const nParams = p * nFree;
  /** freeOf[k]: the free-coefficient block of class k, −1 for the reference. */
  const freeOf = new Int32Array(K).fill(-1);
  for (let k = 0, c = 0; k < K; k++) if (k !== referenceIndex) freeOf[k] = c++;
  // W (p x K, column-per-class blocks w_k = W[k * p …]) with the reference class's column 0.
  const W = new Float64Array(K * p);
  for (let k = 0; k < K; k++) if (freeOf[k]! >= 0) W.set(baseline.subarray(freeOf[k]! * p, (freeOf[k]! + 1) * p), k * p);
  const effect = new Float64Array(q * K);
  /** Row (column j of X, class k) at ((j − shift)·K + k)·nParams: the effect's gradient in the free coefficients. */
  const jacobian = new Float64Array(q * K * nParams);
  const prob = new Float64Array(K);
  const prob0 = new Float64Array(K);
  const prob1 = new Float64Array(K);
  const meanW = new Float64Array(p);
  const x1 = new Float64Array(p);
  let pointOffset: Float64Array | null = null;
  const probabilities = (x: ArrayLike<number>, out: Float64Array): void => {
    for (let k = 0; k < K; k++) {
      let s = pointOffset ? pointOffset[k]! : 0;
      for (let m = 0; m < p; m++) s += x[m]! * W[k * p + m]!;
      out[k] = s;
    }
    softmaxInPlace(out);
  };
  for (let i = 0; i < nPoints; i++) {
    const x = points.subarray(i * p, (i + 1) * p);
    // The point's effects and gradients enter the averages times its weight w.
    const w = pointWeights[i]!;
    pointOffset = pointOffsets ? pointOffsets.subarray(i * K, (i + 1) * K) : null;
    probabilities(x, prob);
    // w̄ = Σ_l π_l w_l: ∂π_k/∂x = π_k (w_k − w̄).
    meanW.fill(0);
    for (let k = 0; k < K; k++) for (let m = 0; m < p; m++) meanW[m] += prob[k]! * W[k * p + m]!;
    for (let j = shift; j < p; j++) {
      if (kind[j] === 'continuous') {
        const scale = ex ? w * x[j]! : w;
        for (let k = 0; k < K; k++) {
          const g = W[k * p + j]! - meanW[j]!;
          const row = ((j - shift) * K + k) * nParams;
          effect[(j - shift) * K + k] += scale * (ey ? g : prob[k]! * g);
          // ∂g/∂β_cm = δ_kc δ_jm − π_c δ_jm − π_c (w_cj − w̄_j) x_m, and for dydx ∂(π_k g) = π_k (δ_kc − π_c) x_m g + π_k ∂g.
          for (let c = 0; c < K; c++) {
            const block = freeOf[c]!;
            if (block < 0) continue;
            const pc = prob[c]!;
            const own = k === c ? 1 : 0;
            const dgCoefficient = -pc * (W[c * p + j]! - meanW[j]!);
            const out = row + block * p;
            for (let m = 0; m < p; m++) {
              const dg = dgCoefficient * x[m]! + (m === j ? own - pc : 0);
              jacobian[out + m] += scale * (ey ? dg : prob[k]! * (own - pc) * x[m]! * g + prob[k]! * dg);
            }
          }
        }
      } else {
        // Discrete change from x_j = 0 to 1 (dummy) or x_j to x_j + 1 (count): π_k¹ − π_k⁰, or
        // log π_k¹ − log π_k⁰ for ey; ∂π_k/∂β_cm = π_k (δ_kc − π_c) x_m, ∂log π_k/∂β_cm = (δ_kc − π_c) x_m.
        x1.set(x);
        const base = kind[j] === 'dummy' ? 0 : x[j]!;
        x1[j] = base;
        probabilities(x1, prob0);
        x1[j] = base + 1;
        probabilities(x1, prob1);
        for (let k = 0; k < K; k++) {
          const row = ((j - shift) * K + k) * nParams;
          effect[(j - shift) * K + k] += w * (ey ? Math.log(prob1[k]!) - Math.log(prob0[k]!) : prob1[k]! - prob0[k]!);
          for (let c = 0; c < K; c++) {
            const block = freeOf[c]!;
            if (block < 0) continue;
            const own = k === c ? 1 : 0;
            const a1 = w * (ey ? 1 : prob1[k]!) * (own - prob1[c]!);
            const a0 = w * (ey ? 1 : prob0[k]!) * (own - prob0[c]!);
            const out = row + block * p;
            for (let m = 0; m < p; m++) jacobian[out + m] += a1 * (m === j ? base + 1 : x[m]!) - a0 * (m === j ? base : x[m]!);
          }
        }
      }
    }
  }
  for (let i = 0; i < effect.length; i++) effect[i] /= totalWeight;
  for (let i = 0; i < jacobian.length; i++) jacobian[i] /= totalWeight;
  const se = new Float64Array(q * K);
  for (let i = 0; i < q * K; i++) se[i] = Math.sqrt(Math.max(0, quadraticForm(jacobian.subarray(i * nParams, (i + 1) * nParams), covariance, nParams)));
  const z = effect.map((e, i) => e / se[i]!);
  const half = normalQuantile(0.5 + level / 2);
  return {
    names: names.slice(shift), classes: [...classes],
    effect: new Matrix(q, K, effect), se: new Matrix(q, K, se), z: new Matrix(q, K, z), pValue: new Matrix(q, K, pValues(z)),
    lower: new Matrix(q, K, effect.map((e, i) => e - half * se[i]!)), upper: new Matrix(q, K, effect.map((e, i) => e + half * se[i]!)),
    level, at, method,
  };
}
