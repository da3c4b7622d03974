// The kernel benchmark: GFLOP/s of the Hessian kernel X' diag(w) X (upper triangle; counted as
// n·p(p+1) flops, one multiply and one add per entry i ≤ j and row) in softlogit's WebAssembly
// (the panel kernels of assembly/panel.ts, built into build/bench/kernels.wasm with the package's
// release settings) against the plain-TypeScript loop of the Newton baseline (bench/baselines/gram.ts).
// Plus the per-row work of a binomial pass and the accuracy of its vectorized exp and log1p.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from './data.js';
import { ROOT } from './environment.js';
import { kernelData, kernelRows, runTaskInChild } from './tasks.js';
import { timeMedian } from './timing.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  panelRows(): number;
  columnMultiple(): number;
  heapBase(): number;
  weightedGram(x: number, nPanels: number, nColsPadded: number, w: number, weighted: number, gramOut: number): void;
  rowTerms(nPanels: number, eta: number, successes: number, trials: number, residualOut: number, weightOut: number, scratch: number): number;
  expVector(x: number, n: number, out: number): void;
  log1pVector(x: number, n: number, out: number): void;
  expTableVector(x: number, n: number, out: number): void;
  logVector(x: number, n: number, out: number): void;
}

export interface KernelResult {
  p: number;
  nRows: number;
  wasmGflops: number;
  jsGflops: number;
  /** max |wasm − js| / max |entry|: the two kernels compute the same matrix. */
  agreement: number;
}

export interface RowTermsResult {
  nanosecondsPerRow: number;
  /** Largest error of the vectorized exp over [−745, 0] against the host's Math.exp, in ulps. */
  expMaxUlp: number;
  /** Largest error of the vectorized log1p over [0, 1] against the host's Math.log1p, in ulps. */
  log1pMaxUlp: number;
  /** Largest error of the softmax pass's table-driven exp over [−745, 0] against the host's Math.exp, in ulps. */
  expTableMaxUlp: number;
  /** Largest error of the softmax pass's vectorized log over [1, 1e300] against the host's Math.log, in ulps. */
  logMaxUlp: number;
}

class Arena {
  private next: number;
  constructor(private readonly k: KernelExports) {
    this.next = Math.ceil(k.heapBase() / 16) * 16;
  }
  alloc(doubles: number): number {
    const at = this.next;
    this.next += Math.ceil((doubles * 8) / 16) * 16;
    const have = this.k.memory.buffer.byteLength;
    if (this.next > have) this.k.memory.grow(Math.ceil((this.next - have) / 65536));
    return at;
  }
  f64(address: number, length: number): Float64Array {
    return new Float64Array(this.k.memory.buffer, address, length);
  }
}

