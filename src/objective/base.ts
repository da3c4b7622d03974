// What the objectives share: the Newton system they fill (gradient, Newton direction, inverse
// Hessian, penalty all read from it), and, for those evaluated by a kernel pass over a design in
// WebAssembly memory, the evaluation around that pass.
import type { DesignBuffer } from '../wasm/design.js';
import type { NewtonSystem } from './system.js';
import type { EvaluationLevel, NewtonDirection, Objective } from './types.js';

/** An objective whose gradient and Hessian live in a NewtonSystem; disposing it frees the system. */
export abstract class SystemObjective {
  readonly nParams: number;
  protected readonly system: NewtonSystem;

  constructor(system: NewtonSystem) {
    this.system = system;
    this.nParams = system.nParams;
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
    this.system.dispose();
  }
}

/**
 * An objective evaluated by one kernel pass over `design`: f = −logLik + penalty, the kernel
 * writing the score and information into the system's buffers when the level asks for them.
 */
export abstract class KernelObjective extends SystemObjective {
  protected abstract readonly design: DesignBuffer;

  /**
   * Runs the kernel at the system's coefficients: returns logLik and writes the score to
   * `scoreAddress` and the information (from every `stride`-th panel; a single-precision sketch
   * when `single`) to `infoAddress`, each unless 0; with `panelStep` > 1, all of it from panels
   * 0, panelStep, 2·panelStep, … only.
   */
  protected abstract pass(scoreAddress: number, infoAddress: number, stride: number, single: boolean, panelStep: number): number;

  /** The design's column scales the system converts with (DesignBuffer.equilibrate). */
  private appliedScales: Float64Array | null = null;

  /**
   * f at `coefficients` (see Objective.evaluate). When the information comes out beyond what a
   * double holds comfortably (a column with values near 1e±300), the design's columns are
   * rescaled once (DesignBuffer.equilibrate) and the pass is repeated; the system then converts
   * between the columns as given and the rescaled ones, so nothing outside sees the change.
   */
  evaluate(coefficients: Float64Array, level: EvaluationLevel, hessianSubsample = 1, hessianSketch = false): number {
    return this.evaluateRows(coefficients, level, hessianSubsample, hessianSketch, 1);
  }

  /** The design's panels: the blocks of rows that `rowSubsample` and `hessianSubsample` count. */
  get rowBlocks(): number {
    return this.design.nPanels;
  }

  /**
   * This objective on every `panelStep`-th panel of rows only, scaled up by panelStep (logLik,
   * score and information: an unbiased estimate of f, the penalty as it is): for a warm start
   * (`subsampleStart` in src/solver/newton.ts) at 1/panelStep of a pass's cost (`hessianSketch`
   * as in evaluate; a `hessianSubsample` > 1 counts panels of the whole design and is a multiple
   * of panelStep: the information from every hessianSubsample-th panel, a subsample of the
   * subsample). Its evaluations go to this objective's system, like this objective's own.
   */
  rowSubsample(panelStep: number): Objective {
    return {
      nParams: this.nParams,
      evaluate: (coefficients, level, hessianSubsample = 1, hessianSketch = false) => this.evaluateRows(coefficients, level, hessianSubsample, hessianSketch, panelStep),
      gradient: () => this.gradient(),
      newtonDirection: () => this.newtonDirection(),
      inverseHessian: () => this.inverseHessian(),
      dispose: () => {},
    };
  }

  private evaluateRows(coefficients: Float64Array, level: EvaluationLevel, hessianSubsample: number, hessianSketch: boolean, panelStep: number): number {
    const { design, system } = this;
    if (design.columnScales !== this.appliedScales) {
      this.appliedScales = design.columnScales;
      system.setColumnScales(this.appliedScales ?? new Float64Array(design.nCols).fill(1));
    }
    system.setCoefficients(coefficients);
    const wantGradient = level !== 'value';
    const wantHessian = level === 'hessian';
    const step = Math.max(1, Math.min(panelStep, design.nPanels));
    const stride = Math.max(1, Math.min(hessianSubsample, design.nPanels));
    if (stride > 1 && stride % step !== 0) throw new RangeError(`hessianSubsample (${stride}) must be a multiple of the row subsample's step (${step})`);
    // the rows' share: nPanels over the panels visited (the step's, then the Hessian's; the
    // Hessian's panels are a subset of the step's)
    const rowsScale = design.nPanels / Math.ceil(design.nPanels / step);
    const logLik = this.pass(wantGradient ? system.scoreAddress : 0, wantHessian ? system.infoAddress : 0, stride, hessianSketch, step);
    if (wantGradient) {
      if (step > 1) {
        const score = design.runtime.heap.f64(system.scoreAddress, system.dim);
        for (let i = 0; i < score.length; i++) score[i] = score[i]! * rowsScale;
      }
      system.finishGradient();
    }
    if (wantHessian) {
      system.finishHessian(design.nPanels / Math.ceil(design.nPanels / Math.max(step, stride)));
      if (!design.equilibrated && system.informationOutOfRange() && design.equilibrate() !== null) {
        return this.evaluateRows(coefficients, level, hessianSubsample, hessianSketch, panelStep);
      }
    }
    return -rowsScale * logLik + system.penaltyValue();
  }
}
