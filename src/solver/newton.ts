// Newton's method with step halving, for any Objective (STYLE.md: the solver knows nothing
// about the model). A template of named steps, after scikit-learn's NewtonSolver:
//   setup → (gradient, Hessian) → inner solve → line search → convergence check → polish.
//
// The steps are written once, as a generator (`newtonSteps`) that yields every evaluation of f it
// needs and receives f back; `newton` answers them synchronously (data in WASM memory) and
// `newtonAsync` with a promise (data streamed from disk, or spread over several processes), so
// both drivers take exactly the same steps.
import type { AsyncObjective, EvaluationLevel, Objective, RowSubsampling } from '../objective/types.js';

/** Halve at most this many times: 2^-40 of a Newton step is below any useful progress. */
const MAX_HALVINGS = 40;
/**
 * A trial point is accepted when f does not rise by more than this relative amount: f is a sum
 * of many rounded terms, so near the optimum two evaluations differ by ~1e-15 relative noise.
 */
const ACCEPT_SLACK = 1e-13;
/**
 * Extra Newton steps taken after the convergence test passes, while each still shrinks the
 * decrement: one or two from tolerance level, up to four after a hand-over from a subsampled
 * Hessian (each one pass: gradient only, or with the exact Hessian for the predicted last).
 */
const MAX_POLISH_STEPS = 6;
/**
 * With a subsampled Hessian, hand over to the exact one once λ² ≤ this · (|f| + 1): then the
 * coefficients are within about 3e-3 (relative) of the optimum, and steps with the exact Hessian
 * gain four or more digits each where another subsampled step gains two or three. The hand-over
 * step (a subsampled one) lands at λ² ~1e-8 (|f| + 1), whose full-data sketch takes the next step
 * to ~1e-17 and the one after (same Hessian) to ~1e-26: finalStepBound's reach at 1e6 rows. At 1e-6 the
 * benchmark's 1e6 × 50 case (λ² 3.4e-6 after two subsampled steps) took a third.
 */
const SUBSAMPLE_HANDOVER = 1e-5;
/**
 * With a subsampled Hessian, hand over to the exact one as soon as an iteration keeps more than
 * this fraction of λ² (shrinks it less than 4×): steps that gain less than 0.6 of a digit of λ²
 * are no longer Newton-like (a subsample that misses the few rows carrying the curvature, as on
 * nearly separated data). On the benchmark data every subsampled step shrinks λ² 15 to 1000 times.
 */
const SUBSAMPLE_MIN_SHRINK = 0.25;
/**
 * The polish stops without taking a step whose λ² ≤ this · (|f| + 1), ε²: the step would lower f by
 * λ²/2, far below the rounding of f itself, and move the coefficients by about ε in the Hessian's
 * metric scaled to f, the size of what rounding in the gradient alone produces at the optimum (a
 * few times below this on the benchmark data): the point is at rounding level already, and a
 * pass over the data is saved.
 */
const NEGLIGIBLE_DECREMENT = Number.EPSILON ** 2;
/**
 * A Newton step from a point with the exact Hessian whose λ² is at the rounding level of that
 * Hessian's own sum, λ² ≤ (ε (|f| + 1))² (finalStepBound), is the last one, and is taken without
 * another pass over the data: its end is returned with the Hessian, f and λ² of its start (as R's
 * glm returns the coefficients of its last weighted least-squares solve with the covariance of the
 * weights before it). The step moves the linear predictors by about √(λ² / Σw) ≤ ε (|f| + 1) / √Σw,
 * a few times ε √n for n rows of weight ~1 (f and Σw both grow like n): the size of the rounding
 * of a sum of n terms, which the Hessian carries anyway, so the Hessian at its end agrees with the
 * held one to that (measured: standard errors equal to those of a fit evaluated at the end to
 * 3.8e-15 at 1e6 × 50, and a Wald statistic on MASS housing to 1e-14). The step leaves an error of
 * order λ⁴ / (|f| + 1), far below ε: the coefficients end closer to the MLE than the point
 * evaluated, and a pass is saved (the gradient-only one that would bring λ² from there to ε²).
 */
