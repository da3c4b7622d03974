// Reading data files (issue #14): a seeded CSV of nRows × nFeatures numbers written to a
// temporary directory (removed afterwards; nothing is committed), then, each in a child process
// of its own so that peak RSS is the case's own:
//   parse  readCSV(path) into typed columns: seconds, MB/s, peak RSS;
//   fit    `softlogit fit FILE --response y` end to end (read, design, fit, summary);
//   stream `softlogit fit FILE --response y --stream` (the file read once per Newton pass).
//
//   node build/bench/files.js [--rows=2000000] [--features=10] [--stream-rows=20000000]
//                              [--cases=parse,fit,stream] [--seed=N] [--out=FILE]
// or `npm run bench -- --only=files` (2e6 rows in memory, 2e7 streamed).
//
// Targets (issue #14): 2e6 × 10 fitted in ≤ 10 s with peak RSS ≤ 2.5 × the float64 design;
// 2e7 × 10 streamed with peak RSS ≤ 600 MB.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { finished } from 'node:stream/promises';
import { readCSV } from 'softlogit';
import { FEATURE_CORRELATION, Random } from './data.js';
import { ROOT } from './environment.js';

export interface FilesCaseResult {
  case: 'parse' | 'fit' | 'stream';
  nRows: number;
  nFeatures: number;
  fileMB: number;
  seconds: number;
  /** File megabytes (1e6 bytes) over seconds. */
  mbPerSecond: number;
  peakRssMB: number;
  /** The float64 design (nRows × nFeatures × 8 bytes), for the RSS ratio. */
  designMB: number;
  /** One-minute load average when the case started and ended (the machine is shared). */
  loadAverage: [number, number];
  note?: string;
}

/** Digits after the point of every feature value (about 9 bytes a cell with sign and comma). */
const DECIMALS = 6;

/** Rows generated per write. */
const WRITE_ROWS = 10_000;

/**
 * Writes a CSV `y,x1,…,xp` of nRows rows: features N(0, 1) with the AR(1) correlation of
 * bench/data.ts, y ~ Bernoulli(σ(−0.5 + xβ)) with β_j = (−1)^j / (j + 1).
 */
export async function writeBinaryCSV(path: string, seed: number, nRows: number, nFeatures: number): Promise<void> {
  const random = new Random(seed);
  const rho = FEATURE_CORRELATION;
  const innovation = Math.sqrt(1 - rho * rho);
  const beta = Array.from({ length: nFeatures }, (_, j) => (j % 2 === 0 ? 1 : -1) / (j + 1));
  const out = createWriteStream(path);
  out.write(['y', ...beta.map((_, j) => `x${j + 1}`)].join(',') + '\n');
  const cells = new Array<string>(nFeatures + 1);
  for (let start = 0; start < nRows; start += WRITE_ROWS) {
    let chunk = '';
    for (let i = start; i < Math.min(nRows, start + WRITE_ROWS); i++) {
      let x = random.normal();
      let eta = -0.5;
      for (let j = 0; j < nFeatures; j++) {
        if (j > 0) x = rho * x + innovation * random.normal();
        eta += beta[j]! * x;
        cells[j + 1] = x.toFixed(DECIMALS);
      }
      cells[0] = random.uniform() < 1 / (1 + Math.exp(-eta)) ? '1' : '0';
      chunk += cells.join(',') + '\n';
    }
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
}

/** Runs one case in a child process (this file with --child) and reads its JSON line. */
function runChild(kind: 'parse' | 'fit' | 'stream', path: string): { seconds: number; peakRssMB: number; note?: string } {
  const child = spawnSync(process.execPath, ['--max-old-space-size=8192', fileURLToPath(import.meta.url), `--child=${kind}`, path], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (child.status !== 0) throw new Error(`bench files: the ${kind} child failed (${child.status}): ${child.stderr}`);
  const last = child.stdout.trim().split('\n').at(-1)!;
  return JSON.parse(last) as { seconds: number; peakRssMB: number; note?: string };
}

/** In the child: the case itself, timed from the start of reading to the end of the output. */
async function child(kind: string, path: string): Promise<void> {
  const started = performance.now();
  let note: string | undefined;
  if (kind === 'parse') {
    const frame = await readCSV(path);
    note = `${frame.nRows} rows, ${frame.columns.length} columns`;
  } else {
    const { main } = (await import(join(ROOT, 'dist', 'cli', 'main.js'))) as {
      main: (argv: string[], io: { out: (s: string) => void; err: (s: string) => void }) => Promise<number>;
    };
    let out = '';
    let err = '';
    const argv = ['fit', path, '--response', 'y', '--quiet', ...(kind === 'stream' ? ['--stream'] : [])];
    const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
    if (code !== 0) throw new Error(`softlogit ${argv.join(' ')} exited ${code}: ${err}`);
    const deviance = /Residual deviance:\s*(\S+)/.exec(out);
    const iterations = /Number of Newton iterations: (\d+)/.exec(out);
    note = `residual deviance ${deviance?.[1] ?? '?'}, ${iterations?.[1] ?? '?'} Newton iterations`;
  }
  const seconds = (performance.now() - started) / 1000;
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ seconds, peakRssMB, note }));
}

