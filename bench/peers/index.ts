// The native peers (issue #17): scikit-learn and statsmodels, run by bench/peers/peers.py on the
// same seeded data as softlogit. The data is written once per case to a temporary binary file
// (X row-major float64, the response float64) and read by numpy; the script's JSON answer gives
// the BLAS that ran (threadpoolctl), times and coefficients.
//
// The files are a hand-off, in /dev/shm where there is one (bench/environment.ts scratchDirectory):
// 400 MB at 1e6 x 50, which the kernel would otherwise write back to disk while the next fits are
// timed.
//
// The peers are optional: `findPeerPython()` looks for a python3 that imports numpy, sklearn,
// statsmodels and threadpoolctl (the one first on PATH, then /usr/bin/python3 and
// /usr/local/bin/python3, or $SOFTLOGIT_BENCH_PYTHON), and the runner says which, or that none did.
//
//   node build/bench/peers/index.js binary 1000000 50      # one case alone, seeded as passes.js
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BinaryData, MultinomialData } from '../data.js';
import { ROOT, scratchDirectory } from '../environment.js';

/** The interpreters tried, in order ($SOFTLOGIT_BENCH_PYTHON first when set). */
const PYTHON_CANDIDATES = ['python3', '/usr/bin/python3', '/usr/local/bin/python3'];
/** Threads the peers' BLAS may use (OpenBLAS; the issue's comparison: 2, the machine's cores). */
export const PEER_BLAS_THREADS = 2;
/** Seconds of repeated calls per peer contender (at least 3 for scikit-learn, 1 for statsmodels). */
const PEER_BUDGET_SECONDS = 6;

export interface PeerPython {
  /** The command that ran (as tried) and the interpreter it resolved to. */
  command: string;
  executable: string;
}

export interface PeerContender {
  contender: string;
  medianSeconds: number;
  sampleSeconds: number[];
  iterations: number;
  coefficients: number[];
  standardErrors?: number[];
}

export interface PeerRun {
  python: string;
  versions: Record<string, string>;
  blasThreads: number;
  threadpools: Array<Record<string, unknown>>;
  contenders: PeerContender[];
}

/** The first python3 that imports the peers' modules, or why none did (one line per candidate). */
export function findPeerPython(): { python: PeerPython } | { missing: string } {
  const candidates = [process.env.SOFTLOGIT_BENCH_PYTHON, ...PYTHON_CANDIDATES].filter((c): c is string => typeof c === 'string' && c !== '');
  const reasons: string[] = [];
  for (const command of [...new Set(candidates)]) {
    const probe = spawnSync(command, ['-c', 'import sys, numpy, sklearn, statsmodels, threadpoolctl; print(sys.executable)'], { encoding: 'utf8' });
    if (probe.status === 0) return { python: { command, executable: probe.stdout.trim() } };
    const why = probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`);
    reasons.push(`${command}: ${why}`);
  }
  return { missing: reasons.join('; ') };
}

/** Describes the BLAS the peers ran on, from threadpoolctl's report. */
export function describeBlas(run: PeerRun): string {
  const blas = run.threadpools.filter((t) => t.user_api === 'blas');
  if (blas.length === 0) return 'no BLAS found by threadpoolctl';
  return blas.map((t) => `${String(t.internal_api)} ${String(t.version)} (${String(t.threading_layer)}, ${String(t.architecture)}, ${String(t.num_threads)} threads)`).join(', ');
}

/**
 * Runs the peers on `data` with `python`: writes the case to a temporary directory, runs
 * peers.py there and deletes it.
 */
export function runPeers(python: PeerPython, data: BinaryData | MultinomialData, budgetSeconds = PEER_BUDGET_SECONDS): PeerRun {
  const dir = mkdtempSync(join(scratchDirectory(), 'softlogit-peers-'));
  try {
    const binary = 'y' in data;
    const response = binary ? data.y : data.labels;
    writeFileSync(join(dir, 'x.f64'), new Uint8Array(data.X.data.buffer, data.X.data.byteOffset, data.X.data.byteLength));
    writeFileSync(join(dir, 'response.f64'), new Uint8Array(response.buffer, response.byteOffset, response.byteLength));
    const header = {
      kind: binary ? 'binary' : 'multinomial',
      nRows: data.X.nRows,
      nFeatures: data.X.nFeatures,
      nClasses: binary ? 2 : data.nClasses,
      x: 'x.f64',
      response: 'response.f64',
    };
    writeFileSync(join(dir, 'case.json'), JSON.stringify(header));
    const script = join(ROOT, 'bench', 'peers', 'peers.py');
    const run = spawnSync(python.command, [script, join(dir, 'case.json'), `--budget=${budgetSeconds}`, `--blas-threads=${PEER_BLAS_THREADS}`], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`peers.py failed (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`);
    return JSON.parse(run.stdout) as PeerRun;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Alone: node build/bench/peers/index.js binary|multinomial n p [K] [seed]
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { makeBinary, makeMultinomial } = await import('../data.js');
  const [kind = 'binary', n = '1000000', p = '50', K = '10', seed = '1'] = process.argv.slice(2);
  const found = findPeerPython();
  if ('missing' in found) {
    console.log(`no python3 with numpy, scikit-learn, statsmodels and threadpoolctl (${found.missing})`);
  } else {
    const data = kind === 'binary' ? makeBinary(Number(seed), Number(n), Number(p)) : makeMultinomial(Number(seed), Number(n), Number(p), Number(K));
    const run = runPeers(found.python, data);
    console.log(`${run.python} (${Object.entries(run.versions).map(([k, v]) => `${k} ${v}`).join(', ')}); BLAS: ${describeBlas(run)}`);
    for (const c of run.contenders) console.log(`${c.contender}: ${(c.medianSeconds * 1e3).toFixed(0)} ms (samples ${c.sampleSeconds.map((s) => (s * 1e3).toFixed(0)).join(', ')}), ${c.iterations} iterations`);
  }
}
