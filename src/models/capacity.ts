// Refusing, before anything is allocated or validated row by row, a fit whose buffers cannot fit
// in a 32-bit WebAssembly memory (4 GiB): the error says how much it needs and the largest number
// of rows that would fit with these columns.
import { SoftlogitError } from '../errors.js';
import { formatBytes } from '../wasm/heap.js';
import { logisticScratchDoubles, softmaxScratchDoubles, type SoftlogitRuntime } from '../wasm/module.js';
import { PACK_BLOCK_PANELS, teamBufferBytes } from '../threads/pool.js';
import { PACK_SLOTS } from '../threads/workerSource.js';

/** Heap block rounding and alignment slack per allocation (16 bytes each, a handful of blocks). */
const SLACK_BYTES = 1024;

/**
 * WebAssembly bytes an in-memory fit takes: the design panels and the staging rows
 * (src/wasm/design.ts), the objective's per-row vectors and scratch (src/objective/), and the
 * Newton system (src/objective/system.ts: 3 d² + 5 d doubles, d = blocks · padded columns).
 * With `threads` > 1 the staging is the threaded copy's ring (src/threads/pool.ts, packRows) and
 * the team adds every worker's scratch and every chunk's score and information (ThreadTeam). `nClasses` = 0 for the
 * logistic model.
 */
export function fitBytes(
  runtime: SoftlogitRuntime, nRows: number, nFeatures: number, intercept: boolean, nClasses: number, withOffset: boolean, threads = 1,
): number {
  const { fixed, perPanel } = costs(runtime, nFeatures, intercept, nClasses, withOffset, threads);
  return fixed + Math.ceil(nRows / runtime.panelRows) * perPanel;
}

function costs(
  runtime: SoftlogitRuntime, nFeatures: number, intercept: boolean, nClasses: number, withOffset: boolean, threads: number,
): { fixed: number; perPanel: number } {
  const rows = runtime.panelRows;
  const nCols = nFeatures + (intercept ? 1 : 0);
  const padded = Math.ceil(nCols / runtime.columnMultiple) * runtime.columnMultiple;
  const logistic = nClasses === 0;
  const vectorsPerRow = logistic ? (withOffset ? 4 : 3) : nClasses;
  const d = (logistic ? 1 : nClasses - 1) * padded;
  const staging = threads > 1 ? PACK_SLOTS * (PACK_BLOCK_PANELS * rows * nFeatures + 2) : Math.max(1, rows * nFeatures);
  const scratch = logistic ? logisticScratchDoubles(rows, padded) : softmaxScratchDoubles(rows, padded, nClasses);
  const workers = threads > 1 ? teamBufferBytes(threads, d, scratch) : 0;
  const fixed = (staging + scratch + 3 * d * d + 5 * d) * 8 + workers + SLACK_BYTES;
  const perPanel = rows * (padded + vectorsPerRow) * 8;
  return { fixed, perPanel };
}

/**
 * Throws TOO_LARGE when the fit cannot fit in the WebAssembly memory that is still free.
 * @throws {SoftlogitError} `TOO_LARGE` with the bytes needed, the bytes available and the
 *   largest nRows that fits for these columns (details: requiredBytes, availableBytes, maxRows).
 */
export function checkFitSize(
  runtime: SoftlogitRuntime, nRows: number, nFeatures: number, intercept: boolean, nClasses: number, withOffset: boolean, caller: string,
  threads = 1,
): void {
  const need = fitBytes(runtime, nRows, nFeatures, intercept, nClasses, withOffset, threads);
  const available = runtime.heap.capacity - runtime.heap.allocatedBytes;
  if (need <= available) return;
  const { fixed, perPanel } = costs(runtime, nFeatures, intercept, nClasses, withOffset, threads);
  const maxRows = Math.max(0, Math.floor((available - fixed) / perPanel) * runtime.panelRows);
  const shape = nClasses === 0 ? `${nRows} rows x ${nFeatures} columns` : `${nRows} rows x ${nFeatures} columns x ${nClasses} classes`;
  throw new SoftlogitError(
    'TOO_LARGE',
    `${caller}: ${shape} needs ${formatBytes(need)} of WebAssembly memory, more than the ${formatBytes(available)} a 32-bit ` +
      `WebAssembly memory has free; with these columns at most ${maxRows} rows fit. Fit a sample, fewer columns, or stream the ` +
      `rows (fitLogisticStream / fitSoftmaxStream)`,
    { requiredBytes: need, availableBytes: available, maxRows },
  );
}
