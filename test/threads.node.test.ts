/**
 * Multi-core fits (src/threads/): `threads: n` cuts every kernel pass into panel ranges run by a
 * pool of worker threads on one shared WebAssembly memory. The sums over all rows are the same
 * numbers added in another order, so the fit must equal the one-thread fit (itself checked against
 * R in its own tests) to rounding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitLogistic, fitSoftmax, init, initThreads, shutdownThreads, threadCount, type SoftmaxFit, type LogisticFit } from '../src/index.js';
import { mulberry32 } from './helpers/random.js';
import { toRowSource } from '../src/input/design.js';
import { panelRanges, passChunks, threadTeam } from '../src/threads/pool.js';
import { logisticScratchDoubles } from '../src/wasm/module.js';
import { DesignBuffer } from '../src/wasm/design.js';
import { SoftmaxObjective } from '../src/objective/softmax.js';
import { fitBytes } from '../src/models/capacity.js';
import { getRuntime } from '../src/wasm/module.js';
import { normwiseRelativeError as relativeError } from './helpers/reference.js';

/**
 * Partial sums in another order differ by ~1e-16 relative per addition; Newton's polish fixes the
 * MLE to rounding, so one and two threads agree to ~1e-13. The bound is 1e-12.
 */
const THREAD_TOL = 1e-12;

function data(n: number, p: number, seed: number) {
  const next = mulberry32(seed);
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  const labels: number[] = [];
  const weights = new Float64Array(n);
  const offset = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = -0.2;
    for (let j = 0; j < p; j++) {
      const v = 2 * next() - 1;
      X[i * p + j] = v;
      eta += v * (j % 3 === 0 ? 1 : -0.5);
    }
    offset[i] = 0.1 * Math.cos(i);
    y[i] = next() < 1 / (1 + Math.exp(-eta - offset[i]!)) ? 1 : 0;
    // class k with probability ∝ exp(k · eta / 2): a smooth (not separable) softmax model
    const e1 = Math.exp(eta / 2);
    const u = next() * (1 + e1 + e1 * e1);
    labels.push(u < 1 ? 0 : u < 1 + e1 ? 1 : 2);
    weights[i] = 1 + (i % 4);
  }
  return { X: { data: X, nRows: n, nFeatures: p }, y, labels, weights, offset };
}

function expectSameLogistic(a: LogisticFit, b: LogisticFit): void {
  expect(relativeError(a.coefficients, b.coefficients)).toBeLessThanOrEqual(THREAD_TOL);
  expect(relativeError(a.standardErrors, b.standardErrors)).toBeLessThanOrEqual(THREAD_TOL);
  expect(Math.abs(a.deviance - b.deviance) / b.deviance).toBeLessThanOrEqual(THREAD_TOL);
  expect(a.iterations).toBe(b.iterations);
}

function expectSameSoftmax(a: SoftmaxFit, b: SoftmaxFit): void {
  expect(relativeError(a.coefficients.data, b.coefficients.data)).toBeLessThanOrEqual(THREAD_TOL);
  expect(relativeError(a.standardErrors.data, b.standardErrors.data)).toBeLessThanOrEqual(THREAD_TOL);
  expect(Math.abs(a.deviance - b.deviance) / b.deviance).toBeLessThanOrEqual(THREAD_TOL);
}

