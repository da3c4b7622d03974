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
  /** Weighted successes per row: w·y, or w·s for counts (read only: a 0/1 Float64Array y without weights is used as it is). */
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
  let logLikConstant = 0;
  let saturatedLogLik = 0;
  let nInformative = 0;
  let totalSuccess = 0;
  let totalFailure = 0;
  let totalTrials = 0;
  let minTrials = Infinity;
  const counts = isCounts(y);
  if (counts) {
    for (const key of ['successes', 'failures'] as const) {
      const v: unknown = y[key];
      if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number') {
        throw new SoftlogitError('BAD_COUNTS', `${caller}: y.${key} should be an array of counts, one per row of X (${nRows}), got ${describeValue(v)}`);
      }
    }
  }
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
  } else if (y === null || typeof y !== 'object' || typeof y.length !== 'number') {
    throw new SoftlogitError('BAD_RESPONSE', `${caller}: y should be an array of 0/1 or true/false, one per row of X (${nRows}), or { successes, failures }, got ${describeValue(y)}`);
  } else if (y.length !== nRows) {
    throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: y should have one value per row of X (${nRows}), got ${y.length}`);
  }
  const trials = new Float64Array(nRows);
  if (!counts && weights === null && ArrayBuffer.isView(y)) {
    // The common case, 0/1 numbers in a typed array without weights, in a loop of its own: one
    // comparison a row and no weight. A Float64Array of them is its own successes, read only (the
    // kernels copy it; a −0 in it acts as 0 in every product and comparison they make): no copy
    // and no fresh 8 MB a million rows to fault in (at 1e6 rows ~2 ms where the general loop takes
    // 15-25).
    const own = y instanceof Float64Array;
    const successes = own ? y : new Float64Array(nRows);
    const ones = typedZeroOneRows(y as unknown as ArrayLike<number>, own ? null : successes);
    if (ones < 0) badResponse(y, -1 - ones, caller);
    trials.fill(1);
    if (requireBothOutcomes && (ones === 0 || ones === nRows)) oneClass(ones === 0, caller);
    return {
      kind: 'binary', successes, trials, nInformative: nRows, logLikConstant: 0, saturatedLogLik: 0,
      totalSuccesses: ones, totalTrials: nRows, minTrials: 1,
    };
  }
  const successes = new Float64Array(nRows);
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
          `${caller}: successes and failures must be finite numbers ≥ 0, got ${describeValue(s)} and ${describeValue(f)} at row ${i}`,
          { row: i },
        );
      }
    } else {
      const v = y[i];
      if (v === true || v === 1) s = 1;
      else if (v === false || v === 0) s = 0;
      else badResponse(y, i, caller);
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
  if (requireBothOutcomes && (totalSuccess === 0 || totalFailure === 0)) oneClass(totalSuccess === 0, caller);
  return {
    kind: counts ? 'counts' : 'binary', successes, trials, nInformative, logLikConstant, saturatedLogLik,
    totalSuccesses: totalSuccess, totalTrials, minTrials,
  };
}

/**
 * Counts the 1s among 0/1 values, copying them to `successes` unless it is null; returns −1 − i
 * for the first row i that holds anything else (a copied −0 is stored as 0, as the general loop
 * stores it).
 */
function typedZeroOneRows(y: ArrayLike<number>, successes: Float64Array | null): number {
  let ones = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (v !== 0 && v !== 1) return -1 - i;
    ones += v;
  }
  if (successes) for (let i = 0; i < y.length; i++) successes[i] = y[i]! + 0; // −0 as +0
  return ones;
}

function badResponse(y: BinaryResponse, row: number, caller: string): never {
  const v = (y as ArrayLike<unknown>)[row];
  throw new SoftlogitError(
    Number.isFinite(v) || typeof v !== 'number' ? 'BAD_RESPONSE' : 'NON_FINITE',
    `${caller}: y must be 0/1 or true/false, got ${describeValue(v)} at row ${row}; for counts pass { successes, failures }`,
    { row },
  );
}

function oneClass(noSuccesses: boolean, caller: string): never {
  throw new SoftlogitError(
    'ONE_CLASS',
    `${caller}: y needs both outcomes among rows with non-zero weight, got only ${noSuccesses ? 'failures (0)' : 'successes (1)'}`,
  );
}
