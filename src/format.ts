// Text layout of numbers and coefficient tables the way R lays them out, so that a summary reads
// like R's: `format(x, digits)` (R's formatReal: a common fixed or scientific format for a
// vector), `format.pval`, and `printCoefmat` as `summary.glm` calls it.

/** Significant digits R prints estimates with in summary.glm: max(3, getOption("digits") − 3). */
export const SUMMARY_DIGITS = 4;
/** Below this p-values print as "<2e-16" (R: .Machine$double.eps). */
const PVALUE_EPS = 2.220446049250313e-16;

/** Sign, decimal exponent and significant digits of x rounded to `digits` significant digits (R's scientific()). */
interface Decimal {
  negative: boolean;
  /** Decimal exponent after rounding: x ≈ d.ddd × 10^exponent. */
  exponent: number;
  /** Significant digits left after dropping trailing zeros (1..digits). */
  significant: number;
  /**
   * Rounding to `digits` significant digits carried into a new power of ten that fixed notation
   * would not reach (9996 to 3 digits is 1.00e4, but prints as 9996 in fixed notation).
   */
  roundingWidens: boolean;
}

/** Largest power of ten R's formatReal tracks the rounding widening for. */
const MAX_POWER = 22;

function decimal(x: number, digits: number): Decimal {
  if (x === 0) return { negative: false, exponent: 0, significant: 1, roundingWidens: false };
  const [mantissa, exponentText] = Math.abs(x).toExponential(digits - 1).split('e') as [string, string];
  const exponent = Number(exponentText);
  const significant = Math.max(1, mantissa.replace('.', '').replace(/0+$/, '').length);
  // Fixed notation keeps max(0, digits − exponent) decimals; it rounds up to 10^exponent only
  // when |x| is within half a unit of that last decimal.
  const decimals = Math.min(MAX_POWER, Math.max(0, digits - exponent));
  const roundingWidens = exponent > 0 && exponent <= MAX_POWER && Math.abs(x) < 10 ** exponent - 0.5 / 10 ** decimals;
  return { negative: x < 0, exponent, significant, roundingWidens };
}

/** A common layout for a vector: fixed with `decimals` digits after the point, or scientific. */
interface Layout {
  scientific: boolean;
  /** Fixed: digits after the point. Scientific: digits after the mantissa's point. */
  decimals: number;
  width: number;
}

/**
 * R's formatReal: per finite value the digits needed to show it to `digits` significant digits;
 * fixed notation with the largest number of decimals any value needs, unless scientific notation
 * (with the most significant digits any value needs) is narrower.
 */
function layout(values: readonly number[], digits: number): Layout {
  let anyNegative = false;
  let maxRight = -Infinity;
  let maxLeft = -Infinity;
  let maxSignedLeft = -Infinity;
  let maxSignificant = -Infinity;
  let maxExponent = -Infinity;
  let minExponent = Infinity;
  let nonFiniteWidth = 0;
  for (const x of values) {
    if (!Number.isFinite(x)) {
      nonFiniteWidth = Math.max(nonFiniteWidth, nonFinite(x).length);
      continue;
    }
    const d = decimal(x, digits);
    const left = d.exponent + 1 - (d.roundingWidens ? 1 : 0);
    const signedLeft = (d.negative ? 1 : 0) + (left <= 0 ? 1 : left);
    anyNegative ||= d.negative;
    maxRight = Math.max(maxRight, d.significant - left);
    maxLeft = Math.max(maxLeft, left);
    maxSignedLeft = Math.max(maxSignedLeft, signedLeft);
    maxSignificant = Math.max(maxSignificant, d.significant);
    maxExponent = Math.max(maxExponent, d.exponent);
    minExponent = Math.min(minExponent, d.exponent);
  }
  if (maxSignificant === -Infinity) return { scientific: false, decimals: 0, width: nonFiniteWidth };
  if (maxLeft < 0) maxSignedLeft = 1 + (anyNegative ? 1 : 0);
  const right = Math.max(0, maxRight);
  const fixedWidth = maxSignedLeft + right + (right > 0 ? 1 : 0);
  const exponentDigits = maxExponent >= 100 || minExponent <= -100 ? 2 : 1; // 1: e+XX, 2: e+XXX
  const mantissaDecimals = maxSignificant - 1;
  const scientificWidth = (anyNegative ? 1 : 0) + (mantissaDecimals > 0 ? 1 : 0) + mantissaDecimals + 4 + exponentDigits;
  return fixedWidth <= scientificWidth
    ? { scientific: false, decimals: right, width: Math.max(fixedWidth, nonFiniteWidth) }
    : { scientific: true, decimals: mantissaDecimals, width: Math.max(scientificWidth, nonFiniteWidth) };
}

