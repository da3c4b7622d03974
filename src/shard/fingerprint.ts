// An order-independent fingerprint of a set of rows, so that a fit that reads its rows several
// times (a stream, once per pass; shard statistics, once per evaluation) can tell when it was not
// given the same rows each time.
//
// Each row is hashed from the exact bits of its values (the design row without the intercept,
// then the response and offset as the kernels see them), and the row hashes are summed modulo
// 2^32. Integer addition is exact, associative and commutative, so the sum is the same for the
// same rows in any order and in any split into batches or shards, whatever the floating-point
// summation order of the statistics; any change of a row's content changes its hash, and so the
// sum, unless the two hashes collide. Two independent 32-bit lanes (different seeds) make an
// accidental collision a 2⁻⁶⁴ event. (It is a checksum against mistakes, not a cryptographic
// hash: data built on purpose to collide can pass.)
import type { RowSource } from '../input/design.js';

/** Two 32-bit lanes, each a sum of row hashes modulo 2^32 (unsigned integers). */
export type RowFingerprint = readonly [number, number];

/** Seeds of the two lanes: arbitrary distinct odd constants (the fractional digits of √2 and √3). */
const SEED_A = 0x6a09e667;
const SEED_B = 0xbb67ae85;

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

/** Per-row values hashed after the design row: row i holds values[i·width … (i + 1)·width). */
export interface RowValues {
  values: ArrayLike<number>;
  width: number;
}

/** Rows hashed per block: bounds the block buffer (ROW_BLOCK × p doubles) for any n. */
const ROW_BLOCK = 1024;

// Mixing one 32-bit word k into a lane's state h: h ← h·M + k (mod 2^32), M odd, a polynomial
// hash of the row's words. For fixed h, different k give different states, and h ↦ h·M + k is a
// bijection (M is odd), as is the finalizer: so changing any one value of a row always changes
// that row's hash, and so the sum. The lanes use different multipliers and read each value's two
// words in opposite order. The finalizer spreads every bit over the whole hash, so the hashes of
// different rows behave as independent random numbers in the sum.
/** MurmurHash3's finalizer: every input bit affects every output bit. */
function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The 32-bit words of a Float64Array's values (a view, no copy), or of a copy as doubles. */
function wordsOf(values: ArrayLike<number>): Uint32Array {
  const doubles = values instanceof Float64Array ? values : Float64Array.from(values);
  return new Uint32Array(doubles.buffer, doubles.byteOffset, doubles.length * 2);
}

/** −0 has the bits of 0 here (hi word 0x80000000, lo word 0): the same number to a fit. */
const NEGATIVE_ZERO_HI = 0x80000000;

/**
 * The fingerprint of the rows of `source` with their per-row values (response, weights, offset):
 * Σᵢ hash(row i) mod 2^32 in each lane. −0 is hashed as 0 (they are the same number to a fit).
 * Cost: one read of X in blocks of ROW_BLOCK rows, a few integer operations per 32-bit word
 * (about 10 ms per million values on the 2-core benchmark machine).
 *
 * @example
 * const source = toRowSource([[1, 2], [3, 4]], 'example');
 * const swapped = toRowSource([[3, 4], [1, 2]], 'example');
 * fingerprintRows(source, [{ values: [0, 1], width: 1 }])
 * // equals fingerprintRows(swapped, [{ values: [1, 0], width: 1 }]): the same rows in another order
 */
export function fingerprintRows(source: RowSource, extras: readonly RowValues[]): RowFingerprint {
  const n = source.nRows;
  const q = source.nFeatures;
  let length = q;
  for (const e of extras) length += e.width;
  const block = new Float64Array(Math.max(1, Math.min(ROW_BLOCK, n) * q));
  const blockWords = new Uint32Array(block.buffer);
  const extraWords = extras.map((e) => wordsOf(e.values));
  let sumA = 0;
  let sumB = 0;
  for (let r0 = 0; r0 < n; r0 += ROW_BLOCK) {
    const r1 = Math.min(n, r0 + ROW_BLOCK);
    if (q > 0) source.fillRows(r0, r1, block);
    for (let r = r0; r < r1; r++) {
      let a = SEED_A;
      let b = SEED_B;
      for (let w = 2 * (r - r0) * q, end = w + 2 * q; w < end; w += 2) {
        const lo = blockWords[w]!;
        let hi = blockWords[w + 1]!;
        if (hi === NEGATIVE_ZERO_HI && lo === 0) hi = 0;
        a = (Math.imul(a, 0xcc9e2d51) + lo) | 0;
        a = (Math.imul(a, 0xcc9e2d51) + hi) | 0;
        b = (Math.imul(b, 0x9e3779b1) + hi) | 0;
        b = (Math.imul(b, 0x9e3779b1) + lo) | 0;
      }
      for (let e = 0; e < extras.length; e++) {
        const words = extraWords[e]!;
        const width = extras[e]!.width;
        for (let w = 2 * r * width, end = w + 2 * width; w < end; w += 2) {
          const lo = words[w]!;
          let hi = words[w + 1]!;
          if (hi === NEGATIVE_ZERO_HI && lo === 0) hi = 0;
          a = (Math.imul(a, 0xcc9e2d51) + lo) | 0;
          a = (Math.imul(a, 0xcc9e2d51) + hi) | 0;
          b = (Math.imul(b, 0x9e3779b1) + hi) | 0;
          b = (Math.imul(b, 0x9e3779b1) + lo) | 0;
        }
      }
      sumA = (sumA + finish(a, length)) >>> 0;
      sumB = (sumB + finish(b ^ 0x5bd1e995, length)) >>> 0;
    }
  }
  return [sumA, sumB];
}

/** A fingerprint as 16 hex digits, for messages. * @example
 * formatFingerprint([1, 255]) // => '00000001000000ff'
 */
export function formatFingerprint(f: RowFingerprint): string {
  return f.map((v) => v.toString(16).padStart(8, '0')).join('');
}
