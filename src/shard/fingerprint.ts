// An order-independent fingerprint of a set of rows, so that a fit that reads its rows several
// times (a stream, once per pass; shard statistics, once per evaluation) can tell when it was not
// given the same rows each time.
//
// Each row is hashed from the exact bits of its values (the design row without the intercept,
// then the response and offset as the kernels see them), and the row hashes are summed modulo
// 2^32. The row hash (assembly/fingerprint.ts computes it, test/helpers/fingerprintReference.ts
// is its scalar definition): the row's doubles as 32-bit words (low, high; −0 as 0), each word
// through a mix (lowbias32, a non-linear bijection of 32-bit words), a polynomial hash
// h ← h·M + mix(word) in each of two lanes (M odd, different seeds and multipliers), then
// MurmurHash3's finalizer with the row's length. Integer addition is exact, associative and
// commutative, so the sum is the same for the same rows in any order and in any split into
// batches or shards, whatever the floating-point summation order of the statistics.
//
// What it detects: a change of one 32-bit word of a row changes its mixed word (the mix is a
// bijection) and so that row's polynomial (h ↦ h·M + k is a bijection for odd M) and its hash.
// Changes of several words collide only by chance, about 2⁻⁶⁴ over the two lanes: the
// polynomial is linear in the mixed words, but the mix makes the difference a change of bits
// makes to a mixed word depend on all the word's bits. Without it (the polynomial on the raw
// words) the top bit of an even number of words in one row cancelled, 2^31·(odd + odd) ≡ 0:
// negating two values of a row passed. A mix whose difference for a given bit is fixed up to its
// sign, as MurmurHash3's k-mix (k·c1, rotl 15, k·c2) is for the top bit, would still cancel for
// some sets of words: negating values 16 doubles apart in one row passes about 1 time in 7.
// (It is a checksum against mistakes, not a cryptographic hash: data built on purpose to collide
// pass.)
import type { RowSource } from '../input/design.js';
import type { SoftlogitRuntime } from '../wasm/module.js';

/** Two 32-bit lanes, each a sum of row hashes modulo 2^32 (unsigned integers). */
export type RowFingerprint = readonly [number, number];

/** The fingerprint of no rows: the identity of {@link addFingerprints}. */
export const EMPTY_FINGERPRINT: RowFingerprint = [0, 0];

/**
 * Sum of two fingerprints (the fingerprint of the union of their rows).
 * @example
 * addFingerprints([1, 2], [0xffffffff, 3]) // => [0, 5]
 */
export function addFingerprints(a: RowFingerprint, b: RowFingerprint): RowFingerprint {
  return [(a[0] + b[0]) >>> 0, (a[1] + b[1]) >>> 0];
}

/**
 * Whether `value` is a fingerprint: two unsigned 32-bit integers (an array or typed array, as
 * plain data from JSON or a structured clone gives it).
 * @example
 * isFingerprint([0, 4294967295]) // => true
 * isFingerprint([0, -1]) // => false
 */
