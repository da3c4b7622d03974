// Bundles the worker entry (dist/worker/worker.js, which tsc compiled from src/worker/worker.ts)
// into one self-contained, minified ES module in its place. It ships without a source map: a map
// with its sources would be four times the script (the sources of the rest of dist/ are in their
// maps).
//
// Why one file: FitWorker starts `new URL('./worker.js', import.meta.url)`. Vite and webpack see
// that and bundle the worker themselves; esbuild and Rollup leave the URL as it is, and the user
// copies the worker to their static files and passes `workerURL`. A single file with no imports is
// what can be copied anywhere; it holds the fit code and the embedded WebAssembly, not the CSV
// parser or the conversions (the worker imports the fit modules, not the package index).
// Usage: node scripts/bundle-worker.mjs   (after tsc -p tsconfig.build.json)
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'worker', 'worker.js');
const entry = join(root, 'dist', 'worker', 'worker.entry.js');

// tsc wrote worker.js; bundle it from a renamed copy, then write the bundle over worker.js.
/**
 * Dynamic imports in the worker: Node's modules, in the Node branches (worker.ts, threads/pool.ts:
 * node:worker_threads twice, node:os), each named through a variable.
 */
const NODE_IMPORTS = 3;
renameSync(out, entry);
rmSync(`${out}.map`, { force: true });
try {
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: 'esm',
    // Neither browser nor Node: the entry decides at run time, and Node's module stays a dynamic
    // import marked for bundlers to ignore (esbuild keeps the webpackIgnore / @vite-ignore comments).
    platform: 'neutral',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
} finally {
  rmSync(entry, { force: true });
  rmSync(`${entry}.map`, { force: true });
}

// Minifying drops the comments that tell webpack and Vite to leave those imports alone (webpack
// would otherwise warn "the request of a dependency is an expression" when it bundles the worker).
// Put them back; every dynamic import in this file is one of Node's.
const text = readFileSync(out, 'utf8');
const imports = text.match(/\bimport\(/g)?.length ?? 0;
if (imports !== NODE_IMPORTS) {
  throw new Error(`bundle-worker: expected ${NODE_IMPORTS} dynamic imports (Node's modules) in the worker, found ${imports}; update NODE_IMPORTS after checking them`);
}
// `export {}`: the script exports nothing, and says so, so tools that guess a file's module format
// from its syntax (publint) see an ES module, not a CommonJS script.
writeFileSync(out, `${text.replace(/\bimport\(/g, 'import(/* webpackIgnore: true */ /* @vite-ignore */ ').trimEnd()}\nexport {};\n`);

// Vite builds workers as IIFE scripts by default, which cannot hold a top-level await: check that
// this one builds as one.
await build({ stdin: { contents: readFileSync(out, 'utf8'), loader: 'js' }, format: 'iife', write: false, logLevel: 'silent' }).catch((error) => {
  throw new Error(`bundle-worker: dist/worker/worker.js does not build as an IIFE script (top-level await?): ${error.message}`);
});