interface FilesSettings {
  rows: number;
  features: number;
  streamRows: number;
  cases: Set<string>;
  seed: number;
  out: string;
}

/** Runs the cases and prints a Markdown table; returns the results. */
export async function runFilesBench(settings: FilesSettings): Promise<FilesCaseResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'softlogit-bench-files-'));
  const results: FilesCaseResult[] = [];
  try {
    const runOn = async (nRows: number, kinds: ('parse' | 'fit' | 'stream')[]) => {
      const path = join(dir, `binary-${nRows}x${settings.features}.csv`);
      process.stderr.write(`bench files: writing ${nRows} x ${settings.features} to ${path}\n`);
      await writeBinaryCSV(path, settings.seed, nRows, settings.features);
      const fileMB = statSync(path).size / 1e6;
      for (const kind of kinds) {
        const before = loadavg()[0]!;
        process.stderr.write(`bench files: ${kind} ${nRows} x ${settings.features} (${fileMB.toFixed(0)} MB), load ${before.toFixed(2)}\n`);
        const run = runChild(kind, path);
        const result: FilesCaseResult = {
          case: kind,
          nRows,
          nFeatures: settings.features,
          fileMB,
          seconds: run.seconds,
          mbPerSecond: fileMB / run.seconds,
          peakRssMB: run.peakRssMB,
          designMB: (nRows * settings.features * 8) / 1e6,
          loadAverage: [before, loadavg()[0]!],
          ...(run.note ? { note: run.note } : {}),
        };
        results.push(result);
        process.stderr.write(`  ${JSON.stringify(result)}\n`);
      }
      rmSync(path, { force: true });
    };
    const inMemory = (['parse', 'fit'] as const).filter((k) => settings.cases.has(k));
    if (inMemory.length > 0) await runOn(settings.rows, [...inMemory]);
    if (settings.cases.has('stream') && settings.streamRows > 0) await runOn(settings.streamRows, ['stream']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(filesTable(results));
  return results;
}

export function filesTable(results: FilesCaseResult[]): string {
  const lines = [
    '| case | rows × cols | file MB | seconds | MB/s | peak RSS MB | RSS / design | load (start, end) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.case} | ${r.nRows} × ${r.nFeatures} | ${r.fileMB.toFixed(0)} | ${r.seconds.toFixed(1)} | ${r.mbPerSecond.toFixed(1)} | ${r.peakRssMB.toFixed(0)} | ${(r.peakRssMB / r.designMB).toFixed(2)} | ${r.loadAverage.map((x) => x.toFixed(1)).join(', ')} |`,
    );
  }
  return lines.join('\n');
}

function parseFilesArgs(argv: readonly string[]): FilesSettings {
  const settings: FilesSettings = {
    rows: 2_000_000,
    features: 10,
    streamRows: 20_000_000,
    cases: new Set(['parse', 'fit', 'stream']),
    seed: 20240604,
    out: '',
  };
  for (const arg of argv) {
    const [key, value] = arg.split('=') as [string, string | undefined];
    if (key === '--rows') settings.rows = Number(value);
    else if (key === '--features') settings.features = Number(value);
    else if (key === '--stream-rows') settings.streamRows = Number(value);
    else if (key === '--cases') settings.cases = new Set(value!.split(','));
    else if (key === '--seed') settings.seed = Number(value);
    else if (key === '--out') settings.out = value!;
    else throw new Error(`bench files: unknown argument ${arg} (expected --rows=N --features=P --stream-rows=N --cases=parse,fit,stream --seed=N --out=FILE)`);
  }
  return settings;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const childArg = process.argv.find((a) => a.startsWith('--child='));
  if (childArg !== undefined) {
    await child(childArg.slice(8), process.argv.at(-1)!);
  } else {
    const settings = parseFilesArgs(process.argv.slice(2));
    const results = await runFilesBench(settings);
    if (settings.out) writeFileSync(settings.out, JSON.stringify({ loadAverage: loadavg(), results }, null, 2) + '\n');
  }
}