describe('threads', () => {
  beforeAll(async () => {
    await init();
  });
  afterAll(async () => {
    await shutdownThreads();
  });

  it('asks for initThreads before a fit with threads: 2, and checks the option', () => {
    const { X, y } = data(100, 2, 1);
    expect(() => fitLogistic(X, y, { threads: 2 })).toThrow(/await initThreads\(2\)/);
    expect(() => fitLogistic(X, y, { threads: 1.5 })).toThrow(/threads should be an integer/);
    expect(() => fitLogistic(X, y, { threads: 0 })).toThrow(/threads should be a number in \[1, 65\]/);
  });

  it('starts a pool of 2 threads', async () => {
    expect(await initThreads(2)).toBe(2);
    expect(threadCount()).toBe(2);
    expect(await initThreads(2)).toBe(2);
  });

  it('fitLogistic with 2 threads equals 1 thread: 40 000 rows x 9 columns, weights, offsets, l2', async () => {
    const { X, y, weights, offset } = data(40_000, 9, 2);
    for (const options of [{}, { weights, offset }, { l2: 3, intercept: false }]) {
      expectSameLogistic(fitLogistic(X, y, { ...options, threads: 2 }), fitLogistic(X, y, options));
    }
  });

  it('fitLogistic and fitSoftmax with 2 threads equal 1 thread on 131,072 rows (the warm start on every 8th panel, sketches)', () => {
    const { X, y, labels, weights } = data(131_072, 4, 21);
    expectSameLogistic(fitLogistic(X, y, { weights, threads: 2 }), fitLogistic(X, y, { weights }));
    expectSameSoftmax(fitSoftmax(X, labels, { threads: 2 }), fitSoftmax(X, labels));
  });

  it('handles fewer panels than threads, an odd number of panels, and more threads than the pool', () => {
    for (const n of [50, 256 * 3 + 17]) {
      const { X, y } = data(n, 3, n);
      expectSameLogistic(fitLogistic(X, y, { threads: 8 }), fitLogistic(X, y));
    }
  });

  it('fitSoftmax with 2 threads equals 1 thread (3 classes, 6 features)', () => {
    const { X, labels, weights } = data(20_000, 6, 3);
    expectSameSoftmax(fitSoftmax(X, labels, { weights, threads: 2 }), fitSoftmax(X, labels, { weights }));
  });

  it('fitSoftmax with an offset per row and class: 2 threads equal 1 (and 8, with an odd number of panels)', () => {
    // Each thread's panel range reads its rows of every class's offset block (the kernel's offsetPanels).
    for (const [n, threads] of [[20_000, 2], [256 * 3 + 17, 8]] as const) {
      const { X, labels, weights } = data(n, 4, 5);
      const offset = Array.from({ length: labels.length }, (_, i) => [0.2 * Math.cos(i), 0.3 * Math.sin(i), -0.4 * Math.cos(3 * i)]);
      const one = fitSoftmax(X, labels, { weights, offset });
      const many = fitSoftmax(X, labels, { weights, offset, threads });
      expectSameSoftmax(many, one);
      expect(Math.abs(many.nullDeviance - one.nullDeviance) / one.nullDeviance).toBeLessThanOrEqual(THREAD_TOL);
      // The offset is used: without it the fit is another one.
      expect(Math.abs(fitSoftmax(X, labels, { weights }).deviance - one.deviance) / one.deviance).toBeGreaterThan(1e-4);
    }
  });

  it('copies the design on both threads into the same panels as one thread, byte for byte', () => {
    // 5000 rows: 20 panels, 5 staging blocks of 4 panels, the last one short (ThreadTeam.packRows).
    const { X } = data(5000, 7, 5);
    const source = toRowSource(X, 'test');
    const team = threadTeam(2, 'test', () => {});
    expect(team).not.toBeNull();
    const one = DesignBuffer.copy(getRuntime('test'), source, true, 'test');
    const two = DesignBuffer.copy(team!.runtime, source, true, 'test', team!);
    try {
      const bytes = one.nPanels * one.runtime.panelRows * one.nColsPadded * 8;
      expect(two.nPanels).toBe(one.nPanels);
      const a = new Uint8Array(one.runtime.kernels.memory.buffer, one.address, bytes);
      const b = new Uint8Array(two.runtime.kernels.memory.buffer, two.address, bytes);
      let firstDifference = -1;
      for (let i = 0; i < bytes && firstDifference < 0; i++) if (a[i] !== b[i]) firstDifference = i;
      expect(firstDifference).toBe(-1);
    } finally {
      one.free();
      two.free();
      team!.dispose();
    }
  });

  it('takes the least separation criterion over the threads\' panel ranges (fitSoftmax\'s tailOut)', () => {
    const { X, labels } = data(3000, 4, 7);
    const K = 3;
    const counts = new Float64Array(3000 * K);
    // 12 panels: this thread takes rows 0..1535, the worker the rest. Weight 1000 on this thread's
    // rows puts the least m · min_k p_k among the worker's, so the worker's value must be taken.
    labels.forEach((label, i) => (counts[i * K + label] = i < 1536 ? 1000 : 1));
    const source = toRowSource(X, 'test');
    const team = threadTeam(2, 'test', () => {});
    const one = DesignBuffer.copy(getRuntime('test'), source, true, 'test');
    const two = DesignBuffer.copy(team!.runtime, source, true, 'test', team!);
    const single = new SoftmaxObjective({ design: one, nClasses: K, counts, l2: 0, interceptIndex: 0 });
    const shared = new SoftmaxObjective({ design: two, nClasses: K, counts, l2: 0, interceptIndex: 0, kernels: team! });
    try {
      const B = Float64Array.from({ length: 2 * 5 }, (_, k) => 0.7 * Math.cos(k));
      single.evaluate(B, 'hessian');
      shared.evaluate(B, 'hessian');
      expect(shared.smallestWeightedProbability()).toBe(single.smallestWeightedProbability());
      expect(single.smallestWeightedProbability()).toBeLessThan(1);
    } finally {
      single.dispose();
      shared.dispose();
      one.free();
      two.free();
      team!.dispose();
    }
  });

  it('sums a pass chunk by chunk in chunk order, whichever thread took which chunk: bit for bit the one-thread kernel on the same chunks', () => {
    // 100 panels in 32 chunks handed out from a shared counter (issue #17): the schedule varies
    // from run to run, the sums must not.
    const n = 256 * 100 - 9;
    const { X, y } = data(n, 6, 12);
    const source = toRowSource(X, 'test');
    const team = threadTeam(2, 'test', () => {});
    const design = DesignBuffer.copy(team!.runtime, source, true, 'test', team!);
    const { heap, kernels, panelRows } = team!.runtime;
    const P = design.nColsPadded;
    const rows = design.nPanels * panelRows;
    const block = heap.alloc((P + 4 * rows + 2 * (P + P * P) + logisticScratchDoubles(panelRows, P)) * 8, 'test');
    const coef = block;
    const s = coef + P * 8;
    const t = s + rows * 8;
    const eta = t + rows * 8;
    const score = eta + rows * 8;
    const info = score + P * 8;
    const partScore = info + P * P * 8;
    const partInfo = partScore + P * 8;
    const scratch = partInfo + P * P * 8;
    try {
      heap.f64(coef, P).set(Array.from({ length: P }, (_, j) => 0.3 * Math.sin(j + 1)));
      heap.f64(s, rows).fill(0).set(y);
      heap.f64(t, rows).fill(0).fill(1, 0, n);
      for (const [stride, single, step] of [[1, 0, 1], [3, 0, 1], [1, 1, 1], [1, 0, 3]] as const) {
        // the reference: each chunk alone on this thread, added in chunk order (chunks start at
        // multiples of the Hessian stride or the panel step)
        const ranges = panelRanges(design.nPanels, Math.max(stride, step), passChunks(2, P));
        expect(ranges.length).toBe(32);
        let logLik = 0;
        const sumScore = new Float64Array(P);
        const sumInfo = new Float64Array(P * P);
        ranges.forEach(([b0, count], c) => {
          const rowByte = b0 * panelRows * 8;
          const part = kernels.logisticEvaluate(
            design.address + b0 * panelRows * P * 8, count, P, coef, 0, s + rowByte, t + rowByte, eta + rowByte, partScore, partInfo, stride, scratch, single, step,
          );
          const chunkScore = heap.f64(partScore, P);
          const chunkInfo = heap.f64(partInfo, P * P);
          logLik = c === 0 ? part : logLik + part;
          for (let i = 0; i < P; i++) sumScore[i] = c === 0 ? chunkScore[i]! : sumScore[i]! + chunkScore[i]!;
          for (let i = 0; i < P * P; i++) sumInfo[i] = c === 0 ? chunkInfo[i]! : sumInfo[i]! + chunkInfo[i]!;
        });
        for (let run = 0; run < 4; run++) {
          const value = team!.logisticEvaluate(design.address, design.nPanels, P, coef, 0, s, t, eta, score, info, stride, scratch, single, step);
          expect(value).toBe(logLik);
          expect(heap.f64(score, P)).toEqual(sumScore);
          expect(heap.f64(info, P * P)).toEqual(sumInfo);
        }
      }
    } finally {
      heap.free(block);
      design.free();
      team!.dispose();
    }
  });

  it('the size check counts what a threaded fit allocates in the shared memory (the copy\'s ring, the workers\' buffers)', () => {
    for (const [n, q, K] of [[5000, 7, 0], [3000, 4, 3], [20_000, 2, 0]] as const) {
      const { X, y, labels } = data(n, q, 10 + n);
      const team = threadTeam(2, 'test', () => {});
      const heap = team!.runtime.heap;
      const alloc = heap.alloc.bind(heap);
      const base = heap.allocatedBytes;
      let peak = base;
      heap.alloc = (bytes: number, caller?: string) => {
        const address = alloc(bytes, caller);
        peak = Math.max(peak, heap.allocatedBytes);
        return address;
      };
      try {
        if (K === 0) fitLogistic(X, y, { threads: 2 });
        else fitSoftmax(X, labels, { threads: 2, classes: [0, 1, 2] });
      } finally {
        heap.alloc = alloc;
      }
      const bound = fitBytes(team!.runtime, n, q, true, K, false, 2);
      expect(peak - base).toBeGreaterThan(0);
      expect(peak - base).toBeLessThanOrEqual(bound);
      // …which the one-thread count falls short of (786 432 bytes against 488 256 for 5000 x 7)
      expect(peak - base).toBeGreaterThan(fitBytes(team!.runtime, n, q, true, K, false));
    }
  });

  it('names the first NaN in X with threads, wherever its block is packed, and keeps the pool working', () => {
    const n = 9000; // 9 staging blocks: this thread packs blocks 0, 3, 6, the worker the others
    const { X, y } = data(n, 3, 6);
    for (const row of [10, 1500, 4100, 8999]) {
      const bad = X.data.slice();
      bad[row * 3 + 1] = Number.NaN;
      bad[Math.min(n - 1, row + 2000) * 3 + 2] = Infinity; // a later one
      expect(() => fitLogistic({ ...X, data: bad }, y, { threads: 2 })).toThrow(new RegExp(`got NaN at row ${row}, column 1`));
    }
    expectSameLogistic(fitLogistic(X, y, { threads: 2 }), fitLogistic(X, y));
  });

  it('stops the workers when reading the rows fails mid-copy (a ragged row), and keeps the pool working', () => {
    const rows = Array.from({ length: 6000 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
    const y = rows.map((_, i) => (i % 3 === 0 ? 1 : 0));
    rows[5000] = [1];
    expect(() => fitLogistic(rows, y, { threads: 2 })).toThrow(/row 5000 has 1 values/);
    rows[5000] = [0.5, 0.25];
    expectSameLogistic(fitLogistic(rows, y, { threads: 2 }), fitLogistic(rows, y));
  });

  it('runs concurrent initThreads calls one after the other: the pool is the last one asked for', async () => {
    expect(threadCount()).toBe(2);
    expect(await Promise.all([initThreads(3), initThreads(4)])).toEqual([3, 4]);
    expect(threadCount()).toBe(4);
    expect(await initThreads(2)).toBe(2);
    const { X, y } = data(3000, 3, 9);
    expectSameLogistic(fitLogistic(X, y, { threads: 2 }), fitLogistic(X, y));
  });

  it('while initThreads(3) replaces a running pool, a fit with threads says the pool is being replaced', async () => {
    expect(await initThreads(2)).toBe(2);
    const { X, y } = data(3000, 3, 11);
    const replacing = initThreads(3);
    // One timer tick: initThreads has ended the old pool and is starting workers (which takes
    // messages to and from new threads, many ticks).
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(threadCount()).toBe(1);
    expect(() => fitLogistic(X, y, { threads: 2 })).toThrow(/the thread pool is being replaced \(initThreads\(3\)/);
    expect(await replacing).toBe(3);
    expectSameLogistic(fitLogistic(X, y, { threads: 2 }), fitLogistic(X, y));
  });

  it('restarts with another size, and after shutdownThreads asks for initThreads again', async () => {
    expect(await initThreads(3)).toBe(3);
    const { X, y } = data(5000, 4, 4);
    expectSameLogistic(fitLogistic(X, y, { threads: 3 }), fitLogistic(X, y));
    await shutdownThreads();
    expect(threadCount()).toBe(1);
    expect(() => fitLogistic(X, y, { threads: 2 })).toThrow(/initThreads/);
    expect(await initThreads(2)).toBe(2);
  });
});
