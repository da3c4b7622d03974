// Dense symmetric positive-definite linear algebra on small n x n row-major matrices (the
// Hessian, n = number of coefficients): a Cholesky factorization with symmetric diagonal
// scaling, the solve and the inverse that use it.
//
// Scaling: A = S^-1 Ã S^-1 with S = diag(1 / sqrt(a_ii)), so Ã has a unit diagonal. Cholesky of
// Ã is invariant to the units of each column (gre in hundreds next to an intercept, or columns
// from 1e-300 to 1e300 once they fit in a double), and its pivots d_j = 1 - R²_j measure how well
// column j is explained by the columns before it (R² in the metric of A).
//
// The rank decision is the caller's: it passes a floor per column (src/objective/system.ts says
// which), and the factorization stops at the first column whose pivot is at or below its floor.

/**
 * Factors the symmetric matrix `a` (n x n, row-major, both triangles valid) in place: on return
 * its lower triangle holds L with Ã = L L', and `scaleOut` holds S's diagonal.
 * Returns -1 on success, or the index j of the first column whose diagonal is not positive and
 * finite, or whose pivot d_j = 1 - R²_j is at or below `floors[j]` (n doubles). On that return,
 * rows 0 .. j of L are complete except L[j][j], so row j holds the coordinates of column j on the
 * columns before it (the caller can recover d_j = 1 - Σ_k L[j][k]² and the regression of column j
 * on the earlier ones from it).
 */
export function choleskyFactor(a: usize, n: i32, scaleOut: usize, floors: usize): i32 {
  const ld = <usize>n;
  for (let i: usize = 0; i < ld; i++) {
    const d = load<f64>(a + ((i * ld + i) << 3));
    if (!(d > 0) || !isFinite(d)) return <i32>i;
    store<f64>(scaleOut + (i << 3), 1.0 / Math.sqrt(d));
  }
  for (let i: usize = 0; i < ld; i++) {
    const si = load<f64>(scaleOut + (i << 3));
    for (let j: usize = 0; j <= i; j++) {
      const p = a + ((i * ld + j) << 3);
      store<f64>(p, load<f64>(p) * si * load<f64>(scaleOut + (j << 3)));
    }
  }
  for (let j: usize = 0; j < ld; j++) {
    const rowJ = a + ((j * ld) << 3);
    const d = load<f64>(rowJ + (j << 3)) - rowDot(rowJ, rowJ, j);
    if (!(d > load<f64>(floors + (j << 3)))) return <i32>j;
    const ljj = Math.sqrt(d);
    store<f64>(rowJ + (j << 3), ljj);
    for (let i = j + 1; i < ld; i++) {
      const rowI = a + ((i * ld) << 3);
      store<f64>(rowI + (j << 3), (load<f64>(rowI + (j << 3)) - rowDot(rowI, rowJ, j)) / ljj);
    }
  }
  return -1;
}

/**
 * sum_{k < count} x[k] y[k], two lanes per f64x2 with two accumulators each (the scalar chain
 * of dependent adds was the factorization's bottleneck: ~4x faster at n = 198).
 */
// @ts-ignore: decorator
@inline
function rowDot(x: usize, y: usize, count: usize): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let k: usize = 0;
  for (; k + 4 <= count; k += 4) {
    const o = k << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
  }
  const s = f64x2.add(s0, s1);
  let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; k < count; k++) sum += load<f64>(x + (k << 3)) * load<f64>(y + (k << 3));
  return sum;
}

