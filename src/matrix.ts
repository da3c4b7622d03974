import { SoftlogitError } from './errors.js';
import { describeValue } from './input/optionKeys.js';

/**
 * The most entries a Matrix holds: 2^29 doubles, 4 GiB, as much as WebAssembly memory holds, so
 * no fit could use a larger one; it also keeps a typo like `new Matrix(1e9, 1e9)` from trying
 * to allocate.
 */
export const MAX_MATRIX_ENTRIES = 2 ** 29;

/**
 * A dense matrix of doubles stored row-major: element (i, j) is `data[i * cols + j]`.
 *
 * Used for softmax coefficients (rows = features, columns = classes), covariances and any matrix
 * input. Accepted wherever the API takes a matrix, alongside `number[][]`.
 *
 * @example
 * const m = new Matrix(2, 2, Float64Array.of(1, 2, 3, 4));
 * m.get(1, 0) // => 3
 * m.toArray() // => [[1, 2], [3, 4]]
 */
export class Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values, length rows * cols. */
  readonly data: Float64Array;

  /**
   * A rows x cols matrix over `data` (row-major, length rows * cols; kept, not copied), or zeros.
   * @throws {SoftlogitError} `BAD_SHAPE` for sizes that are not non-negative integers, data that is
   *   not a Float64Array of rows * cols; `TOO_LARGE` beyond MAX_MATRIX_ENTRIES entries.
   */
  constructor(rows: number, cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new SoftlogitError('BAD_SHAPE', `Matrix: expected non-negative integer rows and cols, got ${describeValue(rows)} x ${describeValue(cols)}`);
    }
    if (rows * cols > MAX_MATRIX_ENTRIES) {
      throw new SoftlogitError(
        'TOO_LARGE',
        `Matrix: ${rows} x ${cols} = ${rows * cols} entries is more than the ${MAX_MATRIX_ENTRIES} (4 GiB of doubles) a Matrix can hold`,
        { rows, cols },
      );
    }
    if (data !== undefined && !(data instanceof Float64Array)) {
      throw new SoftlogitError('BAD_SHAPE', `Matrix: expected data as a Float64Array (use Matrix.fromArray for rows), got ${describeValue(data)}`);
    }
    if (data !== undefined && data.length !== rows * cols) {
      throw new SoftlogitError(
        'BAD_SHAPE',
        `Matrix: expected data of length ${rows} * ${cols} = ${rows * cols}, got ${data.length}`,
      );
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  /**
   * Builds a matrix from rows (`number[][]`); every row must have the same length.
   * @example Matrix.fromArray([[1, 2], [3, 4]]).get(0, 1) // => 2
   * @throws {SoftlogitError} `RAGGED_ROWS` when rows differ in length; `BAD_SHAPE` when `rows` or
   *   a row is not an array; `NON_FINITE` for an entry that is not a number (null, a string: they
   *   are not read as 0 or coerced, as no design input is). NaN and ±Infinity are numbers and kept.
   */
  static fromArray(rows: ArrayLike<ArrayLike<number>>): Matrix {
    const fn = 'Matrix.fromArray';
    if (rows === null || typeof rows !== 'object' || typeof rows.length !== 'number') {
      throw new SoftlogitError('BAD_SHAPE', `${fn}: expected rows (an array of arrays of numbers), got ${describeValue(rows)}`);
    }
    const nRows = rows.length;
    const rowAt = (i: number): ArrayLike<unknown> => {
      const row: unknown = rows[i];
      if (row === null || typeof row !== 'object' || typeof (row as ArrayLike<unknown>).length !== 'number') {
        throw new SoftlogitError('BAD_SHAPE', `${fn}: expected row ${i} to be an array of numbers, got ${describeValue(row)}`, { row: i });
      }
      return row as ArrayLike<unknown>;
    };
    const nCols = nRows > 0 ? rowAt(0).length : 0;
    const out = new Matrix(nRows, nCols);
    for (let i = 0; i < nRows; i++) {
      const row = rowAt(i);
      if (row.length !== nCols) {
        throw new SoftlogitError('RAGGED_ROWS', `${fn}: row ${i} has ${row.length} entries, expected ${nCols}`, { row: i });
      }
      for (let j = 0; j < nCols; j++) {
        const v = row[j];
        if (typeof v !== 'number') {
          throw new SoftlogitError('NON_FINITE', `${fn}: expected numbers, got ${describeValue(v)} at row ${i}, column ${j}`, { row: i, column: j });
        }
        out.data[i * nCols + j] = v;
      }
    }
    return out;
  }

  /** Accepts a Matrix (returned as is) or rows (`number[][]`). */
  static from(value: Matrix | ArrayLike<ArrayLike<number>>): Matrix {
    // fromArray checks everything else.
    return value instanceof Matrix ? value : Matrix.fromArray(value);
  }

  /** Element (i, j). */
  get(i: number, j: number): number {
    this.#checkIndex(i, this.rows, 'get', 'row');
    this.#checkIndex(j, this.cols, 'get', 'column');
    return this.data[i * this.cols + j]!;
  }

  /** Row i as a new Float64Array. */
  row(i: number): Float64Array {
    this.#checkIndex(i, this.rows, 'row', 'row');
    return this.data.slice(i * this.cols, (i + 1) * this.cols);
  }

  /** Column j as a new Float64Array. */
  col(j: number): Float64Array {
    this.#checkIndex(j, this.cols, 'col', 'column');
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.data[i * this.cols + j]!;
    return out;
  }

  /** The transpose, as a new matrix. */
  transpose(): Matrix {
    const out = new Matrix(this.cols, this.rows);
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++) out.data[j * this.rows + i] = this.data[i * this.cols + j]!;
    }
    return out;
  }

  /** Rows as plain arrays. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  /** @throws {SoftlogitError} `BAD_SHAPE` unless `index` is an integer in [0, size). */
  #checkIndex(index: unknown, size: number, method: string, what: string): void {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= size) {
      throw new SoftlogitError('BAD_SHAPE', `Matrix.${method}: expected a ${what} index in [0, ${size - 1}], got ${describeValue(index)}`);
    }
  }

  /** JSON form: `{ rows, cols, data: number[] }`. */
  toJSON(): { rows: number; cols: number; data: number[] } {
    return { rows: this.rows, cols: this.cols, data: Array.from(this.data) };
  }
}

