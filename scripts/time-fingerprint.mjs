// Times what the rows fingerprint (src/shard/fingerprint.ts) adds to a pass over the data, on
// the built package: `accumulate` on one shard, and a streamed pass (accumulate + combine over
// batches of 1e4 rows, as fitLogisticStream's statistics source does), at n = 1e5 and 1e6 and
// p = 10 (logistic, level 'hessian'); and the fingerprint's own cost: with the WebAssembly kernels,
// DesignBuffer.copy with the hashing hook minus without it (what the fingerprint adds to a pass);
// with the JavaScript fingerprint (an older build), fingerprintRows on its own (also in every
// pass). Best of RUNS runs after a warm-up, the cases interleaved so that load on a shared
// machine falls on all of them alike; prints the load average before and after.
// Usage: npm run build && node scripts/time-fingerprint.mjs [runs] [dist directory]
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { logisticRows } from './syntheticData.mjs';

const RUNS = Number(process.argv[2] ?? 9);
const dist = pathToFileURL(resolve(process.argv[3] ?? 'dist') + '/').href;
const { accumulate, combine, init } = await import(dist + 'index.js');
const { getRuntime } = await import(dist + 'wasm/module.js');
const { DesignBuffer } = await import(dist + 'wasm/design.js');
const fingerprint = await import(dist + 'shard/fingerprint.js');
const { toRowSource } = await import(dist + 'input/design.js');

const P = 10;
const BATCH = 10_000;
const SEED = 20261203;

/** n rows of P features and a 0/1 response, the same for every build (scripts/syntheticData.mjs). */
function makeData(n) {
  const { data, y } = logisticRows(SEED, n, P);
  return { data, y };
}

await init();
const runtime = getRuntime('time-fingerprint');
const coefficients = Float64Array.from({ length: P + 1 }, (_, j) => 0.1 * Math.cos(j));
const wasmHashing = typeof fingerprint.RowHasher === 'function';

const cases = [];
for (const n of [100_000, 1_000_000]) {
  const { data, y } = makeData(n);
  const shard = { model: 'logistic', X: { data, nRows: n, nFeatures: P }, y };
  const batches = [];
  for (let r0 = 0; r0 < n; r0 += BATCH) {
    const r1 = Math.min(n, r0 + BATCH);
    batches.push({ model: 'logistic', X: { data: data.subarray(r0 * P, r1 * P), nRows: r1 - r0, nFeatures: P }, y: y.subarray(r0, r1) });
  }
  const source = toRowSource(shard.X, 'time');
  // The extras accumulate hashes for 0/1 y without weights: successes = y, trials = 1.
  const extras = [{ values: y, width: 1 }, { values: new Float64Array(n).fill(1), width: 1 }];
  const label = `n=${n / 1e6 >= 1 ? `${n / 1e6}e6` : `${n / 1e5}e5`} p=${P}`;
  cases.push({ label: `accumulate ${label}`, run: () => accumulate(shard, coefficients, 'hessian') });
  cases.push({
    label: `streamed pass ${label} (batches of ${BATCH})`,
    run: () => batches.reduce((sum, b) => { const s = accumulate(b, coefficients, 'hessian'); return sum === null ? s : combine(sum, s); }, null),
  });
  cases.push({ label: `copy without hashing ${label}`, run: () => DesignBuffer.copy(runtime, source, true, 'time').free() });
  if (wasmHashing) {
    cases.push({
      label: `copy with hashing ${label}`,
      run: () => {
        const hasher = new fingerprint.RowHasher(runtime, P, n, extras, 'time');
        try {
          DesignBuffer.copy(runtime, source, true, 'time', undefined, hasher.hashBlock).free();
          return hasher.result();
        } finally {
          hasher.free();
        }
      },
    });
    cases.push({ label: `fingerprintRows alone (wasm, reads X) ${label}`, run: () => fingerprint.fingerprintRows(runtime, source, extras, 'time') });
  } else {
    cases.push({ label: `fingerprintRows alone (JavaScript) ${label}`, run: () => fingerprint.fingerprintRows(source, extras) });
  }
}

const best = new Map(cases.map((c) => [c.label, Infinity]));
for (const c of cases) c.run(); // warm-up
const loadBefore = loadavg();
for (let run = 0; run < RUNS; run++) {
  for (const c of cases) {
    const t0 = performance.now();
    c.run();
    best.set(c.label, Math.min(best.get(c.label), performance.now() - t0));
  }
}
const loadAfter = loadavg();
console.log(`${wasmHashing ? 'WebAssembly' : 'JavaScript'} fingerprint (${dist}); Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}; seed ${SEED}; best of ${RUNS}`);
console.log(`load average before ${loadBefore.map((v) => v.toFixed(2)).join(' ')}, after ${loadAfter.map((v) => v.toFixed(2)).join(' ')}`);
for (const [label, ms] of best) console.log(`${label.padEnd(58)} ${ms.toFixed(2).padStart(8)} ms`);
