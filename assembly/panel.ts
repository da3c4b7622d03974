// Data layout and the loops every model shares.
//
// The design matrix lives in WASM memory as *row panels*: rows are grouped in panels of
// PANEL_ROWS rows; inside a panel the data are column-major, so column j of panel b starts at
//   x + (b * nColsPadded + j) * PANEL_ROWS * 8
// and holds PANEL_ROWS contiguous doubles. A panel (PANEL_ROWS x nColsPadded) is one contiguous
// block that stays in L2 cache while every kernel below runs over it, and SIMD runs down the rows
// (two rows per f64x2). The last panel is padded with zero rows (their weights are zero, so they
// add nothing); columns are padded with zero columns to a multiple of COLUMN_MULTIPLE.

/** Rows per panel. A compile-time constant so column offsets inside a panel are immediates. */
export const PANEL_ROWS: i32 = 256;
/** Bytes between consecutive columns inside a panel. */
export const COLUMN_STRIDE: i32 = PANEL_ROWS * 8;
/** Output rows per Gram tile (the last tile of a panel whose column count is 2 mod 4 has 2). */
export const GRAM_TILE_I: i32 = 4;
/**
 * Columns are padded to a multiple of this: the Gram tiles are 2 columns wide. Padding to 2 rather
 * than to the tile height 4 saves up to 2 zero columns, whose Gram flops (∝ columns²) are 16% of
 * the total at 21 columns (22 instead of 24).
 */
export const COLUMN_MULTIPLE: i32 = 2;

/**
 * Copies `nRows` (≤ PANEL_ROWS) rows of a row-major block (`nCols` doubles per row) into one panel,
 * transposing to the panel's column-major layout; with `intercept` != 0 a column of ones comes
 * first and the input columns follow. Rows and columns beyond the input are zeroed.
 * Two columns at a time, by 2 x 2 transposes of f64x2 (two rows of two columns in, two columns of
 * two rows out), so each column of the panel (in main memory) is written front to back while the
 * strided reads hit the small row-major block (in cache).
 * Returns -1, or the index r * nCols + j of the first value that is NaN or infinite.
 */
export function packPanel(rowMajor: usize, nRows: i32, nCols: i32, intercept: i32, nColsPadded: i32, panelOut: usize): i32 {
  const rowsBytes = <usize>nRows << 3;
  const pairBytes = rowsBytes & ~(<usize>15); // whole pairs of rows
  const tailBytes = <usize>COLUMN_STRIDE - rowsBytes;
  let dst = panelOut;
  if (intercept != 0) {
    for (let r: usize = 0; r < rowsBytes; r += 8) store<f64>(dst + r, 1.0);
    memory.fill(dst + rowsBytes, 0, tailBytes);
    dst += <usize>COLUMN_STRIDE;
  }
  const rowBytes = <usize>nCols << 3;
  // v - v is 0 for finite v and NaN for NaN or ±Infinity: summed, one check for the whole block.
  let check = f64x2.splat(0);
  let j = 0;
  for (; j + 2 <= nCols; j += 2) {
    let src = rowMajor + (<usize>j << 3);
    const dst1 = dst + <usize>COLUMN_STRIDE;
    for (let r: usize = 0; r < pairBytes; r += 16) {
      const a = v128.load(src); // x[r, j], x[r, j + 1]
      const b = v128.load(src + rowBytes); // x[r + 1, j], x[r + 1, j + 1]
      check = f64x2.add(check, f64x2.add(f64x2.sub(a, a), f64x2.sub(b, b)));
      v128.store(dst + r, v128.shuffle<f64>(a, b, 0, 2));
      v128.store(dst1 + r, v128.shuffle<f64>(a, b, 1, 3));
      src += rowBytes << 1;
    }
    if (pairBytes < rowsBytes) {
      const a = v128.load(src);
      check = f64x2.add(check, f64x2.sub(a, a));
      store<f64>(dst + pairBytes, f64x2.extract_lane(a, 0));
      store<f64>(dst1 + pairBytes, f64x2.extract_lane(a, 1));
    }
    memory.fill(dst + rowsBytes, 0, tailBytes);
    memory.fill(dst1 + rowsBytes, 0, tailBytes);
    dst += <usize>COLUMN_STRIDE << 1;
  }
  if (j < nCols) {
    let src = rowMajor + (<usize>j << 3);
    let last: f64 = 0;
    for (let r: usize = 0; r < rowsBytes; r += 8) {
      const v = load<f64>(src);
      last += v - v;
      store<f64>(dst + r, v);
      src += rowBytes;
    }
    check = f64x2.replace_lane(check, 0, f64x2.extract_lane(check, 0) + last);
    memory.fill(dst + rowsBytes, 0, tailBytes);
    dst += <usize>COLUMN_STRIDE;
  }
  memory.fill(dst, 0, <usize>(nColsPadded - nCols - (intercept != 0 ? 1 : 0)) * <usize>COLUMN_STRIDE);
  const total = f64x2.extract_lane(check, 0) + f64x2.extract_lane(check, 1);
  if (total == total) return -1;
  for (let r = 0; r < nRows; r++) {
    for (let k = 0; k < nCols; k++) {
      if (!isFinite(load<f64>(rowMajor + ((<usize>r * <usize>nCols + <usize>k) << 3)))) return r * nCols + k;
    }
  }
  return -1;
}

