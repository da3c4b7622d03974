// The information matrix X' diag(w) X in single precision, as a sketch for early Newton steps
// (issue #17). A Newton step taken with an approximate Hessian H̃ instead of H still shrinks the
// error by the factor ‖I − H̃⁻¹H‖ per step; f32 products summed in f32 over one 256-row panel
// (then added to the f64 total) are within ~1e-6 of H, far closer than the Hessian at a point
// that is itself ~1e-4 from the optimum, so a step with the sketch gains as many digits as one
// with the exact matrix. f32x4 does four rows per instruction where f64x2 does two: the Gram, the
// bulk of an exact-Hessian pass, takes about half the time. The solver never uses a sketch for
// the Hessian at the returned point (the covariance): that one is always exact.
//
// Layout: a single-precision copy of one panel, column-major like the panel (assembly/panel.ts),
// SINGLE_COLUMN_STRIDE bytes per column.
import { PANEL_ROWS, COLUMN_STRIDE, GRAM_TILE_I } from './panel';

/** Bytes between consecutive columns of a single-precision panel. */
export const SINGLE_COLUMN_STRIDE: i32 = PANEL_ROWS * 4;

/** Bytes of scratch a sketch of one panel needs: its f32 copy and its f32 weighted copy. */
export function sketchScratchBytes(nColsPadded: i32): usize {
  return <usize>2 * <usize>nColsPadded * <usize>SINGLE_COLUMN_STRIDE;
}

