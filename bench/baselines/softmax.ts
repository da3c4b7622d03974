// Multinomial (softmax) regression by Newton's method in plain TypeScript, in the reference-class
// form of assembly/softmax.ts: class 0 has η = 0, free classes c = 1..K−1 have coefficient blocks
// (intercept first), stored class-major (block c−1 at (c−1)·P). One fused pass per evaluation:
//   f = −logLik = Σ_r lse(η_r) − η_r,y_r,   ∇f_c = −Xᵀ(1[y = c] − p_c),
//   ∇²f block (c, d) = Xᵀ diag(p_c (δ_cd − p_d)) X,
// rows in blocks of 8, each Hessian block's upper triangle updated per row block.
import { addBlockGram, BLOCK_ROWS, mirrorBlock } from './gram.js';
import { plainNewton, standardErrors, type PlainObjective } from './newton.js';

export interface PlainSoftmaxFit {
  /** (K−1)·P, class-major: free class c (1..K−1) at (c−1)·P + j, j = 0 the intercept. */
  coefficients: Float64Array;
  standardErrors: Float64Array;
  iterations: number;
  converged: boolean;
  passes: number;
}

class SoftmaxPlainObjective implements PlainObjective {
  readonly nParams: number;
  private readonly P: number;
  private readonly nFree: number;
  private readonly block: Float64Array;
  /** Hessian weights of the block's rows (0 for padding rows). */
  private readonly weights = new Float64Array(BLOCK_ROWS);
  /** Probabilities of the free classes for the rows of a block, [k * nFree + c]. */
  private readonly prob: Float64Array;

  constructor(
    private readonly X: Float64Array,
    private readonly nRows: number,
    private readonly nFeatures: number,
    private readonly labels: Float64Array,
    nClasses: number,
  ) {
    this.P = nFeatures + 1;
    this.nFree = nClasses - 1;
    this.nParams = this.P * this.nFree;
    this.block = new Float64Array(BLOCK_ROWS * this.P);
    this.prob = new Float64Array(BLOCK_ROWS * this.nFree);
  }

  evaluate(coef: Float64Array, gradient: Float64Array | null, hessian: Float64Array | null): number {
    const { X, nRows, nFeatures: p, labels, block, prob, P, nFree } = this;
    const D = this.nParams;
    gradient?.fill(0);
    hessian?.fill(0);
    const w = this.weights;
    const eta = new Float64Array(nFree);
    let f = 0;
    for (let r0 = 0; r0 < nRows; r0 += BLOCK_ROWS) {
      const m = Math.min(BLOCK_ROWS, nRows - r0);
      for (let k = 0; k < BLOCK_ROWS; k++) {
        const b = k * P;
        if (k >= m) {
          block.fill(0, b, b + P);
          prob.fill(0, k * nFree, (k + 1) * nFree);
          continue;
        }
        const row = (r0 + k) * p;
        block[b] = 1;
        for (let j = 0; j < p; j++) block[b + 1 + j] = X[row + j]!;
        let max = 0;
        for (let c = 0; c < nFree; c++) {
          const cb = c * P;
          let e = 0;
          for (let j = 0; j < P; j++) e += block[b + j]! * coef[cb + j]!;
          eta[c] = e;
          if (e > max) max = e;
        }
        let sum = Math.exp(-max);
        for (let c = 0; c < nFree; c++) sum += Math.exp(eta[c]! - max);
        const lse = max + Math.log(sum);
        const label = labels[r0 + k]!;
        f += lse - (label > 0 ? eta[label - 1]! : 0);
        for (let c = 0; c < nFree; c++) {
          const pc = Math.exp(eta[c]! - lse);
          prob[k * nFree + c] = pc;
          if (gradient) {
            const residual = (label === c + 1 ? 1 : 0) - pc;
            const gb = c * P;
            for (let j = 0; j < P; j++) gradient[gb + j] = gradient[gb + j]! - residual * block[b + j]!;
          }
        }
      }
      if (hessian) {
        for (let c = 0; c < nFree; c++) {
          for (let d = c; d < nFree; d++) {
            for (let k = 0; k < BLOCK_ROWS; k++) {
              const pc = prob[k * nFree + c]!;
              w[k] = c === d ? pc * (1 - pc) : -pc * prob[k * nFree + d]!;
            }
            addBlockGram(hessian, c * P * D + d * P, D, block, P, w);
          }
        }
      }
    }
    if (hessian) {
      for (let c = 0; c < nFree; c++) {
        for (let d = c; d < nFree; d++) {
          mirrorBlock(hessian, D, c * P, d * P, P);
          if (d !== c) {
            for (let i = 0; i < P; i++) {
              for (let j = 0; j < P; j++) hessian[(d * P + j) * D + c * P + i] = hessian[(c * P + i) * D + d * P + j]!;
            }
          }
        }
      }
    }
    return f;
  }
}

/** Fits P(class k | x) ∝ exp(x̃ᵀw_k), w_0 = 0, on row-major X (n x p) with labels 0..K−1. */
export function fitSoftmaxPlain(X: Float64Array, nRows: number, nFeatures: number, labels: Float64Array, nClasses: number): PlainSoftmaxFit {
  const objective = new SoftmaxPlainObjective(X, nRows, nFeatures, labels, nClasses);
  const P = nFeatures + 1;
  const counts = new Float64Array(nClasses);
  for (let i = 0; i < nRows; i++) counts[labels[i]!] = counts[labels[i]!]! + 1;
  const start = new Float64Array(P * (nClasses - 1));
  for (let c = 1; c < nClasses; c++) start[(c - 1) * P] = Math.log(counts[c]! / counts[0]!);
  const fit = plainNewton(objective, start);
  return {
    coefficients: fit.coefficients,
    standardErrors: standardErrors(fit.covariance, objective.nParams),
    iterations: fit.iterations,
    converged: fit.converged,
    passes: fit.passes,
  };
}
