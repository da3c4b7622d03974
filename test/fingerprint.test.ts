/**
 * The rows fingerprint (src/shard/fingerprint.ts) is computed by WebAssembly kernels
 * (assembly/fingerprint.ts) in a sum-of-powers form, four words to an i32x4, on the staging
 * blocks of the design copy. It must be the same function of the rows as its scalar definition
 * (test/helpers/fingerprintReference.ts, the JavaScript the library used before) bit for bit:
 * for any p (0 included), any n (1, and n not a multiple of the 4 rows per vector, the 256 rows
 * of a staging block or the extras' window), −0, any extras, and any split of the rows into
 * blocks in any order. And it must tell changed rows apart: any one bit, and the signs of any even
 * number of values of a row (which cancelled in the polynomial on raw words: 2^31 + 2^31 ≡ 0).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { accumulate, init, type LogisticShard, type SoftmaxShard } from '../src/index.js';
import type { RowSource } from '../src/input/design.js';
import { fingerprintRows, RowHasher, type RowValues } from '../src/shard/fingerprint.js';
import { DesignBuffer } from '../src/wasm/design.js';
import { getRuntime, type SoftlogitRuntime } from '../src/wasm/module.js';
import { fingerprintRowsReference } from './helpers/fingerprintReference.js';
import { mulberry32 } from './helpers/random.js';

let runtime: SoftlogitRuntime;
beforeAll(async () => {
  await init();
  runtime = getRuntime('test');
});

/** Property runs: each hashes up to ~600 rows twice, a few ms. */
const RUNS = 60;

/** X as a row source (n = 0 allowed, which toRowSource rejects). */
function sourceOf(values: Float64Array, nRows: number, nFeatures: number): RowSource {
  return { nRows, nFeatures, fillRows: (r0, r1, target) => target.set(values.subarray(r0 * nFeatures, r1 * nFeatures)) };
}

/** Doubles that stress the bit patterns: ±0, integers, subnormals, huge, infinities, random. */
const awkward = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, Infinity, -Infinity),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true }),
);

/** n rows of p awkward values and extras of the given widths. */
function rowsArbitrary(maxRows: number) {
  return fc
    .record({ n: fc.integer({ min: 0, max: maxRows }), p: fc.integer({ min: 0, max: 13 }), widths: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 3 }) })
    .chain(({ n, p, widths }) =>
      fc.record({
        n: fc.constant(n),
        p: fc.constant(p),
        X: fc.float64Array({ minLength: n * p, maxLength: n * p, noNaN: true }).map((a) => a.map((v, i) => (i % 7 === 3 ? -0 : v))),
        extras: fc.tuple(...widths.map((w) => fc.array(awkward, { minLength: n * w, maxLength: n * w }).map((values) => ({ values, width: w })))),
      }),
    );
}

