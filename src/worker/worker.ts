// The worker entry: a browser (module or classic) Web Worker or a Node worker thread, found out at
// run time. It answers FitRequests from a FitWorker (see index.ts); fits run one after another.
//
// `npm run build` ships this file bundled into one self-contained script
// (scripts/bundle-worker.mjs), so it can be copied anywhere and started from any URL.
//
// No top-level await: Vite builds workers as IIFE scripts by default, which cannot hold one, and a
// worker script is a classic script in some setups. The Node branch loads Node's module with a
// promise instead; messages that arrive meanwhile wait in Node's port until a listener exists.
import type { FitReply, FitRequest } from './protocol.js';
import { serveRequest } from './serve.js';

/**
 * Node's module, named through a variable and marked ignored so that bundlers building for a
 * browser leave it alone (the import runs only in a Node worker thread).
 */
const NODE_WORKER_THREADS = 'node:worker_threads';

interface WebWorkerScope {
  addEventListener(type: 'message', listener: (event: { data: FitRequest }) => void): void;
  postMessage(message: FitReply): void;
}

const scope = globalThis as unknown as { WorkerGlobalScope?: unknown } & WebWorkerScope;
if (typeof scope.WorkerGlobalScope === 'function') {
  // Listen at once: a module worker drops messages that arrive before a listener exists.
  scope.addEventListener('message', (event) => void serveRequest(event.data, (reply) => scope.postMessage(reply)));
} else {
  void (import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_WORKER_THREADS) as Promise<typeof import('node:worker_threads')>).then((threads) => {
    const port = threads.parentPort;
    if (port === null) throw new Error('softlogit worker: not running in a worker thread (parentPort is null)');
    port.on('message', (request: FitRequest) => void serveRequest(request, (reply) => port.postMessage(reply)));
  });
}
