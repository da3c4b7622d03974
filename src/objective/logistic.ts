// The binary logistic objective f(β) = −logLik(β) + (l2/2) Σ_{j ≠ intercept} β_j², evaluated by
// the WebAssembly kernel `logisticEvaluate` on a design already in WASM memory.
import type { DesignBuffer } from '../wasm/design.js';
import { logisticScratchDoubles, type SoftlogitKernels } from '../wasm/module.js';
import { KernelObjective } from './base.js';
import { NewtonSystem, type RidgePenalty } from './system.js';
import type { Objective } from './types.js';

export interface LogisticObjectiveInput {
  design: DesignBuffer;
  /** Weighted successes per row (length nRows). */
  successes: Float64Array;
  /** Weighted trials per row (length nRows). */
  trials: Float64Array;
  /** Per-row offset added to the linear predictor, or null. */
  offset: Float64Array | null;
  /** Ridge strength (0 = none). */
  l2: number;
  /** Index of the intercept column (not penalized), or -1. */
  interceptIndex: number;
  /**
   * Runs the kernel pass instead of the design's runtime (a ThreadTeam, src/threads/: the same
   * pass cut into panel ranges across threads); the design must live in its runtime's memory.
   */
  kernels?: Pick<SoftlogitKernels, 'logisticEvaluate'>;
}

/** The ridge (l2/2) Σ_{j ≠ intercept} β_j² of the logistic objective over nCols coefficients, or null for l2 = 0. */
export function logisticPenalty(l2: number, nCols: number, interceptIndex: number): RidgePenalty | null {
  return l2 > 0 ? { matrix: Float64Array.of(l2), penalized: Array.from({ length: nCols }, (_, j) => j !== interceptIndex) } : null;
}

export class LogisticObjective extends KernelObjective implements Objective {
  protected readonly design: DesignBuffer;
  private readonly kernels: Pick<SoftlogitKernels, 'logisticEvaluate'>;
  private readonly block: number;
  private readonly successesAddress: number;
  private readonly trialsAddress: number;
  private readonly offsetAddress: number;
  private readonly etaAddress: number;
  private readonly scratchAddress: number;

  constructor(input: LogisticObjectiveInput) {
    const { design } = input;
    const runtime = design.runtime;
    const penalty = logisticPenalty(input.l2, design.nCols, input.interceptIndex);
    super(new NewtonSystem(runtime, 1, design.nCols, design.nColsPadded, penalty));
    this.design = design;
    this.kernels = input.kernels ?? runtime.kernels;
    const n = design.nRowsPadded;
    const scratch = logisticScratchDoubles(runtime.panelRows, design.nColsPadded);
    const vectors = input.offset ? 4 : 3;
    try {
      this.block = runtime.heap.alloc((vectors * n + scratch) * 8, 'LogisticObjective');
    } catch (error) {
      this.system.dispose(); // nobody else can free it: the caller never gets this object
      throw error;
    }
    this.successesAddress = this.block;
    this.trialsAddress = this.block + n * 8;
    this.etaAddress = this.block + 2 * n * 8;
    this.offsetAddress = input.offset ? this.block + 3 * n * 8 : 0;
    this.scratchAddress = this.block + vectors * n * 8;
    const heap = runtime.heap;
    heap.f64(this.successesAddress, n).fill(0).set(input.successes);
    heap.f64(this.trialsAddress, n).fill(0).set(input.trials);
    if (input.offset) heap.f64(this.offsetAddress, n).fill(0).set(input.offset);
    this.system.setRankCheck((column, combination) => this.residualRatio(column, combination));
  }

  /**
   * The rank check of the Newton system: Σ w r² / Σ w x_column² for r = X̃ · combination, with the
   * information weights w = t p (1 − p) at the last evaluated point, formed row by row from the
   * data (one scalar pass, only for a column the factorization found nearly aliased).
   */
  private residualRatio(column: number, combination: Float64Array): number {
    const { design } = this;
    const { heap, kernels } = design.runtime;
    const work = heap.alloc((design.nColsPadded + 2) * 8, 'LogisticObjective.residualRatio');
    try {
      heap.f64(work, design.nColsPadded).set(combination);
      const out = work + design.nColsPadded * 8;
      kernels.logisticResidualSquares(design.address, design.nPanels, design.nColsPadded, work, column, this.etaAddress, this.trialsAddress, out);
      const [residual, own] = heap.f64(out, 2);
      return residual! / own!;
    } finally {
      heap.free(work);
    }
  }

  protected pass(scoreAddress: number, infoAddress: number, stride: number, single: boolean, panelStep: number): number {
    const { design } = this;
    return this.kernels.logisticEvaluate(
      design.address, design.nPanels, design.nColsPadded, this.system.coefAddress, this.offsetAddress,
      this.successesAddress, this.trialsAddress, this.etaAddress, scoreAddress, infoAddress, stride, this.scratchAddress, single ? 1 : 0, panelStep,
    );
  }

  /** The linear predictor of every row at the last evaluated point (a copy). */
  linearPredictor(): Float64Array {
    return this.linearPredictorView().slice();
  }

  /**
   * As {@link linearPredictor}, a view of WebAssembly memory instead of a copy (no 8 bytes a row
   * to allocate and fault in): valid until the next allocation in that memory.
   */
  linearPredictorView(): Float64Array {
    return this.design.runtime.heap.f64(this.etaAddress, this.design.nRows);
  }

  override dispose(): void {
    this.design.runtime.heap.free(this.block);
    super.dispose();
  }
}