function finalStepBound(value: number): number {
  return (Number.EPSILON * (Math.abs(value) + 1)) ** 2;
}
/**
 * The polish predicts λ² after a step from the last shrink factor; after a step with a fresh
 * Hessian, the next (with the same Hessian) shrinks it ~4 times less (its error is twice the
 * quadratic term: measured 3.8-4.8×). The exact Hessian goes to a trial predicted to land at
 * finalStepBound / this, so that its λ² allows the final step.
 */
const PREDICTION_MARGIN = 16;
/**
 * `subsampleStart`: Newton iterations on the row subsample at most. Its Hessian is the
 * subsample's own, so from the usual start it gets there in 3-5; a subsample that needs more is
 * nearly separated or otherwise unlike the data, and the fit starts where it would have without it.
 */
const WARM_START_MAX_ITER = 12;
/**
 * `subsampleStart` stops once λ² on the subsample ≤ this · (|f| + 1): its optimum is itself
 * ~√(pk/n) from the full one (λ² of the full data there ~1e-3 (|f| + 1) at n = 1e6, p = 50,
 * k = 16), so iterating the subsample closer than that buys nothing.
 */
const WARM_START_TOL = 1e-4;
/**
 * The warm start pays from this subsample stride on: each of its ~4 iterations costs 1/k of a
 * pass with a sketched Hessian, and it saves ~2 full-data iterations (a gradient over all rows
 * and a Hessian from 1/k of them each). At k = 16 (n = 1e6, p = 50) that is ~45 ms; at k = 6
 * (multinomial n = 1e5, p = 20, K = 10, where the Hessian dominates) it broke even, at k = 12
 * for the same data it saves ~40 ms (`warmStartStride`).
 */
export const WARM_START_MIN_STRIDE = 8;

/**
 * The row subsample `newtonFromSubsample` warm-starts on, for a Hessian subsample stride
 * `stride` (`defaultHessianSubsample`): every `stride`-th block from WARM_START_MIN_STRIDE on;
 * below it every (2 · stride)-th, which still keeps at least MIN_SUBSAMPLE_BLOCKS / 2 blocks.
 * The warm start only has to come within ~√(pk/n) of the optimum, and its cost falls with k
 * while the full-data iterations it saves do not: at n = 1e5, p = 20, K = 10 (stride 6) a warm
 * start on 1/12 of the rows leaves 3 subsampled iterations instead of 5. Returns 1 (no warm
 * start) when even that stride is below WARM_START_MIN_STRIDE.
 */
export function warmStartStride(stride: number): number {
  const k = stride >= WARM_START_MIN_STRIDE ? stride : 2 * stride;
  return k >= WARM_START_MIN_STRIDE ? k : 1;
}
/**
 * The warm start's Hessians come from every (this · k)-th block (`warmStartHessianStride`): its
 * first steps, far from the optimum, are Newton-like with a Hessian from a quarter of its rows.
 * At n = 1e6, p = 50 (k = 16: Hessians from 62 blocks, 15,900 rows, 310 per parameter) it takes
 * the same 4 iterations to the same point as with its own Hessian (λ² on all rows there 6.1e2 and
 * 6.2e2), in 27-39 ms where those took 57-68 (load ~2).
 */
const WARM_HESSIAN_THINNING = 4;
/** … as long as that leaves at least this many blocks (256 rows) per parameter. */
const WARM_HESSIAN_BLOCKS_PER_PARAMETER = 1;

/**
 * The `hessianSubsample` of the warm start on every `warmStride`-th of `nBlocks` blocks
 * (`subsampleStart`), for `nParams` parameters: every (WARM_HESSIAN_THINNING · warmStride)-th
 * block while that keeps WARM_HESSIAN_BLOCKS_PER_PARAMETER blocks per parameter, else 1 (the
 * subsample's own rows).
 *
 * @example
 * warmStartHessianStride(16, 3907, 51); // 64 (n = 1e6, p = 50)
 * warmStartHessianStride(12, 391, 189); // 1 (multinomial n = 1e5, p = 20, K = 10)
 */
export function warmStartHessianStride(warmStride: number, nBlocks: number, nParams: number): number {
  const thinned = warmStride * WARM_HESSIAN_THINNING;
  return warmStride > 1 && Math.ceil(nBlocks / thinned) >= WARM_HESSIAN_BLOCKS_PER_PARAMETER * nParams ? thinned : 1;
}

