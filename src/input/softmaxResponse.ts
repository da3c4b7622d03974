// The multinomial response in one form for the kernels: weighted counts per row and class,
// classes reordered so the reference comes first (internal class 0), plus the constants of the
// log-likelihood.
import { SoftlogitError } from '../errors.js';
import { Matrix } from '../matrix.js';
import { logGamma } from '../special.js';
import { describeValue } from './optionKeys.js';

/** A class label: a number or a string. */
export type ClassLabel = number | string;

/** A multinomial response: one label per row, or an n x K matrix of counts (R's cbind(c1, …, cK)). */
export type MultinomialResponse = ArrayLike<ClassLabel> | { counts: ArrayLike<ArrayLike<number>> | Matrix };

export interface MultinomialData {
  kind: 'labels' | 'counts';
  /** Class labels in the user's order (columns of the reported W). */
  classes: ClassLabel[];
  /** Position of the reference class in `classes`. */
  referenceIndex: number;
  /** Internal order: internalOrder[k] = position in `classes` of internal class k (0 = reference). */
  internalOrder: number[];
  /** Weighted counts, nRows x K row-major, in internal order. */
  counts: Float64Array;
  /** Weighted totals per class, in the user's class order. */
  classTotals: Float64Array;
  /** Rows with non-zero weight and count. */
  nInformative: number;
  /** Σ w log(m! / Π y_k!) (0 for labels). */
  logLikConstant: number;
  /** Σ w Σ_k y_k log(y_k / m): saturated logLik without the constant. */
  saturatedLogLik: number;
}

function isCounts(y: MultinomialResponse): y is { counts: ArrayLike<ArrayLike<number>> | Matrix } {
  return typeof y === 'object' && y !== null && !Array.isArray(y) && 'counts' in y;
}

