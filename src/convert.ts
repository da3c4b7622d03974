/**
 * Exact conversions between the parameterizations of logistic and softmax coefficients, and the
 * matching maps of their covariance matrices. Pure TypeScript; no WASM needed.
 *
 * Conventions used throughout this file:
 * - A softmax coefficient matrix `W` is `nFeatures x nClasses` (p x K): rows are features (the
 *   intercept, when there is one, is just one of the rows), columns are classes, and
 *   `P(class k | x) = exp(w_k' x) / sum_c exp(w_c' x)` with `w_k = W[:, k]`.
 * - `W` is identified only up to adding one vector to every column (`W + v 1'` predicts the same
 *   probabilities), so every parameterization below is a choice of representative:
 *   - full: any p x K representative;
 *   - reference (baseline-category) form: column `reference` is all zeros (R `nnet::multinom`,
 *     statsmodels `MNLogit`);
 *   - baseline block: the p x (K - 1) non-reference columns of the reference form, in class order
 *     (what R and statsmodels print and report covariances for);
 *   - symmetric (sum-to-zero) form: every row of `W` sums to zero (glmnet);
 *   - logistic: a length-p vector `beta` with `P(positive | x) = sigma(beta' x)`; for K = 2 with
 *     classes 0 and 1, `beta = W[:, 1] - W[:, 0]`.
 * - Covariances of coefficients are over the class-major vectorization: entry `k * p + j` holds
 *   class (column) k, feature j — the order of R `vcov(multinom)` and statsmodels
 *   `MNLogit.cov_params()`. A logistic `beta` is one column, so its covariance is p x p.
 *
 * Every conversion here is linear in the columns: `W' = W C'` for a small class-mixing matrix `C`
 * (K' x K), i.e. `W'[:, a] = sum_c C[a, c] W[:, c]`. On the class-major vectorization this is
 * `vec(W') = (C ⊗ I_p) vec(W)`, so a covariance maps as `Σ' = (C ⊗ I_p) Σ (C ⊗ I_p)'`, whose
 * p x p blocks are `Σ'_ab = sum_{c,d} C[a, c] C[b, d] Σ_cd`. {@link classMixingMatrix} builds `C`,
 * {@link mixClasses} applies it to coefficients and {@link convertCovariance} to a covariance.
 *
 * @module
 */
import { Matrix } from './matrix.js';
import { SoftlogitError } from './errors.js';
import { checkOptionKeys, describeValue, optionKeysOf } from './input/optionKeys.js';

/** A matrix given as a {@link Matrix} or as rows (`number[][]`). */
type MatrixLike = Matrix | ArrayLike<ArrayLike<number>>;

/** Options of {@link softmaxToLogistic}. */
export interface SoftmaxToLogisticOptions {
  /** Column (class index) whose probability the logistic model gives. Default 1. */
  positive?: number;
  /** Column (class index) it is compared against. Default 0. */
  negative?: number;
}

/** Every key of SoftmaxToLogisticOptions (checked by the compiler against the interface). */
const SOFTMAX_TO_LOGISTIC_OPTION_KEYS = optionKeysOf<SoftmaxToLogisticOptions>()(['positive', 'negative']);

/** Options of {@link logisticToSoftmax}. */
export interface LogisticToSoftmaxOptions {
  /**
   * `'reference'` (default): class 0 is the reference, `W = [0 | beta]`.
   * `'symmetric'`: rows sum to zero, `W = [-beta/2 | beta/2]`.
   */
  parameterization?: 'reference' | 'symmetric';
}

/** Every key of LogisticToSoftmaxOptions (checked by the compiler against the interface). */
const LOGISTIC_TO_SOFTMAX_OPTION_KEYS = optionKeysOf<LogisticToSoftmaxOptions>()(['parameterization']);

/**
 * A coefficient parameterization, as the source (`from`) or target (`to`) of
 * {@link classMixingMatrix}. See the module documentation for the forms.
 *
 * - `{ form: 'full' }`: any p x K representative. Source only: as a target it would not say which
 *   representative to produce.
 * - `{ form: 'reference', reference }`: p x K with column `reference` zero. As a source it is the
 *   same as `'full'` (the reference index is checked but not needed).
 * - `{ form: 'symmetric' }`: p x K with rows summing to zero. As a source, the same as `'full'`.
 * - `{ form: 'baseline', reference }`: the p x (K - 1) non-reference columns of the reference form.
 * - `{ form: 'logistic', positive = 1, negative = 0 }`: one column `W[:, positive] - W[:, negative]`.
 *   As a target any two distinct classes will do; as a source K must be 2 and
 *   `{positive, negative}` must be `{0, 1}`.
 */
export type CoefficientForm =
  | { form: 'full' }
  | { form: 'reference'; reference: number }
  | { form: 'symmetric' }
  | { form: 'baseline'; reference: number }
  | { form: 'logistic'; positive?: number; negative?: number };

