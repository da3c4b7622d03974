// Text the CLI writes: CSV rows and R-style number tables.
import { formatColumn, formatPValues, formatTable, significanceStars, SIGNIFICANCE_LEGEND } from '../format.js';
import type { Matrix } from '../index.js';

/** Where a command writes: stdout for results, stderr for progress and notes. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Digits R's print() uses by default (getOption("digits")). */
export const PRINT_DIGITS = 7;

/** A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A number for CSV: the shortest text that reads back to the same double; NaN as R's NA. */
export function csvNumber(x: number): string {
  return Number.isNaN(x) ? 'NA' : String(x);
}

export function csvLine(fields: string[]): string {
  return fields.map(csvField).join(',');
}

/**
 * A p x k matrix printed like R prints one: row names, column headers, each column formatted with
 * `digits` significant digits.
 */
export function formatMatrix(matrix: Matrix, rowNames: readonly string[], colNames: readonly string[], digits = PRINT_DIGITS): string {
  const columns = colNames.map((_, k) => formatColumn(matrix.col(k), digits));
  return formatTable([...rowNames], [...colNames], columns);
}

/** A coefficient table as R's printCoefmat: Estimate, Std. Error, z value, Pr(>|z|), stars. */
export function formatCoefficientTable(
  names: readonly string[],
  estimates: ArrayLike<number>,
  standardErrors: ArrayLike<number>,
  pValues: ArrayLike<number>,
  digits = 4,
): string {
  const n = names.length;
  const numbers = formatColumn([...Array.from(estimates), ...Array.from(standardErrors)], digits);
  const z = Array.from(estimates, (b, j) => b / standardErrors[j]!);
  const p = Array.from(pValues);
  return [
    formatTable([...names], ['Estimate', 'Std. Error', 'z value', 'Pr(>|z|)', ''], [
      numbers.slice(0, n),
      numbers.slice(n),
      z.map((v) => v.toFixed(3)),
      formatPValues(p),
      p.map((v) => significanceStars(v).padEnd(3)),
    ]),
    '---',
    SIGNIFICANCE_LEGEND,
  ].join('\n');
}
