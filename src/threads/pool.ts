// Multi-core fits: a pool of kernel workers sharing one WebAssembly memory with this thread.
//
// The threads build of the kernels (asconfig.json target `threads`: shared, imported memory) is
// instantiated here and in every worker on one shared memory, so the design, coefficients and
// per-row vectors are copied once and every thread reads them in place. A kernel pass over
// panels 0..nPanels is cut into contiguous chunks of panels (PASS_CHUNKS, whatever the thread
// count; the kernels take a panel range as pointer + nPanels), which the threads take one at a
// time from a shared counter: a core the host slows down takes fewer chunks instead of holding
// up the pass with a fixed half (issue #17: with fixed halves the 2-thread speed-up ranged from
// 1.31 to 2.16× in five runs). Each chunk's log-likelihood, score and information land in the
// chunk's own buffers; this thread waits for the workers (Atomics.wait on a shared counter: a
// fit stays synchronous) and adds the chunks' sums in chunk order, so the result does not depend
// on which thread ran which chunk: runs are reproducible to the bit.
//
// Where that cannot work — no SharedArrayBuffer (a page that is not cross-origin isolated), or a
// browser page's main thread (where Atomics.wait is not allowed) — `initThreads` says so in one
// line and fits run on one thread.
import { SoftlogitError } from '../errors.js';
import { checkOptionKeys, describeValue, optionKeysOf } from '../input/optionKeys.js';
import {
  decodeBase64, init, instantiateKernels, logisticScratchDoubles, runtimeOf, softmaxScratchDoubles, type SoftlogitKernels, type SoftlogitRuntime,
} from '../wasm/module.js';
import { wasmBase64 } from './module.generated.js';
import {
  CHUNK_ARGS, CHUNK_NEXT, CHUNK_RESULT_BYTE_OFFSET, CHUNK_TABLE_BYTE_OFFSET, CONTROL_BYTES, DONE_INDEX, JOB_BYTE_OFFSET, JOB_DOUBLES, JOB_NAMES, JOB_SEQ, MAX_SLOTS, NODE_WORKER_SOURCE, PACK_ABORT,
  MAX_CHUNKS, PACK_BAD_BLOCK, PACK_FILLED, PACK_SLOT_DONE, PACK_SLOTS, RESULT_BYTE_OFFSET, SPIN_MS, STATUS_BASE, WEB_WORKER_SOURCE,
} from './workerSource.js';

/** Node's modules, named through variables so that browser bundlers leave them alone. */
const NODE_WORKER_THREADS = 'node:worker_threads';
const NODE_OS = 'node:os';
/**
 * Panels per staging block of a pipelined design copy: 1024 rows, 400 KB at p = 50 (the ring of
 * PACK_SLOTS blocks, 3.3 MB, stays in the last-level cache), a few hundred µs of packing against
 * a few µs to hand a block over.
 */
export const PACK_BLOCK_PANELS = 4;
/**
 * Chunks a kernel pass is cut into (at most; see ThreadTeam.split). A 2-thread pass at 1e6 x 50
 * then hands out 122-panel chunks of ~3 ms (exact Hessian) or ~0.5 ms (gradient) each: a core
 * slowed down mid-pass leaves at most about one chunk's time of imbalance, and taking a chunk
 * costs one atomic add. With more than PASS_CHUNKS / 4 threads, MAX_CHUNKS.
 */
export const PASS_CHUNKS = 32;
/**
 * Bytes the chunks' own information matrices may take (chunk 0 uses the caller's): fewer chunks
 * for a large information matrix (but at least one per thread).
 */
const CHUNK_INFO_BYTES = 64 * 1024 * 1024;
/** 64 KiB pages: 4 GiB, the most a 32-bit memory can address (a shared memory needs a maximum). */
const MAXIMUM_PAGES = 65536;

interface KernelWorker {
  post(message: unknown): void;
  terminate(): Promise<unknown> | void;
}