export function isFingerprint(value: unknown): value is RowFingerprint {
  if (value === null || typeof value !== 'object' || (value as ArrayLike<unknown>).length !== 2) return false;
  const lanes = value as ArrayLike<unknown>;
  return [lanes[0], lanes[1]].every((v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 32);
}

/** Per-row values hashed after the design row: row i holds values[i·width … (i + 1)·width). */
export interface RowValues {
  values: ArrayLike<number>;
  width: number;
}

/** Rows of the extras copied into WebAssembly memory at a time (bounds that window: 8·width bytes a row). */
const EXTRA_WINDOW_ROWS = 4096;
/** Rows `fingerprintRows` reads per block (bounds its staging block: ROW_BLOCK × p doubles). */
const ROW_BLOCK = 1024;

/**
 * Hashes rows as they pass through WebAssembly memory (a fit's staging blocks, see
 * DesignBuffer.copy), so that X is read once for the copy and the fingerprint. Each block of rows
 * r0 … r1 − 1 is hashed with the rows r0 … r1 − 1 of the extras, which the hasher copies into
 * WebAssembly memory a window of EXTRA_WINDOW_ROWS rows at a time. Blocks may come in any
 * order and sizes; each row must come once. Free it with `free()`.
 *
 * @example
 * const hasher = new RowHasher(runtime, source.nFeatures, source.nRows, extras, 'accumulate');
 * try {
 *   const design = DesignBuffer.copy(runtime, source, true, 'accumulate', undefined, hasher.hashBlock);
 *   hasher.result() // the same as fingerprintRows(runtime, source, extras, 'accumulate')
 * } finally { hasher.free(); }
 */
export class RowHasher {
  private readonly runtime: SoftlogitRuntime;
  private readonly nCols: number;
  private readonly nRows: number;
  private readonly length: number;
  private readonly values: Float64Array[];
  private readonly widths: number[];
  private readonly address: number;
  private readonly work: number;
  private readonly sums: number;
  private readonly table: number;
  /** Address of each extra's window: EXTRA_WINDOW_ROWS × width doubles. */
  private readonly windows: number[];
  private windowStart = 0;
  private windowEnd = 0;
  private tableView: Uint32Array;

  /**
   * @param nCols doubles per row of the blocks to hash
   * @param extras per-row values hashed after each block row, nRows × width each
   * @throws {SoftlogitError} `TOO_LARGE` when WebAssembly memory cannot grow for its buffers.
   */
  constructor(runtime: SoftlogitRuntime, nCols: number, nRows: number, extras: readonly RowValues[], caller: string) {
    this.runtime = runtime;
    this.nCols = nCols;
    this.nRows = nRows;
    this.values = extras.map((e) => (e.values instanceof Float64Array ? e.values : Float64Array.from(e.values)));
    this.widths = extras.map((e) => e.width);
    this.length = nCols + this.widths.reduce((s, w) => s + w, 0);
    const { kernels, heap } = runtime;
    const round16 = (bytes: number) => Math.ceil(bytes / 16) * 16;
    const workBytes = round16(kernels.fingerprintWorkBytes(this.length));
    const tableBytes = round16(8 * extras.length);
    const windowRows = Math.min(EXTRA_WINDOW_ROWS, nRows);
    const windowBytes = this.widths.map((w) => round16(8 * w * windowRows));
    this.address = heap.alloc(workBytes + 16 + tableBytes + windowBytes.reduce((s, b) => s + b, 0), caller);
    this.work = this.address;
    this.sums = this.work + workBytes;
    this.table = this.sums + 16;
    this.windows = [];
    let next = this.table + tableBytes;
    for (const bytes of windowBytes) {
      this.windows.push(next);
      next += bytes;
    }
    kernels.fingerprintPrepare(this.length, this.work);
    this.tableView = this.view();
    new Uint32Array(this.tableView.buffer, this.sums, 2).fill(0);
  }

  /** Hashes rows r0 … r1 − 1, in WebAssembly memory at `rowMajor` (row-major, nCols doubles a row). */
  readonly hashBlock = (rowMajor: number, r0: number, r1: number): void => {
    const { kernels } = this.runtime;
    const nExtras = this.values.length;
    for (let c0 = r0; c0 < r1; ) {
      let c1 = r1;
      if (nExtras > 0) {
        if (c0 < this.windowStart || c0 >= this.windowEnd) this.loadWindow(c0);
        c1 = Math.min(r1, this.windowEnd);
        if (this.tableView.length === 0) this.tableView = this.view();
        const table = this.tableView;
        for (let e = 0; e < nExtras; e++) {
          const width = this.widths[e]!;
          table[2 * e] = this.windows[e]! + (c0 - this.windowStart) * width * 8;
          table[2 * e + 1] = width;
        }
      }
      kernels.fingerprintRows(rowMajor + (c0 - r0) * this.nCols * 8, c1 - c0, this.nCols, this.table, nExtras, this.length, this.work, this.sums);
      c0 = c1;
    }
  };

  /** The fingerprint of the rows hashed so far. */
  result(): RowFingerprint {
    const sums = new Uint32Array(this.runtime.heap.f64(this.sums, 1).buffer, this.sums, 2);
    return [sums[0]!, sums[1]!];
  }

  /** Releases the hasher's WebAssembly memory. */
  free(): void {
    this.runtime.heap.free(this.address);
  }

  /** The extra table as u32 words (a fresh view: memory growth detaches the old one). */
  private view(): Uint32Array {
    return new Uint32Array(this.runtime.heap.f64(this.table, 0).buffer, this.table, 2 * this.values.length);
  }

  /** Copies the extras of rows start … start + EXTRA_WINDOW_ROWS − 1 into their windows. */
  private loadWindow(start: number): void {
    const end = Math.min(this.nRows, start + EXTRA_WINDOW_ROWS);
    for (let e = 0; e < this.values.length; e++) {
      const width = this.widths[e]!;
      this.runtime.heap.f64(this.windows[e]!, (end - start) * width).set(this.values[e]!.subarray(start * width, end * width));
    }
    this.windowStart = start;
    this.windowEnd = end;
  }
}

/**
 * The fingerprint of the rows of `source` with their per-row values (response, weights, offset):
 * Σᵢ hash(row i) mod 2^32 in each lane. −0 is hashed as 0 (they are the same number to a fit).
 * Reads X once, in blocks of ROW_BLOCK rows, into WebAssembly memory; where X is copied into
 * WebAssembly memory anyway, hash its staging blocks with a {@link RowHasher} instead.
 * Cost: O(n · (p + Σ widths)), per two values (an i32x4 of their four words): the mix (two i32x4
 * multiplies) and one i32x4 multiply per lane.
 * @throws {SoftlogitError} `TOO_LARGE` when WebAssembly memory cannot grow for the block.
 *
 * @example
 * const source = toRowSource([[1, 2], [3, 4]], 'example');
 * const swapped = toRowSource([[3, 4], [1, 2]], 'example');
 * fingerprintRows(runtime, source, [{ values: [0, 1], width: 1 }], 'example')
 * // equals fingerprintRows(runtime, swapped, [{ values: [1, 0], width: 1 }], 'example'): the same rows in another order
 */
export function fingerprintRows(runtime: SoftlogitRuntime, source: RowSource, extras: readonly RowValues[], caller: string): RowFingerprint {
  const n = source.nRows;
  const q = source.nFeatures;
  const blockLength = Math.max(1, Math.min(ROW_BLOCK, n) * q);
  const hasher = new RowHasher(runtime, q, n, extras, caller);
  let block = 0;
  try {
    block = runtime.heap.alloc(blockLength * 8, caller);
    for (let r0 = 0; r0 < n; r0 += ROW_BLOCK) {
      const r1 = Math.min(n, r0 + ROW_BLOCK);
      if (q > 0) source.fillRows(r0, r1, runtime.heap.f64(block, blockLength));
      hasher.hashBlock(block, r0, r1);
    }
    return hasher.result();
  } finally {
    if (block !== 0) runtime.heap.free(block);
    hasher.free();
  }
}

/** A fingerprint as 16 hex digits, for messages.
 * @example
 * formatFingerprint([1, 255]) // => '00000001000000ff'
 */
export function formatFingerprint(f: RowFingerprint): string {
  return f.map((v) => v.toString(16).padStart(8, '0')).join('');
}
