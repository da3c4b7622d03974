/**
 * Fitting off the main thread: a FitWorker runs `fitLogistic` / `fitSoftmax` in a browser Web
 * Worker or a Node worker thread and hands back the fitted model, so a page stays responsive (and
 * a Node server keeps serving) while a large fit runs.
 *
 * Nothing about the library changes inside a worker: the worker (worker.ts) imports softlogit,
 * awaits `init()`, fits, and posts the model's `toJSON()` back; the caller restores it with
 * `LogisticFit.fromJSON` / `SoftmaxFit.fromJSON`. Callbacks cannot cross threads, so `onIteration`
 * and `onWarning` are kept on the caller's side and fed from messages the worker posts after every
 * Newton iteration and for every warning.
 *
 * The design crosses by structured clone, a copy made on the caller's thread: for 200 000 × 20
 * values (32 MB) that held Chromium's main thread for 50–400 ms. Rows of equal length are first
 * packed into one Float64Array, which is then moved, not cloned. With `transfer: true` a
 * Float64Array design (`{ data, nRows, nFeatures }` or a Matrix) is moved too, in no time, and the
 * caller's buffer becomes detached (length 0); pass `data.slice()` to keep your own copy.
 *
 * The worker file is found with `new Worker(new URL('./worker.js', import.meta.url), { type:
 * 'module' })`, the form Vite, webpack 5, Rollup and esbuild plugins recognize and bundle; in Node
 * it loads dist/worker/worker.js next to this file. Pass `workerURL` to use another copy (a
 * bundled worker, a CDN path). With Vite, list softlogit in `optimizeDeps.exclude`: its dependency
 * pre-bundling moves the module and the relative worker URL stops pointing at the worker file.
 *
 * @example
 * import { FitWorker } from 'softlogit/worker';
 * const worker = new FitWorker();
 * const fit = await worker.fitLogistic(X, y, {
 *   names: ['gre', 'gpa'],
 *   onIteration: ({ iteration, deviance, stepSize }) => console.log(iteration, deviance, stepSize),
 * });
 * fit.coefficients // => Float64Array [-4.949378062622546, 0.002690683595964, 0.754686855962933]
 * worker.terminate();
 */
import { SoftlogitError, type SoftlogitErrorCode } from '../errors.js';
import { Matrix } from '../matrix.js';
import { LogisticFit } from '../models/logisticFit.js';
import type { LogisticOptions } from '../models/logistic.js';
import type { BinaryResponse } from '../input/binaryResponse.js';
import type { DesignInput } from '../input/design.js';
import type { FitProgress } from '../input/options.js';
import type { SoftmaxOptions } from '../models/softmax.js';
import { SoftmaxFit } from '../models/softmaxFit.js';
import type { MultinomialResponse } from '../input/softmaxResponse.js';
import type { FitKind, FitReply, FitRequest, PlainOptions } from './protocol.js';

export type { FitKind } from './protocol.js';

/** See `NODE_WORKER_THREADS` in worker.ts: hidden from bundlers, imported only in Node. */
const NODE_WORKER_THREADS = 'node:worker_threads';

/** Options of a FitWorker. */
export interface FitWorkerOptions {
  /** The worker module to start (default: worker.js beside this module). */
  workerURL?: URL | string;
}

/** Per-call options on top of the fit's own. */
export interface WorkerCallOptions {
  /** Aborting ends the worker at once (a fit in WebAssembly cannot be interrupted otherwise); the call rejects with the signal's reason. The next call starts a new worker. */
  signal?: AbortSignal;
  /** Move a Float64Array design into the worker instead of copying it (the caller's buffer is detached). */
  transfer?: boolean;
  /** Receives the milliseconds the fit took inside the worker (not counting the copy of the data). */
  onTiming?: (milliseconds: number) => void;
}

/** The little that FitWorker needs of a Web Worker or a Node worker thread. */
interface Endpoint {
  post(request: FitRequest, transfer: Transferable[]): void;
  terminate(): void;
  /** Node only: let the process exit while the worker idles. */
  setIdle(idle: boolean): void;
}

interface Pending {
  resolve(model: unknown): void;
  reject(error: unknown): void;
  onIteration?: (progress: FitProgress) => void;
  onWarning?: (message: string) => void;
  onTiming?: (milliseconds: number) => void;
}

/**
 * A worker that runs fits, one after another, reusing its initialized WebAssembly module. Start it
 * once, call `fitLogistic` / `fitSoftmax` as often as needed, `terminate()` when done.
 * The worker starts on the first call, not in the constructor.
 */
