/**
 * The rows fingerprint (src/shard/fingerprint.ts) is computed by WebAssembly kernels
 * (assembly/fingerprint.ts) in a sum-of-powers form, four words to an i32x4, on the staging
 * blocks of the design copy. It must be the same function of the rows as its scalar definition
 * (test/helpers/fingerprintReference.ts, the JavaScript the library used before) bit for bit:
 * for any p (0 included), any n (1, and n not a multiple of the 4 rows per vector, the 256 rows
 * of a staging block or the extras' window), −0, any extras, and any split of the rows into
 * blocks in any order.
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