/** `defaultHessianSubsample`: the subsample keeps at least this many row blocks … */
const MIN_SUBSAMPLE_BLOCKS = 64;
/** … and takes at least every this-many-th block (1/16 of the rows: at n = 1e6, 62,500 rows). */
const MAX_SUBSAMPLE_STRIDE = 16;

/**
 * A `hessianSubsample` for an objective whose rows come in `nBlocks` blocks: every k-th block,
 * k as large as MAX_SUBSAMPLE_STRIDE while at least MIN_SUBSAMPLE_BLOCKS blocks remain (1, exact
 * Newton, for small data). A Hessian from m rows is within about √(p/m) of the full one, so
 * Newton steps with it still gain over a digit each, at 1/k of the Hessian's cost.
 */
export function defaultHessianSubsample(nBlocks: number): number {
  return Math.max(1, Math.min(MAX_SUBSAMPLE_STRIDE, Math.floor(nBlocks / MIN_SUBSAMPLE_BLOCKS)));
}

/**
 * A start for the fit on all rows: the optimum of `subsample` (the objective on every k-th block
 * of rows, scaled up; `KernelObjective.rowSubsample`) from `start`, each iteration at 1/k of a
 * pass's cost. The early Newton steps from a start far from the optimum (an error of 0.3 → 0.03 →
 * 1e-3) need neither every row's gradient nor its Hessian; the full fit then starts ~√(pk/n) from
 * its optimum. Only the path changes: the full fit converges to its own optimum with its own
 * checks. Returns `start` when the subsample's fit does not converge (or is not finite).
 * `hessianSubsample` > 1 (a multiple of the subsample's step): its Hessians from every such
 * block only (`warmStartHessianStride`).
 */
export function subsampleStart(subsample: Objective, start: Float64Array, hessianSubsample = 1): Float64Array {
  // Newton with step halving and sketched Hessians, no polish: the point only has to be near.
  let coef = start;
  let value = subsample.evaluate(coef, 'hessian', hessianSubsample, true);
  for (let iteration = 0; iteration < WARM_START_MAX_ITER; iteration++) {
    const step = subsample.newtonDirection();
    if (!step.ok || !Number.isFinite(value)) return start;
    if (step.decrement <= WARM_START_TOL * (Math.abs(value) + 1)) return coef.every(Number.isFinite) ? coef : start;
    let t = 1;
    let trial = addScaled(coef, step.direction, t);
    let trialValue = subsample.evaluate(trial, 'hessian', hessianSubsample, true);
    for (let halvings = 0; !(trialValue <= value + ACCEPT_SLACK * Math.abs(value)); halvings++) {
      if (halvings >= MAX_HALVINGS) return start;
      t *= 0.5;
      trial = addScaled(coef, step.direction, t);
      trialValue = subsample.evaluate(trial, 'value');
      if (trialValue <= value + ACCEPT_SLACK * Math.abs(value)) trialValue = subsample.evaluate(trial, 'hessian', hessianSubsample, true);
    }
    coef = trial;
    value = trialValue;
  }
  return start;
}

/**
 * What the in-memory fits run for data of `stride` > 1 row blocks per subsample block
 * (`defaultHessianSubsample`): Newton on all rows from the optimum of a row subsample
 * (`subsampleStart` on every `warmStartStride(stride)`-th block, when that is > 1, its Hessians
 * from every `warmStartHessianStride`-th), with
 * Hessians from every `stride`-th block as single-precision sketches until the
 * hand-over, and an exact Hessian at the returned point. For small data (stride 1), exact Newton
 * from `start`.
 */
export function newtonFromSubsample(objective: Objective & RowSubsampling, start: Float64Array, options: NewtonOptions, stride: number): NewtonResult {
  const warmStride = warmStartStride(stride);
  const warmHessian = warmStartHessianStride(warmStride, objective.rowBlocks, objective.nParams);
  const begin = warmStride > 1 ? subsampleStart(objective.rowSubsample(warmStride), start, warmHessian) : start;
  return newton(objective, begin, { ...options, hessianSubsample: stride, hessianSketch: true });
}

