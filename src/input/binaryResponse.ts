// The binary response in one form for the kernels: per row, weighted successes s and weighted
// trials t (see assembly/logistic.ts), plus the constants of the log-likelihood.
import { SoftlogitError } from '../errors.js';
import { logChoose } from '../special.js';
import { describeValue } from './optionKeys.js';

/** A binary response: 0/1 or booleans per row, or binomial counts per row (R's cbind(s, f)). */
export type BinaryResponse =
  | ArrayLike<number | boolean>
  | { successes: ArrayLike<number>; failures: ArrayLike<number> };

export interface BinomialData {
  kind: 'binary' | 'counts';
  /** Weighted successes per row: w·y, or w·s for counts. */
  successes: Float64Array;
  /** Weighted trials per row: w, or w·(s + f) for counts. */
  trials: Float64Array;
  /** Rows with t > 0: the observations that count (R's nobs). */
  nInformative: number;
  /** Σ w · log C(s + f, s): the part of logLik that does not depend on the coefficients (0 for 0/1 data). */
  logLikConstant: number;
  /** Σ w [s log(s/m) + f log(f/m)] (0 log 0 = 0): logLik of the saturated model, without the constant. */
  saturatedLogLik: number;
  /** Σ successes and Σ trials (summed in row order). */
  totalSuccesses: number;
  totalTrials: number;
  /** The smallest positive trials (a row's weight for 0/1 data). */
  minTrials: number;
}

function isCounts(y: BinaryResponse): y is { successes: ArrayLike<number>; failures: ArrayLike<number> } {
  return typeof y === 'object' && y !== null && 'successes' in y && 'failures' in y;
}

/** x log(x / total), 0 for x = 0 (0 log 0 = 0): a term of a saturated or intercept-only binomial logLik. */
export function xlogx(x: number, total: number): number {
  return x > 0 ? x * Math.log(x / total) : 0;
}

/**
 * Validates a binary response against nRows and prior weights (null = all 1).
 * `requireBothOutcomes` false accepts a response with one outcome only (a shard of a larger data set).
 * @throws {SoftlogitError} `LENGTH_MISMATCH`, `BAD_RESPONSE` (not 0/1), `BAD_COUNTS`, `ONE_CLASS`.
 */
export function toBinomialData(
  y: BinaryResponse, nRows: number, weights: Float64Array | null, caller: string, requireBothOutcomes = true,
): BinomialData {
  const successes = new Float64Array(nRows);
  const trials = new Float64Array(nRows);
  let logLikConstant = 0;
  let saturatedLogLik = 0;
  let nInformative = 0;
  let totalSuccess = 0;
  let totalFailure = 0;
  let totalTrials = 0;
  let minTrials = Infinity;
  const counts = isCounts(y);
  const length = counts ? y.successes.length : y !== null && typeof y === 'object' ? y.length : undefined;
  if (length === 0) {
    throw new SoftlogitError('EMPTY_INPUT', `${caller}: y has no values; expected one per row of X (${nRows})`);
  }
  if (counts) {
    for (const key of ['successes', 'failures'] as const) {
      if (y[key].length !== nRows) {
        throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: y.${key} should have one value per row of X (${nRows}), got ${y[key].length}`);
      }
    }
  } else if (y === null || typeof y !== 'object' || y.length !== nRows) {
    throw new SoftlogitError(
      'LENGTH_MISMATCH',
      `${caller}: y should have one value per row of X (${nRows}), got ${y === null || typeof y !== 'object' ? String(y) : y.length}`,
    );
  }
  for (let i = 0; i < nRows; i++) {
    const w = weights ? weights[i]! : 1;
    let s: number;
    let f: number;
    if (counts) {
      s = y.successes[i]!;
      f = y.failures[i]!;
      if (typeof s !== 'number' || typeof f !== 'number' || !Number.isFinite(s) || !Number.isFinite(f) || s < 0 || f < 0) {
        throw new SoftlogitError(
          'BAD_COUNTS',
          `${caller}: successes and failures must be finite numbers ≥ 0, got ${typeof s === 'object' && s !== null ? describeValue(s) : String(s)} and ${typeof f === 'object' && f !== null ? describeValue(f) : String(f)} at row ${i}`,
          { row: i },
        );
      }
    } else {
      const v = y[i];
      if (v === true || v === 1) s = 1;
      else if (v === false || v === 0) s = 0;
      else {
        throw new SoftlogitError(
          Number.isFinite(v) || typeof v !== 'number' ? 'BAD_RESPONSE' : 'NON_FINITE',
          `${caller}: y must be 0/1 or true/false, got ${typeof v === 'object' && v !== null ? describeValue(v) : String(v)} at row ${i}; for counts pass { successes, failures }`,
          { row: i },
        );
      }
      f = 1 - s;
    }
    const m = s + f;
    successes[i] = w * s;
    trials[i] = w * m;
    if (w > 0 && m > 0) {
      nInformative++;
      totalSuccess += w * s;
      totalFailure += w * f;
      totalTrials += w * m;
      if (w * m < minTrials) minTrials = w * m;
      // A 0/1 row has s log(s/1) + f log(f/1) = 0 exactly: only counts reach the logs.
      if (counts) {
        logLikConstant += w * logChoose(m, s);
        saturatedLogLik += w * (xlogx(s, m) + xlogx(f, m));
      }
    }
  }
  if (requireBothOutcomes && (totalSuccess === 0 || totalFailure === 0)) {
    throw new SoftlogitError(
      'ONE_CLASS',
      `${caller}: y needs both outcomes among rows with non-zero weight, got only ${totalSuccess === 0 ? 'failures (0)' : 'successes (1)'}`,
    );
  }
  return {
    kind: counts ? 'counts' : 'binary', successes, trials, nInformative, logLikConstant, saturatedLogLik,
    totalSuccesses: totalSuccess, totalTrials, minTrials,
  };
}