// ---------------------------------------------------------------------------------------------
// Validation helpers: each message names the function, what was expected and what came.

/**
 * `value` as a Matrix, checked: a Matrix or rows of equal length holding numbers, none of them
 * ±Infinity. NaN is let through: it marks an aliased coefficient (`singular: 'drop'`) and stays
 * NaN in the result, as R's NA does.
 */
function toMatrix(value: MatrixLike, fn: string, name: string): Matrix {
  if (value instanceof Matrix) {
    checkEntries(value.data, value.cols, fn, name);
    return value;
  }
  if (value === null || typeof value !== 'object' || typeof value.length !== 'number') {
    throw new SoftlogitError('BAD_SHAPE', `${fn}: expected ${name} as a Matrix or number[][], got ${describeValue(value)}`);
  }
  const nRows = value.length;
  const rowLength = (i: number): number => {
    const row: unknown = value[i];
    if (row === null || typeof row !== 'object' || typeof (row as ArrayLike<unknown>).length !== 'number') {
      throw new SoftlogitError('BAD_SHAPE', `${fn}: expected ${name} row ${i} to be an array of numbers, got ${describeValue(row)}`, { row: i });
    }
    return (row as ArrayLike<unknown>).length;
  };
  const nCols = nRows > 0 ? rowLength(0) : 0;
  for (let i = 0; i < nRows; i++) {
    const length = rowLength(i);
    if (length !== nCols) {
      throw new SoftlogitError('RAGGED_ROWS', `${fn}: ${name} row ${i} has ${length} entries, expected ${nCols} like row 0`, {
        row: i,
      });
    }
    const row = value[i]!;
    for (let j = 0; j < nCols; j++) checkEntry(row[j], i, j, fn, name);
  }
  return Matrix.fromArray(value);
}

/** An entry of an input matrix: a number, not ±Infinity (NaN is allowed, see toMatrix). */
function checkEntry(v: unknown, i: number, j: number, fn: string, name: string): void {
  if (typeof v !== 'number' || v === Infinity || v === -Infinity) {
    throw new SoftlogitError(
      'NON_FINITE',
      `${fn}: expected ${name} to hold finite numbers (NaN marks an aliased coefficient), got ${describeValue(v)} at row ${i}, column ${j}`,
      { row: i, column: j },
    );
  }
}

function checkEntries(data: ArrayLike<number>, cols: number, fn: string, name: string): void {
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (v === Infinity || v === -Infinity) checkEntry(v, Math.floor(k / cols), k % cols, fn, name);
  }
}

function hasNaN(data: ArrayLike<number>): boolean {
  for (let k = 0; k < data.length; k++) if (Number.isNaN(data[k])) return true;
  return false;
}

/**
 * The result of a conversion, checked: an entry that overflowed (±Infinity, or NaN from
 * Infinity − Infinity, when no input was NaN) is an error, never a returned value.
 * @throws {SoftlogitError} `NON_FINITE` naming the entry.
 */
function checkResult<T extends Matrix | Float64Array>(result: T, inputHadNaN: boolean, fn: string): T {
  const data: Float64Array = result instanceof Matrix ? result.data : result;
  const cols = result instanceof Matrix ? result.cols : 1;
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (v === Infinity || v === -Infinity || (!inputHadNaN && Number.isNaN(v))) {
      throw new SoftlogitError(
        'NON_FINITE',
        `${fn}: the result overflows (${v} at row ${Math.floor(k / cols)}, column ${k % cols}): the input's magnitudes are too close to the largest double (1.8e308); rescale them`,
        { row: Math.floor(k / cols), column: k % cols },
      );
    }
  }
  return result;
}

function requireFeatures(m: Matrix, fn: string, name: string): void {
  if (m.rows < 1) {
    throw new SoftlogitError('BAD_SHAPE', `${fn}: expected ${name} with at least one row (feature), got ${m.rows} x ${m.cols}`);
  }
}

function requireClasses(m: Matrix, fn: string, name: string): void {
  requireFeatures(m, fn, name);
  if (m.cols < 2) {
    throw new SoftlogitError(
      'BAD_SHAPE',
      `${fn}: expected ${name} with at least 2 columns (one per class), got ${m.rows} x ${m.cols}`,
    );
  }
}

function requireIndex(
  value: unknown,
  n: number,
  fn: string,
  name: string,
  code: 'BAD_REFERENCE' | 'BAD_OPTION',
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= n) {
    throw new SoftlogitError(
      code,
      `${fn}: expected ${name} to be an integer class index in [0, ${n - 1}], got ${describeValue(value)}`,
      { [name]: value, nClasses: n },
    );
  }
  return value;
}

/**
 * The most classes a class-mixing matrix is built for: K x K doubles, 2 GiB at K = 16384, and a
 * softmax fit with that many classes would not fit in WebAssembly's 4 GiB anyway.
 */
