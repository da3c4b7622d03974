// Streaming a logistic regression over a CSV file that is read in batches, once per Newton pass,
// so memory holds one batch (plus p² numbers), not the file.
//
//   npm run build
//   node examples/stream-csv.mjs [file.csv] [--batch 10000]
//
// The file's first column is the 0/1 response and every other column a numeric feature, with a
// header line of names (as /work/shared/data/binary.csv: admit,gre,gpa,rank). Without a file,
// the example writes 300 000 synthetic rows to a temporary CSV first and fits that.
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { init, fitLogisticStream } from '../dist/index.js';

const args = process.argv.slice(2);
const batchAt = args.indexOf('--batch');
const batchRows = batchAt >= 0 ? Number(args.splice(batchAt, 2)[1]) : 10_000;
let file = args[0];
let cleanup = () => {};

if (file === undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'softlogit-stream-'));
  file = join(dir, 'synthetic.csv');
  cleanup = () => rmSync(dir, { recursive: true, force: true });
  await writeSynthetic(file, 300_000);
}

/** The header: the response's name, then the features'. */
async function readHeader(path) {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line.split(',').map((s) => s.trim());
  }
  throw new Error(`${path} is empty`);
}

/**
 * One pass over the file: batches { X: { data, nRows, nFeatures }, y } of `batchRows` rows each.
 * Each call opens the file again, which is what a streaming fit needs (one pass per evaluation).
 */
async function* readBatches(path, nFeatures) {
  const lines = createInterface({ input: createReadStream(path, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let X = new Float64Array(batchRows * nFeatures);
  let y = new Float64Array(batchRows);
  let n = 0;
  let header = true;
  for await (const line of lines) {
    if (header) { header = false; continue; }
    if (line.length === 0) continue;
    const fields = line.split(',');
    y[n] = Number(fields[0]);
    for (let j = 0; j < nFeatures; j++) X[n * nFeatures + j] = Number(fields[j + 1]);
    if (++n === batchRows) {
      yield { X: { data: X, nRows: n, nFeatures }, y };
      X = new Float64Array(batchRows * nFeatures); // the fit is done with a batch once the next is asked for,
      y = new Float64Array(batchRows); // but fresh buffers keep the example obviously correct
      n = 0;
    }
  }
  if (n > 0) yield { X: { data: X.subarray(0, n * nFeatures), nRows: n, nFeatures }, y: y.subarray(0, n) };
}

async function writeSynthetic(path, n) {
  const out = createWriteStream(path);
  out.write('y,x1,x2,x3,x4\n');
  let seed = 42;
  const uniform = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const beta = [-0.5, 0.8, -0.6, 0.3, 0];
  let chunk = '';
  for (let i = 0; i < n; i++) {
    const x = [normal(), normal(), normal(), uniform()];
    const eta = beta[0] + x.reduce((s, v, j) => s + v * beta[j + 1], 0);
    const yi = uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    chunk += `${yi},${x.map((v) => v.toFixed(6)).join(',')}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
      chunk = '';
    }
  }
  out.end(chunk);
  await finished(out);
}

try {
  await init();
  const [, ...names] = await readHeader(file);
  const started = performance.now();
  let passes = 0;
  const fit = await fitLogisticStream(() => readBatches(file, names.length), {
    names,
    nFeatures: names.length,
    onPass: (pass, nRows) => { passes = pass; process.stderr.write(`pass ${pass}: ${nRows} rows\n`); },
  });
  console.log(fit.summary());
  console.log(
    `\n${fit.nObs} rows streamed from ${file} in batches of ${batchRows}: ${passes} passes, ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
} finally {
  cleanup();
}
