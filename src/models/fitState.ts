// What LogisticFit and SoftmaxFit share: the statistics and diagnostics every fit carries, and
// reading them back from a model's JSON form.
import { SoftlogitError } from '../errors.js';
import { describeValue } from '../input/optionKeys.js';
import { readSeparation, type FitSeparation } from '../remedies/separation.js';

/** The statistics and diagnostics of a fit, whatever the model: part of each fit's state and JSON. */
export interface FitStatistics {
  logLik: number;
  deviance: number;
  nullDeviance: number;
  aic: number;
  bic: number;
  dfResidual: number;
  nObs: number;
  iterations: number;
  converged: boolean;
  l2: number;
  warnings: string[];
  /** Separation found by the exact LP check (then converged is false), or null. */
  separation?: FitSeparation | null;
  /** Columns dropped as linear combinations of earlier ones (`singular: 'drop'`); NaN in the coefficients and covariance. */
  aliased?: string[];
  /**
   * Weighted totals of the response per class, over the rows the fit used (logistic: failures then
   * successes; softmax: in `classes` order). Lets `lrTest` and `anova` check that two fits saw the
   * same responses with the same weights. Empty for models saved before it was recorded.
   */
  responseTotals?: number[];
}

/** A number read from a model's JSON: NaN when missing or not a number. */
export function jsonNumber(x: unknown): number {
  return typeof x === 'number' ? x : Number.NaN;
}

/** The FitStatistics of a model's JSON form: NaN, false or empty where a field is missing or malformed. */
export function readFitStatistics(v: { [K in keyof FitStatistics]?: unknown }, caller = 'loadModel'): Required<FitStatistics> {
  const separation = v.separation as { direction?: unknown; coefficients?: unknown } | null | undefined;
  if (separation !== null && typeof separation === 'object') {
    const { direction, coefficients } = separation;
    if ((Array.isArray(direction) && !direction.every((d: unknown) => typeof d === 'number')) ||
      (Array.isArray(coefficients) && !coefficients.every((c: unknown) => typeof c === 'string'))) {
      throw new SoftlogitError('BAD_MODEL', `${caller}: separation should hold numeric directions and coefficient names`);
    }
  }
  return {
    logLik: jsonNumber(v.logLik),
    deviance: jsonNumber(v.deviance),
    nullDeviance: jsonNumber(v.nullDeviance),
    aic: jsonNumber(v.aic),
    bic: jsonNumber(v.bic),
    dfResidual: jsonNumber(v.dfResidual),
    nObs: jsonNumber(v.nObs),
    iterations: jsonNumber(v.iterations),
    converged: v.converged === true,
    l2: jsonNumber(v.l2 ?? 0),
    warnings: Array.isArray(v.warnings) ? v.warnings.map(String) : [],
    separation: readSeparation(v.separation),
    aliased: Array.isArray(v.aliased) ? v.aliased.map(String) : [],
    responseTotals: Array.isArray(v.responseTotals) ? v.responseTotals.map(jsonNumber) : [],
  };
}

/**
 * Checks the state a LogisticFit or SoftmaxFit is built from (fits build it; `new LogisticFit(state)`
 * by hand must not make a model whose getters throw TypeErrors later): names, `nCoefficients`
 * coefficients and their square covariance as Float64Arrays, the statistics as numbers, warnings
 * and aliased names as string arrays.
 * @throws {SoftlogitError} `BAD_MODEL` naming the first field that is wrong.
 */
export function checkFitState(
  state: unknown, caller: string, coefficientsField: 'coefficients' | 'baseline', nCoefficients: (p: number) => number,
): void {
  if (state === null || typeof state !== 'object') {
    throw new SoftlogitError('BAD_MODEL', `${caller}: expected a model state object (use fitLogistic, fitSoftmax or loadModel), got ${describeValue(state)}`);
  }
  const v = state as Record<string, unknown>;
  const names = readNames(v.names, caller);
  const n = nCoefficients(names.length);
  const bad = (field: string, expected: string) =>
    new SoftlogitError('BAD_MODEL', `${caller}: ${field} should be ${expected}, got ${describeValue(v[field])}`, { field });
  if (!(v[coefficientsField] instanceof Float64Array) || (v[coefficientsField] as Float64Array).length !== n) {
    throw bad(coefficientsField, `a Float64Array of ${n}`);
  }
  if (!(v.covariance instanceof Float64Array) || v.covariance.length !== n * n) throw bad('covariance', `a Float64Array of ${n} * ${n}`);
  if (typeof v.intercept !== 'boolean') throw bad('intercept', 'true or false');
  for (const field of ['logLik', 'deviance', 'nullDeviance', 'aic', 'bic', 'dfResidual', 'nObs', 'iterations', 'l2'] as const) {
    if (typeof v[field] !== 'number') throw bad(field, 'a number');
  }
  if (typeof v.converged !== 'boolean') throw bad('converged', 'true or false');
  if (v.responseTotals !== undefined && !(Array.isArray(v.responseTotals) && v.responseTotals.every((x: unknown) => typeof x === 'number'))) {
    throw bad('responseTotals', 'an array of numbers');
  }
  for (const field of ['warnings', 'aliased'] as const) {
    const list = v[field];
    if (!(list === undefined && field === 'aliased') && !(Array.isArray(list) && list.every((x: unknown) => typeof x === 'string'))) {
      throw bad(field, 'an array of strings');
    }
  }
}

/**
 * The coefficient names of a model's JSON: an array of strings (p of them), as `toJSON()` writes.
 * @throws {SoftlogitError} `BAD_MODEL` naming what came instead.
 */
export function readNames(names: unknown, caller: string): string[] {
  if (!Array.isArray(names) || names.length === 0) {
    throw new SoftlogitError('BAD_MODEL', `${caller}: names should be a non-empty array of coefficient names, got ${describeValue(names)}`);
  }
  names.forEach((name: unknown, j) => {
    if (typeof name !== 'string') throw new SoftlogitError('BAD_MODEL', `${caller}: names should hold strings, got ${describeValue(name)} at position ${j}`);
  });
  return [...names] as string[];
}

/**
 * Parses a model's JSON text.
 * @throws {SoftlogitError} `BAD_MODEL` when it is not valid JSON.
 */
export function parseJSON(text: string, caller: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SoftlogitError('BAD_MODEL', `${caller}: not valid JSON (${(error as Error).message})`);
  }
}
