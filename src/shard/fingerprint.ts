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
import { forEachDesignRow, type RowSource } from '../input/design.js';

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

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** MurmurHash3's 32-bit block mix of one word into h. */
function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

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

/**
 * The fingerprint of the rows of `source` with their per-row values (response, weights, offset):
 * Σᵢ hash(row i) mod 2^32 in each lane. −0 is hashed as 0 (they are the same number to a fit).
 * Cost: one read of X in blocks (as `forEachDesignRow`), about 10 integer operations per value.
 *
 * @example
 * const source = toRowSource([[1, 2], [3, 4]], 'example');
 * const swapped = toRowSource([[3, 4], [1, 2]], 'example');
 * fingerprintRows(source, [{ values: [0, 1], width: 1 }])
 * // equals fingerprintRows(swapped, [{ values: [1, 0], width: 1 }]): the same rows in another order
 */
export function fingerprintRows(source: RowSource, extras: readonly RowValues[]): RowFingerprint {
  let sumA = 0;
  let sumB = 0;
  let length = source.nFeatures;
  for (const e of extras) length += e.width;
  forEachDesignRow(source, false, (i, x) => {
    let a = SEED_A;
    let b = SEED_B;
    for (let j = 0; j < x.length; j++) {
      bits[0] = x[j]! + 0;
      a = mix(a, words[0]!);
      a = mix(a, words[1]!);
      b = mix(b, words[1]!);
      b = mix(b, words[0]!);
    }
    for (const e of extras) {
      for (let k = i * e.width; k < (i + 1) * e.width; k++) {
        bits[0] = e.values[k]! + 0;
        a = mix(a, words[0]!);
        a = mix(a, words[1]!);
        b = mix(b, words[1]!);
        b = mix(b, words[0]!);
      }
    }
    sumA = (sumA + finish(a, length)) >>> 0;
    sumB = (sumB + finish(b, length)) >>> 0;
  });
  return [sumA, sumB];
}

/** A fingerprint as 16 hex digits, for messages. */
export function formatFingerprint(f: RowFingerprint): string {
  return f.map((v) => v.toString(16).padStart(8, '0')).join('');
}