const MAX_CLASSES = 16384;

function requireClassCount(nClasses: unknown, fn: string): number {
  if (typeof nClasses !== 'number' || !Number.isInteger(nClasses) || nClasses < 2) {
    throw new SoftlogitError('BAD_OPTION', `${fn}: expected nClasses to be an integer >= 2, got ${describeValue(nClasses)}`);
  }
  if (nClasses > MAX_CLASSES) {
    throw new SoftlogitError('TOO_LARGE', `${fn}: nClasses = ${nClasses} would need a ${nClasses} x ${nClasses} class-mixing matrix; at most ${MAX_CLASSES} classes are supported`);
  }
  return nClasses;
}

// ---------------------------------------------------------------------------------------------
// Coefficient conversions.

/**
 * Logistic coefficients equivalent to two classes of a softmax model.
 *
 * `beta[j] = W[j, positive] - W[j, negative]`, so that
 * `P(positive) / (P(positive) + P(negative)) = sigma(beta' x)`. For K = 2 with the defaults this is
 * exactly the binary logistic model of class 1 against class 0. Every representative of `W` gives
 * the same `beta` (up to rounding).
 *
 * O(p) time.
 *
 * @param coefficients softmax coefficients, p x K (features x classes), K >= 2.
 * @param options `positive` (default 1) and `negative` (default 0): two distinct column indices.
 * @returns `beta`, length p.
 * @throws {SoftlogitError} `BAD_SHAPE` if `coefficients` has no rows or fewer than 2 columns;
 *   `RAGGED_ROWS` if rows differ in length; `BAD_OPTION` if `positive`/`negative` are not
 *   integer column indices or are equal.
 *   `NON_FINITE` for ±Infinity or a non-number in the input, or a result that overflows (NaN, an aliased coefficient, stays NaN).
 * @example
 * softmaxToLogistic([[1, 2, 4], [0, -1, 3]]) // => Float64Array [1, -1]
 * softmaxToLogistic([[1, 2, 4], [0, -1, 3]], { positive: 2, negative: 1 }) // => Float64Array [2, 4]
 */
export function softmaxToLogistic(coefficients: MatrixLike, options: SoftmaxToLogisticOptions = {}): Float64Array {
  const fn = 'softmaxToLogistic';
  checkOptionKeys(options, fn, SOFTMAX_TO_LOGISTIC_OPTION_KEYS);
  const w = toMatrix(coefficients, fn, 'coefficients');
  requireClasses(w, fn, 'coefficients');
  const positive = requireIndex(options.positive ?? 1, w.cols, fn, 'positive', 'BAD_OPTION');
  const negative = requireIndex(options.negative ?? 0, w.cols, fn, 'negative', 'BAD_OPTION');
  if (positive === negative) {
    throw new SoftlogitError('BAD_OPTION', `${fn}: expected distinct positive and negative classes, got both ${positive}`);
  }
  const beta = new Float64Array(w.rows);
  for (let j = 0; j < w.rows; j++) beta[j] = w.data[j * w.cols + positive]! - w.data[j * w.cols + negative]!;
  return checkResult(beta, hasNaN(w.data), fn);
}

/**
 * The two-class softmax coefficients of a logistic model `P(class 1 | x) = sigma(beta' x)`.
 *
 * `'reference'`: `W = [0 | beta]` (class 0 is the reference); `'symmetric'`:
 * `W = [-beta/2 | beta/2]` (rows sum to zero). Both give back `beta` exactly under
 * {@link softmaxToLogistic} (halving is exact in binary floating point, except that it can round
 * a subnormal |beta_j| < 2.3e-308 in its last bit).
 *
 * O(p) time.
 *
 * @param beta logistic coefficients, length p >= 1.
 * @param options `parameterization`: `'reference'` (default) or `'symmetric'`.
 * @returns W, p x 2.
 * @throws {SoftlogitError} `BAD_SHAPE` if `beta` is empty or not array-like; `BAD_OPTION` for an
 *   unknown parameterization.
 *   `NON_FINITE` for ±Infinity or a non-number in the input (NaN, an aliased coefficient, stays NaN).
 * @example
 * logisticToSoftmax([1, -2]).toArray() // => [[0, 1], [0, -2]]
 * logisticToSoftmax([1, -2], { parameterization: 'symmetric' }).toArray() // => [[-0.5, 0.5], [1, -1]]
 */
