// The multinomial (softmax) objective in the reference-class form:
//   f(B) = −logLik(B) + (l2/2) Σ_{j ≠ intercept} Σ_k (W_jk − mean_k W_jk)²,
// where W = [0 | B] (the reference class first) and the penalty is the ridge on the symmetric
// (sum-to-zero) form of W, which is what a ridge on the full p x K W reduces to at its optimum
// over the free shift: for one feature, Σ_k (W_k − mean W)² = bᵀ(I − 11ᵀ/K) b.
// Evaluated by the WebAssembly kernel `softmaxEvaluate` on a design already in WASM memory.
import type { DesignBuffer } from '../wasm/design.js';
import type { SoftlogitKernels } from '../wasm/module.js';
import { NewtonSystem, type RidgePenalty } from './system.js';
import type { EvaluationLevel, NewtonDirection, Objective } from './types.js';

export interface SoftmaxObjectiveInput {
  design: DesignBuffer;
  nClasses: number;
  /** Weighted counts, nRows x nClasses row-major, internal class 0 = the reference. */
  counts: Float64Array;
  l2: number;
  /** Index of the intercept column (not penalized), or -1. */
  interceptIndex: number;
  /**
   * Runs the kernel pass instead of the design's runtime (a ThreadTeam, src/threads/: the same
   * pass cut into panel ranges across threads); the design must live in its runtime's memory.
   */
  kernels?: Pick<SoftlogitKernels, 'softmaxEvaluate'>;
}

/**
 * The ridge of the softmax objective (see the top of this file) over nCols coefficients per free
 * class: M = l2 (I − 11ᵀ/K) on the K − 1 free classes; null for l2 = 0.
 */
export function softmaxPenalty(l2: number, nClasses: number, nCols: number, interceptIndex: number): RidgePenalty | null {
  if (!(l2 > 0)) return null;
  const nFree = nClasses - 1;
  const matrix = new Float64Array(nFree * nFree);
  for (let c = 0; c < nFree; c++) for (let d = 0; d < nFree; d++) matrix[c * nFree + d] = l2 * ((c === d ? 1 : 0) - 1 / nClasses);
  return { matrix, penalized: Array.from({ length: nCols }, (_, j) => j !== interceptIndex) };
}

export class SoftmaxObjective implements Objective {
  readonly nParams: number;
  private readonly design: DesignBuffer;
  private readonly nClasses: number;
  private readonly system: NewtonSystem;
  private readonly kernels: Pick<SoftlogitKernels, 'softmaxEvaluate'>;
  private readonly block: number;
  private readonly countsAddress: number;
  private readonly scratchAddress: number;

  constructor(input: SoftmaxObjectiveInput) {
    const { design, nClasses: K } = input;
    const runtime = design.runtime;
    this.design = design;
    this.kernels = input.kernels ?? runtime.kernels;
    this.nClasses = K;
    const nFree = K - 1;
    const penalty = softmaxPenalty(input.l2, K, design.nCols, input.interceptIndex);
    this.system = new NewtonSystem(runtime, nFree, design.nCols, design.nColsPadded, penalty);
    this.nParams = this.system.nParams;
    const rows = design.nRowsPadded;
    const scratch = 3 * K * runtime.panelRows + runtime.panelRows * design.nColsPadded;
    this.block = runtime.heap.alloc((rows * K + scratch) * 8, 'SoftmaxObjective');
    this.countsAddress = this.block;
    this.scratchAddress = this.block + rows * K * 8;
    runtime.heap.f64(this.countsAddress, rows * K).fill(0).set(input.counts);
  }

  evaluate(coefficients: Float64Array, level: EvaluationLevel, hessianSubsample = 1): number {
    const { design, system } = this;
    system.setCoefficients(coefficients);
    const wantGradient = level !== 'value';
    const wantHessian = level === 'hessian';
    const stride = Math.max(1, Math.min(hessianSubsample, design.nPanels));
    const logLik = this.kernels.softmaxEvaluate(
      design.address, design.nPanels, design.nColsPadded, this.nClasses, system.coefAddress, 0,
      this.countsAddress, 0, wantGradient ? system.scoreAddress : 0, wantHessian ? system.infoAddress : 0, stride,
      this.scratchAddress,
    );
    if (wantGradient) system.finishGradient();
    if (wantHessian) system.finishHessian(design.nPanels / Math.ceil(design.nPanels / stride));
    return -logLik + system.penaltyValue();
  }

  gradient(): Float64Array {
    return this.system.gradient();
  }

  newtonDirection(): NewtonDirection {
    return this.system.newtonDirection();
  }

  inverseHessian(): Float64Array {
    return this.system.inverseHessian();
  }

  /** ∇²f at the last 'hessian' evaluation, nParams x nParams row-major (a new array). */
  hessian(): Float64Array {
    return this.system.hessian();
  }

  /** The penalty at the last evaluated point (0 without l2). */
  penalty(): number {
    return this.system.penaltyValue();
  }

  dispose(): void {
    this.design.runtime.heap.free(this.block);
    this.system.dispose();
  }
}
