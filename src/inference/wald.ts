// Wald tests of linear hypotheses Rβ = q on any estimate with a covariance: the χ² form of R's
// car::linearHypothesis(…, test = "Chisq"), statsmodels' wald_test(…, use_f = False) and Stata's
// `test`.
import { SoftlogitError } from '../errors.js';
import { describeValue } from '../input/optionKeys.js';
import { choleskyInPlace, solveLowerInPlace } from '../matrix.js';
import { chiSquareTest, type ChiSquareTest } from './likelihoodRatio.js';

/**
 * A pivot of the Cholesky factor of R Σ Rᵀ below this fraction of its diagonal entry means the
 * hypotheses are linearly dependent (a row of R is a combination of the others, or tests an
 * aliased coefficient): rounding alone leaves pivots of ~1e-16 relative, a genuine dependence ~0.
 */
const DEPENDENT_PIVOT = 1e-12;

/** A hypothesis matrix R (m × n, row-major) and right-hand side q (m), checked. */
export interface LinearHypothesis {
  rows: number;
  matrix: Float64Array;
  rhs: Float64Array;
}

/**
 * Reads a hypothesis matrix given as rows (`number[][]`) or a Matrix-like `{ rows, cols, data }`
 * with n columns, and q (default zeros).
 * @throws {SoftlogitError} `BAD_SHAPE` for ragged rows or a wrong number of columns or of q
 *   entries; `NON_FINITE` for a non-finite entry.
 * @example readHypothesis([[0, 1, -1]], [0.5], 3, 'waldTest') // => { rows: 1, matrix: Float64Array [0, 1, -1], rhs: Float64Array [0.5] }
 */
