// The plain-JavaScript contenders (pure-TS Newton, ml-logistic-regression, TF.js) and the plain-JS
// Hessian kernel, each run by bench/child.ts in a fresh Node process of its own.
//
// Why a process of its own: V8 guards typed-array accesses in optimized code by one process-wide
// "ArrayBuffer detaching" protector. The first ArrayBuffer ever detached — WebAssembly
// memory.grow() detaches the old buffer, so softlogit's first fit does it — invalidates the
// protector, and from then on every typed-array loop in the process carries extra checks: the
// pure-TS Newton at n = 1e6, p = 50 runs 8.7 s in a clean process and 11.3 s after detaching one
// 8-byte ArrayBuffer (bench/README.md). Timing the JavaScript contenders in the process where
// softlogit ran would flatter softlogit by ~30%.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { weightedGram as weightedGramJs } from './baselines/gram.js';
import { plainBinary, plainMultinomial } from './contenders/plain.js';
import type { TfTrainer } from './contenders/tfjs.js';
import { makeBinary, makeMultinomial, Random } from './data.js';
import { collectGarbage, timeMedian, timeOnce } from './timing.js';

export interface TaskSpec {
  task: 'plain' | 'ml' | 'tfjs' | 'kernel-js';
  kind: 'binary' | 'multinomial';
  seed: number;
  nRows: number;
  nFeatures: number;
  nClasses: number;
  /** Seconds of sampling (plain, kernel-js). */
  budgetSeconds: number;
  /** ml: replay its full run for the final coefficients (binary only). */
  replay?: boolean;
  /** tfjs: the step count of the largest run to the stall so far with the same p and K. */
  knownStall?: { steps: number; nRows: number } | null;
}

export interface TaskResult {
  contender: string;
  medianSeconds: number;
  samples: number;
  /** Every timed sample, seconds, sorted (when sampled with tinybench). */
  sampleSeconds?: number[];
  iterations: number;
  extrapolated: boolean;
  note: string;
  /** Coefficients at the end of the full run (the layout of contenders/types.ts); null when not run or not comparable. */
  coefficients: number[] | null;
  /** When the full run was not done: the coefficients after the steps that were. */
  partial?: { steps: number; coefficients: number[] };
  standardErrors?: number[];
  /** tfjs: a completed run to the stall. */
  stall?: { steps: number; nRows: number };
  /** kernel-js: GFLOP/s (n·p(p+1) flops) and the upper triangle it computed, row-major p x p. */
  gflops?: number;
  gram?: number[];
}

/** ml-logistic-regression: wall time of the timed sample of steps. */
export const ML_SAMPLE_SECONDS = 3;
/** Replaying its 50,000 steps only up to this many row·column·steps (n = 1e4, p = 50 is 2.6e10). */
const ML_REPLAY_LIMIT = 3e10;
/** TF.js steps before timing (the first builds its kernels). */
const TF_WARMUP_STEPS = 5;
/** ml-logistic-regression's default number of steps (src/logreg.js), for the record without loading it. */
export const ML_STEPS = 50000;

/** Rows of the kernel benchmark's matrix for p columns (128 MB of X in the WASM layout). */
export function kernelRows(p: number, panelRows: number, columnMultiple: number): number {
  const pPadded = Math.ceil(p / columnMultiple) * columnMultiple;
  return Math.max(1, Math.floor((16 * 2 ** 20) / (pPadded * panelRows))) * panelRows;
}

/** The kernel benchmark's X (n x p, row-major, N(0, 1)) and weights (U(0, 0.25)). */
export function kernelData(seed: number, p: number, n: number): { X: Float64Array; w: Float64Array } {
  const random = new Random(seed + p);
  const X = new Float64Array(n * p);
  for (let i = 0; i < X.length; i++) X[i] = random.normal();
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.25 * random.uniform();
  return { X, w };
}

