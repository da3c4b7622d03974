// The Newton system in WebAssembly memory, shared by the logistic and softmax objectives:
// padded coefficient, score and information buffers, the ridge penalty, and the Cholesky
// solve and inverse.
//
// Coordinates: the solver sees `nParams` = nBlocks * nCols compact coefficients, block-major
// (block c, column j at c * nCols + j); the kernels see blocks padded to nColsPadded, and padded
// positions get an identity row in the Hessian so the factorization never sees them as singular.
import type { SoftlogitRuntime } from '../wasm/module.js';
import type { NewtonDirection } from './types.js';

/** Quadratic penalty ½ Σ_{j penalized} b_jᵀ M b_j, b_j = (coef[c * nCols + j])_c. */
export interface RidgePenalty {
  /** nBlocks x nBlocks row-major, symmetric positive semi-definite. */
  matrix: Float64Array;
  /** Per column j: whether b_j is penalized (the intercept is not). */
  penalized: boolean[];
}

export class NewtonSystem {
  readonly nParams: number;
  readonly nBlocks: number;
  readonly nCols: number;
  readonly nColsPadded: number;
  /** Padded dimension nBlocks * nColsPadded. */
  readonly dim: number;
  private readonly runtime: SoftlogitRuntime;
  private readonly penalty: RidgePenalty | null;
  private readonly block: number;
  readonly coefAddress: number;
  readonly scoreAddress: number;
  readonly infoAddress: number;
  private readonly factorAddress: number;
  private readonly scaleAddress: number;
  private readonly rhsAddress: number;
  private readonly inverseAddress: number;
  private readonly workAddress: number;
  private readonly gradientValues: Float64Array;
  private readonly coefficients: Float64Array;
  /** `factor()`'s answer for the current Hessian, or undefined until it is factored. */
  private factored: number | undefined;
  /** The Newton direction at the current gradient and Hessian, or undefined until it is solved. */
  private solved: NewtonDirection | undefined;

  constructor(runtime: SoftlogitRuntime, nBlocks: number, nCols: number, nColsPadded: number, penalty: RidgePenalty | null) {
    this.runtime = runtime;
    this.nBlocks = nBlocks;
    this.nCols = nCols;
    this.nColsPadded = nColsPadded;
    this.nParams = nBlocks * nCols;
    this.dim = nBlocks * nColsPadded;
    this.penalty = penalty;
    const d = this.dim;
    const sizes = [d, d, d * d, d * d, d, d, d * d, d];
    this.block = runtime.heap.alloc(sizes.reduce((a, b) => a + b, 0) * 8 + sizes.length * 16, 'NewtonSystem');
    const addresses: number[] = [];
    let at = this.block;
    for (const size of sizes) {
      addresses.push(at);
      at += Math.ceil((size * 8) / 16) * 16;
    }
    [this.coefAddress, this.scoreAddress, this.infoAddress, this.factorAddress, this.scaleAddress, this.rhsAddress, this.inverseAddress, this.workAddress] =
      addresses as [number, number, number, number, number, number, number, number];
    this.gradientValues = new Float64Array(this.nParams);
    this.coefficients = new Float64Array(this.nParams);
  }

  /** Padded position of compact parameter i. */
  padded(i: number): number {
    return Math.floor(i / this.nCols) * this.nColsPadded + (i % this.nCols);
  }

  /** Writes compact coefficients into the padded WASM buffer (zeros in the padding). */
  setCoefficients(coefficients: Float64Array): void {
    this.coefficients.set(coefficients);
    const view = this.runtime.heap.f64(this.coefAddress, this.dim);
    view.fill(0);
    for (let i = 0; i < this.nParams; i++) view[this.padded(i)] = coefficients[i]!;
  }

  /** ½ Σ b_jᵀ M b_j at the current coefficients. */
  penaltyValue(): number {
    if (!this.penalty) return 0;
    const { matrix, penalized } = this.penalty;
    const K = this.nBlocks;
    let sum = 0;
    for (let j = 0; j < this.nCols; j++) {
      if (!penalized[j]) continue;
      for (let c = 0; c < K; c++) {
        for (let e = 0; e < K; e++) sum += this.coefficients[c * this.nCols + j]! * matrix[c * K + e]! * this.coefficients[e * this.nCols + j]!;
      }
    }
    return 0.5 * sum;
  }

  /** Sets the compact gradient of f = −logLik + penalty from the score in WASM memory. */
  finishGradient(): void {
    this.solved = undefined;
    const score = this.runtime.heap.f64(this.scoreAddress, this.dim);
    const g = this.gradientValues;
    for (let i = 0; i < this.nParams; i++) g[i] = -score[this.padded(i)]!;
    if (this.penalty) {
      const { matrix, penalized } = this.penalty;
      const K = this.nBlocks;
      for (let j = 0; j < this.nCols; j++) {
        if (!penalized[j]) continue;
        for (let c = 0; c < K; c++) {
          let s = 0;
          for (let e = 0; e < K; e++) s += matrix[c * K + e]! * this.coefficients[e * this.nCols + j]!;
          g[c * this.nCols + j] = g[c * this.nCols + j]! + s;
        }
      }
    }
  }

  gradient(): Float64Array {
    return this.gradientValues;
  }