/** Solves A x = b in place in `b` (length n), given the output of `choleskyFactor`. */
export function choleskySolve(l: usize, n: i32, scale: usize, b: usize): void {
  const ld = <usize>n;
  for (let i: usize = 0; i < ld; i++) store<f64>(b + (i << 3), load<f64>(b + (i << 3)) * load<f64>(scale + (i << 3)));
  // forward: L z = S b
  for (let i: usize = 0; i < ld; i++) {
    let s = load<f64>(b + (i << 3));
    const rowI = l + ((i * ld) << 3);
    for (let k: usize = 0; k < i; k++) s -= load<f64>(rowI + (k << 3)) * load<f64>(b + (k << 3));
    store<f64>(b + (i << 3), s / load<f64>(rowI + (i << 3)));
  }
  // backward: L' u = z
  for (let ii = <isize>ld - 1; ii >= 0; ii--) {
    const i = <usize>ii;
    let s = load<f64>(b + (i << 3));
    for (let k = i + 1; k < ld; k++) s -= load<f64>(l + ((k * ld + i) << 3)) * load<f64>(b + (k << 3));
    store<f64>(b + (i << 3), s / load<f64>(l + ((i * ld + i) << 3)));
  }
  for (let i: usize = 0; i < ld; i++) store<f64>(b + (i << 3), load<f64>(b + (i << 3)) * load<f64>(scale + (i << 3)));
}

/**
 * Writes A^-1 (n x n, row-major, symmetric) to `out`, given the output of `choleskyFactor`;
 * `work` holds n doubles. Column by column: solves A x = e_j, as choleskySolve does but shaped for
 * a unit right-hand side and for cache and SIMD: the forward solve starts at row j (z_i = 0 above
 * it), both solves run along rows of L (the backward one as updates s -= L[i, :i] u_i rather
 * than sums down column i, whose loads would be a row of L apart), two lanes per f64x2. The same
 * arithmetic as choleskySolve up to the order of the sums, for ~1/3 of its time at n = 198.
 */
export function choleskyInverse(l: usize, n: i32, scale: usize, out: usize, work: usize): void {
  const ld = <usize>n;
  for (let j: usize = 0; j < ld; j++) {
    memory.fill(work, 0, ld << 3);
    // forward: L z = S e_j, from row j on
    store<f64>(work + (j << 3), load<f64>(scale + (j << 3)) / load<f64>(l + ((j * ld + j) << 3)));
    for (let i = j + 1; i < ld; i++) {
      const rowI = l + ((i * ld) << 3);
      let k = j;
      let acc = f64x2.splat(0);
      for (; k + 2 <= i; k += 2) acc = f64x2.add(acc, f64x2.mul(v128.load(rowI + (k << 3)), v128.load(work + (k << 3))));
      let s = -(f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1));
      if (k < i) s -= load<f64>(rowI + (k << 3)) * load<f64>(work + (k << 3));
      store<f64>(work + (i << 3), s / load<f64>(rowI + (i << 3)));
    }
    // backward: L' u = z, row i of L updating the entries before it once u_i is known
    for (let ii = <isize>ld - 1; ii >= 0; ii--) {
      const i = <usize>ii;
      const rowI = l + ((i * ld) << 3);
      const u = load<f64>(work + (i << 3)) / load<f64>(rowI + (i << 3));
      store<f64>(work + (i << 3), u);
      const uu = f64x2.splat(u);
      let k: usize = 0;
      for (; k + 2 <= i; k += 2) {
        const p = work + (k << 3);
        v128.store(p, f64x2.sub(v128.load(p), f64x2.mul(v128.load(rowI + (k << 3)), uu)));
      }
      if (k < i) store<f64>(work + (k << 3), load<f64>(work + (k << 3)) - load<f64>(rowI + (k << 3)) * u);
    }
    for (let i: usize = 0; i < ld; i++) {
      store<f64>(out + ((i * ld + j) << 3), load<f64>(work + (i << 3)) * load<f64>(scale + (i << 3)));
    }
  }
  // Symmetrize: the two triangles agree to rounding; average them so the result is exactly symmetric.
  for (let i: usize = 0; i < ld; i++) {
    for (let j: usize = 0; j < i; j++) {
      const a = out + ((i * ld + j) << 3);
      const b = out + ((j * ld + i) << 3);
      const v = 0.5 * (load<f64>(a) + load<f64>(b));
      store<f64>(a, v);
      store<f64>(b, v);
    }
  }
}