export function readHypothesis(matrix: unknown, rhs: unknown, n: number, caller: string): LinearHypothesis {
  let rows: number;
  let data: Float64Array;
  const m = matrix as { rows?: unknown; cols?: unknown; data?: unknown } | null;
  if (Array.isArray(matrix)) {
    rows = matrix.length;
    data = new Float64Array(rows * n);
    matrix.forEach((row: unknown, i) => {
      if (!Array.isArray(row) && !ArrayBuffer.isView(row)) throw new SoftlogitError('BAD_SHAPE', `${caller}: row ${i} of the hypothesis matrix should be an array of ${n} numbers, got ${describeValue(row)}`);
      const r = row as ArrayLike<unknown>;
      if (r.length !== n) throw new SoftlogitError('BAD_SHAPE', `${caller}: the hypothesis matrix should have ${n} columns (one per coefficient), got ${r.length} in row ${i}`);
      for (let j = 0; j < n; j++) data[i * n + j] = finite(r[j], caller, `hypothesis matrix entry (${i}, ${j})`);
    });
  } else if (m !== null && typeof m === 'object' && m.data instanceof Float64Array && typeof m.rows === 'number' && typeof m.cols === 'number') {
    if (m.cols !== n || m.data.length !== m.rows * n) throw new SoftlogitError('BAD_SHAPE', `${caller}: the hypothesis matrix should have ${n} columns (one per coefficient), got ${m.cols}`);
    rows = m.rows;
    data = Float64Array.from(m.data, (v, k) => finite(v, caller, `hypothesis matrix entry ${k}`));
  } else {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: the hypothesis should be coefficient names or a matrix with ${n} columns, got ${describeValue(matrix)}`);
  }
  if (rows < 1) throw new SoftlogitError('BAD_SHAPE', `${caller}: the hypothesis matrix has no rows`);
  let q = new Float64Array(rows);
  if (rhs !== undefined) {
    if (!Array.isArray(rhs) && !ArrayBuffer.isView(rhs)) throw new SoftlogitError('BAD_SHAPE', `${caller}: q should be an array of ${rows} numbers, got ${describeValue(rhs)}`);
    const r = rhs as ArrayLike<unknown>;
    if (r.length !== rows) throw new SoftlogitError('BAD_SHAPE', `${caller}: q should have ${rows} entries (one per row of the hypothesis), got ${r.length}`);
    q = Float64Array.from({ length: rows }, (_, i) => finite(r[i], caller, `q[${i}]`));
  }
  return { rows, matrix: data, rhs: q };
}

function finite(value: unknown, caller: string, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SoftlogitError('NON_FINITE', `${caller}: ${what} should be a finite number, got ${describeValue(value)}`);
  return value;
}

/**
 * The Wald test of Rβ = q: W = (Rβ − q)ᵀ (R Σ Rᵀ)⁻¹ (Rβ − q) on m = rows(R) degrees of freedom,
 * p = P(χ²_m > W). Σ is the estimate's covariance (n × n row-major); entries of R that are 0 are
 * skipped, so NaN rows of Σ (aliased coefficients) only matter when R touches them. O(m n² + m³).
 * @throws {SoftlogitError} `BAD_SHAPE` when the hypotheses are linearly dependent or test an
 *   aliased (NaN) coefficient.
 * @example waldChiSquare(Float64Array.of(1, 2), Float64Array.of(1, 0, 0, 4), { rows: 1, matrix: Float64Array.of(0, 1), rhs: Float64Array.of(0) }, 'waldTest')
 * // => { statistic: 1, df: 1, pValue: 0.3173 }
 */
export function waldChiSquare(estimates: ArrayLike<number>, covariance: ArrayLike<number>, hypothesis: LinearHypothesis, caller: string): ChiSquareTest {
  const n = estimates.length;
  const { rows: m, matrix: R, rhs: q } = hypothesis;
  const d = new Float64Array(m);
  const RS = new Float64Array(m * n); // R Σ
  for (let i = 0; i < m; i++) {
    let sum = -q[i]!;
    for (let j = 0; j < n; j++) {
      const r = R[i * n + j]!;
      if (r === 0) continue;
      sum += r * estimates[j]!;
      for (let k = 0; k < n; k++) RS[i * n + k] += r * covariance[j * n + k]!;
    }
    d[i] = sum;
  }
  const A = new Float64Array(m * m); // R Σ Rᵀ
  for (let i = 0; i < m; i++) {
    for (let l = 0; l <= i; l++) {
      let sum = 0;
      for (let k = 0; k < n; k++) {
        const r = R[l * n + k]!;
        if (r !== 0) sum += RS[i * n + k]! * r;
      }
      A[i * m + l] = sum;
      A[l * m + i] = sum;
    }
  }
  if (!d.every(Number.isFinite) || !A.every(Number.isFinite)) {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: the hypothesis involves an aliased coefficient (NaN estimate), which has no test`);
  }
  // Cholesky A = L Lᵀ, then W = ‖L⁻¹ d‖².
  const dependent = choleskyInPlace(A, m, DEPENDENT_PIVOT);
  if (dependent >= 0) {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: the hypotheses are linearly dependent (row ${dependent} of the hypothesis matrix is a combination of the rows before it)`, { row: dependent });
  }
  solveLowerInPlace(A, m, d);
  let statistic = 0;
  for (let i = 0; i < m; i++) statistic += d[i]! ** 2;
  return chiSquareTest(statistic, m);
}

/**
 * The hypothesis "these coefficients are all 0" from their names (R's linearHypothesis with
 * "name = 0" terms, Stata's `test a b c`): one row of R per name. `lookup` maps a name to the
 * positions it stands for (several for a softmax feature name: one per non-reference class).
 * @throws {SoftlogitError} `BAD_OPTION` naming a coefficient that the model does not have.
 * @example namesHypothesis(['b'], 3, (name) => (name === 'b' ? [1] : []), ['a', 'b', 'c'], 'waldTest') // => { rows: 1, matrix: Float64Array [0, 1, 0], rhs: Float64Array [0] }
 */
export function namesHypothesis(names: readonly unknown[], n: number, lookup: (name: string) => number[], known: readonly string[], caller: string): LinearHypothesis {
  const positions: number[] = [];
  for (const name of names) {
    const found = typeof name === 'string' ? lookup(name) : [];
    if (found.length === 0) {
      throw new SoftlogitError('BAD_OPTION', `${caller}: ${describeValue(name)} is not a coefficient of this model (coefficients: ${known.join(', ')})`);
    }
    positions.push(...found);
  }
  const rows = positions.length;
  if (rows === 0) throw new SoftlogitError('BAD_SHAPE', `${caller}: the hypothesis names no coefficients`);
  const matrix = new Float64Array(rows * n);
  positions.forEach((j, i) => { matrix[i * n + j] = 1; });
  return { rows, matrix, rhs: new Float64Array(rows) };
}

/**
 * The hypothesis a `waldTest(hypothesis, q)` call states: a non-empty list of strings is read as
 * coefficient names by {@link namesHypothesis} (`lookup`, `known` as there; q must then be
 * absent), anything else as R with q by {@link readHypothesis}.
 * @throws {SoftlogitError} `BAD_OPTION` for q beside names; otherwise as the two readers.
 * @example waldHypothesis(['b'], undefined, 3, (name) => (name === 'b' ? [1] : []), ['a', 'b', 'c'], 'waldTest') // => { rows: 1, matrix: Float64Array [0, 1, 0], rhs: Float64Array [0] }
 */
export function waldHypothesis(
  hypothesis: unknown, q: unknown, n: number, lookup: (name: string) => number[], known: readonly string[], caller: string,
): LinearHypothesis {
  const byName = Array.isArray(hypothesis) && hypothesis.length > 0 && hypothesis.every((h) => typeof h === 'string');
  if (!byName) return readHypothesis(hypothesis, q, n, caller);
  if (q !== undefined) throw new SoftlogitError('BAD_OPTION', `${caller}: q goes with a hypothesis matrix; coefficient names are tested = 0`);
  return namesHypothesis(hypothesis, n, lookup, known, caller);
}
