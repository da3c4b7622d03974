// What the worker does with one FitRequest: initialize the WebAssembly module (once), run the fit,
// and post progress, warnings and the result (or the error) back through `post`. Kept apart from
// the entry file (worker.ts) so that it knows nothing about which kind of worker it runs in.
import { SoftlogitError } from '../errors.js';
import { fitLogistic, fitSoftmax, init } from '../index.js';
import type { FitReply, FitRequest } from './protocol.js';

/** Runs `request` and posts its replies; never throws (a failure becomes an `error` reply). */
export async function serveRequest(request: FitRequest, post: (reply: FitReply) => void): Promise<void> {
  const { id } = request;
  try {
    await init();
    const options: Record<string, unknown> = {
      ...request.options,
      onWarning: (message: string) => post({ id, type: 'warning', message }),
    };
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
