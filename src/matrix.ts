import { SoftlogitError } from './errors.js';

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

  constructor(rows: number, cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new SoftlogitError('BAD_SHAPE', `Matrix: expected non-negative integer rows and cols, got ${rows} x ${cols}`);
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
   * @throws {SoftlogitError} `RAGGED_ROWS` when rows differ in length.
   */
  static fromArray(rows: ArrayLike<ArrayLike<number>>): Matrix {
    const nRows = rows.length;
    const nCols = nRows > 0 ? rows[0]!.length : 0;
    const out = new Matrix(nRows, nCols);
    for (let i = 0; i < nRows; i++) {
      const row = rows[i]!;
      if (row.length !== nCols) {
        throw new SoftlogitError('RAGGED_ROWS', `Matrix.fromArray: row ${i} has ${row.length} entries, expected ${nCols}`);
      }
      for (let j = 0; j < nCols; j++) out.data[i * nCols + j] = row[j]!;
    }
    return out;
  }

  /** Accepts a Matrix (returned as is) or rows (`number[][]`). */
  static from(value: Matrix | ArrayLike<ArrayLike<number>>): Matrix {
    return value instanceof Matrix ? value : Matrix.fromArray(value);
  }

  /** Element (i, j). */
  get(i: number, j: number): number {
    return this.data[i * this.cols + j]!;
  }

  /** Row i as a new Float64Array. */
  row(i: number): Float64Array {
    return this.data.slice(i * this.cols, (i + 1) * this.cols);
  }

  /** Column j as a new Float64Array. */
  col(j: number): Float64Array {
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

  /** JSON form: `{ rows, cols, data: number[] }`. */
  toJSON(): { rows: number; cols: number; data: number[] } {
    return { rows: this.rows, cols: this.cols, data: Array.from(this.data) };
  }
}
