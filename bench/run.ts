// The benchmark suite (issue #4): softlogit against the same Newton in plain TypeScript,
// ml-logistic-regression and TensorFlow.js, on seeded synthetic data, plus the Hessian kernel.
//
//   npm run bench                 full suite (builds first), writes bench/results/latest.json
//   npm run bench -- --quick      small sizes only, writes bench/results/quick.json
//   options: --seed=N  --only=binary,multinomial,kernel,threads,files  --filter=REGEX  --out=FILE
//   (files, bench/files.ts: reading a 2e6 x 10 CSV and fitting it, and streaming a 2e7 x 10 one;
//   only when asked for with --only, as it writes 2 GB of temporary CSV; sql, bench/sql.ts:
//   fitLogisticSQL on DuckDB over a 1e7 x 20 Parquet file against loading it and fitLogistic,
//   only with --only=sql, as it writes 1.7 GB of temporary Parquet)
//   --skip=ml,tfjs,peers
//   (--filter keeps the cases whose key, e.g. "binary n=1000000 p=50" or
//   "multinomial n=100000 p=20 K=10", matches, and --skip leaves out the slow contenders: to re-run
//   key cases on a quieter machine)
//
// Every contender gets the same data in memory and is timed to its coefficients (and standard
// errors, for softlogit and the plain Newton). The MLE that errors are measured against is
// softlogit's fit, cross-checked against the plain Newton's (their difference is reported).
// Slow contenders are timed on a few steps and extrapolated to their full run; the table marks
// those with "~" and says so.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitLogisticPlainGradient } from './baselines/logistic.js';
import { init, softlogitBinary, softlogitMultinomial } from './contenders/softlogit.js';
import { CHECK_EVERY, STALL_CHECKS, STALL_RELATIVE, TF_LEARNING_RATE } from './contenders/tfjs.js';
import { ML_SAMPLE_SECONDS, ML_STEPS, runTaskInChild, type TaskResult, type TaskSpec } from './tasks.js';
import { makeBinary, makeMultinomial, ETA_SD, FEATURE_CORRELATION, type BinaryData, type MultinomialData } from './data.js';
import { environment, flushDirtyPages, ROOT, type Environment } from './environment.js';
import { runKernelBench, type KernelResult, type RowTermsResult } from './kernel.js';
import { runThreadsBenchInChild, THREADS_RUNS, type ThreadsResult } from './threads.js';
import { timeMedian } from './timing.js';
import { runFilesBench, type FilesCaseResult } from './files.js';
import { runSqlBench, type SqlCaseResult } from './sql.js';
import { describeBlas, findPeerPython, PEER_BLAS_THREADS, runPeers, type PeerPython, type PeerRun } from './peers/index.js';

// ---------------------------------------------------------------------------------------------
// Settings

interface Settings {
  quick: boolean;
  seed: number;
  only: Set<string>;
  filter: RegExp | null;
  skip: Set<string>;
  out: string;
}

function parseArgs(argv: readonly string[]): Settings {
  let quick = false;
  let seed = 20240604;
  let only = new Set(['binary', 'multinomial', 'kernel', 'threads']);
  let out = '';
  let filter: RegExp | null = null;
  let skip = new Set<string>();
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg.startsWith('--seed=')) seed = Number(arg.slice(7));
    else if (arg.startsWith('--only=')) only = new Set(arg.slice(7).split(','));
    else if (arg.startsWith('--out=')) out = arg.slice(6);
    else if (arg.startsWith('--filter=')) filter = new RegExp(arg.slice(9));
    else if (arg.startsWith('--skip=')) skip = new Set(arg.slice(7).split(','));
    else throw new Error(`bench: unknown argument ${arg} (expected --quick, --seed=N, --only=binary,multinomial,kernel,threads,files,sql, --filter=REGEX, --skip=ml,tfjs,peers, --out=FILE)`);
  }
  if (!Number.isInteger(seed)) throw new Error('bench: --seed must be an integer');
  out ||= join(ROOT, 'bench', 'results', quick ? 'quick.json' : 'latest.json');
  return { quick, seed, only, filter, skip, out };
}

