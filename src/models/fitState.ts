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
}

/** A number read from a model's JSON: NaN when missing or not a number. */
export function jsonNumber(x: unknown): number {
  return typeof x === 'number' ? x : Number.NaN;
}

/** The FitStatistics of a model's JSON form: NaN, false or empty where a field is missing or malformed. */
export function readFitStatistics(v: { [K in keyof FitStatistics]?: unknown }): Required<FitStatistics> {
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
  };
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
