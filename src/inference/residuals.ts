// Residuals, leverages and Cook's distances of a binomial fit, from the rows given again: what
// R's residuals.glm, hatvalues and cooks.distance compute for family = binomial.
import { SoftlogitError } from '../errors.js';
import { toBinomialData, type BinaryResponse } from '../input/binaryResponse.js';
import { forEachDesignRow, toRowSource, toRowVector, type DesignInput } from '../input/design.js';
import { choleskyInPlace, solveLowerInPlace } from '../matrix.js';

/** The four residual types of R's `residuals.glm` (its 'partial' is not offered). */
export type ResidualType = 'response' | 'pearson' | 'deviance' | 'working';

/**
 * Per-row quantities of a binomial fit at its coefficients. With y = s/m the observed proportion
 * of a row (s successes in m trials, m = 1 for 0/1 data), prior weight a = w·m (w the `weights`),
 * μ = σ(η) and η = xᵀβ + offset:
 * - response y − μ; working (y − μ)/(μ(1 − μ));
 * - Pearson (y − μ)·√a / √(μ(1 − μ));
 * - deviance sign(y − μ)·√dᵢ, dᵢ = 2a[y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))] (0 log 0 = 0);
 * - leverage hᵢ = Wᵢ xᵢᵀ(XᵀWX)⁻¹xᵢ, Wᵢ = a μ(1 − μ), the diagonal of the hat matrix
 *   W^½X(XᵀWX)⁻¹XᵀW^½ of the last IRLS step (recomputed from the rows, so it does not depend on
 *   which covariance the fit reports);
 * - Cook's distance (rᴾᵢ/(1 − hᵢ))²·hᵢ/(φ·p), with φ = 1 (binomial) and p the number of
 *   estimated (not aliased) coefficients.
 * Rows with zero weight get μ and the response and working residuals, and 0 Pearson and deviance
 * residuals, leverage and Cook's distance. Two passes over X, O(n p²).
 */
export interface BinomialRowDiagnostics {
  mu: Float64Array;
  /** Observed proportions y = s/m (NaN where m = 0). */
  proportion: Float64Array;
  /** Prior weights a = w·m. */
  priorWeights: Float64Array;
  hat: Float64Array;
  /** Number of estimated coefficients (R's rank). */
  rank: number;
}

/** Options shared by the row diagnostics: the rows' weights and offset, as passed to the fit. */
export interface RowDiagnosticOptions {
  /** Per-row prior weights, as at the fit (default all 1). */
  weights?: ArrayLike<number>;
  /** Per-row offset, as at the fit (default none). */
  offset?: ArrayLike<number>;
}

/**
 * Computes μ, y, the prior weights and the leverages of a binomial fit on rows X (without the
 * intercept column) and response y, at `coefficients` (NaN entries are aliased and left out);
 * with `withHat` false the leverages are left 0 (one pass over X instead of two).
 * @throws {SoftlogitError} `BAD_SHAPE` when X has the wrong number of columns; the errors of the
 *   response, weights and offset checks; `NOT_POSITIVE_DEFINITE` when XᵀWX is not positive definite.
 */
