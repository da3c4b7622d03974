// The worker entry: a browser (module) Web Worker or a Node worker thread, found out at run time.
// It answers FitRequests from a FitWorker (see index.ts); fits run one after another.
import type { FitReply, FitRequest } from './protocol.js';
import { serveRequest } from './serve.js';

/**
 * Node's module, named through a variable so that bundlers building for a browser leave it alone
 * (the import runs only in a Node worker thread).
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
  const threads = (await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_WORKER_THREADS)) as typeof import('node:worker_threads');
  const port = threads.parentPort;
  if (port === null) throw new Error('softlogit worker: not running in a worker thread (parentPort is null)');
  port.on('message', (request: FitRequest) => void serveRequest(request, (reply) => port.postMessage(reply)));
}
