// The Newton system in WebAssembly memory, shared by the logistic and softmax objectives:
// padded coefficient, score and information buffers, the ridge penalty, and the Cholesky
// solve and inverse.
//
// Coordinates: the solver sees `nParams` = nBlocks * nCols compact coefficients, block-major
// (block c, column j at c * nCols + j); the kernels see blocks padded to nColsPadded, and padded
// positions get an identity row in the Hessian so the factorization never sees them as singular.
// When the design's columns were rescaled (x̃_j = s_j x_j, DesignBuffer.equilibrate), the kernels
// work on β̃_j = β_j / s_j and the system converts at its edges: the solver always sees β, ∇f, the
// direction and the covariance of the columns as given.
//
// Rank decision. The Cholesky works on the information with a unit diagonal, so its pivot
// d_j = 1 − R²_j (column j regressed on the columns before it, in the metric XᵀWX) does not depend
// on the units of any column. R's glm.fit calls a column aliased when its QR residual is at most
// 1e-11 of its norm (tol = min(1e-7, epsilon / 1000) with the default epsilon = 1e-8), i.e.
// d_j ≤ 1e-22. XᵀWX summed in floating point cannot resolve pivots that small: exactly collinear
// columns leave pivots of rounding size, measured up to 6e-15 at n = 1e6. So:
//   - a pivot above PIVOT_CHECK is full rank;
//   - a pivot at or below it is checked against the data when the objective can (`setRankCheck`:
//     the logistic and softmax objectives, for the first class block): the weighted residual of the
//     column on the earlier ones is formed row by row, accurate to ~p ε of the column, and the
//     column is aliased when ‖r‖ ≤ RANK_TOLERANCE ‖x_j‖ (as glm); otherwise the factorization goes
//     on with the pivot;
//   - without a data check (stream and shard-statistics fits, which hold only XᵀWX) the column is
//     aliased when d_j ≤ PIVOT_NOISE.
import type { SoftlogitRuntime } from '../wasm/module.js';
import type { NewtonDirection } from './types.js';

/** Relative residual norm at or below which a column is aliased (R glm.fit's default QR tolerance). */
export const RANK_TOLERANCE = 1e-11;
/**
 * Pivots at or below this are checked against the data: far above the rounding pivots of exactly
 * collinear columns (≤ 6e-15 measured at n = 1e6), so no aliased column passes unchecked; a data
 * check costs one pass, only for designs this close to collinear (relative residual ≤ 1e-5).
 */
export const PIVOT_CHECK = 1e-10;
/**
 * Without a data check, pivots at or below this are aliased: 17 times the largest rounding pivot of
 * exactly collinear columns measured at n = 1e6 (6e-15), and below the pivot of a column
 * x₁ + 1e-6 z (1e-12, scaled condition number ~3e6), which R's glm fits.
 */
export const PIVOT_NOISE = 1e-13;

/**
 * For a data check of the rank decision: the weighted squared residual of the combination
 * `combination` (nColsPadded doubles over the design's columns, as the kernels see them) relative
 * to the weighted square of column `column`: Σ w r² / Σ w x_column².
 */
export type RankCheck = (column: number, combination: Float64Array) => number;

/** Quadratic penalty ½ Σ_{j penalized} b_jᵀ M b_j, b_j = (coef[c * nCols + j])_c. */
export interface RidgePenalty {
  /** nBlocks x nBlocks row-major, symmetric positive semi-definite. */
  matrix: Float64Array;
  /** Per column j: whether b_j is penalized (the intercept is not). */
  penalized: boolean[];
}

