// The export list of the softlogit WebAssembly module. Every kernel works on raw pointers into
// the module's one memory; the JavaScript side owns allocation (src/wasm/memory.ts) above
// `heapBase()`, so no AssemblyScript runtime allocation happens in here.
import { PANEL_ROWS, COLUMN_MULTIPLE } from './panel';
export { packPanel, packPanels, mirrorUpper } from './panel';
export { logisticEvaluate } from './logistic';
export { softmaxEvaluate, completeBlockSymmetric } from './softmax';
export { choleskyFactor, choleskySolve, choleskyInverse } from './linalg';
export { columnAbsRange, scaleColumns, logisticResidualSquares, softmaxResidualSquares } from './columns';
export { log1pexp, sigmoid } from './math';
export { fingerprintWorkBytes, fingerprintPrepare, fingerprintRows } from './fingerprint';

/** First byte above the module's static data: the JavaScript allocator starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Rows per data panel, for the JavaScript side to lay out buffers. */
export function panelRows(): i32 {
  return PANEL_ROWS;
}

/** Columns are padded to a multiple of this. */
export function columnMultiple(): i32 {
  return COLUMN_MULTIPLE;
}
