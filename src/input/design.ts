// Validating and normalizing what callers pass in: the design matrix, weights, offsets.
// Every check throws a SoftlogitError naming the function, what was expected and what came.
import { SoftlogitError } from '../errors.js';
import { Matrix } from '../matrix.js';
import { describeValue } from './optionKeys.js';

/**
 * A design matrix as callers give it: rows (`number[][]`), a {@link Matrix}, or a row-major
 * buffer with its shape.
 */
export type DesignInput =
  | ArrayLike<ArrayLike<number>>
  | Matrix
  | { data: ArrayLike<number>; nRows: number; nFeatures: number };

/** Rows of a design matrix, read in blocks into a row-major buffer (no full copy in JS). */
export interface RowSource {
  readonly nRows: number;
  readonly nFeatures: number;
  readonly names?: readonly string[];
  /** Writes rows r0..r1-1 row-major into target[0 .. (r1 - r0) * nFeatures). */
  fillRows(r0: number, r1: number, target: Float64Array): void;
}

function isShaped(x: DesignInput): x is { data: ArrayLike<number>; nRows: number; nFeatures: number } {
  return typeof x === 'object' && x !== null && 'data' in x && 'nRows' in x && 'nFeatures' in x && !(x instanceof Matrix);
}

/**
 * Wraps any accepted design input as a RowSource, checking its shape.
 * @throws {SoftlogitError} `EMPTY_INPUT`, `BAD_SHAPE`, `RAGGED_ROWS` (found when rows are read).
 */
export function toRowSource(x: DesignInput, caller: string): RowSource {
  if (x instanceof Matrix || isShaped(x)) {
    const nRows = x instanceof Matrix ? x.rows : x.nRows;
    const nFeatures = x instanceof Matrix ? x.cols : x.nFeatures;
    const data = x.data;
    if (!Number.isInteger(nRows) || !Number.isInteger(nFeatures) || nRows < 0 || nFeatures < 0) {
      throw new SoftlogitError('BAD_SHAPE', `${caller}: X needs integer nRows and nFeatures, got ${nRows} x ${nFeatures}`);
    }
    if (data.length !== nRows * nFeatures) {
      throw new SoftlogitError(
        'BAD_SHAPE',
        `${caller}: X.data should hold nRows * nFeatures = ${nRows} * ${nFeatures} = ${nRows * nFeatures} values, got ${data.length}`,
      );
    }
    if (nRows === 0) throw new SoftlogitError('EMPTY_INPUT', `${caller}: X has no rows`);
    return {
      nRows,
      nFeatures,
      fillRows(r0, r1, target) {
        if (data instanceof Float64Array) target.set(data.subarray(r0 * nFeatures, r1 * nFeatures));
        else for (let i = r0 * nFeatures, k = 0; i < r1 * nFeatures; i++, k++) target[k] = data[i]!;
      },
    };
  }
  if (x === null || typeof x !== 'object' || typeof (x as ArrayLike<unknown>).length !== 'number') {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: X should be an array of rows, a Matrix or { data, nRows, nFeatures }, got ${typeof x}`);
  }
  const rows = x as ArrayLike<ArrayLike<number>>;
  const nRows = rows.length;
  if (nRows === 0) throw new SoftlogitError('EMPTY_INPUT', `${caller}: X has no rows`);
  const first = rows[0];
  if (first === null || typeof first !== 'object' || typeof first.length !== 'number') {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: X should be an array of rows (arrays of numbers), got ${typeof first} for row 0`);
  }
  const nFeatures = first.length;
  // Check every row's length now, so a ragged X is reported as such before any other check
  // (too few rows, …) that would read the shape from row 0 alone.
  for (let r = 1; r < nRows; r++) checkRow(rows[r], r, nFeatures, caller);
  return {
    nRows,
    nFeatures,
    fillRows(r0, r1, target) {
      for (let r = r0, k = 0; r < r1; r++) {
        const row = checkRow(rows[r], r, nFeatures, caller);
        for (let j = 0; j < nFeatures; j++, k++) {
          const v = row[j];
          target[k] = typeof v === 'number' ? v : Number.NaN;
        }
      }
    },
  };
}