/** `informationOutOfRange` bounds: 2^±600 leaves 2^±400 for the weights to move the diagonal over a fit. */
const INFORMATION_LOW = 2 ** -600;
const INFORMATION_HIGH = 2 ** 600;

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
  /** Per padded position, the pivot at or below which the column is aliased (copied into the rhs buffer for the kernel). */
  private readonly floors: Float64Array;
  private rankCheck: RankCheck | null = null;
  /** s_j of the design's columns (length nCols), or null when none was rescaled. */
  private columnScales: Float64Array | null = null;
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
    this.floors = new Float64Array(d).fill(PIVOT_NOISE);
    this.gradientValues = new Float64Array(this.nParams);
    this.coefficients = new Float64Array(this.nParams);
  }

  /**
   * Checks pivots at or below PIVOT_CHECK of the first block's columns against the data with
   * `check` instead of calling them aliased at PIVOT_NOISE. A column found full rank there is
   * accepted with any positive pivot in every block (its coefficients are identified for every
   * class); pivots of later blocks are otherwise decided at PIVOT_NOISE.
   */
  setRankCheck(check: RankCheck): void {
    this.rankCheck = check;
    for (let j = 0; j < this.nCols; j++) this.floors[j] = PIVOT_CHECK;
  }

  /**
   * The design's column scales s_j (length nCols: x̃_j = s_j x_j in the kernels' panels). Set it
   * before the next evaluation: coefficients, gradient, direction and covariance stay in the
   * coordinates of the columns as given.
   */
  setColumnScales(scales: Float64Array): void {
    this.columnScales = scales.every((v) => v === 1) ? null : Float64Array.from(scales);
    this.factored = undefined;
    this.solved = undefined;
  }

  /** s_j for compact parameter i (1 without rescaled columns). */
  private columnScale(i: number): number {
    return this.columnScales ? this.columnScales[i % this.nCols]! : 1;
  }

  /**
   * Whether a diagonal entry of the information (the kernels' coordinates) is beyond 2^±600 or
   * not finite: X'WX over- or underflowed, or is close to it, for a column with values beyond
   * ~1e±150; rescaling the design's columns (DesignBuffer.equilibrate) brings it back.
   */
  informationOutOfRange(): boolean {
    const h = this.runtime.heap.f64(this.infoAddress, this.dim * this.dim);
    for (let i = 0; i < this.nParams; i++) {
      const p = this.padded(i);
      const v = h[p * this.dim + p]!;
      if (!(v >= INFORMATION_LOW && v <= INFORMATION_HIGH)) return true;
    }
    return false;
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
    for (let i = 0; i < this.nParams; i++) view[this.padded(i)] = coefficients[i]! / this.columnScale(i);
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
    for (let i = 0; i < this.nParams; i++) g[i] = -score[this.padded(i)]! / this.columnScale(i);
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
   * Hessian), adds the penalty and puts an identity on padded positions (all in the kernels'
   * coordinates: with rescaled columns, the Hessian of f in β̃).
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
            const sj = this.columnScales ? this.columnScales[j]! : 1;
            h[row * d + col] = h[row * d + col]! + matrix[c * K + e]! * sj * sj;
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
      const si = this.columnScale(i);
      for (let j = 0; j < this.nParams; j++) out[i * this.nParams + j] = h[pi * this.dim + this.padded(j)]! / (si * this.columnScale(j));
    }
    return out;
  }

  /**
   * Loads the gradient and, when given, the Hessian of −logLik (compact; the Hessian with both
   * triangles) computed elsewhere (summed over shards) in place of a kernel pass, and finishes
   * them as after a kernel pass (penalty added). Call `setCoefficients` first.
   */
  loadStatistics(gradient: ArrayLike<number>, hessian: ArrayLike<number> | null): void {
    if (this.columnScales) throw new Error('NewtonSystem.loadStatistics: statistics come in the columns as given; column scales are for kernel passes');
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
   * or the compact index of the aliased parameter (the rank decision at the top of this file).
   */
  private factor(): number {
    if (this.factored !== undefined) return this.factored;
    const { kernels, heap } = this.runtime;
    const d = this.dim;
    for (;;) {
      // (views are taken afresh after each call that may allocate, which can grow the memory)
      heap.f64(this.factorAddress, d * d).set(heap.f64(this.infoAddress, d * d));
      // The floors go through the rhs buffer, free until the solve (which sets it): no memory of their own.
      heap.f64(this.rhsAddress, d).set(this.floors);
      const bad = kernels.choleskyFactor(this.factorAddress, d, this.scaleAddress, this.rhsAddress);
      if (bad < 0) return (this.factored = -1);
      const aliased = Math.floor(bad / this.nColsPadded) * this.nCols + (bad % this.nColsPadded);
      const diagonal = heap.f64(this.infoAddress, d * d)[bad * d + bad]!;
      const floor = this.floors[bad]!;
      if (this.rankCheck === null || bad >= this.nColsPadded || !(floor > 0) || !(diagonal > 0) || !Number.isFinite(diagonal)) {
        return (this.factored = aliased);
      }
      const combination = this.regressionResidual(bad);
      if (combination === null || !(this.rankCheck(bad, combination) > RANK_TOLERANCE * RANK_TOLERANCE)) return (this.factored = aliased);
      // Full rank in the data: accept any positive pivot of this column, in every block, from now on.
      for (let c = 0; c < this.nBlocks; c++) this.floors[c * this.nColsPadded + bad] = 0;
    }
  }

  /**
   * After `choleskyFactor` stopped at column j of the first block: e_j − b over the block's padded columns, b
   * the regression of column j on the columns before it in the metric of the information, from
   * row j of L (b̃ = L₍<j₎⁻ᵀ l_j in the unit-diagonal scaling, b_k = b̃_k S_k / S_j); null when the
   * pivot 1 − ‖l_j‖² is not positive (nothing left to factor with).
   */
  private regressionResidual(j: number): Float64Array | null {
    const { heap } = this.runtime;
    const d = this.dim;
    const l = heap.f64(this.factorAddress, d * d);
    const scale = heap.f64(this.scaleAddress, d);
    let pivot = 1;
    for (let k = 0; k < j; k++) pivot -= l[j * d + k]! ** 2;
    if (!(pivot > 0)) return null;
    const b = new Float64Array(j);
    for (let k = j - 1; k >= 0; k--) {
      let v = l[j * d + k]!;
      for (let m = k + 1; m < j; m++) v -= l[m * d + k]! * b[m]!;
      b[k] = v / l[k * d + k]!;
    }
    const combination = new Float64Array(this.nColsPadded);
    combination[j] = 1;
    for (let k = 0; k < j; k++) combination[k] = -(b[k]! * scale[k]!) / scale[j]!;
    return combination;
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
    for (let i = 0; i < this.nParams; i++) rhs[this.padded(i)] = -this.gradientValues[i]! * this.columnScale(i);
    kernels.choleskySolve(this.factorAddress, this.dim, this.scaleAddress, this.rhsAddress);
    const solved = heap.f64(this.rhsAddress, this.dim);
    const direction = new Float64Array(this.nParams);
    let decrement = 0;
    for (let i = 0; i < this.nParams; i++) {
      direction[i] = solved[this.padded(i)]! * this.columnScale(i);
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
      const si = this.columnScale(i);
      for (let j = 0; j < this.nParams; j++) out[i * this.nParams + j] = inv[pi * this.dim + this.padded(j)]! * si * this.columnScale(j);
    }
    return out;
  }

  dispose(): void {
    this.runtime.heap.free(this.block);
  }
}
