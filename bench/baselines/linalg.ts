// Cholesky factorization, solve and inverse on a small dense symmetric positive-definite matrix
// (the Hessian), n x n row-major: the plain-TypeScript counterpart of assembly/linalg.ts, with
// the same symmetric diagonal scaling (factor S A S with S = diag(1/√a_ii), unit diagonal).

/**
 * Factors `a` in place (lower triangle := L with S A S = L Lᵀ) and writes S's diagonal to
 * `scale`. Returns false when a pivot is not positive (the matrix is singular or indefinite).
 */
export function choleskyFactor(a: Float64Array, n: number, scale: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    const d = a[i * n + i]!;
    if (!(d > 0)) return false;
    scale[i] = 1 / Math.sqrt(d);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) a[i * n + j] = a[i * n + j]! * scale[i]! * scale[j]!;
  }
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let d = a[rowJ + j]!;
    for (let k = 0; k < j; k++) d -= a[rowJ + k]! * a[rowJ + k]!;
    if (!(d > 1e-12)) return false;
    const ljj = Math.sqrt(d);
    a[rowJ + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let s = a[rowI + j]!;
      for (let k = 0; k < j; k++) s -= a[rowI + k]! * a[rowJ + k]!;
      a[rowI + j] = s / ljj;
    }
  }
  return true;
}

/** Solves A x = b in place in `b`, given the output of `choleskyFactor`. */
export function choleskySolve(l: Float64Array, n: number, scale: Float64Array, b: Float64Array): void {
  for (let i = 0; i < n; i++) b[i] = b[i]! * scale[i]!;
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
  for (let i = 0; i < n; i++) b[i] = b[i]! * scale[i]!;
}

/** A⁻¹ (n x n, row-major, symmetrized), given the output of `choleskyFactor`. */
export function choleskyInverse(l: Float64Array, n: number, scale: Float64Array): Float64Array {
  const out = new Float64Array(n * n);
  const column = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    column.fill(0);
    column[j] = 1;
    choleskySolve(l, n, scale, column);
    for (let i = 0; i < n; i++) out[i * n + j] = column[i]!;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (out[i * n + j]! + out[j * n + i]!);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}
