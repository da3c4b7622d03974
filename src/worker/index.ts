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
 * Where the worker script comes from (dist/worker/worker.js, one self-contained file):
 * - Vite, webpack 5 (and Next.js, Parcel): FitWorker starts it with `new Worker(new URL('./worker.js',
 *   import.meta.url), { type: 'module' })`, the form these bundlers recognize: they bundle the
 *   worker and point the URL at it, with no configuration.
 * - esbuild, Rollup (and anything that leaves that URL alone): copy the file
 *   (`softlogit/worker-script`, i.e. node_modules/softlogit/dist/worker/worker.js) to your static
 *   files and pass its URL: `new FitWorker({ workerURL: '/softlogit-worker.js' })`.
 * - Node: the file beside this module, found without a bundler; a server bundle that inlines
 *   softlogit passes `workerURL` too (or keeps softlogit external).
 *
 * `threads: n` in a call starts a pool of n threads inside the worker (the caller's pool lives on
 * another thread and cannot be reached): the fit runs as `threads: n` does on the caller's thread,
 * or on one thread, with a warning, where the worker cannot start threads (a page that is not
 * cross-origin isolated).
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
import { checkOptionKeys, describeValue } from '../input/optionKeys.js';
import { Matrix } from '../matrix.js';
import { LogisticFit } from '../models/logisticFit.js';
import type { LogisticOptions } from '../models/logistic.js';
import type { BinaryResponse } from '../input/binaryResponse.js';
import type { DesignInput } from '../input/design.js';
import type { CommonFitOptions, FitProgress } from '../input/options.js';
import type { CovarianceOptions } from '../inference/robust.js';
import type { SoftmaxOptions } from '../models/softmax.js';
import { SoftmaxFit } from '../models/softmaxFit.js';
import type { MultinomialResponse } from '../input/softmaxResponse.js';
import type { FitKind, FitReply, FitRequest, PlainOptions } from './protocol.js';

export type { FitKind } from './protocol.js';

/** See `NODE_WORKER_THREADS` in worker.ts: hidden from bundlers, imported only in Node. */
const NODE_WORKER_THREADS = 'node:worker_threads';
/**
 * The worker file for Node. webpack and Vite treat `new URL(x, import.meta.url)` as an asset to
 * emit (webpack with x a variable: a context module over this directory, with a warning), and this
 * one is only for Node; the browser branch has its own literal form, inside `new Worker(...)`,
 * which they bundle as a worker. So the Node branch resolves against `import.meta.url` read into a
 * variable first (NODE_MODULE_URL), a form neither of them rewrites.
 */
const NODE_WORKER_FILE = './worker.js';

/**
 * A URL: a string, or an object with `href` (a WHATWG `URL`). Declared here so the package's types
 * need neither the DOM lib nor @types/node.
 */
export type WorkerURL = string | { readonly href: string };

/** What FitWorker uses of an `AbortSignal` (declared here so the types need no DOM lib). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Options of a FitWorker. */
export interface FitWorkerOptions {
  /**
   * The worker script to start (default: worker.js beside this module, which Vite and webpack
   * bundle on their own). With esbuild, Rollup or a CDN, copy `softlogit/worker-script`
   * (dist/worker/worker.js, self-contained) to your static files and pass its URL here.
   */
  workerURL?: WorkerURL;
}

/** Per-call options on top of the fit's own. */
export interface WorkerCallOptions {
  /** Aborting ends the worker at once (a fit in WebAssembly cannot be interrupted otherwise); the call rejects with the signal's reason. The next call starts a new worker. */
  signal?: AbortSignalLike;
  /** Move a Float64Array design into the worker instead of copying it (the caller's buffer is detached). */
  transfer?: boolean;
  /** Receives the milliseconds the fit took inside the worker (not counting the copy of the data). */
  onTiming?: (milliseconds: number) => void;
}