/** Seconds of sampling per softlogit/plain timing (after the warm-up call). */
const SAMPLE_BUDGET = 6;
/** Wall-time budget for one TF.js run to its stall; beyond it, time a sample of steps and extrapolate. */
const TF_BUDGET = { full: 60, quick: 20 };

// ---------------------------------------------------------------------------------------------
// Results

interface ContenderResult {
  contender: string;
  /** Median seconds from data in memory to coefficients (+ SEs where given). */
  medianSeconds: number;
  samples: number;
  /** Every timed sample, seconds, sorted (softlogit and the pure-TS Newton). */
  sampleSeconds?: number[];
  /** Newton iterations, or gradient steps (for the first-order contenders: steps of the full run). */
  iterations: number;
  /** max |coef − MLE| over all coefficients at the end of the (full) run; null when not known. */
  maxAbsCoefError: number | null;
  /** When the full run was not done: max |coef − MLE| after the steps that were run. */
  partialCoefError?: { steps: number; value: number };
  /** True when medianSeconds is extrapolated from a sample of steps. */
  extrapolated: boolean;
  note?: string;
  /** Native peers (bench/peers/): true. */
  peer?: boolean;
}

interface CaseResult {
  kind: 'binary' | 'multinomial';
  nRows: number;
  nFeatures: number;
  nClasses: number;
  nParams: number;
  seed: number;
  /** softlogit vs plain Newton: max |Δcoef| and max |ΔSE| / SE. */
  mleAgreement: { maxAbsCoefDiff: number; maxRelSeDiff: number };
  /** max |∇f| at softlogit's coefficients, and the rounding-level scale ε·Σ|x r| it is judged against. */
  gradientAtMle?: { maxAbs: number; roundingScale: number };
  contenders: ContenderResult[];
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? m : Number.NaN;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  return m;
}

/** A deterministic seed per case, independent of which cases run. */
function caseSeed(seed: number, n: number, p: number, K: number): number {
  let h = seed >>> 0;
  for (const v of [n, p, K]) h = Math.imul(h ^ v, 0x9e3779b1) >>> 0;
  return h;
}

