// Likelihood-ratio tests and pseudo-R² from the statistics every fit carries (logLik, deviance,
// null deviance, nObs, residual df), so they work the same on fits from rows, shards and streams.
import { SoftlogitError } from '../errors.js';
import { chiSquareCdf } from './chisq.js';

/** A χ² test: the statistic, its degrees of freedom and the upper-tail p-value. */
export interface ChiSquareTest {
  /** The test statistic (for a likelihood-ratio test 2 (logLik₁ − logLik₀) = deviance₀ − deviance₁). */
  statistic: number;
  /** Degrees of freedom of its χ² reference distribution. */
  df: number;
  /** P(χ²_df > statistic); NaN when the statistic is negative or df is 0 (R prints NA). */
  pValue: number;
}

/** What the likelihood-ratio tests and pseudo-R² read from a fit: the same fields for every model. */
export interface LikelihoodFacts {
  logLik: number;
  deviance: number;
  nullDeviance: number;
  dfResidual: number;
  nObs: number;
  /** 2 for the binary model. */
  nClasses: number;
  intercept: boolean;
  l2: number;
  firth: boolean;
  /** Σ of the weighted response totals (Σ wᵢ for 0/1 rows, Σ wᵢ tᵢ for counts); 0 when not recorded. */
  responseTotal: number;
}

/**
 * A χ² test of `statistic` on `df` degrees of freedom: p = P(χ²_df > statistic) (R's
 * `pchisq(statistic, df, lower.tail = FALSE)`), NaN when the statistic is negative or df ≤ 0, as
 * R's `anova` prints NA there.
 * @example chiSquareTest(3.841458820694124, 1) // => { statistic: 3.841458820694124, df: 1, pValue: 0.05 }
 */
export function chiSquareTest(statistic: number, df: number): ChiSquareTest {
  const pValue = df > 0 && statistic >= 0 ? chiSquareCdf(statistic, df, false) : Number.NaN;
  return { statistic, df, pValue };
}

/**
 * Free parameters k of a fit, from its residual degrees of freedom: dfResidual = nObs (K − 1) − k
 * (R's glm and multinom; aliased columns are not counted).
 * @example freeParameters({ nObs: 400, nClasses: 2, dfResidual: 394, … }) // => 6
 */
export function freeParameters(fit: LikelihoodFacts): number {
  return fit.nObs * (fit.nClasses - 1) - fit.dfResidual;
}

/**
 * Free parameters of the null model the fit's `nullDeviance` belongs to: the K − 1 intercepts with
 * an intercept, none without (then the null model is η = offset, p = 1/K, as R's glm).
 * @example nullParameters({ intercept: true, nClasses: 3, … }) // => 2
 */
export function nullParameters(fit: LikelihoodFacts): number {
  return fit.intercept ? fit.nClasses - 1 : 0;
}

/**
 * Refuses fits whose logLik is not the maximum of the likelihood the test is about.
 * @throws {SoftlogitError} `BAD_MODEL` for a ridge (l2 > 0) or Firth fit.
 * @example requireMaximumLikelihood({ l2: 1, … }, 'lrTest') // throws BAD_MODEL
 */
export function requireMaximumLikelihood(fit: LikelihoodFacts, caller: string): void {
  if (fit.l2 > 0) throw new SoftlogitError('BAD_MODEL', `${caller}: needs a maximum-likelihood fit; this one has a ridge penalty (l2 = ${fit.l2}), so its logLik is not the maximum the χ² theory is about`);
  if (fit.firth) throw new SoftlogitError('BAD_MODEL', `${caller}: needs a maximum-likelihood fit; this one is Firth's penalized fit (a penalized LR test, as logistf's, is not implemented)`);
}

