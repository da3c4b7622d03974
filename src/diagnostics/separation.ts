/**
 * Exact detection of complete and quasi-complete separation (Albert & Anderson, 1984) in binary
 * logistic and multinomial (softmax) regression data, by linear programming: the check of Konis
 * (2007) implemented by R's `safeBinaryRegression::separator` and `detectseparation::
 * detect_separation`, generalised to the reference-form softmax.
 *
 * ## Formulation
 *
 * Binary data: rows x_i (the design, intercept column included if the model has one), outcomes
 * y_i ∈ {0, 1}, s_i = 2y_i − 1. The maximum likelihood estimate fails to exist exactly when the data
 * are separated: some β with Xβ ≠ 0 has s_i x_iᵀβ ≥ 0 for every row (such a β is a direction of
 * recession of the log-likelihood). Separation is *complete* when some β makes every inequality
 * strict, *quasi-complete* otherwise.
 *
 * Konis (2007, ch. 4; "primal find" in `separator`) decides this with one linear program
 *
 * ```text
 *   (K)  maximize Σ_i s_i x_iᵀβ   subject to  s_i x_iᵀβ ≥ 0 (all i),  −1 ≤ β_j ≤ 1.
 * ```
 *
 * β = 0 is feasible, so the optimum is ≥ 0, and it is > 0 exactly when the data are separated; the
 * optimal β is then a recession direction, and `detect_separation` reports +Inf / −Inf / 0 from
 * its signs. It is solved through its dual by the revised simplex method in `./simplex.js`
 * (p equality rows however many observations there are).
 *
 * Complete or quasi-complete? Let R be the constraints that are tight (s_i x_iᵀβ = 0) at the optimum
 * β₀ of (K). Because every other constraint is strictly positive at β₀, the data are completely
 * separated iff some β is strictly positive on R alone (then β₀ + εβ, ε small, is strictly positive
 * everywhere). That is the same question for the smaller system R, so (K) is solved again on the
 * rows of R only: if its optimum is 0, every constraint of R is an implicit equality (zero on the
 * whole recession cone) and the separation is quasi-complete; otherwise the constraints it makes
 * positive leave R, the direction is moved towards its solution, and the step repeats until R is
 * empty (complete). Every round solves (K) with its non-zero objective Σ_{r∈R} a_r; the usual
 * alternative, maximizing a common margin t (s_i x_iᵀβ ≥ t), has an all-zero right-hand side in
 * its dual and stalls the simplex in degenerate pivots, which is why it is not used.
 *
 * The reported direction is the optimal β₀ of (K) under quasi-complete separation (so `direction`
 * agrees with `detect_separation`), and under complete separation the final direction of the rounds
 * above: it classifies every observation strictly (in the last round the step towards the new
 * solution maximizes the smallest normalised margin, so symmetric data give symmetric directions).
 *
 * Multinomial data (K classes, reference class r, coefficients d_k for k ≠ r and d_r = 0): the
 * log-likelihood term of an observation of class c is η_c − log Σ_k exp(η_k) with η_k = x_iᵀd_k,
 * which is non-decreasing along a direction D exactly when x_iᵀ(d_c − d_k) ≥ 0 for every k ≠ c.
 * So the data are separated iff some D with XD ≠ 0 satisfies all n(K − 1) such inequalities, and
 * everything above generalises directly with the constraint vectors a_{i,k} = x_i ⊗ (e_c − e_k) (the
 * reference block dropped) in place of s_i x_i. With K = 2 and reference 0 this is exactly the
 * binary check. (Albert & Anderson 1984 define complete / quasi-complete separation for the
 * multinomial logit in these terms.)
 *
 * ## What happens before the linear programs
 *
 * 1. Rows with weight 0 are dropped (they do not enter the likelihood). A binomial row with a
 *    success fraction 0 < y < 1 (or a multinomial row with counts in several classes) contributes
 *    the constraints of every outcome it has, like `detect_separation`, which duplicates such rows.
 * 2. Each column is divided by its largest |value| over the kept rows, so the box −1 ≤ β ≤ 1 and
 *    every tolerance mean the same thing for every column; directions are mapped back at the end.
 * 3. Columns that are linear combinations of earlier ones (on the kept rows) are dropped, as
 *    `detect_separation` does with `qr(x)`: otherwise a β in the null space of X (Xβ = 0) would be a
 *    spurious "direction". Their entries are 0 in the result. The rank test is a Householder QR that
 *    visits columns in order and skips a column whose remaining norm is ≤ {@link RANK_TOL} times its
 *    original norm (R's LINPACK `dqrdc2` limited pivoting, which also keeps the earlier of two
 *    collinear columns). With X of full column rank, Xβ = 0 only for β = 0.
 *
 * References: A. Albert & J. A. Anderson (1984), On the existence of maximum likelihood estimates
 * in logistic regression models, *Biometrika* 71(1), 1–10. K. Konis (2007), *Linear programming
 * algorithms for detecting separated data in binary logistic regression models*, DPhil thesis,
 * University of Oxford. K. Konis (2013), safeBinaryRegression 0.1-3 (R package), `separator`.
 * I. Kosmidis, D. Schumacher & F. Schwendinger, detectseparation (R package),
 * `R/detect_separation.R` and `R/separator_konis.R`.
 *
 * @module
 */

