// What the worker does with one FitRequest: initialize the WebAssembly module (once), start the
// thread pool a fit with `threads` asks for, run the fit, and post progress, warnings and the
// result (or the error) back through `post`. Kept apart from the entry file (worker.ts) so that it
// knows nothing about which kind of worker it runs in. It imports the fit modules themselves, not
// the package index, so the bundled worker holds no CSV parser or conversions it never runs.
import { SoftlogitError } from '../errors.js';
import { fitLogistic } from '../models/logistic.js';
import { fitSoftmax } from '../models/softmax.js';
import { initThreads, threadCount } from '../threads/pool.js';
import { init } from '../wasm/module.js';
import type { FitReply, FitRequest } from './protocol.js';

/** The requests so far, served one after another (see serveRequest). */
let queue: Promise<void> = Promise.resolve();

/**
 * Runs `request` after the ones before it and posts its replies; never rejects (a failure becomes
 * an `error` reply). A fit holds the thread until it ends anyway; queueing also keeps one
 * request's initThreads from replacing the pool while an earlier request is about to fit on it.
 */
export function serveRequest(request: FitRequest, post: (reply: FitReply) => void): Promise<void> {
  queue = queue.then(() => serveOne(request, post)).catch(() => undefined);
  return queue;
}

async function serveOne(request: FitRequest, post: (reply: FitReply) => void): Promise<void> {
  const { id } = request;
  try {
    await init();
    const options: Record<string, unknown> = {
      ...request.options,
      onWarning: (message: string) => post({ id, type: 'warning', message }),
    };
    // The caller cannot reach this thread's pool: a fit with `threads: n` starts (or resizes) it.
    // Where threads are unavailable, initThreads warns once through the fit's onWarning and the fit
    // runs on one thread, as it would on the caller's thread.
    const threads = request.options.threads;
    if (typeof threads === 'number' && Number.isInteger(threads) && threads > 1 && threadCount() < threads) {
      await initThreads(threads, { onWarning: options.onWarning as (message: string) => void });
    }
    if (request.progress) {
      options.onIteration = (p: { iteration: number; deviance: number; stepSize: number }) =>
        post({ id, type: 'progress', iteration: p.iteration, deviance: p.deviance, stepSize: p.stepSize });
    }
    const started = performance.now();
    const fit =
      request.kind === 'logistic'
        ? fitLogistic(request.X as never, request.y as never, options)
        : request.kind === 'softmax'
          ? fitSoftmax(request.X as never, request.y as never, options)
          : undefined;
    if (fit === undefined) throw new SoftlogitError('BAD_OPTION', `fitInWorker: kind should be 'logistic' or 'softmax', got '${String(request.kind)}'`);
    post({ id, type: 'done', model: fit.toJSON(), milliseconds: performance.now() - started });
  } catch (error) {
    const reply: FitReply = {
      id,
      type: 'error',
      name: error instanceof Error ? error.name : 'Error',
      message: error instanceof Error ? error.message : String(error),
    };
    if (error instanceof SoftlogitError) {
      reply.code = error.code;
      if (error.details !== undefined) reply.details = error.details;
    }
    post(reply);
  }
}