export function logisticToSoftmax(beta: ArrayLike<number>, options: LogisticToSoftmaxOptions = {}): Matrix {
  const fn = 'logisticToSoftmax';
  if (beta === null || typeof beta !== 'object' || typeof beta.length !== 'number' || beta.length < 1) {
    throw new SoftlogitError('BAD_SHAPE', `${fn}: expected beta as a non-empty array of numbers, got ${describeValue(beta)}`);
  }
  checkOptionKeys(options, fn, LOGISTIC_TO_SOFTMAX_OPTION_KEYS);
  for (let j = 0; j < beta.length; j++) checkEntry(beta[j], j, 0, fn, 'beta');
  const parameterization = options.parameterization ?? 'reference';
  if (parameterization !== 'reference' && parameterization !== 'symmetric') {
    throw new SoftlogitError(
      'BAD_OPTION',
      `${fn}: expected parameterization 'reference' or 'symmetric', got ${describeValue(parameterization)}`,
    );
  }
  const p = beta.length;
  const out = new Matrix(p, 2);
  for (let j = 0; j < p; j++) {
    const b = beta[j]!;
    if (parameterization === 'reference') {
      out.data[2 * j] = 0;
      out.data[2 * j + 1] = b;
    } else {
      out.data[2 * j] = -b / 2;
      out.data[2 * j + 1] = b / 2;
    }
  }
  return out;
}

/**
 * The reference (baseline-category) form: subtract column `reference` from every column.
 *
 * `W'[j, k] = W[j, k] - W[j, reference]`; column `reference` of the result is exactly zero.
 *
 * O(pK) time.
 *
 * @param coefficients softmax coefficients, p x K, any representative.
 * @param reference class index in [0, K).
 * @returns W', p x K.
 * @throws {SoftlogitError} `BAD_SHAPE` (no rows or fewer than 2 columns), `RAGGED_ROWS`,
 *   `BAD_REFERENCE` (not an integer index in range).
 *   `NON_FINITE` for ±Infinity or a non-number in the input, or a result that overflows (NaN, an aliased coefficient, stays NaN).
 * @example
 * toReference([[1, 2, 4], [0, -1, 3]], 0).toArray() // => [[0, 1, 3], [0, -1, 3]]
 */
export function toReference(coefficients: MatrixLike, reference: number): Matrix {
  const fn = 'toReference';
  const w = toMatrix(coefficients, fn, 'coefficients');
  requireClasses(w, fn, 'coefficients');
  const r = requireIndex(reference, w.cols, fn, 'reference', 'BAD_REFERENCE');
  const K = w.cols;
  const out = new Matrix(w.rows, K);
  for (let j = 0; j < w.rows; j++) {
    const base = w.data[j * K + r]!;
    for (let k = 0; k < K; k++) out.data[j * K + k] = w.data[j * K + k]! - base;
  }
  return checkResult(out, hasNaN(w.data), fn);
}

/**
 * The symmetric (sum-to-zero, glmnet) form: subtract each row's mean.
 *
 * `W'[j, k] = W[j, k] - (1/K) sum_c W[j, c]`; every row of the result sums to zero (up to
 * rounding).
 *
 * O(pK) time.
 *
 * @param coefficients softmax coefficients, p x K, any representative.
 * @returns W', p x K.
 * @throws {SoftlogitError} `BAD_SHAPE` (no rows or fewer than 2 columns), `RAGGED_ROWS`.
 *   `NON_FINITE` for ±Infinity or a non-number in the input, or a result that overflows (NaN, an aliased coefficient, stays NaN).
 * @example
 * toSymmetric([[1, 2, 3], [0, -3, 6]]).toArray() // => [[-1, 0, 1], [-1, -4, 5]]
 */
export function toSymmetric(coefficients: MatrixLike): Matrix {
  const fn = 'toSymmetric';
  const w = toMatrix(coefficients, fn, 'coefficients');
  requireClasses(w, fn, 'coefficients');
  const K = w.cols;
  const out = new Matrix(w.rows, K);
  for (let j = 0; j < w.rows; j++) {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += w.data[j * K + k]!;
    let mean = sum / K;
    // A sum past 1.8e308 overflows although the mean does not: then sum the scaled entries.
    if (sum === Infinity || sum === -Infinity) {
      mean = 0;
      for (let k = 0; k < K; k++) mean += w.data[j * K + k]! / K;
    }
    for (let k = 0; k < K; k++) out.data[j * K + k] = w.data[j * K + k]! - mean;
  }
  return checkResult(out, hasNaN(w.data), fn);
}

/**
 * The full reference form from a baseline block: insert a zero column at index `reference`.
 *
 * With K = (columns of B) + 1: `W[:, k] = B[:, k]` for k < reference, `W[:, reference] = 0`,
 * `W[:, k] = B[:, k - 1]` for k > reference. Exact (no arithmetic).
 *
 * O(pK) time.
 *
 * @param baseline the p x (K - 1) non-reference columns, in class order.
 * @param reference index of the reference class in the result, in [0, K).
 * @returns W, p x K.
 * @throws {SoftlogitError} `BAD_SHAPE` (no rows or no columns), `RAGGED_ROWS`, `BAD_REFERENCE`.
 *   `NON_FINITE` for ±Infinity or a non-number in the input (NaN, an aliased coefficient, stays NaN).
 * @example
 * fromBaseline([[-1, 2], [1, 4]], 1).toArray() // => [[-1, 0, 2], [1, 0, 4]]
 */