/**
 * The likelihood-ratio test of a fit against its null model (intercept-only, or η = offset
 * without an intercept): G² = nullDeviance − deviance = 2 (logLik − logLik₀) on
 * k − k₀ degrees of freedom, k₀ = K − 1 intercepts (R's `anova(null, fit, test = "Chisq")`,
 * statsmodels' `llr`, `df_model` and `llr_pvalue`, Stata's `LR chi2`).
 * @throws {SoftlogitError} `BAD_MODEL` for a ridge or Firth fit.
 * @example nullLikelihoodRatio({ logLik: -240.17, deviance: 480.34, nullDeviance: 499.98, dfResidual: 397, nObs: 400, nClasses: 2, intercept: true, l2: 0, firth: false, responseTotal: 400 }, 'lrTest')
 * // => { statistic: 19.64 (to rounding), df: 2, pValue: 5.43e-5 }
 */
export function nullLikelihoodRatio(fit: LikelihoodFacts, caller: string): ChiSquareTest {
  requireMaximumLikelihood(fit, caller);
  return chiSquareTest(fit.nullDeviance - fit.deviance, freeParameters(fit) - nullParameters(fit));
}

/** McFadden's, Cox and Snell's, and Nagelkerke's pseudo-R², with the log-likelihoods they come from. */
export interface PseudoR2 {
  /** 1 − logLik / logLik₀ (statsmodels `prsquared`, Stata's `Pseudo R2`). */
  mcFadden: number;
  /** 1 − exp(2 (logLik₀ − logLik) / n) (the R² of a likelihood-ratio, Cox & Snell 1989). */
  coxSnell: number;
  /** Cox–Snell divided by its maximum 1 − exp(2 logLik₀ / n) (Nagelkerke 1991). */
  nagelkerke: number;
  /** logLik of the null model, in the same convention as the fit's logLik. */
  logLikNull: number;
}

/**
 * Pseudo-R² of a fit against its null model, with logLik₀ = logLik − (nullDeviance − deviance)/2
 * (the null model's logLik in the fit's convention) and n the number of observations the
 * likelihood counts, Σ wᵢ tᵢ (the weighted response total: the rows for unweighted 0/1 data, the
 * units for frequency weights or counts; nObs for a model saved before totals were recorded):
 *   McFadden = 1 − logLik / logLik₀,
 *   Cox–Snell = 1 − exp(2 (logLik₀ − logLik) / n) = −expm1(−G²/n),
 *   Nagelkerke = Cox–Snell / (1 − exp(2 logLik₀ / n)).
 * McFadden is statsmodels' `prsquared` and Stata's `Pseudo R2`; Cox–Snell and Nagelkerke are
 * statsmodels GLM's `pseudo_rsquared('cs')` and DescTools' `PseudoR2(…, 'Nagelkerke')` on rows
 * with unit weights, and the same numbers as those tools on the rows expanded by frequency weights
 * or counts (on grouped rows DescTools would take n = rows, which makes Cox–Snell depend on the
 * grouping).
 * @throws {SoftlogitError} `BAD_MODEL` for a ridge or Firth fit.
 * @example pseudoR2({ logLik: -240.17199, deviance: 480.34398, nullDeviance: 499.97649, dfResidual: 397, nObs: 400, nClasses: 2, intercept: true, l2: 0, firth: false, responseTotal: 400 }, 'pseudoR2').mcFadden
 * // => 0.0392670 (to 6 digits)
 */
export function pseudoR2(fit: LikelihoodFacts, caller: string): PseudoR2 {
  requireMaximumLikelihood(fit, caller);
  const g2 = fit.nullDeviance - fit.deviance;
  const logLikNull = fit.logLik - g2 / 2;
  const n = fit.responseTotal > 0 ? fit.responseTotal : fit.nObs;
  const coxSnell = -Math.expm1(-g2 / n);
  return {
    mcFadden: 1 - fit.logLik / logLikNull,
    coxSnell,
    nagelkerke: coxSnell / -Math.expm1((2 * logLikNull) / n),
    logLikNull,
  };
}