export function binomialRowDiagnostics(
  X: DesignInput, y: BinaryResponse, options: RowDiagnosticOptions, coefficients: Float64Array, intercept: boolean,
  names: readonly string[], caller: string, withHat = true,
): BinomialRowDiagnostics {
  const source = toRowSource(X, caller);
  const shift = intercept ? 1 : 0;
  const p = coefficients.length;
  if (source.nFeatures !== p - shift) {
    throw new SoftlogitError('BAD_SHAPE', `${caller}: X should have ${p - shift} columns (${names.slice(shift).join(', ')}), got ${source.nFeatures}`);
  }
  const n = source.nRows;
  const weights = options.weights !== undefined ? toRowVector(options.weights, n, 'weights', caller) : null;
  const offset = options.offset !== undefined ? toRowVector(options.offset, n, 'offset', caller) : null;
  const data = toBinomialData(y, n, weights, caller, false);
  const kept: number[] = [];
  for (let j = 0; j < p; j++) if (!Number.isNaN(coefficients[j]!)) kept.push(j);
  const q = kept.length;
  const mu = new Float64Array(n);
  const proportion = new Float64Array(n);
  const priorWeights = new Float64Array(n);
  const irlsWeights = new Float64Array(n);
  const information = new Float64Array(q * q);
  forEachDesignRow(source, intercept, (r, x) => {
    let eta = offset ? offset[r]! : 0;
    for (const j of kept) eta += x[j]! * coefficients[j]!;
    if (!Number.isFinite(eta)) {
      throw new SoftlogitError('NON_FINITE', `${caller}: row ${r} of X gives a non-finite linear predictor (${eta}); X must be finite`, { row: r });
    }
    const m = 1 / (1 + Math.exp(-eta));
    mu[r] = m;
    const a = data.trials[r]!;
    priorWeights[r] = a;
    proportion[r] = a > 0 ? data.successes[r]! / a : rawProportion(y, r);
    const w = a * m * (1 - m);
    irlsWeights[r] = w;
    if (w === 0 || !withHat) return;
    for (let i = 0; i < q; i++) {
      const wi = w * x[kept[i]!]!;
      for (let k = 0; k <= i; k++) information[i * q + k] += wi * x[kept[k]!]!;
    }
  });
  const hat = new Float64Array(n);
  if (!withHat) return { mu, proportion, priorWeights, hat, rank: q };
  if (choleskyInPlace(information, q) !== -1) {
    throw new SoftlogitError('NOT_POSITIVE_DEFINITE', `${caller}: XᵀWX is not positive definite at the fitted coefficients; are these the rows of the fit?`);
  }
  const z = new Float64Array(q);
  forEachDesignRow(source, intercept, (r, x) => {
    const w = irlsWeights[r]!;
    if (w === 0) return;
    for (let i = 0; i < q; i++) z[i] = x[kept[i]!]!;
    solveLowerInPlace(information, q, z);
    let sum = 0;
    for (let i = 0; i < q; i++) sum += z[i]! ** 2;
    hat[r] = w * sum;
  });
  return { mu, proportion, priorWeights, hat, rank: q };
}

/** The proportion s/(s + f) or the 0/1 value of row r itself (for a zero-weight row, whose trials are 0). */
function rawProportion(y: BinaryResponse, r: number): number {
  if (typeof y === 'object' && y !== null && 'successes' in y && 'failures' in y) {
    const s = y.successes[r]!;
    const m = s + y.failures[r]!;
    return m > 0 ? s / m : NaN;
  }
  const v = (y as ArrayLike<number | boolean>)[r];
  return v === true || v === 1 ? 1 : 0;
}

/**
 * One residual of a binomial fit (see {@link BinomialRowDiagnostics} for the formulas).
 * @example binomialResidual('response', 1, 0.25, 1) // => 0.75
 * @example binomialResidual('working', 1, 0.5, 1) // => 2
 */
export function binomialResidual(type: ResidualType, y: number, mu: number, priorWeight: number): number {
  const d = y - mu;
  if (type === 'response') return d;
  if (type === 'working') return d / (mu * (1 - mu));
  if (priorWeight === 0) return 0;
  if (type === 'pearson') return (d * Math.sqrt(priorWeight)) / Math.sqrt(mu * (1 - mu));
  // y log(y/μ) as y log1p((y − μ)/μ), and the same for 1 − y: near y = μ the two terms are O(y − μ)
  // and their sum O((y − μ)²), and log(y/μ) of a ratio rounded to 1 ± ε would lose the digits
  // that R's dev.resids loses (1.2e-9 relative on a counts row of the fixture, against 50 digits).
  const term = (y > 0 ? y * Math.log1p(d / mu) : 0) + (y < 1 ? (1 - y) * Math.log1p(-d / (1 - mu)) : 0);
  return Math.sign(d) * Math.sqrt(Math.max(0, 2 * priorWeight * term));
}
