// Linearly dependent columns with `singular: 'drop'`: find the aliased columns (each a linear
// combination of the columns before it, among rows that count), fit without them, and report them
// as R does with NA: `aliased` names them, their coefficients and standard errors are NaN, and
// predict ignores them. The default, `singular: 'error'`, is the COLLINEAR error the fit throws.
import { SoftlogitError } from '../errors.js';
import { toBinomialData, type BinaryResponse } from '../input/binaryResponse.js';
import { featureNames, forEachDesignRow, toRowSource, toRowVector, type DesignInput, type RowSource } from '../input/design.js';
import type { LogisticFit, LogisticModelJSON } from '../models/logisticFit.js';
import type { SoftmaxFit, SoftmaxModelJSON } from '../models/softmaxFit.js';
import { toMultinomialData, type ClassLabel, type MultinomialResponse } from '../input/softmaxResponse.js';
import { smallestPositive } from '../input/weightScale.js';
import { PIVOT_CHECK, RANK_TOLERANCE } from '../objective/system.js';
import { equilibrationScale } from '../wasm/design.js';

/** What to do with linearly dependent columns: throw COLLINEAR (default) or drop them (R's NA). */
export type SingularMode = 'error' | 'drop';

/**
 * Reads `options.singular`.
 * @throws {SoftlogitError} `BAD_OPTION` unless undefined, 'error' or 'drop'.
 */
export function singularMode(value: unknown, caller: string): SingularMode {
  if (value === undefined || value === 'error') return 'error';
  if (value === 'drop') return 'drop';
  throw new SoftlogitError('BAD_OPTION', `${caller}: option singular should be 'error' or 'drop', got ${String(value)}`);
}

/**
 * Positions (in the coefficient order: intercept first when present) of the columns that are linear
 * combinations of earlier ones among rows with wᵢ > 0, by the rule of the fit's own Newton system
 * (src/objective/system.ts): a Cholesky of the weighted Gram matrix Σᵢ wᵢ xᵢxᵢᵀ with a unit
 * diagonal, visiting the columns in order and skipping the aliased ones (R's qr keeps the earlier
 * of two dependent columns the same way); a pivot 1 − R²_j above PIVOT_CHECK keeps the column, and
 * one at or below it is decided on the data: the column is aliased when its weighted residual on
 * the kept columns before it, formed row by row, is at most RANK_TOLERANCE of its norm (or the
 * pivot is not positive). Columns with values X'WX cannot hold are rescaled first by the powers of
 * two the fit uses (equilibrationScale). O(n p²), plus O(n p) per column decided on the data.
 */
export function aliasedColumns(source: RowSource, intercept: boolean, rowWeights: Float64Array): number[] {
  const q = source.nFeatures;
  const p = q + (intercept ? 1 : 0);
  // Column ranges among rows that count, for the rescaling.
  const max = new Float64Array(p);
  const min = new Float64Array(p).fill(Infinity);
  let counted = 0;
  forEachDesignRow(source, intercept, (r, x) => {
    if (!(rowWeights[r]! > 0)) return;
    counted++;
    for (let a = 0; a < p; a++) {
      const v = Math.abs(x[a]!);
      if (v > max[a]!) max[a] = v;
      if (v > 0 && v < min[a]!) min[a] = v;
    }
  });
  const columnScale = Float64Array.from(max, (m, a) => equilibrationScale(m, min[a]!, counted));
  // (weights too are brought to a smallest value of 1, as the fits solve with them)
  const weightScale = 2 ** Math.max(-1022, Math.min(1023, Math.floor(Math.log2(smallestPositive(rowWeights)))));
  const scaled = (x: Float64Array) => {
    for (let a = 0; a < p; a++) x[a] = x[a]! * columnScale[a]!;
    return x;
  };
  const gram = new Float64Array(p * p);
  forEachDesignRow(source, intercept, (r, row) => {
    const w = rowWeights[r]! / weightScale;
    if (!(w > 0)) return;
    const x = scaled(row);
    for (let a = 0; a < p; a++) {
      const wa = w * x[a]!;
      if (wa === 0) continue;
      for (let b = a; b < p; b++) gram[a * p + b] = gram[a * p + b]! + wa * x[b]!;
    }
  });
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) gram[a * p + b] = gram[b * p + a]!;
  // Scale to unit diagonal (zero columns are aliased outright), then Cholesky in order.
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) scale[j] = gram[j * p + j]! > 0 && Number.isFinite(gram[j * p + j]!) ? 1 / Math.sqrt(gram[j * p + j]!) : 0;
  const l = new Float64Array(p * p);
  const kept: number[] = [];
  const aliased: number[] = [];
  for (let j = 0; j < p; j++) {
    if (scale[j] === 0) {
      aliased.push(j);
      continue;
    }
    // row j of L over the kept columns: L[j][k] = (G[j][k] − Σ_{m<k} L[j][m] L[k][m]) / L[k][k]
    let d = 1;
    for (const k of kept) {
      let s = gram[j * p + k]! * scale[j]! * scale[k]!;
      for (const m of kept) {
        if (m >= k) break;
        s -= l[j * p + m]! * l[k * p + m]!;
      }
      const v = s / l[k * p + k]!;
      l[j * p + k] = v;
      d -= v * v;
    }
    if (!(d > PIVOT_CHECK) && !(d > 0 && residualRatio(j) > RANK_TOLERANCE * RANK_TOLERANCE)) {
      aliased.push(j);
      continue;
    }
    l[j * p + j] = Math.sqrt(d);
    kept.push(j);
  }
  return aliased;

  /** Σ w r² / Σ w x_j² for r the residual of (rescaled) column j on the kept columns, with b from L. */
  function residualRatio(j: number): number {
    // b̃ = L_keptᵀ⁻¹ l_j (unit-diagonal coordinates), b_k = b̃_k scale_k / scale_j
    const b = new Float64Array(kept.length);
    for (let t = kept.length - 1; t >= 0; t--) {
      let v = l[j * p + kept[t]!]!;
      for (let u = t + 1; u < kept.length; u++) v -= l[kept[u]! * p + kept[t]!]! * b[u]!;
      b[t] = v / l[kept[t]! * p + kept[t]!]!;
    }
    for (let t = 0; t < kept.length; t++) b[t] = (b[t]! * scale[kept[t]!]!) / scale[j]!;
    let residual = 0;
    let own = 0;
    forEachDesignRow(source, intercept, (r, row) => {
      const w = rowWeights[r]! / weightScale;
      if (!(w > 0)) return;
      const x = scaled(row);
      let s = x[j]!;
      for (let t = 0; t < kept.length; t++) s -= b[t]! * x[kept[t]!]!;
      residual += w * s * s;
      own += w * x[j]! * x[j]!;
    });
    return residual / own;
  }
}

