// Times fitLogistic and fitSoftmax on the built package (dist/), to compare builds: e.g. before and
// after a change to how the WebAssembly module is loaded. Prints the median and the fastest of
// RUNS fits (after one warm-up), with the machine's Node version.
// Usage: npm run build && node scripts/time-fit.mjs [runs] [logistic|softmax|both]
import { fitLogistic, fitSoftmax, init } from '../dist/index.js';

const RUNS = Number(process.argv[2] ?? 15);
const N = 100_000;
const P = 20;

/** mulberry32: a small seeded generator, so every build fits the same data. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = mulberry32(20251203);
const data = new Float64Array(N * P);
const y = new Float64Array(N);
const labels = new Array(N);
for (let i = 0; i < N; i++) {
  let eta = -0.3;
  for (let j = 0; j < P; j++) {
    const v = 2 * next() - 1;
    data[i * P + j] = v;
    eta += v * (j % 2 === 0 ? 0.5 : -0.25);
  }
  y[i] = next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  labels[i] = Math.min(4, Math.floor(next() * 5 * (1 / (1 + Math.exp(-eta)))));
}
const X = { data, nRows: N, nFeatures: P };

await init();
function time(label, fit) {
  fit();
  const ms = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    fit();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label}: median ${ms[RUNS >> 1].toFixed(1)} ms, fastest ${ms[0].toFixed(1)} ms (${RUNS} runs, Node ${process.version})`);
}
const which = process.argv[3] ?? 'both';
if (which !== 'softmax') time(`fitLogistic ${N} x ${P}`, () => fitLogistic(X, y));
if (which !== 'logistic') time(`fitSoftmax ${N} x ${P}, K = 5`, () => fitSoftmax(X, labels));
