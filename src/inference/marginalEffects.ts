// Marginal effects of a logistic fit with delta-method standard errors, as statsmodels'
// get_margeff and Stata's margins compute them.
import { SoftlogitError } from '../errors.js';
import { forEachDesignRow, toRowSource, toRowVector, type DesignInput } from '../input/design.js';
import { describeValue } from '../input/optionKeys.js';
import { pValues } from '../inference.js';
import { logistic } from '../special.js';
import { quadraticForm } from './prediction.js';

/** Where the effects are evaluated: averaged over the rows, or at the column means, medians or zeros. */
export type MarginalAt = 'overall' | 'mean' | 'median' | 'zero';
/** dy/dx, elasticities ey/ex, semi-elasticities ey/dx (d log p/dx) and dy/ex (dp/d log x). */
export type MarginalMethod = 'dydx' | 'eyex' | 'dyex' | 'eydx';

/** The options both models' marginal effects take: where, how, which columns change discretely, the rows' weights. */
export interface MarginalPointOptions {
  /**
   * Default 'overall' (the average of the rows' effects); or one point, the values of the columns
   * of X (Stata's `margins, at(…)`, statsmodels' `atexog`).
   */
  at?: MarginalAt | readonly number[];
  /** Default 'dydx'. */
  method?: MarginalMethod;
  /** Discrete change for 0/1 columns, from 0 to 1 (default false). */
  dummy?: boolean;
  /** Discrete change for integer-valued columns, from x to x + 1 (default false). */
  count?: boolean;
  /**
   * Per-row weights, as at the fit (default all 1): the average over the rows and the means and
   * medians of 'mean' and 'median' are weighted (Stata's `margins` after a weighted fit).
   */
  weights?: ArrayLike<number>;
}

/** Options of `LogisticFit.marginalEffects`. */
export interface MarginalEffectOptions extends MarginalPointOptions {
  /** Per-row offset added to the linear predictor, as at the fit (default none). */
  offset?: ArrayLike<number>;
}

/** Marginal effects of the columns of X (not the intercept), with delta-method SEs and Wald z, p. */
export interface MarginalEffects {
  names: string[];
  effect: Float64Array;
  se: Float64Array;
  z: Float64Array;
  pValue: Float64Array;
  /** The `at` option: a name, or the point given (a copy). */
  at: MarginalAt | number[];
  method: MarginalMethod;
}

/** What both models' marginal effects start from: the checked options, the rows and the points. */
export interface MarginalSetup {
  at: MarginalAt | number[];
  method: MarginalMethod;
  /** d log p rather than dp ('eyex', 'eydx'). */
  ey: boolean;
  /** Times x_j ('eyex', 'dyex'). */
  ex: boolean;
  /** How each design column (intercept first) changes: continuously, 0 → 1, or x → x + 1. */
  kind: ('continuous' | 'dummy' | 'count')[];
  /**
   * The points, row-major with the intercept entry: every row of X of positive weight
   * ('overall'), or one; with an offset, a summary point once per row of positive weight.
   */
  points: Float64Array;
  nPoints: number;
  /** Each point's weight: the row's, or 1 for a single point. The effects are Σ wᵢeᵢ / `totalWeight`. */
  pointWeights: Float64Array;
  totalWeight: number;
  /** Each point's offset, `offsetWidth` numbers a point (1 logistic, K softmax); null without an offset. */
  pointOffsets: Float64Array | null;
}

/**
 * The median of the values of positive weight, weighted: the mean of the smallest value whose
 * cumulative weight reaches half the total and the smallest that passes it, so that integer
 * weights give the median of the rows repeated (Stata's weighted `_pctile`, p50).
 */
function weightedMedian(values: number[], weights: number[]): number {
  const order = values.map((_, i) => i).filter((i) => weights[i]! > 0).sort((a, b) => values[a]! - values[b]!);
  const half = order.reduce((sum, i) => sum + weights[i]!, 0) / 2;
  let cumulative = 0;
  let lower = NaN;
  for (const i of order) {
    cumulative += weights[i]!;
    if (Number.isNaN(lower) && cumulative >= half) lower = values[i]!;
    if (cumulative > half) return (lower + values[i]!) / 2;
  }
  return lower;
}

/**
 * Checks the options and X (p − shift columns, `names` in design order) and builds the points the
 * effects are evaluated at, with their weights and offsets (`readOffset(n)` checks and returns the
 * n rows' offsets, row-major). O(n p), O(n p log n) for 'median'.
 * @throws {SoftlogitError} `BAD_OPTION`, `BAD_SHAPE`, `BAD_WEIGHTS` (also when every weight is 0),
 *   and the offset checks of `readOffset`.
 */
