/**
 * The numbers the page shows, read off the library's fits: coefficient tables (estimate, SE, z,
 * p, Wald interval, odds ratio or relative risk ratio), model statistics, and for two classes the
 * identity β = w₁ − w₀ = 2·w₁(symmetric).
 */
import type { LogisticFit } from '../../../src/models/logisticFit.js';
import type { SoftmaxFit } from '../../../src/models/softmaxFit.js';
import { SoftlogitError } from '../../../src/errors.js';
import type { CoefficientRow, FitStats, IdentityTable, LogisticTable, SoftmaxTable } from '../protocol.js';

/** The logistic fit's table: one row per coefficient, `(Intercept)` first. */
export function logisticTable(fit: LogisticFit, level: number, positiveClass: string, baselineClass: string): LogisticTable {
  const beta = fit.coefficients;
  const se = fit.standardErrors;
  const z = fit.zValues;
  const p = fit.pValues;
  const ci = fit.confint(level);
  const odds = fit.oddsRatios(level);
  const aliased = new Set(fit.aliased);
  const rows = fit.names.map((term, j): CoefficientRow => ({
    term,
    estimate: beta[j]!,
    se: se[j]!,
    z: z[j]!,
    p: p[j]!,
    ciLow: ci.get(j, 0),
    ciHigh: ci.get(j, 1),
    ratio: odds.oddsRatio[j]!,
    ratioLow: odds.lower[j]!,
    ratioHigh: odds.upper[j]!,
    aliased: aliased.has(term),
  }));
  return { positiveClass, baselineClass, rows };
}

/**
 * The softmax fit's table in its parameterization: a block per non-reference class (reference
 * form, with relative risk ratios against the reference) or per class (symmetric form, no ratio).
 */
export function softmaxTable(fit: SoftmaxFit, level: number, classes: readonly string[]): SoftmaxTable {
  const W = fit.coefficients;
  const se = fit.standardErrors;
  const z = fit.zValues;
  const p = fit.pValues;
  const ci = fit.confint(level);
  const K = classes.length;
  const referenceIndex = fit.classes.indexOf(fit.reference);
  const symmetric = fit.parameterization === 'symmetric';
  const rrr = symmetric ? null : fit.relativeRiskRatios(level);
  const aliased = new Set(fit.aliased);
  const blocks: SoftmaxTable['blocks'] = [];
  let free = 0;
  for (let k = 0; k < K; k++) {
    if (!symmetric && k === referenceIndex) continue;
    const c = free++;
    const rows = fit.names.map((term, j): CoefficientRow => ({
      term,
      estimate: W.get(j, k),
      se: se.get(j, k),
      z: z.get(j, k),
      p: p.get(j, k),
      ciLow: ci.lower.get(j, k),
      ciHigh: ci.upper.get(j, k),
      ratio: rrr ? rrr.ratio.get(j, c) : null,
      ratioLow: rrr ? rrr.lower.get(j, c) : null,
      ratioHigh: rrr ? rrr.upper.get(j, c) : null,
      aliased: aliased.has(term),
    }));
    blocks.push({ className: classes[k]!, rows });
  }
  return { parameterization: fit.parameterization, classes: [...classes], reference: classes[referenceIndex]!, blocks };
}

/** R's NA for statistics a penalized (Firth, ridge) fit does not have: the library says BAD_MODEL. */
function unlessPenalized<T>(compute: () => T): T | null {
  try {
    return compute();
  } catch (error) {
    if (error instanceof SoftlogitError && error.code === 'BAD_MODEL') return null;
    throw error;
  }
}

/** Model statistics of a fit (either kind). */
export function fitStats(fit: LogisticFit | SoftmaxFit, fitMs: number): FitStats {
  const lr = unlessPenalized(() => fit.lrTest());
  const r2 = unlessPenalized(() => fit.pseudoR2);
  const freeColumns = fit.names.length - fit.aliased.length;
  const nParameters = 'classes' in fit ? freeColumns * (fit.classes.length - 1) : freeColumns;
  let totalWeight = 0;
  for (const t of fit.responseTotals) totalWeight += t;
  return {
    logLik: fit.logLik,
    deviance: fit.deviance,
    dfResidual: fit.dfResidual,
    nullDeviance: fit.nullDeviance,
    dfNull: 'dfNull' in fit ? fit.dfNull : fit.dfResidual + nParameters - (fit.classes.length - 1),
    aic: fit.aic,
    bic: fit.bic,
    nParameters,
    nObs: fit.nObs,
    totalWeight,
    lrTest: lr && { statistic: lr.statistic, df: lr.df, p: lr.pValue },
    pseudoR2: r2 && { mcFadden: r2.mcFadden, coxSnell: r2.coxSnell, nagelkerke: r2.nagelkerke },
    iterations: fit.iterations,
    converged: fit.converged,
    fitMs,
  };
}

/**
 * β (logistic) beside w₁ − w₀ (softmax, reference form: w₀ ≡ 0, so w₁) and w₁ of the symmetric
 * form (= β/2, SE halved), with the largest differences, which are rounding-sized when both fits
 * reached the MLE.
 * @param softmax the softmax fit of the same two classes, in either parameterization.
 * @param positiveIndex the class (index in softmax.classes) whose probability β models.
 */
export function identityTable(logistic: LogisticFit, softmax: SoftmaxFit, positiveIndex: number, classes: readonly string[]): IdentityTable {
  const reference = softmax.withParameterization('reference');
  const symmetric = softmax.withParameterization('symmetric');
  const baselineIndex = 1 - positiveIndex;
  const Wr = reference.coefficients;
  const Ser = reference.standardErrors;
  const Ws = symmetric.coefficients;
  const Ses = symmetric.standardErrors;
  const beta = logistic.coefficients;
  const betaSE = logistic.standardErrors;
  const largest = { estimate: 0, symmetric: 0, se: 0, symmetricSE: 0 };
  const grow = (key: keyof typeof largest, difference: number) => {
    if (Math.abs(difference) > largest[key]) largest[key] = Math.abs(difference);
  };
  const rows = logistic.names.map((term, j) => {
    // w_pos − w_base in the reference form; its SE is the reference form's SE of the free column
    // when the baseline is the softmax reference (always so: both fits use the same reference).
    const referenceDiff = Wr.get(j, positiveIndex) - Wr.get(j, baselineIndex);
    const referenceDiffSE = Ser.get(j, positiveIndex) + Ser.get(j, baselineIndex); // one of the two is 0
    const row = {
      term,
      beta: beta[j]!,
      betaSE: betaSE[j]!,
      referenceDiff,
      referenceDiffSE,
      symmetricW: Ws.get(j, positiveIndex),
      symmetricSE: Ses.get(j, positiveIndex),
    };
    if (Number.isFinite(row.beta)) {
      grow('estimate', row.beta - referenceDiff);
      grow('symmetric', row.beta / 2 - row.symmetricW);
      grow('se', row.betaSE - referenceDiffSE);
      grow('symmetricSE', row.betaSE / 2 - row.symmetricSE);
    }
    return row;
  });
  return { positiveClass: classes[positiveIndex]!, baselineClass: classes[baselineIndex]!, rows, largestDifference: largest };
}