  /**
   * Completes the information matrix (both triangles), scales it by `scale` (for a subsampled
   * Hessian), adds the penalty and puts an identity on padded positions.
   */
  finishHessian(scale: number): void {
    this.factored = undefined;
    this.solved = undefined;
    const { kernels, heap } = this.runtime;
    if (this.nBlocks === 1) kernels.mirrorUpper(this.infoAddress, this.dim, this.dim);
    else kernels.completeBlockSymmetric(this.infoAddress, this.nBlocks, this.nColsPadded);
    const h = heap.f64(this.infoAddress, this.dim * this.dim);
    const d = this.dim;
    if (scale !== 1) for (let i = 0; i < h.length; i++) h[i] = h[i]! * scale;
    for (let c = 0; c < this.nBlocks; c++) {
      for (let j = this.nCols; j < this.nColsPadded; j++) {
        const i = c * this.nColsPadded + j;
        h[i * d + i] = 1;
      }
    }
    if (this.penalty) {
      const { matrix, penalized } = this.penalty;
      const K = this.nBlocks;
      for (let j = 0; j < this.nCols; j++) {
        if (!penalized[j]) continue;
        for (let c = 0; c < K; c++) {
          for (let e = 0; e < K; e++) {
            const row = c * this.nColsPadded + j;
            const col = e * this.nColsPadded + j;
            h[row * d + col] = h[row * d + col]! + matrix[c * K + e]!;
          }
        }
      }
    }
  }

  /**
   * The Hessian of f after `finishHessian` (both triangles, penalty included), compact
   * nParams x nParams row-major (a new array).
   */
  hessian(): Float64Array {
    const h = this.runtime.heap.f64(this.infoAddress, this.dim * this.dim);
    const out = new Float64Array(this.nParams * this.nParams);
    for (let i = 0; i < this.nParams; i++) {
      const pi = this.padded(i);
      for (let j = 0; j < this.nParams; j++) out[i * this.nParams + j] = h[pi * this.dim + this.padded(j)]!;
    }
    return out;
  }

  /**
   * Loads the gradient and, when given, the Hessian of −logLik (compact; the Hessian with both
   * triangles) computed elsewhere (summed over shards) in place of a kernel pass, and finishes
   * them as after a kernel pass (penalty added). Call `setCoefficients` first.
   */
  loadStatistics(gradient: ArrayLike<number>, hessian: ArrayLike<number> | null): void {
    const { heap } = this.runtime;
    const s = heap.f64(this.scoreAddress, this.dim).fill(0);
    for (let i = 0; i < this.nParams; i++) s[this.padded(i)] = -gradient[i]!;
    this.finishGradient();
    if (hessian === null) return;
    const h = heap.f64(this.infoAddress, this.dim * this.dim).fill(0);
    for (let i = 0; i < this.nParams; i++) {
      const pi = this.padded(i);
      for (let j = 0; j < this.nParams; j++) h[pi * this.dim + this.padded(j)] = hessian[i * this.nParams + j]!;
    }
    this.finishHessian(1);
  }

  /**
   * Factors the current Hessian (once: the factor stays until the next `finishHessian`); returns -1
   * or the compact index of the aliased parameter.
   */
  private factor(): number {
    if (this.factored !== undefined) return this.factored;
    const { kernels, heap } = this.runtime;
    const d = this.dim;
    heap.f64(this.factorAddress, d * d).set(heap.f64(this.infoAddress, d * d));
    const bad = kernels.choleskyFactor(this.factorAddress, d, this.scaleAddress);
    this.factored = bad < 0 ? -1 : Math.floor(bad / this.nColsPadded) * this.nCols + (bad % this.nColsPadded);
    return this.factored;
  }

  /**
   * d = −H⁻¹ g and λ² = −gᵀd at the current gradient and Hessian (a new direction array each call;
   * solved once until the next `finishGradient` or `finishHessian`).
   */
  newtonDirection(): NewtonDirection {
    this.solved ??= this.solve();
    const s = this.solved;
    return s.ok ? { ok: true, direction: s.direction.slice(), decrement: s.decrement } : { ok: false, aliased: s.aliased };
  }

  private solve(): NewtonDirection {
    const aliased = this.factor();
    if (aliased >= 0) return { ok: false, aliased };
    const { kernels, heap } = this.runtime;
    const rhs = heap.f64(this.rhsAddress, this.dim);
    rhs.fill(0);
    for (let i = 0; i < this.nParams; i++) rhs[this.padded(i)] = -this.gradientValues[i]!;
    kernels.choleskySolve(this.factorAddress, this.dim, this.scaleAddress, this.rhsAddress);
    const solved = heap.f64(this.rhsAddress, this.dim);
    const direction = new Float64Array(this.nParams);
    let decrement = 0;
    for (let i = 0; i < this.nParams; i++) {
      direction[i] = solved[this.padded(i)]!;
      decrement -= direction[i]! * this.gradientValues[i]!;
    }
    return { ok: true, direction, decrement };
  }

  inverseHessian(): Float64Array {
    const aliased = this.factor();
    const out = new Float64Array(this.nParams * this.nParams);
    if (aliased >= 0) return out.fill(Number.NaN);
    const { kernels, heap } = this.runtime;
    kernels.choleskyInverse(this.factorAddress, this.dim, this.scaleAddress, this.inverseAddress, this.workAddress);
    const inv = heap.f64(this.inverseAddress, this.dim * this.dim);
    for (let i = 0; i < this.nParams; i++) {
      const pi = this.padded(i);
      for (let j = 0; j < this.nParams; j++) out[i * this.nParams + j] = inv[pi * this.dim + this.padded(j)]!;
    }
    return out;
  }

  dispose(): void {
    this.runtime.heap.free(this.block);
  }
}