export function marginalSetup(
  X: DesignInput, options: MarginalPointOptions & { offset?: unknown }, p: number, intercept: boolean, names: readonly string[], caller: string,
  readOffset: (nRows: number) => Float64Array,
): MarginalSetup {
  const at = options.at ?? 'overall';
  const method = options.method ?? 'dydx';
  const dummy = options.dummy ?? false;
  const count = options.count ?? false;
  const shift = intercept ? 1 : 0;
  const point = Array.isArray(at) ? (at as readonly number[]) : null;
  if (!point && !['overall', 'mean', 'median', 'zero'].includes(at as string)) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: at should be 'overall', 'mean', 'median', 'zero' or the ${p - shift} values of a row, got ${describeValue(at)}`);
  }
  if (!['dydx', 'eyex', 'dyex', 'eydx'].includes(method)) throw new SoftlogitError('BAD_OPTION', `${caller}: method should be 'dydx', 'eyex', 'dyex' or 'eydx', got ${describeValue(method)}`);
  if (typeof dummy !== 'boolean') throw new SoftlogitError('BAD_OPTION', `${caller}: dummy should be true or false, got ${describeValue(dummy)}`);
  if (typeof count !== 'boolean') throw new SoftlogitError('BAD_OPTION', `${caller}: count should be true or false, got ${describeValue(count)}`);
  const source = toRowSource(X, caller);
  if (source.nFeatures !== p - shift) {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: X should have ${p - shift} columns (${names.slice(shift).join(', ')}), got ${source.nFeatures}`);
  }
  if (point && (point.length !== p - shift || !point.every(Number.isFinite))) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: at should be ${p - shift} finite numbers (${names.slice(shift).join(', ')}), got ${describeValue(at)}`);
  }
  const n = source.nRows;
  const rowWeights = options.weights !== undefined ? toRowVector(options.weights, n, 'weights', caller) : new Float64Array(n).fill(1);
  const offset = options.offset !== undefined ? readOffset(n) : null;
  // Rows of weight 0 count nowhere: not in the averages, the summaries, nor which columns are 0/1.
  const kept: number[] = [];
  for (let r = 0; r < n; r++) if (rowWeights[r]! > 0) kept.push(r);
  if (kept.length === 0) throw new SoftlogitError('BAD_WEIGHTS', `${caller}: every weight is 0`);
  const rows = new Float64Array(kept.length * p);
  let next = 0;
  forEachDesignRow(source, intercept, (r, x) => { if (rowWeights[r]! > 0) rows.set(x, p * next++); });
  const weights = kept.map((r) => rowWeights[r]!);
  const totalWeight = weights.reduce((a, w) => a + w, 0);
  // Which columns change discretely: 0/1 columns with `dummy`, other integer columns with `count`.
  const kind = new Array<'continuous' | 'dummy' | 'count'>(p).fill('continuous');
  for (let j = shift; j < p; j++) {
    let binary = true;
    let integer = true;
    for (let i = 0; i < kept.length; i++) {
      const v = rows[i * p + j]!;
      if (v !== 0 && v !== 1) binary = false;
      if (!Number.isInteger(v)) integer = false;
    }
    if (dummy && binary) kind[j] = 'dummy';
    else if (count && integer && !binary) kind[j] = 'count';
  }
  const width = offset ? offset.length / n : 0;
  const keptOffsets = offset ? new Float64Array(kept.length * width) : null;
  if (offset) kept.forEach((r, i) => keptOffsets!.set(offset.subarray(r * width, (r + 1) * width), i * width));
  const checked = point ? [...point] : (at as MarginalAt);
  const common = { at: checked, method, ey: method === 'eyex' || method === 'eydx', ex: method === 'eyex' || method === 'dyex', kind };
  if (at === 'overall') {
    return { ...common, points: rows, nPoints: kept.length, pointWeights: Float64Array.from(weights), totalWeight, pointOffsets: keptOffsets };
  }
  // One summary row. The offset is no covariate: as we read Stata's margins (it fixes covariates
  // and averages over the sample), the row is repeated once per row with that row's offset and weight.
  const summary = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    if (j < shift) { summary[j] = 1; continue; }
    if (point) { summary[j] = point[j - shift]!; continue; }
    if (at === 'zero') continue;
    const column = Array.from({ length: kept.length }, (_, i) => rows[i * p + j]!);
    summary[j] = at === 'mean' ? column.reduce((a, v, i) => a + weights[i]! * v, 0) / totalWeight : weightedMedian(column, weights);
  }
  if (!keptOffsets) return { ...common, points: summary, nPoints: 1, pointWeights: Float64Array.of(1), totalWeight: 1, pointOffsets: null };
  const points = new Float64Array(kept.length * p);
  for (let i = 0; i < kept.length; i++) points.set(summary, i * p);
  return { ...common, points, nPoints: kept.length, pointWeights: Float64Array.from(weights), totalWeight, pointOffsets: keptOffsets };
}

/**
 * See `LogisticFit.marginalEffects` for the formulas. `coefficients` and `covariance` (p × p) in
 * design order, the intercept first when `intercept`.
 */
export function logisticMarginalEffects(
  X: DesignInput, coefficients: Float64Array, covariance: Float64Array, intercept: boolean, names: readonly string[],
  options: MarginalEffectOptions, caller: string,
): MarginalEffects {
  const p = coefficients.length;
  const readOffset = (n: number) => toRowVector(options.offset!, n, 'offset', caller);
  const { at, method, ey, ex, kind, points, nPoints, pointWeights, totalWeight, pointOffsets } = marginalSetup(X, options, p, intercept, names, caller, readOffset);
  if (coefficients.some((b) => Number.isNaN(b))) throw new SoftlogitError('BAD_MODEL', `${caller}: not for a fit with aliased columns`);
  const shift = intercept ? 1 : 0;
  const effectNames = names.slice(shift);
  const q = p - shift;
  const effect = new Float64Array(q);
  const jacobian = new Float64Array(q * p);
  const x1 = new Float64Array(p);
  // The point's effects and gradients enter the averages times its weight w.
  for (let i = 0; i < nPoints; i++) {
    const x = points.subarray(i * p, (i + 1) * p);
    const w = pointWeights[i]!;
    const offset = pointOffsets ? pointOffsets[i]! : 0;
    const eta = (z: ArrayLike<number>): number => { let e = offset; for (let k = 0; k < p; k++) e += z[k]! * coefficients[k]!; return e; };
    const prob = logistic(eta(x));
    for (let j = shift; j < p; j++) {
      const out = (j - shift) * p;
      const bj = coefficients[j]!;
      if (kind[j] === 'continuous') {
        // dydx: p(1 − p)β_j, gradient p(1 − p)(1 − 2p)β_j x + p(1 − p)e_j; eydx: (1 − p)β_j, gradient −p(1 − p)β_j x + (1 − p)e_j.
        const scale = ex ? w * x[j]! : w;
        const v = ey ? (1 - prob) * bj : prob * (1 - prob) * bj;
        const g = ey ? -prob * (1 - prob) * bj : prob * (1 - prob) * (1 - 2 * prob) * bj;
        effect[j - shift] += scale * v;
        for (let k = 0; k < p; k++) jacobian[out + k] += scale * g * x[k]!;
        jacobian[out + j] += scale * (ey ? 1 - prob : prob * (1 - prob));
      } else {
        // Discrete change from x_j = 0 to 1 (dummy) or x_j to x_j + 1 (count): p₁ − p₀, or log p₁ − log p₀ for ey.
        x1.set(x);
        const base = kind[j] === 'dummy' ? 0 : x[j]!;
        x1[j] = base;
        const p0 = logistic(eta(x1));
        const g0 = w * (ey ? 1 - p0 : p0 * (1 - p0));
        for (let k = 0; k < p; k++) jacobian[out + k] -= g0 * x1[k]!;
        x1[j] = base + 1;
        const p1 = logistic(eta(x1));
        const g1 = w * (ey ? 1 - p1 : p1 * (1 - p1));
        for (let k = 0; k < p; k++) jacobian[out + k] += g1 * x1[k]!;
        effect[j - shift] += w * (ey ? Math.log(p1) - Math.log(p0) : p1 - p0);
      }
    }
  }
  for (let j = 0; j < q; j++) effect[j] /= totalWeight;
  for (let k = 0; k < q * p; k++) jacobian[k] /= totalWeight;
  const se = new Float64Array(q);
  for (let j = 0; j < q; j++) se[j] = Math.sqrt(Math.max(0, quadraticForm(jacobian.subarray(j * p, (j + 1) * p), covariance, p)));
  const z = effect.map((e, j) => e / se[j]!);
  return { names: effectNames, effect, se, z, pValue: pValues(z), at, method };
}
