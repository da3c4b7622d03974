// Residuals, leverages and Cook's distances of a multinomial (softmax) fit, from the rows given
// again: what VGAM's residuals(vglm(…, multinomial)) and hatvalues compute, R's formulas for the
// row deviance, and the one-step Cook's distance of Lesaffre & Albert (1989).
import { SoftlogitError } from '../errors.js';
import { classOffset, type ClassOffset } from '../input/classOffset.js';
import { forEachDesignRow, toRowSource, toRowVector, type DesignInput } from '../input/design.js';
import { toMultinomialData, type ClassLabel, type MultinomialResponse } from '../input/softmaxResponse.js';
import { choleskyInPlace, Matrix, solveLowerInPlace, solveLowerTransposedInPlace } from '../matrix.js';

/** 'response' y − π (K columns), VGAM's 'working' and 'pearson' (K − 1 columns), the rows' 'deviance'. */
export type SoftmaxResidualType = 'response' | 'working' | 'pearson' | 'deviance';

/** The rows' weights and offset, as passed to fitSoftmax. */
export interface SoftmaxRowDiagnosticOptions {
  /** Per-row prior weights, as at the fit (default all 1). */
  weights?: ArrayLike<number>;
  /** Per row and class offsets (n rows of K), as at the fit (default none). */
  offset?: ClassOffset;
}

/**
 * Per-row quantities of a multinomial fit at its coefficients, with K classes, M = K − 1 free
 * (non-reference) classes, y_i the observed proportions of row i (a label is a row of one 1; counts
 * c_ik give y_ik = c_ik/m_i), prior weight a_i = w_i·m_i (m_i = 1 for labels), π_i the fitted
 * probabilities and V_i = diag(π_f) − π_fπ_fᵀ over the free classes f:
 * - response y_ik − π_ik (every class);
 * - working V_i⁻¹(y_i − π_i)_f, = y_ic/π_ic − y_i,ref/π_i,ref for free class c (VGAM's z − η);
 * - Pearson √a_i V_i^(−½)(y_i − π_i)_f with the symmetric square root (VGAM's); its squares sum
 *   over the row to a_i Σ_k (y_ik − π_ik)²/π_ik, the row's share of Pearson's χ²;
 * - deviance √d_i, d_i = 2a_i Σ_k y_ik log(y_ik/π_ik) (0 log 0 = 0), so Σ d_i = deviance;
 * - leverages: the diagonal of H_ii = U_i X_i A⁻¹ X_iᵀ U_iᵀ, the row's M x M block of the hat
 *   matrix W^½X A⁻¹XᵀW^½ of the last IRLS step, with A = XᵀWX = Σ X_iᵀW_iX_i, W_i = a_iV_i = U_iᵀU_i
 *   (Cholesky; VGAM's hatvalues) and X_i = I_M ⊗ x_iᵀ; Σ_i trace H_ii = P = p·M;
 * - Cook's distance D_i = t_iᵀH_ii t_i / P, t_i = (I − H_ii)⁻¹ r_i, r_i = U_i⁻ᵀ a_i(y_i − π_i)_f:
 *   the one-step change Δβ_i = (A − X_iᵀW_iX_i)⁻¹X_iᵀa_i(y_i − π_i)_f of deleting row i, measured
 *   as Δβ_iᵀAΔβ_i/P (Lesaffre & Albert 1989); for K = 2 R's cooks.distance(glm).
 * Rows of weight 0 get π and the response and working residuals, and 0 Pearson and deviance
 * residuals, leverages and Cook's distance. Two passes over X, O(n M³ p²).
 */
export interface MultinomialRowDiagnostics {
  nRows: number;
  /** n x K, classes order. */
  prob: Float64Array;
  /** n x K observed proportions (NaN where unknown: a weight-0 row with an unknown label or no counts). */
  proportion: Float64Array;
  /** a_i = w_i m_i. */
  priorWeights: Float64Array;
  /** n x M leverages (free classes in class order); zeros without `withHat`. */
  hat: Float64Array;
  /** n Cook's distances; zeros without `withHat`. */
  cooks: Float64Array;
  /** P = (estimated columns) · M. */
  rank: number;
}

