// Newton's method with step halving in plain TypeScript: the algorithm softlogit's solver started
// from (exact Hessian every iteration), written without WebAssembly, for the "same algorithm in
// plain JS" baseline. Stops when the Newton decrement λ² = gᵀH⁻¹g and the relative change in f are
// both below tol, then takes full Newton steps while they still shrink λ² (to rounding level);
// the covariance is H⁻¹ at the returned point.
import { choleskyFactor, choleskyInverse, choleskySolve } from './linalg.js';

/** f = −logLik of a model, with its gradient and Hessian, in one pass over the data. */
export interface PlainObjective {
  readonly nParams: number;
  /**
   * f at `coef`; fills `gradient` when given and `hessian` (nParams², both triangles) when given.
   */
  evaluate(coef: Float64Array, gradient: Float64Array | null, hessian: Float64Array | null): number;
}

export interface PlainFit {
  coefficients: Float64Array;
  covariance: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
  /** Passes over the data (each evaluation of f is one). */
  passes: number;
}

const MAX_HALVINGS = 40;
const ACCEPT_SLACK = 1e-13;
const MAX_POLISH_STEPS = 3;

export function plainNewton(objective: PlainObjective, start: Float64Array, maxIter = 50, tol = 1e-10): PlainFit {
  const n = objective.nParams;
  let coef = Float64Array.from(start);
  let gradient = new Float64Array(n);
  let hessian = new Float64Array(n * n);
  let trialGradient = new Float64Array(n);
  let trialHessian = new Float64Array(n * n);
  const factor = new Float64Array(n * n);
  const scale = new Float64Array(n);
  const direction = new Float64Array(n);
  let passes = 1;
  let value = objective.evaluate(coef, gradient, hessian);

  /** direction := −H⁻¹ g; returns λ² (or NaN when H is not positive definite). */
  const solve = (): number => {
    factor.set(hessian);
    if (!choleskyFactor(factor, n, scale)) return Number.NaN;
    for (let i = 0; i < n; i++) direction[i] = -gradient[i]!;
    choleskySolve(factor, n, scale, direction);
    let decrement = 0;
    for (let i = 0; i < n; i++) decrement -= direction[i]! * gradient[i]!;
    return Math.max(0, decrement);
  };
  const swap = (): void => {
    [gradient, trialGradient] = [trialGradient, gradient];
    [hessian, trialHessian] = [trialHessian, hessian];
  };

  let iterations = 0;
  let previous = Infinity;
  let converged = false;
  for (;;) {
    const decrement = solve();
    if (Number.isNaN(decrement)) throw new Error('plainNewton: the Hessian is not positive definite');
    const relativeChange = Math.abs(previous - value) / (Math.abs(value) + 0.1);
    if (decrement <= tol * (Math.abs(value) + 1) && relativeChange <= tol) {
      converged = true;
      break;
    }
    if (iterations >= maxIter) break;
    let t = 1;
    let accepted = false;
    for (let halvings = 0; halvings <= MAX_HALVINGS; halvings++, t *= 0.5) {
      const trial = new Float64Array(n);
      for (let i = 0; i < n; i++) trial[i] = coef[i]! + t * direction[i]!;
      passes++;
      const trialValue = objective.evaluate(trial, halvings === 0 ? trialGradient : null, halvings === 0 ? trialHessian : null);
      if (trialValue <= value + ACCEPT_SLACK * Math.abs(value)) {
        if (halvings > 0) {
          passes++;
          objective.evaluate(trial, trialGradient, trialHessian);
        }
        swap();
        previous = value;
        coef = trial;
        value = trialValue;
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
    iterations++;
  }
  if (converged) {
    for (let k = 0; k < MAX_POLISH_STEPS; k++) {
      const before = solve();
      if (Number.isNaN(before)) break;
      const trial = new Float64Array(n);
      for (let i = 0; i < n; i++) trial[i] = coef[i]! + direction[i]!;
      passes++;
      const trialValue = objective.evaluate(trial, trialGradient, trialHessian);
      if (!(trialValue <= value + ACCEPT_SLACK * Math.abs(value))) break;
      swap();
      coef = trial;
      value = trialValue;
      const after = solve();
      if (!(after < 0.25 * before)) break;
    }
  }
  factor.set(hessian);
  const covariance = choleskyFactor(factor, n, scale) ? choleskyInverse(factor, n, scale) : new Float64Array(n * n).fill(Number.NaN);
  return { coefficients: coef, covariance, value, iterations, converged, passes };
}

/** √diag(covariance). */
export function standardErrors(covariance: Float64Array, n: number): Float64Array {
  const se = new Float64Array(n);
  for (let i = 0; i < n; i++) se[i] = Math.sqrt(covariance[i * n + i]!);
  return se;
}
