// Copying a design matrix into WebAssembly memory once per fit, in the kernels' panel layout
// (see assembly/panel.ts): panels of `panelRows` rows, column-major inside a panel, columns
// padded with zeros to a multiple of `columnMultiple`, the last panel padded with zero rows.
import { SoftlogitError } from '../errors.js';
import type { RowSource } from '../input/design.js';
import type { SoftlogitRuntime } from './module.js';

/**
 * `equilibrate` leaves alone columns whose magnitudes all lie within 2^±250 (about 1e±75): their
 * squares, within 2^±500, and sums of up to 2^30 rows of them sit far inside a double's range.
 */
const EXTREME_EXPONENT = 250;

/**
 * The power of two s a column is multiplied by so that X'WX holds it (1 when it needs none): for
 * a column whose magnitudes reach beyond 2^±EXTREME_EXPONENT (largest `max`, smallest non-zero
 * `min`), its range of magnitudes is centred on 1, or, when it is too wide for that (one cell of
 * 1e300 among values near 1), its largest value is put where Σ w x̃² over `nRows` rows (w ≤ 1/4
 * per unit weight, the smallest weight normalized to 1) still stays below 2^1000, which keeps the
 * smallest values as far from underflow as possible.
 */
export function equilibrationScale(max: number, min: number, nRows: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const high = Math.floor(Math.log2(max));
  const low = Math.floor(Math.log2(min));
  if (high <= EXTREME_EXPONENT && low >= -EXTREME_EXPONENT) return 1;
  const top = Math.floor((1000 - Math.log2(Math.max(1, nRows))) / 2) - 1;
  const shift = Math.max(-1022, Math.min(1023, Math.min(-Math.round((high + low) / 2), top - high)));
  return 2 ** shift;
}

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
  /**
   * s_j (length nCols) when `equilibrate` rescaled some columns: the panels hold x̃_ij = s_j x_ij.
   * Null while they hold X as given.
   */
  columnScales: Float64Array | null = null;
  /** Whether `equilibrate` has run (it runs at most once). */
  equilibrated = false;

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

  /**
   * Rescales the columns whose values reach beyond 2^±EXTREME_EXPONENT by powers of two (exact;
   * `equilibrationScale`), so that X'WX holds them. Sets and returns `columnScales` (null when no
   * column needed it). Runs once; O(n p), a scalar pass: called only when the information came
   * out of range.
   */
  equilibrate(): Float64Array | null {
    if (this.equilibrated) return this.columnScales;
    this.equilibrated = true;
    const { heap, kernels } = this.runtime;
    const work = heap.alloc(16 * this.nColsPadded, 'DesignBuffer.equilibrate');
    try {
      kernels.columnAbsRange(this.address, this.nPanels, this.nColsPadded, work);
      const range = heap.f64(work, 2 * this.nColsPadded).slice();
      const scales = new Float64Array(this.nColsPadded).fill(1);
      let any = false;
      for (let j = 0; j < this.nCols; j++) {
        scales[j] = equilibrationScale(range[2 * j]!, range[2 * j + 1]!, this.nRows);
        if (scales[j] !== 1) any = true;
      }
      if (!any) return null;
      heap.f64(work, this.nColsPadded).set(scales);
      kernels.scaleColumns(this.address, this.nPanels, this.nColsPadded, work);
      this.columnScales = scales.slice(0, this.nCols);
      return this.columnScales;
    } finally {
      heap.free(work);
    }
  }

  /** Releases the panels. */
  free(): void {
    this.runtime.heap.free(this.address);
  }
}
