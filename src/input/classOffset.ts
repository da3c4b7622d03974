// The offset of a softmax model: a known term added to each class's linear predictor, one per row
// and class. Checked here and reduced to the reference-class form the kernel reads.
import { SoftlogitError } from '../errors.js';
import { Matrix } from '../matrix.js';
import { describeValue } from './optionKeys.js';

/** An n × K offset: rows of K numbers (classes in the fit's `classes` order), or an n x K Matrix. */
export type ClassOffset = readonly (readonly number[] | ArrayLike<number>)[] | Matrix;

/**
 * Checks an n × K softmax offset and returns it row-major (n·K). A plain vector of n numbers
 * (one offset per row shared by all classes) is refused: it adds the same value to every class's
 * η in a row, and softmax is unchanged by that (p_k = e^{η_k + o} / Σ_l e^{η_l + o}), so it
 * would do nothing.
 * @throws {SoftlogitError} `BAD_OPTION` for a vector or another shape; `LENGTH_MISMATCH`; `NON_FINITE`.
 * @example classOffset([[0, 1], [0, 2]], 2, 2, 'fitSoftmax') // => Float64Array [0, 1, 0, 2]
 */
export function classOffset(value: unknown, nRows: number, nClasses: number, caller: string): Float64Array {
  const out = new Float64Array(nRows * nClasses);
  if (value instanceof Matrix || isMatrixLike(value)) {
    if (value.rows !== nRows || value.cols !== nClasses) {
      throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: offset should be ${nRows} x ${nClasses} (rows x classes), got a ${value.rows} x ${value.cols} Matrix`);
    }
    out.set(value.data);
  } else {
    if (value === null || typeof value !== 'object' || typeof (value as ArrayLike<unknown>).length !== 'number') {
      throw new SoftlogitError('BAD_OPTION', `${caller}: offset should be ${nRows} rows of ${nClasses} numbers (one per class), got ${describeValue(value)}`);
    }
    const rows = value as ArrayLike<unknown>;
    if (rows.length > 0 && typeof rows[0] === 'number') {
      throw new SoftlogitError(
        'BAD_OPTION',
        `${caller}: offset should be one row of ${nClasses} numbers per row of X (one per class); an offset shared by all ` +
          'classes cancels in the softmax (it adds the same value to every class) and would change nothing',
      );
    }
    if (rows.length !== nRows) {
      throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: offset should have one row per row of X (${nRows}), got ${rows.length}`);
    }
    for (let i = 0; i < nRows; i++) {
      const row = rows[i] as ArrayLike<unknown> | null;
      if (row === null || typeof row !== 'object' || row.length !== nClasses) {
        throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: offset row ${i} should have ${nClasses} numbers (one per class), got ${describeValue(row)}`, { row: i });
      }
      for (let k = 0; k < nClasses; k++) out[i * nClasses + k] = row[k] as number;
    }
  }
  for (let i = 0; i < out.length; i++) {
    if (typeof out[i] !== 'number' || !Number.isFinite(out[i]!)) {
      const row = Math.floor(i / nClasses);
      throw new SoftlogitError('NON_FINITE', `${caller}: offset must be finite numbers, got ${describeValue(out[i])} at row ${row}`, { row });
    }
  }
  return out;
}

/** A Matrix after a structured clone (as FitWorker posts options): `{ rows, cols, data }`. */
function isMatrixLike(value: unknown): value is Matrix {
  if (value === null || typeof value !== 'object') return false;
  const m = value as { rows?: unknown; cols?: unknown; data?: unknown };
  return typeof m.rows === 'number' && typeof m.cols === 'number' && m.data instanceof Float64Array && m.data.length === m.rows * m.cols;
}

/**
 * The kernel's offset (assembly/softmax.ts): for each free class c = 1 … K − 1 of the internal
 * order (internal 0 = the reference), o_{i,c} − o_{i,ref}, class-major over `nRowsPadded` rows
 * (padding rows 0). Subtracting the reference's offset leaves every probability unchanged.
 */
export function referenceFormOffset(offset: Float64Array, nRows: number, internalOrder: readonly number[], nRowsPadded: number): Float64Array {
  const K = internalOrder.length;
  const ref = internalOrder[0]!;
  const out = new Float64Array((K - 1) * nRowsPadded);
  for (let c = 1; c < K; c++) {
    const k = internalOrder[c]!;
    for (let i = 0; i < nRows; i++) out[(c - 1) * nRowsPadded + i] = offset[i * K + k]! - offset[i * K + ref]!;
  }
  return out;
}
