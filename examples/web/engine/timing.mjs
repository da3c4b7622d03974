// Times the demo page's engine in Node, without a browser: reading a generated CSV (as a File,
// the page's path), building the design, fitting, and computing the tables and plot, for
// 1e5 and 1e6 rows × 10 columns (y, x1..x8 numeric, g a 4-level factor). Also the longest stretch
// between two pauses (how long a cancel may wait) and the heap.
//
//   node --max-old-space-size=4096 examples/web/engine/timing.mjs [rows...]
//
// The engine is TypeScript: esbuild bundles session.ts into a temporary module first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { mulberry32 } from '../../../scripts/syntheticData.mjs';

const SEED = 20261203;
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const dir = mkdtempSync(join(tmpdir(), 'softlogit-engine-'));
const entry = fileURLToPath(new URL('./session.ts', import.meta.url));
await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outfile: join(dir, 'session.mjs'), logLevel: 'error' });
const { Engine } = await import(pathToFileURL(join(dir, 'session.mjs')).href);
rmSync(dir, { recursive: true, force: true });

/** n rows of y, x1..x8 (uniform in (−1, 1), 3 decimals), g in a..d; y from a logistic model. */
function csv(n) {
  const next = mulberry32(SEED);
  const lines = ['y,x1,x2,x3,x4,x5,x6,x7,x8,g'];
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: 8 }, () => Math.round((2 * next() - 1) * 1000) / 1000);
    const g = 'abcd'[Math.floor(next() * 4)];
    const eta = -0.3 + x.reduce((s, v, j) => s + v * (j % 2 === 0 ? 0.5 : -0.25), 0) + (g === 'd' ? 0.4 : 0);
    lines.push(`${next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0},${x.join(',')},${g}`);
  }
  return lines.join('\n') + '\n';
}

async function time(n) {
  const text = csv(n);
  const file = new File([text], `synthetic-${n}.csv`);
  text.length; // the text goes out of scope below: the engine reads the File as a stream
  const messages = [];
  let lastPause = performance.now();
  let longestStretch = 0;
  const engine = new Engine((m) => messages.push({ at: performance.now(), m }), async () => {
    const now = performance.now();
    longestStretch = Math.max(longestStretch, now - lastPause);
    await new Promise((resolve) => setTimeout(resolve, 0));
    lastPause = performance.now();
  });
  const t0 = performance.now();
  lastPause = t0;
  await engine.handle({ type: 'load', requestId: 1, source: { kind: 'file', file } });
  const loaded = messages.find((x) => x.m.type === 'loaded')?.m;
  if (!loaded) throw new Error(JSON.stringify(messages.at(-1).m));
  const t1 = performance.now();
  const readStretch = longestStretch;
  longestStretch = 0;
  lastPause = t1;
  const model = { ...loaded.defaultModel };
  await engine.handle({ type: 'fit', requestId: 2, model });
  const t2 = performance.now();
  const result = messages.find((x) => x.m.type === 'result')?.m;
  if (!result) throw new Error(JSON.stringify(messages.at(-1).m));
  const again = async (requestId, change) => {
    const started = performance.now();
    await engine.handle({ type: 'fit', requestId, model: { ...model, ...change } });
    const answer = messages.find((x) => x.m.type === 'result' && x.m.requestId === requestId).m;
    return `${(performance.now() - started).toFixed(0)} ms (reused ${answer.timings.reused})`;
  };
  const plotOnly = await again(3, { plotPredictor: 'g' });
  const remedy = await again(4, { remedy: { kind: 'ridge', lambda: 1 } });
  const progress = messages.filter((x) => x.m.type === 'progress' && x.m.requestId === 2);
  const iterations = progress.filter((x) => x.m.iteration !== undefined).length;
  const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  console.log(
    [
      `${n} rows × 10 columns (${(file.size / 2 ** 20).toFixed(1)} MiB): model ${model.response} ~ ${model.predictors.join(' + ')}`,
      `  load (stream, parse, column facts): ${(t1 - t0).toFixed(0)} ms (engine readMs ${loaded.readMs.toFixed(0)}); longest stretch without a pause ${readStretch.toFixed(0)} ms`,
      `  design ${result.timings.designMs.toFixed(0)} ms; fits ${result.timings.fitMs.toFixed(0)} ms (logistic ${result.stats.fitMs.toFixed(0)} ms, ${result.stats.iterations} iterations; softmax ${result.softmaxStats?.fitMs.toFixed(0)} ms); tables + plot ${result.timings.summaryMs.toFixed(0)} ms; fit request total ${(t2 - t1).toFixed(0)} ms`,
      `  longest stretch without a pause during the fit request: ${longestStretch.toFixed(0)} ms; ${progress.length} progress messages (${iterations} with a Newton iteration)`,
      `  refit for another plot predictor: ${plotOnly}; with ridge λ = 1: ${remedy}`,
      `  plot points ${result.plot.points.x.length}; heap ${heapMiB.toFixed(0)} MiB, rss ${rssMiB.toFixed(0)} MiB`,
    ].join('\n'),
  );
}

console.log(`node ${process.version}, ${process.platform} ${process.arch}, seed ${SEED}`);
for (const n of sizes.length > 0 ? sizes : [1e5, 1e6]) await time(n);
