// The offset of a softmax model: a known term added to each class's linear predictor, per row and
// class or per class. Checked here, expanded to n x K and reduced to the reference-class form the
// kernel reads.
import { SoftlogitError } from '../errors.js';
import { Matrix } from '../matrix.js';
import { checkOptionKeys, describeValue } from './optionKeys.js';

/**
 * A softmax offset, in one of three forms:
 * - per row and class: n rows of K numbers (classes in the fit's `classes` order), or an n x K Matrix;
 * - per class: `{ perClass: [o_1, …, o_K] }`, the same K numbers for every row, or a plain vector
 *   of K numbers when n ≠ K (with n = K a plain vector is ambiguous and refused);
 * - shared by all classes (a plain vector of n numbers): refused, it cancels in the softmax.
 */
export type ClassOffset = readonly (readonly number[] | ArrayLike<number>)[] | Matrix | ArrayLike<number> | { readonly perClass: ArrayLike<number> };

/**
 * Checks a softmax offset and returns it n × K row-major (n·K). The forms (see {@link ClassOffset}):
 * n rows of K numbers or an n x K Matrix; `{ perClass }` (K numbers, repeated for every row); a
 * plain vector of K numbers when n ≠ K, read as per class. A plain vector of n numbers (one
 * offset per row shared by all classes) is refused: it adds the same value to every class's η in
 * a row, and softmax is unchanged by that (p_k = e^{η_k + o} / Σ_l e^{η_l + o}), so it would do
 * nothing. With n = K a plain vector could be either, so it is refused too, naming both forms.
 * @throws {SoftlogitError} `BAD_OPTION` for a vector shared by all classes, an ambiguous vector or
 *   another shape; `LENGTH_MISMATCH`; `NON_FINITE`.
 * @example
 * classOffset([[0, 1], [0, 2]], 2, 2, 'fitSoftmax') // => Float64Array [0, 1, 0, 2]
 * classOffset({ perClass: [0, 1] }, 2, 2, 'fitSoftmax') // => Float64Array [0, 1, 0, 1]
 * classOffset([0, 1, 2], 2, 3, 'fitSoftmax') // => Float64Array [0, 1, 2, 0, 1, 2] (n ≠ K: per class)
 */
export function classOffset(value: unknown, nRows: number, nClasses: number, caller: string): Float64Array {
  const out = new Float64Array(nRows * nClasses);
  if (value instanceof Matrix || isMatrixLike(value)) {
    if (value.rows !== nRows || value.cols !== nClasses) {
      throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: offset should be ${nRows} x ${nClasses} (rows x classes), got a ${value.rows} x ${value.cols} Matrix`);
    }
    out.set(value.data);
  } else if (isPerClass(value)) {
    checkOptionKeys(value, `${caller}: offset`, ['perClass']);
    const perClass = value.perClass as unknown;
    if (perClass === null || typeof perClass !== 'object' || typeof (perClass as ArrayLike<unknown>).length !== 'number') {
      throw new SoftlogitError('BAD_OPTION', `${caller}: offset.perClass should be ${nClasses} numbers (one per class), got ${describeValue(perClass)}`);
    }
    repeatPerClass(perClass as ArrayLike<unknown>, out, nRows, nClasses, caller, 'offset.perClass');
  } else {
    if (value === null || typeof value !== 'object' || typeof (value as ArrayLike<unknown>).length !== 'number') {
      throw new SoftlogitError('BAD_OPTION', `${caller}: offset should be ${nRows} rows of ${nClasses} numbers (one per class), { perClass: [${nClasses} numbers] }, or an n x K Matrix, got ${describeValue(value)}`);
    }
    const rows = value as ArrayLike<unknown>;
    if (rows.length > 0 && typeof rows[0] === 'number') {
      plainVector(rows, out, nRows, nClasses, caller);
    } else {
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
  }
  for (let i = 0; i < out.length; i++) {
    if (typeof out[i] !== 'number' || !Number.isFinite(out[i]!)) {
      const row = Math.floor(i / nClasses);
      throw new SoftlogitError('NON_FINITE', `${caller}: offset must be finite numbers, got ${describeValue(out[i])} at row ${row}`, { row });
    }
  }
  return out;
}

/** `{ perClass }`: an object with that key (classOffset refuses any other key beside it). */
function isPerClass(value: unknown): value is { perClass: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'perClass' in value;
}

/**
 * A plain vector of numbers: K of them (n ≠ K) are per-class offsets; n of them would be shared
 * by all classes (refused, it cancels); with n = K it cannot be told which (refused).
 */
function plainVector(values: ArrayLike<unknown>, out: Float64Array, nRows: number, nClasses: number, caller: string): void {
  const rowAndClass = `pass one row of ${nClasses} numbers per row of X (an n x K array or Matrix) for offsets that differ by row and class`;
  if (values.length === nClasses && nRows !== nClasses) {
    repeatPerClass(values, out, nRows, nClasses, caller, 'offset');
    return;
  }
  if (values.length === nClasses) {
    throw new SoftlogitError(
      'BAD_OPTION',
      `${caller}: offset is a vector of ${nClasses} numbers and X has ${nRows} rows, the number of classes, so it could be one offset per class or ` +
        `one per row; say which: { perClass: [...] } for one per class, or ${rowAndClass} (one per row shared by all classes cancels in the softmax)`,
    );
  }
  if (values.length === nRows) {
    throw new SoftlogitError(
      'BAD_OPTION',
      `${caller}: offset is a vector of ${nRows} numbers, one per row shared by all classes; that adds the same value to every class's linear predictor ` +
        `in a row and cancels from the softmax probabilities, so it would change nothing. ${rowAndClass[0]!.toUpperCase()}${rowAndClass.slice(1)}, ` +
        `or ${nClasses} numbers ({ perClass: [...] }) for one offset per class`,
    );
  }
  throw new SoftlogitError(
    'LENGTH_MISMATCH',
    `${caller}: offset is a vector of ${values.length} numbers; it should be ${nClasses} numbers (one per class), or ${nRows} rows of ${nClasses} numbers (one per row and class)`,
  );
}

/** Repeats K per-class offsets for every row of `out` (n × K row-major). */
function repeatPerClass(values: ArrayLike<unknown>, out: Float64Array, nRows: number, nClasses: number, caller: string, what: string): void {
  if (values.length !== nClasses) {
    throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: ${what} should have ${nClasses} numbers (one per class), got ${values.length}`);
  }
  for (let i = 0; i < nRows; i++) for (let k = 0; k < nClasses; k++) out[i * nClasses + k] = values[k] as number;
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