/**
 * Packs `nRows` rows of a row-major block into consecutive panels (ceil(nRows / PANEL_ROWS) of
 * them, the last padded with zero rows), each by {@link packPanel}. One call per block of panels,
 * so that a block can be cut into panel ranges and packed on several threads at once.
 * Returns -1, or the index r * nCols + j (r counted from the block's first row) of the first
 * value that is NaN or infinite.
 */
export function packPanels(rowMajor: usize, nRows: i32, nCols: i32, intercept: i32, nColsPadded: i32, panelsOut: usize): i32 {
  const panelBytes = <usize>nColsPadded * <usize>COLUMN_STRIDE;
  for (let r0 = 0; r0 < nRows; r0 += PANEL_ROWS) {
    const rows = min(PANEL_ROWS, nRows - r0);
    const bad = packPanel(rowMajor + ((<usize>r0 * <usize>nCols) << 3), rows, nCols, intercept, nColsPadded, panelsOut);
    if (bad >= 0) return r0 * nCols + bad;
    panelsOut += panelBytes;
  }
  return -1;
}

/**
 * eta[r] = sum_j x[r, j] * coef[j] (+ offset[r] when offset != 0) for the PANEL_ROWS rows of one
 * panel: eta += x[:, j] coef[j] for one column after the other, so the panel is read strictly front
 * to back (this is usually its first touch in a pass, straight from main memory, and one stream
 * runs at full bandwidth) while eta stays in L1. Measured on the benchmark machine (1e6 x 52):
 * 23 GB/s, against 9 GB/s for the same sums taken over 2 or 4 columns at once, whose loads 2 KiB
 * apart (and the eta stores between them) trip the CPU's 4 KiB address aliasing. The sum for
 * each row runs over j in order, then adds the offset.
 */
export function panelLinearPredictor(panel: usize, nColsPadded: i32, coef: usize, offset: usize, etaOut: usize): void {
  memory.fill(etaOut, 0, <usize>COLUMN_STRIDE);
  for (let j = 0; j < nColsPadded; j++) {
    const c = v128.load64_splat(coef + (<usize>j << 3));
    const col = panel + <usize>j * <usize>COLUMN_STRIDE;
    for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 32) {
      v128.store(etaOut + o, f64x2.add(v128.load(etaOut + o), f64x2.mul(v128.load(col + o), c)));
      v128.store(etaOut + o, f64x2.add(v128.load(etaOut + o, 16), f64x2.mul(v128.load(col + o, 16), c)), 16);
    }
  }
  if (offset != 0) {
    for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 16) {
      v128.store(etaOut + o, f64x2.add(v128.load(etaOut + o), v128.load(offset + o)));
    }
  }
}