function nonFinite(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Inf' : '-Inf';
}

/** x in C's %e style, as R prints it: 4.15e-06 (at least two exponent digits). */
function exponential(x: number, decimals: number): string {
  const [mantissa, exponent] = x.toExponential(decimals).split('e') as [string, string];
  const sign = exponent.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
}

/**
 * Formats a vector the way R's `format(x, digits = digits)` does: one common layout, fixed
 * notation unless scientific is narrower, every entry showing at least `digits` significant
 * digits, right-aligned to a common width. NaN and ±Infinity print as NaN, Inf, -Inf.
 * @example formatColumn([-4.949378062622546, 0.002690683595964], 4) // => ['-4.949378', ' 0.002691']
 * @example formatColumn([0.5, 12.5, 500], 5) // => ['  0.5', ' 12.5', '500.0']
 */
export function formatColumn(values: ArrayLike<number>, digits: number): string[] {
  const list = Array.from(values);
  const { scientific, decimals, width } = layout(list, digits);
  return list.map((x) => {
    const text = !Number.isFinite(x) ? nonFinite(x) : scientific ? exponential(x, decimals) : (x === 0 ? 0 : x).toFixed(decimals);
    return text.padStart(width);
  });
}

/**
 * One number as R's `format(x, digits)` prints it.
 * @example formatNumber(480.3439816848, 5) // => '480.34'
 * @example formatNumber(500, 5) // => '500'
 */
export function formatNumber(x: number, digits = 7): string {
  return formatColumn([x], digits)[0]!;
}

/**
 * p-values as R's `format.pval(pv, digits)`: those ≥ 1e-4 (≥ 1e-3 when digits = 1) formatted
 * together, the smaller ones together (usually in scientific notation), values below machine
 * epsilon as "<2e-16" (with a space, "< 2e-16", when the others are wider than 6 characters),
 * NaN as "NA".
 * @example formatPValues([4.15e-6, 0.0109]) // => ['4.15e-06', '0.0109']
 * @example formatPValues([0.000465, 0.038465]) // => ['0.000465', '0.038465']
 */
export function formatPValues(values: ArrayLike<number>, digits = 3): string[] {
  const list = Array.from(values);
  const out = list.map(() => 'NA');
  const zero: number[] = [];
  const fixed: number[] = [];
  const small: number[] = [];
  list.forEach((p, i) => {
    if (Number.isNaN(p)) return;
    if (p < PVALUE_EPS) {
      zero.push(i);
      return;
    }
    const exponent = Math.floor(Math.log10(p > 0 ? p : 1e-50));
    (exponent >= -3 || (exponent === -4 && digits > 1) ? fixed : small).push(i);
  });
  let width = 0;
  for (const group of [fixed, small]) {
    const texts = formatColumn(group.map((i) => list[i]!), digits);
    group.forEach((i, k) => {
      out[i] = texts[k]!;
      width = Math.max(width, texts[k]!.length);
    });
  }
  if (zero.length > 0) {
    let epsDigits = Math.max(1, digits - 2);
    let separator: string;
    if (fixed.length + small.length > 0) {
      if (epsDigits > 1 && epsDigits + 6 > width) epsDigits = Math.max(1, width - 7);
      separator = epsDigits === 1 && width <= 6 ? '' : ' ';
    } else {
      separator = epsDigits === 1 ? '' : ' ';
    }
    const text = `<${separator}${formatNumber(PVALUE_EPS, epsDigits)}`;
    for (const i of zero) out[i] = text;
  }
  return out;
}