/**
 * Cholesky factor A = L Lᵀ of a symmetric n × n matrix, in place: reads the lower triangle of `a`
 * (row-major) and overwrites it with L; the strict upper triangle is left as it was. Stops at the
 * first column j whose pivot A_jj − Σ_{k<j} L_jk² is not above `relativeFloor` · A_jj (not
 * positive, with the default 0; NaN fails too) and returns j, or returns −1 when every pivot
 * passed. For the small p × p systems solved outside the kernels (the kernels have their own, in
 * assembly/linalg.ts). O(n³ / 3).
 * @example
 * const a = Float64Array.of(4, 0, 2, 5);
 * choleskyInPlace(a, 2) // => -1 (a is now 2, 0, 1, 2: L = [[2, 0], [1, 2]])
 */
export function choleskyInPlace(a: Float64Array, n: number, relativeFloor = 0): number {
  for (let j = 0; j < n; j++) {
    let pivot = a[j * n + j]!;
    for (let k = 0; k < j; k++) pivot -= a[j * n + k]! ** 2;
    if (!(pivot > (relativeFloor > 0 ? relativeFloor * a[j * n + j]! : 0))) return j;
    const root = Math.sqrt(pivot);
    a[j * n + j] = root;
    for (let i = j + 1; i < n; i++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = sum / root;
    }
  }
  return -1;
}

/**
 * Solves L z = b in place in `b` (forward substitution), L the lower triangle of `l` (n × n
 * row-major) as {@link choleskyInPlace} leaves it. O(n²).
 * @example
 * const b = Float64Array.of(2, 5);
 * solveLowerInPlace(Float64Array.of(2, 0, 1, 2), 2, b) // b => 1, 2
 */
export function solveLowerInPlace(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * n + k]! * b[k]!;
    b[i] = sum / l[i * n + i]!;
  }
}

/**
 * Solves Lᵀ x = b in place in `b` (back substitution), L as in {@link solveLowerInPlace}; after
 * it, A x = b is solved. O(n²).
 * @example
 * const b = Float64Array.of(1, 2);
 * solveLowerTransposedInPlace(Float64Array.of(2, 0, 1, 2), 2, b) // b => 0, 1
 */
export function solveLowerTransposedInPlace(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let sum = b[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * b[k]!;
    b[i] = sum / l[i * n + i]!;
  }
}