/** Rounds PANEL_ROWS doubles at `values` to floats at `out` (out may not overlap values). */
export function rowsToSingle(values: usize, out: usize): void {
  for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 32) {
    const lo = f32x4.demote_f64x2_zero(v128.load(values + o));
    const hi = f32x4.demote_f64x2_zero(v128.load(values + o, 16));
    v128.store(out + (o >> 1), i8x16.shuffle(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
  }
}

/** The panel rounded to floats, column by column, at `panelOut` (SINGLE_COLUMN_STRIDE per column). */
export function panelToSingle(panel: usize, nColsPadded: i32, panelOut: usize): void {
  for (let j = 0; j < nColsPadded; j++) {
    rowsToSingle(panel + <usize>j * <usize>COLUMN_STRIDE, panelOut + <usize>j * <usize>SINGLE_COLUMN_STRIDE);
  }
}

/**
 * panelWeightedGramUpper (panel.ts) for single-precision panels, f64 output: the upper triangle of
 * X' diag(w) X (4 x 2 tiles; a 2 x 4 and a 2 x 2 tile on each 4 x 4 diagonal block; the last two
 * output rows by 2 x 2 tiles when nColsPadded is 2 mod 4), four rows per f32x4; each diagonal tile
 * scales the four columns it reads by w (PANEL_ROWS floats) and stores them to `weighted` for
 * the tiles to its right.
 */
export function panelWeightedGramUpperSingle(panel: usize, w: usize, weighted: usize, nColsPadded: i32, gramOut: usize, ld: i32): void {
  const fullRows = nColsPadded & ~(GRAM_TILE_I - 1);
  if (fullRows < nColsPadded) {
    for (let j = fullRows; j < nColsPadded; j++) {
      const base = <usize>j * <usize>SINGLE_COLUMN_STRIDE;
      for (let o: usize = 0; o < <usize>SINGLE_COLUMN_STRIDE; o += 16) {
        v128.store(weighted + base + o, f32x4.mul(v128.load(panel + base + o), v128.load(w + o)));
      }
    }
    gramUpperTwoRowsSingle(weighted, panel, gramOut, ld, fullRows, nColsPadded);
  }
  for (let i = 0; i < fullRows; i += GRAM_TILE_I) {
    gramDiagonalTwoByFourScaledSingle(panel, w, weighted, gramOut, ld, i);
    gramUpperTwoRowsSingle(weighted, panel, gramOut, ld, i + 2, i + 4);
    const aBase = weighted + <usize>i * <usize>SINGLE_COLUMN_STRIDE;
    for (let j = i + GRAM_TILE_I; j < nColsPadded; j += 2) {
      const bBase = panel + <usize>j * <usize>SINGLE_COLUMN_STRIDE;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      for (let o: usize = 0; o < <usize>SINGLE_COLUMN_STRIDE; o += 16) {
        const pa = aBase + o;
        const pb = bBase + o;
        const b0 = v128.load(pb, 0);
        const b1 = v128.load(pb, SINGLE_COLUMN_STRIDE);
        const a0 = v128.load(pa, 0);
        c00 = f32x4.add(c00, f32x4.mul(a0, b0));
        c01 = f32x4.add(c01, f32x4.mul(a0, b1));
        const a1 = v128.load(pa, SINGLE_COLUMN_STRIDE);
        c10 = f32x4.add(c10, f32x4.mul(a1, b0));
        c11 = f32x4.add(c11, f32x4.mul(a1, b1));
        const a2 = v128.load(pa, SINGLE_COLUMN_STRIDE * 2);
        c20 = f32x4.add(c20, f32x4.mul(a2, b0));
        c21 = f32x4.add(c21, f32x4.mul(a2, b1));
        const a3 = v128.load(pa, SINGLE_COLUMN_STRIDE * 3);
        c30 = f32x4.add(c30, f32x4.mul(a3, b0));
        c31 = f32x4.add(c31, f32x4.mul(a3, b1));
      }
      const out = gramOut + ((<usize>i * <usize>ld + <usize>j) << 3);
      const row = <usize>ld << 3;
      addLanes(out, c00);
      addLanes(out + 8, c01);
      addLanes(out + row, c10);
      addLanes(out + row + 8, c11);
      addLanes(out + 2 * row, c20);
      addLanes(out + 2 * row + 8, c21);
      addLanes(out + 3 * row, c30);
      addLanes(out + 3 * row + 8, c31);
    }
  }
}

/** Rows i, i + 1, columns i to jEnd (exclusive) of panelWeightedGramUpperSingle's output, by 2 x 2 tiles. */
function gramUpperTwoRowsSingle(weighted: usize, panel: usize, gramOut: usize, ld: i32, i: i32, jEnd: i32): void {
  const aBase = weighted + <usize>i * <usize>SINGLE_COLUMN_STRIDE;
  for (let j = i; j < jEnd; j += 2) {
    const bBase = panel + <usize>j * <usize>SINGLE_COLUMN_STRIDE;
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
    let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
    for (let o: usize = 0; o < <usize>SINGLE_COLUMN_STRIDE; o += 16) {
      const pa = aBase + o;
      const pb = bBase + o;
      const b0 = v128.load(pb, 0);
      const b1 = v128.load(pb, SINGLE_COLUMN_STRIDE);
      const a0 = v128.load(pa, 0);
      c00 = f32x4.add(c00, f32x4.mul(a0, b0));
      c01 = f32x4.add(c01, f32x4.mul(a0, b1));
      const a1 = v128.load(pa, SINGLE_COLUMN_STRIDE);
      c10 = f32x4.add(c10, f32x4.mul(a1, b0));
      c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    }
    const out = gramOut + ((<usize>i * <usize>ld + <usize>j) << 3);
    const row = <usize>ld << 3;
    addLanes(out, c00);
    addLanes(out + 8, c01);
    addLanes(out + row, c10);
    addLanes(out + row + 8, c11);
  }
}

/** Rows i, i + 1, columns i to i + 3 of panelWeightedGramUpperSingle's output (one 2 x 4 tile), with a = x w formed, stored and used here (as in panel.ts). */
function gramDiagonalTwoByFourScaledSingle(panel: usize, w: usize, weightedOut: usize, gramOut: usize, ld: i32, i: i32): void {
  const aBase = weightedOut + <usize>i * <usize>SINGLE_COLUMN_STRIDE;
  const bBase = panel + <usize>i * <usize>SINGLE_COLUMN_STRIDE;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  for (let o: usize = 0; o < <usize>SINGLE_COLUMN_STRIDE; o += 16) {
    const pa = aBase + o;
    const pb = bBase + o;
    const wv = v128.load(w + o);
    const b0 = v128.load(pb, 0);
    const a0 = f32x4.mul(b0, wv);
    v128.store(pa, a0, 0);
    c00 = f32x4.add(c00, f32x4.mul(a0, b0));
    const b1 = v128.load(pb, SINGLE_COLUMN_STRIDE);
    const a1 = f32x4.mul(b1, wv);
    v128.store(pa, a1, SINGLE_COLUMN_STRIDE);
    c10 = f32x4.add(c10, f32x4.mul(a1, b0));
    c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    const b2 = v128.load(pb, SINGLE_COLUMN_STRIDE * 2);
    v128.store(pa, f32x4.mul(b2, wv), SINGLE_COLUMN_STRIDE * 2);
    c02 = f32x4.add(c02, f32x4.mul(a0, b2));
    c12 = f32x4.add(c12, f32x4.mul(a1, b2));
    const b3 = v128.load(pb, SINGLE_COLUMN_STRIDE * 3);
    v128.store(pa, f32x4.mul(b3, wv), SINGLE_COLUMN_STRIDE * 3);
    c03 = f32x4.add(c03, f32x4.mul(a0, b3));
    c13 = f32x4.add(c13, f32x4.mul(a1, b3));
  }
  const out = gramOut + ((<usize>i * <usize>ld + <usize>i) << 3);
  const row = <usize>ld << 3;
  addLanes(out, c00);
  addLanes(out + 8, c01);
  addLanes(out + 16, c02);
  addLanes(out + 24, c03);
  addLanes(out + row, c10);
  addLanes(out + row + 8, c11);
  addLanes(out + row + 16, c12);
  addLanes(out + row + 24, c13);
}

// @ts-ignore: decorator
@inline
function addLanes(dst: usize, v: v128): void {
  const low = f64x2.promote_low_f32x4(v);
  const high = f64x2.promote_low_f32x4(i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15));
  const s = f64x2.add(low, high);
  store<f64>(dst, load<f64>(dst) + (f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1)));
}
