/**
 * From the loaded columns and the page's ModelSpec to fitted models: the design matrix (the
 * library's `designMatrix`, R's model.matrix coding with the level order asked for), then
 * `fitLogistic` for two classes and `fitSoftmax`, refitted with `singular: 'drop'` when the design
 * is collinear, so those columns are reported (R's NA) rather than ending the fit.
 */
import { designMatrix, levelsOf, type Design, type DesignOptions } from '../../../src/data/design.js';
import type { DataFrame } from '../../../src/data/csv.js';
import { fitLogistic, type LogisticOptions } from '../../../src/models/logistic.js';
import { fitSoftmax, type SoftmaxOptions } from '../../../src/models/softmax.js';
import type { LogisticFit } from '../../../src/models/logisticFit.js';
import type { SoftmaxFit } from '../../../src/models/softmaxFit.js';
import type { ClassLabel } from '../../../src/input/softmaxResponse.js';
import type { BinaryResponse } from '../../../src/input/binaryResponse.js';
import { Matrix } from '../../../src/matrix.js';
import { SoftlogitError } from '../../../src/errors.js';
import type { ColumnInfo, ModelSpec } from '../protocol.js';
import { checkpoint, type Hooks } from './hooks.js';

/** The design of a model, with its classes as the page shows them. */
export interface PreparedDesign {
  design: Design;
  /** `{ data, nRows, nFeatures }` over design.X, as the fits take it. */
  X: { data: Float64Array; nRows: number; nFeatures: number };
  /** Class labels in order (numbers for a numeric response, else strings; counts: column names). */
  classLabels: ClassLabel[];
  /** The same as text (R's way of writing numbers). */
  classes: string[];
  referenceIndex: number;
  /** The response column, or the counts columns joined. */
  responseName: string;
  /** For each column of X, the predictor (data column) it codes. */
  columnOf: string[];
}

/** The label as the page writes it (numbers as R writes factor levels). */
export function labelText(label: ClassLabel): string {
  return typeof label === 'number' ? levelsOf({ name: 'label', kind: 'numeric', values: Float64Array.of(label) })[0]! : label;
}

/** More classes than this is not a categorical response (a softmax fit has p·(K − 1) coefficients). */
export const MAX_CLASSES = 50;
/** A factor with more levels than this is refused before its dummies are built (an ID, free text). */
export const MAX_FACTOR_LEVELS = 1000;
/**
 * The largest design matrix built, in bytes: the fit copies it into 32-bit WebAssembly memory
 * (at most 4 GiB, shared with the fit's own buffers), so past 1 GiB the fit would fail anyway,
 * after the page had waited for the design.
 */
export const MAX_DESIGN_BYTES = 2 ** 30;

/**
 * Refuses, before anything is built, a model that cannot be fitted for its size: a response with
 * more than MAX_CLASSES classes, a factor with more than MAX_FACTOR_LEVELS levels, or a design
 * over MAX_DESIGN_BYTES. Uses the column facts computed at load.
 * @throws {SoftlogitError} `BAD_RESPONSE` or `TOO_LARGE`, naming the column(s) in `details.columns`.
 */
export function checkModelSize(spec: ModelSpec, columns: readonly ColumnInfo[], nRows: number): void {
  const info = new Map(columns.map((c) => [c.name, c]));
  const response = spec.response === undefined ? undefined : info.get(spec.response);
  if (response !== undefined && response.nDistinct > MAX_CLASSES) {
    throw new SoftlogitError(
      'BAD_RESPONSE',
      `the response ${response.name} has ${response.nDistinct} distinct values; a categorical response has at most ${MAX_CLASSES} classes here. Choose another response`,
      { columns: [response.name] },
    );
  }
  let width = 1;
  const tooMany: string[] = [];
  for (const name of spec.predictors) {
    const column = info.get(name);
    if (column === undefined) continue; // designMatrix names it (UNKNOWN_COLUMN)
    const factor = column.kind === 'text' || spec.factors.includes(name) || spec.levelOrder?.[name] !== undefined;
    if (factor && column.nDistinct > MAX_FACTOR_LEVELS) tooMany.push(name);
    width += factor ? Math.max(0, column.nDistinct - 1) : 1;
  }
  if (tooMany.length > 0) {
    const described = tooMany.map((name) => `${name} (${info.get(name)!.nDistinct} levels)`).join(', ');
    throw new SoftlogitError('TOO_LARGE', `too many levels to code as dummies: ${described}; at most ${MAX_FACTOR_LEVELS} per factor. Drop ${tooMany.length === 1 ? 'it' : 'them'} from the model`, { columns: tooMany });
  }
  const bytes = 8 * width * nRows;
  if (bytes > MAX_DESIGN_BYTES) {
    throw new SoftlogitError(
      'TOO_LARGE',
      `the design matrix would be ${nRows} rows × ${width} columns (${(bytes / 2 ** 30).toFixed(1)} GiB), more than the ${MAX_DESIGN_BYTES / 2 ** 30} GiB this page fits in memory; use fewer predictors or factor levels`,
      { columns: [...spec.predictors] },
    );
  }
}