describe('fingerprintRows in WebAssembly', () => {
  it('equals the scalar reference bit for bit (any n, p, extras; −0, infinities, subnormals)', () => {
    fc.assert(
      fc.property(rowsArbitrary(600), ({ n, p, X, extras }) => {
        const source = sourceOf(X, n, p);
        expect(fingerprintRows(runtime, source, extras, 'test')).toEqual(fingerprintRowsReference(source, extras));
      }),
      { numRuns: RUNS },
    );
  });

  it('equals the reference at the edges: n = 1, p = 0, no extras, n around 4, 256, 1024 and 4096', () => {
    const rand = mulberry32(7);
    for (const n of [1, 2, 3, 4, 5, 255, 256, 257, 1023, 1025, 4095, 4097, 5000]) {
      for (const p of [0, 1, 2, 3, 10]) {
        const X = Float64Array.from({ length: n * p }, () => (rand() < 0.1 ? -0 : rand() * 200 - 100));
        const y = Float64Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0));
        const counts = Float64Array.from({ length: 3 * n }, () => Math.floor(rand() * 4));
        const source = sourceOf(X, n, p);
        for (const extras of [[], [{ values: y, width: 1 }, { values: y, width: 1 }], [{ values: counts, width: 3 }]] as RowValues[][]) {
          expect(fingerprintRows(runtime, source, extras, 'test'), `n ${n}, p ${p}, ${extras.length} extras`).toEqual(fingerprintRowsReference(source, extras));
        }
      }
    }
  });

  it('hashes −0 as 0 and any other change of one bit as another fingerprint', () => {
    const X = Float64Array.of(1, 2.5, 3, 4, 5, 6);
    const y = [{ values: [1, 0, 1], width: 1 }];
    const base = fingerprintRows(runtime, sourceOf(X, 3, 2), y, 'test');
    const signed = (v: number) => fingerprintRows(runtime, sourceOf(Float64Array.of(1, v, 3, 4, 5, 6), 3, 2), y, 'test');
    expect(signed(-0)).toEqual(signed(0));
    expect(signed(-0)).not.toEqual(base);
    for (let bit = 0; bit < 64 * X.length; bit++) {
      const flipped = new Float64Array(X);
      new Uint32Array(flipped.buffer)[bit >> 5]! ^= 1 << (bit & 31);
      if (flipped.some(Number.isNaN)) continue;
      expect(fingerprintRows(runtime, sourceOf(flipped, 3, 2), y, 'test'), `bit ${bit}`).not.toEqual(base);
    }
    expect(fingerprintRows(runtime, sourceOf(X, 3, 2), [{ values: [1, 1, 1], width: 1 }], 'test')).not.toEqual(base);
  });

  it('is the same for any split of the rows into blocks, hashed in any order (RowHasher)', () => {
    fc.assert(
      fc.property(rowsArbitrary(9000), fc.array(fc.nat(), { maxLength: 12 }), fc.nat(), ({ n, p, X, extras }, cutSeeds, orderSeed) => {
        const cuts = [...new Set([0, n, ...cutSeeds.map((c) => (n === 0 ? 0 : c % (n + 1)))])].sort((a, b) => a - b);
        const blocks = cuts.slice(1).map((r1, i) => [cuts[i]!, r1] as const);
        const rand = mulberry32(orderSeed);
        blocks.sort(() => rand() - 0.5);
        const hasher = new RowHasher(runtime, p, n, extras, 'test');
        const block = runtime.heap.alloc(Math.max(1, n * p) * 8, 'test');
        try {
          for (const [r0, r1] of blocks) {
            runtime.heap.f64(block, (r1 - r0) * p).set(X.subarray(r0 * p, r1 * p));
            hasher.hashBlock(block, r0, r1);
          }
          expect(hasher.result()).toEqual(fingerprintRowsReference(sourceOf(X, n, p), extras));
        } finally {
          runtime.heap.free(block);
          hasher.free();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('hashes the staging blocks of DesignBuffer.copy (X read once) into the reference fingerprint', () => {
    const rand = mulberry32(11);
    for (const [n, p] of [[1, 3], [300, 0], [1000, 7], [4097, 10]] as const) {
      const X = Float64Array.from({ length: n * p }, () => rand() - 0.5);
      const extras = [{ values: Float64Array.from({ length: n }, () => rand()), width: 1 }];
      const source = sourceOf(X, n, p);
      let reads = 0;
      const counted: RowSource = { nRows: n, nFeatures: p, fillRows: (r0, r1, target) => { reads += r1 - r0; source.fillRows(r0, r1, target); } };
      const hasher = new RowHasher(runtime, p, n, extras, 'test');
      try {
        DesignBuffer.copy(runtime, counted, true, 'test', undefined, hasher.hashBlock).free();
        expect(hasher.result()).toEqual(fingerprintRowsReference(source, extras));
        expect(reads).toBe(n);
      } finally {
        hasher.free();
      }
    }
  });

  it('accumulate reports the reference fingerprint of X with y, trials and offset (logistic) or the counts (softmax)', () => {
    const rand = mulberry32(5);
    const n = 777;
    const X = Array.from({ length: n }, () => [rand() - 0.5, rand() < 0.2 ? -0 : rand(), Math.floor(rand() * 3)]);
    const y = X.map(() => (rand() < 0.5 ? 1 : 0));
    const weights = X.map(() => 0.5 + rand());
    const offset = X.map(() => rand() * 0.1);
    const flat = Float64Array.from(X.flat());
    const logistic: LogisticShard = { model: 'logistic', X, y, weights, offset };
    const stats = accumulate(logistic, [0, 0, 0, 0], 'value');
    const successes = Float64Array.from(y, (v, i) => v * weights[i]!);
    const reference = fingerprintRowsReference(sourceOf(flat, n, 3), [
      { values: successes, width: 1 }, { values: weights, width: 1 }, { values: offset, width: 1 },
    ]);
    expect(stats.fingerprint).toEqual(reference);
    const labels = X.map(() => Math.floor(rand() * 3));
    const softmax: SoftmaxShard = { model: 'softmax', X, y: labels, classes: [0, 1, 2] };
    const counts = new Float64Array(3 * n);
    labels.forEach((k, i) => (counts[3 * i + k] = 1));
    expect(accumulate(softmax, new Array(8).fill(0), 'value').fingerprint).toEqual(fingerprintRowsReference(sourceOf(flat, n, 3), [{ values: counts, width: 3 }]));
  });
});

describe('fingerprintRows tells changed rows apart', () => {
  /** One row's values: the design row then the extras, as places to edit in copies of X and the extras. */
  interface Rows { n: number; p: number; X: Float64Array; extras: RowValues[] }
  const rowsWithOneRow = rowsArbitrary(40)
    .filter(({ n, p, extras }) => n > 0 && p + extras.length > 0)
    .chain((rows) => fc.record({ rows: fc.constant(rows), row: fc.nat(rows.n - 1) }));

  /** Copies of X and the extras with `edit` applied to each value of row `row` (index k in the row's order). */
  function edited({ n, p, X, extras }: Rows, row: number, edit: (value: number, k: number) => number): Rows {
    const X2 = Float64Array.from(X, (v, i) => (Math.floor(i / p) === row ? edit(v, i % p) : v));
    let k = p;
    const extras2 = extras.map(({ values, width }) => {
      const start = k;
      k += width;
      return { values: Float64Array.from(values, (v, i) => (Math.floor(i / width) === row ? edit(v, start + (i % width)) : v)), width };
    });
    return { n, p, X: X2, extras: extras2 };
  }
  const widthOf = ({ p, extras }: Rows) => p + extras.reduce((s, e) => s + e.width, 0);
  const valuesOf = (rows: Rows, row: number): number[] => {
    const out: number[] = [];
    edited(rows, row, (v, k) => (out[k] = v));
    return out;
  };
  const fingerprintOf = ({ n, p, X, extras }: Rows) => fingerprintRows(runtime, sourceOf(X, n, p), extras, 'test');

  it('changes when any one bit of a row flips (NaN and −0 ↔ 0 aside)', () => {
    fc.assert(
      fc.property(rowsWithOneRow, fc.nat(), fc.nat(63), ({ rows, row }, at, bit) => {
        const k = at % widthOf(rows);
        const bits = new BigUint64Array(1);
        const flip = (v: number) => {
          new Float64Array(bits.buffer)[0] = v;
          bits[0]! ^= 1n << BigInt(bit);
          return new Float64Array(bits.buffer)[0]!;
        };
        const old = valuesOf(rows, row)[k]!;
        const changed = flip(old);
        fc.pre(!Number.isNaN(changed) && !(changed === 0 && old === 0));
        const after = edited(rows, row, (v, j) => (j === k ? changed : v));
        expect(fingerprintOf(after)).not.toEqual(fingerprintOf(rows));
        expect(fingerprintOf(after)).toEqual(fingerprintRowsReference(sourceOf(after.X, after.n, after.p), after.extras));
      }),
      { numRuns: 200 },
    );
  });

  it('changes when the signs of any even number of values of a row flip (the polynomial alone cancels 2^31 + 2^31)', () => {
    fc.assert(
      fc.property(rowsWithOneRow, fc.array(fc.nat(), { minLength: 2, maxLength: 12 }), ({ rows, row }, picks) => {
        const values = valuesOf(rows, row);
        const nonZero = values.flatMap((v, k) => (v !== 0 ? [k] : [])); // −0 is 0: its sign is not a change
        const chosen = [...new Set(picks.map((i) => nonZero[i % Math.max(1, nonZero.length)]!))];
        fc.pre(nonZero.length >= 2 && chosen.length >= 2);
        const flipped = new Set(chosen.length % 2 === 0 ? chosen : chosen.slice(1));
        const after = edited(rows, row, (v, k) => (flipped.has(k) ? -v : v));
        expect(fingerprintOf(after)).not.toEqual(fingerprintOf(rows));
      }),
      { numRuns: 200 },
    );
  });

  it('changes when columns 0, 16, 32 and 48 of any one row of 64 are negated (a mix whose top-bit difference is fixed, as MurmurHash3\'s k-mix, misses ~1 row in 7)', () => {
    const rand = mulberry32(13);
    const n = 200;
    const p = 64;
    const X = Float64Array.from({ length: n * p }, () => rand() * 2 - 1);
    const rows: Rows = { n, p, X, extras: [{ values: Float64Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0)), width: 1 }] };
    const base = fingerprintOf(rows);
    for (let row = 0; row < n; row++) {
      expect(fingerprintOf(edited(rows, row, (v, k) => (k < p && k % 16 === 0 ? -v : v))), `row ${row}`).not.toEqual(base);
    }
  });
});
