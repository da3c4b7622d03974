// The consumer app built for production by Vite, webpack, esbuild and Rollup, from a project
// that installed the packed tarball. The bundlers themselves are this repository's pinned
// devDependencies, driven through their APIs; everything they bundle resolves from the
// throwaway project's node_modules.
//
// Vite and webpack follow the library's `new Worker(new URL('./worker.js', import.meta.url))`, so
// the app uses `new FitWorker()`. esbuild and Rollup do not: the app passes
// `new FitWorker({ workerURL })` and the build takes the package's worker module as a second entry
// (config.mjs, WORKER_ENTRY_IN_PACKAGE), as the package documents for them.
import { copyFileSync, cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UCLA_CSV, WORKER_ENTRY_IN_PACKAGE, WORKER_OUTPUT, THREADS } from '../config.mjs';

const FIXTURES = new URL('../fixtures/app/', import.meta.url);

const workerUrlExpression = `new URL(${JSON.stringify(`./${WORKER_OUTPUT}`)}, import.meta.url)`;
const ENTRIES = {
  'entry-default.js': "import { runApp } from './app.js';\nrunApp({});\n",
  'entry-worker-url.js': `import { runApp } from './app.js';\nrunApp({ workerURL: ${workerUrlExpression} });\n`,
  'entry-threads-default.js': `import { runThreads } from './threads.js';\nrunThreads({}, ${THREADS});\n`,
  'entry-threads-worker-url.js': `import { runThreads } from './threads.js';\nrunThreads({ workerURL: ${workerUrlExpression} }, ${THREADS});\n`,
};

function html(title, script) {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>\n<body><pre id="result"></pre>\n${script}\n</body></html>\n`;
}

/** Copies the app's sources into `<project>/app` and writes its entry modules. */
export function writeApp(project) {
  const app = join(project, 'app');
  rmSync(app, { recursive: true, force: true });
  cpSync(FIXTURES, app, { recursive: true });
  for (const [name, source] of Object.entries(ENTRIES)) writeFileSync(join(app, name), source);
  return app;
}

function finish(out, pages) {
  for (const [name, body] of Object.entries(pages)) writeFileSync(join(out, name), body);
  copyFileSync(UCLA_CSV, join(out, 'binary.csv'));
  return out;
}

/** Names and sizes of the files a build wrote, for the log. */
export function listing(out) {
  return readdirSync(out, { recursive: true })
    .filter((f) => statSync(join(out, f)).isFile())
    .map((f) => `${f} ${statSync(join(out, f)).size}`)
    .join(', ');
}

export const BUNDLERS = {
  async vite(project, app) {
    const { build } = await import('vite');
    const out = join(project, 'out', 'vite');
    writeFileSync(join(app, 'index.html'), html('vite', '<script type="module" src="./entry-default.js"></script>'));
    writeFileSync(join(app, 'threads.html'), html('vite threads', '<script type="module" src="./entry-threads-default.js"></script>'));
    await build({
      root: app,
      configFile: false,
      base: './',
      mode: 'production',
      logLevel: 'silent',
      build: {
        outDir: out,
        emptyOutDir: true,
        rolldownOptions: { input: { index: join(app, 'index.html'), threads: join(app, 'threads.html') } },
      },
    });
    return finish(out, {});
  },

  async webpack(project, app) {
    const { default: webpack } = await import('webpack');
    const out = join(project, 'out', 'webpack');
    const compiler = webpack({
      mode: 'production',
      context: app,
      entry: { main: './entry-default.js', threads: './entry-threads-default.js' },
      output: { path: out, filename: '[name].js', clean: true },
      target: 'web',
      devtool: false,
      performance: { hints: false },
      infrastructureLogging: { level: 'error' },
    });
    const stats = await new Promise((resolve, reject) => compiler.run((error, result) => (error ? reject(error) : resolve(result))));
    await new Promise((resolve) => compiler.close(resolve));
    if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true, errorDetails: false }));
    return finish(out, {
      'index.html': html('webpack', '<script src="./main.js"></script>'),
      'threads.html': html('webpack threads', '<script src="./threads.js"></script>'),
    });
  },

  async esbuild(project, app) {
    const esbuild = await import('esbuild');
    const out = join(project, 'out', 'esbuild');
    rmSync(out, { recursive: true, force: true });
    await esbuild.build({
      entryPoints: {
        main: join(app, 'entry-worker-url.js'),
        threads: join(app, 'entry-threads-worker-url.js'),
        'threads-worker': join(app, 'threads-worker.js'),
        [WORKER_OUTPUT.replace(/\.js$/, '')]: join(project, 'node_modules', 'softlogit', WORKER_ENTRY_IN_PACKAGE),
      },
      outdir: out,
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      logLevel: 'silent',
    });
    return finish(out, {
      'index.html': html('esbuild', '<script type="module" src="./main.js"></script>'),
      'threads.html': html('esbuild threads', '<script type="module" src="./threads.js"></script>'),
    });
  },

  async rollup(project, app) {
    const { rollup } = await import('rollup');
    const { nodeResolve } = await import('@rollup/plugin-node-resolve');
    const out = join(project, 'out', 'rollup');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const bundle = await rollup({
      input: {
        main: join(app, 'entry-worker-url.js'),
        threads: join(app, 'entry-threads-worker-url.js'),
        'threads-worker': join(app, 'threads-worker.js'),
        [WORKER_OUTPUT.replace(/\.js$/, '')]: join(project, 'node_modules', 'softlogit', WORKER_ENTRY_IN_PACKAGE),
      },
      plugins: [nodeResolve({ browser: true })],
      onwarn: () => undefined,
    });
    await bundle.write({ dir: out, format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunk-[hash].js' });
    await bundle.close();
    return finish(out, {
      'index.html': html('rollup', '<script type="module" src="./main.js"></script>'),
      'threads.html': html('rollup threads', '<script type="module" src="./threads.js"></script>'),
    });
  },
};