interface Pool {
  readonly runtime: SoftlogitRuntime;
  readonly workers: KernelWorker[];
  readonly i32: Int32Array;
  readonly results: Float64Array;
  /** The slots' job records (workerSource.ts): name index, argument count, arguments. */
  readonly jobs: Float64Array;
  /** A chunked pass's argument lists (CHUNK_ARGS doubles per chunk) and results. */
  readonly chunkTable: Float64Array;
  readonly chunkResults: Float64Array;
  /** Threads including this one. */
  readonly size: number;
}

let pool: Pool | undefined;
/** initThreads and shutdownThreads calls, run one after the other (each waits for the last). */
let queue: Promise<unknown> = Promise.resolve();
/**
 * Set while initThreads starts a pool: 'replace' when it ended a running pool of another size to
 * do so (fits with `threads` then fail with a message saying so, not "call initThreads").
 */
let starting: { kind: 'start' | 'replace'; size: number } | undefined;
/** Why threads are unavailable here, once found out. */
let unavailable: string | undefined;
let noticeGiven = false;

export interface InitThreadsOptions {
  /** Receives the one-line notice when threads are unavailable (default console.warn). */
  onWarning?: (message: string) => void;
}

/**
 * Starts `threads` − 1 kernel workers (this thread is the other one), so that fits with
 * `threads: n` run their passes over the data on up to n cores. Call once and await it before
 * such fits; calling again with the same count is free, with another count restarts the pool.
 * Workers idle without keeping Node alive; `shutdownThreads()` ends them.
 *
 * Where threads cannot work (no SharedArrayBuffer: a browser page that is not cross-origin
 * isolated; a browser page's main thread, where Atomics.wait is not allowed; no WebAssembly
 * threads) it warns once and resolves to 1: fits then run on one thread.
 *
 * @param threads default: the number of cores (os.availableParallelism, navigator.hardwareConcurrency)
 * @returns the number of threads fits can use (1 when unavailable)
 * @throws {SoftlogitError} `BAD_OPTION` for a count that is not an integer in [1, 65].
 * @example
 * await init();
 * await initThreads(2);
 * const fit = fitLogistic(X, y, { threads: 2 }); // the same MLE as threads: 1, to ~1e-12
 * await shutdownThreads();
 */
export function initThreads(threads?: number, options: InitThreadsOptions = {}): Promise<number> {
  return serialized(() => startThreads(threads, options));
}

/** Ends the kernel workers (fits with `threads` then need `initThreads` again). */
export function shutdownThreads(): Promise<void> {
  return serialized(stopPool);
}

/** Runs `task` after every earlier initThreads/shutdownThreads call has settled. */
function serialized<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task);
  queue = run.catch(() => undefined);
  return run;
}

/** Every key of InitThreadsOptions (checked by the compiler against the interface). */
const INIT_THREADS_OPTION_KEYS = optionKeysOf<InitThreadsOptions>()(['onWarning']);

async function startThreads(threads: number | undefined, options: InitThreadsOptions): Promise<number> {
  checkOptionKeys(options, 'initThreads', INIT_THREADS_OPTION_KEYS);
  const onWarning: unknown = options.onWarning;
  if (onWarning !== undefined && typeof onWarning !== 'function') {
    throw new SoftlogitError('BAD_OPTION', `initThreads: option onWarning should be a function, got ${describeValue(onWarning)}`);
  }
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  if (threads !== undefined && (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_SLOTS + 1)) {
    throw new SoftlogitError('BAD_OPTION', `initThreads: threads should be an integer in [1, ${MAX_SLOTS + 1}], got ${describeValue(threads)}`);
  }
  await init();
  const wanted = threads ?? (await defaultThreads());
  if (pool?.size === wanted) return wanted;
  starting = { kind: pool ? 'replace' : 'start', size: wanted };
  try {
    if (pool) await stopPool();
    const reason = unavailable ?? whyUnavailable();
    if (reason !== undefined) {
      unavailable = reason;
      if (wanted > 1) notice(warn);
      return 1;
    }
    try {
      return await startPool(wanted);
    } catch (error) {
      unavailable = `could not start the workers (${error instanceof Error ? error.message : String(error)})`;
      if (wanted > 1) notice(warn);
      return 1;
    }
  } finally {
    starting = undefined;
  }
}

