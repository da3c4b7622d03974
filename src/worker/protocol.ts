// The messages between a FitWorker (the caller's thread) and the worker entry (worker.ts).
// Everything here is structured-clone data: no functions, no class instances. A fit travels back
// as its `toJSON()` form and is restored with `fromJSON`, so the caller gets a model that
// predicts, exactly as if it had been fitted on its own thread.

/** Which fit a request runs. */
export type FitKind = 'logistic' | 'softmax';

/** The caller's options with the callbacks taken out (functions cannot be cloned). */
export type PlainOptions = Record<string, unknown>;

/** Caller → worker: run one fit. `id` pairs the replies with the request. */
export interface FitRequest {
  id: number;
  kind: FitKind;
  /** Design matrix; rows of equal length are sent packed as `{ data: Float64Array, nRows, nFeatures }`. */
  X: unknown;
  /** Response: labels, 0/1 values, or counts, as the fit function takes it. */
  y: unknown;
  options: PlainOptions;
  /** Post a `progress` reply after every Newton iteration. */
  progress: boolean;
}

/** One Newton iteration, as `onIteration` receives it (see FitProgress in models/options.ts). */
export interface ProgressReply {
  id: number;
  type: 'progress';
  iteration: number;
  deviance: number;
  stepSize: number;
}

export interface WarningReply {
  id: number;
  type: 'warning';
  message: string;
}

/** The finished fit, as `toJSON()` wrote it, and the time the fit took inside the worker. */
export interface DoneReply {
  id: number;
  type: 'done';
  model: unknown;
  milliseconds: number;
}

/** A failed fit; `code` and `details` are set when the worker threw a SoftlogitError. */
export interface ErrorReply {
  id: number;
  type: 'error';
  name: string;
  message: string;
  code?: string;
  details?: Record<string, unknown>;
}

export type FitReply = ProgressReply | WarningReply | DoneReply | ErrorReply;
