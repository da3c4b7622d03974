// Comparing nested fits by likelihood ratio: lrTest(smaller, larger) and anova(...fits), with the
// checks that the fits are nested models of the same responses. The test itself is in
// src/inference/likelihoodRatio.ts.
import { SoftlogitError } from '../errors.js';
import { formatColumn, formatPValues, formatTable, significanceStars, SIGNIFICANCE_LEGEND } from '../format.js';
import { chiSquareTest, freeParameters, requireMaximumLikelihood, type ChiSquareTest, type LikelihoodFacts } from '../inference/likelihoodRatio.js';
import { describeValue } from '../input/optionKeys.js';
import { LogisticFit } from './logisticFit.js';
import { SoftmaxFit } from './softmaxFit.js';

/** A fit lrTest and anova compare. */
export type ComparableFit = LogisticFit | SoftmaxFit;

/**
 * Two fits of the same data agree on the weighted response totals up to the rounding of sums
 * taken in another order (a shard or stream fit against an in-memory one): n·eps of the total,
 * < 1e-12 for any n below 1e3 … 1e6 rows summed pairwise. A different row set or weighting
 * differs by at least one weight, far above this.
 */
const TOTALS_RTOL = 1e-10;
/**
 * logLik + deviance/2 is the saturated logLik (plus the fit's constant), the same for every model
 * of the same responses up to the rounding of logLik (~n·eps·|logLik|); responses grouped another
 * way (counts against rows) change it by O(1).
 */
const SATURATED_RTOL = 1e-9;

/**
 * The likelihood facts of a fit, as the tests in src/inference read them.
 * @example likelihoodFacts(fit).nClasses // => 2 for a LogisticFit
 */
export function likelihoodFacts(fit: ComparableFit): LikelihoodFacts {
  return {
    logLik: fit.logLik,
    deviance: fit.deviance,
    nullDeviance: fit.nullDeviance,
    dfResidual: fit.dfResidual,
    nObs: fit.nObs,
    nClasses: fit instanceof SoftmaxFit ? fit.classes.length : 2,
    intercept: fit.intercept,
    l2: fit.l2,
    firth: fit instanceof LogisticFit ? fit.firth : false,
    responseTotal: fit.responseTotals.reduce((a, b) => a + b, 0),
  };
}

function checkFit(fit: unknown, caller: string, which: string): ComparableFit {
  if (!(fit instanceof LogisticFit) && !(fit instanceof SoftmaxFit)) {
    throw new SoftlogitError('BAD_MODEL', `${caller}: ${which} should be a LogisticFit or SoftmaxFit, got ${describeValue(fit)}`);
  }
  requireMaximumLikelihood(likelihoodFacts(fit), `${caller} (${which})`);
  return fit;
}

/** The response totals of a fit by class label (logistic: 0 and 1), or null when not recorded. */
function totalsByClass(fit: ComparableFit): Map<string, number> | null {
  if (fit.responseTotals.length === 0) return null;
  const labels = fit instanceof SoftmaxFit ? fit.classes.map((c) => `${typeof c}:${c}`) : ['number:0', 'number:1'];
  return new Map(labels.map((label, k) => [label, fit.responseTotals[k]!]));
}

/**
 * Checks that `smaller` is nested in `larger` on the same data, as far as the fits can tell:
 * the same model type (and the same classes), the same number of rows with non-zero weight, the
 * same weighted response totals per class, the same saturated logLik (so the same grouping of the
 * responses), and every estimated coefficient of `smaller` named in `larger`. Cannot be checked:
 * that the rows are the same rows (only their number and totals), that an offset is the same, and
 * that a shared name means the same column (default names x1, x2, … always match).
 * @throws {SoftlogitError} `NOT_NESTED` naming the first check that fails.
 * @example checkNested(small, large, 'lrTest') // returns; checkNested(large, small, 'lrTest') throws NOT_NESTED
 */