export interface NewtonOptions {
  /** Maximum Newton iterations (each: one Hessian and one solve). */
  maxIter: number;
  /**
   * Convergence tolerance: stop when the relative change in f over an iteration and the Newton
   * decrement λ²/ (|f| + 1) are both below it; then polish with full steps.
   */
  tol: number;
  /**
   * Rows-per-Hessian subsampling for the iterations (1 = exact Newton throughout; see
   * `defaultHessianSubsample`): the gradient is always exact, so this changes the path, not the
   * optimum. The exact Hessian takes over for good once converged (for the polish and the final
   * point), or as soon as a subsampled step is not Newton-like: halved by the line search, or λ²
   * shrinking less than 4× or no faster than at the step before.
   */
  hessianSubsample?: number;
  /**
   * With `hessianSubsample` > 1: let the subsampled Hessians and the one at the hand-over point be
   * single-precision sketches (Objective.evaluate's `hessianSketch`; ~1e-6 relative, far inside
   * what a subsample or a point 1e-4 from the optimum leaves). The Hessian at the returned point,
   * behind the final λ² check and the covariance, is always exact.
   */
  hessianSketch?: boolean;
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
  /**
   * λ² at the returned point: after convergence, with the exact Hessian there (rounding level), or
   * at the start of the final step (finalStepBound) that ends there; otherwise at the last
   * iterate.
   */
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
 * What the solver asks for: f at `coefficients`, computed to `level` (with `hessianSubsample`);
 * the answer is the value of f, and afterwards the objective describes that point.
 */
export interface EvaluationRequest {
  coefficients: Float64Array;
  level: EvaluationLevel;
  hessianSubsample: number;
  /** The Hessian may be a single-precision sketch (only when `level` is 'hessian'). */
  hessianSketch?: boolean;
}

/** The solver as a sequence of evaluation requests, finishing with the result. */
export type NewtonSteps = Generator<EvaluationRequest, NewtonResult, number>;

/** The part of an objective the steps use directly (evaluations go through the generator). */
export type SolverObjective = Pick<Objective, 'newtonDirection'>;

/**
 * Minimizes `objective` from `start`. On return the objective's last evaluation (level
 * 'hessian', exact) is at the returned coefficients, or at the start of a final Newton step of
 * λ² ≤ (ε (|f| + 1))² that ends there, so `objective.inverseHessian()` is the covariance there
 * (in the second case to the rounding of the Hessian's sum).
 */
export function newton(objective: Objective, start: Float64Array, options: NewtonOptions): NewtonResult {
  const steps = newtonSteps(objective, start, options);
  let next = steps.next();
  while (!next.done) {
    const { coefficients, level, hessianSubsample, hessianSketch = false } = next.value;
    next = steps.next(objective.evaluate(coefficients, level, hessianSubsample, hessianSketch));
  }
  return next.value;
}

/** `newton` for an objective whose evaluations are asynchronous (the same steps, awaited). */
export async function newtonAsync(objective: AsyncObjective, start: Float64Array, options: NewtonOptions): Promise<NewtonResult> {
  const steps = newtonSteps(objective, start, options);
  let next = steps.next();
  while (!next.done) {
    const { coefficients, level, hessianSubsample, hessianSketch = false } = next.value;
    next = steps.next(await objective.evaluate(coefficients, level, hessianSubsample, hessianSketch));
  }
  return next.value;
}

/**
 * The steps of Newton's method: yields each evaluation it needs (setup, line-search trials,
 * polish) and expects f there in return; between yields it calls only `newtonDirection()`, which
 * describes the last point evaluated at level 'hessian'.
 */
export function* newtonSteps(objective: SolverObjective, start: Float64Array, options: NewtonOptions): NewtonSteps {
  // setup: value, gradient and Hessian at the start.
  let coef: Float64Array = Float64Array.from(start);
  let subsample = Math.max(1, Math.floor(options.hessianSubsample ?? 1));
  /** Sketched Hessians allowed: only on the subsampled path, before the hand-over. */
  const sketch = options.hessianSketch === true && subsample > 1;
  let value: number = yield { coefficients: coef, level: 'hessian', hessianSubsample: subsample, hessianSketch: sketch };
  /** The Hessian the objective holds is exact (not a sketch; it may be subsampled, see `subsample`). */
  let hessianExact = !sketch;
  let iterations = 0;
  let decrement = Infinity;
  let previousValue = Infinity;
  let converged = false;
  let reason: NewtonResult['reason'];
  /** A last Newton step taken without evaluating its end (finalStepBound). */
  let finalStep: Float64Array | undefined;

  /** λ² at the iterate before the current one, to tell how fast λ² is shrinking. */
  let priorDecrement = Infinity;
  /** λ² over its value one iterate earlier, at the iterate before the current one (Infinity: not known yet). */
  let priorShrink = Infinity;

  for (;;) {
    for (;;) {
      // inner solve
      const step = objective.newtonDirection();
      if (!step.ok && subsample > 1) {
        // A subsample can miss what makes the Hessian regular (a rare level of a dummy column).
        subsample = 1;
        value = yield { coefficients: coef, level: 'hessian', hessianSubsample: 1 };
        hessianExact = true;
        continue;
      }
      if (!step.ok) {
        const stop: NewtonResult = { coefficients: coef, value, iterations, converged: false, decrement, aliased: step.aliased };
        if (iterations > 0) stop.reason = 'singular';
        return stop;
      }
      const shrink = Number.isFinite(decrement) && decrement > 0 ? Math.max(0, step.decrement) / decrement : Infinity;
      priorDecrement = decrement;
      decrement = Math.max(0, step.decrement);

      // convergence check
      const relativeChange = Math.abs(previousValue - value) / (Math.abs(value) + 0.1);
      const small = decrement <= options.tol * (Math.abs(value) + 1);
      if (small && relativeChange <= options.tol) {
        converged = true;
        break;
      }
      if (iterations >= options.maxIter) {
        reason = 'maxIter';
        break;
      }
      // With a subsampled Hessian, hand over to the exact one once λ² says the point is close:
      // this step's trial gets the exact Hessian, and the polish goes on from there.
      const handover = subsample > 1 && decrement <= SUBSAMPLE_HANDOVER * (Math.abs(value) + 1);
      // Hand over too, for the remaining iterations, as soon as the subsampled steps stop making
      // Newton-like progress: λ² keeping more than SUBSAMPLE_MIN_SHRINK of itself, or shrinking no
      // faster than at the iteration before (linear convergence, where Newton's is quadratic: λ²'s shrink
      // factor itself shrinks). The exact Newton path converges wherever Newton does; a subsample
      // of the rows can miss the few that carry the curvature (nearly separated data).
      const stalled = subsample > 1 && Number.isFinite(shrink) && (shrink > SUBSAMPLE_MIN_SHRINK || shrink >= priorShrink);
      priorShrink = shrink;
      // The hand-over point's Hessian may be a sketch: it serves the polish steps only, and the
      // returned point gets an exact one (a hand-over wins over a stall: near the optimum, after a
      // warm start, the subsampled steps converge linearly by design). After a stall further
      // away, exact Newton goes on with exact Hessians.
      const sketchTrial = sketch && subsample > 1 && (handover || !stalled);
      if (handover || stalled) subsample = 1;

      // line search: halve until f does not rise. A halved step is not Newton-like either: the
      // accepted point gets the exact Hessian, and the iterations go on with it.
      const accepted = yield* lineSearch(coef, value, step.direction, subsample, sketchTrial);
      if (accepted) hessianExact = !accepted.sketched;
      else hessianExact = true;
      if (accepted && accepted.stepSize < 1) subsample = 1;
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
      if (handover) {
        priorDecrement = decrement;
        converged = true;
        break;
      }
    }
    if (!converged) break;

    // polish: full Newton steps with the exact Hessian of the starting point while they still
    // shrink the decrement. The steps need only the gradient (one cheap pass each): this close to
    // the optimum the Hessian barely changes, so each step still gains about as many digits as the
    // point already has (a point at tolerance level reaches rounding level in one or two). The
    // returned point gets the exact Hessian, for the covariance and a last check.
    if (subsample > 1) {
      subsample = 1;
      priorDecrement = decrement;
      value = yield { coefficients: coef, level: 'hessian', hessianSubsample: 1 };
      hessianExact = true;
    }
    let hessianAtCoef = true;
    for (let k = 0; k < MAX_POLISH_STEPS; k++) {
      const step = objective.newtonDirection();
      if (!step.ok || step.decrement <= NEGLIGIBLE_DECREMENT * (Math.abs(value) + 1)) break;
      const before = Math.max(0, step.decrement);
      // Successive steps shrink λ² by about the same factor (or faster). When the last factor
      // predicts a negligible λ² after this step, its trial will be the returned point: evaluate
      // it with the exact Hessian now, one pass instead of a gradient pass and a Hessian pass.
      // (with the exact Hessian held here, a step this small is the final one, taken for free)
      if (hessianAtCoef && hessianExact && before <= finalStepBound(value)) break;
      const shrink = priorDecrement > 0 && Number.isFinite(priorDecrement) ? Math.min(1, before / priorDecrement) : 1;
      const last = before * shrink <= finalStepBound(value) / PREDICTION_MARGIN;
      const trial = addScaled(coef, step.direction, 1);
      const trialValue: number = yield { coefficients: trial, level: last ? 'hessian' : 'gradient', hessianSubsample: 1 };
      if (!(trialValue <= value + ACCEPT_SLACK * Math.abs(value))) {
        // back to coef: its gradient again, and an exact Hessian unless the one held is that
        const keep = hessianAtCoef && hessianExact && !last;
        yield { coefficients: coef, level: keep ? 'gradient' : 'hessian', hessianSubsample: 1 };
        hessianAtCoef = true;
        hessianExact = true;
        break;
      }
      coef = trial;
      value = trialValue;
      decrement = before;
      priorDecrement = before;
      hessianAtCoef = last;
      if (last) hessianExact = true;
      const next = objective.newtonDirection();
      if (!next.ok || !(next.decrement < 0.25 * before)) break;
    }
    if (!hessianAtCoef || !hessianExact) {
      yield { coefficients: coef, level: 'hessian', hessianSubsample: 1 };
      hessianExact = true;
    }
    // Converged on the exact Hessian? Normally yes; if a hand-over came too early for the polish
    // to finish, go on with exact Newton steps from here.
    const check = objective.newtonDirection();
    if (check.ok) decrement = Math.max(0, check.decrement);
    if (!check.ok || decrement <= options.tol * (Math.abs(value) + 1)) {
      // the final step, when λ² here is above negligible and within finalStepBound
      if (check.ok && decrement > NEGLIGIBLE_DECREMENT * (Math.abs(value) + 1) && decrement <= finalStepBound(value)) finalStep = check.direction;
      break;
    }
    converged = false;
  }
  if (finalStep) coef = addScaled(coef, finalStep, 1);
  if (!converged && (subsample > 1 || !hessianExact)) {
    // stopped early: the covariance still comes from the exact Hessian at the returned point.
    value = yield { coefficients: coef, level: 'hessian', hessianSubsample: 1 };
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
 * with its objective evaluated at level 'hessian' (with `subsample`, sketched when `sketch`,
 * after a full step; exact after a halved one), or null.
 */
function* lineSearch(
  x: Float64Array,
  value: number,
  direction: Float64Array,
  subsample: number,
  sketch: boolean,
): Generator<EvaluationRequest, { coefficients: Float64Array; value: number; stepSize: number; sketched: boolean } | null, number> {
  let t = 1;
  for (let halvings = 0; halvings <= MAX_HALVINGS; halvings++, t *= 0.5) {
    const trial = addScaled(x, direction, t);
    const first = halvings === 0;
    const trialValue: number = yield { coefficients: trial, level: first ? 'hessian' : 'value', hessianSubsample: subsample, hessianSketch: first && sketch };
    if (trialValue <= value + ACCEPT_SLACK * Math.abs(value)) {
      // after halving, the exact Hessian (the caller hands over to it)
      if (!first) yield { coefficients: trial, level: 'hessian', hessianSubsample: 1 };
      return { coefficients: trial, value: trialValue, stepSize: t, sketched: first && sketch };
    }
  }
  yield { coefficients: x, level: 'hessian', hessianSubsample: subsample };
  return null;
}
