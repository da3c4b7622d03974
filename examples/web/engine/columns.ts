/**
 * What the page needs to know about each loaded column (kind, distinct values, levels, whether
 * it looks like a row ID or is a numeric column with stray words) and the model it offers first.
 */
import { levelsOf } from '../../../src/data/design.js';
import { parseNumberCell, type Column } from '../../../src/data/csv.js';
import type { ColumnInfo, ModelSpec, StrayText } from '../protocol.js';

/** Levels listed per column in ColumnInfo.levels. */
export const LISTED_LEVELS = 50;
/** Above this many distinct values a column's levels are not sorted and listed (an ID, free text, a measurement). */
export const MAX_SORTED_LEVELS = 10_000;
/** A response with more classes than this is almost surely not categorical (the old page's rule too). */
export const MAX_RESPONSE_CLASSES = 20;
/** A text column with more levels than this is left out of the default model (each level is a coefficient). */
export const MAX_DEFAULT_FACTOR_LEVELS = 50;
/** Fewer rows than this and "all values distinct" says nothing about being an ID. */
export const MIN_ROWS_FOR_ID = 10;
/**
 * A text column whose non-numeric cells are at most this share of its non-missing cells is a
 * numeric column with stray words (a typo, a note typed into a cell), not a categorical one.
 */
export const STRAY_TEXT_SHARE = 0.1;
/** ...and a single non-numeric cell among more numbers always is (4 rows with one "abc": 25%). */
const STRAY_TEXT_ALWAYS_ROWS = 1;
/** Stray values (with their first rows) listed per column in ColumnInfo.strayText. */
export const LISTED_STRAY_VALUES = 5;
/** Column names taken as case weights by default (R's `weights = Freq` on a table of counts). */
const WEIGHTS_NAME = /^(freq|frequency|weight|weights|wt)$/i;

/**
 * Facts about one column, in O(n) passes (loops only: no spreading of large arrays).
 * `lineNumbers` (the frame's, per data row) give the file lines of stray words, when known.
 *
 * @example
 * describeColumn({ name: 'rank', kind: 'numeric', values: Float64Array.of(3, 1, NaN, 1) }, 4)
 * // => { name: 'rank', kind: 'numeric', nMissing: 1, nDistinct: 2, allDistinct: false, likelyId: false,
 * //      levels: ['1', '3'], min: 1, max: 3, nonNegativeIntegers: true }
 */
export function describeColumn(column: Column, nRows: number, lineNumbers?: Uint32Array): ColumnInfo {
  return column.kind === 'numeric' ? describeNumeric(column.name, column.values, nRows) : describeText(column.name, column.values, nRows, lineNumbers);
}

function describeNumeric(name: string, values: Float64Array, nRows: number): ColumnInfo {
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    n++;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integers && !Number.isInteger(v)) integers = false;
  }
  const { count, firstDistinct } = distinctNumbers(values, MAX_SORTED_LEVELS);
  const allDistinct = n > 0 && count === n;
  return {
    name,
    kind: 'numeric',
    nMissing: values.length - n,
    nDistinct: count,
    allDistinct,
    likelyId: allDistinct && integers && nRows >= MIN_ROWS_FOR_ID,
    levels: firstDistinct === null ? [] : levelsOf({ name, kind: 'numeric', values: firstDistinct }).slice(0, LISTED_LEVELS),
    min: n > 0 ? min : NaN,
    max: n > 0 ? max : NaN,
    nonNegativeIntegers: n > 0 && integers && min >= 0,
  };
}

/**
 * The number of distinct non-NaN values of `values` (0 and −0 alike), by an open-addressing hash
 * set on the values' bits: O(n), one pass, 18 bytes per slot at most 50% full (a sort of a copy
 * took 4–8 times as long on 1e6 values). Also the distinct values themselves when there are at
 * most `keep` of them.
 * @example distinctNumbers(Float64Array.of(3, 1, NaN, 3, -0, 0), 10) // => { count: 3, firstDistinct: Float64Array [3, 1, 0] }
 */
