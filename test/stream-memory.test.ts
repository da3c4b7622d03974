/**
 * Memory of in-memory fits against streaming fits, measured on the WebAssembly heap (every
 * allocation goes through WasmHeap.alloc; the test records the peak of allocatedBytes).
 *
 * In-memory fitLogistic (X copied once into WASM memory as panels of 256 rows, columns padded
 * to a multiple of 2: pPad = ceil((p + 1) / 2) * 2 with the intercept; nPad = ceil(n / 256) * 256):
 *   WASM peak = 8 · [nPad (pPad + 3) + 256 (p + pPad + 2) + 3 pPad² + 5 pPad] + 128 bytes
 *   (design + one staging panel; successes, trials, eta per row, +1 vector with an offset; one
 *   panel of scratch; the Newton system), i.e. ≈ 8 n (pPad + 3): (pPad + 3) / p times the input's
 *   8 n p bytes. Measured (this test asserts the formula to the byte):
 *        n       p   input (X)   WASM peak   ratio
 *     10 000    10    0.80 MB     1.28 MB    1.60
 *     10 000    50    4.00 MB     4.79 MB    1.20
 *    100 000    50   40.0 MB     44.3 MB     1.11
 * On the JavaScript side the fit adds 16 n bytes (successes and trials) to the caller's X and y,
 * so a process holding X as a Float64Array peaks near 2 · 8 n p + 8 n (pPad + 5) bytes. The WASM
 * memory never shrinks: it stays at its peak for later fits (which reuse it).
 *
 * Largest in-memory fit: the heap tops out at 4 GiB (32-bit addresses), so
 *   n_max = (4 GiB − 8 · (3 pPad² + 5 pPad + 256 (p + pPad + 2))) / (8 (pPad + 3))
 *     p = 10: 35.8 million rows;  p = 50: 9.76 million;  p = 100: 5.11 million;  p = 1000: 530 000
 *   (about 500 million values of X in every case: ≈ 3.7 GiB of the 4 GiB go to the design)
 * (a softmax fit replaces the 3 per-row vectors by K counts and has pPad·(K − 1) coefficients).
 * Beyond that, or to stay small, stream: fitLogisticStream holds one batch, so its peak is the
 * formula above with n = the batch size, whatever the number of rows.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fitLogistic, fitLogisticStream, init } from '../src/index.js';
import { getRuntime } from '../src/wasm/module.js';

/** Bytes the in-memory logistic fit takes at its peak (see the header). */
function predictedPeak(n: number, p: number, offset = false): number {
  const pPad = Math.ceil((p + 1) / 2) * 2;
  const nPad = Math.ceil(n / 256) * 256;
  return 8 * (nPad * (pPad + (offset ? 4 : 3)) + 256 * (p + pPad + 2) + 3 * pPad * pPad + 5 * pPad) + 128;
}

/** Largest n for p features within `capacity` bytes (rounded down to whole panels). */
function maxRows(p: number, capacity: number): number {
  const pPad = Math.ceil((p + 1) / 2) * 2;
  const fixed = 8 * (3 * pPad * pPad + 5 * pPad + 256 * (p + pPad + 2)) + 128;
  return Math.floor((capacity - fixed) / (8 * (pPad + 3)) / 256) * 256;
}

function data(n: number, p: number) {
  let s = 12345;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let j = 0; j < p; j++) {
      const v = uniform() - 0.5;
      X[i * p + j] = v;
      eta += v * (j % 2 ? 1 : -1);
    }
    y[i] = uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { X, y };
}

describe('memory', () => {
  let peak = 0;
  let restore = () => {};
  beforeAll(async () => {
    await init();
  });
  const track = () => {
    const heap = getRuntime('test').heap;
    const alloc = heap.alloc.bind(heap);
    const base = heap.allocatedBytes;
    peak = base;
    heap.alloc = (bytes: number, caller?: string) => {
      const address = alloc(bytes, caller);
      peak = Math.max(peak, heap.allocatedBytes);
      return address;
    };
    restore = () => {
      heap.alloc = alloc;
    };
    return base;
  };
  afterEach(() => restore());

  it('an in-memory fit peaks at the documented formula, ≈ (pPad + 3) / p times the input', () => {
    for (const [n, p] of [[10_000, 10], [10_000, 50], [100_000, 50], [777, 3]] as const) {
      const { X, y } = data(n, p);
      const base = track();
      fitLogistic({ data: X, nRows: n, nFeatures: p }, y);
      restore();
      expect(peak - base).toBe(predictedPeak(n, p));
    }
  });

  it('a streaming fit peaks at one batch, whatever the number of rows', async () => {
    const peaks: number[] = [];
    for (const n of [10_000, 40_000]) {
      const p = 5;
      const { X, y } = data(n, p);
      const base = track();
      await fitLogisticStream(function* () {
        for (let a = 0; a < n; a += 1000) yield { X: { data: X.subarray(a * p, (a + 1000) * p), nRows: 1000, nFeatures: p }, y: y.subarray(a, a + 1000) };
      });
      restore();
      peaks.push(peak - base);
    }
    expect(peaks[1]).toBe(peaks[0]);
    expect(peaks[0]).toBeLessThanOrEqual(predictedPeak(1000, 5) + 8 * 3 * 8 * 8 * 4);
  });

  it('the largest in-memory fits: 35.8 M rows at p = 10, 9.76 M at p = 50, 5.11 M at p = 100', () => {
    const capacity = getRuntime('test').heap.capacity;
    expect(capacity).toBeGreaterThan(4 * 2 ** 30 - 2 ** 20);
    expect(maxRows(10, capacity) / 1e6).toBeCloseTo(35.79, 2);
    expect(maxRows(50, capacity) / 1e6).toBeCloseTo(9.76, 2);
    expect(maxRows(100, capacity) / 1e6).toBeCloseTo(5.11, 2);
    expect(maxRows(1000, capacity) / 1e3).toBeCloseTo(530.4, 1);
    // Beyond the limit the fit refuses before allocating anything, naming the size.
    const heap = getRuntime('test').heap;
    expect(() => heap.alloc(capacity + 16, 'fitLogistic')).toThrow(/more than the 4\.0 GiB/);
  });
});
