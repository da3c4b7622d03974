// Type-checks a consumer of the built package that has neither the DOM lib nor @types/node
// (lib: ES2022, types: []), with skipLibCheck off, so every shipped .d.ts must stand on its own:
// no WebAssembly, URL, AbortSignal, Worker or Node globals. It checks an ES module consumer and a
// CommonJS one (module: nodenext), and one resolved as a bundler does (moduleResolution: bundler).
// The consumer finds the package through a node_modules/softlogit link to this directory, so this
// checks dist/ as package.json's exports map points to it.
// Usage: npm run build && node scripts/check-consumer-types.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'build', 'consumer-types');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

const source = `
import { init, fitLogistic, softmaxToLogistic, SoftlogitError, initThreads, type LogisticFit } from 'softlogit';
import { FitWorker, fitInWorker } from 'softlogit/worker';

export async function main(): Promise<number> {
  await init();
  await initThreads(2);
  const fit: LogisticFit = fitLogistic([[1], [2], [3], [4]], [0, 1, 0, 1], { threads: 2 });
  const worker = new FitWorker({ workerURL: 'https://example.org/worker.js' });
  const remote = await worker.fitLogistic([[1], [2]], [0, 1], { transfer: true, onTiming: (ms: number) => ms });
  worker.terminate();
  const other = await fitInWorker('softmax', [[1], [2]], ['a', 'b']);
  if (other.coefficients.rows < 0) throw new SoftlogitError('BAD_OPTION', 'unreachable');
  return fit.coefficients[0]! + remote.coefficients[0]! + softmaxToLogistic([[0, 1]])[0]!;
}
`;

const cases = [
  { name: 'esm-nodenext', type: 'module', file: 'index.ts', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'cjs-nodenext', type: 'commonjs', file: 'index.cts', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'bundler', type: 'module', file: 'index.ts', compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } },
];

rmSync(dir, { recursive: true, force: true });
let failed = 0;
for (const c of cases) {
  const at = join(dir, c.name);
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'package.json'), JSON.stringify({ name: `consumer-${c.name}`, private: true, type: c.type }));
  writeFileSync(join(at, c.file), source);
  mkdirSync(join(at, 'node_modules'));
  symlinkSync(root, join(at, 'node_modules', 'softlogit'), 'dir');
  writeFileSync(join(at, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      ...c.compilerOptions, target: 'ES2022', lib: ['ES2022'], types: [], strict: true, noEmit: true, skipLibCheck: false,
    },
    files: [c.file],
  }, null, 2));
  const run = spawnSync(process.execPath, [tsc, '-p', join(at, 'tsconfig.json')], { encoding: 'utf8' });
  const ok = run.status === 0;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${c.name} (lib ES2022, no DOM, no @types/node)`);
  if (!ok) console.log(run.stdout + run.stderr);
}
rmSync(dir, { recursive: true, force: true });
process.exit(failed === 0 ? 0 : 1);