export function distinctNumbers(values: Float64Array, keep: number): { count: number; firstDistinct: Float64Array | null } {
  let capacity = 16;
  while (capacity < 2 * values.length) capacity *= 2;
  const mask = capacity - 1;
  const keys = new Float64Array(capacity);
  const used = new Uint8Array(capacity);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  const kept: number[] = [];
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    let v = values[i]!;
    if (Number.isNaN(v)) continue;
    if (v === 0) v = 0; // −0 is 0
    bits[0] = v;
    // Murmur3's 32-bit finalizer on a mix of the two halves of the bits.
    let h = (words[0]! ^ Math.imul(words[1]!, 0x9e3779b1)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    let slot = h & mask;
    while (used[slot] === 1 && keys[slot] !== v) slot = (slot + 1) & mask;
    if (used[slot] === 0) {
      used[slot] = 1;
      keys[slot] = v;
      if (count < keep) kept.push(v);
      count++;
    }
  }
  return { count, firstDistinct: count <= keep ? Float64Array.from(kept) : null };
}

function describeText(name: string, values: readonly (string | null)[], nRows: number, lineNumbers?: Uint32Array): ColumnInfo {
  // Rows per distinct value (a Map keeps first-seen order, which strayTextOf lists in).
  const rowsOf = new Map<string, number>();
  let nMissing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) nMissing++;
    else rowsOf.set(v, (rowsOf.get(v) ?? 0) + 1);
  }
  const n = values.length - nMissing;
  const allDistinct = n > 0 && rowsOf.size === n;
  const levels = rowsOf.size <= MAX_SORTED_LEVELS ? levelsOf({ name, kind: 'string', values: [...rowsOf.keys()] }).slice(0, LISTED_LEVELS) : [];
  const info: ColumnInfo = { name, kind: 'text', nMissing, nDistinct: rowsOf.size, allDistinct, likelyId: allDistinct && nRows >= MIN_ROWS_FOR_ID, levels };
  const stray = strayTextOf(values, rowsOf, n, lineNumbers);
  if (stray) info.strayText = stray;
  return info;
}

/**
 * The non-numeric cells of a text column that is mostly numbers (see {@link STRAY_TEXT_SHARE}),
 * else undefined. Every distinct value is checked (not only the listed levels: a word sorts after
 * the numbers, past the first 50), with the CSV reader's own test of a number cell.
 *
 * @example
 * const values = ['380', 'abc', '800', '640'];
 * strayTextOf(values, new Map(values.map((v) => [v, 1])), 4)
 * // => { values: ['abc'], rows: [2], count: 1, nDistinct: 1 }
 */
export function strayTextOf(
  values: readonly (string | null)[],
  rowsOf: ReadonlyMap<string, number>,
  nonMissing: number,
  lineNumbers?: Uint32Array,
): StrayText | undefined {
  const most = Math.max(STRAY_TEXT_SHARE * nonMissing, STRAY_TEXT_ALWAYS_ROWS);
  const words: string[] = [];
  let count = 0;
  for (const [value, rows] of rowsOf) {
    if (parseNumberCell(value) !== undefined) continue;
    words.push(value);
    count += rows;
    if (count > most) return undefined; // a text column (the usual case): stop early
  }
  if (count === 0 || nonMissing - count <= count) return undefined;
  const listed = words.slice(0, LISTED_STRAY_VALUES);
  // The first row of each listed value: one pass that stops when all are found.
  const firstRow = new Map<string, number>();
  const wanted = new Set(listed);
  for (let i = 0; i < values.length && firstRow.size < listed.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined && wanted.has(v) && !firstRow.has(v)) firstRow.set(v, i);
  }
  const rows = listed.map((v) => firstRow.get(v)!);
  const stray: StrayText = { values: listed, rows: rows.map((i) => i + 1), count, nDistinct: words.length };
  if (lineNumbers) stray.lines = rows.map((i) => lineNumbers[i]!);
  return stray;
}

/**
 * The model the page offers first, and a sentence saying why:
 * - response: the first column that is not ID-like if it has 2–20 values, else the last if it
 *   has, else the first two-valued column, else the first column with 2–20 values (never an
 *   ID-like column);
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
  // ID columns (R's row names, a person number) usually come first: look past them.
  const first = columns.find((c) => !c.likelyId);
  const last = columns[columns.length - 1];
  const response =
    (first && usable(first) ? first : undefined) ??
    (last && usable(last) ? last : undefined) ??
    columns.find((c) => usable(c) && c.nDistinct === 2) ??
    columns.find(usable) ??
    columns[0];
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
