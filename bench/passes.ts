// Where a fit's time goes: softlogit's solver on its WASM objective, every pass over X counted and
// timed by what it computed (value; gradient; Hessian from a row subsample; exact Hessian), for
// the Hessian subsample fitLogistic uses and for exact Newton (subsample 1). A diagnostic for
// bench/README.md, not part of the suite; it reaches into the package's internals (dist/).
//
//   node build/bench/passes.js binary 1000000 50
//   node build/bench/passes.js multinomial 100000 20 10
import { loadavg } from 'node:os';
import { fitLogistic, fitSoftmax, init } from 'softlogit';
import { makeBinary, makeMultinomial } from './data.js';

type NewtonModule = typeof import('../dist/solver/newton.js');
type ModuleModule = typeof import('../dist/wasm/module.js');
type DesignModule = typeof import('../dist/wasm/design.js');
type LogisticModule = typeof import('../dist/objective/logistic.js');
type SoftmaxModule = typeof import('../dist/objective/softmax.js');
type Objective = import('../dist/objective/types.js').Objective;
type EvaluationLevel = import('../dist/objective/types.js').EvaluationLevel;

/** build/bench/passes.js → dist/ */
const dist = new URL('../../dist/', import.meta.url);
const load = async <T>(path: string): Promise<T> => (await import(new URL(path, dist).href)) as T;
const { newton, defaultHessianSubsample, subsampleStart, warmStartStride, warmStartHessianStride } = await load<NewtonModule>('solver/newton.js');
const { getRuntime } = await load<ModuleModule>('wasm/module.js');
const { DesignBuffer } = await load<DesignModule>('wasm/design.js');
const { LogisticObjective } = await load<LogisticModule>('objective/logistic.js');
const { SoftmaxObjective } = await load<SoftmaxModule>('objective/softmax.js');

await init();
const runtime = getRuntime('passes');
const [kind = 'binary', nArg = '1000000', pArg = '50', kArg = '10'] = process.argv.slice(2);
const n = Number(nArg);
const p = Number(pArg);
const K = Number(kArg);
const binary = kind === 'binary';
const data = binary ? makeBinary(1, n, p) : makeMultinomial(1, n, p, K);
const X = data.X.data;
const source = { nRows: n, nFeatures: p, fillRows: (r0: number, r1: number, target: Float64Array) => target.set(X.subarray(r0 * p, r1 * p)) };

type KernelObjective = Objective & import('../dist/objective/types.js').RowSubsampling;

function makeObjective(design: import('../dist/wasm/design.js').DesignBuffer): { objective: KernelObjective; start: Float64Array } {
  const P = p + 1;
  if ('y' in data) {
    const objective = new LogisticObjective({ design, successes: data.y, trials: new Float64Array(n).fill(1), offset: null, l2: 0, interceptIndex: 0 });
    const start = new Float64Array(P);
    const mean = data.y.reduce((a, b) => a + b, 0) / n;
    start[0] = Math.log(mean / (1 - mean));
    return { objective, start };
  }
  const counts = new Float64Array(n * K);
  const totals = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    counts[i * K + data.labels[i]!] = 1;
    totals[data.labels[i]!] = totals[data.labels[i]!]! + 1;
  }
  const objective = new SoftmaxObjective({ design, nClasses: K, counts, l2: 0, interceptIndex: 0 });
  const start = new Float64Array(P * (K - 1));
  for (let c = 1; c < K; c++) start[(c - 1) * P] = Math.log(totals[c]! / totals[0]!);
  return { objective, start };
}

interface Tally {
  count: number;
  ms: number;
}

/** How a run chooses its Hessians: what the fits do (subsampled f32 sketches, then one exact), the same without sketches (before issue #17), or exact Newton. */
type Mode = 'sketch' | 'subsample' | 'exact';

interface Run {
  total: number;
  copy: number;
  tallies: Map<string, Tally>;
  /** Cholesky factorizations and solves (newtonDirection) and the covariance (inverseHessian). */
  solves: Tally;
  iterations: number;
  stride: number;
}

