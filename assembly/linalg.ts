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
    let d = load<f64>(rowJ + (j << 3));
    for (let k: usize = 0; k < j; k++) {
      const l = load<f64>(rowJ + (k << 3));
      d -= l * l;
    }
    if (!(d > load<f64>(floors + (j << 3)))) return <i32>j;
    const ljj = Math.sqrt(d);
    store<f64>(rowJ + (j << 3), ljj);
    for (let i = j + 1; i < ld; i++) {
      const rowI = a + ((i * ld) << 3);
      let s = load<f64>(rowI + (j << 3));
      for (let k: usize = 0; k < j; k++) s -= load<f64>(rowI + (k << 3)) * load<f64>(rowJ + (k << 3));
      store<f64>(rowI + (j << 3), s / ljj);
    }
  }
  return -1;
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
 * `work` holds n doubles. Column by column: solves A x = e_j.
 */
export function choleskyInverse(l: usize, n: i32, scale: usize, out: usize, work: usize): void {
  const ld = <usize>n;
  for (let j: usize = 0; j < ld; j++) {
    memory.fill(work, 0, ld << 3);
    store<f64>(work + (j << 3), 1.0);
    choleskySolve(l, n, scale, work);
    for (let i: usize = 0; i < ld; i++) store<f64>(out + ((i * ld + j) << 3), load<f64>(work + (i << 3)));
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
