#!/usr/bin/env node
// The consumer tests of issue #13: the package as users install it (npm pack → npm install into
// throwaway projects), run from Node (ESM and CommonJS), type-checked by TypeScript in several
// setups, bundled by Vite, webpack, esbuild and Rollup for production and run in headless
// Chromium, with the sizes of one-function bundles.
//
//   node test/consumers/run.mjs [--report FILE] [--skip-build] [--keep] [--only REGEX] [--tarball FILE]
//
// Every check prints PASS or FAIL with what it saw; the run ends with "consumers: N passed,
// N failed", writes the same counts (and every check) to --report FILE as JSON, and exits 1 if
// any check failed. --skip-build packs the existing dist/ (after `npm run build`) with
// `npm pack --ignore-scripts` instead of letting `npm pack` build it; --keep leaves
// the temporary projects in place; --only runs the checks whose names match; --tarball installs
// that tarball instead of packing this repository.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NODE_TIMEOUT_MS, REPOSITORY, RUN_TIMEOUT_MS, THREADS, THREADED_BUNDLERS, UCLA_CSV } from './config.mjs';
import { Report, expectIntercept, run, tail } from './lib/harness.mjs';
import { installConsumer, packRepository } from './lib/pack.mjs';
import { TS_SETUPS, typecheck } from './lib/typescript.mjs';
import { SIZE_APPS, measure } from './lib/sizes.mjs';
import { BUNDLERS, listing, writeApp } from './lib/bundlers.mjs';
import { serve } from './lib/server.mjs';
import { launchBrowser, runPage } from './lib/browser.mjs';

const { values: args } = parseArgs({
  options: {
    report: { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    only: { type: 'string' },
    tarball: { type: 'string' },
  },
});
const only = args.only ? new RegExp(args.only, 'i') : undefined;

const report = new Report();
const tmp = mkdtempSync(join(tmpdir(), 'softlogit-consumers-'));
const project = join(tmp, 'consumer');
const cleanups = [];

async function cleanup() {
  for (const stop of cleanups.splice(0).reverse()) {
    try { await stop(); } catch { /* best effort */ }
  }
  if (!args.keep) rmSync(tmp, { recursive: true, force: true });
  else console.log(`kept ${tmp}`);
}

function finish() {
  const width = Math.max(...report.results.map((r) => r.name.length));
  console.log('\nsummary');
  for (const r of report.results) console.log(`  ${r.status === 'passed' ? 'PASS' : 'FAIL'}  ${r.name.padEnd(width)}  ${(r.ms / 1000).toFixed(1)} s`);
  console.log(`\nconsumers: ${report.passed} passed, ${report.failed} failed (${((Date.now() - report.started) / 1000).toFixed(0)} s)`);
  if (args.report) report.write(args.report);
}

const watchdog = setTimeout(async () => {
  console.log(`FAIL  the whole run: stopped after ${RUN_TIMEOUT_MS / 1000} s`);
  report.results.push({ name: 'the whole run within its time limit', status: 'failed', detail: 'timed out', ms: RUN_TIMEOUT_MS });
  await cleanup();
  finish();
  process.exit(1);
}, RUN_TIMEOUT_MS);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => { await cleanup(); process.exit(130); });
}

/** Runs a check unless --only excludes it. */
function check(name, fn) {
  return only && !only.test(name) ? Promise.resolve(true) : report.check(name, fn);
}