export function fromBaseline(baseline: MatrixLike, reference: number): Matrix {
  const fn = 'fromBaseline';
  const b = toMatrix(baseline, fn, 'baseline');
  requireFeatures(b, fn, 'baseline');
  if (b.cols < 1) {
    throw new SoftlogitError('BAD_SHAPE', `${fn}: expected baseline with at least 1 column (K - 1 >= 1), got ${b.rows} x ${b.cols}`);
  }
  const K = b.cols + 1;
  const r = requireIndex(reference, K, fn, 'reference', 'BAD_REFERENCE');
  const out = new Matrix(b.rows, K);
  for (let j = 0; j < b.rows; j++) {
    for (let k = 0; k < K; k++) {
      out.data[j * K + k] = k === r ? 0 : b.data[j * b.cols + (k < r ? k : k - 1)]!;
    }
  }
  return out;
}

/**
 * The baseline block: the non-reference columns of {@link toReference}`(W, reference)`, in class
 * order.
 *
 * `B[:, i] = W[:, k] - W[:, reference]` where k runs over the classes other than `reference` in
 * increasing order.
 *
 * O(pK) time.
 *
 * @param coefficients softmax coefficients, p x K, any representative.
 * @param reference class index in [0, K).
 * @returns B, p x (K - 1).
 * @throws {SoftlogitError} `BAD_SHAPE` (no rows or fewer than 2 columns), `RAGGED_ROWS`,
 *   `BAD_REFERENCE`.
 *   `NON_FINITE` for ±Infinity or a non-number in the input, or a result that overflows (NaN, an aliased coefficient, stays NaN).
 * @example
 * toBaseline([[1, 2, 4], [0, -1, 3]], 1).toArray() // => [[-1, 2], [1, 4]]
 */
export function toBaseline(coefficients: MatrixLike, reference: number): Matrix {
  const fn = 'toBaseline';
  const w = toMatrix(coefficients, fn, 'coefficients');
  requireClasses(w, fn, 'coefficients');
  const K = w.cols;
  const r = requireIndex(reference, K, fn, 'reference', 'BAD_REFERENCE');
  const out = new Matrix(w.rows, K - 1);
  for (let j = 0; j < w.rows; j++) {
    const base = w.data[j * K + r]!;
    let i = 0;
    for (let k = 0; k < K; k++) {
      if (k !== r) out.data[j * (K - 1) + i++] = w.data[j * K + k]! - base;
    }
  }
  return checkResult(out, hasNaN(w.data), fn);
}

// ---------------------------------------------------------------------------------------------
// Class-mixing matrices and covariance maps.

/** Validated descriptor with the defaults filled in. */
type Form =
  | { form: 'full' | 'symmetric' }
  | { form: 'reference' | 'baseline'; reference: number }
  | { form: 'logistic'; positive: number; negative: number };

/** The keys each form descriptor takes (checked by the compiler against CoefficientForm). */
const FORM_KEYS: { [F in CoefficientForm['form']]: readonly string[] } = {
  full: optionKeysOf<Extract<CoefficientForm, { form: 'full' }>>()(['form']),
  symmetric: optionKeysOf<Extract<CoefficientForm, { form: 'symmetric' }>>()(['form']),
  reference: optionKeysOf<Extract<CoefficientForm, { form: 'reference' }>>()(['form', 'reference']),
  baseline: optionKeysOf<Extract<CoefficientForm, { form: 'baseline' }>>()(['form', 'reference']),
  logistic: optionKeysOf<Extract<CoefficientForm, { form: 'logistic' }>>()(['form', 'positive', 'negative']),
};

function readForm(value: CoefficientForm, nClasses: number, fn: string, role: 'from' | 'to'): Form {
  if (value === null || typeof value !== 'object') {
    throw new SoftlogitError('BAD_OPTION', `${fn}: expected ${role} to be a form descriptor object, got ${describeValue(value)}`);
  }
  const form = value.form as CoefficientForm['form'];
  if (typeof form === 'string' && Object.hasOwn(FORM_KEYS, form)) checkOptionKeys(value, `${fn} (${role} form '${form}')`, FORM_KEYS[form]);
  switch (value.form) {
    case 'full':
    case 'symmetric':
      return { form: value.form };
    case 'reference':
    case 'baseline':
      return {
        form: value.form,
        reference: requireIndex(value.reference, nClasses, fn, `${role}.reference`, 'BAD_REFERENCE'),
      };
    case 'logistic': {
      const positive = requireIndex(value.positive ?? 1, nClasses, fn, `${role}.positive`, 'BAD_OPTION');
      const negative = requireIndex(value.negative ?? 0, nClasses, fn, `${role}.negative`, 'BAD_OPTION');
      if (positive === negative) {
        throw new SoftlogitError('BAD_OPTION', `${fn}: expected distinct ${role}.positive and ${role}.negative, got both ${positive}`);
      }
      return { form: 'logistic', positive, negative };
    }
    default:
      throw new SoftlogitError(
        'BAD_OPTION',
        `${fn}: expected ${role}.form to be 'full', 'reference', 'symmetric', 'baseline' or 'logistic', got ${describeValue((value as { form?: unknown }).form)}`,
      );
  }
}

