// Checking the data-frame arguments of designMatrix, newDataMatrix and levelsOf before they are
// read: a DataFrame as parseCSV returns it, a Column, a design's terms. Anything else throws a
// SoftlogitError saying what came, instead of a TypeError from deep inside.
import { SoftlogitError } from '../errors.js';
import type { Column, DataFrame } from '../data/csv.js';
import type { DesignTerms } from '../data/design.js';
import { describeValue } from './optionKeys.js';

/**
 * A column as parseCSV makes it: `{ name, kind: 'numeric', values: Float64Array }` or
 * `{ name, kind: 'string', values: (string | null)[] }`.
 * @throws {SoftlogitError} `BAD_SHAPE` naming what is wrong.
 */
export function checkColumn(column: unknown, caller: string, what = 'column'): Column {
  const c = column as Partial<Column> | null;
  if (c === null || typeof c !== 'object') {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: expected ${what} as { name, kind, values } (from parseCSV), got ${describeValue(column)}`);
  }
  if (typeof c.name !== 'string') {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: ${what}.name should be a string, got ${describeValue(c.name)}`);
  }
  if (c.kind === 'numeric') {
    if (!(c.values instanceof Float64Array)) {
      throw new SoftlogitError('BAD_SHAPE', `${caller}: numeric ${what} "${c.name}" should hold a Float64Array, got ${describeValue(c.values)}`);
    }
  } else if (c.kind === 'string') {
    if (!Array.isArray(c.values) || !c.values.every((v: unknown) => v === null || typeof v === 'string')) {
      throw new SoftlogitError('BAD_SHAPE', `${caller}: string ${what} "${c.name}" should hold an array of strings and nulls, got ${describeValue(c.values)}`);
    }
  } else {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: ${what}.kind should be 'numeric' or 'string', got ${describeValue(c.kind)}`);
  }
  return c as Column;
}

/**
 * A DataFrame as parseCSV returns it: `names` and `columns` in the same order, every column
 * `nRows` long.
 * @throws {SoftlogitError} `BAD_SHAPE` naming what is wrong.
 */
export function checkDataFrame(frame: unknown, caller: string): DataFrame {
  const f = frame as Partial<DataFrame> | null;
  if (f === null || typeof f !== 'object' || !Array.isArray(f.names) || !Array.isArray(f.columns)) {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: expected a DataFrame { names, columns, nRows } (from parseCSV), got ${describeValue(frame)}`);
  }
  if (typeof f.nRows !== 'number' || !Number.isInteger(f.nRows) || f.nRows < 0) {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: frame.nRows should be a non-negative integer, got ${describeValue(f.nRows)}`);
  }
  if (f.columns.length !== f.names.length) {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: frame has ${f.names.length} names and ${f.columns.length} columns`);
  }
  f.columns.forEach((column: unknown, j) => {
    const c = checkColumn(column, caller, `frame.columns[${j}]`);
    if (c.name !== f.names![j]) {
      throw new SoftlogitError('BAD_SHAPE', `${caller}: frame.columns[${j}] is named "${c.name}" but frame.names[${j}] is ${describeValue(f.names![j])}`);
    }
    if (c.values.length !== f.nRows) {
      throw new SoftlogitError('BAD_SHAPE', `${caller}: column "${c.name}" has ${c.values.length} values, frame.nRows is ${f.nRows}`);
    }
  });
  return f as DataFrame;
}

/**
 * A design's terms (a Design from designMatrix will do): predictor names, factor codings, intercept.
 * @throws {SoftlogitError} `BAD_SHAPE` naming what is wrong.
 */
export function checkDesignTerms(terms: unknown, caller: string): DesignTerms {
  const t = terms as Partial<DesignTerms> | null;
  if (t === null || typeof t !== 'object') {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: expected the design's terms { predictors, factors, intercept } (a Design), got ${describeValue(terms)}`);
  }
  if (!Array.isArray(t.predictors) || !t.predictors.every((name: unknown) => typeof name === 'string')) {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: terms.predictors should be an array of column names, got ${describeValue(t.predictors)}`);
  }
  const factorOk = (f: unknown): boolean => {
    const g = f as { name?: unknown; levels?: unknown; reference?: unknown } | null;
    return g !== null && typeof g === 'object' && typeof g.name === 'string' && Array.isArray(g.levels) &&
      g.levels.every((level: unknown) => typeof level === 'string') && (g.reference === null || typeof g.reference === 'string');
  };
  if (!Array.isArray(t.factors) || !t.factors.every(factorOk)) {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: terms.factors should be an array of { name, levels, reference }, got ${describeValue(t.factors)}`);
  }
  return t as DesignTerms;
}

/** Checks that an option is undefined or of the type `check` accepts, naming it otherwise. */
export function checkOptionType(value: unknown, name: string, expected: string, check: (v: unknown) => boolean, caller: string): void {
  if (value !== undefined && !check(value)) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: option ${name} should be ${expected}, got ${describeValue(value)}`, { option: name });
  }
}

/** True for an array of strings. */
export function isStringArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((v: unknown) => typeof v === 'string');
}