/** Runs a Node script of fixtures/node in the consumer project; resolves to its last stdout line as JSON. */
async function nodeScript(script, ...rest) {
  const result = await run(process.execPath, [join(project, 'node', script), UCLA_CSV, ...rest], {
    cwd: join(project, 'node'), timeoutMs: NODE_TIMEOUT_MS,
  });
  if (result.code !== 0) {
    // The error's first lines (message, code), not its stack.
    const lines = (result.stderr || result.stdout).split('\n').filter((l) => l.trim() !== '' && !/^\s+at /.test(l));
    const errorLines = lines.filter((l) => /^\w*Error\b|^\s*code: /.test(l));
    throw new Error(`node ${script} exited with ${result.code}:\n${(errorLines.length > 0 ? errorLines : lines).slice(0, 8).join('\n')}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

/** The part of a page's result a check reads: throws what the page reported if that part failed. */
function part(result, key) {
  if (result.error) throw new Error(`the page failed before ${key}: ${result.error}`);
  const value = result[key];
  if (value === undefined) throw new Error(`the page printed no '${key}': ${JSON.stringify(result)}`);
  if (value.error) throw new Error(value.error);
  return value;
}

async function main() {
  // 1. The package as it would be published, installed into a new project.
  let tarball = args.tarball && resolve(args.tarball);
  const packed = tarball !== undefined || await report.check(`pack: npm pack${args['skip-build'] ? ' --ignore-scripts (existing build)' : ' (builds through prepare)'}`, async () => {
    const info = await packRepository(tmp, { skipBuild: args['skip-build'] });
    tarball = info.tarball;
    const worker = info.files.filter((f) => f.startsWith('dist/worker/') && f.endsWith('.js'));
    return `${info.files.length} files, ${(info.size / 1024).toFixed(0)} KB packed; ${worker.join(', ')}`;
  });
  const installed = packed && await report.check('install: npm install <tarball> in a new project', async () => {
    await installConsumer(project, tarball);
    cpSync(new URL('./fixtures/node/', import.meta.url), join(project, 'node'), { recursive: true });
    return project;
  });
  if (!installed) return;

  // 2. Node.
  await check('node ESM: import softlogit, fit on this thread', async () => expectIntercept((await nodeScript('esm.mjs')).intercept, 'fitLogistic'));
  await check('node ESM: import softlogit/worker, FitWorker', async () => expectIntercept((await nodeScript('esm-worker.mjs')).intercept, 'FitWorker'));
  await check("node CJS: require('softlogit'), fit on this thread", async () => expectIntercept((await nodeScript('cjs.cjs')).intercept, 'fitLogistic'));
  await check("node CJS: require('softlogit/worker'), FitWorker", async () => expectIntercept((await nodeScript('cjs-worker.cjs')).intercept, 'FitWorker'));
  await check(`node ESM: initThreads(${THREADS}) and { threads: ${THREADS} }`, async () => {
    const out = await nodeScript('threads.mjs', String(THREADS));
    if (out.threads !== THREADS) throw new Error(`initThreads(${THREADS}) resolved to ${out.threads} (notices: ${JSON.stringify(out.notices)})`);
    return `${out.threads} threads, ${expectIntercept(out.intercept, 'threads fit')}`;
  });

  await check('node: the installed command line, softlogit fit --json', async () => {
    const bin = join(project, 'node_modules', '.bin', 'softlogit');
    const result = await run(bin, ['fit', UCLA_CSV, '--response', 'admit', '--predictors', 'gre,gpa', '--json'], { cwd: project, timeoutMs: NODE_TIMEOUT_MS });
    if (result.code !== 0) throw new Error(`softlogit fit exited with ${result.code}:\n${tail(result.stderr || result.stdout, 8)}`);
    return expectIntercept(JSON.parse(result.stdout).coefficients[0], 'softlogit fit');
  });

  // 3. TypeScript: the package's own lint (attw on the tarball for every export and resolver,
  // publint --strict, the .d.ts without DOM or @types/node), then each consumer setup.
  await check('lint: attw --pack, publint --strict, consumer type-check (npm run lint:package)', async () => {
    const result = await run(process.execPath, [join(REPOSITORY, 'scripts', 'lint-package.mjs')], { cwd: REPOSITORY, timeoutMs: 300_000 });
    if (result.code !== 0) throw new Error(`lint:package failed:\n${tail(result.stdout + result.stderr, 20)}`);
    return tail(result.stdout, 1).trim();
  });
  // 3. TypeScript.
  for (const name of Object.keys(TS_SETUPS)) await check(`tsc: ${name}`, () => typecheck(project, name));

  // 4. Bundle sizes.
  for (const name of Object.keys(SIZE_APPS)) {
    await check(`size: an app importing only ${name} (esbuild, minified + gzip)`, async () => {
      const size = await measure(project, name);
      const line = `${size.minified} B minified, ${size.gzip} B gzip (bound ${size.bound} B gzip), ${size.modules} modules, WebAssembly ${size.hasWasm ? 'embedded' : 'absent'}, csv-parse ${size.csvParse ? 'bundled' : 'absent'}`;
      if (size.gzip > size.bound) throw new Error(`too large: ${line}`);
      if (size.hasWasm !== size.expectWasm) throw new Error(`WebAssembly ${size.expectWasm ? 'missing' : 'bundled although unused'}: ${line}`);
      if (size.csvParse) throw new Error(`csv-parse bundled although unused: ${line}`);
      return line;
    });
  }

  // 5. Bundlers, production builds run in Chromium.
  const bundlers = Object.keys(BUNDLERS).filter((b) => !only || only.test(b));
  if (bundlers.length === 0) return;
  const app = writeApp(project);
  const browser = await launchBrowser();
  cleanups.push(() => browser.close());
  for (const bundler of bundlers) {
    let out;
    const built = await report.check(`${bundler}: production build`, async () => {
      out = await BUNDLERS[bundler](project, app);
      return listing(out);
    });
    const pageChecks = [`${bundler}: fit on the page's main thread`, `${bundler}: fit in FitWorker`];
    const threadChecks = THREADED_BUNDLERS.includes(bundler) ? [
      `${bundler} threads page (cross-origin isolated): initThreads(${THREADS}) + { threads: ${THREADS} } on the main thread`,
      `${bundler} threads page (cross-origin isolated): initThreads(${THREADS}) in the app's own module worker`,
      `${bundler} threads page (cross-origin isolated): FitWorker with { threads: ${THREADS} }`,
    ] : [];
    if (!built) {
      for (const name of [...pageChecks, ...threadChecks]) report.skipAsFailed(name, `the ${bundler} build failed`);
      continue;
    }
    const plain = await serve(out);
    cleanups.push(plain.close);
    let page;
    const loadPage = async () => (page ??= await runPage(browser, `${plain.url}index.html`).catch((error) => ({ failure: error })));
    const read = async (key) => {
      const loaded = await loadPage();
      if (loaded.failure) throw loaded.failure;
      return part(loaded.result, key);
    };
    await report.check(pageChecks[0], async () => expectIntercept((await read('main')).intercept, 'main thread'));
    await report.check(pageChecks[1], async () => expectIntercept((await read('worker')).intercept, 'FitWorker'));
    await plain.close();

    if (threadChecks.length === 0) continue;
    const isolated = await serve(out, { isolated: true });
    cleanups.push(isolated.close);
    let threadsPage;
    const readThreads = async (key) => {
      threadsPage ??= await runPage(browser, `${isolated.url}threads.html`).catch((error) => ({ failure: error }));
      if (threadsPage.failure) throw threadsPage.failure;
      if (threadsPage.result.crossOriginIsolated !== true) throw new Error('the page is not cross-origin isolated (COOP/COEP headers)');
      return part(threadsPage.result, key);
    };
    await report.check(threadChecks[0], async () => {
      const r = await readThreads('main');
      // The documented behaviour: a page's main thread cannot wait on Atomics, so the fit runs on one thread with a notice.
      return `initThreads → ${r.threads}; ${expectIntercept(r.intercept, `main thread, threads: ${THREADS}`)}; notices: ${JSON.stringify(r.notices)}`;
    });
    await report.check(threadChecks[1], async () => {
      const r = await readThreads('ownWorker');
      if (r.threads !== THREADS) throw new Error(`initThreads(${THREADS}) in a module worker resolved to ${r.threads}: ${JSON.stringify(r.notices)}`);
      return `initThreads → ${r.threads}; ${expectIntercept(r.intercept, `own worker, threads: ${THREADS}`)}`;
    });
    await report.check(threadChecks[2], async () => {
      const r = await readThreads('fitWorker');
      const fallback = r.warnings.filter((w) => /thread/i.test(w));
      const line = expectIntercept(r.intercept, `FitWorker, threads: ${THREADS}`);
      if (fallback.length > 0) throw new Error(`the worker fitted on one thread: ${fallback.join('; ')} (${line})`);
      return `${line}; warnings: ${JSON.stringify(r.warnings)}`;
    });
    await isolated.close();
  }
}

let crashed;
try {
  await main();
} catch (error) {
  crashed = error;
  report.results.push({ name: 'the test runner itself', status: 'failed', detail: String(error?.stack ?? error), ms: 0 });
  console.log(`FAIL  the test runner itself\n      ${error?.stack ?? error}`);
}
clearTimeout(watchdog);
await cleanup();
finish();
process.exit(report.failed > 0 || crashed ? 1 : 0);