/** K x k matrix taking the source's columns to a full p x K representative. */
function embedding(form: Form, K: number, fn: string): Matrix {
  switch (form.form) {
    case 'full':
    case 'reference':
    case 'symmetric': {
      const e = new Matrix(K, K);
      for (let k = 0; k < K; k++) e.data[k * K + k] = 1;
      return e;
    }
    case 'baseline': {
      // Insert a zero row for the reference class: E[k, i] = 1 when k is the i-th non-reference class.
      const e = new Matrix(K, K - 1);
      let i = 0;
      for (let k = 0; k < K; k++) if (k !== form.reference) e.data[k * (K - 1) + i++] = 1;
      return e;
    }
    case 'logistic': {
      if (K !== 2) {
        throw new SoftlogitError('BAD_OPTION', `${fn}: a 'logistic' source needs nClasses = 2, got ${K}`);
      }
      // beta goes to column `positive`, zero to `negative`: W = [0 | beta] for the defaults.
      const e = new Matrix(2, 1);
      e.data[form.positive] = 1;
      return e;
    }
  }
}

/** k' x K matrix taking a full p x K representative to the target's columns. */
function extraction(form: Form, K: number, fn: string): Matrix {
  switch (form.form) {
    case 'full':
      throw new SoftlogitError(
        'BAD_OPTION',
        `${fn}: 'full' is a source form only; expected to.form 'reference', 'symmetric', 'baseline' or 'logistic'`,
      );
    case 'reference': {
      // Row a: e_a - e_r.
      const c = new Matrix(K, K);
      for (let a = 0; a < K; a++) {
        if (a === form.reference) continue;
        c.data[a * K + a] = 1;
        c.data[a * K + form.reference] = -1;
      }
      return c;
    }
    case 'symmetric': {
      // I - 11'/K.
      const c = new Matrix(K, K);
      for (let a = 0; a < K; a++) {
        for (let b = 0; b < K; b++) c.data[a * K + b] = (a === b ? 1 : 0) - 1 / K;
      }
      return c;
    }
    case 'baseline': {
      // Rows e_a - e_r for the non-reference classes a, in order.
      const c = new Matrix(K - 1, K);
      let i = 0;
      for (let a = 0; a < K; a++) {
        if (a === form.reference) continue;
        c.data[i * K + a] = 1;
        c.data[i * K + form.reference] = -1;
        i++;
      }
      return c;
    }
    case 'logistic': {
      const c = new Matrix(1, K);
      c.data[form.positive] = 1;
      c.data[form.negative] = -1;
      return c;
    }
  }
}

function multiply(a: Matrix, b: Matrix): Matrix {
  const out = new Matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < b.cols; j++) out.data[i * b.cols + j] += aik * b.data[k * b.cols + j]!;
    }
  }
  return out;
}

/**
 * The class-mixing matrix `C` of the linear conversion from one coefficient form to another:
 * the converted coefficients are `W' = W C'` ({@link mixClasses}) and, on the class-major
 * vectorization, `vec(W') = (C ⊗ I_p) vec(W)` ({@link convertCovariance}).
 *
 * `C = Out · In`, where `In` (K x k) takes the source's k columns to a full representative and
 * `Out` (k' x K) takes any full representative to the target's k' columns:
 * - In: full/reference/symmetric `I_K`; baseline(r) `E_r` (identity with a zero row inserted at
 *   r); logistic (K = 2) `e_positive`.
 * - Out: reference(r) `I - 1 e_r'`; symmetric `I - 1 1'/K`; baseline(r) the rows a ≠ r of
 *   `I - 1 e_r'`; logistic `(e_positive - e_negative)'`.
 * Every `Out` annihilates `1` (adding a vector to every column changes nothing), so conversions
 * compose: `C(b → c) · C(a → b) = C(a → c)` whenever `b` keeps all the information (any form but
 * logistic with K > 2).
 *
 * Covariance notes: the symmetric form's covariance (pK x pK) is singular, of rank at most
 * p(K - 1), because each row of `W` sums to zero; the full reference form's covariance has exact
 * zero rows and columns for the reference class's block.
 *
 * O(K³) time, negligible beside the covariance.
 *
 * @param nClasses K >= 2.
 * @param from source form (see {@link CoefficientForm}).
 * @param to target form; not `'full'`.
 * @returns C, (target columns) x (source columns).
 * @throws {SoftlogitError} `BAD_OPTION` (nClasses not an integer >= 2, unknown form, `'full'`
 *   target, logistic source with K ≠ 2, bad or equal positive/negative), `BAD_REFERENCE`
 *   (reference not an integer in [0, K)).
 * @example
 * // baseline block with reference 0 -> baseline block with reference 1, K = 3
 * classMixingMatrix(3, { form: 'baseline', reference: 0 }, { form: 'baseline', reference: 1 }).toArray()
 * // => [[-1, 0], [-1, 1]]
 * classMixingMatrix(2, { form: 'baseline', reference: 0 }, { form: 'symmetric' }).toArray()
 * // => [[-0.5], [0.5]]
 */