import { SoftlogitError, type SoftlogitErrorCode } from '../errors.js';
import { describeValue } from '../input/optionKeys.js';
import { maximizeOverBoxedCone, type BoxedConeSolution, type ConeConstraints } from './simplex.js';

/**
 * Relative norm below which a column counts as a linear combination of the earlier ones: the
 * default `tol = 1e-07` of R's `qr()`, which `detect_separation` uses to drop aliased columns.
 * Columns have max |x| = 1 after scaling, so rounding in the residual norms is ~√n·ε ≈ 1e-14.
 */
export const RANK_TOL = 1e-7;

/**
 * The data count as separated when the largest constraint value max_i s_i x_iᵀβ at the optimum of
 * (K) exceeds this. With scaled columns and |β_j| ≤ 1 these values are O(1) when there is a genuine
 * direction; when there is none the optimum is β = 0 (unique, X having full column rank) and the
 * computed values are rounding noise ~1e-14. 1e-7 sits safely between; data whose best separating
 * direction moves no observation by more than 1e-7 (in scaled units) are reported as not separated.
 */
export const SEPARATION_TOL = 1e-7;

/**
 * A constraint counts as tight (on the boundary, a_rᵀz = 0) at an LP solution when
 * a_rᵀz ≤ BOUNDARY_TOL · ‖a_r‖. The simplex accepts constraint violations up to the same relative
 * 1e-9 (its optimality tolerance), and tight constraints at a vertex are otherwise rounding noise
 * (~1e-15), while loose ones are O(1) in the scaled problem.
 */
export const BOUNDARY_TOL = 1e-9;

/**
 * Entries of the (scaled) optimal direction at most this large are zero: the coefficient stays
 * finite. `detect_separation_control()` uses `beta_tolerance = sqrt(.Machine$double.eps)` the same
 * way; entries of an LP vertex are otherwise O(1) (often exactly ±1) in the scaled box.
 */
export const DIRECTION_ZERO_TOL = Math.sqrt(Number.EPSILON);

/** The outcome of a separation check. */
export interface SeparationResult {
  /** True when the maximum likelihood estimate does not exist (complete or quasi-complete separation). */
  separated: boolean;
  /**
   * 'complete' when some direction classifies every observation strictly (x_iᵀβ > 0 exactly for
   * y_i = 1); 'quasi-complete' when directions exist but leave some observations tied at 0.
   */
  kind: 'none' | 'complete' | 'quasi-complete';
  /**
   * p entries (binary) or p × (K−1) row-major (multinomial, reference form, columns =
   * non-reference classes in order): +1 / −1 for coefficients that diverge to ±∞ along the
   * recession direction, 0 for those that stay finite.
   */
  direction: Int8Array;
  /**
   * The unit recession direction found (scaled so max |entry| = 1), same layout as direction, in
   * the units of the original columns; all 0 when not separated.
   */
  ray: Float64Array;
}