export function checkNested(smaller: ComparableFit, larger: ComparableFit, caller: string): void {
  const notNested = (why: string) => new SoftlogitError('NOT_NESTED', `${caller}: the models are not nested fits of the same data: ${why}`);
  if ((smaller instanceof SoftmaxFit) !== (larger instanceof SoftmaxFit)) throw notNested('one is a logistic and the other a softmax fit');
  if (smaller instanceof SoftmaxFit && larger instanceof SoftmaxFit) {
    const key = (c: unknown) => `${typeof c}:${String(c)}`;
    const a = new Set(smaller.classes.map(key));
    if (a.size !== larger.classes.length || !larger.classes.every((c) => a.has(key(c)))) {
      throw notNested(`the classes differ (${JSON.stringify(smaller.classes)} and ${JSON.stringify(larger.classes)})`);
    }
  }
  if (smaller.nObs !== larger.nObs) throw notNested(`they use ${smaller.nObs} and ${larger.nObs} rows with non-zero weight`);
  const a = totalsByClass(smaller);
  const b = totalsByClass(larger);
  if (a && b) {
    const scale = [...a.values()].reduce((s, t) => s + Math.abs(t), 0);
    for (const [label, total] of a) {
      const other = b.get(label) ?? Number.NaN;
      if (!(Math.abs(total - other) <= TOTALS_RTOL * scale)) {
        throw notNested(`the weighted totals of the response differ (class ${label.replace(/^[a-z]+:/, '')}: ${total} and ${other}): other rows or weights`);
      }
    }
  }
  const saturatedA = smaller.logLik + smaller.deviance / 2;
  const saturatedB = larger.logLik + larger.deviance / 2;
  if (!(Math.abs(saturatedA - saturatedB) <= SATURATED_RTOL * (1 + Math.abs(smaller.logLik) + Math.abs(larger.logLik)))) {
    throw notNested(`their saturated logLik differ (${saturatedA} and ${saturatedB}): the responses are not the same (or grouped differently)`);
  }
  const aliased = new Set(smaller.aliased);
  const names = new Set(larger.names);
  const missing = smaller.names.filter((name) => !aliased.has(name) && !names.has(name));
  if (missing.length > 0) throw notNested(`${missing.map((m) => `'${m}'`).join(', ')} of the smaller model ${missing.length > 1 ? 'are' : 'is'} not in the larger one`);
}

/**
 * The likelihood-ratio test of a model against a larger model it is nested in, fitted to the same
 * rows with the same weights: G² = 2 (logLik_larger − logLik_smaller) = deviance_smaller −
 * deviance_larger, on k_larger − k_smaller degrees of freedom (the difference in free parameters),
 * with p = P(χ² > G²). R's `anova(smaller, larger, test = "Chisq")` and `lmtest::lrtest`.
 * See `checkNested` for what is checked and what cannot be.
 * @throws {SoftlogitError} `BAD_MODEL` when an argument is not a fit, or is a ridge or Firth fit;
 *   `NOT_NESTED` when the fits are not nested on the same data, or `larger` has no more free
 *   parameters than `smaller`.
 * @example
 * const small = fitLogistic(X.map((r) => [r[0], r[1]]), y, { names: ['gre', 'gpa'] });
 * const large = fitLogistic(X, y, { names: ['gre', 'gpa', 'rank2', 'rank3', 'rank4'] });
 * lrTest(small, large) // => { statistic: 21.826, df: 3, pValue: 7.09e-5 } (to the digits shown)
 */
export function lrTest(smaller: ComparableFit, larger: ComparableFit): ChiSquareTest {
  const caller = 'lrTest';
  checkFit(smaller, caller, 'smaller');
  checkFit(larger, caller, 'larger');
  checkNested(smaller, larger, caller);
  const df = freeParameters(likelihoodFacts(larger)) - freeParameters(likelihoodFacts(smaller));
  if (df <= 0) {
    throw new SoftlogitError('NOT_NESTED', `${caller}: the larger model should have more free parameters than the smaller one, got ${df} more (pass the smaller model first)`);
  }
  return chiSquareTest(smaller.deviance - larger.deviance, df);
}

/** One line of an analysis-of-deviance table. */
export interface AnovaRow {
  /** Residual degrees of freedom of this model. */
  dfResidual: number;
  /** Residual deviance of this model. */
  deviance: number;
  /** Residual df of the previous model minus this one's (NaN on the first line). */
  df: number;
  /** Deviance of the previous model minus this one's: the LR statistic (NaN on the first line). */
  devianceChange: number;
  /** P(χ²_|df| > devianceChange · sign(df)); NaN on the first line, for df = 0 or a negative statistic (R's NA). */
  pValue: number;
}

