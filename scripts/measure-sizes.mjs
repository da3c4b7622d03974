// Sizes a user of the built package pays for: the npm tarball, and what esbuild bundles
// (minified, then gzip) for a few imports, as a browser app's production build would.
// Usage: npm run build && node scripts/measure-sizes.mjs
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

const pack = spawnSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: root, encoding: 'utf8' });
const [{ size, unpackedSize, entryCount }] = JSON.parse(pack.stdout);
console.log(`npm tarball: ${kib(size)} (${kib(unpackedSize)} unpacked, ${entryCount} files)`);

const cases = {
  'import { softmaxToLogistic } from softlogit': "import { softmaxToLogistic } from 'softlogit'; console.log(softmaxToLogistic([[0, 1]]));",
  'import { init, fitLogistic } from softlogit': "import { init, fitLogistic } from 'softlogit'; await init(); console.log(fitLogistic([[1], [2]], [0, 1]));",
  'import { FitWorker } from softlogit/worker (page side)': "import { FitWorker } from 'softlogit/worker'; console.log(new FitWorker());",
};
// An app directory whose node_modules/softlogit links here: imports resolve through "exports".
const app = mkdtempSync(join(tmpdir(), 'softlogit-size-'));
mkdirSync(join(app, 'node_modules'));
symlinkSync(root, join(app, 'node_modules', 'softlogit'), 'dir');
for (const [label, contents] of Object.entries(cases)) {
  const result = await build({
    stdin: { contents, resolveDir: app, loader: 'js' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  console.log(`${label}: ${kib(code.length)} minified, ${kib(gzipSync(code).length)} gzip`);
}
rmSync(app, { recursive: true, force: true });
const worker = readFileSync(join(root, 'dist', 'worker', 'worker.js'));
console.log(`dist/worker/worker.js (the worker script, self-contained): ${kib(worker.length)} minified, ${kib(gzipSync(worker).length)} gzip`);
