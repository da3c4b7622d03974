/**
 * The package as consumers get it: package.json's exports map and the built dist/ (which `npm ci`
 * builds through `prepare`; after changing src/, `npm run build` first). The other test files test
 * src/; these test what resolvers and bundlers see. Heavier checks of the published tarball
 * (@arethetypeswrong/cli, publint, a type-check without DOM or @types/node) run in
 * `npm run lint:package`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
  sideEffects: string[] | boolean;
};

/**
 * A conversion-only import bundles the conversions and the error class: ~2.7 KiB minified. With
 * the WebAssembly (each embedded module ~19 KiB of base64) or csv-parse (~20 KiB) it would be far
 * above this.
 */
const CONVERSION_ONLY_MAX_BYTES = 8 * 1024;
/** A .d.ts of an embedded module that says `string`; the old literal type was 19 KB. */
const GENERATED_DTS_MAX_BYTES = 512;

/** Runs `code` as a CommonJS script in a separate Node inside the package (it requires itself by name). */
function runCommonJS(code: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8' });
}

describe('package.json exports', () => {
  it('gives . and ./worker the conditions types, import, require and default, types first, every file built', () => {
    for (const entry of ['.', './worker']) {
      const conditions = manifest.exports[entry] as Record<string, string>;
      expect(Object.keys(conditions)).toEqual(['types', 'import', 'require', 'default']);
      for (const file of Object.values(conditions)) expect(existsSync(join(root, file)), file).toBe(true);
    }
    const script = manifest.exports['./worker-script'] as Record<string, string>;
    expect(Object.keys(script)).toEqual(['types', 'default']);
    expect(existsSync(join(root, script.default!))).toBe(true);
  });

  it("require('softlogit') and require('softlogit/worker') load in Node (require of ES modules)", () => {
    const run = runCommonJS(`
      const { init, fitLogistic, softmaxToLogistic } = require('softlogit');
      const { FitWorker } = require('softlogit/worker');
      init().then(() => {
        const fit = fitLogistic([[1], [2], [3], [4], [5], [6]], [0, 1, 0, 1, 1, 1]);
        console.log(JSON.stringify({ worker: typeof FitWorker, beta: Array.from(softmaxToLogistic([[0, 1], [0, 2]])), b1: fit.coefficients[1] }));
      });
    `);
    expect(run.stderr.replace(/.*ExperimentalWarning.*\n?|.*--trace-warnings.*\n?/g, '')).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { worker: string; beta: number[]; b1: number };
    expect(out.worker).toBe('function');
    expect(out.beta).toEqual([1, 2]);
    expect(out.b1).toBeGreaterThan(0);
  });

  it("a FitWorker required from CommonJS finds the built worker script and fits, with threads", () => {
    const run = runCommonJS(`
      const { FitWorker } = require('softlogit/worker');
      const worker = new FitWorker();
      const X = Array.from({ length: 600 }, (_, i) => [Math.sin(i), Math.cos(i)]);
      const y = X.map(([a, b], i) => (a - b + Math.sin(7 * i) > 0 ? 1 : 0));
      worker.fitLogistic(X, y, { threads: 2, onWarning: (m) => console.error(m) }).then((fit) => {
        console.log(fit.converged, fit.coefficients.length);
        worker.terminate();
      }, (e) => { console.error(e); process.exit(1); });
    `);
    expect(run.stderr.replace(/.*ExperimentalWarning.*\n?|.*--trace-warnings.*\n?/g, '')).toBe('');
    expect(run.stdout.trim()).toBe('true 3');
  });
});

describe('the worker script (dist/worker/worker.js)', () => {
  const script = readFileSync(join(root, 'dist', 'worker', 'worker.js'), 'utf8');

  it('builds as an IIFE script, as Vite builds workers by default (no top-level await)', async () => {
    await expect(build({ stdin: { contents: script, loader: 'js' }, format: 'iife', write: false, logLevel: 'silent' })).resolves.toBeDefined();
  });

  it('is self-contained (no static imports), and every dynamic import is marked for bundlers to ignore', () => {
    expect(script).not.toMatch(/(^|[;}\s])import\s*[{*\w'"]/);
    const dynamic = script.match(/\bimport\([^)]*\)/g) ?? [];
    expect(dynamic.length).toBeGreaterThan(0);
    for (const call of dynamic) expect(call).toMatch(/^import\(\/\* webpackIgnore: true \*\/ \/\* @vite-ignore \*\/ [\w$]+\)$/);
  });
});

describe('what bundlers and type-checkers get', () => {
  it('declares sideEffects, so a conversion-only import leaves out the WebAssembly and csv-parse', async () => {
    expect(manifest.sideEffects).toEqual(['./dist/worker/worker.js', './bin/*.js']);
    const result = await build({
      stdin: { contents: "import { softmaxToLogistic } from 'softlogit'; console.log(softmaxToLogistic([[0, 1]]));", resolveDir: root, loader: 'js' },
      bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code.length).toBeLessThan(CONVERSION_ONLY_MAX_BYTES);
    expect(code).not.toMatch(/AGFzbQ/); // the base64 of the WebAssembly magic number, \0asm
  });

  it('types the embedded WebAssembly modules as string, not as a 19 KB literal', () => {
    for (const file of ['dist/wasm/module.generated.d.ts', 'dist/threads/module.generated.d.ts']) {
      expect(readFileSync(join(root, file), 'utf8')).toMatch(/wasmBase64: string;/);
      expect(statSync(join(root, file)).size).toBeLessThan(GENERATED_DTS_MAX_BYTES);
    }
  });

  it('ships no source map that points at src/ (which is not in the package)', () => {
    const files = spawnSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: root, encoding: 'utf8' });
    const [{ files: packed }] = JSON.parse(files.stdout) as Array<{ files: Array<{ path: string }> }>;
    const maps = packed.filter((f) => f.path.endsWith('.map'));
    expect(maps).toEqual([]);
    const code = packed.filter((f) => f.path.endsWith('.js') && f.path.startsWith('dist/'));
    expect(code.length).toBeGreaterThan(10);
    for (const f of code) expect(readFileSync(join(root, f.path), 'utf8'), f.path).not.toMatch(/sourceMappingURL/);
  });
});
