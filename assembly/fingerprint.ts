// Row hashes for the order-independent fingerprint of a set of rows (src/shard/fingerprint.ts
// defines it; test/helpers/fingerprintReference.ts is its scalar reference, which these kernels
// match bit for bit).
//
// A row is a sequence of W = 2·length 32-bit words (each double's low word, then its high word;
// −0 read as 0): the design row, then the row's extra values. Each word k is first mixed
// (mixWords: lowbias32, a non-linear bijection, so that the differences of the mixed words do
// not cancel in the linear polynomial as the top bits of raw words did: 2^31 + 2^31 ≡ 0). Each
// of two lanes then hashes the mixed words polynomially, h ← h·M + mix(k) (mod 2^32) word after
// word from a seed S, so after W words
//   h = S·M^W + Σᵢ mix(kᵢ)·M^(W−1−i)   (mod 2^32)
// (the recurrence is linear in the ring of integers mod 2^32, in the mixed words). The sum form
// is what is computed here: each mixed word times a precomputed power of M, so the products are
// independent (no chain of multiply latencies, which would cost a multiply's full latency per
// word) and run four words to a SIMD i32x4 multiply, four rows against one load of the powers;
// the mix is done on the same i32x4 of four words, once for both lanes. The powers of lane B
// belong to the words of each double in the order high, low (lane B reads a double's two words
// in the opposite order). The lane's hash is then MurmurHash3's finalizer of h (lane B: of
// h ^ 0x5bd1e995) with the row length mixed in, and the block's row hashes are summed mod 2^32,
// four rows at a time in one i32x4.

/** Multipliers of the two lanes: MurmurHash3's c1 and the 32-bit golden ratio (Knuth). */
const MULTIPLIER_A: u32 = 0xcc9e2d51;
const MULTIPLIER_B: u32 = 0x9e3779b1;
/** Seeds of the two lanes: fractional digits of √2 and √3 (SHA-256's first two words). */
const SEED_A: u32 = 0x6a09e667;
const SEED_B: u32 = 0xbb67ae85;
/** Mixed into lane B's state before its finalizer (MurmurHash2's m), so the lanes differ further. */
const LANE_B_TWEAK: u32 = 0x5bd1e995;

/** Bytes of each lane's power table for rows of `nWords` words: 4 zero words of padding past the end, rounded to 16. */
// @ts-ignore: decorator
@inline
function powerTableBytes(nWords: i32): usize {
  return ((<usize>nWords + 4 + 3) & ~(<usize>3)) << 2;
}

/** Bytes `work` needs for rows of `length` doubles: a 16-byte header and the two lanes' power tables. */
export function fingerprintWorkBytes(length: i32): i32 {
  return 16 + 2 * <i32>powerTableBytes(2 * length);
}

/**
 * Prepares `work` (fingerprintWorkBytes(length) bytes, 16-byte aligned) for rows of `length`
 * doubles: header [S_A·M_A^W, S_B·M_B^W], then lane A's powers M_A^(W−1−i) for word i, then lane
 * B's M_B^(W−1−(i xor 1)), each table followed by zeros.
 */
export function fingerprintPrepare(length: i32, work: usize): void {
  const nWords = 2 * length;
  const tableBytes = powerTableBytes(nWords);
  const powersA = work + 16;
  const powersB = powersA + tableBytes;
  memory.fill(powersA, 0, tableBytes << 1);
  let a: u32 = 1;
  let b: u32 = 1;
  for (let i = nWords - 1; i >= 0; i--) {
    store<u32>(powersA + (<usize>i << 2), a);
    store<u32>(powersB + (<usize>(i ^ 1) << 2), b);
    a *= MULTIPLIER_A;
    b *= MULTIPLIER_B;
  }
  store<u32>(work, SEED_A * a);
  store<u32>(work + 4, SEED_B * b);
  store<u64>(work + 8, 0);
}