export function classMixingMatrix(nClasses: number, from: CoefficientForm, to: CoefficientForm): Matrix {
  const fn = 'classMixingMatrix';
  const K = requireClassCount(nClasses, fn);
  const source = readForm(from, K, fn, 'from');
  const target = readForm(to, K, fn, 'to');
  return multiply(extraction(target, K, fn), embedding(source, K, fn));
}

/**
 * Applies a class-mixing matrix to coefficients: `W'[j, a] = sum_c C[a, c] W[j, c]`, i.e.
 * `W' = W C'`.
 *
 * With `C` from {@link classMixingMatrix} this performs the same conversion as the named functions
 * ({@link toReference}, {@link toBaseline}, ...); a logistic `beta` is a p x 1 matrix here.
 *
 * O(p · nnz(C)) time.
 *
 * @param coefficients p x k.
 * @param classMixing C, k' x k.
 * @returns W', p x k'.
 * @throws {SoftlogitError} `BAD_SHAPE` (no rows, or columns of `coefficients` ≠ columns of `C`),
 *   `RAGGED_ROWS`.
 *   `NON_FINITE` for ±Infinity or a non-number in the input, or a result that overflows (NaN, an aliased coefficient, stays NaN).
 * @example
 * const c = classMixingMatrix(3, { form: 'full' }, { form: 'baseline', reference: 1 });
 * mixClasses([[1, 2, 4], [0, -1, 3]], c).toArray() // => [[-1, 2], [1, 4]]
 */
export function mixClasses(coefficients: MatrixLike, classMixing: MatrixLike): Matrix {
  const fn = 'mixClasses';
  const w = toMatrix(coefficients, fn, 'coefficients');
  const c = toMatrix(classMixing, fn, 'classMixing');
  requireFeatures(w, fn, 'coefficients');
  if (w.cols !== c.cols || c.cols < 1) {
    throw new SoftlogitError(
      'BAD_SHAPE',
      `${fn}: expected coefficients with as many columns as classMixing (${c.rows} x ${c.cols}), got ${w.rows} x ${w.cols}`,
    );
  }
  // W' = W C' = (C W')' : reuse multiply on the transposes.
  return checkResult(multiply(w, c.transpose()), hasNaN(w.data) || hasNaN(c.data), fn);
}

/**
 * The covariance of converted coefficients: `Σ' = A Σ A'` with `A = C ⊗ I_p`, over the class-major
 * vectorization (entry `k * p + j` is class k, feature j — R `vcov(multinom)`, statsmodels
 * `MNLogit.cov_params()`).
 *
 * Uses the Kronecker structure instead of forming A: with p x p blocks,
 * `Σ'_ab = sum_{c,d} C[a, c] C[b, d] Σ_cd`, computed as `T = (C ⊗ I) Σ` then `Σ' = T (C ⊗ I)'`,
 * skipping zero entries of C. p is `rows(Σ) / columns(C)`.
 *
 * The result is symmetric up to rounding when Σ is symmetric. The symmetric form's covariance is
 * singular (rank at most p(K - 1): rows of W sum to zero); the full reference form's covariance
 * has zero rows and columns for the reference class.
 *
 * O(nnz(C) · p² · (k + k')) time for C k' x k — O(p²K³) at worst, against O(p³K³) for the dense
 * product.
 *
 * @param covariance Σ, (p·k) x (p·k), class-major.
 * @param classMixing C, k' x k, from {@link classMixingMatrix}.
 * @returns Σ', (p·k') x (p·k').
 * @throws {SoftlogitError} `BAD_SHAPE` (Σ not square, empty, or its size not a multiple of the
 *   columns of C), `RAGGED_ROWS`.
 *   `NON_FINITE` for ±Infinity or a non-number in the input, or a result that overflows (NaN, an aliased coefficient, stays NaN).
 * @example
 * // one feature, K = 2: Var(beta) = 4 in the baseline form (reference 0) -> symmetric form
 * const c = classMixingMatrix(2, { form: 'baseline', reference: 0 }, { form: 'symmetric' });
 * convertCovariance([[4]], c).toArray() // => [[1, -1], [-1, 1]]
 */