/**
 * Tests binary logistic-regression data for complete or quasi-complete separation, exactly, by the
 * linear program of Konis (2007) (see the module comment for the formulation).
 *
 * `direction` names the coefficients whose estimates diverge: the signs of the optimal β of
 * program (K) under quasi-complete separation (what `detect_separation` reports as Inf / −Inf / 0),
 * and of a direction that classifies every row strictly under complete separation. Columns that are
 * linear combinations of earlier ones get 0.
 *
 * Cost: O(n·p²) for the rank check, then simplex pivots of O(p² + working set · p) each plus a few
 * O(n·p) passes (see `./simplex.js`); about 0.1 s for n = 10⁴, p = 20 and a few seconds for
 * n = 10⁵, p = 100.
 *
 * @param X design, row-major nRows × nFeatures (include the intercept column if the model has one).
 * @param y per row: 0 or 1, or a success fraction in [0, 1] (binomial counts): a row with
 *   0 < y < 1 has both outcomes and contributes both inequalities.
 * @param weights optional non-negative prior weights; rows with weight 0 are ignored.
 * @throws {SoftlogitError} `BAD_SHAPE` (X length ≠ nRows·nFeatures, bad sizes), `LENGTH_MISMATCH`
 *   (y or weights of the wrong length), `BAD_RESPONSE` (y outside [0, 1]), `BAD_WEIGHTS`,
 *   `NON_FINITE` (a non-finite X entry in a row that counts), `EMPTY_INPUT` (no row with positive
 *   weight).
 *
 * @example
 * // intercept and x; x < 0 → 0 and x > 0 → 1: completely separated, the slope diverges to +∞
 * const X = Float64Array.of(1, -2, 1, -1, 1, 1, 1, 2);
 * const r = detectSeparationBinary(X, 4, 2, [0, 0, 1, 1]);
 * r.kind // => 'complete'
 * Array.from(r.direction) // => [0, 1]
 */
export function detectSeparationBinary(
  X: Float64Array,
  nRows: number,
  nFeatures: number,
  y: ArrayLike<number>,
  weights?: ArrayLike<number>,
): SeparationResult {
  const fn = 'detectSeparationBinary';
  checkDesign(fn, X, nRows, nFeatures);
  checkArrayLike(fn, y, 'y', 'BAD_RESPONSE');
  if (y.length !== nRows) {
    throw new SoftlogitError('LENGTH_MISMATCH', `${fn}: expected y of length nRows = ${nRows}, got ${y.length}`);
  }
  const counts = checkWeights(fn, weights, nRows);
  const entryRow: number[] = [];
  const entryClass: number[] = [];
  for (let i = 0; i < nRows; i++) {
    const v = y[i]!;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new SoftlogitError('BAD_RESPONSE', `${fn}: expected y in [0, 1], got ${describeValue(v)} at row ${i}`, { row: i });
    }
    if (!counts(i)) continue;
    if (v < 1) {
      entryRow.push(i);
      entryClass.push(0);
    }
    if (v > 0) {
      entryRow.push(i);
      entryClass.push(1);
    }
  }
  return detect(fn, X, nRows, nFeatures, entryRow, entryClass, 2, 0);
}