/**
 * panelLinearPredictor for four coefficient vectors (coef + g * coefStride bytes, g = 0..3) on a
 * panel already in cache: two rows at a time, the four sums held in registers over all columns
 * (no partial sum goes through memory), then the offsets (offset + g * offsetStride, when
 * offset != 0). Each row's sum runs over j in order, then adds the offset: the same values as
 * panelLinearPredictor, bit for bit. From main memory the strided column loads would be slow;
 * after one panelLinearPredictor sweep the panel is in L2.
 */
export function panelLinearPredictor4(
  panel: usize, nColsPadded: i32, coef: usize, coefStride: usize, offset: usize, offsetStride: usize, etaOut: usize,
): void {
  const coef1 = coef + coefStride;
  const coef2 = coef1 + coefStride;
  const coef3 = coef2 + coefStride;
  const end = <usize>nColsPadded << 3;
  for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 16) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let col = panel + o;
    for (let j: usize = 0; j < end; j += 8) {
      const x = v128.load(col);
      s0 = f64x2.add(s0, f64x2.mul(x, v128.load64_splat(coef + j)));
      s1 = f64x2.add(s1, f64x2.mul(x, v128.load64_splat(coef1 + j)));
      s2 = f64x2.add(s2, f64x2.mul(x, v128.load64_splat(coef2 + j)));
      s3 = f64x2.add(s3, f64x2.mul(x, v128.load64_splat(coef3 + j)));
      col += <usize>COLUMN_STRIDE;
    }
    if (offset != 0) {
      s0 = f64x2.add(s0, v128.load(offset + o));
      s1 = f64x2.add(s1, v128.load(offset + offsetStride + o));
      s2 = f64x2.add(s2, v128.load(offset + (offsetStride << 1) + o));
      s3 = f64x2.add(s3, v128.load(offset + offsetStride * 3 + o));
    }
    v128.store(etaOut + o, s0);
    v128.store(etaOut + o, s1, COLUMN_STRIDE);
    v128.store(etaOut + o, s2, COLUMN_STRIDE * 2);
    v128.store(etaOut + o, s3, COLUMN_STRIDE * 3);
  }
}

/**
 * out[j] += sum_r x[r, j] * v[r] over one panel (a panel's share of X'v). Four f64x2
 * accumulators per column: the adds of one accumulator form a dependency chain, and four chains
 * keep the adder busy where two left it waiting on its own latency.
 */
export function panelTransposeTimes(panel: usize, nColsPadded: i32, v: usize, out: usize): void {
  let col = panel;
  for (let j = 0; j < nColsPadded; j++) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 64) {
      s0 = f64x2.add(s0, f64x2.mul(v128.load(col + o, 0), v128.load(v + o, 0)));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(col + o, 16), v128.load(v + o, 16)));
      s2 = f64x2.add(s2, f64x2.mul(v128.load(col + o, 32), v128.load(v + o, 32)));
      s3 = f64x2.add(s3, f64x2.mul(v128.load(col + o, 48), v128.load(v + o, 48)));
    }
    const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
    const dst = out + (<usize>j << 3);
    store<f64>(dst, load<f64>(dst) + f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1));
    col += <usize>COLUMN_STRIDE;
  }
}

/**
 * gramOut[i, j] += sum_r x[r, i] w[r] x[r, j] for i <= j in blocks (the upper triangle of
 * X' diag(w) X) over one panel, with `weighted` (PANEL_ROWS x nColsPadded, scratch) receiving
 * the rows of x scaled by w on the way: each 4 x 4 diagonal tile reads columns i..i+3 of the panel
 * anyway, and those are the only scaled columns its tile row uses, so it scales and stores them in
 * the same loop (the multiply-adds leave the load and store ports idle there) instead of a
 * separate sweep over the whole panel.
 *
 * Tiles of 4 output rows x 2 output columns: per pair of data rows, six f64x2 loads feed eight
 * multiply-adds, and the 8 accumulators + 6 operands fit the 16 SIMD registers of x86-64, so
 * nothing spills. `gramOut` is nColsPadded x nColsPadded row-major (`ld` = nColsPadded).
 * Each 4 x 4 block on the diagonal takes a 2 x 4 tile (its first two rows) and a 2 x 2 tile (the
 * last two rows' upper part): 12 entries for its 10 upper ones, where two 4 x 2 tiles made 16
 * (at 22 columns, 7% of all the multiply-adds). The entries (i + 1, i) and (i + 3, i + 2) below
 * the diagonal are also written (harmless, mirrored away later). Every entry is the same sum in
 * the same order whichever tile makes it. nColsPadded is even; when it is 2 mod 4 the last two
 * output rows take 2 x 2 tiles.
 */
