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

/** Integer labels below this are looked up in a table (labels 0..K−1 are the common case). */
const SMALL_LABEL_LIMIT = 1024;

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

/** A label as a message shows it, with its type: `1 (number)`, `'1' (string)`. */
export function describeLabel(label: unknown): string {
  return typeof label === 'number' ? `${label} (number)` : describeValue(label);
}

/**
 * The first two distinct labels that print alike, String(a) === String(b) (1 and '1'; 1 and
 * '1.0' do not), or null. Two such labels would be two classes that every printout, CSV and
 * model file shows as one.
 */
export function labelsPrintingAlike(labels: Iterable<ClassLabel>): [ClassLabel, ClassLabel] | null {
  const byText = new Map<string, ClassLabel>();
  for (const label of labels) {
    const text = String(label);
    const seen = byText.get(text);
    if (seen === undefined) byText.set(text, label);
    else if (seen !== label) return [seen, label];
  }
  return null;
}

/**
 * Checks a list of class labels (the `classes` option, a model's classes): an array of strings
 * and finite numbers, no two equal or printing alike.
 * @throws {SoftlogitError} with `code` (BAD_OPTION for an option, BAD_MODEL for a model file).
 */
export function checkClassList(classes: unknown, what: string, code: 'BAD_OPTION' | 'BAD_MODEL', caller: string): ClassLabel[] {
  if (!Array.isArray(classes)) {
    throw new SoftlogitError(code, `${caller}: ${what} should be an array of class labels (strings or numbers), got ${describeValue(classes)}`);
  }
  const list: ClassLabel[] = [];
  for (let k = 0; k < classes.length; k++) {
    const c: unknown = classes[k];
    if (!(typeof c === 'string' || (typeof c === 'number' && Number.isFinite(c)))) {
      throw new SoftlogitError(code, `${caller}: ${what} should hold strings or finite numbers, got ${describeValue(c)} at position ${k}`);
    }
    const repeat = list.indexOf(c);
    if (repeat >= 0) {
      throw new SoftlogitError(code, `${caller}: ${what} lists ${describeLabel(c)} twice (positions ${repeat} and ${k}); classes must be distinct`);
    }
    list.push(c);
  }
  const alike = labelsPrintingAlike(list);
  if (alike) {
    throw new SoftlogitError(
      code,
      `${caller}: ${what} has ${describeLabel(alike[0])} and ${describeLabel(alike[1])}, two classes that print alike; use one type for the labels`,
      { classes: alike },
    );
  }
  return list;
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
  const declared = options.classes === undefined ? undefined : checkClassList(options.classes, 'option classes', 'BAD_OPTION', caller);
  if (isCounts(y)) {
    const given: unknown = y.counts;
    if (!(given instanceof Matrix) && (given === null || typeof given !== 'object' || typeof (given as ArrayLike<unknown>).length !== 'number')) {
      throw new SoftlogitError('BAD_COUNTS', `${caller}: y.counts should be an n x K matrix (rows of counts, or a Matrix), got ${describeValue(given)}`);
    }
    let matrix: Matrix;
    try {
      matrix = given instanceof Matrix ? given : Matrix.fromArray(given as ArrayLike<ArrayLike<number>>);
    } catch (error) {
      if (error instanceof SoftlogitError && error.code !== 'TOO_LARGE') {
        throw new SoftlogitError('BAD_COUNTS', `${caller}: y.counts: ${error.message.replace(/^Matrix\.fromArray: /, '')}`, error.details);
      }
      throw error;
    }
    if (matrix.rows !== nRows) {
      throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: y.counts should have one row per row of X (${nRows}), got ${matrix.rows}`);
    }
    K = matrix.cols;
    classes = declared ?? Array.from({ length: K }, (_, k) => k);
    if (classes.length !== K) {
      throw new SoftlogitError('BAD_OPTION', `${caller}: classes should name the ${K} columns of y.counts, got ${classes.length} names`);
    }
    for (let i = 0; i < matrix.data.length; i++) {
      const v = matrix.data[i]!;
      if (!Number.isFinite(v) || v < 0) {
        throw new SoftlogitError(
          'BAD_COUNTS',
          `${caller}: counts must be finite numbers ≥ 0, got ${describeValue(v)} at row ${Math.floor(i / K)}, column ${i % K}`,
          { row: Math.floor(i / K), column: i % K },
        );
      }
    }
    countData = matrix.data;
  } else {
    if (y === null || typeof y !== 'object' || typeof y.length !== 'number' || y.length !== nRows) {
      const got = y !== null && typeof y === 'object' && typeof (y as ArrayLike<unknown>).length === 'number' ? (y as ArrayLike<unknown>).length : describeValue(y);
      throw new SoftlogitError(
        typeof got === 'number' ? 'LENGTH_MISMATCH' : 'BAD_RESPONSE',
        `${caller}: y should have one label per row of X (${nRows}), got ${got}`,
      );
    }
    // One pass checks the labels and collects the distinct ones (of all rows, and of the rows of
    // positive weight, which make the default classes), without copying the labels into an array.
    const labels: ArrayLike<unknown> = y;
    const distinct = new Set<ClassLabel>();
    const weighted = weights ? new Set<ClassLabel>() : distinct;
    for (let i = 0; i < nRows; i++) {
      const v = labels[i];
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) {
        throw new SoftlogitError('BAD_RESPONSE', `${caller}: class labels must be strings or finite numbers, got ${describeValue(v)} at row ${i}`, { row: i });
      }
      distinct.add(v);
      if (weights && weights[i]! > 0) weighted.add(v);
    }
    const alike = labelsPrintingAlike(distinct);
    if (alike) {
      const rows = alike.map((label) => Array.prototype.indexOf.call(labels, label));
      throw new SoftlogitError(
        'BAD_RESPONSE',
        `${caller}: y has the labels ${describeLabel(alike[0])} (row ${rows[0]}) and ${describeLabel(alike[1])} (row ${rows[1]}), ` +
          'which print alike but would be two classes; use one type for the labels',
        { labels: alike, rows },
      );
    }
    classes = declared ?? sortedLabels(weighted);
    K = classes.length;
    const index = new Map<ClassLabel, number>(classes.map((c, k) => [c, k]));
    // Small non-negative integer labels (the usual 0..K−1) are looked up in a table, not the Map.
    const byInteger = new Int32Array(SMALL_LABEL_LIMIT).fill(-1);
    for (let k = 0; k < K; k++) {
      const c = classes[k]!;
      if (typeof c === 'number' && Number.isInteger(c) && c >= 0 && c < SMALL_LABEL_LIMIT) byInteger[c] = k;
    }
    const rowClass = new Int32Array(nRows);
    classOf = rowClass;
    for (let i = 0; i < nRows; i++) {
      const v = labels[i] as ClassLabel;
      const k = typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < SMALL_LABEL_LIMIT && byInteger[v]! >= 0 ? byInteger[v] : index.get(v);
      if (k === undefined) {
        if (weights && weights[i] === 0) {
          rowClass[i] = -1;
          continue;
        }
        throw new SoftlogitError('UNKNOWN_LABEL', `${caller}: label ${describeLabel(v)} at row ${i} is not among classes ${classes.map(describeLabel).join(', ')}`, { row: i });
      }
      rowClass[i] = k;
    }
  }

  const referenceIndex = options.reference === undefined ? 0 : classes.indexOf(options.reference);
  if (referenceIndex < 0) {
    throw new SoftlogitError(
      'BAD_REFERENCE',
      `${caller}: reference ${describeLabel(options.reference)} is not among classes ${classes.map(describeLabel).join(', ')}`,
    );
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
      `${caller}: y needs at least two classes among rows with non-zero weight, got ${present.length === 0 ? 'none' : present.map(describeLabel).join(', ')}`,
    );
  }
  if (!options.partial && present.length < K) {
    const empty = classes.filter((_, k) => !(classTotals[k]! > 0));
    throw new SoftlogitError(
      'EMPTY_CLASS',
      `${caller}: class ${empty.map(describeLabel).join(', ')} has no observations (with non-zero weight), so its coefficients have no finite MLE; drop it from classes`,
      { classes: empty },
    );
  }
  return { kind: isCounts(y) ? 'counts' : 'labels', classes, referenceIndex, internalOrder, counts, classTotals, nInformative, logLikConstant, saturatedLogLik };
}
