// Wald inference and information criteria: formulas in one place, shared by every model.
import { normalQuantile, twoSidedNormalP } from './special.js';

/**
 * Standard errors from a covariance matrix (p x p row-major): se_j = √Σ_jj.
 * @example standardErrors(Float64Array.of(4, 0, 0, 9), 2) // => Float64Array [2, 3]
 */
export function standardErrors(covariance: Float64Array, p: number): Float64Array {
  const out = new Float64Array(p);
  for (let j = 0; j < p; j++) out[j] = Math.sqrt(covariance[j * p + j]!);
  return out;
}

/**
 * Wald z statistics z_j = β_j / se_j.
 * @example zValues(Float64Array.of(2), Float64Array.of(4)) // => Float64Array [0.5]
 */
export function zValues(estimates: ArrayLike<number>, se: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: estimates.length }, (_, j) => estimates[j]! / se[j]!);
}

/**
 * Two-sided normal p-values 2 Φ(−|z|), as R's summary.glm prints for the binomial family.
 * @example pValues(Float64Array.of(1.959963984540054)) // => Float64Array [0.05]
 */
export function pValues(z: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: z.length }, (_, j) => twoSidedNormalP(z[j]!));
}

/**
 * Wald confidence intervals β ± Φ⁻¹((1 + level)/2)·se (R's `confint.default`).
 * @returns one [lower, upper] pair per coefficient.
 * @example waldIntervals([0], [1], 0.95) // => [[-1.959963984540054, 1.959963984540054]]
 */
export function waldIntervals(estimates: ArrayLike<number>, se: ArrayLike<number>, level: number): [number, number][] {
  const q = normalQuantile(0.5 + level / 2);
  return Array.from({ length: estimates.length }, (_, j) => [estimates[j]! - q * se[j]!, estimates[j]! + q * se[j]!]);
}

/**
 * Akaike's criterion −2 logLik + 2k for k free parameters.
 * @example akaike(-240.17199084, 3) // => 486.34398168
 */
export function akaike(logLik: number, k: number): number {
  return -2 * logLik + 2 * k;
}

/**
 * Schwarz's criterion −2 logLik + k log n, n = rows with non-zero weight.
 * @example bayesian(-10, 2, 100) // => 20 + 2 * Math.log(100)
 */
export function bayesian(logLik: number, k: number, n: number): number {
  return -2 * logLik + k * Math.log(n);
}

/**
 * What a fit reports beside logLik, from its free parameters and its nObs rows with non-zero
 * weight: AIC, BIC and the residual degrees of freedom, nObs · (K − 1) − k for K classes (R's
 * multinom; nObs − k for the binary model, K = 2).
 * @example fitCounts(-240.17199084, 3, 400, 2) // => { aic: 486.34398168, bic: 498.31837532, dfResidual: 397, nObs: 400 }
 */
export function fitCounts(logLik: number, k: number, nObs: number, nClasses: number): { aic: number; bic: number; dfResidual: number; nObs: number } {
  return { aic: akaike(logLik, k), bic: bayesian(logLik, k, nObs), dfResidual: nObs * (nClasses - 1) - k, nObs };
}