/** Row `r` of an array-of-rows X, checked to hold `nFeatures` values. */
function checkRow(row: ArrayLike<number> | undefined, r: number, nFeatures: number, caller: string): ArrayLike<number> {
  if (row === null || typeof row !== 'object' || row.length !== nFeatures) {
    const got = row !== null && typeof row === 'object' && typeof row.length === 'number' ? `${row.length} values` : `${String(row)}`;
    throw new SoftlogitError(
      'RAGGED_ROWS',
      `${caller}: every row of X should have ${nFeatures} values (as row 0), row ${r} has ${got}`,
      { row: r },
    );
  }
  return row;
}

/**
 * Checks a per-row numeric vector (weights, offset): length nRows, finite, and for weights ≥ 0.
 * @throws {SoftlogitError} `LENGTH_MISMATCH`, `NON_FINITE`, `BAD_WEIGHTS`.
 */
export function toRowVector(
  values: ArrayLike<number>,
  nRows: number,
  what: 'weights' | 'offset',
  caller: string,
): Float64Array {
  if (values.length !== nRows) {
    throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: ${what} should have one value per row of X (${nRows}), got ${values.length}`);
  }
  const out = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new SoftlogitError(
        what === 'weights' ? 'BAD_WEIGHTS' : 'NON_FINITE',
        `${caller}: ${what} must be finite numbers, got ${typeof v === 'object' && v !== null ? describeValue(v) : String(v)} at row ${i}`,
        { row: i },
      );
    }
    if (what === 'weights' && v < 0) {
      throw new SoftlogitError('BAD_WEIGHTS', `${caller}: weights must be ≥ 0, got ${v} at row ${i}`, { row: i });
    }
    out[i] = v;
  }
  return out;
}

/**
 * Feature names: the caller's, or x1..xp; with an intercept, `(Intercept)` first.
 * @throws {SoftlogitError} `LENGTH_MISMATCH` when `names` does not have one name per column.
 */
export function featureNames(names: readonly string[] | undefined, nFeatures: number, intercept: boolean, caller: string): string[] {
  if (names !== undefined && names.length !== nFeatures) {
    throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: names should have one name per column of X (${nFeatures}), got ${names.length}`);
  }
  const base = names ? names.map(String) : Array.from({ length: nFeatures }, (_, j) => `x${j + 1}`);
  return intercept ? ['(Intercept)', ...base] : base;
}

/** Reads one option that must be a finite number in [min, max]. */
export function numberOption(value: unknown, fallback: number, name: string, min: number, max: number, caller: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: option ${name} should be a number in [${min}, ${max}], got ${typeof value === 'object' && value !== null ? describeValue(value) : String(value)}`);
  }
  return value;
}

/** Rows read per block by `forEachDesignRow`: bounds its buffer (4096 × p doubles) for any n. */
const DESIGN_ROW_BLOCK = 4096;

/**
 * Calls `visit(r, x)` for every row r of `source`, in order, with x the row of the design matrix:
 * a leading 1 when `intercept`, then the row's values (length nFeatures + intercept). Reads the
 * source in blocks, so X is never copied whole. `x` is reused between calls: copy it to keep it.
 * `visit` may return true to stop early.
 */
export function forEachDesignRow(source: RowSource, intercept: boolean, visit: (row: number, x: Float64Array) => boolean | void): void {
  const n = source.nRows;
  const q = source.nFeatures;
  const shift = intercept ? 1 : 0;
  const block = new Float64Array(Math.min(DESIGN_ROW_BLOCK, n) * q);
  const x = new Float64Array(q + shift);
  if (intercept) x[0] = 1;
  for (let r0 = 0; r0 < n; r0 += DESIGN_ROW_BLOCK) {
    const r1 = Math.min(n, r0 + DESIGN_ROW_BLOCK);
    source.fillRows(r0, r1, block);
    for (let r = r0; r < r1; r++) {
      x.set(block.subarray((r - r0) * q, (r - r0 + 1) * q), shift);
      if (visit(r, x) === true) return;
    }
  }
}