const CALL_KEYS = ['signal', 'transfer', 'onTiming'] as const satisfies ReadonlyArray<keyof WorkerCallOptions>;
const CONSTRUCTOR_KEYS = ['workerURL'] as const satisfies ReadonlyArray<keyof FitWorkerOptions>;
/** The fit options of each kind; a Record so that an option added to the interface must be added here. */
const COMMON_KEYS: Record<keyof CommonFitOptions, true> = {
  intercept: true, names: true, weights: true, maxIter: true, tol: true, l2: true, onIteration: true, onWarning: true, singular: true, threads: true,
};
/** The covariance options both fits take (src/inference/robust.ts). */
const COVARIANCE_KEYS: Record<keyof CovarianceOptions, true> = { covariance: true, cluster: true };
const LOGISTIC_KEYS: Record<keyof LogisticOptions, true> = { ...COMMON_KEYS, ...COVARIANCE_KEYS, offset: true, firth: true };
const SOFTMAX_KEYS: Record<keyof SoftmaxOptions, true> = { ...COMMON_KEYS, ...COVARIANCE_KEYS, classes: true, reference: true, parameterization: true, offset: true };
/** Options of the other kind of fit, each with why it does not apply (shown in the error). */
const NOT_FOR_LOGISTIC: Record<string, string> = {
  classes: 'it is a fitSoftmax option (a logistic response has the classes 0 and 1)',
  reference: 'it is a fitSoftmax option (the logistic reference class is 0)',
  parameterization: 'it is a fitSoftmax option (a logistic fit has one coefficient vector)',
};
const NOT_FOR_SOFTMAX: Record<string, string> = {
  firth: "Firth's bias reduction is a fitLogistic option",
};

/** What to do when the worker script is not where FitWorker looks (added to those errors). */
const WORKER_SCRIPT_HINT =
  'with esbuild, Rollup or a bundle without import.meta.url, copy softlogit/worker-script (node_modules/softlogit/dist/worker/worker.js) ' +
  "to your static files and pass its URL: new FitWorker({ workerURL: '/softlogit-worker.js' }) (README: Using it with bundlers)";

/** The little that FitWorker needs of a Web Worker or a Node worker thread. */
interface Endpoint {
  /** Throws synchronously (a DataCloneError) when the request cannot be copied to the worker. */
  post(request: FitRequest, transfer: ArrayBuffer[]): void;
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
  readonly #workerURL: WorkerURL | undefined;
  #endpoint: Promise<Endpoint> | undefined;
  /** Counts the workers started and stopped: events of a worker from an older generation are ignored. */
  #generation = 0;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  /**
   * @throws {SoftlogitError} `BAD_OPTION` for an unknown option or a `workerURL` that is neither a
   *   string nor a URL.
   * @example
   * const worker = new FitWorker({ workerURL: '/assets/softlogit-worker.js' }); // esbuild, Rollup
   */
  constructor(options: FitWorkerOptions = {}) {
    checkOptionKeys(options, 'FitWorker', CONSTRUCTOR_KEYS);
    this.#workerURL = checkWorkerURL(options.workerURL, 'FitWorker');
  }

  /**
   * `fitLogistic(X, y, options)` in the worker; resolves to the same LogisticFit (restored from
   * its JSON form, which holds every number exactly). `threads: n` starts a pool of n threads in
   * the worker on its first use.
   * @throws {SoftlogitError} whatever fitLogistic throws, with the same code, message and details;
   *   `BAD_OPTION` for an unknown option or one that cannot be sent to a worker (a function other
   *   than the callbacks); `TERMINATED` when `terminate()` ends the worker first. A callback
   *   (`onIteration`, `onWarning`, `onTiming`) that throws rejects the call with its error.
   * @example
   * const fit = await new FitWorker().fitLogistic(X, y, { threads: 2 });
   */
  fitLogistic(X: DesignInput, y: BinaryResponse, options: LogisticOptions & WorkerCallOptions = {}): Promise<LogisticFit> {
    return this.#run('logistic', X, y, options).then((model) => LogisticFit.fromJSON(model as never));
  }

