// Pushing the passes down to an engine (issue #14): a seeded nRows × nFeatures Parquet file written
// by DuckDB into a temporary directory (removed afterwards; nothing is committed), then, each in a
// child process of its own so that peak RSS is the case's own:
//   engine  fitLogisticSQL('duckdb', { from: read_parquet(FILE) }): DuckDB reads the file once per
//           Newton pass and returns the sums; the rows never reach JavaScript;
//   memory  DuckDB reads the same file once into a Float64Array (row-major) and fitLogistic fits
//           it in memory (the load is timed with the fit, and reported apart in the note).
// Wall time and process.resourceUsage().maxRSS of each; the two fits' coefficients are compared.
//
//   node build/bench/sql.js [--rows=10000000] [--features=20] [--cases=engine,memory] [--seed=N] [--out=FILE]
// or `npm run bench -- --only=sql`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitLogistic, init } from 'softlogit';
import { fitLogisticSQL } from 'softlogit/sql';

export interface SqlCaseResult {
  case: 'engine' | 'memory';
  nRows: number;
  nFeatures: number;
  fileMB: number;
  seconds: number;
  peakRssMB: number;
  /** The float64 design (nRows × nFeatures × 8 bytes). */
  designMB: number;
  /** One-minute load average when the case started and ended (the machine is shared). */
  loadAverage: [number, number];
  /** The fitted coefficients, to compare the two cases. */
  coefficients: number[];
  note: string;
}

/** The package that opens DuckDB (an optional peer dependency, a devDependency here). */
const DUCKDB_PACKAGE = '@duckdb/node-api';

/** A string as a DuckDB string literal (embedded single quotes doubled). */
function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

async function openDuckDB() {
  const duckdb = (await import(DUCKDB_PACKAGE)) as typeof import('@duckdb/node-api');
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  return { instance, connection: await instance.connect() };
}

/**
 * Writes `x1,…,xp,y` with DuckDB SQL: x_j ~ N(0, 1) by Box–Muller from uniforms made of
 * hash(row, stream, seed) (the same file whatever the thread count; DuckDB's random() is not
 * reproducible across threads), y ~ Bernoulli(σ(−0.5 + Σ β_j x_j)) with β_j = (−1)^(j−1) / j.
 */
