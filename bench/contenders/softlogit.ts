// softlogit itself, through its public API, as a user calls it: the timed call copies X into
// WebAssembly memory, runs Newton to the MLE and computes the standard errors.
import { fitLogistic, fitSoftmax, init } from 'softlogit';
import type { BinaryData, MultinomialData } from '../data.js';
import type { FitOutput } from './types.js';

export { init };

export function softlogitBinary(data: BinaryData): FitOutput {
  const fit = fitLogistic(data.X, data.y, { intercept: true });
  return { coefficients: Float64Array.from(fit.coefficients), standardErrors: Float64Array.from(fit.standardErrors), iterations: fit.iterations };
}

export function softlogitMultinomial(data: MultinomialData): FitOutput {
  const fit = fitSoftmax(data.X, data.labels, { intercept: true });
  const W = fit.coefficients; // (p + 1) x K, reference column 0
  const se = fit.standardErrors;
  const P = data.X.nFeatures + 1;
  const nFree = data.nClasses - 1;
  const coefficients = new Float64Array(P * nFree);
  const standardErrors = new Float64Array(P * nFree);
  for (let c = 1; c <= nFree; c++) {
    for (let j = 0; j < P; j++) {
      coefficients[(c - 1) * P + j] = W.get(j, c);
      standardErrors[(c - 1) * P + j] = se.get(j, c);
    }
  }
  return { coefficients, standardErrors, iterations: fit.iterations };
}
