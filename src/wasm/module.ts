// Loading the embedded WebAssembly module once and handing out its exports.
//
// @assemblyscript/loader instantiates the module (from the embedded bytes, or from an already
// compiled module for the thread pool) and supplies the imports AssemblyScript's standard library
// may ask for (abort, trace, seed), with the exports typed as SoftlogitKernels. Its other half,
// the memory helpers (__getFloat64ArrayView, __newArray, …), reads and writes AssemblyScript
// objects: a header (runtime id, length) before the data, made by the module's own allocator.
// The kernels are built with the stub runtime and `exportRuntime: false` (asconfig.json): they
// take raw pointers, allocate nothing, and export no __new/__pin. So the memory stays JavaScript's
// (WasmHeap, heap.ts, which frees in any order and grows to 4 GiB, what the stub allocator cannot)
// and views are plain typed arrays over its blocks (WasmHeap.f64).
import { instantiate } from '@assemblyscript/loader';
import { SoftlogitError } from '../errors.js';
import { wasmBase64 } from './module.generated.js';
import { WasmHeap, type WasmMemory } from './heap.js';

/** The kernels the module exports (see assembly/index.ts); pointers are byte offsets. */
export interface SoftlogitKernels {
  readonly memory: WasmMemory;
  heapBase(): number;
  panelRows(): number;
  columnMultiple(): number;
  packPanel(rowMajor: number, nRows: number, nCols: number, intercept: number, nColsPadded: number, panelOut: number): number;
  packPanels(rowMajor: number, nRows: number, nCols: number, intercept: number, nColsPadded: number, panelsOut: number): number;
  mirrorUpper(a: number, n: number, ld: number): void;
  logisticEvaluate(
    x: number, nPanels: number, nColsPadded: number, coef: number, offset: number,
    successes: number, trials: number, etaOut: number,
    scoreOut: number, infoOut: number, infoPanelStride: number, scratch: number, infoSingle: number, panelStep: number,
  ): number;
  softmaxEvaluate(
    x: number, nPanels: number, nColsPadded: number, nClasses: number, coef: number, offset: number, offsetPanels: number,
    counts: number, probOut: number, scoreOut: number, infoOut: number, infoPanelStride: number, scratch: number,
    tailOut: number, infoSingle: number, panelStep: number,
  ): number;
  completeBlockSymmetric(a: number, nBlocks: number, blockSize: number): void;
  choleskyFactor(a: number, n: number, scaleOut: number, floors: number): number;
  choleskySolve(l: number, n: number, scale: number, b: number): void;
  choleskyInverse(l: number, n: number, scale: number, out: number, work: number): void;
  columnAbsRange(x: number, nPanels: number, nColsPadded: number, out: number): void;
  scaleColumns(x: number, nPanels: number, nColsPadded: number, scales: number): void;
  logisticResidualSquares(
    x: number, nPanels: number, nColsPadded: number, coef: number, column: number, eta: number, trials: number, out: number,
  ): void;
  softmaxResidualSquares(
    x: number, nPanels: number, nColsPadded: number, nClasses: number, coef: number, counts: number, combination: number, column: number, out: number,
  ): void;
  log1pexp(x: number): number;
  fingerprintWorkBytes(length: number): number;
  fingerprintPrepare(length: number, work: number): void;
  fingerprintRows(
    rowMajor: number, nRows: number, nCols: number, extras: number, nExtras: number, length: number,
    work: number, sumsOut: number,
  ): void;
  sigmoid(x: number): number;
}

/** Doubles of `scratch` logisticEvaluate needs (assembly/logistic.ts): 2 row columns and a weighted panel. */
export function logisticScratchDoubles(panelRows: number, nColsPadded: number): number {
  return 2 * panelRows + panelRows * nColsPadded;
}

/** Doubles of `scratch` softmaxEvaluate needs (assembly/softmax.ts): 3K − 1 row columns and a weighted panel. */
export function softmaxScratchDoubles(panelRows: number, nColsPadded: number, nClasses: number): number {
  return (3 * nClasses - 1) * panelRows + panelRows * nColsPadded;
}

/** The instantiated module: its kernels and the allocator over its memory. */
export interface SoftlogitRuntime {
  readonly kernels: SoftlogitKernels;
  readonly heap: WasmHeap;
  /** Rows per data panel (a compile-time constant of the kernels). */
  readonly panelRows: number;
  /** Columns are padded to a multiple of this. */
  readonly columnMultiple: number;
}

let runtime: SoftlogitRuntime | undefined;
let loading: Promise<void> | undefined;

/** The bytes of an embedded module (base64, as scripts/embed-wasm.mjs writes it). */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Compiles and instantiates the embedded WebAssembly module. Call (and await) once before any fit;
 * concurrent and repeated calls share one promise, so calling it again is free.
 *
 * @example
 * import { init, fitLogistic } from 'softlogit';
 * await init();
 * const fit = fitLogistic([[1], [2], [3], [4]], [0, 1, 0, 1]);
 */
export function init(): Promise<void> {
  loading ??= instantiateKernels(decodeBase64(wasmBase64), {}).then(({ kernels }) => {
    runtime = runtimeOf(kernels, kernels.memory);
  });
  return loading;
}

/**
 * Instantiates a kernels module (bytes, or a module already compiled) with `imports` through the
 * AssemblyScript loader; returns the compiled module (to hand to workers) and the kernels: the
 * loader's exports (each kernel wrapped once, a few ns per call, against a pass over the data per
 * call; fit times measured the same, see scripts/time-fit.mjs).
 */
export async function instantiateKernels(
  source: Uint8Array<ArrayBuffer> | CompiledModule,
  imports: { env?: { memory?: WasmMemory } },
): Promise<{ module: CompiledModule; kernels: SoftlogitKernels }> {
  const { module, exports } = await instantiate<Record<string, unknown>>(source as BufferSource, imports as never);
  return { module, kernels: exports as unknown as SoftlogitKernels };
}

/**
 * A compiled module (a WebAssembly.Module), opaque in the declarations so that the package's
 * types need neither the DOM lib nor @types/node.
 */
export type CompiledModule = object;

/** The runtime over instantiated kernels whose memory is `memory`. */
export function runtimeOf(kernels: SoftlogitKernels, memory: WasmMemory): SoftlogitRuntime {
  return {
    kernels,
    heap: new WasmHeap(memory, kernels.heapBase()),
    panelRows: kernels.panelRows(),
    columnMultiple: kernels.columnMultiple(),
  };
}

/** True once `init()` has resolved. */
export function isInitialized(): boolean {
  return runtime !== undefined;
}

/**
 * The runtime, for code that needs the kernels.
 * @throws {SoftlogitError} `NOT_INITIALIZED` before `init()` has resolved.
 */
export function getRuntime(caller: string): SoftlogitRuntime {
  if (runtime === undefined) {
    throw new SoftlogitError(
      'NOT_INITIALIZED',
      `${caller}: the WebAssembly module is not loaded yet; call \`await init()\` (exported by softlogit) once before fitting`,
    );
  }
  return runtime;
}