/** The columns `keep` (positions in X, without the intercept) of X as a row-major buffer. */
function selectColumns(source: RowSource, keep: number[]): { data: Float64Array; nRows: number; nFeatures: number } {
  const n = source.nRows;
  const out = new Float64Array(n * keep.length);
  forEachDesignRow(source, false, (r, x) => {
    for (let k = 0; k < keep.length; k++) out[r * keep.length + k] = x[keep[k]!]!;
  });
  return { data: out, nRows: n, nFeatures: keep.length };
}

/**
 * Fits without the aliased columns (found up front, and any the fit still reports as COLLINEAR),
 * calling `fit` with `singular: 'error'` on the remaining columns; returns the full-size result.
 */
function fitWithout<F, O extends { names?: readonly string[]; intercept?: boolean; singular?: SingularMode }>(
  caller: string,
  X: DesignInput,
  options: O,
  rowWeights: (source: RowSource) => Float64Array,
  fit: (X: DesignInput, options: O) => F,
): { inner: F; kept: number[]; names: string[]; aliased: string[] } {
  const source = toRowSource(X, caller);
  const intercept = options.intercept ?? true;
  const names = featureNames(options.names, source.nFeatures, intercept, caller);
  const shift = intercept ? 1 : 0;
  const dropped = new Set(aliasedColumns(source, intercept, rowWeights(source)));
  for (;;) {
    if (shift && dropped.has(0)) {
      throw new SoftlogitError('COLLINEAR', `${caller}: the intercept is aliased (no row with non-zero weight); nothing can be fitted`, { aliased: [names[0]] });
    }
    const kept = names.map((_, j) => j).filter((j) => !dropped.has(j));
    const columns = kept.filter((j) => j >= shift).map((j) => j - shift);
    if (kept.length === 0) throw new SoftlogitError('COLLINEAR', `${caller}: every column is aliased (all zero among rows with non-zero weight)`, { aliased: names });
    const subset = selectColumns(source, columns);
    try {
      const inner = fit(subset, { ...options, singular: 'error', names: columns.map((j) => names[j + shift]!) });
      return { inner, kept, names, aliased: names.filter((_, j) => dropped.has(j)) };
    } catch (error) {
      // The fit's own Cholesky (at the start values, weights tᵢpᵢ(1 − pᵢ)) can disagree with the
      // Gram test when pᵢ varies (an offset): drop what it names and fit again.
      const named = error instanceof SoftlogitError && error.code === 'COLLINEAR' ? (error.details?.aliased as string[] | undefined)?.[0] : undefined;
      const at = named === undefined ? -1 : [...kept].reverse().find((j) => names[j] === named) ?? -1;
      if (at < 0) throw error;
      dropped.add(at);
    }
  }
}

