/**
 * The one error type softlogit throws for anything a caller can get wrong (bad input, a fit that
 * cannot be done, using the library before `init()`).
 *
 * `code` is a stable, machine-readable string; `message` says which function, what was expected
 * and what came.
 *
 * @example
 * try { fitLogistic([], []) } catch (e) {
 *   if (e instanceof SoftlogitError) e.code // => 'EMPTY_INPUT'
 * }
 */
export class SoftlogitError extends Error {
  /** Stable identifier of the failure, e.g. `'NOT_INITIALIZED'`, `'NON_FINITE'`. */
  readonly code: SoftlogitErrorCode;
  /** Extra machine-readable facts (the offending row, column names, sizes). */
  readonly details?: Record<string, unknown>;

  constructor(code: SoftlogitErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'SoftlogitError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

/** Every code a {@link SoftlogitError} can carry. */
export type SoftlogitErrorCode =
  | 'NOT_INITIALIZED'
  | 'EMPTY_INPUT'
  | 'RAGGED_ROWS'
  | 'LENGTH_MISMATCH'
  | 'NON_FINITE'
  | 'BAD_RESPONSE'
  | 'BAD_WEIGHTS'
  | 'BAD_COUNTS'
  | 'ONE_CLASS'
  | 'EMPTY_CLASS'
  | 'UNKNOWN_LABEL'
  | 'BAD_REFERENCE'
  | 'TOO_FEW_ROWS'
  | 'COLLINEAR'
  | 'BAD_OPTION'
  | 'BAD_SHAPE'
  | 'BAD_MODEL'
  | 'NOT_POSITIVE_DEFINITE'
  | 'TOO_LARGE'
  /** A FitWorker was terminated (`terminate()`) while the call was running or waiting to start. */
  | 'TERMINATED'
  | 'BAD_CSV'
  | 'UNKNOWN_COLUMN'
  /** A stream or statistics source gave other rows on a later pass than on the first. */
  | 'SOURCE_CHANGED'
  /** An argument that should be shard statistics (combine, combineAll, a statistics source) is not. */
  | 'BAD_STATISTICS'
  /** lrTest / anova: the models are not nested on the same rows (or cannot be compared). */
  | 'NOT_NESTED'
  /** A file could not be read (missing, a directory, no permission). */
  | 'UNREADABLE';
