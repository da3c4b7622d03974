// The shard-statistics API, the map and reduce of one Newton pass, in one process:
//   map     accumulate(rows of one shard, coefficients, level) → sums over those rows
//   reduce  combineAll(the sums of every shard)
//   solve   fitLogisticFromStatistics runs Newton with step halving on the reduced sums
// Here the shards are slices of the UCLA admissions rows; in a system of your own they are the
// rows each node holds, and the source function below is one round trip to every node.
// When the rows are in a distributed database, let it do the map and reduce: see README.md.
//
//   npm run build
//   node examples/distributed/shards.mjs [shards]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { accumulate, combineAll, designMatrix, fitLogistic, fitLogisticFromStatistics, init, parseCSV } from '../../dist/index.js';

const count = Number(process.argv[2] ?? 3);
const csv = readFileSync(fileURLToPath(new URL('../../data/binary.csv', import.meta.url)), 'utf8');
const design = designMatrix(parseCSV(csv), { response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: ['rank'] });
const { nRows, nFeatures, names } = design;
const y = design.response.labels.map((label) => (label === 1 ? 1 : 0));

/** Rows [start, end) of the design as one shard, as a node would hold them. */
function shard(k) {
  const start = Math.floor((k * nRows) / count);
  const end = Math.floor(((k + 1) * nRows) / count);
  const X = { data: design.X.subarray(start * nFeatures, end * nFeatures), nRows: end - start, nFeatures };
  return { model: 'logistic', X, y: y.slice(start, end) };
}

await init();
const shards = Array.from({ length: count }, (_, k) => shard(k));
let passes = 0;
const fit = await fitLogisticFromStatistics(
  async (coefficients, level) => {
    passes++;
    return combineAll(shards.map((s) => accumulate(s, coefficients, level)));
  },
  { nFeatures, names },
);
console.log(fit.summary());

const local = fitLogistic({ data: design.X, nRows, nFeatures }, y, { names });
let worst = 0;
for (let j = 0; j < fit.coefficients.length; j++) {
  worst = Math.max(worst, Math.abs(fit.coefficients[j] - local.coefficients[j]) / Math.abs(local.coefficients[j]));
}
console.log(
  `\n${passes} passes over ${count} shards of ${shards.map((s) => s.X.nRows).join(' + ')} rows; ` +
    `largest relative difference from fitLogistic on all rows: ${worst.toExponential(2)}`,
);
if (!(worst < 1e-10)) process.exitCode = 1;