/**
 * Computes {@link MultinomialRowDiagnostics} of the fit with free coefficients `baseline`
 * (class-major: non-reference class c in class order, design column j at c·p + j; NaN for aliased
 * columns, which are left out) on rows X (without the intercept column) and response y.
 * @throws {SoftlogitError} `BAD_SHAPE` when X has the wrong number of columns; the checks of
 *   fitSoftmax on y, weights and offset; `NON_FINITE`; `NOT_POSITIVE_DEFINITE` when XᵀWX is not
 *   positive definite (not the rows of the fit).
 */
export function multinomialRowDiagnostics(
  X: DesignInput, y: MultinomialResponse, options: SoftmaxRowDiagnosticOptions, baseline: Float64Array, referenceIndex: number,
  classes: readonly ClassLabel[], intercept: boolean, names: readonly string[], caller: string, withHat = false,
): MultinomialRowDiagnostics {
  const source = toRowSource(X, caller);
  const shift = intercept ? 1 : 0;
  const p = names.length;
  if (source.nFeatures !== p - shift) {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: X should have ${p - shift} columns (${names.slice(shift).join(', ')}), got ${source.nFeatures}`);
  }
  const n = source.nRows;
  const K = classes.length;
  const M = K - 1;
  const weights = options.weights !== undefined ? toRowVector(options.weights, n, 'weights', caller) : null;
  const offset = options.offset !== undefined ? classOffset(options.offset, n, K, caller) : null;
  const data = toMultinomialData(y, n, weights, { classes, reference: classes[referenceIndex], partial: true }, caller);
  const free = classes.map((_, k) => k).filter((k) => k !== referenceIndex);
  const kept: number[] = [];
  for (let j = 0; j < p; j++) if (!Number.isNaN(baseline[j]!)) kept.push(j);
  const q = kept.length;
  const P = q * M;
  const prob = new Float64Array(n * K);
  const proportion = new Float64Array(n * K);
  const priorWeights = new Float64Array(n);
  const information = new Float64Array(P * P);
  const Wi = new Float64Array(M * M);
  forEachDesignRow(source, intercept, (r, x) => {
    const pr = prob.subarray(r * K, (r + 1) * K);
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      const c = k < referenceIndex ? k : k - 1;
      let eta = offset ? offset[r * K + k]! : 0;
      if (k !== referenceIndex) for (const j of kept) eta += x[j]! * baseline[c * p + j]!;
      if (!Number.isFinite(eta)) {
        throw new SoftlogitError('NON_FINITE', `${caller}: row ${r} of X gives a non-finite linear predictor (${eta}); X must be finite`, { row: r });
      }
      pr[k] = eta;
      max = Math.max(max, eta);
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += (pr[k] = Math.exp(pr[k]! - max));
    for (let k = 0; k < K; k++) pr[k] = pr[k]! / sum;
    let a = 0;
    for (let k = 0; k < K; k++) a += data.counts[r * K + k]!;
    priorWeights[r] = a;
    if (a > 0) {
      // data.counts is in internal order: the reference first, then the free classes.
      for (let k = 0; k < K; k++) proportion[r * K + data.internalOrder[k]!] = data.counts[r * K + k]! / a;
    } else rawProportions(y, r, classes, proportion.subarray(r * K, (r + 1) * K));
    if (!withHat || a === 0) return;
    freeWeights(pr, free, a, Wi);
    for (let c = 0; c < M; c++) {
      for (let d = 0; d <= c; d++) {
        const w = Wi[c * M + d]!;
        for (let i = 0; i < q; i++) {
          const wi = w * x[kept[i]!]!;
          const row = (c * q + i) * P + d * q;
          for (let l = 0; l < q; l++) information[row + l] += wi * x[kept[l]!]!;
        }
      }
    }
  });
  const hat = new Float64Array(n * M);
  const cooks = new Float64Array(n);
  const result = { nRows: n, prob, proportion, priorWeights, hat, cooks, rank: P };
  if (!withHat) return result;
  // Only the blocks d ≤ c were summed; the lower triangle of A is what the Cholesky reads.
  if (choleskyInPlace(information, P) !== -1) {
    throw new SoftlogitError('NOT_POSITIVE_DEFINITE', `${caller}: XᵀWX is not positive definite at the fitted coefficients; are these the rows of the fit?`);
  }
  const z = new Float64Array(M * P);
  const G = new Float64Array(M * M);
  const H = new Float64Array(M * M);
  const t = new Float64Array(M);
  forEachDesignRow(source, intercept, (r, x) => {
    const a = priorWeights[r]!;
    if (a === 0) return;
    // G = X_i A⁻¹ X_iᵀ = ZᵀZ with Z = L⁻¹X_iᵀ, column c of X_iᵀ being x in block c.
    z.fill(0);
    for (let c = 0; c < M; c++) {
      const zc = z.subarray(c * P, (c + 1) * P);
      for (let i = 0; i < q; i++) zc[c * q + i] = x[kept[i]!]!;
      solveLowerInPlace(information, P, zc);
    }
    for (let c = 0; c < M; c++) {
      for (let d = 0; d <= c; d++) {
        let s = 0;
        for (let i = 0; i < P; i++) s += z[c * P + i]! * z[d * P + i]!;
        G[c * M + d] = s;
        G[d * M + c] = s;
      }
    }
    freeWeights(prob.subarray(r * K, (r + 1) * K), free, a, Wi);
    if (choleskyInPlace(Wi, M) !== -1) {
      // A class probability that underflowed to 0: W_i is singular and its Cholesky factor undefined.
      hat.fill(Number.NaN, r * M, (r + 1) * M);
      cooks[r] = Number.NaN;
      return;
    }
    // H = U G Uᵀ with U = Lᵀ (W_i = L Lᵀ = UᵀU): H_cd = Σ_{e ≥ c, f ≥ d} L_ec G_ef L_fd.
    for (let c = 0; c < M; c++) {
      for (let d = 0; d <= c; d++) {
        let s = 0;
        for (let e = c; e < M; e++) for (let f = d; f < M; f++) s += Wi[e * M + c]! * G[e * M + f]! * Wi[f * M + d]!;
        H[c * M + d] = s;
        H[d * M + c] = s;
      }
      hat[r * M + c] = H[c * M + c]!;
    }
    // r = U⁻ᵀ a(y − π)_f = L⁻¹ a(y − π)_f; t = (I − H)⁻¹ r; D = tᵀHt / P.
    for (let c = 0; c < M; c++) t[c] = a * (proportion[r * K + free[c]!]! - prob[r * K + free[c]!]!);
    solveLowerInPlace(Wi, M, t);
    for (let c = 0; c < M; c++) for (let d = 0; d < M; d++) G[c * M + d] = (c === d ? 1 : 0) - H[c * M + d]!;
    if (choleskyInPlace(G, M) !== -1) {
      cooks[r] = Number.NaN;
      return;
    }
    solveLowerInPlace(G, M, t);
    solveLowerTransposedInPlace(G, M, t);
    let s = 0;
    for (let c = 0; c < M; c++) for (let d = 0; d < M; d++) s += t[c]! * H[c * M + d]! * t[d]!;
    cooks[r] = s / P;
  });
  return result;
}

/** W_i = a(diag(π_f) − π_fπ_fᵀ) over the free classes, M x M row-major, into `out`. */
function freeWeights(prob: ArrayLike<number>, free: readonly number[], a: number, out: Float64Array): void {
  const M = free.length;
  for (let c = 0; c < M; c++) {
    const pc = prob[free[c]!]!;
    for (let d = 0; d < M; d++) out[c * M + d] = a * ((c === d ? pc : 0) - pc * prob[free[d]!]!);
  }
}

/** The observed proportions of row r itself (a weight-0 row, which the response check leaves empty): NaN when unknown. */
function rawProportions(y: MultinomialResponse, r: number, classes: readonly ClassLabel[], out: Float64Array): void {
  out.fill(Number.NaN);
  if (typeof y === 'object' && y !== null && 'counts' in y) {
    const counts: number[] = Array.from(y.counts instanceof Matrix ? y.counts.row(r) : y.counts[r]!);
    const m = counts.reduce((s, c) => s + c, 0);
    if (m > 0) counts.forEach((c, k) => { out[k] = c / m; });
    return;
  }
  const k = classes.indexOf((y as ArrayLike<ClassLabel>)[r]!);
  if (k >= 0) { out.fill(0); out[k] = 1; }
}

/**
 * One row's residuals of a type (see {@link MultinomialRowDiagnostics}) into `out` (K entries for
 * 'response', M for 'working' and 'pearson', 1 for 'deviance'). O(M³) for 'pearson' (an eigen
 * decomposition of V_i), O(K) otherwise.
 * @example
 * const out = new Float64Array(2); // K = 3, reference class 0, a row of class 1
 * multinomialResidual('working', [0.5, 0.25, 0.25], [0, 1, 0], 1, 0, out); // out => [4, 0]
 */
export function multinomialResidual(
  type: SoftmaxResidualType, prob: ArrayLike<number>, proportion: ArrayLike<number>, priorWeight: number, referenceIndex: number, out: Float64Array,
): void {
  const K = prob.length;
  if (type === 'response') {
    for (let k = 0; k < K; k++) out[k] = proportion[k]! - prob[k]!;
    return;
  }
  const free: number[] = [];
  for (let k = 0; k < K; k++) if (k !== referenceIndex) free.push(k);
  if (type === 'working') {
    const base = proportion[referenceIndex]! / prob[referenceIndex]!;
    free.forEach((k, c) => { out[c] = proportion[k]! / prob[k]! - base; });
    return;
  }
  if (priorWeight === 0) {
    out.fill(0);
    return;
  }
  if (type === 'deviance') {
    // Σ_k y log(y/π) as Σ_k [y log1p((y − π)/π) − (y − π)] (the added terms sum to 0): each term is
    // ≥ 0, so a row whose proportions are near π keeps its digits.
    let d = 0;
    for (let k = 0; k < K; k++) {
      const y = proportion[k]!;
      const diff = y - prob[k]!;
      d += (y > 0 ? y * Math.log1p(diff / prob[k]!) : 0) - diff;
    }
    out[0] = Math.sqrt(Math.max(0, 2 * priorWeight * d));
    return;
  }
  // Pearson: √a V^(−½)(y − π)_f, V^(−½) = Q Λ^(−½) Qᵀ from the eigen decomposition of V.
  const M = free.length;
  const V = new Float64Array(M * M);
  freeWeights(prob, free, 1, V);
  const { values, vectors } = symmetricEigen(V, M);
  const projected = new Float64Array(M);
  for (let e = 0; e < M; e++) {
    let s = 0;
    for (let c = 0; c < M; c++) s += vectors[c * M + e]! * (proportion[free[c]!]! - prob[free[c]!]!);
    projected[e] = s / Math.sqrt(values[e]!);
  }
  const root = Math.sqrt(priorWeight);
  for (let c = 0; c < M; c++) {
    let s = 0;
    for (let e = 0; e < M; e++) s += vectors[c * M + e]! * projected[e]!;
    out[c] = root * s;
  }
}

/** Sweeps of the cyclic Jacobi method: it converges quadratically, in well under 10 sweeps for these sizes. */
const JACOBI_MAX_SWEEPS = 50;

/**
 * Eigenvalues and eigenvectors of a symmetric n x n matrix (row-major; not changed) by the cyclic
 * Jacobi method: rotations zero each off-diagonal entry in turn until the off-diagonal sum of
 * squares is below ε² of the total. `vectors` is row-major with the eigenvectors as columns.
 * O(n³) per sweep.
 * @example symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values // => Float64Array [1, 3] (in some order)
 */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from({ length: n * n }, (_, i) => matrix[i]!);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < JACOBI_MAX_SWEEPS; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        total += a[i * n + j]! ** 2;
        if (i !== j) off += a[i * n + j]! ** 2;
      }
    }
    if (off <= Number.EPSILON ** 2 * total) break;
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        const aij = a[i * n + j]!;
        if (aij === 0) continue;
        // The rotation angle θ with tan 2θ = 2a_ij/(a_jj − a_ii), t = tan θ (the smaller root).
        const theta = (a[j * n + j]! - a[i * n + i]!) / (2 * aij);
        const tan = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(tan * tan + 1);
        const sin = tan * cos;
        for (let k = 0; k < n; k++) {
          const aki = a[k * n + i]!;
          const akj = a[k * n + j]!;
          a[k * n + i] = cos * aki - sin * akj;
          a[k * n + j] = sin * aki + cos * akj;
        }
        for (let k = 0; k < n; k++) {
          const aik = a[i * n + k]!;
          const ajk = a[j * n + k]!;
          a[i * n + k] = cos * aik - sin * ajk;
          a[j * n + k] = sin * aik + cos * ajk;
        }
        for (let k = 0; k < n; k++) {
          const vki = v[k * n + i]!;
          const vkj = v[k * n + j]!;
          v[k * n + i] = cos * vki - sin * vkj;
          v[k * n + j] = sin * vki + cos * vkj;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]!), vectors: v };
}
