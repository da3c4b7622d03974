// Copying a design matrix into WebAssembly memory once per fit, in the kernels' panel layout
// (see assembly/panel.ts): panels of `panelRows` rows, column-major inside a panel, columns
// padded with zeros to a multiple of `columnMultiple`, the last panel padded with zero rows.
import { SoftlogitError } from '../errors.js';
import type { RowSource } from '../input/design.js';
import type { SoftlogitRuntime } from './module.js';

/** Copies rows into panels on several threads (a ThreadTeam, src/threads/pool.ts). */
export interface PanelPacker {
  /** As DesignBuffer.copy's loop, for all rows; returns -1 or the row-major index of the first NaN/infinity. */
  packRows(
    nRows: number, nCols: number, intercept: number, nColsPadded: number, dest: number,
    fill: (r0: number, r1: number, target: Float64Array) => void,
  ): number;
}

/** A design matrix resident in WebAssembly memory. Free it with `free()` when the fit is done. */
export class DesignBuffer {
  readonly runtime: SoftlogitRuntime;
  /** Address of the first panel. */
  readonly address: number;
  readonly nRows: number;
  /** Columns including the intercept column when there is one. */
  readonly nCols: number;
  readonly nColsPadded: number;
  readonly nPanels: number;
  readonly nRowsPadded: number;

  private constructor(runtime: SoftlogitRuntime, address: number, nRows: number, nCols: number, nColsPadded: number) {
    this.runtime = runtime;
    this.address = address;
    this.nRows = nRows;
    this.nCols = nCols;
    this.nColsPadded = nColsPadded;
    this.nPanels = Math.ceil(nRows / runtime.panelRows);
    this.nRowsPadded = this.nPanels * runtime.panelRows;
  }

  /** Bytes the panels of an nRows x nCols design take (for size checks before allocating). */
  static bytesFor(runtime: SoftlogitRuntime, nRows: number, nCols: number): number {
    const nColsPadded = Math.ceil(nCols / runtime.columnMultiple) * runtime.columnMultiple;
    return Math.ceil(nRows / runtime.panelRows) * runtime.panelRows * nColsPadded * 8;
  }

  /**
   * Copies `source` (with a leading column of ones when `intercept`) into new panels: one panel's
   * rows at a time are read into a row-major staging block in WASM memory (in cache), which
   * `packPanels` transposes into the panel. With a `team` of threads, the team's pipelined copy.
   * `onBlock`, when given, is called on this thread with each staging block as it is filled (its
   * address and rows r0 … r1 − 1), before it is packed: to read the rows there (RowHasher) rather
   * than reading X again.
   * @throws {SoftlogitError} `NON_FINITE` naming the row and column of the first NaN or infinity;
   *   `TOO_LARGE` when the panels do not fit in WebAssembly memory.
   */
  static copy(
    runtime: SoftlogitRuntime, source: RowSource, intercept: boolean, caller: string, team?: PanelPacker,
    onBlock?: (rowMajor: number, r0: number, r1: number) => void,
  ): DesignBuffer {
    const { heap, kernels, panelRows } = runtime;
    const nCols = source.nFeatures + (intercept ? 1 : 0);
    const nColsPadded = Math.ceil(nCols / runtime.columnMultiple) * runtime.columnMultiple;
    const panelBytes = panelRows * nColsPadded * 8;
    const total = DesignBuffer.bytesFor(runtime, source.nRows, nCols);
    const stagingLength = team ? 0 : Math.max(1, panelRows * source.nFeatures);
    const address = heap.alloc(total + stagingLength * 8, caller);
    const design = new DesignBuffer(runtime, address, source.nRows, nCols, nColsPadded);
    const staging = address + total;
    // The team's staging blocks are views of WebAssembly memory: byteOffset is their address.
    const fill = onBlock
      ? (r0: number, r1: number, target: Float64Array) => {
          source.fillRows(r0, r1, target);
          onBlock(target.byteOffset, r0, r1);
        }
      : (r0: number, r1: number, target: Float64Array) => source.fillRows(r0, r1, target);
    try {
      let bad = -1;
      if (team) {
        bad = team.packRows(source.nRows, source.nFeatures, intercept ? 1 : 0, nColsPadded, address, fill);
      } else {
        const view = heap.f64(staging, stagingLength);
        for (let b = 0; b < design.nPanels && bad < 0; b++) {
          const r0 = b * panelRows;
          const r1 = Math.min(source.nRows, r0 + panelRows);
          source.fillRows(r0, r1, view);
          onBlock?.(staging, r0, r1);
          bad = kernels.packPanel(staging, r1 - r0, source.nFeatures, intercept ? 1 : 0, nColsPadded, address + b * panelBytes);
          if (bad >= 0) bad += r0 * source.nFeatures;
        }
      }
      if (bad >= 0) {
        const row = Math.floor(bad / source.nFeatures);
        const col = bad % source.nFeatures;
        const value = new Float64Array(source.nFeatures);
        source.fillRows(row, row + 1, value);
        throw new SoftlogitError(
          'NON_FINITE',
          `${caller}: X must hold finite numbers, got ${value[col]} at row ${row}, column ${col}` +
            (source.names ? ` ('${source.names[col]}')` : ''),
          { row, column: col },
        );
      }
    } catch (error) {
      heap.free(address);
      throw error;
    }
    return design;
  }

  /** Releases the panels. */
  free(): void {
    this.runtime.heap.free(this.address);
  }
}