export async function writeBinaryParquet(path: string, seed: number, nRows: number, nFeatures: number): Promise<void> {
  const { instance, connection } = await openDuckDB();
  try {
    // A uniform on (0, 1): the top 53 bits of a 64-bit hash, offset by half a unit.
    const uniform = (stream: number) => `((CAST(hash(i, ${stream}, ${seed}) >> 11 AS DOUBLE) + 0.5) / 9007199254740992.0)`;
    const columns = Array.from(
      { length: nFeatures },
      (_, j) => `sqrt(-2 * ln(${uniform(2 * j)})) * cos(2 * pi() * ${uniform(2 * j + 1)}) AS x${j + 1}`,
    );
    const eta = ['-0.5', ...Array.from({ length: nFeatures }, (_, j) => `${(j % 2 === 0 ? 1 : -1) / (j + 1)} * x${j + 1}`)].join(' + ');
    await connection.run(
      `COPY (SELECT ${Array.from({ length: nFeatures }, (_, j) => `x${j + 1}`).join(', ')},
         CAST(${uniform(2 * nFeatures)} < 1 / (1 + exp(-(${eta}))) AS INTEGER) AS y
       FROM (SELECT i, ${columns.join(', ')} FROM range(${nRows}) AS t(i)) ORDER BY i)
       TO ${sqlString(path)} (FORMAT PARQUET)`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Runs one case in a child process (this file with --child) and reads its JSON line. */
function runChild(kind: 'engine' | 'memory', path: string, nFeatures: number) {
  const child = spawnSync(process.execPath, ['--max-old-space-size=8192', fileURLToPath(import.meta.url), `--child=${kind}`, `--features=${nFeatures}`, path], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (child.status !== 0) throw new Error(`bench sql: the ${kind} child failed (${child.status}): ${child.stderr}`);
  const last = child.stdout.trim().split('\n').at(-1)!;
  return JSON.parse(last) as { seconds: number; peakRssMB: number; coefficients: number[]; note: string };
}

/** In the child: the case itself, timed from the start (opening DuckDB) to the fitted model. */
async function child(kind: string, path: string, nFeatures: number): Promise<void> {
  await init();
  const names = Array.from({ length: nFeatures }, (_, j) => `x${j + 1}`);
  const started = performance.now();
  let coefficients: number[];
  let note: string;
  if (kind === 'engine') {
    const fit = await fitLogisticSQL('duckdb', {
      from: `(SELECT * FROM read_parquet(${sqlString(path)}))`,
      response: 'y',
      predictors: names,
    });
    coefficients = [...fit.coefficients];
    note = `deviance ${fit.deviance.toFixed(2)}, ${fit.iterations} Newton iterations, ${fit.nObs} rows`;
  } else {
    const { instance, connection } = await openDuckDB();
    let nRows: number;
    let data: Float64Array;
    let y: Float64Array;
    try {
      const [count] = (await connection.runAndReadAll(`SELECT COUNT(*) AS n FROM read_parquet(${sqlString(path)})`)).getRowObjectsJS();
      nRows = Number(count!.n);
      data = new Float64Array(nRows * nFeatures);
      y = new Float64Array(nRows);
      // One scan in file order, chunk by chunk (2048 rows), into the row-major design.
      const result = await connection.stream(`SELECT ${names.join(', ')}, y FROM read_parquet(${sqlString(path)})`);
      let row = 0;
      for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const columns = chunk.getColumns() as number[][];
        const n = chunk.rowCount;
        for (let j = 0; j < nFeatures; j++) {
          const column = columns[j]!;
          for (let i = 0; i < n; i++) data[(row + i) * nFeatures + j] = column[i]!;
        }
        const response = columns[nFeatures]!;
        for (let i = 0; i < n; i++) y[row + i] = response[i]!;
        row += n;
      }
      if (row !== nRows) throw new Error(`bench sql: read ${row} rows of ${nRows}`);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    const loaded = (performance.now() - started) / 1000;
    const fit = fitLogistic({ data, nRows, nFeatures }, y, { names });
    coefficients = [...fit.coefficients];
    note = `load ${loaded.toFixed(1)} s + fit ${((performance.now() - started) / 1000 - loaded).toFixed(1)} s; deviance ${fit.deviance.toFixed(2)}, ${fit.iterations} Newton iterations`;
  }
  const seconds = (performance.now() - started) / 1000;
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ seconds, peakRssMB, coefficients, note }));
}

export interface SqlSettings {
  rows: number;
  features: number;
  cases: Set<string>;
  seed: number;
  out: string;
}

/** Writes the file, runs the cases and prints a Markdown table; returns the results. */
export async function runSqlBench(settings: SqlSettings): Promise<SqlCaseResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'softlogit-bench-sql-'));
  const results: SqlCaseResult[] = [];
  try {
    const path = join(dir, `binary-${settings.rows}x${settings.features}.parquet`);
    process.stderr.write(`bench sql: writing ${settings.rows} x ${settings.features} to ${path} with DuckDB\n`);
    const writeStarted = performance.now();
    await writeBinaryParquet(path, settings.seed, settings.rows, settings.features);
    const fileMB = statSync(path).size / 1e6;
    process.stderr.write(`bench sql: ${fileMB.toFixed(0)} MB written in ${((performance.now() - writeStarted) / 1000).toFixed(1)} s\n`);
    for (const kind of ['engine', 'memory'] as const) {
      if (!settings.cases.has(kind)) continue;
      const before = loadavg()[0]!;
      process.stderr.write(`bench sql: ${kind} ${settings.rows} x ${settings.features}, load ${before.toFixed(2)}\n`);
      const run = runChild(kind, path, settings.features);
      const result: SqlCaseResult = {
        case: kind,
        nRows: settings.rows,
        nFeatures: settings.features,
        fileMB,
        seconds: run.seconds,
        peakRssMB: run.peakRssMB,
        designMB: (settings.rows * settings.features * 8) / 1e6,
        loadAverage: [before, loadavg()[0]!],
        coefficients: run.coefficients,
        note: run.note,
      };
      results.push(result);
      process.stderr.write(`  ${JSON.stringify({ ...result, coefficients: undefined })}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(sqlTable(results));
  const [a, b] = results;
  if (a !== undefined && b !== undefined) {
    let worst = 0;
    a.coefficients.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - b.coefficients[j]!) / Math.max(1, Math.abs(b.coefficients[j]!)))));
    console.log(`largest relative difference between the two fits' coefficients: ${worst.toExponential(2)}`);
  }
  return results;
}

export function sqlTable(results: SqlCaseResult[]): string {
  const lines = ['| case | rows × cols | Parquet MB | seconds | peak RSS MB | RSS / design | load (start, end) | note |', '|---|---|---|---|---|---|---|---|'];
  for (const r of results) {
    lines.push(
      `| ${r.case} | ${r.nRows} × ${r.nFeatures} | ${r.fileMB.toFixed(0)} | ${r.seconds.toFixed(1)} | ${r.peakRssMB.toFixed(0)} | ${(r.peakRssMB / r.designMB).toFixed(2)} | ${r.loadAverage.map((x) => x.toFixed(1)).join(', ')} | ${r.note} |`,
    );
  }
  return lines.join('\n');
}

function parseSqlArgs(argv: readonly string[]): SqlSettings {
  const settings: SqlSettings = { rows: 10_000_000, features: 20, cases: new Set(['engine', 'memory']), seed: 20240604, out: '' };
  for (const arg of argv) {
    const [key, value] = arg.split('=') as [string, string | undefined];
    if (key === '--rows') settings.rows = Number(value);
    else if (key === '--features') settings.features = Number(value);
    else if (key === '--cases') settings.cases = new Set(value!.split(','));
    else if (key === '--seed') settings.seed = Number(value);
    else if (key === '--out') settings.out = value!;
    else throw new Error(`bench sql: unknown argument ${arg} (expected --rows=N --features=P --cases=engine,memory --seed=N --out=FILE)`);
  }
  return settings;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const childArg = process.argv.find((a) => a.startsWith('--child='));
  if (childArg !== undefined) {
    const features = Number(process.argv.find((a) => a.startsWith('--features='))!.slice(11));
    await child(childArg.slice(8), process.argv.at(-1)!, features);
  } else {
    const settings = parseSqlArgs(process.argv.slice(2));
    const results = await runSqlBench(settings);
    if (settings.out) writeFileSync(settings.out, JSON.stringify({ loadAverage: loadavg(), results }, null, 2) + '\n');
  }
}
