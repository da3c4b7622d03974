// Binary logistic regression by Newton's method in plain TypeScript (Float64Array, Cholesky, rows
// in blocks of 8): the formulas of assembly/logistic.ts, one fused pass per evaluation.
//   f = −logLik = Σ_r log(1 + e^−|η|) + y max(−η, 0) + (1 − y) max(η, 0)
//   ∇f = −Xᵀ(y − p),   ∇²f = Xᵀ diag(p (1 − p)) X,   p = σ(η)
import { addBlockGram, BLOCK_ROWS, mirrorBlock } from './gram.js';
import { plainNewton, standardErrors, type PlainObjective } from './newton.js';

export interface PlainLogisticFit {
  coefficients: Float64Array;
  standardErrors: Float64Array;
  iterations: number;
  converged: boolean;
  passes: number;
}

class LogisticPlainObjective implements PlainObjective {
  readonly nParams: number;
  private readonly block: Float64Array;
  /** Hessian weights of the block's rows (0 for padding rows). */
  private readonly weights = new Float64Array(BLOCK_ROWS);

  constructor(
    private readonly X: Float64Array,
    private readonly nRows: number,
    private readonly nFeatures: number,
    private readonly y: Float64Array,
  ) {
    this.nParams = nFeatures + 1;
    this.block = new Float64Array(BLOCK_ROWS * this.nParams);
  }

  evaluate(coef: Float64Array, gradient: Float64Array | null, hessian: Float64Array | null): number {
    const { X, nRows, nFeatures: p, y, block } = this;
    const P = this.nParams;
    gradient?.fill(0);
    hessian?.fill(0);
    const w = this.weights;
    let f = 0;
    for (let r0 = 0; r0 < nRows; r0 += BLOCK_ROWS) {
      const m = Math.min(BLOCK_ROWS, nRows - r0);
      for (let k = 0; k < BLOCK_ROWS; k++) {
        const b = k * P;
        if (k >= m) {
          block.fill(0, b, b + P);
          w[k] = 0;
          continue;
        }
        const row = (r0 + k) * p;
        block[b] = 1; // intercept
        let eta = coef[0]!;
        for (let j = 0; j < p; j++) {
          const v = X[row + j]!;
          block[b + 1 + j] = v;
          eta += v * coef[j + 1]!;
        }
        const yk = y[r0 + k]!;
        const z = Math.exp(-Math.abs(eta));
        const u = 1 + z;
        f += Math.log1p(z) + yk * Math.max(-eta, 0) + (1 - yk) * Math.max(eta, 0);
        const prob = eta >= 0 ? 1 / u : z / u;
        w[k] = z / (u * u);
        if (gradient) {
          const residual = yk - prob;
          for (let j = 0; j < P; j++) gradient[j] = gradient[j]! - residual * block[b + j]!;
        }
      }
      if (hessian) addBlockGram(hessian, 0, P, block, P, w);
    }
    if (hessian) mirrorBlock(hessian, P, 0, 0, P);
    return f;
  }
}

/** Fits y ~ σ(β0 + xᵀβ) on row-major X (n x p) with an intercept. */
export function fitLogisticPlain(X: Float64Array, nRows: number, nFeatures: number, y: Float64Array): PlainLogisticFit {
  const objective = new LogisticPlainObjective(X, nRows, nFeatures, y);
  const start = new Float64Array(nFeatures + 1);
  let successes = 0;
  for (let i = 0; i < nRows; i++) successes += y[i]!;
  start[0] = Math.log(successes / (nRows - successes));
  const fit = plainNewton(objective, start);
  return {
    coefficients: fit.coefficients,
    standardErrors: standardErrors(fit.covariance, nFeatures + 1),
    iterations: fit.iterations,
    converged: fit.converged,
    passes: fit.passes,
  };
}

/**
 * The gradient of f = −logLik at `coef` (plain TypeScript, independent of softlogit's kernels):
 * max |∇f_j|, and the size rounding alone gives it, ε · max_j Σ_i |x_ij (y_i − p_i)| (a sum of n
 * rounded terms is only known to about that), to judge "the gradient is at rounding level".
 */
export function fitLogisticPlainGradient(
  X: Float64Array, nRows: number, nFeatures: number, y: Float64Array, coef: Float64Array,
): { maxAbs: number; roundingScale: number } {
  const P = nFeatures + 1;
  const gradient = new Float64Array(P);
  const magnitude = new Float64Array(P);
  for (let i = 0; i < nRows; i++) {
    const row = i * nFeatures;
    let eta = coef[0]!;
    for (let j = 0; j < nFeatures; j++) eta += X[row + j]! * coef[j + 1]!;
    const z = Math.exp(-Math.abs(eta));
    const prob = eta >= 0 ? 1 / (1 + z) : z / (1 + z);
    const residual = y[i]! - prob;
    gradient[0] = gradient[0]! - residual;
    magnitude[0] = magnitude[0]! + Math.abs(residual);
    for (let j = 0; j < nFeatures; j++) {
      gradient[j + 1] = gradient[j + 1]! - residual * X[row + j]!;
      magnitude[j + 1] = magnitude[j + 1]! + Math.abs(residual * X[row + j]!);
    }
  }
  let maxAbs = 0;
  let roundingScale = 0;
  for (let j = 0; j < P; j++) {
    maxAbs = Math.max(maxAbs, Math.abs(gradient[j]!));
    roundingScale = Math.max(roundingScale, Number.EPSILON * magnitude[j]!);
  }
  return { maxAbs, roundingScale };
}