export function panelWeightedGramUpper(panel: usize, w: usize, weighted: usize, nColsPadded: i32, gramOut: usize, ld: i32): void {
  const fullRows = nColsPadded & ~(GRAM_TILE_I - 1);
  if (fullRows < nColsPadded) {
    for (let j = fullRows; j < nColsPadded; j++) {
      const base = <usize>j * <usize>COLUMN_STRIDE;
      for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 16) {
        v128.store(weighted + base + o, f64x2.mul(v128.load(panel + base + o), v128.load(w + o)));
      }
    }
    gramUpperTwoRows(weighted, panel, gramOut, ld, fullRows, nColsPadded);
  }
  for (let i = 0; i < fullRows; i += GRAM_TILE_I) {
    gramDiagonalTwoByFourScaled(panel, w, weighted, gramOut, ld, i);
    gramUpperTwoRows(weighted, panel, gramOut, ld, i + 2, i + 4);
    const aBase = weighted + <usize>i * <usize>COLUMN_STRIDE;
    for (let j = i + GRAM_TILE_I; j < nColsPadded; j += 2) {
      const bBase = panel + <usize>j * <usize>COLUMN_STRIDE;
      let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
      let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
      let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
      for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 16) {
        const pa = aBase + o;
        const pb = bBase + o;
        const b0 = v128.load(pb, 0);
        const b1 = v128.load(pb, COLUMN_STRIDE);
        const a0 = v128.load(pa, 0);
        c00 = f64x2.add(c00, f64x2.mul(a0, b0));
        c01 = f64x2.add(c01, f64x2.mul(a0, b1));
        const a1 = v128.load(pa, COLUMN_STRIDE);
        c10 = f64x2.add(c10, f64x2.mul(a1, b0));
        c11 = f64x2.add(c11, f64x2.mul(a1, b1));
        const a2 = v128.load(pa, COLUMN_STRIDE * 2);
        c20 = f64x2.add(c20, f64x2.mul(a2, b0));
        c21 = f64x2.add(c21, f64x2.mul(a2, b1));
        const a3 = v128.load(pa, COLUMN_STRIDE * 3);
        c30 = f64x2.add(c30, f64x2.mul(a3, b0));
        c31 = f64x2.add(c31, f64x2.mul(a3, b1));
      }
      const out = gramOut + ((<usize>i * <usize>ld + <usize>j) << 3);
      const row = <usize>ld << 3;
      addHorizontal(out, c00);
      addHorizontal(out + 8, c01);
      addHorizontal(out + row, c10);
      addHorizontal(out + row + 8, c11);
      addHorizontal(out + 2 * row, c20);
      addHorizontal(out + 2 * row + 8, c21);
      addHorizontal(out + 3 * row, c30);
      addHorizontal(out + 3 * row + 8, c31);
    }
  }
}

