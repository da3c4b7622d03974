// The multinomial (softmax) objective in the reference-class form:
//   f(B) = −logLik(B) + (l2/2) Σ_{j ≠ intercept} Σ_k (W_jk − mean_k W_jk)²,
// where W = [0 | B] (the reference class first) and the penalty is the ridge on the symmetric
// (sum-to-zero) form of W, which is what a ridge on the full p x K W reduces to at its optimum
// over the free shift: for one feature, Σ_k (W_k − mean W)² = bᵀ(I − 11ᵀ/K) b.
// Evaluated by the WebAssembly kernel `softmaxEvaluate` on a design already in WASM memory.
import type { DesignBuffer } from '../wasm/design.js';
import { softmaxScratchDoubles, type SoftlogitKernels } from '../wasm/module.js';
import { KernelObjective } from './base.js';
import { NewtonSystem, type RidgePenalty } from './system.js';
import type { Objective } from './types.js';

export interface SoftmaxObjectiveInput {
  design: DesignBuffer;
  nClasses: number;
  /** Weighted counts, nRows x nClasses row-major, internal class 0 = the reference. */
  counts: Float64Array;
  l2: number;
  /**
   * Offsets of the free classes against the reference, (K − 1) · nRowsPadded class-major (see
   * `referenceFormOffset` in src/input/classOffset.ts), or null/absent.
   */
  offset?: Float64Array | null;
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

export class SoftmaxObjective extends KernelObjective implements Objective {
  protected readonly design: DesignBuffer;
  private readonly nClasses: number;
  private readonly kernels: Pick<SoftlogitKernels, 'softmaxEvaluate'>;
  private readonly block: number;
  private readonly countsAddress: number;
  private readonly scratchAddress: number;
  private readonly tailAddress: number;
  private readonly offsetAddress: number;

  constructor(input: SoftmaxObjectiveInput) {
    const { design, nClasses: K } = input;
    const runtime = design.runtime;
    const penalty = softmaxPenalty(input.l2, K, design.nCols, input.interceptIndex);
    super(new NewtonSystem(runtime, K - 1, design.nCols, design.nColsPadded, penalty));
    this.design = design;
    this.kernels = input.kernels ?? runtime.kernels;
    this.nClasses = K;
    const rows = design.nRowsPadded;
    const scratch = softmaxScratchDoubles(runtime.panelRows, design.nColsPadded, K);
    try {
      this.block = runtime.heap.alloc((rows * K + scratch + 2 + (input.offset ? rows * (K - 1) : 0)) * 8, 'SoftmaxObjective');
    } catch (error) {
      this.system.dispose(); // nobody else can free it: the caller never gets this object
      throw error;
    }
    this.countsAddress = this.block;
    this.scratchAddress = this.block + rows * K * 8;
    this.tailAddress = this.scratchAddress + scratch * 8;
    this.offsetAddress = input.offset ? this.tailAddress + 2 * 8 : 0;
    if (input.offset) runtime.heap.f64(this.offsetAddress, rows * (K - 1)).set(input.offset);
    runtime.heap.f64(this.tailAddress, 1)[0] = Infinity;
    runtime.heap.f64(this.countsAddress, rows * K).fill(0).set(input.counts);
    this.system.setRankCheck((column, combination) => this.residualRatio(column, combination));
  }

  /**
   * The rank check of the Newton system (first class block): Σ w r² / Σ w x_column² for
   * r = X̃ · combination, w = m p₁ (1 − p₁) at the system's coefficients, formed row by row from the
   * data (one scalar pass, only for a column the factorization found nearly aliased). The kernel
   * leaves an offset out of p₁: the weights only scale the metric of this near-alias check.
   */
  private residualRatio(column: number, combination: Float64Array): number {
    const { design } = this;
    const { heap, kernels } = design.runtime;
    const work = heap.alloc((design.nColsPadded + 2) * 8, 'SoftmaxObjective.residualRatio');
    try {
      heap.f64(work, design.nColsPadded).set(combination);
      const out = work + design.nColsPadded * 8;
      kernels.softmaxResidualSquares(
        design.address, design.nPanels, design.nColsPadded, this.nClasses, this.system.coefAddress, this.countsAddress, work, column, out,
      );
      const [residual, own] = heap.f64(out, 2);
      return residual! / own!;
    } finally {
      heap.free(work);
    }
  }

  protected pass(scoreAddress: number, infoAddress: number, stride: number, single: boolean, panelStep: number): number {
    const { design } = this;
    return this.kernels.softmaxEvaluate(
      design.address, design.nPanels, design.nColsPadded, this.nClasses, this.system.coefAddress, this.offsetAddress, design.nPanels,
      this.countsAddress, 0, scoreAddress, infoAddress, stride, this.scratchAddress, this.tailAddress, single ? 1 : 0, panelStep,
    );
  }

  /**
   * min over rows with t > 0 of t · min_k p_k at the last evaluated point (t: the row's weighted
   * count; +Infinity before any evaluation): what the separation check compares with its threshold.
   */
  smallestWeightedProbability(): number {
    return this.design.runtime.heap.f64(this.tailAddress, 1)[0]!;
  }

  override dispose(): void {
    this.design.runtime.heap.free(this.block);
    super.dispose();
  }
}