/** Sorted distinct labels: numerically when all are numbers, else by code point (R's C-locale factor levels). */
export function sortedLabels(labels: Iterable<ClassLabel>): ClassLabel[] {
  const distinct = [...new Set(labels)];
  if (distinct.every((v) => typeof v === 'number')) return (distinct as number[]).sort((a, b) => a - b);
  return distinct.sort((a, b) => {
    const x = String(a);
    const y = String(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

export interface ResponseOptions {
  classes?: readonly ClassLabel[];
  reference?: ClassLabel;
  /** A shard of a larger data set: declared classes may be absent (no ONE_CLASS or EMPTY_CLASS). */
  partial?: boolean;
}

/**
 * Validates a multinomial response against nRows, prior weights and the class options.
 * Declared classes with no observations are an error (EMPTY_CLASS): their coefficients would
 * have no finite MLE.
 * @throws {SoftlogitError} `LENGTH_MISMATCH`, `BAD_RESPONSE`, `BAD_COUNTS`, `UNKNOWN_LABEL`,
 *   `EMPTY_CLASS`, `ONE_CLASS`, `BAD_REFERENCE`, `BAD_OPTION`.
 */
export function toMultinomialData(
  y: MultinomialResponse, nRows: number, weights: Float64Array | null, options: ResponseOptions, caller: string,
): MultinomialData {
  let classes: ClassLabel[];
  let K: number;
  /** Counts: nRows x K row-major (null for labels). */
  let countData: ArrayLike<number> | null = null;
  /** Labels: each row's class (−1: an unknown label on a row of weight 0); null for counts. */
  let classOf: Int32Array | null = null;
  if (isCounts(y)) {
    const matrix = y.counts instanceof Matrix ? y.counts : Matrix.fromArray(y.counts);
    if (matrix.rows !== nRows) {
      throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: y.counts should have one row per row of X (${nRows}), got ${matrix.rows}`);
    }
    K = matrix.cols;
    classes = options.classes ? [...options.classes] : Array.from({ length: K }, (_, k) => k);
    if (classes.length !== K) {
      throw new SoftlogitError('BAD_OPTION', `${caller}: classes should name the ${K} columns of y.counts, got ${classes.length} names`);
    }
    for (let i = 0; i < matrix.data.length; i++) {
      const v = matrix.data[i]!;
      if (!Number.isFinite(v) || v < 0) {
        throw new SoftlogitError(
          'BAD_COUNTS',
          `${caller}: counts must be finite numbers ≥ 0, got ${v} at row ${Math.floor(i / K)}, column ${i % K}`,
          { row: Math.floor(i / K), column: i % K },
        );
      }
    }
    countData = matrix.data;
  } else {
    if (y === null || typeof y !== 'object' || typeof y.length !== 'number' || y.length !== nRows) {
      throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: y should have one label per row of X (${nRows}), got ${(y as ArrayLike<unknown>)?.length ?? (typeof y === 'object' && y !== null ? describeValue(y) : String(y))}`);
    }
    const labels = Array.from(y);
    labels.forEach((v, i) => {
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) {
        throw new SoftlogitError('BAD_RESPONSE', `${caller}: class labels must be strings or finite numbers, got ${typeof v === 'object' && v !== null ? describeValue(v) : String(v)} at row ${i}`, { row: i });
      }
    });
    classes = options.classes ? [...options.classes] : sortedLabels(labels.filter((_, i) => !weights || weights[i]! > 0));
    if (new Set(classes).size !== classes.length) {
      throw new SoftlogitError('BAD_OPTION', `${caller}: classes should be distinct, got ${JSON.stringify(classes)}`);
    }
    K = classes.length;
    const index = new Map<ClassLabel, number>(classes.map((c, k) => [c, k]));
    const rowClass = new Int32Array(nRows);
    classOf = rowClass;
    labels.forEach((v, i) => {
      const k = index.get(v);
      if (k === undefined) {
        if (weights && weights[i] === 0) {
          rowClass[i] = -1;
          return;
        }
        throw new SoftlogitError('UNKNOWN_LABEL', `${caller}: label ${JSON.stringify(v)} at row ${i} is not among classes ${JSON.stringify(classes)}`, { row: i });
      }
      rowClass[i] = k;
    });
  }

  const referenceIndex = options.reference === undefined ? 0 : classes.indexOf(options.reference);
  if (referenceIndex < 0) {
    throw new SoftlogitError('BAD_REFERENCE', `${caller}: reference ${JSON.stringify(options.reference)} is not among classes ${JSON.stringify(classes)}`);
  }
  const internalOrder = [referenceIndex, ...classes.map((_, k) => k).filter((k) => k !== referenceIndex)];
  const counts = new Float64Array(nRows * K);
  const classTotals = new Float64Array(K);
  let logLikConstant = 0;
  let saturatedLogLik = 0;
  let nInformative = 0;
  if (classOf) {
    // Labels: one count of 1 per row, whose saturated term w · 1 · log(1/1) and multinomial
    // coefficient are 0, so a row only places its weight (the counts loop below, without its logs).
    const internalPosition = new Int32Array(K);
    internalOrder.forEach((k, position) => (internalPosition[k] = position));
    for (let i = 0; i < nRows; i++) {
      const w = weights ? weights[i]! : 1;
      const k = classOf[i]!;
      if (!(w > 0) || k < 0) continue;
      nInformative++;
      counts[i * K + internalPosition[k]!] = w;
      classTotals[k] += w;
    }
  } else if (countData) {
    for (let i = 0; i < nRows; i++) {
      const w = weights ? weights[i]! : 1;
      let m = 0;
      for (let k = 0; k < K; k++) m += countData[i * K + k]!;
      if (!(w > 0 && m > 0)) continue;
      nInformative++;
      let logCoefficient = logGamma(m + 1);
      for (let k = 0; k < K; k++) {
        const c = countData[i * K + internalOrder[k]!]!;
        counts[i * K + k] = w * c;
        classTotals[internalOrder[k]!] += w * c;
        if (c > 0) {
          saturatedLogLik += w * c * Math.log(c / m);
          logCoefficient -= logGamma(c + 1);
        }
      }
      logLikConstant += w * logCoefficient;
    }
  }
  const present = classes.filter((_, k) => classTotals[k]! > 0);
  // A shard (`partial`) skips the next two checks: they belong to the whole data set.
  if (!options.partial && present.length < 2) {
    throw new SoftlogitError(
      'ONE_CLASS',
      `${caller}: y needs at least two classes among rows with non-zero weight, got ${present.length === 0 ? 'none' : JSON.stringify(present)}`,
    );
  }
  if (!options.partial && present.length < K) {
    const empty = classes.filter((_, k) => !(classTotals[k]! > 0));
    throw new SoftlogitError(
      'EMPTY_CLASS',
      `${caller}: class ${empty.map((c) => JSON.stringify(c)).join(', ')} has no observations (with non-zero weight), so its coefficients have no finite MLE; drop it from classes`,
      { classes: empty },
    );
  }
  return { kind: isCounts(y) ? 'counts' : 'labels', classes, referenceIndex, internalOrder, counts, classTotals, nInformative, logLikConstant, saturatedLogLik };
}