/** Entries of `values` at `kept` placed in a vector of `size` NaNs. */
function expandVector(values: readonly number[], kept: number[], size: number, blocks = 1): number[] {
  const p = kept.length;
  const out = new Array<number>(size * blocks).fill(Number.NaN);
  for (let c = 0; c < blocks; c++) for (let k = 0; k < p; k++) out[c * size + kept[k]!] = values[c * p + k]!;
  return out;
}

/** A square covariance over `blocks` class blocks of `kept` features, expanded with NaN rows and columns. */
function expandCovariance(values: readonly number[], kept: number[], size: number, blocks = 1): number[] {
  const p = kept.length;
  const nIn = p * blocks;
  const nOut = size * blocks;
  const out = new Array<number>(nOut * nOut).fill(Number.NaN);
  for (let a = 0; a < nIn; a++) {
    const row = Math.floor(a / p) * size + kept[a % p]!;
    for (let b = 0; b < nIn; b++) out[row * nOut + Math.floor(b / p) * size + kept[b % p]!] = values[a * nIn + b]!;
  }
  return out;
}

/**
 * fitLogistic with `singular: 'drop'` (called by fitLogistic; `fit` is fitLogistic itself).
 * @throws {SoftlogitError} as fitLogistic.
 */
export function fitLogisticDropping<O extends { names?: readonly string[]; intercept?: boolean; singular?: SingularMode; weights?: ArrayLike<number> }>(
  X: DesignInput,
  y: BinaryResponse,
  options: O,
  fit: (X: DesignInput, y: BinaryResponse, options: O) => LogisticFit,
  fromJSON: (json: LogisticModelJSON) => LogisticFit,
): LogisticFit {
  const caller = 'fitLogistic';
  const rowWeights = (source: RowSource) => {
    const weights = options.weights !== undefined ? toRowVector(options.weights, source.nRows, 'weights', caller) : null;
    return toBinomialData(y, source.nRows, weights, caller).trials;
  };
  const { inner, kept, names, aliased } = fitWithout(caller, X, options, rowWeights, (Xs, o) => fit(Xs, y, o));
  if (aliased.length === 0) return inner;
  const json = inner.toJSON();
  const p = names.length;
  const separation = json.separation
    ? { ...json.separation, direction: expandVector(json.separation.direction, kept, p).map((v) => (Number.isNaN(v) ? 0 : v)) }
    : null;
  return fromJSON({
    ...json,
    names,
    coefficients: expandVector(json.coefficients, kept, p),
    covariance: expandCovariance(json.covariance, kept, p),
    aliased,
    separation,
  });
}

/**
 * fitSoftmax with `singular: 'drop'` (called by fitSoftmax; `fit` is fitSoftmax itself).
 * @throws {SoftlogitError} as fitSoftmax.
 */
export function fitSoftmaxDropping<O extends {
  names?: readonly string[]; intercept?: boolean; singular?: SingularMode; weights?: ArrayLike<number>;
  classes?: readonly ClassLabel[]; reference?: ClassLabel;
}>(
  X: DesignInput,
  y: MultinomialResponse,
  options: O,
  fit: (X: DesignInput, y: MultinomialResponse, options: O) => SoftmaxFit,
  fromJSON: (json: SoftmaxModelJSON) => SoftmaxFit,
): SoftmaxFit {
  const caller = 'fitSoftmax';
  const rowWeights = (source: RowSource) => {
    const weights = options.weights !== undefined ? toRowVector(options.weights, source.nRows, 'weights', caller) : null;
    const responseOptions: { classes?: readonly ClassLabel[]; reference?: ClassLabel } = {};
    if (options.classes !== undefined) responseOptions.classes = options.classes;
    if (options.reference !== undefined) responseOptions.reference = options.reference;
    const data = toMultinomialData(y, source.nRows, weights, responseOptions, caller);
    const K = data.classes.length;
    const totals = new Float64Array(source.nRows);
    for (let i = 0; i < source.nRows; i++) for (let k = 0; k < K; k++) totals[i] = totals[i]! + data.counts[i * K + k]!;
    return totals;
  };
  const { inner, kept, names, aliased } = fitWithout(caller, X, options, rowWeights, (Xs, o) => fit(Xs, y, o));
  if (aliased.length === 0) return inner;
  const json = inner.toJSON();
  const p = names.length;
  const nFree = json.classes.length - 1;
  let separation = json.separation ?? null;
  if (separation) {
    // direction is p × (K − 1) row-major: expand its rows
    const direction = new Array<number>(p * nFree).fill(0);
    for (let k = 0; k < kept.length; k++) for (let c = 0; c < nFree; c++) direction[kept[k]! * nFree + c] = separation.direction[k * nFree + c]!;
    separation = { ...separation, direction };
  }
  return fromJSON({
    ...json,
    names,
    baseline: expandVector(json.baseline, kept, p, nFree),
    covariance: expandCovariance(json.covariance, kept, p, nFree),
    aliased,
    separation,
  });
}
