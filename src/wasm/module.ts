// Loading the embedded WebAssembly module once and handing out its exports.
import { SoftlogitError } from '../errors.js';
import { wasmBase64 } from './module.generated.js';
import { WasmHeap } from './heap.js';

/** The kernels the module exports (see assembly/index.ts); pointers are byte offsets. */
export interface SoftlogitKernels {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  panelRows(): number;
  columnMultiple(): number;
  packPanel(rowMajor: number, nRows: number, nCols: number, intercept: number, nColsPadded: number, panelOut: number): number;
  packPanels(rowMajor: number, nRows: number, nCols: number, intercept: number, nColsPadded: number, panelsOut: number): number;
  mirrorUpper(a: number, n: number, ld: number): void;
  logisticEvaluate(
    x: number, nPanels: number, nColsPadded: number, coef: number, offset: number,
    successes: number, trials: number, etaOut: number,
    scoreOut: number, infoOut: number, infoPanelStride: number, scratch: number,
  ): number;
  softmaxEvaluate(
    x: number, nPanels: number, nColsPadded: number, nClasses: number, coef: number, offset: number,
    counts: number, probOut: number, scoreOut: number, infoOut: number, infoPanelStride: number, scratch: number,
    tailOut: number,
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

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
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
  loading ??= WebAssembly.instantiate(decodeBase64(wasmBase64), {}).then(({ instance }) => {
    const kernels = instance.exports as unknown as SoftlogitKernels;
    runtime = {
      kernels,
      heap: new WasmHeap(kernels.memory, kernels.heapBase()),
      panelRows: kernels.panelRows(),
      columnMultiple: kernels.columnMultiple(),
    };
  });
  return loading;
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