export function convertCovariance(covariance: MatrixLike, classMixing: MatrixLike): Matrix {
  const fn = 'convertCovariance';
  const s = toMatrix(covariance, fn, 'covariance');
  const c = toMatrix(classMixing, fn, 'classMixing');
  if (s.rows !== s.cols || s.rows < 1) {
    throw new SoftlogitError('BAD_SHAPE', `${fn}: expected a non-empty square covariance, got ${s.rows} x ${s.cols}`);
  }
  const k = c.cols;
  const kOut = c.rows;
  if (k < 1 || kOut < 1 || s.rows % k !== 0) {
    throw new SoftlogitError(
      'BAD_SHAPE',
      `${fn}: expected covariance size to be a multiple of the columns of classMixing (${c.rows} x ${c.cols}), got ${s.rows} x ${s.cols}`,
    );
  }
  const p = s.rows / k;
  const n = s.rows; // p * k
  const nOut = p * kOut;

  // T = (C ⊗ I_p) Σ: (p·k') x (p·k); block row a of T is sum_c C[a, c] · (block row c of Σ).
  const t = new Float64Array(nOut * n);
  for (let a = 0; a < kOut; a++) {
    for (let cc = 0; cc < k; cc++) {
      const coef = c.data[a * k + cc]!;
      if (coef === 0) continue;
      for (let i = 0; i < p; i++) {
        const tRow = (a * p + i) * n;
        const sRow = (cc * p + i) * n;
        for (let col = 0; col < n; col++) t[tRow + col]! += coef * s.data[sRow + col]!;
      }
    }
  }

  // Σ' = T (C ⊗ I_p)': block column b of Σ' is sum_d C[b, d] · (block column d of T).
  const out = new Matrix(nOut, nOut);
  for (let b = 0; b < kOut; b++) {
    for (let d = 0; d < k; d++) {
      const coef = c.data[b * k + d]!;
      if (coef === 0) continue;
      for (let row = 0; row < nOut; row++) {
        const outRow = row * nOut + b * p;
        const tRow = row * n + d * p;
        for (let j = 0; j < p; j++) out.data[outRow + j]! += coef * t[tRow + j]!;
      }
    }
  }
  return checkResult(out, hasNaN(s.data) || hasNaN(c.data), fn);
}

/**
 * Standard errors laid out like the coefficients: `SE[j, k] = sqrt(Σ[k·p + j, k·p + j])`, from a
 * class-major covariance.
 *
 * O(pk) time.
 *
 * @param covariance Σ, (p·k) x (p·k), class-major.
 * @param nFeatures p.
 * @param nColumns k: the coefficient columns the covariance is over (K - 1 for a baseline block,
 *   K for a full form, 1 for logistic `beta`).
 * @returns SE, p x k.
 * @throws {SoftlogitError} `BAD_SHAPE` (Σ not square of size p·k, p or k not positive integers),
 *   `RAGGED_ROWS`, `NOT_POSITIVE_DEFINITE` (a negative variance on the diagonal).
 *   `NON_FINITE` for ±Infinity or a non-number in the covariance.
 * @example
 * // p = 2, K - 1 = 2: variances of (class 1: x0, x1, class 2: x0, x1)
 * const cov = [[1, 0, 0, 0], [0, 4, 0, 0], [0, 0, 9, 0], [0, 0, 0, 16]];
 * coefficientStandardErrors(cov, 2, 2).toArray() // => [[1, 3], [2, 4]]
 */
export function coefficientStandardErrors(covariance: MatrixLike, nFeatures: number, nColumns: number): Matrix {
  const fn = 'coefficientStandardErrors';
  const s = toMatrix(covariance, fn, 'covariance');
  if (!Number.isInteger(nFeatures) || nFeatures < 1 || !Number.isInteger(nColumns) || nColumns < 1) {
    throw new SoftlogitError(
      'BAD_SHAPE',
      `${fn}: expected positive integer nFeatures and nColumns, got ${describeValue(nFeatures)} and ${describeValue(nColumns)}`,
    );
  }
  const n = nFeatures * nColumns;
  if (s.rows !== n || s.cols !== n) {
    throw new SoftlogitError(
      'BAD_SHAPE',
      `${fn}: expected covariance of size ${nFeatures} * ${nColumns} = ${n} square, got ${s.rows} x ${s.cols}`,
    );
  }
  const out = new Matrix(nFeatures, nColumns);
  for (let k = 0; k < nColumns; k++) {
    for (let j = 0; j < nFeatures; j++) {
      const index = k * nFeatures + j;
      const variance = s.data[index * n + index]!;
      if (variance < 0) {
        throw new SoftlogitError(
          'NOT_POSITIVE_DEFINITE',
          `${fn}: expected non-negative variances on the diagonal, got ${variance} at index ${index} (column ${k}, feature ${j})`,
          { index, column: k, feature: j, variance },
        );
      }
      out.data[j * nColumns + k] = Math.sqrt(variance);
    }
  }
  return out;
}