/**
 * Tests multinomial (softmax) regression data, one class per row, for complete or quasi-complete
 * separation: whether some direction D (p × (K−1), reference form, XD ≠ 0) has
 * x_iᵀ(d_{c_i} − d_k) ≥ 0 for every row i and class k ≠ c_i (d_reference = 0); complete when all
 * can be strict. See the module comment for the linear programs.
 *
 * A class with no (positively weighted) observation is itself a separation: its coefficients go to
 * −∞ relative to the others when the design can make all its linear predictors negative.
 *
 * @param classIndex per row, the class 0 … nClasses − 1.
 * @param reference the reference class (its coefficients are fixed at 0).
 * @param weights optional non-negative prior weights; rows with weight 0 are ignored.
 * @throws {SoftlogitError} as {@link detectSeparationBinary}, plus `BAD_OPTION` (nClasses < 2),
 *   `BAD_REFERENCE`, and `BAD_RESPONSE` (a class index outside 0 … nClasses − 1).
 *
 * @example
 * // intercept and x; classes 0 | 1 | 2 in three disjoint x ranges: completely separated
 * const X = Float64Array.of(1, -2, 1, -1, 1, 0.5, 1, 1, 1, 2, 1, 3);
 * const r = detectSeparationMultinomial(X, 6, 2, Int32Array.of(0, 0, 1, 1, 2, 2), 3, 0);
 * r.kind // => 'complete'
 * r.direction.length // => 4 (2 features × 2 non-reference classes)
 */
export function detectSeparationMultinomial(
  X: Float64Array,
  nRows: number,
  nFeatures: number,
  classIndex: Int32Array,
  nClasses: number,
  reference: number,
  weights?: ArrayLike<number>,
): SeparationResult {
  const fn = 'detectSeparationMultinomial';
  checkDesign(fn, X, nRows, nFeatures);
  checkClasses(fn, nClasses, reference);
  checkArrayLike(fn, classIndex, 'classIndex', 'BAD_RESPONSE');
  if (classIndex.length !== nRows) {
    throw new SoftlogitError(
      'LENGTH_MISMATCH',
      `${fn}: expected classIndex of length nRows = ${nRows}, got ${classIndex.length}`,
    );
  }
  const counts = checkWeights(fn, weights, nRows);
  const entryRow: number[] = [];
  const entryClass: number[] = [];
  for (let i = 0; i < nRows; i++) {
    const c = classIndex[i]!;
    if (typeof c !== 'number' || !Number.isInteger(c) || !(c >= 0 && c < nClasses)) {
      throw new SoftlogitError('BAD_RESPONSE', `${fn}: expected class indices in 0..${nClasses - 1}, got ${describeValue(c)} at row ${i}`, {
        row: i,
      });
    }
    if (!counts(i)) continue;
    entryRow.push(i);
    entryClass.push(c);
  }
  return detect(fn, X, nRows, nFeatures, entryRow, entryClass, nClasses, reference);
}

/**
 * As {@link detectSeparationMultinomial}, for a counts response: `counts` is nRows × nClasses
 * row-major, and a row contributes the constraints of every class with a positive count (a row
 * whose counts are all 0 contributes nothing).
 *
 * @throws {SoftlogitError} as {@link detectSeparationMultinomial}, with `BAD_COUNTS` for a negative
 *   or non-finite count and `LENGTH_MISMATCH` when counts is not nRows × nClasses.
 *
 * @example
 * // two rows, each with observations of both classes: nothing can be separated
 * const r = detectSeparationMultinomialCounts(Float64Array.of(1, 0, 1, 1), 2, 2, [3, 1, 2, 2], 2, 0);
 * r.kind // => 'none'
 */
export function detectSeparationMultinomialCounts(
  X: Float64Array,
  nRows: number,
  nFeatures: number,
  counts: ArrayLike<number>,
  nClasses: number,
  reference: number,
  weights?: ArrayLike<number>,
): SeparationResult {
  const fn = 'detectSeparationMultinomialCounts';
  checkDesign(fn, X, nRows, nFeatures);
  checkClasses(fn, nClasses, reference);
  checkArrayLike(fn, counts, 'counts', 'BAD_COUNTS');
  if (counts.length !== nRows * nClasses) {
    throw new SoftlogitError(
      'LENGTH_MISMATCH',
      `${fn}: expected counts of length nRows * nClasses = ${nRows * nClasses}, got ${counts.length}`,
    );
  }
  const rowCounts = checkWeights(fn, weights, nRows);
  const entryRow: number[] = [];
  const entryClass: number[] = [];
  for (let i = 0; i < nRows; i++) {
    for (let c = 0; c < nClasses; c++) {
      const v = counts[i * nClasses + c]!;
      if (typeof v !== 'number' || !(v >= 0 && Number.isFinite(v))) {
        throw new SoftlogitError('BAD_COUNTS', `${fn}: expected finite non-negative counts, got ${describeValue(v)} at row ${i}, class ${c}`, {
          row: i,
          class: c,
        });
      }
      if (v > 0 && rowCounts(i)) {
        entryRow.push(i);
        entryClass.push(c);
      }
    }
  }
  return detect(fn, X, nRows, nFeatures, entryRow, entryClass, nClasses, reference);
}

