// The Hessian kernel in plain TypeScript: the upper triangle of X' diag(w) X accumulated a block
// of rows at a time. Each output entry is loaded and stored once per block instead of once per
// row, and the block's values stay in L1. Of the plain-JS loops we tried on the benchmark machine
// (p = 11, 21, 52), blocks of 8 rows summed left to right were the fastest: ~3.3 GFLOP/s, against
// ~2.7 for blocks of 4, ~2.9 for 16, and ~1-2.4 for a transposed 256-row panel with 2 x 2
// dot-product tiles (the WASM kernel's layout).

/** Rows per block. */
export const BLOCK_ROWS = 8;

/**
 * gram[base + i * ld + j] += Σ_k w[k] x_k[i] x_k[j] for i ≤ j < nCols, over the BLOCK_ROWS rows
 * x_k = block[k * nCols ..] (row-major) with weights w[0..7] (0 for a padding row).
 */
export function addBlockGram(gram: Float64Array, base: number, ld: number, block: Float64Array, nCols: number, w: Float64Array): void {
  const o1 = nCols;
  const o2 = 2 * nCols;
  const o3 = 3 * nCols;
  const o4 = 4 * nCols;
  const o5 = 5 * nCols;
  const o6 = 6 * nCols;
  const o7 = 7 * nCols;
  const w0 = w[0]!;
  const w1 = w[1]!;
  const w2 = w[2]!;
  const w3 = w[3]!;
  const w4 = w[4]!;
  const w5 = w[5]!;
  const w6 = w[6]!;
  const w7 = w[7]!;
  for (let i = 0; i < nCols; i++) {
    const a0 = w0 * block[i]!;
    const a1 = w1 * block[o1 + i]!;
    const a2 = w2 * block[o2 + i]!;
    const a3 = w3 * block[o3 + i]!;
    const a4 = w4 * block[o4 + i]!;
    const a5 = w5 * block[o5 + i]!;
    const a6 = w6 * block[o6 + i]!;
    const a7 = w7 * block[o7 + i]!;
    const row = base + i * ld;
    for (let j = i; j < nCols; j++) {
      gram[row + j] =
        gram[row + j]! +
        a0 * block[j]! + a1 * block[o1 + j]! + a2 * block[o2 + j]! + a3 * block[o3 + j]! +
        a4 * block[o4 + j]! + a5 * block[o5 + j]! + a6 * block[o6 + j]! + a7 * block[o7 + j]!;
    }
  }
}

/**
 * The whole kernel on a row-major n x p matrix (for the kernel benchmark): gram (p x p, upper
 * triangle) = X' diag(w) X, rows in blocks of 8 read in place, the remainder row by row.
 */
export function weightedGram(X: Float64Array, nRows: number, nCols: number, w: Float64Array, gram: Float64Array): void {
  gram.fill(0);
  const full = nRows - (nRows % BLOCK_ROWS);
  for (let r = 0; r < full; r += BLOCK_ROWS) {
    const o0 = r * nCols;
    const o1 = o0 + nCols;
    const o2 = o1 + nCols;
    const o3 = o2 + nCols;
    const o4 = o3 + nCols;
    const o5 = o4 + nCols;
    const o6 = o5 + nCols;
    const o7 = o6 + nCols;
    const w0 = w[r]!;
    const w1 = w[r + 1]!;
    const w2 = w[r + 2]!;
    const w3 = w[r + 3]!;
    const w4 = w[r + 4]!;
    const w5 = w[r + 5]!;
    const w6 = w[r + 6]!;
    const w7 = w[r + 7]!;
    for (let i = 0; i < nCols; i++) {
      const a0 = w0 * X[o0 + i]!;
      const a1 = w1 * X[o1 + i]!;
      const a2 = w2 * X[o2 + i]!;
      const a3 = w3 * X[o3 + i]!;
      const a4 = w4 * X[o4 + i]!;
      const a5 = w5 * X[o5 + i]!;
      const a6 = w6 * X[o6 + i]!;
      const a7 = w7 * X[o7 + i]!;
      const row = i * nCols;
      for (let j = i; j < nCols; j++) {
        gram[row + j] =
          gram[row + j]! +
          a0 * X[o0 + j]! + a1 * X[o1 + j]! + a2 * X[o2 + j]! + a3 * X[o3 + j]! +
          a4 * X[o4 + j]! + a5 * X[o5 + j]! + a6 * X[o6 + j]! + a7 * X[o7 + j]!;
      }
    }
  }
  for (let r = full; r < nRows; r++) {
    const o = r * nCols;
    for (let i = 0; i < nCols; i++) {
      const a = w[r]! * X[o + i]!;
      for (let j = i; j < nCols; j++) gram[i * nCols + j] = gram[i * nCols + j]! + a * X[o + j]!;
    }
  }
}

/** Copies the upper triangle of block (r0.., c0..) (size m) onto its lower triangle, ld = row length. */
export function mirrorBlock(a: Float64Array, ld: number, r0: number, c0: number, m: number): void {
  for (let i = 1; i < m; i++) {
    for (let j = 0; j < i; j++) a[(r0 + i) * ld + c0 + j] = a[(r0 + j) * ld + c0 + i]!;
  }
}