async function runPlain(spec: TaskSpec): Promise<TaskResult> {
  const options = { budgetSeconds: spec.budgetSeconds, minSamples: 3 };
  const timed =
    spec.kind === 'binary'
      ? await timeMedian('plain', () => plainBinary(makeBinaryOnce(spec)), options)
      : await timeMedian('plain', () => plainMultinomial(makeMultinomialOnce(spec)), options);
  return {
    contender: 'pure-TS Newton',
    medianSeconds: timed.timing.median,
    samples: timed.timing.samples.length,
    sampleSeconds: timed.timing.samples,
    iterations: timed.result.iterations,
    extrapolated: false,
    note: `${timed.result.passes} passes over X (each with the exact Hessian but line-search retries)`,
    coefficients: Array.from(timed.result.coefficients),
    standardErrors: Array.from(timed.result.standardErrors!),
  };
}

let binaryCache: ReturnType<typeof makeBinary> | undefined;
let multinomialCache: ReturnType<typeof makeMultinomial> | undefined;
const makeBinaryOnce = (spec: TaskSpec) => (binaryCache ??= makeBinary(spec.seed, spec.nRows, spec.nFeatures));
const makeMultinomialOnce = (spec: TaskSpec) => (multinomialCache ??= makeMultinomial(spec.seed, spec.nRows, spec.nFeatures, spec.nClasses));

// ml-logistic-regression and TF.js are loaded only in the processes that run them.
async function runMl(spec: TaskSpec): Promise<TaskResult> {
  const { ML_DEFAULT_STEPS, mlBinaryCoefficients, mlPrepare, mlReplayBinary, mlTrain } = await import('./contenders/mlLogisticRegression.js');
  const binary = spec.kind === 'binary';
  const data = binary ? makeBinaryOnce(spec) : makeMultinomialOnce(spec);
  const labels = 'y' in data ? data.y : data.labels;
  const input = mlPrepare(data.X, labels);
  // Warm up with one step, then time enough steps for ML_SAMPLE_SECONDS.
  const warm = timeOnce(() => mlTrain(input, 1));
  const steps = Math.max(2, Math.min(2000, Math.round(ML_SAMPLE_SECONDS / Math.max(warm.seconds, 1e-4))));
  const sample = timeOnce(() => mlTrain(input, steps));
  const secondsPerStep = sample.seconds / steps;
  const nClassifiers = binary ? 2 : spec.nClasses;
  let note = `${(secondsPerStep * 1e3).toFixed(2)} ms/step over ${steps} steps × ${ML_DEFAULT_STEPS} steps (its default), ${nClassifiers} one-vs-rest classifiers`;
  const result: TaskResult = {
    contender: 'ml-logistic-regression',
    medianSeconds: secondsPerStep * ML_DEFAULT_STEPS,
    samples: 1,
    iterations: ML_DEFAULT_STEPS,
    extrapolated: true,
    note,
    coefficients: null,
  };
  if (!binary) {
    result.note += '; one-vs-rest is a different model from softmax: coefficients not comparable';
    return result;
  }
  const afterSample = mlBinaryCoefficients(sample.result);
  if (spec.replay && spec.nRows * (spec.nFeatures + 1) * ML_DEFAULT_STEPS <= ML_REPLAY_LIMIT) {
    // Check the replay against the library on the sampled steps, then replay all 50,000.
    const replayed = mlReplayBinary(input.withOnes, input.nRows, input.P, labels, steps);
    if (!replayed.every((v, i) => Object.is(v, afterSample[i]))) throw new Error('bench: the ml-logistic-regression replay is not bit-identical to the library');
    result.coefficients = Array.from(mlReplayBinary(input.withOnes, input.nRows, input.P, labels, ML_DEFAULT_STEPS));
    note += `; coefficients after all ${ML_DEFAULT_STEPS} steps by a bit-identical replay (checked on the first ${steps})`;
  } else {
    result.partial = { steps, coefficients: Array.from(afterSample) };
    note += '; the full run was not replayed';
  }
  result.note = note;
  return result;
}

