// Global setup of the `node` test project: bundle the worker entry (src/worker/worker.ts) into one
// ES module that a Node worker thread can load, and hand its URL to the tests as
// inject('nodeWorkerURL'). Node 20 cannot run the TypeScript sources in a worker thread, and
// testing dist/ would test whatever was built last; this bundle is made from src/ on every run.
// (The browser project needs none of this: Vite serves src/worker/worker.ts to the Web Worker.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** file: URL of the bundled worker entry, for FitWorker's `workerURL` in Node. */
    nodeWorkerURL: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const outDir = mkdtempSync(join(tmpdir(), 'softlogit-worker-'));
  await build({
    configFile: false,
    logLevel: 'warn',
    root: project.config.root,
    ssr: { noExternal: true },
    build: {
      ssr: 'src/worker/worker.ts',
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'worker.mjs' } },
    },
  });
  project.provide('nodeWorkerURL', pathToFileURL(join(outDir, 'worker.mjs')).href);
  return () => rmSync(outDir, { recursive: true, force: true });
}
