/**
 * What the page needs to know about each loaded column (kind, distinct values, levels, whether
 * it looks like a row ID) and the model it offers first.
 */
import { levelsOf, type Column, type DataFrame } from '../../../src/data/index.js';
import type { ColumnInfo, ModelSpec } from '../protocol.js';

/** Levels listed per column in ColumnInfo.levels. */
export const LISTED_LEVELS = 50;
/** Above this many distinct values a text column's levels are not sorted and listed (an ID or free text). */
export const MAX_SORTED_LEVELS = 10_000;
/** A response with more classes than this is almost surely not categorical (the old page's rule too). */
export const MAX_RESPONSE_CLASSES = 20;
/** A text column with more levels than this is left out of the default model (each level is a coefficient). */
export const MAX_DEFAULT_FACTOR_LEVELS = 50;
/** Fewer rows than this and "all values distinct" says nothing about being an ID. */
export const MIN_ROWS_FOR_ID = 10;
/** Column names taken as case weights by default (R's `weights = Freq` on a table of counts). */
const WEIGHTS_NAME = /^(freq|frequency|weight|weights|wt)$/i;

/**
 * Facts about one column. Numeric columns are summarized from a sorted copy of their
 * non-missing values (O(n log n), loops only: no spreading of large arrays).
 *
 * @example
 * describeColumn({ name: 'rank', kind: 'numeric', values: Float64Array.of(3, 1, NaN, 1) }, 4)
 * // => { name: 'rank', kind: 'numeric', nMissing: 1, nDistinct: 2, allDistinct: false, likelyId: false,
 * //      levels: ['1', '3'], min: 1, max: 3, nonNegativeIntegers: true }
 */
export function describeColumn(column: Column, nRows: number): ColumnInfo {
  return column.kind === 'numeric' ? describeNumeric(column.name, column.values, nRows) : describeText(column.name, column.values, nRows);
}

function describeNumeric(name: string, values: Float64Array, nRows: number): ColumnInfo {
  const present = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) present[n++] = v;
  }
  const sorted = present.subarray(0, n).sort();
  let nDistinct = 0;
  let integers = true;
  const firstLevels: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    if (i === 0 || v !== sorted[i - 1]) {
      nDistinct++;
      if (firstLevels.length < LISTED_LEVELS) firstLevels.push(v);
    }
    if (integers && !Number.isInteger(v)) integers = false;
  }
  const allDistinct = n > 0 && nDistinct === n;
  return {
    name,
    kind: 'numeric',
    nMissing: values.length - n,
    nDistinct,
    allDistinct,
    likelyId: allDistinct && integers && nRows >= MIN_ROWS_FOR_ID,
    levels: levelsOf({ name, kind: 'numeric', values: Float64Array.from(firstLevels) }),
    min: n > 0 ? sorted[0]! : NaN,
    max: n > 0 ? sorted[n - 1]! : NaN,
    nonNegativeIntegers: n > 0 && integers && sorted[0]! >= 0,
  };
}

function describeText(name: string, values: readonly (string | null)[], nRows: number): ColumnInfo {
  const distinct = new Set<string>();
  let nMissing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) nMissing++;
    else distinct.add(v);
  }
  const n = values.length - nMissing;
  const allDistinct = n > 0 && distinct.size === n;
  const levels = distinct.size <= MAX_SORTED_LEVELS ? levelsOf({ name, kind: 'string', values: [...distinct] }).slice(0, LISTED_LEVELS) : [];
  return { name, kind: 'text', nMissing, nDistinct: distinct.size, allDistinct, likelyId: allDistinct && nRows >= MIN_ROWS_FOR_ID, levels };
}

/**
 * The model the page offers first, and a sentence saying why:
 * - response: the first column if it has 2–20 values, else the last if it has, else the first
 *   two-valued column, else the first column with 2–20 values (ID-like columns never);
 * - weights: a non-negative numeric column named Freq, Frequency, Weight(s) or wt;
 * - predictors: every other column except likely IDs, constant or empty columns and text columns
 *   with more than 50 levels; numeric columns stay numeric (tick "factor" for R's factor(x)).
 *
 * @example
 * defaultModel([...describe data/binary.csv...]).model
 * // => { response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: [], parameterization: 'reference', plotPredictor: 'gre' }
 */
export function defaultModel(columns: readonly ColumnInfo[]): { model: ModelSpec; note: string } {
  const usable = (c: ColumnInfo) => !c.likelyId && c.nDistinct >= 2 && c.nDistinct <= MAX_RESPONSE_CLASSES;
  const first = columns[0];
  const last = columns[columns.length - 1];
  const response =
    (first && usable(first) ? first : undefined) ??
    (last && usable(last) ? last : undefined) ??
    columns.find((c) => usable(c) && c.nDistinct === 2) ??
    columns.find(usable) ??
    first;
  const notes: string[] = [];
  if (response === undefined) return { model: { predictors: [], factors: [], parameterization: 'reference' }, note: 'The data have no columns.' };
  if (!usable(response)) notes.push(`No column looks like a categorical response (2 to ${MAX_RESPONSE_CLASSES} distinct values); choose one.`);
  const weights = columns.find((c) => c !== response && c.kind === 'numeric' && WEIGHTS_NAME.test(c.name) && c.min! >= 0);
  const left: string[] = [];
  const predictors: string[] = [];
  for (const c of columns) {
    if (c === response || c === weights) continue;
    if (c.likelyId) left.push(`${c.name} (all values distinct: an ID?)`);
    else if (c.nDistinct < 2) left.push(`${c.name} (${c.nDistinct === 0 ? 'empty' : 'one value'})`);
    else if (c.kind === 'text' && c.nDistinct > MAX_DEFAULT_FACTOR_LEVELS) left.push(`${c.name} (${c.nDistinct} levels)`);
    else predictors.push(c.name);
  }
  const model: ModelSpec = { response: response.name, predictors, factors: [], parameterization: 'reference' };
  if (weights) {
    model.weights = weights.name;
    notes.push(`${weights.name} is used as case weights (each row stands for that many cases).`);
  }
  const byName = new Map(columns.map((c) => [c.name, c]));
  const plotted = predictors.find((name) => byName.get(name)!.kind === 'numeric') ?? predictors[0];
  if (plotted !== undefined) model.plotPredictor = plotted;
  if (left.length > 0) notes.unshift(`Left out: ${left.join(', ')}.`);
  return { model, note: [`Response ${response.name} (${response.nDistinct} classes).`, ...notes].join(' ') };
}
