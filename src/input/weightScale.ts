// Weight normalization: the MLE does not change when every prior weight is multiplied by one
// constant c, but logLik, the score and the information all scale by c. The Newton solver's
// stopping tests (λ² ≤ tol (|f| + 1)) and a Hessian of entries near 1e-300 or 1e300 are not
// invariant to that, so the fits solve with the weights divided by a power of two near their
// mean (exact: only the exponent changes) and report logLik, deviance and covariance for the
// weights as given.
import type { BinomialData } from './binaryResponse.js';
import type { MultinomialData } from './softmaxResponse.js';
import type { IterationProgress } from '../solver/newton.js';

/**
 * 2^round(log2(Σ w / n)) for `total` = Σ w over `nInformative` rows with w > 0 (1 when either is
 * not positive or not finite): dividing the weights by it brings their mean into [0.7, 1.4] and
 * is exact for every weight whose quotient stays a normal double.
 */
export function weightScale(total: number, nInformative: number): number {
  if (!(total > 0) || !Number.isFinite(total) || !(nInformative > 0)) return 1;
  const exponent = Math.round(Math.log2(total / nInformative));
  if (exponent === 0 || !Number.isFinite(exponent)) return 1;
  // 2 ** exponent is exact for -1074 ≤ exponent ≤ 1023; clamp to normal powers.
  return 2 ** Math.max(-1022, Math.min(1023, exponent));
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
