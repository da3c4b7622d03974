// Text layout of coefficient tables the way R's printCoefmat and format.pval lay them out, so
// a summary reads like R's.

/** Significant digits R prints estimates with: max(3, getOption("digits") − 3). */
export const SUMMARY_DIGITS = 4;
/** Below this p-values print as "<2e-16" (R: .Machine$double.eps). */
const PVALUE_EPS = 2.220446049250313e-16;

/** Decimals needed to show x with `digits` significant digits in fixed notation. */
function decimalsFor(x: number, digits: number): number {
  if (x === 0 || !Number.isFinite(x)) return 0;
  return Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
}

/**
 * Formats a column with a common number of decimals, enough for every entry to show `digits`
 * significant digits (R's `format(x, digits)`), or in scientific notation when that is narrower.
 * @example formatColumn([-4.949378062622546, 0.002690683595964], 4) // => ['-4.949378', '0.002691']
 */
export function formatColumn(values: ArrayLike<number>, digits: number): string[] {
  const list = Array.from(values);
  const decimals = Math.min(15, Math.max(0, ...list.map((v) => decimalsFor(v, digits))));
  const fixed = list.map((v) => (Number.isFinite(v) ? v.toFixed(decimals) : String(v)));
  const scientific = list.map((v) => (Number.isFinite(v) ? rExponential(v, digits) : String(v)));
  const width = (xs: string[]) => Math.max(...xs.map((s) => s.length));
  return width(fixed) <= width(scientific) ? fixed : scientific;
}

/** x in R's exponential style: 4.15e-06 (two-digit exponent). */
function rExponential(x: number, digits: number): string {
  const [mantissa, exponent] = x.toExponential(Math.max(0, digits - 1)).split('e') as [string, string];
  const sign = exponent.startsWith('-') ? '-' : '+';
  const magnitude = exponent.replace(/^[+-]/, '').padStart(2, '0');
  return `${mantissa}e${sign}${magnitude}`;
}

/**
 * p-values as R's format.pval(pv, digits = 3): those ≥ 1e-3 in a common fixed format, smaller
 * ones in exponential form, below machine epsilon "<2e-16".
 * @example formatPValues([4.15e-6, 0.0109]) // => ['4.15e-06', '0.0109']
 */
export function formatPValues(values: ArrayLike<number>, digits = 3): string[] {
  const list = Array.from(values);
  const out = list.map(() => '');
  const fixedIdx = list.map((p, i) => [p, i] as const).filter(([p]) => p >= 1e-3 && p >= PVALUE_EPS);
  const sciIdx = list.map((p, i) => [p, i] as const).filter(([p]) => p < 1e-3 && p >= PVALUE_EPS);
  if (fixedIdx.length > 0) {
    const decimals = Math.max(...fixedIdx.map(([p]) => decimalsFor(p, digits)));
    for (const [p, i] of fixedIdx) out[i] = p.toFixed(decimals);
  }
  for (const [p, i] of sciIdx) out[i] = rExponential(p, digits);
  list.forEach((p, i) => {
    if (p < PVALUE_EPS) out[i] = '<2e-16';
    else if (Number.isNaN(p)) out[i] = 'NA';
  });
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

/** The legend R prints under a table with stars. */
export const SIGNIFICANCE_LEGEND = "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1";

/**
 * A coefficient table: row names, then columns right-aligned under their headers.
 * @example formatTable(['a'], ['x'], [['1.0']]) // => '  x\na 1.0'
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

/** A number the way R prints it by default (7 significant digits): 480.34398 -> '480.344'. */
export function formatNumber(x: number, digits = 7): string {
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(digits)));
}