/** The four lane sums of each of four vectors: [Σ a0, Σ a1, Σ a2, Σ a3]. */
// @ts-ignore: decorator
@inline
function horizontalSums(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const u = i32x4.add(v128.shuffle<i32>(a0, a1, 0, 1, 4, 5), v128.shuffle<i32>(a0, a1, 2, 3, 6, 7));
  const w = i32x4.add(v128.shuffle<i32>(a2, a3, 0, 1, 4, 5), v128.shuffle<i32>(a2, a3, 2, 3, 6, 7));
  return i32x4.add(v128.shuffle<i32>(u, w, 0, 2, 4, 6), v128.shuffle<i32>(u, w, 1, 3, 5, 7));
}

/**
 * Each word's mix before the polynomial step, in each of four lanes: Chris Wellons's lowbias32
 * (github.com/skeeto/hash-prospector; x ^= x >> 16, x·0x7feb352d, x ^= x >> 15, x·0x846ca68b,
 * x ^= x >> 16), a bijection of the 32-bit words with mix(0) = 0 (so the zero upper lanes of a
 * lone double add nothing). Both lanes share it (their polynomials differ).
 */
// @ts-ignore: decorator
@inline
function mixWords(k: v128): v128 {
  k = v128.xor(k, i32x4.shr_u(k, 16));
  k = i32x4.mul(k, i32x4.splat(0x7feb352d));
  k = v128.xor(k, i32x4.shr_u(k, 15));
  k = i32x4.mul(k, i32x4.splat(0x846ca68b));
  return v128.xor(k, i32x4.shr_u(k, 16));
}

/** MurmurHash3's finalizer (fmix32) of h ^ length, in each of four lanes. */
// @ts-ignore: decorator
@inline
function finish(h: v128, length: i32): v128 {
  h = v128.xor(h, i32x4.splat(length));
  h = v128.xor(h, i32x4.shr_u(h, 16));
  h = i32x4.mul(h, i32x4.splat(0x85ebca6b));
  h = v128.xor(h, i32x4.shr_u(h, 13));
  h = i32x4.mul(h, i32x4.splat(0xc2b2ae35));
  return v128.xor(h, i32x4.shr_u(h, 16));
}

/** A double's bits with −0 made 0: v + 0 is v for every other double (NaN aside), and +0 for −0. */
// @ts-ignore: decorator
@inline
function positiveZero(v: v128): v128 {
  return f64x2.add(v, f64x2.splat(0));
}

/**
 * Adds the row hashes of `nRows` rows to the two unsigned 32-bit sums at `sumsOut` (mod 2^32).
 * Row r is the `nCols` doubles at rowMajor + r·nCols·8, then for each of the `nExtras` entries
 * of the table at `extras` (pairs of u32: address, width) the `width` doubles at
 * address + r·width·8. On entry `work` holds fingerprintPrepare(length) with
 * length = nCols + Σ widths.
 * Four rows at a time, each with its own accumulators (lanes A and B in locals), against one load
 * of the powers; their hashes then sit in the four lanes of an i32x4. The last group of fewer than
 * four rows reads its last row again in place of the missing ones and masks them out of the sum.
 */