// ---------------------------------------------------------------------------------------------
// Validation helpers

function checkDesign(fn: string, X: Float64Array, nRows: number, nFeatures: number): void {
  if (!Number.isInteger(nRows) || !Number.isInteger(nFeatures) || nRows < 0 || nFeatures < 0) {
    throw new SoftlogitError('BAD_SHAPE', `${fn}: expected non-negative integer nRows and nFeatures, got ${describeValue(nRows)} x ${describeValue(nFeatures)}`);
  }
  if (!(X instanceof Float64Array)) {
    throw new SoftlogitError('BAD_SHAPE', `${fn}: expected X as a Float64Array (row-major), got ${describeValue(X)}`);
  }
  if (X.length !== nRows * nFeatures) {
    throw new SoftlogitError(
      'BAD_SHAPE',
      `${fn}: expected X of length nRows * nFeatures = ${nRows * nFeatures}, got ${X.length}`,
    );
  }
  if (nRows === 0) throw new SoftlogitError('EMPTY_INPUT', `${fn}: expected at least one row, got 0`);
}

/** The most classes the multinomial check takes: its LP has a column per feature and class. */
const MAX_CLASSES = 16384;

function checkClasses(fn: string, nClasses: number, reference: number): void {
  if (!Number.isInteger(nClasses) || nClasses < 2) {
    throw new SoftlogitError('BAD_OPTION', `${fn}: expected an integer nClasses >= 2, got ${describeValue(nClasses)}`);
  }
  if (nClasses > MAX_CLASSES) {
    throw new SoftlogitError('TOO_LARGE', `${fn}: nClasses = ${nClasses} is more than the ${MAX_CLASSES} classes the check is built for`);
  }
  if (!Number.isInteger(reference) || reference < 0 || reference >= nClasses) {
    throw new SoftlogitError('BAD_REFERENCE', `${fn}: expected reference in 0..${nClasses - 1}, got ${describeValue(reference)}`);
  }
}

/** Checks that `value` is an array or typed array (its entries are checked where they are read). */
function checkArrayLike(fn: string, value: unknown, name: string, code: SoftlogitErrorCode): void {
  if (value === null || typeof value !== 'object' || typeof (value as ArrayLike<unknown>).length !== 'number') {
    throw new SoftlogitError(code, `${fn}: expected ${name} as an array of numbers, got ${describeValue(value)}`);
  }
}

/** Validates weights and returns "does row i count" (weight > 0). */
function checkWeights(fn: string, weights: ArrayLike<number> | undefined, nRows: number): (i: number) => boolean {
  if (weights === undefined) return () => true;
  checkArrayLike(fn, weights, 'weights', 'BAD_WEIGHTS');
  if (weights.length !== nRows) {
    throw new SoftlogitError('LENGTH_MISMATCH', `${fn}: expected weights of length nRows = ${nRows}, got ${weights.length}`);
  }
  for (let i = 0; i < nRows; i++) {
    const w = weights[i]!;
    if (typeof w !== 'number' || !(w >= 0 && Number.isFinite(w))) {
      throw new SoftlogitError('BAD_WEIGHTS', `${fn}: expected finite non-negative weights, got ${describeValue(w)} at row ${i}`, { row: i });
    }
  }
  return (i) => weights[i]! > 0;
}

// ---------------------------------------------------------------------------------------------
// The check