export class FitWorker {
  readonly #workerURL: URL | string | undefined;
  #endpoint: Promise<Endpoint> | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  constructor(options: FitWorkerOptions = {}) {
    this.#workerURL = options.workerURL;
  }

  /**
   * `fitLogistic(X, y, options)` in the worker; resolves to the same LogisticFit (restored from
   * its JSON form, which holds every number exactly).
   * @throws {SoftlogitError} whatever fitLogistic throws, with the same code, message and details.
   */
  fitLogistic(X: DesignInput, y: BinaryResponse, options: LogisticOptions & WorkerCallOptions = {}): Promise<LogisticFit> {
    return this.#run('logistic', X, y, options).then((model) => LogisticFit.fromJSON(model as never));
  }

  /**
   * `fitSoftmax(X, labels, options)` in the worker; resolves to the same SoftmaxFit.
   * @throws {SoftlogitError} whatever fitSoftmax throws, with the same code, message and details.
   */
  fitSoftmax(X: DesignInput, labels: MultinomialResponse, options: SoftmaxOptions & WorkerCallOptions = {}): Promise<SoftmaxFit> {
    return this.#run('softmax', X, labels, options).then((model) => SoftmaxFit.fromJSON(model as never));
  }

  /** Ends the worker; calls still running reject with a SoftlogitError. A later call starts a new worker. */
  terminate(): void {
    this.#stop(Object.assign(new Error('FitWorker: the worker was terminated before the fit finished'), { name: 'AbortError' }));
  }

  #stop(reason: unknown): void {
    const endpoint = this.#endpoint;
    this.#endpoint = undefined;
    void endpoint?.then((e) => e.terminate(), () => undefined);
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(reason);
  }

  async #run(kind: FitKind, X: unknown, y: unknown, options: object): Promise<unknown> {
    const {
      onIteration, onWarning, signal, transfer, onTiming, ...rest
    } = options as { onIteration?: (p: FitProgress) => void; onWarning?: (m: string) => void } & WorkerCallOptions & PlainOptions;
    signal?.throwIfAborted();
    const packed = packDesign(X);
    const transferList: Transferable[] = packed.buffer && (packed.owned || transfer) ? [packed.buffer] : [];
    const id = this.#nextId++;
    const request: FitRequest = { id, kind, X: packed.X, y, options: rest, progress: onIteration !== undefined };
    const endpoint = await (this.#endpoint ??= this.#start().catch((error: unknown) => {
      this.#endpoint = undefined;
      throw error;
    }));
    signal?.throwIfAborted();
    return new Promise<unknown>((resolve, reject) => {
      const pending: Pending = { resolve, reject };
      if (onIteration) pending.onIteration = onIteration;
      pending.onWarning = onWarning ?? ((message) => console.warn(message));
      if (onTiming) pending.onTiming = onTiming;
      if (signal) {
        const abort = () => this.#stop(signal.reason);
        signal.addEventListener('abort', abort, { once: true });
        const settle = <T>(f: (v: T) => void) => (v: T) => { signal.removeEventListener('abort', abort); f(v); };
        pending.resolve = settle(resolve);
        pending.reject = settle(reject);
      }
      this.#pending.set(id, pending);
      endpoint.setIdle(false);
      endpoint.post(request, transferList);
    });
  }

  #receive(reply: FitReply): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    switch (reply.type) {
      case 'progress':
        pending.onIteration?.({ iteration: reply.iteration, deviance: reply.deviance, stepSize: reply.stepSize });
        return;
      case 'warning':
        pending.onWarning?.(reply.message);
        return;
      case 'done':
        this.#settled(reply.id);
        pending.onTiming?.(reply.milliseconds);
        pending.resolve(reply.model);
        return;
      case 'error': {
        this.#settled(reply.id);
        const error = reply.code !== undefined
          ? new SoftlogitError(reply.code as SoftlogitErrorCode, reply.message, reply.details)
          : Object.assign(new Error(reply.message), { name: reply.name });
        pending.reject(error);
        return;
      }
    }
  }

  #settled(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0) void this.#endpoint?.then((e) => e.setIdle(true));
  }

  /** A worker crashed (could not load, ran out of memory): every call on it fails. */
  #crashed(message: string): void {
    this.#stop(new Error(`FitWorker: the worker failed: ${message}`));
  }

  async #start(): Promise<Endpoint> {
    const WebWorker = (globalThis as { Worker?: typeof Worker }).Worker;
    if (typeof WebWorker === 'function') {
      const worker = this.#workerURL !== undefined
        ? new WebWorker(this.#workerURL, { type: 'module' })
        : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
      worker.addEventListener('message', (event: MessageEvent<FitReply>) => this.#receive(event.data));
      worker.addEventListener('error', (event: ErrorEvent) => {
        event.preventDefault();
        this.#crashed(event.message || 'could not load or run the worker script');
      });
      return {
        post: (request, transfer) => worker.postMessage(request, transfer),
        terminate: () => worker.terminate(),
        setIdle: () => undefined,
      };
    }
    const threads = (await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_WORKER_THREADS)) as typeof import('node:worker_threads');
    const given = this.#workerURL;
    // Node takes a file path or a URL object, not a URL string.
    const url = typeof given === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(given) ? new URL(given) : given;
    const worker = new threads.Worker(url ?? new URL('./worker.js', import.meta.url));
    worker.on('message', (reply: FitReply) => this.#receive(reply));
    worker.on('error', (error: Error) => this.#crashed(error.message));
    worker.on('exit', (code: number) => { if (this.#pending.size > 0) this.#crashed(`it exited with code ${code}`); });
    return {
      post: (request, transfer) => worker.postMessage(request, transfer as never),
      terminate: () => void worker.terminate(),
      setIdle: (idle) => (idle ? worker.unref() : worker.ref()),
    };
  }
}

/**
 * One fit in a fresh worker, which is ended afterwards: `fitInWorker('logistic', X, y, options)`
 * or `fitInWorker('softmax', X, labels, options)`. For several fits, reuse a FitWorker.
 */
export function fitInWorker(kind: 'logistic', X: DesignInput, y: BinaryResponse, options?: LogisticOptions & WorkerCallOptions & FitWorkerOptions): Promise<LogisticFit>;
export function fitInWorker(kind: 'softmax', X: DesignInput, labels: MultinomialResponse, options?: SoftmaxOptions & WorkerCallOptions & FitWorkerOptions): Promise<SoftmaxFit>;
export async function fitInWorker(
  kind: FitKind,
  X: DesignInput,
  y: BinaryResponse | MultinomialResponse,
  options: (LogisticOptions | SoftmaxOptions) & WorkerCallOptions & FitWorkerOptions = {},
): Promise<LogisticFit | SoftmaxFit> {
  const { workerURL, ...rest } = options;
  const worker = new FitWorker(workerURL !== undefined ? { workerURL } : {});
  try {
    if (kind === 'logistic') return await worker.fitLogistic(X, y as BinaryResponse, rest as LogisticOptions);
    if (kind === 'softmax') return await worker.fitSoftmax(X, y as MultinomialResponse, rest as SoftmaxOptions);
    throw new SoftlogitError('BAD_OPTION', `fitInWorker: kind should be 'logistic' or 'softmax', got '${String(kind)}'`);
  } finally {
    worker.terminate();
  }
}

/**
 * The design as it is posted: a Matrix or a rectangular array of rows becomes `{ data:
 * Float64Array, nRows, nFeatures }` (one clone of a flat buffer instead of one per row). Anything
 * else goes as it is, and the fit in the worker reports what is wrong with it.
 */
function packDesign(X: unknown): { X: unknown; buffer?: ArrayBuffer; owned?: boolean } {
  if (X instanceof Matrix) return { X: { data: X.data, nRows: X.rows, nFeatures: X.cols }, buffer: X.data.buffer as ArrayBuffer };
  if (typeof X === 'object' && X !== null && 'data' in X && 'nRows' in X && 'nFeatures' in X) {
    const data = (X as { data: unknown }).data;
    return data instanceof Float64Array ? { X, buffer: data.buffer as ArrayBuffer } : { X };
  }
  if (!Array.isArray(X) || X.length === 0) return { X };
  const first: unknown = X[0];
  if (first === null || typeof first !== 'object' || typeof (first as ArrayLike<number>).length !== 'number') return { X };
  const nFeatures = (first as ArrayLike<number>).length;
  const nRows = X.length;
  const data = new Float64Array(nRows * nFeatures);
  for (let i = 0; i < nRows; i++) {
    const row: unknown = X[i];
    if (row === null || typeof row !== 'object' || (row as ArrayLike<number>).length !== nFeatures) return { X };
    const r = row as ArrayLike<unknown>;
    for (let j = 0; j < nFeatures; j++) {
      const v = r[j];
      // Leave non-numbers for fitLogistic's own message (Float64Array would turn them into NaN).
      if (typeof v !== 'number') return { X };
      data[i * nFeatures + j] = v;
    }
  }
  // A fresh buffer: moving it costs the caller nothing.
  return { X: { data, nRows, nFeatures }, buffer: data.buffer, owned: true };
}