async function stopPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  if (current) await Promise.all(current.workers.map((w) => w.terminate()));
}

/** Threads fits can use now: the pool's size, or 1 without a pool. */
export function threadCount(): number {
  return pool?.size ?? 1;
}

function notice(warn: (message: string) => void): void {
  if (noticeGiven) return;
  noticeGiven = true;
  warn(`softlogit: threads are unavailable here (${unavailable}); fitting on one thread`);
}

/** A reason threads cannot work in this environment, or undefined. */
function whyUnavailable(): string | undefined {
  const scope = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean; document?: unknown; WorkerGlobalScope?: unknown; Worker?: unknown; process?: { versions?: { node?: string } } };
  const node = typeof scope.process?.versions?.node === 'string';
  if (typeof scope.SharedArrayBuffer !== 'function') return 'no SharedArrayBuffer: the page must be cross-origin isolated';
  if (!node) {
    if (scope.crossOriginIsolated === false) return 'the page is not cross-origin isolated';
    if (typeof scope.WorkerGlobalScope !== 'function') return "Atomics.wait is not allowed on a page's main thread; fit in a Web Worker";
    if (typeof scope.Worker !== 'function') return 'this worker cannot start workers';
  }
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'no shared WebAssembly memory';
  }
  return undefined;
}

async function defaultThreads(): Promise<number> {
  const navigatorThreads = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string') {
    const os = (await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_OS)) as typeof import('node:os');
    return Math.min(MAX_SLOTS + 1, Math.max(1, os.availableParallelism()));
  }
  return Math.min(MAX_SLOTS + 1, Math.max(1, navigatorThreads ?? 1));
}

async function startPool(size: number): Promise<number> {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAXIMUM_PAGES, shared: true });
  // The compiled module goes to every worker, which instantiates it on the same memory.
  const { module, kernels } = await instantiateKernels(decodeBase64(wasmBase64), { env: { memory } });
  const runtime: SoftlogitRuntime = runtimeOf(kernels, memory);
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const workers: KernelWorker[] = [];
  try {
    await Promise.all(Array.from({ length: size - 1 }, async (_, slot) => {
      workers[slot] = await startWorker({ type: 'init', module, memory, control, slot });
    }));
  } catch (error) {
    await Promise.all(workers.filter((w) => w !== undefined).map((w) => w.terminate()));
    throw error;
  }
  pool = {
    runtime, workers, i32: new Int32Array(control), results: new Float64Array(control, RESULT_BYTE_OFFSET, MAX_SLOTS),
    jobs: new Float64Array(control, JOB_BYTE_OFFSET, MAX_SLOTS * JOB_DOUBLES),
    chunkTable: new Float64Array(control, CHUNK_TABLE_BYTE_OFFSET, MAX_CHUNKS * CHUNK_ARGS),
    chunkResults: new Float64Array(control, CHUNK_RESULT_BYTE_OFFSET, MAX_CHUNKS), size,
  };
  return size;
}