/**
 * The cone of program (K) for the reference-form softmax: one constraint per (observation entry,
 * other class) pair, a = x_row ⊗ (e_plus − e_minus) with block −1 meaning the reference class.
 * Variables are laid out z[j·B + b] for feature j and non-reference block b (B = K − 1).
 */
class PairwiseCone implements ConeConstraints {
  readonly nVariables: number;
  readonly nConstraints: number;
  constructor(
    private readonly xs: Float64Array, // nKept × q scaled design, row-major
    private readonly q: number,
    private readonly nBlocks: number,
    private readonly conRow: Int32Array,
    private readonly conPlus: Int32Array,
    private readonly conMinus: Int32Array,
  ) {
    this.nVariables = q * nBlocks;
    this.nConstraints = conRow.length;
  }

  evaluate(z: Float64Array, out: Float64Array, indices: Int32Array, count: number): void {
    const { xs, q, nBlocks: B, conRow, conPlus, conMinus } = this;
    for (let k = 0; k < count; k++) {
      const r = indices[k]!;
      const xo = conRow[r]! * q;
      const plus = conPlus[r]!;
      const minus = conMinus[r]!;
      let s = 0;
      if (minus < 0) {
        for (let j = 0; j < q; j++) s += xs[xo + j]! * z[j * B + plus]!;
      } else if (plus < 0) {
        for (let j = 0; j < q; j++) s -= xs[xo + j]! * z[j * B + minus]!;
      } else {
        for (let j = 0; j < q; j++) s += xs[xo + j]! * (z[j * B + plus]! - z[j * B + minus]!);
      }
      out[r] = s;
    }
  }

  constraint(r: number, out: Float64Array): void {
    out.fill(0);
    this.addConstraint(r, out);
  }

  /** out += a_r */
  addConstraint(r: number, out: Float64Array): void {
    const { xs, q, nBlocks: B } = this;
    const xo = this.conRow[r]! * q;
    const plus = this.conPlus[r]!;
    const minus = this.conMinus[r]!;
    for (let j = 0; j < q; j++) {
      const x = xs[xo + j]!;
      if (plus >= 0) out[j * B + plus] = out[j * B + plus]! + x;
      if (minus >= 0) out[j * B + minus] = out[j * B + minus]! - x;
    }
  }
}

/**
 * Indices of the columns kept by a Householder QR that visits columns in order and skips those
 * whose remaining norm is ≤ RANK_TOL × their original norm (R's `dqrdc2` limited pivoting).
 * `a` is column-major nRows × nCols and is overwritten.
 */
function independentColumns(a: Float64Array, nRows: number, nCols: number): number[] {
  const kept: number[] = [];
  let k = 0; // rank so far = number of reflectors
  const norm0 = new Float64Array(nCols);
  for (let j = 0; j < nCols; j++) {
    let s = 0;
    for (let i = 0; i < nRows; i++) s += a[j * nRows + i]! * a[j * nRows + i]!;
    norm0[j] = Math.sqrt(s);
  }
  for (let j = 0; j < nCols; j++) {
    if (k >= nRows || norm0[j] === 0) continue;
    const cj = j * nRows;
    let s = 0;
    for (let i = k; i < nRows; i++) s += a[cj + i]! * a[cj + i]!;
    const r = Math.sqrt(s);
    if (r <= RANK_TOL * norm0[j]!) continue;
    // Reflector v = x − α e_k with α = −sign(x_k)‖x‖, normalised to unit length, stored in place.
    const alpha = a[cj + k]! >= 0 ? -r : r;
    a[cj + k] = a[cj + k]! - alpha;
    const vnorm = Math.sqrt(2 * r * r - 2 * alpha * (a[cj + k]! + alpha));
    for (let i = k; i < nRows; i++) a[cj + i] = a[cj + i]! / vnorm;
    for (let l = j + 1; l < nCols; l++) {
      const cl = l * nRows;
      let d = 0;
      for (let i = k; i < nRows; i++) d += a[cj + i]! * a[cl + i]!;
      d *= 2;
      for (let i = k; i < nRows; i++) a[cl + i] = a[cl + i]! - d * a[cj + i]!;
    }
    kept.push(j);
    k++;
  }
  return kept;
}

