// The interface between objectives (a model's value, gradient and Hessian on the WASM kernels)
// and the Newton solver, which knows nothing else about the model.

/** How much an evaluation computes: the value; also the gradient; also the Hessian. */
export type EvaluationLevel = 'value' | 'gradient' | 'hessian';

/** Result of solving the Newton system at the last Hessian. */
export type NewtonDirection =
  | { ok: true; direction: Float64Array; decrement: number }
  /** The Hessian is singular: parameter `aliased` is a linear combination of earlier ones. */
  | { ok: false; aliased: number };

/**
 * A smooth convex function f of `nParams` coefficients to minimize, with f = −logLik + penalty.
 *
 * Call contract (liblinear's, without hidden order): `gradient()` describes the last point
 * evaluated with level 'gradient' or 'hessian'; `newtonDirection()` and `inverseHessian()` the
 * last point evaluated with level 'hessian'.
 */
export interface Objective {
  readonly nParams: number;
  /**
   * f at `coefficients`. `hessianSubsample` > 1 builds the Hessian from every that-many-th block
   * of rows (scaled up), a cheaper approximation for early iterations; 1 = exact. `hessianSketch`
   * allows a cheaper approximation of the Hessian's arithmetic (single precision, ~1e-6 relative),
   * for iterates that are not the returned point; an objective may ignore it and be exact.
   */
  evaluate(coefficients: Float64Array, level: EvaluationLevel, hessianSubsample?: number, hessianSketch?: boolean): number;
  /** ∇f at the last point evaluated with level ≥ 'gradient'; valid until the next evaluate. */
  gradient(): Float64Array;
  /** d = −(∇²f)⁻¹ ∇f and the Newton decrement λ² = −∇fᵀd at the last Hessian. */
  newtonDirection(): NewtonDirection;
  /** (∇²f)⁻¹ at the last Hessian, nParams x nParams row-major (a new array). */
  inverseHessian(): Float64Array;
  /** Releases WebAssembly memory; the objective is unusable afterwards. */
  dispose(): void;
}

/**
 * An Objective whose evaluations are asynchronous (data streamed from a file, or spread over
 * workers or processes); the other methods describe the last evaluated point, as for Objective.
 */
export interface AsyncObjective extends Omit<Objective, 'evaluate'> {
  evaluate(coefficients: Float64Array, level: EvaluationLevel, hessianSubsample?: number, hessianSketch?: boolean): Promise<number>;
}

/** An objective that can restrict itself to a subsample of its rows (every k-th block). */
export interface RowSubsampling {
  /** Blocks of rows: what `step` and a `hessianSubsample` count. */
  readonly rowBlocks: number;
  /**
   * The objective on every `step`-th block of rows, scaled up by `step` (an estimate of f). Its
   * evaluations take a `hessianSubsample` counted in blocks of all rows: 1 (or `step`) for the
   * subsample's own Hessian, a multiple of `step` for every such block of it.
   */
  rowSubsample(step: number): Objective;
}