/** Starts one worker, sends it `initMessage` and resolves once it has instantiated the kernels. */
async function startWorker(initMessage: unknown): Promise<KernelWorker> {
  const WebWorker = (globalThis as { Worker?: typeof Worker }).Worker;
  const node = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  if (!node && typeof WebWorker === 'function') {
    const url = URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
    const worker = new WebWorker(url);
    URL.revokeObjectURL(url);
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<{ type: string; message?: string }>) => {
        if (event.data.type === 'ready') resolve();
        else if (event.data.type === 'error') console.warn(`softlogit kernel worker: ${event.data.message}`);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(event.message || 'the kernel worker failed to start'));
      };
      worker.postMessage(initMessage);
    });
    return { post: (message) => worker.postMessage(message), terminate: () => worker.terminate() };
  }
  const threads = (await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_WORKER_THREADS)) as typeof import('node:worker_threads');
  const worker = new threads.Worker(NODE_WORKER_SOURCE, { eval: true });
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'error') console.warn(`softlogit kernel worker: ${message.message}`);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the kernel worker exited with code ${code}`)));
    worker.postMessage(initMessage);
  });
  // An idle worker waits for messages; it must not keep the process alive.
  worker.unref();
  return { post: (message) => worker.postMessage(message), terminate: () => worker.terminate() };
}

/** The kernel passes a ThreadTeam runs in parallel, with the kernels' own signatures. */
export type ParallelKernels = Pick<SoftlogitKernels, 'logisticEvaluate' | 'softmaxEvaluate'>;

/**
 * The threads of one fit: the pool's runtime (copy the design into `runtime`'s memory) and the
 * two kernel passes run across the threads. Per-thread score, information and scratch buffers
 * live in shared memory until `dispose()`.
 */
export class ThreadTeam implements ParallelKernels {
  readonly runtime: SoftlogitRuntime;
  readonly size: number;
  private readonly pool: Pool;
  /** Per worker: scratch; per chunk after the first: score, information and tail; in one block. */
  private block = 0;
  private layout = { dim: -1, scratchDoubles: -1, chunks: 0, scratch: [] as number[], score: [] as number[], info: [] as number[], tail: [] as number[] };

  constructor(current: Pool, size: number) {
    this.pool = current;
    this.runtime = current.runtime;
    this.size = size;
  }

  logisticEvaluate(
    x: number, nPanels: number, nColsPadded: number, coef: number, offset: number,
    successes: number, trials: number, etaOut: number,
    scoreOut: number, infoOut: number, infoPanelStride: number, scratch: number, infoSingle: number, panelStep: number,
  ): number {
    const P = this.runtime.panelRows;
    const panelBytes = P * nColsPadded * 8;
    this.prepare(nColsPadded, logisticScratchDoubles(P, nColsPadded));
    return this.split(nPanels, alignment(infoPanelStride, panelStep), nColsPadded, scoreOut, infoOut, 0, LOGISTIC_SCRATCH_ARG, scratch, (b0, count, out) => {
      const rowByte = b0 * P * 8;
      return [
        x + b0 * panelBytes, count, nColsPadded, coef, offset === 0 ? 0 : offset + rowByte,
        successes + rowByte, trials + rowByte, etaOut + rowByte,
        out.score, out.info, infoPanelStride, scratch, infoSingle, panelStep,
      ];
    }, 'logisticEvaluate');
  }

  softmaxEvaluate(
    x: number, nPanels: number, nColsPadded: number, nClasses: number, coef: number, offset: number, offsetPanels: number,
    counts: number, probOut: number, scoreOut: number, infoOut: number, infoPanelStride: number, scratch: number,
    tailOut: number, infoSingle: number, panelStep: number,
  ): number {
    const P = this.runtime.panelRows;
    const panelBytes = P * nColsPadded * 8;
    const nFree = nClasses - 1;
    this.prepare(nFree * nColsPadded, softmaxScratchDoubles(P, nColsPadded, nClasses));
    return this.split(nPanels, alignment(infoPanelStride, panelStep), nFree * nColsPadded, scoreOut, infoOut, tailOut, SOFTMAX_SCRATCH_ARG, scratch, (b0, count, out) => {
      const rowByte = b0 * P * nClasses * 8;
      return [
        // The offsets stay class-major over all offsetPanels: a range starts at its first row of class 0.
        x + b0 * panelBytes, count, nColsPadded, nClasses, coef, offset === 0 ? 0 : offset + b0 * P * 8, offsetPanels,
        counts + rowByte, probOut === 0 ? 0 : probOut + rowByte,
        out.score, out.info, infoPanelStride, scratch, out.tail, infoSingle, panelStep,
      ];
    }, 'softmaxEvaluate');
  }

  /**
   * Copies `nRows` rows into panels at `dest` (the layout of assembly/panel.ts), the copy
   * pipelined across the threads. Only this thread can read the caller's rows (`fill`), so it
   * fills a ring of staging blocks in shared memory one after the other and packs every
   * (size + 1)-th block itself; the workers pack the others as soon as they are filled, while it
   * reads on. The reading and the transposes, ~25 and ~50 ms at 1e6 × 50 on one thread, overlap.
   * @returns -1, or the row-major index r · nCols + j of the first NaN or infinity
   */
  packRows(
    nRows: number, nCols: number, intercept: number, nColsPadded: number, dest: number,
    fill: (r0: number, r1: number, target: Float64Array) => void,
  ): number {
    const { heap, kernels, panelRows } = this.runtime;
    const blockRows = panelRows * PACK_BLOCK_PANELS;
    const blockBytes = blockRows * nColsPadded * 8;
    const nBlocks = Math.ceil(nRows / blockRows);
    const slotDoubles = Math.max(1, blockRows * nCols);
    const slotBytes = Math.ceil(slotDoubles / 2) * 16;
    const period = this.size + 1;
    const lists: number[][] = Array.from({ length: this.size - 1 }, () => []);
    for (let b = 0, k = 0; b < nBlocks; b++) if (b % period !== 0) lists[k++ % lists.length]!.push(b);
    const staging = heap.alloc(PACK_SLOTS * slotBytes, 'ThreadTeam');
    try {
      const { workers, i32 } = this.pool;
      Atomics.store(i32, PACK_FILLED, 0);
      Atomics.store(i32, PACK_BAD_BLOCK, nBlocks);
      Atomics.store(i32, PACK_ABORT, 0);
      for (let s = 0; s < PACK_SLOTS; s++) Atomics.store(i32, PACK_SLOT_DONE + s, 0);
      Atomics.store(i32, DONE_INDEX, 0);
      let posted = 0;
      let badBlock = nBlocks;
      try {
        for (const blocks of lists) {
          if (blocks.length === 0) continue;
          Atomics.store(i32, STATUS_BASE + posted, 0);
          workers[posted]!.post({
            type: 'pack', blocks, slots: PACK_SLOTS, slotBytes, staging, blockRows, blockBytes,
            nRows, nCols, intercept, nColsPadded, dest,
          });
          posted++;
        }
        const views = Array.from({ length: PACK_SLOTS }, (_, s) => heap.f64(staging + s * slotBytes, slotDoubles));
        for (let b = 0; b < nBlocks; b++) {
          const s = b % PACK_SLOTS;
          const generation = Math.floor(b / PACK_SLOTS);
          waitAbove(i32, PACK_SLOT_DONE + s, generation - 1);
          const r0 = b * blockRows;
          const r1 = Math.min(nRows, r0 + blockRows);
          fill(r0, r1, views[s]!);
          Atomics.store(i32, PACK_FILLED, b + 1);
          Atomics.notify(i32, PACK_FILLED);
          if (b % period === 0) {
            if (kernels.packPanels(staging + s * slotBytes, r1 - r0, nCols, intercept, nColsPadded, dest + b * blockBytes) >= 0) {
              badBlock = Math.min(badBlock, b);
            }
            Atomics.add(i32, PACK_SLOT_DONE + s, 1);
          }
        }
      } catch (error) {
        // Stop the workers (they may wait for blocks that will never come) and let them finish
        // before the staging goes; the caller hears of this error, not of their status.
        Atomics.store(i32, PACK_ABORT, 1);
        Atomics.store(i32, PACK_FILLED, 0x7fffffff);
        Atomics.notify(i32, PACK_FILLED);
        waitAbove(i32, DONE_INDEX, posted - 1);
        throw error;
      }
      this.waitForWorkers(posted, 'packRows');
      badBlock = Math.min(badBlock, Atomics.load(i32, PACK_BAD_BLOCK));
      if (badBlock === nBlocks) return -1;
      // Read the block again to find the value (an error path: no hurry).
      const r0 = badBlock * blockRows;
      const r1 = Math.min(nRows, r0 + blockRows);
      fill(r0, r1, heap.f64(staging, slotDoubles));
      const bad = kernels.packPanels(staging, r1 - r0, nCols, intercept, nColsPadded, dest + badBlock * blockBytes);
      if (bad < 0) {
        throw new SoftlogitError('NON_FINITE', `packRows: rows ${r0}-${r1 - 1} held a NaN or infinity, and not when read again (X changed during the copy)`);
      }
      return r0 * nCols + bad;
    } finally {
      heap.free(staging);
    }
  }

  /** Releases the per-thread buffers. */
  dispose(): void {
    if (this.block !== 0) this.runtime.heap.free(this.block);
    this.block = 0;
    this.layout.dim = -1;
  }

  /**
   * (Re)allocates the workers' scratch and the chunks' score, information and tail buffers for a
   * `dim`-square information matrix (chunk 0 writes to the caller's buffers).
   */
  private prepare(dim: number, scratchDoubles: number): void {
    if (this.layout.dim === dim && this.layout.scratchDoubles >= scratchDoubles) return;
    this.dispose();
    const workers = this.size - 1;
    const chunks = passChunks(this.size, dim);
    this.block = this.runtime.heap.alloc(teamBufferBytes(this.size, dim, scratchDoubles), 'ThreadTeam');
    const layout = { dim, scratchDoubles, chunks, scratch: [] as number[], score: [] as number[], info: [] as number[], tail: [] as number[] };
    let at = this.block;
    const take = (doubles: number) => {
      const address = at;
      at += Math.ceil((doubles * 8) / 16) * 16;
      return address;
    };
    for (let t = 0; t < workers; t++) layout.scratch.push(take(scratchDoubles));
    for (let c = 1; c < chunks; c++) {
      layout.score.push(take(dim));
      layout.info.push(take(dim * dim));
      layout.tail.push(take(1));
    }
    this.layout = layout;
  }

  /**
   * Cuts panels 0..nPanels into at most `layout.chunks` contiguous chunks (starting at multiples of
   * `stride`, so a subsampled Hessian takes the same panels as one pass would), runs `name` on
   * each — the threads take chunks from a shared counter, this one too — and adds the chunks'
   * score and information to chunk 0's, the caller's, in chunk order (and takes the least of
   * their `tailOut` values when != 0). Returns the summed log-likelihood.
   */
  private split(
    nPanels: number, stride: number, dim: number, scoreOut: number, infoOut: number, tailOut: number,
    scratchArg: number, scratch: number,
    argsFor: (firstPanel: number, count: number, out: { score: number; info: number; tail: number }) => number[],
    name: 'logisticEvaluate' | 'softmaxEvaluate',
  ): number {
    const ranges = panelRanges(nPanels, stride, this.layout.chunks);
    const { layout } = this;
    const lists = ranges.map(([b0, count], c) => argsFor(b0, count, c === 0
      ? { score: scoreOut, info: infoOut, tail: tailOut }
      : { score: scoreOut === 0 ? 0 : layout.score[c - 1]!, info: infoOut === 0 ? 0 : layout.info[c - 1]!, tail: tailOut === 0 ? 0 : layout.tail[c - 1]! }));
    const logLiks = this.runChunks(name, lists, scratchArg, scratch);
    let logLik = logLiks[0]!;
    const heap = this.runtime.heap;
    const score = scoreOut === 0 ? null : heap.f64(scoreOut, dim);
    const info = infoOut === 0 ? null : heap.f64(infoOut, dim * dim);
    const tail = tailOut === 0 ? null : heap.f64(tailOut, 1);
    for (let c = 1; c < ranges.length; c++) {
      logLik += logLiks[c]!;
      if (tail) tail[0] = Math.min(tail[0]!, heap.f64(layout.tail[c - 1]!, 1)[0]!);
      if (score) {
        const part = heap.f64(layout.score[c - 1]!, dim);
        for (let i = 0; i < dim; i++) score[i] = score[i]! + part[i]!;
      }
      if (info) {
        // The kernels fill the upper triangle (of each block, for softmax; the rest is mirrored
        // afterwards): adding whole rows is simpler and about as fast.
        const part = heap.f64(layout.info[c - 1]!, dim * dim);
        for (let i = 0; i < dim * dim; i++) info[i] = info[i]! + part[i]!;
      }
    }
    return logLik;
  }

  /**
   * Runs kernel `name` once per argument list (chunk), the chunks taken from a shared counter by
   * this thread and the workers at the same time, each thread with its own scratch (argument
   * `scratchArg`; this thread's is `scratch`), and returns their results in chunk order once all
   * are done.
   * @throws {SoftlogitError} `TOO_LARGE` when a worker's call failed (it printed why).
   */
  private runChunks(name: keyof ParallelKernels, lists: number[][], scratchArg: number, scratch: number): number[] {
    const run = this.runtime.kernels[name] as (...args: number[]) => number;
    if (lists.length <= 1) return [run(...lists[0]!)];
    const { workers, i32, jobs: records, chunkTable, chunkResults } = this.pool;
    const nArgs = lists[0]!.length;
    // A longer list would run into the next chunk's slots (a kernel gained an argument).
    if (nArgs > CHUNK_ARGS) throw new Error(`${name}: ${nArgs} arguments, the chunk table holds ${CHUNK_ARGS}`);
    for (let c = 0; c < lists.length; c++) chunkTable.set(lists[c]!, c * CHUNK_ARGS);
    Atomics.store(i32, CHUNK_NEXT, 0);
    Atomics.store(i32, DONE_INDEX, 0);
    const helpers = Math.min(this.size - 1, lists.length - 1);
    for (let t = 0; t < helpers; t++) {
      const at = t * JOB_DOUBLES;
      records[at] = JOB_NAMES.indexOf(name);
      records[at + 1] = -1;
      records[at + 2] = lists.length;
      records[at + 3] = nArgs;
      records[at + 4] = scratchArg;
      records[at + 5] = this.layout.scratch[t]!;
      Atomics.store(i32, STATUS_BASE + t, 0);
      // The counter's atomic add publishes the record; a worker still awake after its last job
      // sees it at once, one back in its event loop is woken by the poke.
      Atomics.add(i32, JOB_SEQ + t, 1);
      workers[t]!.post({ type: 'poke' });
    }
    try {
      for (;;) {
        const c = Atomics.add(i32, CHUNK_NEXT, 1);
        if (c >= lists.length) break;
        const args = lists[c]!;
        args[scratchArg] = scratch;
        chunkResults[c] = run(...args);
      }
    } catch (error) {
      // The workers read the same buffers: they must be done before the caller frees them.
      Atomics.store(i32, CHUNK_NEXT, lists.length);
      waitAbove(i32, DONE_INDEX, helpers - 1);
      throw error;
    }
    this.waitForWorkers(helpers, name);
    return Array.from(chunkResults.subarray(0, lists.length));
  }

  /**
   * Waits until `expected` workers (slots 0 .. expected − 1) have reported done.
   * @throws {SoftlogitError} `TOO_LARGE` when a worker's job failed (it printed why).
   */
  private waitForWorkers(expected: number, name: string): void {
    const { i32 } = this.pool;
    waitAbove(i32, DONE_INDEX, expected - 1);
    for (let t = 0; t < expected; t++) {
      if (Atomics.load(i32, STATUS_BASE + t) !== 1) {
        throw new SoftlogitError('TOO_LARGE', `${name}: kernel worker ${t + 1} failed (see the warning it printed)`);
      }
    }
  }
}

/**
 * Returns once i32[index] > value: spins SPIN_MS first (see there: waking a sleeping thread is
 * slow in a virtual machine), then sleeps in Atomics.wait.
 */
function waitAbove(i32: Int32Array, index: number, value: number): void {
  const until = performance.now() + SPIN_MS;
  do {
    for (let k = 0; k < 1000; k++) if (Atomics.load(i32, index) > value) return;
  } while (performance.now() < until);
  for (;;) {
    const now = Atomics.load(i32, index);
    if (now > value) return;
    Atomics.wait(i32, index, now);
  }
}

/**
 * Chunks a pass of a team of `size` threads is cut into (at most: fewer when there are fewer
 * panels) for a `dim`-square information matrix: PASS_CHUNKS (MAX_CHUNKS beyond PASS_CHUNKS / 4
 * threads), fewer when their information matrices would exceed CHUNK_INFO_BYTES, never fewer than
 * the threads.
 */
export function passChunks(size: number, dim: number): number {
  const wanted = size * 4 > PASS_CHUNKS ? MAX_CHUNKS : PASS_CHUNKS;
  return Math.min(MAX_CHUNKS, Math.max(size, Math.min(wanted, 1 + Math.floor(CHUNK_INFO_BYTES / (dim * dim * 8)))));
}

/**
 * WebAssembly bytes a team of `size` threads allocates for a `dim`-square information matrix and
 * `scratchDoubles` of kernel scratch: each worker's scratch, each chunk's (but the first's)
 * score, information and tail (src/models/capacity.ts counts them before a fit).
 */
export function teamBufferBytes(size: number, dim: number, scratchDoubles: number): number {
  const perChunk = (dim + dim * dim + 2) * 8 + 48;
  return (size - 1) * (scratchDoubles * 8 + 16) + (passChunks(size, dim) - 1) * perChunk;
}

/**
 * Where chunks must start so that each panel's place in the panel-step and information-stride
 * patterns is the same as in one pass over all panels: a common multiple of the two.
 */
function alignment(infoPanelStride: number, panelStep: number): number {
  const a = Math.max(1, infoPanelStride);
  const b = Math.max(1, panelStep);
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return (a / x) * b;
}

/** Where the scratch address sits in logisticEvaluate's and softmaxEvaluate's argument lists. */
const LOGISTIC_SCRATCH_ARG = 11;
const SOFTMAX_SCRATCH_ARG = 12;

/**
 * Panels 0..nPanels cut into at most `parts` contiguous [first, count] ranges of nearly equal
 * size, each starting at a multiple of `stride`.
 */
export function panelRanges(nPanels: number, stride: number, parts: number): Array<[number, number]> {
  const units = Math.ceil(nPanels / stride);
  const used = Math.max(1, Math.min(parts, units));
  const ranges: Array<[number, number]> = [];
  for (let k = 0; k < used; k++) {
    const b0 = Math.floor((k * units) / used) * stride;
    const b1 = Math.min(nPanels, Math.floor(((k + 1) * units) / used) * stride);
    ranges.push([b0, b1 - b0]);
  }
  return ranges;
}

/**
 * The team for a fit with `threads` > 1, or null to fit on one thread: when threads ≤ 1, or they
 * are unavailable here (noticed once through `warn`). Uses min(threads, pool size) threads.
 * @throws {SoftlogitError} `NOT_INITIALIZED` when threads could work but `initThreads` has not run.
 */
export function threadTeam(threads: number, caller: string, warn: (message: string) => void): ThreadTeam | null {
  if (threads <= 1) return null;
  if (pool === undefined) {
    if (starting !== undefined) {
      const what = starting.kind === 'replace'
        ? `the thread pool is being replaced (initThreads(${starting.size}) is still ending the old pool and starting ${starting.size} threads)`
        : `the thread pool is still starting (initThreads(${starting.size}) has not resolved)`;
      throw new SoftlogitError('NOT_INITIALIZED', `${caller}: threads: ${threads} cannot run now: ${what}; await initThreads before fitting`);
    }
    unavailable ??= whyUnavailable();
    if (unavailable !== undefined) {
      notice(warn);
      return null;
    }
    throw new SoftlogitError(
      'NOT_INITIALIZED',
      `${caller}: threads: ${threads} needs the worker pool; call \`await initThreads(${threads})\` (exported by softlogit) once before fitting`,
    );
  }
  const size = Math.min(threads, pool.size);
  return size > 1 ? new ThreadTeam(pool, size) : null;
}
