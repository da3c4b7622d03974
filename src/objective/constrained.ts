// An objective restricted to the hyperplane aᵀβ = b: what a profile likelihood maximizes at each
// value b of one coefficient (a = e_j) or of one linear combination of them (a coefficient of the
// symmetric softmax form). The solver sees the q − 1 coordinates γ = β without β_m, m the index
// of the largest |a_m|, and β_m = (b − Σ_{i≠m} a_i β_i) / a_m; so with r_i = a_i / a_m
//   ∇_γ f = g_γ − r g_m,   ∇²_γ f = H_γγ − r H_mγ − H_γm rᵀ + H_mm r rᵀ,
// g and H the full objective's gradient and Hessian. The small reduced system is solved here
// (Cholesky in JavaScript): profiles are for models with up to a few hundred coefficients.
import { choleskyInPlace, solveLowerInPlace, solveLowerTransposedInPlace } from '../matrix.js';
import type { EvaluationLevel, NewtonDirection, Objective } from './types.js';

/** An objective whose Hessian can be read back (the kernel objectives: SystemObjective). */
export type ObjectiveWithHessian = Objective & { hessian(): Float64Array };

/**
 * `base` restricted to aᵀβ = b (see the top of this file), for the Newton solver.
 * @example
 * const held = new LinearConstraintObjective(softmaxObjective, form); // form = e_j: coefficient j held
 * held.setTarget(0.5);
 * const result = newton(held, held.free(estimate), { tol: 1e-13, maxIter: 200 });
 * held.full(result.coefficients) // the constrained MLE, with β_j = 0.5
 */
export class LinearConstraintObjective implements Objective {
  readonly nParams: number;
  readonly #base: ObjectiveWithHessian;
  readonly #form: Float64Array;
  readonly #pivot: number;
  #target = 0;
  #gradient: Float64Array;
  #factor: Float64Array | null = null;
  #aliased = -1;

  /**
   * @param base the objective over all q coefficients (not disposed here)
   * @param form a, length q, not all zero
   */
  constructor(base: ObjectiveWithHessian, form: ArrayLike<number>) {
    this.#base = base;
    this.#form = Float64Array.from(form);
    let pivot = 0;
    for (let i = 1; i < this.#form.length; i++) if (Math.abs(this.#form[i]!) > Math.abs(this.#form[pivot]!)) pivot = i;
    this.#pivot = pivot;
    this.nParams = this.#form.length - 1;
    this.#gradient = new Float64Array(this.nParams);
  }

  /** Sets b of aᵀβ = b for the evaluations that follow. */
  setTarget(target: number): void {
    this.#target = target;
  }

  /** β on the hyperplane from the free coordinates γ. */
  full(free: ArrayLike<number>): Float64Array {
    const a = this.#form;
    const m = this.#pivot;
    const beta = new Float64Array(a.length);
    let rest = this.#target;
    for (let i = 0, k = 0; i < a.length; i++) {
      if (i === m) continue;
      beta[i] = free[k++]!;
      rest -= a[i]! * beta[i]!;
    }
    beta[m] = rest / a[m]!;
    return beta;
  }

  /** γ of a full β (its coordinates without β_m). */
  free(beta: ArrayLike<number>): Float64Array {
    const out = new Float64Array(this.nParams);
    for (let i = 0, k = 0; i < beta.length; i++) if (i !== this.#pivot) out[k++] = beta[i]!;
    return out;
  }

  evaluate(coefficients: Float64Array, level: EvaluationLevel): number {
    const value = this.#base.evaluate(this.full(coefficients), level, 1);
    if (level === 'value') return value;
    const a = this.#form;
    const m = this.#pivot;
    const q = a.length;
    const n = this.nParams;
    const g = this.#base.gradient();
    const ratio = (i: number) => a[i]! / a[m]!;
    for (let i = 0, k = 0; i < q; i++) if (i !== m) this.#gradient[k++] = g[i]! - ratio(i) * g[m]!;
    if (level === 'hessian') {
      const H = this.#base.hessian();
      const R = new Float64Array(n * n);
      for (let i = 0, k = 0; i < q; i++) {
        if (i === m) continue;
        for (let j = 0, l = 0; j < q; j++) {
          if (j === m) continue;
          R[k * n + l++] = H[i * q + j]! - ratio(i) * H[m * q + j]! - ratio(j) * H[i * q + m]! + ratio(i) * ratio(j) * H[m * q + m]!;
        }
        k++;
      }
      this.#aliased = choleskyInPlace(R, n);
      this.#factor = R;
    }
    return value;
  }

  gradient(): Float64Array {
    return this.#gradient.slice();
  }

  newtonDirection(): NewtonDirection {
    if (this.#aliased >= 0) return { ok: false, aliased: this.#aliased };
    const direction = this.#gradient.map((v) => -v);
    solveLowerInPlace(this.#factor!, this.nParams, direction);
    solveLowerTransposedInPlace(this.#factor!, this.nParams, direction);
    let decrement = 0;
    for (let i = 0; i < this.nParams; i++) decrement -= this.#gradient[i]! * direction[i]!;
    return { ok: true, direction, decrement };
  }

  inverseHessian(): Float64Array {
    const n = this.nParams;
    const out = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      const column = new Float64Array(n);
      column[j] = 1;
      solveLowerInPlace(this.#factor!, n, column);
      solveLowerTransposedInPlace(this.#factor!, n, column);
      for (let i = 0; i < n; i++) out[i * n + j] = column[i]!;
    }
    return out;
  }

  /** Nothing to free: the base objective belongs to the caller. */
  dispose(): void {}
}
