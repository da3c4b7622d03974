// Newton's method with step halving, for any Objective (STYLE.md: the solver knows nothing
// about the model). A template of named steps, after scikit-learn's NewtonSolver:
//   setup → (gradient, Hessian) → inner solve → line search → convergence check → polish.
import type { Objective } from '../objective/types.js';

/** Halve at most this many times: 2^-40 of a Newton step is below any useful progress. */
const MAX_HALVINGS = 40;
/**
 * A trial point is accepted when f does not rise by more than this relative amount: f is a sum
 * of many rounded terms, so near the optimum two evaluations differ by ~1e-15 relative noise.
 */
const ACCEPT_SLACK = 1e-13;
/** Extra Newton steps taken after the convergence test passes, while each still shrinks the decrement. */
const MAX_POLISH_STEPS = 3;

export interface NewtonOptions {
  /** Maximum Newton iterations (each: one Hessian and one solve). */
  maxIter: number;
  /**
   * Convergence tolerance: stop when the relative change in f over an iteration and the Newton
   * decrement λ²/ (|f| + 1) are both below it; then polish with full steps.
   */
  tol: number;
  /**
   * Rows-per-Hessian subsampling for the early iterations (1 = exact Newton throughout). The
   * exact Hessian is always used once the decrement is small, and at the end.
   */
  hessianSubsample?: number;
  /** Called after every accepted step. */
  onIteration?: (progress: IterationProgress) => void;
}

export interface IterationProgress {
  iteration: number;
  /** f after the step (for a model: −logLik + penalty). */
  value: number;
  /** The step size taken (1 = a full Newton step, 0.5 after one halving, …). */
  stepSize: number;
  /** Newton decrement λ² at the start of the iteration. */
  decrement: number;
}

export interface NewtonResult {
  coefficients: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
  /** λ² at the final point (before the last polish step). */
  decrement: number;
  /**
   * Set when the Hessian was singular: compact index of the aliased parameter. At the start
   * (iterations = 0) that means linearly dependent columns; later, fitted probabilities that
   * reached 0 or 1 (the signature of separation), with reason 'singular'.
   */
  aliased?: number;
  /** Why the solver stopped when it did not converge. */
  reason?: 'maxIter' | 'lineSearch' | 'singular';
}

/**
 * Minimizes `objective` from `start`. On return the objective's last evaluation (level
 * 'hessian', exact) is at the returned coefficients, so `objective.inverseHessian()` is the
 * covariance there.
 */
export function newton(objective: Objective, start: Float64Array, options: NewtonOptions): NewtonResult {
  // setup: value, gradient and Hessian at the start.
  let coef: Float64Array = Float64Array.from(start);
  let subsample = Math.max(1, Math.floor(options.hessianSubsample ?? 1));
  let value = objective.evaluate(coef, 'hessian', subsample);
  let iterations = 0;
  let decrement = Infinity;
  let previousValue = Infinity;
  let converged = false;
  let reason: NewtonResult['reason'];

  for (;;) {
    // inner solve
    const step = objective.newtonDirection();
    if (!step.ok) {
      const stop: NewtonResult = { coefficients: coef, value, iterations, converged: false, decrement, aliased: step.aliased };
      if (iterations > 0) stop.reason = 'singular';
      return stop;
    }
    decrement = Math.max(0, step.decrement);

    // convergence check (on the exact Hessian only)
    const relativeChange = Math.abs(previousValue - value) / (Math.abs(value) + 0.1);
    const small = decrement <= options.tol * (Math.abs(value) + 1);
    if (small && subsample > 1) {
      subsample = 1;
      value = objective.evaluate(coef, 'hessian', 1);
      continue;
    }
    if (small && relativeChange <= options.tol) {
      converged = true;
      break;
    }
    if (iterations >= options.maxIter) {
      reason = 'maxIter';
      break;
    }

    // line search: halve until f does not rise
    const accepted = lineSearch(objective, coef, value, step.direction, subsample);
    if (!accepted) {
      // No decrease along a descent direction: f is flat to rounding here. That is convergence
      // when the decrement is at rounding level, a failure otherwise.
      if (decrement <= 1e3 * Number.EPSILON * (Math.abs(value) + 1)) converged = true;
      else reason = 'lineSearch';
      break;
    }
    iterations++;
    previousValue = value;
    coef = accepted.coefficients;
    value = accepted.value;
    options.onIteration?.({ iteration: iterations, value, stepSize: accepted.stepSize, decrement });
  }

  if (converged) {
    // polish: full Newton steps while they still shrink the decrement (quadratic convergence
    // takes a point at tolerance level to rounding level in one or two steps).
    for (let k = 0; k < MAX_POLISH_STEPS; k++) {
      const step = objective.newtonDirection();
      if (!step.ok) break;
      const trial = addScaled(coef, step.direction, 1);
      const trialValue = objective.evaluate(trial, 'hessian', 1);
      if (!(trialValue <= value + ACCEPT_SLACK * Math.abs(value))) {
        objective.evaluate(coef, 'hessian', 1);
        break;
      }
      const before = Math.max(0, step.decrement);
      coef = trial;
      value = trialValue;
      decrement = before;
      const next = objective.newtonDirection();
      if (!next.ok || !(next.decrement < 0.25 * before)) break;
    }
  }
  return reason ? { coefficients: coef, value, iterations, converged, decrement, reason } : { coefficients: coef, value, iterations, converged, decrement };
}

function addScaled(x: Float64Array, d: Float64Array, t: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! + t * d[i]!;
  return out;
}

/**
 * Tries x + t d for t = 1, 1/2, 1/4, …; the first trial also computes the gradient and Hessian
 * (it is accepted almost always, and that saves a pass over the data). Returns the accepted point
 * with its objective evaluated at level 'hessian', or null.
 */
function lineSearch(
  objective: Objective,
  x: Float64Array,
  value: number,
  direction: Float64Array,
  subsample: number,
): { coefficients: Float64Array; value: number; stepSize: number } | null {
  let t = 1;
  for (let halvings = 0; halvings <= MAX_HALVINGS; halvings++, t *= 0.5) {
    const trial = addScaled(x, direction, t);
    const trialValue = objective.evaluate(trial, halvings === 0 ? 'hessian' : 'value', subsample);
    if (trialValue <= value + ACCEPT_SLACK * Math.abs(value)) {
      if (halvings > 0) objective.evaluate(trial, 'hessian', subsample);
      return { coefficients: trial, value: trialValue, stepSize: t };
    }
  }
  objective.evaluate(x, 'hessian', subsample);
  return null;
}
