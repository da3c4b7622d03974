// The messages between the demo page (main.ts, main thread) and its engine (engine/worker.ts, a
// dedicated module worker). Everything heavy happens in the worker: reading the file as a stream,
// parsing it, keeping the columns, building the design matrix, fitting, and computing the tables
// and the plot's points. The page only sends requests and draws what comes back.
//
// Conversation:
//
//   page                                   worker
//   ─────────────────────────────────────────────────────────────────────────────────────────
//   { type: 'load', requestId, source }  → progress (phase 'read', every ~50 000 rows) …
//                                         ← loaded   (columns, delimiter, default model)
//                                         | error    (the data loaded before, if any, stay)
//                                         | cancelled
//   { type: 'fit', requestId, model }    → progress (phase 'design', then 'fit' per Newton
//                                                    iteration with the deviance) …
//                                         ← result
//                                         | error    (the loaded data stays: change the model, fit again)
//                                         | cancelled
//   { type: 'cancel' }                   → the request in progress (if any) ends with `cancelled`
//
// Every answer carries the `requestId` of the request it answers, so the page can drop answers to
// requests it has since replaced (a result and its plot always come in the same message). A new
// `load` or `fit` while another request runs cancels the older one first.
//
// Cancel: the worker checks a flag every ~50 000 rows read, between the phases (read, column
// facts, design, fit, summary), and between the fits of one request. Building the design and a
// single Newton run are synchronous (WebAssembly) and cannot be interrupted by a message: on
// 1e6 rows × 10 columns in Chromium they take about 1.1 s, 0.4 s (logistic) and 0.7 s (softmax),
// so a cancel waits at most that long. The page may still call `worker.terminate()` as the last
// resort and start a new worker, losing the loaded data.
//
// The page creates the worker with
//   new Worker(new URL('./engine/worker.ts', import.meta.url), { type: 'module' })
// and posts these messages with `worker.postMessage(request)`. Typed arrays in answers are
// transferred, not copied.

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Shared

/** The field separator, detected from the first records (pasted spreadsheet cells are tab-separated). */
export type Delimiter = ',' | '\t' | ';';

/** How a fit is made finite on separated data. */
export type Remedy =
  /** Firth's bias-reduced logistic regression (two classes only). */
  | { kind: 'firth' }
  /** Ridge: adds (λ/2)·‖coefficients‖² to the negative log-likelihood (the intercept is not penalized). */
  | { kind: 'ridge'; lambda: number };

/**
 * The model to fit: R's `response ~ predictors` with `factor(...)` for `factors`, `weights = ...`,
 * or `cbind(counts...) ~ predictors` for a counts response.
 */
