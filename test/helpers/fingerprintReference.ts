// The row fingerprint (src/shard/fingerprint.ts) in plain scalar TypeScript, word after word as
// its definition reads: the WebAssembly kernels (assembly/fingerprint.ts, which use the
// equivalent sum-of-powers form four words at a time) are checked against it bit for bit. It is
// the function the library computed in JavaScript before the kernels, with each word now mixed
// (lowbias32) before the polynomial step.
import type { RowSource } from '../../src/input/design.js';
import type { RowFingerprint, RowValues } from '../../src/shard/fingerprint.js';

const SEED_A = 0x6a09e667;
const SEED_B = 0xbb67ae85;
const MULTIPLIER_A = 0xcc9e2d51;
const MULTIPLIER_B = 0x9e3779b1;
const LANE_B_TWEAK = 0x5bd1e995;
const NEGATIVE_ZERO_HI = 0x80000000;

/** MurmurHash3's finalizer (fmix32) of h ^ length. */
function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** lowbias32 (Chris Wellons, github.com/skeeto/hash-prospector): each word's mix before the polynomial step. */
function mixWord(k: number): number {
  k ^= k >>> 16;
  k = Math.imul(k, 0x7feb352d);
  k ^= k >>> 15;
  k = Math.imul(k, 0x846ca68b);
  k ^= k >>> 16;
  return k;
}

function wordsOf(values: ArrayLike<number>): Uint32Array {
  const doubles = values instanceof Float64Array ? values : Float64Array.from(values);
  return new Uint32Array(doubles.buffer, doubles.byteOffset, doubles.length * 2);
}

/**
 * Σᵢ hash(row i) mod 2^32 in each lane; row i = the source's row then each extra's `width`
 * values of row i; with lo, hi each double's words passed through mixWord (−0 read as 0 first),
 * lane A: h ← h·M_A + lo, h ← h·M_A + hi per double from SEED_A, lane B:
 * h ← h·M_B + hi, h ← h·M_B + lo from SEED_B; then finish(h_A, length),
 * finish(h_B ^ LANE_B_TWEAK, length) with length the row's number of doubles.
 */
export function fingerprintRowsReference(source: RowSource, extras: readonly RowValues[]): RowFingerprint {
  const n = source.nRows;
  const q = source.nFeatures;
  let length = q;
  for (const e of extras) length += e.width;
  const block = new Float64Array(Math.max(1, n * q));
  if (q > 0 && n > 0) source.fillRows(0, n, block);
  const blockWords = new Uint32Array(block.buffer);
  const extraWords = extras.map((e) => wordsOf(e.values));
  let sumA = 0;
  let sumB = 0;
  for (let r = 0; r < n; r++) {
    let a = SEED_A;
    let b = SEED_B;
    const mix = (lo: number, hi: number) => {
      if (hi === NEGATIVE_ZERO_HI && lo === 0) hi = 0;
      lo = mixWord(lo);
      hi = mixWord(hi);
      a = (Math.imul(a, MULTIPLIER_A) + lo) | 0;
      a = (Math.imul(a, MULTIPLIER_A) + hi) | 0;
      b = (Math.imul(b, MULTIPLIER_B) + hi) | 0;
      b = (Math.imul(b, MULTIPLIER_B) + lo) | 0;
    };
    for (let w = 2 * r * q, end = w + 2 * q; w < end; w += 2) mix(blockWords[w]!, blockWords[w + 1]!);
    for (let e = 0; e < extras.length; e++) {
      const words = extraWords[e]!;
      const width = extras[e]!.width;
      for (let w = 2 * r * width, end = w + 2 * width; w < end; w += 2) mix(words[w]!, words[w + 1]!);
    }
    sumA = (sumA + finish(a, length)) >>> 0;
    sumB = (sumB + finish(b ^ LANE_B_TWEAK, length)) >>> 0;
  }
  return [sumA, sumB];
}
