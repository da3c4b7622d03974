// A logistic fit driven across several processes on one machine, the way a distributed engine
// (Spark/Dask tree aggregation, a pool of Node servers) would drive it:
//   map     each shard process: accumulate(its rows, coefficients, level) → statistics
//   reduce  here: combineAll(statistics of every shard)
//   solve   here: fitLogisticFromStatistics runs Newton with step halving on the reduced sums
// and the result is checked against fitLogistic on all rows in this process.
//
//   npm run build
//   node examples/distributed/main.mjs [processes]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { combineAll, fitLogistic, fitLogisticFromStatistics, init } from '../../dist/index.js';
import { makeRows, NAMES, N_FEATURES, N_ROWS } from './data.mjs';

const count = Number(process.argv[2] ?? 4);
const script = fileURLToPath(new URL('./shard.mjs', import.meta.url));

/** A shard process and a way to ask it for statistics. */
function startShard(index) {
  const child = fork(script, [String(index), String(count)], { serialization: 'advanced' });
  const pending = new Map();
  let nextId = 0;
  const ready = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (message) => {
      if (message.type === 'ready') return resolve(message.nRows);
      const request = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) request.reject(new Error(`shard ${index}: ${message.error}`));
      else request.resolve(message.statistics);
    });
  });
  return {
    ready,
    statistics: (coefficients, level) => new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, coefficients, level });
    }),
    stop: () => child.send({ type: 'stop' }),
  };
}

await init();
const shards = Array.from({ length: count }, (_, k) => startShard(k));
try {
  const sizes = await Promise.all(shards.map((s) => s.ready));
  console.log(`${count} shard processes holding ${sizes.join(' + ')} = ${N_ROWS} rows`);
  let passes = 0;
  const started = performance.now();
  const fit = await fitLogisticFromStatistics(
    async (coefficients, level) => {
      passes++;
      return combineAll(await Promise.all(shards.map((s) => s.statistics(coefficients, level))));
    },
    { nFeatures: N_FEATURES, names: NAMES },
  );
  const distributedMs = performance.now() - started;
  console.log(fit.summary());

  const all = makeRows(0, 1);
  const local = fitLogistic(all.X, all.y, { names: NAMES });
  let worst = 0;
  for (let j = 0; j < fit.coefficients.length; j++) {
    worst = Math.max(worst, Math.abs(fit.coefficients[j] - local.coefficients[j]) / Math.abs(local.coefficients[j]));
  }
  console.log(
    `\ndistributed: ${passes} passes over ${count} processes in ${distributedMs.toFixed(0)} ms; ` +
      `largest relative difference from fitLogistic on all rows in one process: ${worst.toExponential(2)}`,
  );
  if (!(worst < 1e-10)) process.exitCode = 1;
} finally {
  for (const s of shards) s.stop();
}