export function fingerprintRows(rowMajor: usize, nRows: i32, nCols: i32, extras: usize, nExtras: i32, length: i32, work: usize, sumsOut: usize): void {
  const tableBytes = powerTableBytes(2 * length);
  const powersA = work + 16;
  const powersB = powersA + tableBytes;
  const seedA = i32x4.splat(load<i32>(work));
  const seedB = i32x4.splat(load<i32>(work, 4));
  const tweakB = i32x4.splat(LANE_B_TWEAK);
  let sumA = i32x4.splat(0);
  let sumB = i32x4.splat(0);
  for (let r0 = 0; r0 < nRows; r0 += 4) {
    const last = nRows - 1;
    const i1 = <usize>min(r0 + 1, last);
    const i2 = <usize>min(r0 + 2, last);
    const i3 = <usize>min(r0 + 3, last);
    let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
    let b0 = i32x4.splat(0), b1 = i32x4.splat(0), b2 = i32x4.splat(0), b3 = i32x4.splat(0);
    // Segment -1 is the design row (nCols doubles at rowMajor), segment e the e-th extra.
    let position: usize = 0; // byte offset of the segment's first power
    for (let e = -1; e < nExtras; e++) {
      let base = rowMajor;
      let width = nCols;
      if (e >= 0) {
        const entry = extras + (<usize>e << 3);
        base = <usize>load<u32>(entry);
        width = load<i32>(entry, 4);
      }
      const stride = <usize>width << 3;
      const s0 = base + <usize>r0 * stride;
      const s1 = base + i1 * stride;
      const s2 = base + i2 * stride;
      const s3 = base + i3 * stride;
      const pa = powersA + position;
      const pb = powersB + position;
      const pairBytes = stride & ~(<usize>15);
      let o: usize = 0;
      for (; o < pairBytes; o += 16) {
        const ka = v128.load(pa + o);
        const kb = v128.load(pb + o);
        const v0 = mixWords(positiveZero(v128.load(s0 + o)));
        const v1 = mixWords(positiveZero(v128.load(s1 + o)));
        const v2 = mixWords(positiveZero(v128.load(s2 + o)));
        const v3 = mixWords(positiveZero(v128.load(s3 + o)));
        a0 = i32x4.add(a0, i32x4.mul(v0, ka));
        b0 = i32x4.add(b0, i32x4.mul(v0, kb));
        a1 = i32x4.add(a1, i32x4.mul(v1, ka));
        b1 = i32x4.add(b1, i32x4.mul(v1, kb));
        a2 = i32x4.add(a2, i32x4.mul(v2, ka));
        b2 = i32x4.add(b2, i32x4.mul(v2, kb));
        a3 = i32x4.add(a3, i32x4.mul(v3, ka));
        b3 = i32x4.add(b3, i32x4.mul(v3, kb));
      }
      if (width & 1) {
        // One double left: its two words (upper lanes zero) against the next two powers.
        const ka = v128.load(pa + o);
        const kb = v128.load(pb + o);
        const v0 = mixWords(positiveZero(v128.load64_zero(s0 + o)));
        const v1 = mixWords(positiveZero(v128.load64_zero(s1 + o)));
        const v2 = mixWords(positiveZero(v128.load64_zero(s2 + o)));
        const v3 = mixWords(positiveZero(v128.load64_zero(s3 + o)));
        a0 = i32x4.add(a0, i32x4.mul(v0, ka));
        b0 = i32x4.add(b0, i32x4.mul(v0, kb));
        a1 = i32x4.add(a1, i32x4.mul(v1, ka));
        b1 = i32x4.add(b1, i32x4.mul(v1, kb));
        a2 = i32x4.add(a2, i32x4.mul(v2, ka));
        b2 = i32x4.add(b2, i32x4.mul(v2, kb));
        a3 = i32x4.add(a3, i32x4.mul(v3, ka));
        b3 = i32x4.add(b3, i32x4.mul(v3, kb));
      }
      position += stride;
    }
    let rowsA = finish(i32x4.add(seedA, horizontalSums(a0, a1, a2, a3)), length);
    let rowsB = finish(v128.xor(i32x4.add(seedB, horizontalSums(b0, b1, b2, b3)), tweakB), length);
    const count = nRows - r0;
    if (count < 4) {
      // lanes k < count: all ones
      const present = i32x4.gt_s(i32x4.splat(count), i32x4(0, 1, 2, 3));
      rowsA = v128.and(rowsA, present);
      rowsB = v128.and(rowsB, present);
    }
    sumA = i32x4.add(sumA, rowsA);
    sumB = i32x4.add(sumB, rowsB);
  }
  const totals = horizontalSums(sumA, sumB, i32x4.splat(0), i32x4.splat(0));
  store<u32>(sumsOut, load<u32>(sumsOut) + <u32>i32x4.extract_lane(totals, 0));
  store<u32>(sumsOut + 4, load<u32>(sumsOut + 4) + <u32>i32x4.extract_lane(totals, 1));
}
