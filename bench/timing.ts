// Timing helpers on tinybench: a first (untimed) call warms the JIT and gives the result, then
// tinybench takes a number of samples that fits the time budget, and we keep the median.
import { Bench } from 'tinybench';

export interface Timing {
  /** Median over the samples, seconds. */
  median: number;
  /** Every sample, seconds (sorted). */
  samples: number[];
}

declare const gc: (() => void) | undefined;

/** Full garbage collection when node runs with --expose-gc (npm run bench does). */
export function collectGarbage(): void {
  if (typeof gc === 'function') gc();
}

/**
 * Times `fn` after one warm-up call whose result is returned: `samples` between minSamples and
 * maxSamples, as many as fit in `budgetSeconds` judging by the warm-up.
 */
export async function timeMedian<T>(
  name: string,
  fn: () => T,
  options: { budgetSeconds: number; minSamples?: number; maxSamples?: number },
): Promise<{ result: T; timing: Timing }> {
  collectGarbage();
  const t0 = performance.now();
  const result = fn();
  const first = (performance.now() - t0) / 1000;
  const samples = Math.max(options.minSamples ?? 3, Math.min(options.maxSamples ?? 15, Math.floor(options.budgetSeconds / Math.max(first, 1e-6))));
  collectGarbage();
  const bench = new Bench({ iterations: samples, time: 0, warmup: false, throws: true, retainSamples: true });
  // each sample from a collected heap, as the first: the garbage of one fit (its response
  // copies, ~16 MB at 1e6 rows) is not collected inside the next one's timing
  bench.add(name, () => {
    fn();
  }, { beforeEach: collectGarbage });
  await bench.run();
  const task = bench.tasks[0]!;
  const stats = task.result as { latency?: { p50: number; samplesCount?: number; samples?: number[] } };
  if (!stats.latency) throw new Error(`${name}: tinybench returned no latency statistics`);
  const raw = (stats.latency.samples ?? []).map((ms) => ms / 1000).sort((a, b) => a - b);
  return { result, timing: { median: stats.latency.p50 / 1000, samples: raw } };
}

/** Wall time of one call, seconds, with its result. */
export function timeOnce<T>(fn: () => T): { result: T; seconds: number } {
  collectGarbage();
  const t0 = performance.now();
  const result = fn();
  return { result, seconds: (performance.now() - t0) / 1000 };
}