/** The analysis-of-deviance table of `anova(...fits)`; `toString()` lays it out like R's. */
export class AnovaTable {
  readonly rows: readonly AnovaRow[];
  /** The coefficient names of each model, in the order given. */
  readonly models: readonly (readonly string[])[];

  constructor(rows: AnovaRow[], models: (readonly string[])[]) {
    this.rows = Object.freeze(rows.map((r) => Object.freeze({ ...r })));
    this.models = Object.freeze(models.map((m) => Object.freeze([...m])));
    Object.freeze(this);
  }

  /**
   * The table as R's `print(anova(m1, m2, test = "Chisq"))` shows it.
   * @example anova(small, fit).toString() // 'Analysis of Deviance Table\n\nModel 1: …'
   */
  toString(): string {
    const rows = this.rows;
    const blankFirst = (texts: string[]) => texts.map((t, i) => (i === 0 ? ' '.repeat(t.length) : t));
    const later = rows.slice(1);
    const p = later.map((r) => r.pValue);
    const pTexts = ['', ...formatPValues(p, 4).map((t, i) => (Number.isNaN(p[i]!) ? '' : t))];
    const stars = ['', ...p.map((v) => (Number.isNaN(v) ? '' : significanceStars(v)))];
    const columns = [
      formatColumn(rows.map((r) => r.dfResidual), 7),
      formatColumn(rows.map((r) => r.deviance), 5),
      blankFirst(['', ...formatColumn(later.map((r) => r.df), 7)]),
      blankFirst(['', ...formatColumn(later.map((r) => r.devianceChange), 5)]),
      pTexts,
    ];
    const headers = ['Resid. Df', 'Resid. Dev', 'Df', 'Deviance', 'Pr(>Chi)'];
    const withStars = p.some((v) => v < 0.1);
    if (withStars) {
      headers.push('');
      columns.push(stars.map((s) => s.padEnd(3)));
    }
    const lines = ['Analysis of Deviance Table', ''];
    this.models.forEach((names, i) => lines.push(`Model ${i + 1}: ${names.join(' + ') || '(no coefficients)'}`));
    lines.push(formatTable(rows.map((_, i) => String(i + 1)), headers, columns));
    if (withStars) lines.push('---', SIGNIFICANCE_LEGEND);
    return lines.join('\n');
  }
}

/**
 * Analysis of deviance for a sequence of nested fits of the same data (R's `anova(m1, m2, …,
 * test = "Chisq")` for glm and multinom fits): one row per model with its residual df and
 * deviance, and from the second on the change from the previous model, the likelihood-ratio
 * statistic of that change and P(χ²_|Df| > statistic), as R computes it. Each neighbouring pair
 * must be nested (in either order), checked as `lrTest` checks it.
 * @throws {SoftlogitError} `BAD_MODEL` for fewer than 2 fits, an argument that is not a fit, or a
 *   ridge or Firth fit; `NOT_NESTED` when neighbours are not nested fits of the same data.
 * @example console.log(anova(nullFit, small, large).toString())
 */
export function anova(...fits: ComparableFit[]): AnovaTable {
  const caller = 'anova';
  if (fits.length < 2) throw new SoftlogitError('BAD_MODEL', `${caller}: needs at least 2 fits to compare, got ${fits.length}`);
  fits.forEach((fit, i) => checkFit(fit, caller, `fit ${i + 1}`));
  const rows: AnovaRow[] = [];
  fits.forEach((fit, i) => {
    const row: AnovaRow = { dfResidual: fit.dfResidual, deviance: fit.deviance, df: Number.NaN, devianceChange: Number.NaN, pValue: Number.NaN };
    if (i > 0) {
      const previous = fits[i - 1]!;
      const df = previous.dfResidual - fit.dfResidual;
      if (df >= 0) checkNested(previous, fit, `${caller} (fits ${i} and ${i + 1})`);
      else checkNested(fit, previous, `${caller} (fits ${i + 1} and ${i})`);
      row.df = df;
      row.devianceChange = previous.deviance - fit.deviance;
      row.pValue = chiSquareTest(row.devianceChange * Math.sign(df), Math.abs(df)).pValue;
    }
    rows.push(row);
  });
  return new AnovaTable(rows, fits.map((f) => f.names));
}