/**
 * The design matrix of `spec` on `frame`.
 * @throws {SoftlogitError} designMatrix's errors (UNKNOWN_COLUMN, BAD_OPTION, EMPTY_INPUT,
 *   BAD_RESPONSE, EMPTY_CLASS, UNKNOWN_LABEL, NON_FINITE, BAD_WEIGHTS, BAD_COUNTS), and
 *   BAD_REFERENCE for a reference class that is not a class.
 */
export function prepareDesign(frame: DataFrame, spec: ModelSpec): PreparedDesign {
  const options: DesignOptions = { predictors: [...spec.predictors], factors: [...spec.factors] };
  if (spec.response !== undefined) options.response = spec.response;
  if (spec.counts !== undefined) options.counts = [...spec.counts];
  if (spec.weights !== undefined) options.weights = spec.weights;
  // A Map: column names come from the file (a column called __proto__ must not set a prototype).
  if (spec.levelOrder !== undefined) options.levels = new Map(Object.entries(spec.levelOrder).filter(([column]) => column === spec.response || spec.predictors.includes(column)));
  const design = designMatrix(frame, options);
  const response = design.response;
  const classLabels: ClassLabel[] = response.kind === 'labels' ? response.levels : response.classNames;
  const classes = classLabels.map(labelText);
  return withReference(
    {
      design,
      X: { data: design.X, nRows: design.nRows, nFeatures: design.nFeatures },
      classLabels,
      classes,
      referenceIndex: 0,
      responseName: spec.response ?? (spec.counts ?? []).join(', '),
      columnOf: designColumnSources(design),
    },
    spec,
  );
}

/**
 * The design with the reference class `spec` asks for (default the first class), as a new object:
 * a design kept from an earlier request is reused with another reference.
 * @throws {SoftlogitError} `BAD_REFERENCE` for a reference class that is not a class.
 */
export function withReference(prepared: PreparedDesign, spec: ModelSpec): PreparedDesign {
  const { classes } = prepared;
  const referenceIndex = spec.referenceClass === undefined ? 0 : classes.indexOf(spec.referenceClass);
  if (referenceIndex < 0) {
    throw new SoftlogitError('BAD_REFERENCE', `the reference class "${spec.referenceClass}" is not one of the classes (${classes.join(', ')})`, { classes });
  }
  return { ...prepared, referenceIndex };
}

/** The predictor each design column comes from: a numeric predictor gives one column, a factor one per non-reference level. */
function designColumnSources(design: Design): string[] {
  const factors = new Map(design.factors.map((f) => [f.name, f]));
  const out: string[] = [];
  for (const name of design.predictors) {
    const factor = factors.get(name);
    const width = factor === undefined ? 1 : factor.levels.length - (factor.reference === null ? 0 : 1);
    for (let k = 0; k < width; k++) out.push(name);
  }
  return out;
}

/** The fits of one request. */
export interface Fits {
  /** Two classes: β of P(positive class). With Firth, Firth's fit. */
  logistic: LogisticFit | null;
  /** The softmax fit in the asked parameterization (null for two classes with a remedy). */
  softmax: SoftmaxFit | null;
  /** Index (in classes) of the class whose probability β models; the other is the reference. */
  positiveIndex: number;
  /** Milliseconds per fit. */
  logisticMs: number;
  softmaxMs: number;
}