/** Golden-section search for the maximum of a concave function on [0, 1] (to ~1e-9 in t). */
function maximizeConcave(f: (t: number) => number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = 0;
  let b = 1;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let it = 0; it < 45; it++) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

/** Program (K) on a cone: maximize Σ_r a_rᵀz subject to a_rᵀz ≥ 0 and the box. */
function solveKonis(cone: PairwiseCone): BoxedConeSolution {
  const objective = new Float64Array(cone.nVariables);
  for (let c = 0; c < cone.nConstraints; c++) cone.addConstraint(c, objective);
  return maximizeOverBoxedCone(cone, objective);
}

function detect(
  fn: string,
  X: Float64Array,
  nRows: number,
  nFeatures: number,
  entryRow: number[],
  entryClass: number[],
  nClasses: number,
  reference: number,
): SeparationResult {
  const p = nFeatures;
  const B = nClasses - 1;
  const ray = new Float64Array(p * B);
  const direction = new Int8Array(p * B);
  const none: SeparationResult = { separated: false, kind: 'none', direction, ray };

  // Kept rows, in order, and each entry's index among them.
  const keptIndex = new Int32Array(nRows).fill(-1);
  const keptRows: number[] = [];
  for (const i of entryRow) {
    if (keptIndex[i] === -1) {
      keptIndex[i] = keptRows.length;
      keptRows.push(i);
    }
  }
  const nKept = keptRows.length;
  if (nKept === 0) {
    throw new SoftlogitError('EMPTY_INPUT', `${fn}: expected at least one row with positive weight, got none`);
  }

  // Column scales over the kept rows.
  const scale = new Float64Array(p);
  for (const i of keptRows) {
    for (let j = 0; j < p; j++) {
      const v = X[i * p + j]!;
      if (!Number.isFinite(v)) {
        throw new SoftlogitError('NON_FINITE', `${fn}: X has a non-finite value ${v} at row ${i}, column ${j}`, {
          row: i,
          column: j,
        });
      }
      const av = Math.abs(v);
      if (av > scale[j]!) scale[j] = av;
    }
  }

  // Rank check on the scaled kept design (column-major copy).
  const colMajor = new Float64Array(nKept * p);
  for (let r = 0; r < nKept; r++) {
    const i = keptRows[r]!;
    for (let j = 0; j < p; j++) {
      const s = scale[j]!;
      colMajor[j * nKept + r] = s > 0 ? X[i * p + j]! / s : 0;
    }
  }
  const cols = independentColumns(colMajor, nKept, p);
  const q = cols.length;
  if (q === 0) return none;

  const xs = new Float64Array(nKept * q);
  for (let r = 0; r < nKept; r++) {
    const i = keptRows[r]!;
    for (let jj = 0; jj < q; jj++) {
      const j = cols[jj]!;
      xs[r * q + jj] = X[i * p + j]! / scale[j]!;
    }
  }

  // One constraint per (entry, other class).
  const blockOf = (c: number): number => (c === reference ? -1 : c < reference ? c : c - 1);
  const nCons = entryRow.length * B;
  const conRow = new Int32Array(nCons);
  const conPlus = new Int32Array(nCons);
  const conMinus = new Int32Array(nCons);
  let r = 0;
  for (let e = 0; e < entryRow.length; e++) {
    const c = entryClass[e]!;
    for (let k = 0; k < nClasses; k++) {
      if (k === c) continue;
      conRow[r] = keptIndex[entryRow[e]!]!;
      conPlus[r] = blockOf(c);
      conMinus[r] = blockOf(k);
      r++;
    }
  }
  const cone = new PairwiseCone(xs, q, B, conRow, conPlus, conMinus);
  const m = cone.nVariables;

  // Program (K) on all constraints.
  const konis = solveKonis(cone);
  let largest = 0;
  for (let c = 0; c < nCons; c++) largest = Math.max(largest, konis.constraintValues[c]!);
  if (!(largest > SEPARATION_TOL)) return none;

  // Complete or quasi-complete: shrink the set R of constraints that are 0 at the current
  // direction w by solving (K) on R alone (see the module comment).
  const norms = new Float64Array(nCons);
  for (let c = 0; c < nCons; c++) {
    const xo = conRow[c]! * q;
    let ss = 0;
    for (let j = 0; j < q; j++) ss += xs[xo + j]! * xs[xo + j]!;
    norms[c] = Math.sqrt(conPlus[c]! >= 0 && conMinus[c]! >= 0 ? 2 * ss : ss);
  }
  const w = konis.z.slice();
  const values = konis.constraintValues.slice();
  let boundary = Int32Array.from({ length: nCons }, (_, c) => c).filter(
    (c) => values[c]! <= BOUNDARY_TOL * norms[c]!,
  );
  const all = Int32Array.from({ length: nCons }, (_, c) => c);
  const step = new Float64Array(nCons);
  while (boundary.length > 0) {
    const sub = new PairwiseCone(
      xs,
      q,
      B,
      boundary.map((c) => conRow[c]!),
      boundary.map((c) => conPlus[c]!),
      boundary.map((c) => conMinus[c]!),
    );
    const zSub = solveKonis(sub);
    let best = 0;
    for (let k = 0; k < boundary.length; k++) best = Math.max(best, zSub.constraintValues[k]!);
    if (!(best > SEPARATION_TOL)) break; // every constraint left in R is an implicit equality
    // w ← (1 − λ)·w + λ·zSub, with λ ∈ [0, 1] maximizing the smallest normalised value over the
    // constraints that are now positive at w or at zSub (a concave, piecewise-linear function of λ:
    // golden-section search). Small λ > 0 already keeps them all positive, so the maximum is > 0.
    cone.evaluate(zSub.z, step, all, nCons);
    const stillTight = new Uint8Array(nCons);
    const nextBoundary = boundary.filter((c, k) => {
      const tight = zSub.constraintValues[k]! <= BOUNDARY_TOL * norms[c]!;
      if (tight) stillTight[c] = 1;
      return tight;
    });
    const lambda = maximizeConcave((t) => {
      let min = Infinity;
      for (let c = 0; c < nCons; c++) {
        if (stillTight[c] === 0) min = Math.min(min, ((1 - t) * values[c]! + t * step[c]!) / norms[c]!);
      }
      return min;
    });
    for (let v = 0; v < m; v++) w[v] = (1 - lambda) * w[v]! + lambda * zSub.z[v]!;
    for (let c = 0; c < nCons; c++) values[c] = (1 - lambda) * values[c]! + lambda * step[c]!;
    boundary = nextBoundary;
  }
  const complete = boundary.length === 0;
  const z = complete ? w : konis.z;

  // Back to the original columns and layout: zero the negligible entries, undo the scaling.
  let zMax = 0;
  for (let v = 0; v < m; v++) zMax = Math.max(zMax, Math.abs(z[v]!));
  const zeroBelow = Math.min(DIRECTION_ZERO_TOL, 0.5 * zMax);
  let rayMax = 0;
  for (let jj = 0; jj < q; jj++) {
    const j = cols[jj]!;
    for (let b = 0; b < B; b++) {
      const v = z[jj * B + b]!;
      if (Math.abs(v) <= zeroBelow) continue;
      const w = v / scale[j]!;
      ray[j * B + b] = w;
      rayMax = Math.max(rayMax, Math.abs(w));
    }
  }
  for (let v = 0; v < ray.length; v++) {
    ray[v] = ray[v]! / rayMax;
    direction[v] = ray[v]! > 0 ? 1 : ray[v]! < 0 ? -1 : 0;
  }
  return { separated: true, kind: complete ? 'complete' : 'quasi-complete', direction, ray };
}