export interface ModelSpec {
  /** Column of class labels. Give this or `counts`. */
  response?: string;
  /** Counts response: one numeric column per class, holding how many of the row's cases fell in it. */
  counts?: string[];
  /** Predictor columns, in the order of the coefficient table. */
  predictors: string[];
  /** Numeric predictors to dummy-code as factors (text predictors always are). Subset of `predictors`. */
  factors: string[];
  /** Column of non-negative case weights (R's `weights =`, e.g. `Freq` in data/housing.csv). */
  weights?: string;
  /**
   * Level order per column, as R's `factor(x, levels = ...)`: for a predictor the first level is
   * its reference (baseline) level; for the response it orders the classes. Levels are written as
   * in `ColumnInfo.levels`. Every level present in the data must be listed.
   */
  levelOrder?: Record<string, string[]>;
  /** The response's reference class (default: the first class). For counts: a `counts` column name. */
  referenceClass?: string;
  /** How the softmax table reports W: 'reference' (reference class ≡ 0) or 'symmetric' (rows sum to 0). */
  parameterization: 'reference' | 'symmetric';
  /** Fit with a remedy for separation; absent: the maximum-likelihood fit. */
  remedy?: Remedy;
  /** The predictor the plot runs along (default: the first numeric predictor, else the first predictor). */
  plotPredictor?: string;
  /** Confidence level of the intervals and the plot's band (default 0.95). */
  level?: number;
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Page → worker

/**
 * Read a CSV. A File is read by the worker as a stream (`file.stream()` through a
 * TextDecoderStream), so the page never holds its text; pasted text is sent as a string.
 * Replaces the data loaded before, once the new data has loaded.
 */
export interface LoadRequest {
  type: 'load';
  requestId: number;
  source: { kind: 'file'; file: File } | { kind: 'text'; text: string; name: string };
}

/** Fit a model to the loaded data. */
export interface FitRequest {
  type: 'fit';
  requestId: number;
  model: ModelSpec;
}

/** Stop the request in progress (see the module comment for when it takes effect). */
export interface CancelRequest {
  type: 'cancel';
}

export type PageToWorker = LoadRequest | FitRequest | CancelRequest;

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Worker → page

/** What the worker is doing, sent at most every ~50 000 rows and after every Newton iteration. */
export interface ProgressMessage {
  type: 'progress';
  requestId: number;
  phase: 'read' | 'design' | 'fit' | 'summary';
  /** Data rows read so far (phase 'read'), else the rows loaded. */
  rowsRead: number;
  /** Input read so far: bytes of a File, or characters (UTF-16 units) of pasted text. */
  bytesRead: number;
  /** The size of the input in the same unit (a File's `size`, the text's length). */
  totalBytes: number;
  /** Phase 'fit': which fit runs ('logistic', 'softmax', 'symmetric', 'firth', ...). */
  fit?: string;
  /** Phase 'fit': the Newton iteration just finished (1-based). */
  iteration?: number;
  /** Phase 'fit': the deviance after it (penalized for ridge). */
  deviance?: number;
}

/** One column of the loaded data. */
export interface ColumnInfo {
  name: string;
  /** 'numeric' when every non-missing cell is a number; else 'text' (always a factor). */
  kind: 'numeric' | 'text';
  /** Missing cells (empty, NA, NaN, ...). */
  nMissing: number;
  /** Distinct non-missing values (exact). */
  nDistinct: number;
  /** Every non-missing value is different (an ID or a continuous measurement with no ties). */
  allDistinct: boolean;
  /**
   * Looks like a row identifier: all values distinct, and text, or integers. Left out of the
   * default model; the page may still offer it.
   */
  likelyId: boolean;
  /**
   * The first levels in R's order (sorted; numbers as R writes them), at most 50; empty when the
   * column has more than 10 000 distinct values (nobody orders those by hand).
   */
  levels: string[];
  /** Numeric columns: the smallest and largest value (NaN when all are missing). */
  min?: number;
  max?: number;
  /** Numeric columns: every value is a whole number ≥ 0 (a possible weights or counts column). */
  nonNegativeIntegers?: boolean;
  /**
   * Text columns that are mostly numbers: the cells that made the column text (a typo, a note
   * typed into a cell). Present when at most 10% of the non-missing cells (or a single cell) are
   * not numbers and numbers are the majority; every distinct value is checked, so a word that
   * sorts after the first 50 levels is found too. The page asks before fitting such a column as a
   * factor with one level per number.
   */
  strayText?: StrayText;
}

/** The non-numeric cells of a mostly numeric text column (see `ColumnInfo.strayText`). */
export interface StrayText {
  /** The first non-numeric values in the order they first occur, at most 5. */
  values: string[];
  /** For each of `values`, the first data row holding it: 1-based, the header not counted (row 1 is the first row under it). */
  rows: number[];
  /** For each of `values`, the line of the file that row starts on (the header is line 1), when known. */
  lines?: number[];
  /** Non-missing cells that are not numbers (all of them, not only the listed values'). */
  count: number;
  /** Distinct non-numeric values. */
  nDistinct: number;
}

/** The data are in the worker: what the page needs to offer a model. */
export interface LoadedMessage {
  type: 'loaded';
  requestId: number;
  /** File name, or the name given with pasted text. */
  name: string;
  delimiter: Delimiter;
  /** 'comma', 'tab' or 'semicolon'. */
  delimiterName: 'comma' | 'tab' | 'semicolon';
  /**
   * Numbers were read with a decimal comma (`1,5` = 1.5), as R's read.csv2: done for
   * semicolon-separated text only (in tab-separated text `1,000` may be a thousands separator).
   */
  decimalComma: boolean;
  nRows: number;
  columns: ColumnInfo[];
  /** The first rows as text (at most 5), for a preview table. */
  preview: string[][];
  /** The model the page shows first (ID-like columns left out; see `defaultNote`). */
  defaultModel: ModelSpec;
  /** Why the default model is what it is, in one or two sentences for the page. */
  defaultNote: string;
  /** Milliseconds spent reading and parsing. */
  readMs: number;
}

/** One coefficient: R's summary columns plus its interval and exp() ratio. */
export interface CoefficientRow {
  term: string;
  estimate: number;
  se: number;
  z: number;
  p: number;
  ciLow: number;
  ciHigh: number;
  /** exp(estimate): the odds ratio (logistic) or relative risk ratio (softmax, reference form); null in the symmetric form, where exp(w) compares with no class. */
  ratio: number | null;
  ratioLow: number | null;
  ratioHigh: number | null;
  /** Aliased (dropped as collinear): estimate and SE are NaN, R's NA. */
  aliased: boolean;
}

/** The logistic model's table (two classes): β for P(second class). */
export interface LogisticTable {
  /** The class whose probability β models (the second class), and the baseline. */
  positiveClass: string;
  baselineClass: string;
  rows: CoefficientRow[];
}

/** The softmax model's table: one block of coefficients per class. */
export interface SoftmaxTable {
  parameterization: 'reference' | 'symmetric';
  classes: string[];
  reference: string;
  /** Reference form: every class but the reference; symmetric: every class. */
  blocks: { className: string; rows: CoefficientRow[] }[];
}

/** Model-level statistics, as R's summary/glance and statsmodels' results show them. */
export interface FitStats {
  logLik: number;
  deviance: number;
  dfResidual: number;
  nullDeviance: number;
  dfNull: number;
  aic: number;
  bic: number;
  /** Free parameters (coefficients that are not aliased). */
  nParameters: number;
  /** Observations: rows with non-zero weight (for weights, the rows, as R's glm counts them). */
  nObs: number;
  /** Sum of the weights (or of the counts): the number of cases the rows stand for. */
  totalWeight: number;
  /** Likelihood-ratio test against the intercept-only model; null for Firth and ridge fits. */
  lrTest: { statistic: number; df: number; p: number } | null;
  /** Pseudo-R² against the intercept-only model; null for Firth and ridge fits. */
  pseudoR2: { mcFadden: number; coxSnell: number; nagelkerke: number } | null;
  iterations: number;
  converged: boolean;
  /** Milliseconds of this fit inside the worker. */
  fitMs: number;
}

/**
 * For two classes: the library's core identity, logistic β = w₁ − w₀ (softmax, reference form),
 * and in the symmetric form W = (−β/2, +β/2) with SEs halved, side by side.
 */
export interface IdentityTable {
  positiveClass: string;
  baselineClass: string;
  rows: {
    term: string;
    /** Logistic β and its SE. */
    beta: number;
    betaSE: number;
    /** Softmax, reference form: w₁ − w₀ (w₀ ≡ 0) and its SE. */
    referenceDiff: number;
    referenceDiffSE: number;
    /** Softmax, symmetric form: w₁ (= −w₀) and its SE; equal β/2 and SE(β)/2. */
    symmetricW: number;
    symmetricSE: number;
  }[];
  /** max |β − (w₁ − w₀)|, max |β/2 − w₁ (symmetric)|, and the same for the SEs. */
  largestDifference: { estimate: number; symmetric: number; se: number; symmetricSE: number };
}

/** The separation report and what can be done about it. */
export interface SeparationDiagnostic {
  /** The library's warning text, for the page to show next to the table. */
  message: string;
  /** Remedies that apply to this model: 'firth' for two classes only, 'ridge' always. */
  remedies: ('firth' | 'ridge')[];
  /** The λ the page may offer first for ridge. */
  suggestedLambda: number;
}

export interface Diagnostics {
  /** Set when the maximum-likelihood estimates do not exist (complete or quasi-complete separation). */
  separation: SeparationDiagnostic | null;
  /**
   * Columns of X dropped as linear combinations of the others (R's NA coefficients): the fit
   * goes on without them (R's behaviour) and their rows in the tables are marked `aliased`.
   */
  aliased: string[];
  /** The data columns those come from (a factor's name for its dummy), for a "drop them" button. */
  aliasedColumns: string[];
  /** Every warning the fits gave, in order. */
  warnings: string[];
  /** Rows left out for a missing value in a used column. */
  droppedRows: number;
  /** The remedy this result was fitted with, if any. */
  remedy: Remedy | null;
}

/** A predictor held fixed while the plot's predictor varies. */
export interface HeldValue {
  column: string;
  /** 'mean' for a numeric predictor; 'reference' for a factor (held at a real category). */
  how: 'mean' | 'reference';
  /** The value as text: the mean, or the reference level. */
  value: string;
}

/** Points drawn over the curves: a reproducible sample of at most 5 000 rows. */
export interface PlotPoints {
  /** The predictor's value (numeric plot), or the level's index into `levels` plus jitter in ±0.3 (factor plot). */
  x: Float64Array;
  /** The observed class, index into `classes` (for a counts response: the class with the largest count). */
  classIndex: Uint16Array;
  /**
   * Vertical position in [0, 1]: the observed class index / (classes − 1) (0 or 1 for two
   * classes), jittered by up to ±0.04, so the points lie in bands below and above the curves.
   */
  y: Float64Array;
  /** Rows in the data used by the fit (the points are a sample of them when this exceeds 5 000). */
  nRowsTotal: number;
}

interface PlotCommon {
  predictor: string;
  /** Axis label: the column name. */
  xLabel: string;
  yLabel: string;
  /** Legend title: the response's name (or "class" for counts). */
  legendTitle: string;
  classes: string[];
  /** Confidence level of the band. */
  level: number;
  heldAt: HeldValue[];
  points: PlotPoints;
}

/** The fitted probability along a numeric predictor, per class, with its pointwise band. */
export interface NumericPlot extends PlotCommon {
  kind: 'numeric';
  /** The grid: 100 points from the smallest to the largest value of the predictor. */
  x: Float64Array;
  /** Per class, one value per grid point: the probability and its band (delta method). */
  prob: Float64Array[];
  lower: Float64Array[];
  upper: Float64Array[];
  /** The data's range of the predictor. */
  xMin: number;
  xMax: number;
}

/** The fitted probability at each level of a factor predictor, per class, with its interval. */
export interface FactorPlot extends PlotCommon {
  kind: 'factor';
  levels: string[];
  /** Per class, one value per level. */
  prob: Float64Array[];
  lower: Float64Array[];
  upper: Float64Array[];
}

export type PlotData = NumericPlot | FactorPlot;

/** A finished fit. */
export interface ResultMessage {
  type: 'result';
  requestId: number;
  /** The model as fitted (defaults filled in). */
  model: ModelSpec;
  /** The response's name (or the counts columns joined with ", "). */
  responseName: string;
  classes: string[];
  reference: string;
  /** Column names of the design matrix (R's model.matrix names), without the intercept. */
  designNames: string[];
  /** Two classes: the logistic fit (with the remedy, if any). Null for more classes. */
  logistic: LogisticTable | null;
  /**
   * The softmax fit; null for two classes with a remedy (the remedy applies to the logistic fit:
   * Firth exists for binary fits only, and a ridge penalty on W is another model than on β).
   */
  softmax: SoftmaxTable | null;
  /** Statistics of the main fit: logistic for two classes, else softmax. */
  stats: FitStats;
  /** For two classes also the softmax fit's statistics (equal to the logistic one's). */
  softmaxStats: FitStats | null;
  /** R-style summary of the main fit (fit.summary()), ready to copy. */
  summary: string;
  diagnostics: Diagnostics;
  /** Two classes without a remedy: β against w₁ − w₀ and ±β/2. Null otherwise. */
  identity: IdentityTable | null;
  /** Null when the model has no predictors. */
  plot: PlotData | null;
  /**
   * Milliseconds inside the worker for building the design, all fits, and the tables and plot.
   * `reused`: the design (same response, predictors, factors, weights, counts, level order) or
   * also the fits (only the plot predictor, level or parameterization changed; not with ridge)
   * were kept from the previous request, and their times here are 0.
   */
  timings: { designMs: number; fitMs: number; summaryMs: number; reused?: 'design' | 'fits' };
}

/**
 * A request failed. `code` is the library's SoftlogitError code (`BAD_CSV`, `UNKNOWN_COLUMN`,
 * `BAD_RESPONSE`, `ONE_CLASS`, `EMPTY_CLASS`, `UNKNOWN_LABEL`, `BAD_WEIGHTS`, `BAD_OPTION`, ...) or
 * `NO_DATA` (fit before load) / `INTERNAL`. The engine refuses before building anything, with
 * `columns` set: a response with more than 50 classes (`BAD_RESPONSE`), a factor with more than
 * 1 000 levels or a design over 1 GiB (`TOO_LARGE`). Collinear columns are not an error (see
 * Diagnostics.aliased). After a failed fit the loaded data stay, so the page can change the
 * model and fit again.
 */
export interface ErrorMessage {
  type: 'error';
  requestId: number;
  phase: 'load' | 'fit';
  code: string;
  message: string;
  /** Columns the error is about (collinear columns, so the page can offer "drop them"; a bad column). */
  columns?: string[];
  /** Whether data are loaded in the worker after this error. */
  dataLoaded: boolean;
}

/** The request was cancelled; for a load, the data loaded before (if any) stay. */
export interface CancelledMessage {
  type: 'cancelled';
  requestId: number;
  phase: 'load' | 'fit';
}

export type WorkerToPage = ProgressMessage | LoadedMessage | ResultMessage | ErrorMessage | CancelledMessage;
