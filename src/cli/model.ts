// The model file the CLI writes with `fit --json` and reads in `predict` and `convert`: the fit's
// own toJSON() (so loadModel reads it), plus a `design` block saying how to code new data.
import {
  loadModel, Matrix, SoftlogitError, SoftmaxFit,
  type ClassLabel, type DesignTerms, type FactorCoding, type LogisticFit, type LogisticModelJSON, type SoftmaxModelJSON,
} from '../index.js';

/**
 * How the CLI built the model from a CSV file (R's `terms` and `xlevels`): `predict` codes new
 * data with it, and it names the classes of a logistic model. Not part of `toJSON()`; loadModel
 * ignores it.
 */
export interface ModelDesign {
  /** Label column, or the per-class count columns (one of the two). */
  response?: string;
  counts?: string[];
  weights?: string;
  /** The offset column (binomial fits with --offset): predict adds the new data's column. */
  offset?: string;
  predictors: string[];
  factors: FactorCoding[];
  intercept: boolean;
  /** Class labels in model order; for a logistic model [reference, modelled class]. */
  classes: ClassLabel[];
  /** Rows of the data file left out for a missing value. */
  droppedRows: number;
}

export type ModelFile = (LogisticModelJSON | SoftmaxModelJSON) & { design?: ModelDesign };

/** A loaded model file: the fit and what is known about its data. */
export interface LoadedModel {
  fit: LogisticFit | SoftmaxFit;
  design?: ModelDesign;
  /** Class labels in model order (logistic: [reference, modelled]; [0, 1] without a design block). */
  classes: ClassLabel[];
}

/** Restores a model file, checking the design block's shape. */
export function loadModelFile(value: unknown, path: string): LoadedModel {
  let fit: LogisticFit | SoftmaxFit;
  try {
    fit = loadModel(value as LogisticModelJSON | SoftmaxModelJSON);
  } catch (error) {
    if (error instanceof SoftlogitError) throw new SoftlogitError(error.code, `${path}: ${error.message}`);
    throw error;
  }
  const design = readDesign((value as { design?: unknown }).design, fit, path);
  const classes = fit instanceof SoftmaxFit ? [...fit.classes] : design?.classes ?? [0, 1];
  return design ? { fit, design, classes } : { fit, classes };
}

function readDesign(value: unknown, fit: LogisticFit | SoftmaxFit, path: string): ModelDesign | undefined {
  if (value === undefined) return undefined;
  const bad = (what: string) =>
    new SoftlogitError('BAD_MODEL', `${path}: the "design" block is malformed: ${what}`);
  const d = value as Partial<ModelDesign>;
  if (d === null || typeof d !== 'object') throw bad('expected an object');
  const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
  if (!isStrings(d.predictors)) throw bad('"predictors" should be an array of column names');
  if (!Array.isArray(d.factors)) throw bad('"factors" should be an array');
  for (const f of d.factors as unknown[]) {
    const factor = f as Partial<FactorCoding>;
    if (factor === null || typeof factor !== 'object' || typeof factor.name !== 'string' || !isStrings(factor.levels) ||
      !(factor.reference === null || typeof factor.reference === 'string')) {
      throw bad('each factor needs "name", "levels" (strings) and "reference" (a level or null)');
    }
  }
  if (typeof d.intercept !== 'boolean' || d.intercept !== fit.intercept) throw bad('"intercept" should match the model');
  if (d.offset !== undefined && (typeof d.offset !== 'string' || fit instanceof SoftmaxFit)) {
    throw bad('"offset" should be a column name, and only a logistic model has one');
  }
  if (!Array.isArray(d.classes) || d.classes.length < 2) throw bad('"classes" should list the class labels');
  return d as ModelDesign;
}

/**
 * The terms that code new data for this model: the design block's, or, without one, the
 * model's feature names taken as numeric columns of the data.
 */
export function termsOf(model: LoadedModel): DesignTerms {
  const { design } = model;
  if (design) return design.offset === undefined ? design : { ...design, offsetColumn: design.offset };
  const shift = model.fit.intercept ? 1 : 0;
  return { predictors: model.fit.names.slice(shift), factors: [], intercept: model.fit.intercept };
}

/**
 * Any model as the reference-form free block: the p x (K − 1) coefficients of the non-reference
 * classes (class order) and their class-major covariance. A logistic model is the K = 2 case with
 * class 0 as reference (β is the free column).
 */
export interface BaselineView {
  names: string[];
  classes: ClassLabel[];
  referenceIndex: number;
  baseline: Matrix;
  covariance: Matrix;
}

export function baselineView(model: LoadedModel): BaselineView {
  const { fit } = model;
  if (fit instanceof SoftmaxFit) {
    return {
      names: [...fit.names],
      classes: [...fit.classes],
      referenceIndex: fit.classes.indexOf(fit.reference),
      baseline: fit.baseline,
      covariance: fit.covariance,
    };
  }
  const beta = fit.coefficients;
  return {
    names: [...fit.names],
    classes: model.classes,
    referenceIndex: 0,
    baseline: new Matrix(beta.length, 1, beta),
    covariance: fit.covariance,
  };
}
