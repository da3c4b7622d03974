// Options shared by fitLogistic and fitSoftmax, with their defaults and checks.
import { SoftlogitError } from '../errors.js';
import type { IterationProgress, NewtonOptions } from '../solver/newton.js';
import { numberOption } from './design.js';
import { describeValue, optionKeysOf } from './optionKeys.js';

/** How W is reported: reference class column 0, or rows summing to zero (glmnet). */
export type Parameterization = 'reference' | 'symmetric';

/**
 * The `parameterization` option of a softmax fit: 'reference' (the default when `optional`) or 'symmetric'.
 * @throws {SoftlogitError} `BAD_OPTION` for anything else.
 */
export function parameterizationOption(value: unknown, caller: string, optional = true): Parameterization {
  const parameterization = optional ? value ?? 'reference' : value;
  if (parameterization !== 'reference' && parameterization !== 'symmetric') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: parameterization should be 'reference' or 'symmetric', got ${describeValue(parameterization)}`);
  }
  return parameterization;
}

/** Default cap on Newton iterations (as R glm's maxit is 25; Newton rarely needs 10). */
export const DEFAULT_MAX_ITER = 50;
/**
 * Default convergence tolerance on the relative change in deviance and on the scaled Newton
 * decrement. After it is met, full Newton steps polish to rounding level, so the reported MLE
 * is exact to ~1e-12 relative, not just to tol.
 */
export const DEFAULT_TOL = 1e-10;

export interface CommonFitOptions {
  /** Add an intercept column `(Intercept)` first (default true). */
  intercept?: boolean;
  /** Feature names, one per column of X (default x1..xp). */
  names?: readonly string[];
  /** Prior weights ≥ 0 per row; zero-weight rows count for nothing (as in R). */
  weights?: ArrayLike<number>;
  /** Maximum Newton iterations (default 50). */
  maxIter?: number;
  /** Convergence tolerance (default 1e-10), see DEFAULT_TOL. */
  tol?: number;
  /** Ridge strength λ ≥ 0: adds (λ/2)·‖coefficients‖² (the intercept is not penalized). Default 0. */
  l2?: number;
  /** Called after every Newton iteration with its progress (iteration, deviance, step size). */
  onIteration?: (progress: FitProgress) => void;
  /** Receives warnings (non-convergence, …); default console.warn. They are also kept on the fit. */
  onWarning?: (message: string) => void;
  /**
   * Linearly dependent columns: 'error' (default) throws COLLINEAR naming them; 'drop' fits
   * without them and reports them in `aliased` with NaN coefficients and SEs (R's NA), and
   * predict ignores them.
   */
  singular?: 'error' | 'drop';
  /**
   * Threads for the passes over the data (default 1): the rows are split across the worker pool
   * started by `await initThreads(n)`, the same MLE to ~1e-12 relative. Where threads are
   * unavailable (no SharedArrayBuffer, a browser page's main thread) the fit runs on one thread.
   */
  threads?: number;
}

/** Every key of CommonFitOptions (checked by the compiler against the interface). */
export const COMMON_FIT_OPTION_KEYS = optionKeysOf<CommonFitOptions>()([
  'intercept', 'names', 'weights', 'maxIter', 'tol', 'l2', 'onIteration', 'onWarning', 'singular', 'threads',
]);

/** Progress of one Newton iteration, as passed to `onIteration`. */
export interface FitProgress {
  iteration: number;
  /** Deviance (penalized when l2 > 0) after the iteration. */
  deviance: number;
  /** Step size taken: 1 for a full Newton step, halved on each backtrack. */
  stepSize: number;
}

export interface ResolvedOptions {
  intercept: boolean;
  maxIter: number;
  tol: number;
  l2: number;
  warn: (message: string) => void;
  onIteration?: (progress: IterationProgress) => void;
  threads: number;
}

/** Checks and fills in defaults; `toDeviance` turns the solver's f into a deviance for progress. */
export function resolveOptions(options: CommonFitOptions, caller: string, toDeviance: (value: number) => number): ResolvedOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: options should be an object, got ${describeValue(options)}`);
  }
  const intercept = options.intercept ?? true;
  if (typeof intercept !== 'boolean') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: option intercept should be true or false, got ${describeValue(intercept)}`);
  }
  for (const key of ['onIteration', 'onWarning'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') {
      throw new SoftlogitError('BAD_OPTION', `${caller}: option ${key} should be a function, got ${describeValue(options[key])}`, { option: key });
    }
  }
  const maxIter = numberOption(options.maxIter, DEFAULT_MAX_ITER, 'maxIter', 0, 1e6, caller);
  if (!Number.isInteger(maxIter)) throw new SoftlogitError('BAD_OPTION', `${caller}: option maxIter should be an integer, got ${describeValue(maxIter)}`);
  const tol = numberOption(options.tol, DEFAULT_TOL, 'tol', Number.MIN_VALUE, 1, caller);
  const l2 = numberOption(options.l2, 0, 'l2', 0, Number.MAX_VALUE, caller);
  const threads = numberOption(options.threads, 1, 'threads', 1, 65, caller);
  if (!Number.isInteger(threads)) throw new SoftlogitError('BAD_OPTION', `${caller}: option threads should be an integer, got ${describeValue(threads)}`);
  const user = options.onIteration;
  const resolved: ResolvedOptions = {
    intercept,
    maxIter,
    tol,
    l2,
    warn: options.onWarning ?? ((message) => console.warn(message)),
    threads,
  };
  if (user) resolved.onIteration = (p) => user({ iteration: p.iteration, deviance: toDeviance(p.value), stepSize: p.stepSize });
  return resolved;
}

/** The warning for a Newton run that did not converge (as fitLogistic and fitSoftmax word it), or null. */
export function convergenceWarning(
  caller: string,
  result: { converged: boolean; reason?: 'maxIter' | 'lineSearch' | 'singular'; iterations: number; decrement: number },
  maxIter: number,
): string | null {
  if (result.converged) return null;
  return result.reason === 'singular'
    ? `${caller}: the Hessian became singular at iteration ${result.iterations} (fitted probabilities reached 0 or 1), the signature of separation; the estimates are not the MLE, which may not exist`
    : result.reason === 'maxIter'
    ? `${caller}: did not converge in ${maxIter} iterations (Newton decrement ${result.decrement.toExponential(2)}); the estimates are not the MLE. Raise maxIter, or check for separation`
    : `${caller}: the line search could not decrease the objective (Newton decrement ${result.decrement.toExponential(2)}); the estimates are not the MLE`;
}

/** The Newton options the fit options set (iterations, tolerance, progress callback). */
export function newtonOptions(resolved: ResolvedOptions): NewtonOptions {
  return resolved.onIteration
    ? { maxIter: resolved.maxIter, tol: resolved.tol, onIteration: resolved.onIteration }
    : { maxIter: resolved.maxIter, tol: resolved.tol };
}

/**
 * The COLLINEAR error for column `j` of `names` (the solver found the Hessian singular at the
 * start: that column is a linear combination of the ones before it).
 */
export function collinearError(caller: string, names: string[], j: number): SoftlogitError {
  return new SoftlogitError(
    'COLLINEAR',
    `${caller}: column '${names[j]}' is a linear combination of the columns before it (${names.slice(0, j).join(', ') || 'none'}) ` +
      `among rows with non-zero weight; R would report it as NA (aliased). Remove it`,
    { aliased: [names[j]] },
  );
}
