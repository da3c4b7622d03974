// Weight normalization: the MLE does not change when every prior weight is multiplied by one
// constant c, but logLik, the score and the information all scale by c. The Newton solver's
// stopping tests (λ² ≤ tol (|f| + 1)) and a Hessian of entries near 1e-300 or 1e300 are not
// invariant to that, so the fits solve with the weights divided by a power of two (exact: only
// the exponent changes) that brings the smallest positive weight into [1, 2), and report logLik,
// deviance and covariance for the weights as given. The smallest weight, not the mean: then the
// "+ 1" in the stopping test is at most one row's worth of f, whatever the weights, where after
// dividing by the mean one row of weight 1e16 among 199 of weight 1 would leave the others with
// 1e-14 each, below that 1, and Newton would stop long before their part of the MLE.
import type { BinomialData } from './binaryResponse.js';
import type { MultinomialData } from './softmaxResponse.js';
import type { IterationProgress } from '../solver/newton.js';

/**
 * 2^floor(log2(smallest)) for the smallest positive weight `smallest` (1 when it is not positive
 * and finite), raised when needed so that `total` (Σ weights) divided by it stays below 2^900.
 * Dividing by a power of two is exact for every weight whose quotient stays a normal double.
 */
export function weightScale(smallest: number, total: number): number {
  if (!(smallest > 0) || !Number.isFinite(smallest) || !(total > 0) || !Number.isFinite(total)) return 1;
  const exponent = Math.max(Math.floor(Math.log2(smallest)), Math.ceil(Math.log2(total)) - MAX_TOTAL_EXPONENT);
  if (exponent === 0) return 1;
  // 2 ** exponent is exact for -1074 ≤ exponent ≤ 1023; clamp to normal powers.
  return 2 ** Math.max(-1022, Math.min(1023, exponent));
}

/** Normalized weights sum to at most 2^900: room for n p(1 − p) x² terms without overflow. */
const MAX_TOTAL_EXPONENT = 900;

/** The smallest positive entry of `values` (Infinity when none). */
export function smallestPositive(values: Float64Array): number {
  let min = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > 0 && v < min) min = v;
  }
  return min;
}

function divided(values: Float64Array, scale: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! / scale;
  return out;
}

/** `data` with every weighted quantity divided by `scale` (the same object when scale is 1). */
export function scaleBinomialData(data: BinomialData, scale: number): BinomialData {
  if (scale === 1) return data;
  return {
    ...data,
    successes: divided(data.successes, scale),
    trials: divided(data.trials, scale),
    logLikConstant: data.logLikConstant / scale,
    saturatedLogLik: data.saturatedLogLik / scale,
    totalSuccesses: data.totalSuccesses / scale,
    totalTrials: data.totalTrials / scale,
    minTrials: data.minTrials / scale,
  };
}

/** `data` with every weighted quantity divided by `scale` (the same object when scale is 1). */
export function scaleMultinomialData(data: MultinomialData, scale: number): MultinomialData {
  if (scale === 1) return data;
  return {
    ...data,
    counts: divided(data.counts, scale),
    classTotals: divided(data.classTotals, scale),
    logLikConstant: data.logLikConstant / scale,
    saturatedLogLik: data.saturatedLogLik / scale,
  };
}

/** Newton options whose `onIteration` reports f for the weights as given (f = scale · the solved f). */
export function unscaledProgress<T extends { onIteration?: (progress: IterationProgress) => void }>(options: T, scale: number): T {
  const report = options.onIteration;
  if (scale === 1 || !report) return options;
  return { ...options, onIteration: (progress: IterationProgress) => report({ ...progress, value: progress.value * scale }) };
}