  /**
   * `fitSoftmax(X, labels, options)` in the worker; resolves to the same SoftmaxFit.
   * @throws {SoftlogitError} as `fitLogistic` does, for fitSoftmax's options.
   * @example
   * const fit = await new FitWorker().fitSoftmax(X, ['a', 'b', 'c', 'a'], { reference: 'a' });
   */
  fitSoftmax(X: DesignInput, labels: MultinomialResponse, options: SoftmaxOptions & WorkerCallOptions = {}): Promise<SoftmaxFit> {
    return this.#run('softmax', X, labels, options).then((model) => SoftmaxFit.fromJSON(model as never));
  }

  /**
   * Ends the worker; calls still running or waiting reject with a SoftlogitError `TERMINATED`.
   * A later call starts a new worker.
   * @example
   * const pending = worker.fitLogistic(X, y);
   * worker.terminate(); // pending rejects: SoftlogitError, code 'TERMINATED'
   */
  terminate(): void {
    this.#stop(new SoftlogitError('TERMINATED', 'FitWorker: the worker was terminated (terminate()) before the fit finished'));
  }

  #stop(reason: unknown): void {
    const endpoint = this.#endpoint;
    this.#endpoint = undefined;
    this.#generation++;
    void endpoint?.then((e) => e.terminate(), () => undefined);
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(reason);
  }

  async #run(kind: FitKind, X: unknown, y: unknown, options: object): Promise<unknown> {
    const caller = kind === 'logistic' ? 'FitWorker.fitLogistic' : 'FitWorker.fitSoftmax';
    const fitKeys = Object.keys(kind === 'logistic' ? LOGISTIC_KEYS : SOFTMAX_KEYS);
    checkOptionKeys(options, caller, [...fitKeys, ...CALL_KEYS], kind === 'logistic' ? NOT_FOR_LOGISTIC : NOT_FOR_SOFTMAX);
    const {
      onIteration, onWarning, signal, transfer, onTiming, ...rest
    } = (options ?? {}) as { onIteration?: (p: FitProgress) => void; onWarning?: (m: string) => void } & WorkerCallOptions & PlainOptions;
    checkCallback(onIteration, 'onIteration', caller);
    checkCallback(onWarning, 'onWarning', caller);
    checkCallback(onTiming, 'onTiming', caller);
    checkCloneable(rest, caller);
    throwIfAborted(signal);
    const packed = packDesign(X);
    const transferList: ArrayBuffer[] = packed.buffer && (packed.owned || transfer) ? [packed.buffer] : [];
    const id = this.#nextId++;
    const request: FitRequest = { id, kind, X: packed.X, y, options: rest, progress: onIteration !== undefined };
    const generation = this.#generation;
    const endpoint = await (this.#endpoint ??= this.#start(generation).catch((error: unknown) => {
      if (this.#generation === generation) this.#endpoint = undefined;
      throw error;
    }));
    // terminate() (or an abort) while the worker was starting: this call was not posted yet.
    if (this.#generation !== generation) {
      throw new SoftlogitError('TERMINATED', `${caller}: the worker was terminated (terminate()) before the fit started`);
    }
    throwIfAborted(signal);
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
      try {
        endpoint.post(request, transferList);
      } catch (error) {
        // The structured clone refused something checkCloneable does not look for.
        pending.reject(new SoftlogitError(
          'BAD_OPTION',
          `${caller}: the data or options cannot be sent to the worker (${error instanceof Error ? error.message : String(error)}); ` +
            'pass X as rows of numbers, a Matrix or { data: Float64Array, nRows, nFeatures }, y and the options as plain data',
        ));
        return;
      }
      this.#pending.set(id, pending);
      endpoint.setIdle(false);
    });
  }

  #receive(reply: FitReply): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    try {
      switch (reply.type) {
        case 'progress':
          pending.onIteration?.({ iteration: reply.iteration, deviance: reply.deviance, stepSize: reply.stepSize });
          return;
        case 'warning':
          pending.onWarning?.(reply.message);
          return;
        case 'done':
          pending.onTiming?.(reply.milliseconds);
          this.#settled(reply.id);
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
    } catch (error) {
      // A callback threw: that call fails with its error (it must not become an uncaught
      // exception in the message handler, which ends a Node process). Its later replies are
      // ignored; a worker with no other call to answer is stopped rather than left fitting.
      this.#settled(reply.id);
      pending.reject(error);
      if (this.#pending.size === 0) this.#stop(undefined);
    }
  }

  #settled(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0) void this.#endpoint?.then((e) => e.setIdle(true), () => undefined);
  }

  /** The worker script, for messages. */
  #describeScript(): string {
    const given = this.#workerURL;
    if (given === undefined) return "worker.js beside softlogit/worker (the default)";
    return `'${typeof given === 'string' ? given : given.href}' (workerURL)`;
  }

  /** A worker crashed (could not load, ran out of memory): every call on it fails. */
  #crashed(generation: number, message: string): void {
    if (generation !== this.#generation) return; // an old worker, already replaced
    this.#stop(new Error(`FitWorker: the worker failed: ${message}`));
  }

  async #start(generation: number): Promise<Endpoint> {
    const WebWorker = (globalThis as { Worker?: new (url: string | { href: string }, options: { type: 'module' }) => WebWorkerLike }).Worker;
    if (typeof WebWorker === 'function') {
      // The literal form below is what Vite and webpack look for: they bundle worker.js as a worker.
      let worker: WebWorkerLike;
      try {
        worker = this.#workerURL !== undefined
          ? new WebWorker(this.#workerURL, { type: 'module' })
          : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }) as unknown as WebWorkerLike;
      } catch (error) {
        // e.g. a script bundle without import.meta.url, or a URL the page may not load.
        throw new SoftlogitError('BAD_OPTION', `FitWorker: could not start the worker script ${this.#describeScript()} (${error instanceof Error ? error.message : String(error)}); ${WORKER_SCRIPT_HINT}`);
      }
      worker.addEventListener('message', (event) => {
        if (generation === this.#generation) this.#receive(event.data as FitReply);
      });
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        // A script that could not be loaded (a 404) comes as an error event without a message.
        this.#crashed(generation, event.message || `could not load the worker script ${this.#describeScript()}; ${WORKER_SCRIPT_HINT}`);
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
    const NODE_MODULE_URL = import.meta.url;
    const url = given === undefined
      ? new URL(NODE_WORKER_FILE, NODE_MODULE_URL)
      : typeof given === 'string'
        ? (/^[a-z][a-z0-9+.-]*:/i.test(given) ? new URL(given) : given)
        : new URL(given.href);
    const worker = new threads.Worker(url);
    worker.on('message', (reply: FitReply) => {
      if (generation === this.#generation) this.#receive(reply);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const missing = error.code === 'MODULE_NOT_FOUND' || error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'ERR_WORKER_PATH';
      this.#crashed(generation, missing ? `${error.message}; ${WORKER_SCRIPT_HINT}` : error.message);
    });
    worker.on('exit', (code: number) => { if (this.#pending.size > 0) this.#crashed(generation, `it exited with code ${code}`); });
    return {
      post: (request, transfer) => worker.postMessage(request, transfer),
      terminate: () => void worker.terminate(),
      setIdle: (idle) => (idle ? worker.unref() : worker.ref()),
    };
  }
}

/** What FitWorker uses of a browser Worker. */
interface WebWorkerLike {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (event: { message: string; preventDefault(): void }) => void): void;
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  terminate(): void;
}

function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

function checkWorkerURL(url: unknown, caller: string): WorkerURL | undefined {
  if (url === undefined || typeof url === 'string') return url;
  if (typeof url === 'object' && url !== null && typeof (url as { href?: unknown }).href === 'string') return url as { href: string };
  throw new SoftlogitError('BAD_OPTION', `${caller}: workerURL should be a string or a URL, got ${describeValue(url)}`, { option: 'workerURL' });
}

function checkCallback(value: unknown, name: string, caller: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: ${name} should be a function, got ${describeValue(value)}`, { option: name });
  }
}

/**
 * Options cross to the worker by structured clone, which throws a DOMException (DataCloneError)
 * on a function, a symbol, or an object holding one. Finds such a value first and names its
 * option. Typed arrays and plain data are cloned as they are. (Anything rarer that the clone
 * refuses, a WeakMap or a Promise, is caught when the request is posted.)
 * @throws {SoftlogitError} `BAD_OPTION`
 */
function checkCloneable(options: Record<string, unknown>, caller: string): void {
  const find = (value: unknown, depth: number): unknown => {
    if (typeof value === 'function' || typeof value === 'symbol') return value;
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || depth > 3) return undefined;
    for (const inner of Array.isArray(value) ? value : Object.values(value)) {
      const found = find(inner, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  for (const [key, value] of Object.entries(options)) {
    const found = find(value, 0);
    if (found !== undefined) {
      throw new SoftlogitError(
        'BAD_OPTION',
        `${caller}: option '${key}' cannot be sent to the worker: it ${found === value ? 'is' : 'holds'} ${describeValue(found)} ` +
          '(only onIteration, onWarning and onTiming may be functions; they stay on this thread)',
        { option: key },
      );
    }
  }
}

/**
 * One fit in a fresh worker, which is ended afterwards: `fitInWorker('logistic', X, y, options)`
 * or `fitInWorker('softmax', X, labels, options)`. For several fits, reuse a FitWorker.
 * The options are the fit's, FitWorker's per-call options and `workerURL`.
 * @throws {SoftlogitError} `BAD_OPTION` for another `kind`, and as `FitWorker.fitLogistic` does.
 * @example
 * import { fitInWorker } from 'softlogit/worker';
 * const fit = await fitInWorker('softmax', X, labels, { reference: 'setosa', workerURL: '/softlogit-worker.js' });
 */
export function fitInWorker(kind: 'logistic', X: DesignInput, y: BinaryResponse, options?: LogisticOptions & WorkerCallOptions & FitWorkerOptions): Promise<LogisticFit>;
export function fitInWorker(kind: 'softmax', X: DesignInput, labels: MultinomialResponse, options?: SoftmaxOptions & WorkerCallOptions & FitWorkerOptions): Promise<SoftmaxFit>;
export async function fitInWorker(
  kind: FitKind,
  X: DesignInput,
  y: BinaryResponse | MultinomialResponse,
  options: (LogisticOptions | SoftmaxOptions) & WorkerCallOptions & FitWorkerOptions = {},
): Promise<LogisticFit | SoftmaxFit> {
  const caller = `fitInWorker('${String(kind)}')`;
  if (kind !== 'logistic' && kind !== 'softmax') {
    throw new SoftlogitError('BAD_OPTION', `fitInWorker: kind should be 'logistic' or 'softmax', got ${describeValue(kind)}`);
  }
  const fitKeys = Object.keys(kind === 'logistic' ? LOGISTIC_KEYS : SOFTMAX_KEYS);
  checkOptionKeys(options, caller, [...fitKeys, ...CALL_KEYS, ...CONSTRUCTOR_KEYS], kind === 'logistic' ? NOT_FOR_LOGISTIC : NOT_FOR_SOFTMAX);
  const { workerURL, ...rest } = options ?? {};
  const worker = new FitWorker(workerURL !== undefined ? { workerURL } : {});
  try {
    if (kind === 'logistic') return await worker.fitLogistic(X, y as BinaryResponse, rest as LogisticOptions);
    return await worker.fitSoftmax(X, y as MultinomialResponse, rest as SoftmaxOptions);
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