async function loadKernels(): Promise<KernelExports> {
  const bytes = readFileSync(join(ROOT, 'build', 'bench', 'kernels.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, {});
  return instance.exports as unknown as KernelExports;
}

/** Error of `value` against `reference` in units in the last place of the reference. */
function ulps(value: number, reference: number): number {
  if (value === reference) return 0;
  const magnitude = Math.max(Math.abs(reference), Number.MIN_VALUE);
  const ulp = magnitude < 2 ** -1022 ? Number.MIN_VALUE : 2 ** (Math.floor(Math.log2(magnitude)) - 52);
  return Math.abs(value - reference) / ulp;
}

export async function runKernelBench(ps: readonly number[], budgetSeconds: number, seed: number): Promise<{ gram: KernelResult[]; rowTerms: RowTermsResult }> {
  const k = await loadKernels();
  const R = k.panelRows();
  const gram: KernelResult[] = [];
  for (const p of ps) {
    const arena = new Arena(k);
    const pPadded = Math.ceil(p / k.columnMultiple()) * k.columnMultiple();
    const n = kernelRows(p, R, k.columnMultiple());
    const nPanels = n / R;
    const { X, w } = kernelData(seed, p, n);
    const xAddress = arena.alloc(n * pPadded);
    const wAddress = arena.alloc(n);
    const weighted = arena.alloc(R * pPadded);
    const gramAddress = arena.alloc(pPadded * pPadded);
    const panels = arena.f64(xAddress, n * pPadded);
    for (let b = 0; b < nPanels; b++) {
      for (let j = 0; j < pPadded; j++) {
        const col = (b * pPadded + j) * R;
        for (let r = 0; r < R; r++) panels[col + r] = j < p ? X[(b * R + r) * p + j]! : 0;
      }
    }
    arena.f64(wAddress, n).set(w);
    const flops = n * p * (p + 1);
    const wasm = await timeMedian(`gram wasm p=${p}`, () => k.weightedGram(xAddress, nPanels, pPadded, wAddress, weighted, gramAddress), {
      budgetSeconds,
      minSamples: 5,
      maxSamples: 50,
    });
    const wasmGram = arena.f64(gramAddress, pPadded * pPadded).slice();
    // The plain-JS loop in a fresh process: this one has grown a WebAssembly memory (bench/tasks.ts).
    const js = runTaskInChild({ task: 'kernel-js', kind: 'binary', seed, nRows: n, nFeatures: p, nClasses: 2, budgetSeconds });
    const jsOut = js.gram!;
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < p; i++) {
      for (let j = i; j < p; j++) {
        diff = Math.max(diff, Math.abs(wasmGram[i * pPadded + j]! - jsOut[i * p + j]!));
        scale = Math.max(scale, Math.abs(jsOut[i * p + j]!));
      }
    }
    gram.push({ p, nRows: n, wasmGflops: flops / wasm.timing.median / 1e9, jsGflops: js.gflops!, agreement: diff / scale });
  }

  // Per-row terms of the binomial pass (one exp, one log1p, divisions) over 1M rows.
  const arena = new Arena(k);
  const nPanels = 4096;
  const n = nPanels * R;
  const random = new Random(seed);
  const [eta, s, t, residual, weight] = [0, 1, 2, 3, 4].map(() => arena.alloc(n));
  const scratch = arena.alloc(R);
  const etaView = arena.f64(eta!, n);
  const sView = arena.f64(s!, n);
  for (let i = 0; i < n; i++) {
    etaView[i] = 2 * random.normal();
    sView[i] = random.uniform() < 0.4 ? 1 : 0;
  }
  arena.f64(t!, n).fill(1);
  const rows = await timeMedian('row terms', () => k.rowTerms(nPanels, eta!, s!, t!, residual!, weight!, scratch), { budgetSeconds, minSamples: 5, maxSamples: 50 });

  // Accuracy of the vectorized exp (x in [−745, 0], dense near 0) and log1p (x in [0, 1]).
  const m = 1 << 20;
  const input = arena.alloc(m);
  const output = arena.alloc(m);
  const x = arena.f64(input, m);
  for (let i = 0; i < m; i++) x[i] = -745 * random.uniform() ** 4;
  k.expVector(input, m, output);
  let expMaxUlp = 0;
  let y = arena.f64(output, m);
  for (let i = 0; i < m; i++) expMaxUlp = Math.max(expMaxUlp, ulps(y[i]!, Math.exp(x[i]!)));
  for (let i = 0; i < m; i++) x[i] = i % 2 === 0 ? random.uniform() : Math.exp(-740 * random.uniform());
  k.log1pVector(input, m, output);
  let log1pMaxUlp = 0;
  y = arena.f64(output, m);
  for (let i = 0; i < m; i++) log1pMaxUlp = Math.max(log1pMaxUlp, ulps(y[i]!, Math.log1p(x[i]!)));

  // The softmax pass's exp (same inputs as the exp above) and log (sums of exps: [1, K], and far beyond).
  for (let i = 0; i < m; i++) x[i] = -745 * random.uniform() ** 4;
  k.expTableVector(input, m, output);
  let expTableMaxUlp = 0;
  y = arena.f64(output, m);
  for (let i = 0; i < m; i++) expTableMaxUlp = Math.max(expTableMaxUlp, ulps(y[i]!, Math.exp(x[i]!)));
  for (let i = 0; i < m; i++) x[i] = i % 2 === 0 ? 1 + 20 * random.uniform() : Math.exp(690 * random.uniform());
  k.logVector(input, m, output);
  let logMaxUlp = 0;
  y = arena.f64(output, m);
  for (let i = 0; i < m; i++) logMaxUlp = Math.max(logMaxUlp, ulps(y[i]!, Math.log(x[i]!)));

  return { gram, rowTerms: { nanosecondsPerRow: (rows.timing.median * 1e9) / n, expMaxUlp, log1pMaxUlp, expTableMaxUlp, logMaxUlp } };
}
