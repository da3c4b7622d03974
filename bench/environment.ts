// What the numbers were measured on: CPU model, cores, memory, load, Node/V8, package versions.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mlMatrixVersion } from './contenders/mlLogisticRegression.js';

export interface Environment {
  cpu: string;
  cores: number;
  memoryGiB: number;
  /** 1-minute load average at the start; the machine is shared, so this says how noisy it was. */
  loadAverage: number;
  node: string;
  v8: string;
  platform: string;
  versions: Record<string, string>;
}

/** The repository root (build/bench/environment.js is two levels below it). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const match = /^model name\s*:\s*(.+)$/m.exec(info);
    const flags = /^flags\s*:\s*(.+)$/m.exec(info)?.[1]?.split(/\s+/) ?? [];
    const simd = ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f'].filter((f) => flags.includes(f));
    if (match) return `${match[1]!.trim()}${simd.length ? ` (${simd.join(' ')})` : ''}`;
  } catch {
    // not Linux: fall through
  }
  return cpus()[0]?.model ?? 'unknown';
}

function packageVersion(name: string): string {
  try {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules', ...name.split('/'), 'package.json'), 'utf8')) as { version?: string };
    if (manifest.version) return manifest.version;
  } catch {
    // not installed at the top level: resolve it
  }
  const require = createRequire(join(ROOT, 'package.json'));
  try {
    let dir = dirname(require.resolve(name));
    for (let up = 0; up < 5; up++, dir = dirname(dir)) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (manifest.name === name && manifest.version) return manifest.version;
      } catch {
        // keep looking up
      }
    }
  } catch {
    // not resolvable from the root
  }
  return 'unknown';
}

export function environment(): Environment {
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: Number(loadavg()[0]!.toFixed(2)),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    versions: {
      softlogit: own.version,
      tinybench: packageVersion('tinybench'),
      'ml-logistic-regression': packageVersion('ml-logistic-regression'),
      'ml-matrix': mlMatrixVersion(),
      '@tensorflow/tfjs': packageVersion('@tensorflow/tfjs'),
      assemblyscript: packageVersion('assemblyscript'),
      typescript: packageVersion('typescript'),
    },
  };
}

/**
 * Writes the kernel's dirty page cache to disk (`sync`) and returns the seconds it took, or null
 * where there is no `sync` command. The suite writes gigabytes of temporary files (the files and
 * SQL cases' CSV and Parquet, the peers' data): the kernel writes them back in the background for
 * up to ~30 s afterwards, on the same two cores and memory bus a timed fit is using. Called before
 * each timed case, so the writing-back happens between cases, not during one.
 */
export function flushDirtyPages(): number | null {
  if (process.platform === 'win32') return null;
  const started = performance.now();
  const run = spawnSync('sync', [], { stdio: 'ignore' });
  return run.error || run.status !== 0 ? null : (performance.now() - started) / 1000;
}

/**
 * A directory for temporary files that only hand data from one process to another (nothing reads
 * them back as a measured file read): /dev/shm, memory-backed, when it is there and writable, so
 * they are never written back to disk while a fit is timed; otherwise the system's temp directory.
 */
export function scratchDirectory(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}