const logStart = performance.now();
const log = (message: string): void => {
  process.stderr.write(`[${((performance.now() - logStart) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
};

// ---------------------------------------------------------------------------------------------
// Cases

/** Steps to the stall of the largest full TF.js run so far, per (p, K): the extrapolation's step count. */
const tfStallSteps = new Map<string, { steps: number; nRows: number }>();

/** A JavaScript contender, timed in a process of its own (bench/tasks.ts says why), scored against the MLE. */
function jsContender(spec: TaskSpec, mle: Float64Array): { result: ContenderResult; raw: TaskResult } {
  const raw = runTaskInChild(spec);
  const result: ContenderResult = {
    contender: raw.contender,
    medianSeconds: raw.medianSeconds,
    samples: raw.samples,
    ...(raw.sampleSeconds ? { sampleSeconds: raw.sampleSeconds } : {}),
    iterations: raw.iterations,
    maxAbsCoefError: raw.coefficients ? maxAbsDiff(raw.coefficients, mle) : null,
    extrapolated: raw.extrapolated,
    note: raw.note,
  };
  if (raw.partial) result.partialCoefError = { steps: raw.partial.steps, value: maxAbsDiff(raw.partial.coefficients, mle) };
  return { result, raw };
}

/** The python3 that runs the native peers, or why there is none (found once, at the start). */
let peerPython: { python: PeerPython } | { missing: string } | { skipped: true } = { skipped: true };
/** The first peer run's interpreter, versions and BLAS, for the report. */
let peerSetup: Omit<PeerRun, 'contenders'> | null = null;

/** The native peers on this case's data (bench/peers/), scored against the MLE; [] without them. */
function peerContenders(data: BinaryData | MultinomialData, mle: Float64Array): ContenderResult[] {
  if (!('python' in peerPython)) return [];
  log(`  native peers (${peerPython.python.executable})`);
  let run: PeerRun;
  try {
    run = runPeers(peerPython.python, data);
  } catch (error) {
    log(`  native peers failed: ${String(error)}`);
    return [];
  }
  const { contenders, ...setup } = run;
  peerSetup ??= setup;
  return contenders.map((c) => ({
    contender: c.contender,
    medianSeconds: c.medianSeconds,
    samples: c.sampleSeconds.length,
    sampleSeconds: c.sampleSeconds,
    iterations: c.iterations,
    maxAbsCoefError: maxAbsDiff(c.coefficients, mle),
    extrapolated: false,
    note: `${c.standardErrors ? 'with SEs; ' : ''}${describeBlas(run)}`,
    peer: true,
  }));
}

async function runCase(kind: 'binary' | 'multinomial', n: number, p: number, K: number, seed: number, settings: Settings): Promise<CaseResult> {
  const s = caseSeed(seed, n, p, K);
  log(`${kind} n=${n} p=${p}${kind === 'binary' ? '' : ` K=${K}`}: generating (seed ${s})`);
  const binary = kind === 'binary';
  const data: BinaryData | MultinomialData = binary ? makeBinary(s, n, p) : makeMultinomial(s, n, p, K);
  settle();
  const spec = { kind, seed: s, nRows: n, nFeatures: p, nClasses: K, budgetSeconds: SAMPLE_BUDGET };
  const contenders: ContenderResult[] = [];

  log('  softlogit');
  const soft = await timeMedian('softlogit', () => ('y' in data ? softlogitBinary(data) : softlogitMultinomial(data)), { budgetSeconds: SAMPLE_BUDGET, minSamples: 5 });
  const mle = soft.result.coefficients;
  contenders.push({ contender: 'softlogit', medianSeconds: soft.timing.median, samples: soft.timing.samples.length, sampleSeconds: soft.timing.samples, iterations: soft.result.iterations, maxAbsCoefError: 0, extrapolated: false, note: 'the MLE reference' });

  log('  pure-TS Newton (own process)');
  const plain = jsContender({ ...spec, task: 'plain' }, mle);
  contenders.push(plain.result);
  const agreement = {
    maxAbsCoefDiff: maxAbsDiff(plain.raw.coefficients!, mle),
    maxRelSeDiff: maxRelDiff(plain.raw.standardErrors!, soft.result.standardErrors!),
  };
  const gradient = 'y' in data ? fitLogisticPlainGradient(data.X.data, n, p, data.y, mle) : undefined;
  contenders.push(...peerContenders(data, mle));

  if (!settings.skip.has('ml')) {
    log('  ml-logistic-regression (own process)');
    contenders.push(jsContender({ ...spec, task: 'ml', replay: binary && !settings.quick }, mle).result);
  }
  if (!settings.skip.has('tfjs')) {
    log('  tfjs (own process)');
    const key = `${kind}/${p}/${K}`;
    const tf = jsContender({ ...spec, task: 'tfjs', budgetSeconds: settings.quick ? TF_BUDGET.quick : TF_BUDGET.full, knownStall: tfStallSteps.get(key) ?? null }, mle);
    const known = tfStallSteps.get(key);
    if (tf.raw.stall && (!known || known.nRows <= n)) tfStallSteps.set(key, tf.raw.stall);
    contenders.push(tf.result);
  }
  const out: CaseResult = { kind, nRows: n, nFeatures: p, nClasses: K, nParams: (p + 1) * (K - 1), seed: s, mleAgreement: agreement, contenders };
  if (gradient) out.gradientAtMle = gradient;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Report

function seconds(s: number): string {
  if (s >= 3600) return `${(s / 3600).toFixed(1)} h`;
  if (s >= 120) return `${(s / 60).toFixed(1)} min`;
  if (s >= 10) return `${s.toFixed(1)} s`;
  if (s >= 1) return `${s.toFixed(2)} s`;
  return `${(s * 1e3).toFixed(s >= 0.1 ? 0 : 1)} ms`;
}

function caseLabel(c: CaseResult): string {
  const n = c.nRows >= 1e6 ? `${c.nRows / 1e6}e6` : c.nRows >= 1e4 ? `${c.nRows / 1e4}e4`.replace('10e4', '1e5') : String(c.nRows);
  return c.kind === 'binary' ? `binary n=${n} p=${c.nFeatures}` : `multi n=${n} p=${c.nFeatures} K=${c.nClasses}`;
}

function formatCases(cases: CaseResult[]): string {
  const lines = [
    '| case | contender | median | × softlogit | iters/steps | max \\|coef − MLE\\| |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const c of cases) {
    const base = c.contenders[0]!.medianSeconds;
    for (const r of c.contenders) {
      const time = `${r.extrapolated ? '~' : ''}${seconds(r.medianSeconds)}`;
      const ratio = r.contender === 'softlogit' ? '1' : `${r.extrapolated ? '~' : ''}${(r.medianSeconds / base).toFixed(r.medianSeconds / base >= 100 ? 0 : 1)}`;
      const error =
        r.contender === 'softlogit'
          ? '(MLE)'
          : r.maxAbsCoefError !== null
            ? r.maxAbsCoefError.toExponential(1)
            : r.partialCoefError
              ? `${r.partialCoefError.value.toExponential(1)} after ${r.partialCoefError.steps} steps`
              : '— (other model)';
      lines.push(`| ${caseLabel(c)} | ${r.contender} | ${time} | ${ratio} | ${r.iterations} | ${error} |`);
    }
  }
  return lines.join('\n');
}

function formatAgreement(cases: CaseResult[]): string {
  const lines = ['| case | softlogit vs pure-TS: max \\|Δcoef\\| | max \\|ΔSE\\|/SE | max \\|∇f\\| at softlogit | rounding scale ε·Σ\\|x r\\| |', '|---|---:|---:|---:|---:|'];
  for (const c of cases) {
    const g = c.gradientAtMle;
    lines.push(
      `| ${caseLabel(c)} | ${c.mleAgreement.maxAbsCoefDiff.toExponential(1)} | ${c.mleAgreement.maxRelSeDiff.toExponential(1)} | ${g ? g.maxAbs.toExponential(1) : '—'} | ${g ? g.roundingScale.toExponential(1) : '—'} |`,
    );
  }
  return lines.join('\n');
}

function formatKernel(gram: KernelResult[], rows: RowTermsResult): string {
  const lines = ['| p | rows | softlogit WASM GFLOP/s | plain JS GFLOP/s | ratio | agreement |', '|---:|---:|---:|---:|---:|---:|'];
  for (const k of gram) {
    lines.push(`| ${k.p} | ${k.nRows} | ${k.wasmGflops.toFixed(1)} | ${k.jsGflops.toFixed(2)} | ${(k.wasmGflops / k.jsGflops).toFixed(1)} | ${k.agreement.toExponential(0)} |`);
  }
  lines.push('');
  lines.push(
    `Per-row terms of a binomial pass (exp, log1p, residual, weight; f64x2): ${rows.nanosecondsPerRow.toFixed(2)} ns/row; ` +
      `vectorized exp ≤ ${rows.expMaxUlp.toFixed(2)} ulp, log1p ≤ ${rows.log1pMaxUlp.toFixed(2)} ulp against the host's Math; ` +
      `the softmax pass's table-driven exp ≤ ${rows.expTableMaxUlp.toFixed(2)} ulp, log ≤ ${rows.logMaxUlp.toFixed(2)} ulp.`,
  );
  return lines.join('\n');
}

interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

function checkTargets(cases: CaseResult[], gram: KernelResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const find = (kind: string, n: number, p: number, K = 2) => cases.find((c) => c.kind === kind && c.nRows === n && c.nFeatures === p && c.nClasses === K);
  const big = find('binary', 1e6, 50);
  if (big) {
    const soft = big.contenders[0]!.medianSeconds;
    const plain = big.contenders[1]!.medianSeconds;
    checks.push({ target: 'binary n=1e6 p=50: softlogit ≤ 1.2 s with SEs', measured: seconds(soft), met: soft <= 1.2 });
    checks.push({ target: 'binary n=1e6 p=50: ≥ 10× the pure-TS Newton', measured: `${(plain / soft).toFixed(1)}×`, met: plain / soft >= 10 });
    const sklearn = big.contenders.find((c) => c.contender === 'scikit-learn newton-cholesky');
    if (sklearn) {
      checks.push({ target: `binary n=1e6 p=50: ≥ 4× scikit-learn newton-cholesky (OpenBLAS, ${PEER_BLAS_THREADS} threads; issue #17)`, measured: `${(sklearn.medianSeconds / soft).toFixed(2)}× (${seconds(sklearn.medianSeconds)})`, met: sklearn.medianSeconds / soft >= 4 });
    }
  }
  const multi = find('multinomial', 1e5, 20, 10);
  if (multi) {
    const ratio = multi.contenders[1]!.medianSeconds / multi.contenders[0]!.medianSeconds;
    checks.push({ target: 'multinomial n=1e5 p=20 K=10: ≥ 8× the pure-TS Newton', measured: `${ratio.toFixed(1)}×`, met: ratio >= 8 });
    const lbfgs = multi.contenders.find((c) => c.contender === 'scikit-learn lbfgs');
    const soft = multi.contenders[0]!.medianSeconds;
    if (lbfgs) {
      checks.push({ target: 'multinomial n=1e5 p=20 K=10, exact with SEs: faster than scikit-learn lbfgs (tol 1e-10; issue #17)', measured: `${(lbfgs.medianSeconds / soft).toFixed(2)}× (${seconds(lbfgs.medianSeconds)})`, met: lbfgs.medianSeconds > soft });
    }
  }
  const k50 = gram.find((k) => k.p === 50);
  if (k50) checks.push({ target: 'Hessian kernel ≥ 12 GFLOP/s at p = 50', measured: `${k50.wasmGflops.toFixed(1)} GFLOP/s`, met: k50.wasmGflops >= 12 });
  return checks;
}