/**
 * Fits the model: for two classes fitLogistic (with the remedy, if any) and, without a remedy,
 * also fitSoftmax (the page shows that they agree); for more classes fitSoftmax (ridge is its
 * `l2`; Firth does not exist for it and is refused). Progress goes to `hooks` per Newton
 * iteration; a cancel is honoured between the fits.
 * @throws {SoftlogitError} the fits' errors (ONE_CLASS, TOO_FEW_ROWS, BAD_OPTION, TOO_LARGE, ...).
 */
export async function fitModels(prepared: PreparedDesign, spec: ModelSpec, hooks: Hooks): Promise<Fits> {
  const { design, X, classes, classLabels, referenceIndex } = prepared;
  const K = classes.length;
  const remedy = spec.remedy;
  if (remedy?.kind === 'firth' && K !== 2) {
    throw new SoftlogitError('BAD_OPTION', `Firth's bias reduction is for two classes; the response has ${K}. Use ridge (a penalty λ) instead`);
  }
  const common = (fit: string) => ({
    names: design.names,
    onWarning: () => {}, // kept on the fit (fit.warnings); the page shows them
    onIteration: (p: { iteration: number; deviance: number }) => hooks.progress({ phase: 'fit', fit, iteration: p.iteration, deviance: p.deviance }),
    ...(design.weights !== undefined ? { weights: design.weights } : {}),
    ...(remedy?.kind === 'ridge' ? { l2: remedy.lambda } : {}),
  });
  const positiveIndex = K === 2 ? 1 - referenceIndex : -1;
  let logistic: LogisticFit | null = null;
  let logisticMs = 0;
  if (K === 2) {
    const options: LogisticOptions = { ...common(remedy?.kind === 'firth' ? 'firth' : 'logistic') };
    if (remedy?.kind === 'firth') options.firth = true;
    const started = performance.now();
    const y = binaryResponse(prepared, positiveIndex);
    logistic = droppingIfCollinear((singular) => fitLogistic(X, y, { ...options, singular }));
    logisticMs = performance.now() - started;
    await checkpoint(hooks);
  }
  let softmax: SoftmaxFit | null = null;
  let softmaxMs = 0;
  if (K > 2 || remedy === undefined) {
    const options: SoftmaxOptions = {
      ...common('softmax'),
      classes: classLabels,
      reference: classLabels[referenceIndex]!,
      parameterization: spec.parameterization,
    };
    const started = performance.now();
    const response = design.response;
    const y = response.kind === 'labels' ? response.labels : { counts: new Matrix(design.nRows, K, response.counts) };
    softmax = droppingIfCollinear((singular) => fitSoftmax(X, y, { ...options, singular }));
    softmaxMs = performance.now() - started;
  }
  return { logistic, softmax, positiveIndex, logisticMs, softmaxMs };
}

/**
 * The fit with `singular: 'error'`, and on a COLLINEAR error the fit with `singular: 'drop'`
 * (which reports the aliased columns as R does). Not 'drop' at once: its search for aliased
 * columns is an extra pass over X that costs as much as the fit itself (timing.mjs: +2.2 s on
 * 1e6 × 12), and most designs have none.
 */
function droppingIfCollinear<F>(fit: (singular: 'error' | 'drop') => F): F {
  try {
    return fit('error');
  } catch (error) {
    if (error instanceof SoftlogitError && error.code === 'COLLINEAR') return fit('drop');
    throw error;
  }
}

/** 0/1 per row (1 for the positive class), or successes/failures for a counts response. */
function binaryResponse(prepared: PreparedDesign, positiveIndex: number): BinaryResponse {
  const response = prepared.design.response;
  const n = prepared.design.nRows;
  if (response.kind === 'labels') {
    const positive = prepared.classLabels[positiveIndex];
    const labels = response.labels;
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = labels[i] === positive ? 1 : 0;
    return y;
  }
  const successes = new Float64Array(n);
  const failures = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    successes[i] = response.counts[i * 2 + positiveIndex]!;
    failures[i] = response.counts[i * 2 + 1 - positiveIndex]!;
  }
  return { successes, failures };
}
