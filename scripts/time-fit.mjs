// Times fitLogistic and fitSoftmax on the built package (dist/), to compare builds: e.g. before and
// after a change to how the WebAssembly module is loaded. Prints the median and the fastest of
// RUNS fits (after one warm-up), with the machine's Node version.
// Usage: npm run build && node scripts/time-fit.mjs [runs] [logistic|softmax|both]
import { fitLogistic, fitSoftmax, init } from '../dist/index.js';
import { logisticRows } from './syntheticData.mjs';

const RUNS = Number(process.argv[2] ?? 15);
const N = 100_000;
const P = 20;

// The same rows for every build compared (scripts/syntheticData.mjs); labels for the softmax fit.
const { data, y, labels } = logisticRows(20251203, N, P, (next, probability) => Math.min(4, Math.floor(next() * 5 * probability)));
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