/** Rows i, i + 1 of panelWeightedGramUpper's output, columns i to jEnd (exclusive), by 2 x 2 tiles. */
function gramUpperTwoRows(weighted: usize, panel: usize, gramOut: usize, ld: i32, i: i32, jEnd: i32): void {
  const aBase = weighted + <usize>i * <usize>COLUMN_STRIDE;
  for (let j = i; j < jEnd; j += 2) {
    const bBase = panel + <usize>j * <usize>COLUMN_STRIDE;
    let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
    let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
    for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 16) {
      const pa = aBase + o;
      const pb = bBase + o;
      const b0 = v128.load(pb, 0);
      const b1 = v128.load(pb, COLUMN_STRIDE);
      const a0 = v128.load(pa, 0);
      c00 = f64x2.add(c00, f64x2.mul(a0, b0));
      c01 = f64x2.add(c01, f64x2.mul(a0, b1));
      const a1 = v128.load(pa, COLUMN_STRIDE);
      c10 = f64x2.add(c10, f64x2.mul(a1, b0));
      c11 = f64x2.add(c11, f64x2.mul(a1, b1));
    }
    const out = gramOut + ((<usize>i * <usize>ld + <usize>j) << 3);
    const row = <usize>ld << 3;
    addHorizontal(out, c00);
    addHorizontal(out + 8, c01);
    addHorizontal(out + row, c10);
    addHorizontal(out + row + 8, c11);
  }
}

/**
 * Rows i, i + 1, columns i to i + 3 of the Gram (one 2 x 4 tile), with a = x w formed here:
 * columns i..i+3 of the panel scaled by w, stored to `weightedOut` for the tiles to their right
 * (and the 2 x 2 tile below), and used at once.
 */
function gramDiagonalTwoByFourScaled(panel: usize, w: usize, weightedOut: usize, gramOut: usize, ld: i32, i: i32): void {
  const aBase = weightedOut + <usize>i * <usize>COLUMN_STRIDE;
  const bBase = panel + <usize>i * <usize>COLUMN_STRIDE;
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c02 = f64x2.splat(0), c03 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0), c12 = f64x2.splat(0), c13 = f64x2.splat(0);
  for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 16) {
    const pa = aBase + o;
    const pb = bBase + o;
    const wv = v128.load(w + o);
    const b0 = v128.load(pb, 0);
    const a0 = f64x2.mul(b0, wv);
    v128.store(pa, a0, 0);
    c00 = f64x2.add(c00, f64x2.mul(a0, b0));
    const b1 = v128.load(pb, COLUMN_STRIDE);
    const a1 = f64x2.mul(b1, wv);
    v128.store(pa, a1, COLUMN_STRIDE);
    c10 = f64x2.add(c10, f64x2.mul(a1, b0));
    c01 = f64x2.add(c01, f64x2.mul(a0, b1));
    c11 = f64x2.add(c11, f64x2.mul(a1, b1));
    const b2 = v128.load(pb, COLUMN_STRIDE * 2);
    v128.store(pa, f64x2.mul(b2, wv), COLUMN_STRIDE * 2);
    c02 = f64x2.add(c02, f64x2.mul(a0, b2));
    c12 = f64x2.add(c12, f64x2.mul(a1, b2));
    const b3 = v128.load(pb, COLUMN_STRIDE * 3);
    v128.store(pa, f64x2.mul(b3, wv), COLUMN_STRIDE * 3);
    c03 = f64x2.add(c03, f64x2.mul(a0, b3));
    c13 = f64x2.add(c13, f64x2.mul(a1, b3));
  }
  const out = gramOut + ((<usize>i * <usize>ld + <usize>i) << 3);
  const row = <usize>ld << 3;
  addHorizontal(out, c00);
  addHorizontal(out + 8, c01);
  addHorizontal(out + 16, c02);
  addHorizontal(out + 24, c03);
  addHorizontal(out + row, c10);
  addHorizontal(out + row + 8, c11);
  addHorizontal(out + row + 16, c12);
  addHorizontal(out + row + 24, c13);
}

// @ts-ignore: decorator
@inline
function addHorizontal(dst: usize, v: v128): void {
  store<f64>(dst, load<f64>(dst) + (f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1)));
}

/** Copies the upper triangle of an n x n row-major matrix onto its lower triangle. */
export function mirrorUpper(a: usize, n: i32, ld: i32): void {
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      store<f64>(a + ((<usize>i * <usize>ld + <usize>j) << 3), load<f64>(a + ((<usize>j * <usize>ld + <usize>i) << 3)));
    }
  }
}
