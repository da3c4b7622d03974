/**
 * A large fit in a Web Worker leaves the page responsive: while FitWorker fits 200 000 × 20 data,
 * a timer on the main thread keeps ticking, and the model that comes back is exactly the one a
 * fit on the main thread gives (same WebAssembly, same bytes). Browser project only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fitLogistic, fitSoftmax, init } from '../../src/index.js';
import { FitWorker } from '../../src/worker/index.js';
import { mulberry32 } from '../helpers/random.js';

const N_ROWS = 200_000;
const N_FEATURES = 20;
/** Main-thread timer period. */
const TICK_MS = 10;
/**
 * Largest gap allowed between two ticks while the worker fits. The design is moved to the worker
 * (`transfer: true` on a copy made before the timer starts), so the main thread only posts the
 * labels and restores the fit from JSON: gaps of ~20 ms were seen (Chromium 2 cores). The fits take
 * 200–1500 ms, so a blocked main thread would show a gap of that size. (Without `transfer`, the
 * structured clone of the 32 MB design alone cost the main thread 50–400 ms here.)
 */
const MAX_TICK_GAP_MS = 150;

/** X with roughly standard normal entries (sum of 4 uniforms), labels from a linear predictor. */
function simulate(nClasses: number): { data: Float64Array; labels: number[] } {
  const random = mulberry32(20_240_605 + nClasses);
  const data = new Float64Array(N_ROWS * N_FEATURES);
  for (let i = 0; i < data.length; i++) data[i] = (random() + random() + random() + random() - 2) * Math.sqrt(3);
  const coef = Array.from({ length: nClasses * N_FEATURES }, () => (random() - 0.5) * 0.6);
  const labels = new Array<number>(N_ROWS);
  const eta = new Float64Array(nClasses);
  for (let i = 0; i < N_ROWS; i++) {
    let max = -Infinity;
    for (let k = 0; k < nClasses; k++) {
      let s = k === 0 ? 0 : 0.2 * k;
      for (let j = 0; j < N_FEATURES; j++) s += coef[k * N_FEATURES + j]! * data[i * N_FEATURES + j]!;
      eta[k] = s;
      if (s > max) max = s;
    }
    let total = 0;
    for (let k = 0; k < nClasses; k++) total += (eta[k] = Math.exp(eta[k]! - max));
    let u = random() * total;
    let label = nClasses - 1;
    for (let k = 0; k < nClasses; k++) if ((u -= eta[k]!) < 0) { label = k; break; }
    labels[i] = label;
  }
  return { data, labels };
}

/** Runs `task` while a TICK_MS interval runs on this thread; returns its result and the tick gaps. */
async function whileTicking<T>(task: () => Promise<T>): Promise<{ result: T; ticks: number; maxGap: number; elapsed: number }> {
  let last = performance.now();
  let maxGap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, TICK_MS);
  const started = performance.now();
  try {
    const result = await task();
    const elapsed = performance.now() - started;
    maxGap = Math.max(maxGap, performance.now() - last);
    return { result, ticks, maxGap, elapsed };
  } finally {
    clearInterval(timer);
  }
}

describe(`a ${N_ROWS} × ${N_FEATURES} fit in a Web Worker`, () => {
  const worker = new FitWorker();
  beforeAll(async () => {
    await init();
    // Start the worker and its WebAssembly before timing anything.
    await worker.fitLogistic([[0], [1], [0], [1]], [0, 0, 1, 1]);
  });

  it('logistic: the main thread keeps ticking, and the fit equals the main-thread fit', async () => {
    const { data, labels } = simulate(2);
    const X = { data, nRows: N_ROWS, nFeatures: N_FEATURES };
    const mainStarted = performance.now();
    const local = fitLogistic(X, labels);
    const mainMs = performance.now() - mainStarted;

    let iterations = 0;
    let workerMs = 0;
    const copy = { data: data.slice(), nRows: N_ROWS, nFeatures: N_FEATURES };
    const run = await whileTicking(() =>
      worker.fitLogistic(copy, labels, { transfer: true, onIteration: () => iterations++, onTiming: (ms) => (workerMs = ms) }),
    );
    console.log(
      `logistic ${N_ROWS}x${N_FEATURES}: main thread ${mainMs.toFixed(0)} ms; worker ${run.elapsed.toFixed(0)} ms ` +
        `(fit ${workerMs.toFixed(0)} ms), ${run.ticks} ticks, largest gap ${run.maxGap.toFixed(0)} ms`,
    );
    expect(run.result.toJSON()).toEqual(local.toJSON());
    expect(run.result.converged).toBe(true);
    expect(iterations).toBe(local.iterations);
    expect(run.maxGap).toBeLessThan(MAX_TICK_GAP_MS);
    // The timer really ran during the fit (about one tick per TICK_MS, allowing for throttling).
    expect(run.ticks).toBeGreaterThanOrEqual(Math.floor(workerMs / (4 * TICK_MS)));
  });

  it('softmax (4 classes): the main thread keeps ticking, and the fit equals the main-thread fit', async () => {
    const { data, labels } = simulate(4);
    const X = { data, nRows: N_ROWS, nFeatures: N_FEATURES };
    const mainStarted = performance.now();
    const local = fitSoftmax(X, labels);
    const mainMs = performance.now() - mainStarted;

    let workerMs = 0;
    const copy = { data: data.slice(), nRows: N_ROWS, nFeatures: N_FEATURES };
    const run = await whileTicking(() => worker.fitSoftmax(copy, labels, { transfer: true, onTiming: (ms) => (workerMs = ms) }));
    console.log(
      `softmax K=4 ${N_ROWS}x${N_FEATURES}: main thread ${mainMs.toFixed(0)} ms; worker ${run.elapsed.toFixed(0)} ms ` +
        `(fit ${workerMs.toFixed(0)} ms), ${run.ticks} ticks, largest gap ${run.maxGap.toFixed(0)} ms`,
    );
    expect(run.result.toJSON()).toEqual(local.toJSON());
    expect(run.maxGap).toBeLessThan(MAX_TICK_GAP_MS);
    expect(run.ticks).toBeGreaterThanOrEqual(Math.floor(workerMs / (4 * TICK_MS)));
  });
});