function run(mode: Mode): Run {
  const t0 = performance.now();
  const design = DesignBuffer.copy(runtime, source, true, 'passes');
  const copy = performance.now() - t0;
  const { objective, start } = makeObjective(design);
  const stride = mode === 'exact' ? 1 : defaultHessianSubsample(design.nPanels);
  const tallies = new Map<string, Tally>();
  const evaluate = objective.evaluate.bind(objective);
  objective.evaluate = (coefficients: Float64Array, level: EvaluationLevel, hessianSubsample = 1, hessianSketch = false) => {
    const rows = hessianSubsample > 1 ? `from 1/${hessianSubsample} of the rows` : 'from all rows';
    const key = level === 'hessian' ? (hessianSketch ? `f32 Hessian sketch ${rows}` : hessianSubsample > 1 ? `Hessian ${rows}` : 'exact Hessian') : level === 'gradient' ? 'gradient' : 'value';
    const t = performance.now();
    const value = evaluate(coefficients, level, hessianSubsample, hessianSketch);
    const tally = tallies.get(key) ?? { count: 0, ms: 0 };
    tally.count++;
    tally.ms += performance.now() - t;
    tallies.set(key, tally);
    return value;
  };
  const solves: Tally = { count: 0, ms: 0 };
  const direction = objective.newtonDirection.bind(objective);
  objective.newtonDirection = () => {
    const t = performance.now();
    const out = direction();
    solves.count++;
    solves.ms += performance.now() - t;
    return out;
  };
  let begin = start;
  const warmStride = warmStartStride(stride);
  if (mode === 'sketch' && warmStride > 1) {
    // what newtonFromSubsample does, with the warm start's passes counted
    const warm = objective.rowSubsample(warmStride);
    const evaluateWarm = warm.evaluate.bind(warm);
    warm.evaluate = (coefficients: Float64Array, level: EvaluationLevel, hessianSubsample = 1, hessianSketch = false) => {
      const key = `warm start on 1/${warmStride} of the rows (${level === 'hessian' && hessianSketch ? `f32 Hessian${hessianSubsample > 1 ? ` from 1/${hessianSubsample}` : ''}` : level})`;
      const t = performance.now();
      const value = evaluateWarm(coefficients, level, hessianSubsample, hessianSketch);
      const tally = tallies.get(key) ?? { count: 0, ms: 0 };
      tally.count++;
      tally.ms += performance.now() - t;
      tallies.set(key, tally);
      return value;
    };
    begin = subsampleStart(warm, start, warmStartHessianStride(warmStride, design.nPanels, objective.nParams));
  }
  const result = newton(objective, begin, { maxIter: 50, tol: 1e-10, hessianSubsample: stride, hessianSketch: mode === 'sketch' });
  const t = performance.now();
  objective.inverseHessian();
  solves.count++;
  solves.ms += performance.now() - t;
  const total = performance.now() - t0;
  objective.dispose();
  design.free();
  return { total, copy, tallies, solves, iterations: result.iterations, stride };
}

/** The public fit on the same data (copy, checks, solver, covariance), for what it adds to the solver's work. */
function publicFit(): number {
  const t0 = performance.now();
  if ('y' in data) fitLogistic(data.X, data.y, { intercept: true }).standardErrors;
  else fitSoftmax(data.X, data.labels, { intercept: true }).standardErrors;
  return performance.now() - t0;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const label = binary ? `binary n=${n} p=${p}` : `multinomial n=${n} p=${p} K=${K}`;
console.log(`## passes over X: ${label} (softlogit's solver and WASM objective; load average ${loadavg()[0]!.toFixed(2)} at the start)\n`);
console.log('| Hessians | total | copy X in | pass | count | ms each | ms |');
console.log('|---|---:|---:|---|---:|---:|---:|');
const described: Record<Mode, (stride: number) => string> = {
  sketch: (stride) => `${warmStartStride(stride) > 1 ? `warm start on 1/${warmStartStride(stride)} of the rows; ` : ''}f32 sketches (1/${stride}, then all), one exact`,
  subsample: (stride) => `1/${stride} of the rows, then exact (before #17)`,
  exact: () => 'exact Newton',
};
let sketchTotal = 0;
for (const mode of ['sketch', 'subsample', 'exact'] as const) {
  run(mode); // warm-up (and the memory grows once)
  const runs = [run(mode), run(mode), run(mode)];
  const best = runs.sort((a, b) => a.total - b.total)[1]!;
  if (mode === 'sketch') sketchTotal = best.total;
  let first = true;
  const rows = [...best.tallies, ['Cholesky, solves and covariance', best.solves] as const];
  for (const [key, tally] of rows) {
    const head = first
      ? `| ${described[mode](best.stride)} (${best.iterations} iterations) | ${best.total.toFixed(0)} ms | ${best.copy.toFixed(0)} ms`
      : '| | |';
    console.log(`${head} | ${key} | ${tally.count} | ${(tally.ms / tally.count).toFixed(1)} | ${tally.ms.toFixed(0)} |`);
    first = false;
  }
}
publicFit();
const fitMs = median([publicFit(), publicFit(), publicFit()]);
const q = binary ? p + 1 : p + 1;
const blocks = binary ? 1 : ((K - 1) * K) / 2;
const gflop = (n * q * (q + 1) * blocks) / 1e9;
console.log('');
console.log(
  `${binary ? 'fitLogistic' : 'fitSoftmax'} on the same data (median of 3): ${fitMs.toFixed(0)} ms` +
    (fitMs > sketchTotal
      ? `, ${(fitMs - sketchTotal).toFixed(0)} ms more than the solver's run above (the response and weight checks, the separation check, the result; ± the noise of separate runs). `
      : ' (no more than the solver\'s run above: its own checks are within the noise of separate runs). ') +
    `Floor: one exact Hessian X'WX is ${gflop.toFixed(2)} GFLOP (${((gflop / 14) * 1e3).toFixed(0)} ms at the kernel's 14 GFLOP/s); ` +
    `one O(np) pass reads ${((n * q * 8) / 1e6).toFixed(0)} MB (${((n * q * 8) / 23e9 * 1e3).toFixed(0)} ms at 23 GB/s), the copy reads and writes it.`,
);