async function runTf(spec: TaskSpec): Promise<TaskResult> {
  const { CHECK_EVERY, STALL_CHECKS, STALL_RELATIVE, TF_LEARNING_RATE, tfBinaryTrainer, tfInit, tfMultinomialTrainer } = await import('./contenders/tfjs.js');
  await tfInit();
  const trainer: TfTrainer = spec.kind === 'binary' ? tfBinaryTrainer(makeBinaryOnce(spec)) : tfMultinomialTrainer(makeMultinomialOnce(spec));
  const budget = spec.budgetSeconds;
  try {
    collectGarbage();
    // A few steps to warm up, then a timed round for the time per step.
    const t0 = performance.now();
    trainer.steps(TF_WARMUP_STEPS);
    const t1 = performance.now();
    let loss = trainer.steps(CHECK_EVERY - TF_WARMUP_STEPS);
    let steps = CHECK_EVERY;
    const perStep = (performance.now() - t1) / 1000 / (CHECK_EVERY - TF_WARMUP_STEPS);
    const known = spec.knownStall ?? null;
    if (known && perStep * known.steps * 1.2 > budget) {
      // Extrapolate: the step count of the largest run to the stall (same p and K; the loss is a
      // mean, so the step count hardly depends on n) times the time per step measured here.
      return {
        contender: 'tfjs-cpu',
        medianSeconds: perStep * known.steps,
        samples: 1,
        iterations: known.steps,
        extrapolated: true,
        note: `${perStep.toFixed(3)} s/step (${CHECK_EVERY - TF_WARMUP_STEPS} steps timed) × ${known.steps} steps (the stall at n = ${known.nRows})`,
        coefficients: null,
        partial: { steps, coefficients: Array.from(trainer.output().coefficients) },
      };
    }
    // Run to the stall (within twice the budget when no smaller case told us the step count).
    let best = loss;
    let flat = 0;
    while (flat < STALL_CHECKS && (performance.now() - t0) / 1000 < budget * 2) {
      loss = trainer.steps(CHECK_EVERY);
      steps += CHECK_EVERY;
      if (best - loss < STALL_RELATIVE * Math.abs(loss)) flat++;
      else flat = 0;
      best = Math.min(best, loss);
    }
    const seconds = (performance.now() - t0) / 1000;
    const coefficients = Array.from(trainer.output().coefficients);
    const stalled = flat >= STALL_CHECKS;
    return {
      contender: 'tfjs-cpu',
      medianSeconds: seconds,
      samples: 1,
      iterations: steps,
      extrapolated: false,
      note: stalled ? `Adam lr ${TF_LEARNING_RATE}, float32, full batch, run to the stall (one run)` : `not stalled after ${steps} steps (time budget)`,
      coefficients: stalled ? coefficients : null,
      ...(stalled ? { stall: { steps, nRows: spec.nRows } } : { partial: { steps, coefficients } }),
    };
  } finally {
    trainer.dispose();
  }
}

async function runKernelJs(spec: TaskSpec): Promise<TaskResult> {
  const p = spec.nFeatures;
  const n = spec.nRows;
  const { X, w } = kernelData(spec.seed, p, n);
  const gram = new Float64Array(p * p);
  const timed = await timeMedian(`gram js p=${p}`, () => weightedGramJs(X, n, p, w, gram), { budgetSeconds: spec.budgetSeconds, minSamples: 3, maxSamples: 20 });
  return {
    contender: 'plain JS',
    medianSeconds: timed.timing.median,
    samples: timed.timing.samples.length,
    iterations: 0,
    extrapolated: false,
    note: '',
    coefficients: null,
    gflops: (n * p * (p + 1)) / timed.timing.median / 1e9,
    gram: Array.from(gram),
  };
}

/** Runs a task here (in the child process). */
export async function runTask(spec: TaskSpec): Promise<TaskResult> {
  switch (spec.task) {
    case 'plain':
      return runPlain(spec);
    case 'ml':
      return runMl(spec);
    case 'tfjs':
      return runTf(spec);
    case 'kernel-js':
      return runKernelJs(spec);
  }
}

/** The line before the result on the child's stdout (TF.js prints a banner there). */
export const RESULT_MARK = '@@bench-result@@';

/** Runs a task in a fresh Node process (bench/child.ts) and returns its result. */
export function runTaskInChild(spec: TaskSpec): TaskResult {
  const child = fileURLToPath(new URL('./child.js', import.meta.url));
  const run = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', child, JSON.stringify(spec)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 256 * 2 ** 20,
  });
  const at = run.stdout?.lastIndexOf(RESULT_MARK) ?? -1;
  if (run.status !== 0 || at < 0) throw new Error(`bench: the ${spec.task} task failed (exit ${run.status}): ${run.stdout?.slice(-2000)}`);
  return JSON.parse(run.stdout.slice(at + RESULT_MARK.length)) as TaskResult;
}