// ---------------------------------------------------------------------------------------------

/**
 * Lets the disk catch up before a timed case (bench/environment.ts flushDirtyPages): the earlier
 * cases' temporary files are written back now, not while this case's fits are timed. Logged when
 * it took long enough to have mattered.
 */
function settle(): void {
  const seconds = flushDirtyPages();
  if (seconds !== null && seconds > 0.5) log(`  (waited ${seconds.toFixed(1)} s for the disk to write back earlier cases' files)`);
}

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  const env: Environment = environment();
  log(`softlogit bench${settings.quick ? ' (quick)' : ''}: ${env.cpu}, ${env.cores} cores, Node ${env.node}, load ${env.loadAverage}, seed ${settings.seed}`);
  await init();
  const started = Date.now();
  if (!settings.skip.has('peers') && (settings.only.has('binary') || settings.only.has('multinomial'))) {
    peerPython = findPeerPython();
    if ('python' in peerPython) log(`native peers: scikit-learn and statsmodels with ${peerPython.python.executable} (bench/peers/)`);
    else log(`native peers: skipped, no python3 with numpy, scikit-learn, statsmodels and threadpoolctl (${peerPython.missing})`);
  }

  let threads: ThreadsResult | null = null;
  // bench/threads.ts (issue #8): fitLogistic at n = 1e6, p = 50 with 1 and 2 threads; not in --quick.
  // First, in a process of its own, while nothing else of the suite has run: a 2-thread fit needs
  // both cores, and in a full run where this case came last, after the others, its first seven
  // 2-thread runs took 0.52-0.54 s and the last two 0.41 s. Before the files and SQL cases too:
  // they write gigabytes of temporary files, and with the threads case after them (the order until
  // issue #17's third round) its 1-thread fits took 0.61-0.75 s where they take 0.58 s alone.
  if (settings.only.has('threads') && !settings.quick) {
    log('threads: fitLogistic n=1e6 p=50, threads 1 vs 2');
    settle();
    try {
      threads = runThreadsBenchInChild({ seed: settings.seed, runs: THREADS_RUNS, log: (line) => log(`  ${line}`) });
    } catch (error) {
      log(`  threads: skipped (${String(error)})`);
    }
  }

  let files: FilesCaseResult[] | null = null;
  if (settings.only.has('files')) {
    log('files: read and fit a 2e6 x 10 CSV; stream a 2e7 x 10 one (not in --quick)');
    files = await runFilesBench({
      rows: settings.quick ? 200_000 : 2_000_000,
      features: 10,
      streamRows: settings.quick ? 0 : 20_000_000,
      cases: new Set(['parse', 'fit', 'stream']),
      seed: settings.seed,
      out: '',
    });
  }

  let sql: SqlCaseResult[] | null = null;
  if (settings.only.has('sql')) {
    log('sql: fitLogisticSQL on DuckDB over a 1e7 x 20 Parquet file vs loading it and fitLogistic (1e5 rows in --quick)');
    sql = await runSqlBench({ rows: settings.quick ? 100_000 : 10_000_000, features: 20, cases: new Set(['engine', 'memory']), seed: settings.seed, out: '' });
  }


  const binarySizes = settings.quick ? [1e4] : [1e4, 1e5, 1e6];
  const multiSizes = settings.quick ? [1e4] : [1e4, 1e5];
  const cases: CaseResult[] = [];
  if (settings.only.has('binary')) {
    for (const n of binarySizes) {
      for (const p of [10, 50]) {
        if (settings.filter && !settings.filter.test(`binary n=${n} p=${p}`)) continue;
        cases.push(await runCase('binary', n, p, 2, settings.seed, settings));
      }
    }
  }
  if (settings.only.has('multinomial')) {
    for (const n of multiSizes) {
      for (const p of [10, 20]) {
        for (const K of [5, 10]) {
          if (settings.filter && !settings.filter.test(`multinomial n=${n} p=${p} K=${K}`)) continue;
          cases.push(await runCase('multinomial', n, p, K, settings.seed, settings));
        }
      }
    }
  }
  let kernel: { gram: KernelResult[]; rowTerms: RowTermsResult } | null = null;
  if (settings.only.has('kernel')) {
    log('kernel: Hessian X\'WX, p = 10, 20, 50, 100');
    settle();
    kernel = await runKernelBench([10, 20, 50, 100], settings.quick ? 1 : 3, settings.seed);
  }
  const targets = checkTargets(cases, kernel?.gram ?? []);
  if (threads) {
    targets.push({ target: 'threads: 2 speed-up (n = 1e6, p = 50) ≥ 1.7× (issue #8; fastest runs)', measured: `${threads.bestSpeedup.toFixed(2)}× (medians ${threads.speedup.toFixed(2)}×)`, met: threads.bestSpeedup >= 1.7 });
    targets.push({ target: `threads: 2 speed-up, median of ${threads.runs} alternating runs ≥ 1.6× (issue #17)`, measured: `${threads.speedup.toFixed(2)}×`, met: threads.speedup >= 1.6 });
  }
  const elapsed = (Date.now() - started) / 1000;

  const out: string[] = [];
  out.push(`## softlogit benchmark${settings.quick ? ' (quick)' : ''}`);
  out.push('');
  out.push(`${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB; Node ${env.node} (V8 ${env.v8}); load average ${env.loadAverage} at the start; seed ${settings.seed}; ${seconds(elapsed)} in all.`);
  out.push(`Versions: ${Object.entries(env.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  if (peerSetup) {
    out.push(`Native peers (bench/peers/): ${peerSetup.python}, ${Object.entries(peerSetup.versions).map(([k, v]) => `${k} ${v}`).join(', ')}; BLAS ${describeBlas({ ...peerSetup, contenders: [] })}.`);
  } else if ('missing' in peerPython) {
    out.push(`Native peers (bench/peers/): not run, no python3 with numpy, scikit-learn, statsmodels and threadpoolctl (${peerPython.missing}).`);
  }
  out.push('');
  if (cases.length) {
    out.push(formatCases(cases));
    out.push('');
    out.push('~ extrapolated from a sample of steps (see notes in the JSON). MLE = softlogit\'s fit; its agreement with the pure-TS Newton:');
    out.push('');
    out.push(formatAgreement(cases));
    out.push('');
  }
  if (kernel) {
    out.push(formatKernel(kernel.gram, kernel.rowTerms));
    out.push('');
  }
  if (threads) {
    out.push(
      `${threads.name}: 1 thread ${seconds(threads.oneThread)}, 2 threads ${seconds(threads.twoThreads)} (medians of ${threads.runs}; ` +
        `fastest ${seconds(threads.bestOneThread)} vs ${seconds(threads.bestTwoThreads)}); same MLE to ${threads.maxRelativeDifference.toExponential(1)}.`,
    );
    out.push('');
  }
  if (targets.length) {
    out.push('| target | measured | met |');
    out.push('|---|---:|:---:|');
    for (const t of targets) out.push(`| ${t.target} | ${t.measured} | ${t.met ? 'yes' : 'no'} |`);
    out.push('');
  }
  process.stdout.write(`${out.join('\n')}\n`);

  const record = {
    generated: new Date().toISOString(),
    command: `npm run bench --${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    quick: settings.quick,
    seed: settings.seed,
    elapsedSeconds: elapsed,
    machine: { cpu: env.cpu, cores: env.cores, memoryGiB: env.memoryGiB, platform: env.platform, loadAverageAtStart: env.loadAverage },
    node: env.node,
    v8: env.v8,
    versions: env.versions,
    data: {
      features: `N(0, 1), AR(1) correlation ${FEATURE_CORRELATION} between neighbouring columns`,
      coefficients: `U(−1, 1) slopes scaled to sd(η) = ${ETA_SD}; binary intercept −0.5; multinomial reference class 0, intercepts U(−0.5, 0.5)`,
    },
    settings: {
      sampleBudgetSeconds: SAMPLE_BUDGET,
      tfjs: { backend: 'cpu', optimizer: 'adam', learningRate: TF_LEARNING_RATE, checkEvery: CHECK_EVERY, stallRelative: STALL_RELATIVE, stallChecks: STALL_CHECKS, budgetSeconds: settings.quick ? TF_BUDGET.quick : TF_BUDGET.full },
      mlLogisticRegression: { numSteps: ML_STEPS, learningRate: 5e-4, sampleSeconds: ML_SAMPLE_SECONDS },
    },
    cases,
    kernel,
    threads,
    peers: peerSetup ?? ('missing' in peerPython ? { missing: peerPython.missing } : null),
    files,
    sql,
    targets,
  };
  mkdirSync(join(settings.out, '..'), { recursive: true });
  writeFileSync(settings.out, `${JSON.stringify(record, null, 2)}\n`);
  log(`wrote ${settings.out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