/** R's significance stars. */
export function significanceStars(p: number): string {
  if (!(p <= 1)) return '';
  if (p < 0.001) return '***';
  if (p < 0.01) return '**';
  if (p < 0.05) return '*';
  if (p < 0.1) return '.';
  return ' ';
}

/** The legend R prints under a table with stars (in a C locale; a UTF-8 R uses curly quotes). */
export const SIGNIFICANCE_LEGEND = "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1";

/**
 * A table: row names left-aligned, then each column right-aligned under its header, one space
 * apart (R's print of a character matrix with quote = FALSE, right = TRUE).
 * @example formatTable(['a'], ['x'], [['1.0']]) // => '    x\na 1.0'
 */
export function formatTable(rowNames: string[], headers: string[], columns: string[][]): string {
  const nameWidth = Math.max(0, ...rowNames.map((s) => s.length));
  const widths = headers.map((h, c) => Math.max(h.length, ...columns[c]!.map((s) => s.length)));
  const lines = [' '.repeat(nameWidth) + headers.map((h, c) => ' ' + h.padStart(widths[c]!)).join('')];
  rowNames.forEach((name, r) => {
    lines.push(name.padEnd(nameWidth) + columns.map((col, c) => ' ' + col[r]!.padStart(widths[c]!)).join(''));
  });
  return lines.join('\n');
}

/**
 * x rounded to `decimals` digits after the point (R's round(x, decimals)): the double nearest to
 * the decimal rounding of x's exact value.
 */
function roundTo(x: number, decimals: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21 || decimals > 100) return x;
  return Number(x.toFixed(Math.max(0, decimals)));
}

/**
 * The coefficient table of R's `summary.glm` (printCoefmat with digits = 4): estimates and
 * standard errors rounded to a common number of decimals (enough for the smallest of them to
 * show `digits` significant digits) and formatted together; z rounded to 3 decimals; p-values
 * by `formatPValues(p, 3)`; significance stars and their legend when some p < 0.1.
 * @returns the lines: header, one per coefficient, then '---' and the legend when there are stars.
 */
export function formatCoefficientTable(
  names: readonly string[],
  estimates: ArrayLike<number>,
  standardErrors: ArrayLike<number>,
  zValues: ArrayLike<number>,
  pValues: ArrayLike<number>,
  statistic: 'z' | 't' = 'z',
  digits = SUMMARY_DIGITS,
): string[] {
  const n = names.length;
  const testDigits = Math.max(1, Math.min(5, digits - 1));
  const both = [...Array.from(estimates), ...Array.from(standardErrors)];
  const magnitudes = both.filter((v) => Number.isFinite(v) && v !== 0).map(Math.abs);
  const smallest = magnitudes.length > 0 ? Math.min(...magnitudes) : 1;
  const decimals = Math.max(1, digits - (1 + Math.floor(Math.log10(smallest))));
  const estimateTexts = formatColumn(both.map((v) => roundTo(v, decimals)), digits).map((text, k) => {
    // R: an entry shown as 0 that is not 0 (or the reverse) is formatted alone with one digit less.
    const v = both[k]!;
    return Number.isFinite(v) && (v === 0) !== (Number(text) === 0) ? formatNumber(v, Math.max(1, digits - 1)) : text;
  });
  const zTexts = formatColumn(Array.from(zValues, (v) => roundTo(v, testDigits)), digits);
  const p = Array.from(pValues);
  const pTexts = formatPValues(p, testDigits).map((text, k) => (Number.isNaN(p[k]!) ? 'NaN' : text));
  const withStars = p.some((v) => v < 0.1);
  const stars = p.map((v) => (Number.isNaN(v) ? '' : significanceStars(v)));
  const starWidth = Math.max(0, ...stars.map((s) => s.length));
  const headers = ['Estimate', 'Std. Error', `${statistic} value`, `Pr(>|${statistic}|)`];
  const columns = [estimateTexts.slice(0, n), estimateTexts.slice(n), zTexts, pTexts];
  if (withStars) {
    headers.push('');
    columns.push(stars.map((s) => s.padEnd(starWidth)));
  }
  const lines = formatTable([...names], headers, columns).split('\n');
  if (withStars) lines.push('---', SIGNIFICANCE_LEGEND);
  return lines;
}

/**
 * The deviance and AIC lines of R's `summary.glm`: both deviances formatted together with 5
 * significant digits, the degrees of freedom aligned.
 * @example formatDevianceLines(124.8756, 11, 4.9937, 8).join('\n')
 * // => '    Null deviance: 124.8756  on 11  degrees of freedom\nResidual deviance:   4.9937  on  8  degrees of freedom'
 */
export function formatDevianceLines(nullDeviance: number, dfNull: number, deviance: number, dfResidual: number): string[] {
  const [nullText, residualText] = formatColumn([nullDeviance, deviance], 5) as [string, string];
  const [dfNullText, dfResidualText] = formatColumn([dfNull, dfResidual], 7) as [string, string];
  return [
    `    Null deviance: ${nullText}  on ${dfNullText}  degrees of freedom`,
    `Residual deviance: ${residualText}  on ${dfResidualText}  degrees of freedom`,
  ];
}

/**
 * The likelihood lines a summary adds under AIC, as statsmodels' and Stata's headers report them:
 * BIC; the log-likelihood with its number of free parameters and the null model's; for a
 * maximum-likelihood fit the LR χ² test against the null model (Stata's `LR chi2(df)` and
 * `Prob > chi2`, statsmodels' `LLR p-value`) and the pseudo-R² (McFadden's is statsmodels'
 * `Pseudo R-squ.` and Stata's `Pseudo R2`). `test` and `r2` are null for a penalized fit.
 * @example formatLikelihoodLines(494.466, -229.259, 6, { statistic: 41.459, df: 5, pValue: 7.578e-8, logLikNull: -249.988, mcFadden: 0.08292, coxSnell: 0.09846, nagelkerke: 0.13800 })
 * // => ['BIC: 494.47', 'Log-likelihood: -229.26 (df = 6); null model: -249.99', 'LR test against the null model: Chisq = 41.459 on 5 df, p-value = 7.578e-08', 'Pseudo R-squared: McFadden 0.08292, Cox-Snell 0.09846, Nagelkerke 0.138']
 */
export function formatLikelihoodLines(
  bic: number,
  logLik: number,
  k: number,
  test: { statistic: number; df: number; pValue: number; logLikNull: number; mcFadden: number; coxSnell: number; nagelkerke: number } | null,
  digits = 5,
): string[] {
  const lines = [`BIC: ${formatNumber(bic, digits)}`];
  if (!test) {
    lines.push(`Log-likelihood: ${formatNumber(logLik, digits)} (df = ${k})`);
    return lines;
  }
  const p = formatPValues([test.pValue], 4)[0]!.replace(/^<\s*/, '< ');
  lines.push(
    `Log-likelihood: ${formatNumber(logLik, digits)} (df = ${k}); null model: ${formatNumber(test.logLikNull, digits)}`,
    `LR test against the null model: Chisq = ${formatNumber(test.statistic, 5)} on ${test.df} df, p-value ${p.startsWith('<') ? p : `= ${p}`}`,
    `Pseudo R-squared: McFadden ${formatNumber(test.mcFadden, 4)}, Cox-Snell ${formatNumber(test.coxSnell, 4)}, Nagelkerke ${formatNumber(test.nagelkerke, 4)}`,
  );
  return lines;
}
