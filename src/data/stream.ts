/**
 * A CSV file too large for memory as a source of design-matrix batches, read once per pass by
 * `fitLogisticStream` / `fitSoftmaxStream` (src/stream/).
 *
 * One scan of the file fixes what {@link designMatrix} would fix on the whole file: the column
 * types, the levels of every factor and of the response (on the rows complete in every used
 * column, as designMatrix drops incomplete rows first), the coded column names, and the number of
 * rows used and dropped. Each later pass reads the file again in batches of rows and codes every
 * batch with those terms ({@link newDataMatrix}), so the batches together are exactly
 * designMatrix's rows, in file order. Memory is one batch of rows and one chunk of text.
 */
import { SoftlogitError } from '../errors.js';
import { checkDataFrame } from '../input/frame.js';
import { describeValue, optionKeysOf } from '../input/optionKeys.js';
import type { BatchSource, LogisticBatch, SoftmaxBatch } from '../stream/index.js';
import { CSVTokenizer, type CSVDelimiter } from './tokenizer.js';
import { delimiterOption, FrameBuilder, ReadAgainAsText, textChunks, type Column, type DataFrame, type NumericColumn } from './csv.js';
import { checkDesignOptions, levelsOf, newDataMatrix, type DesignOptions, type DesignTerms, type FactorCoding } from './design.js';
import type { FileURLLike } from './sources.js';

/**
 * Options of {@link csvDesignSource}: designMatrix's, without `counts`, the batch size and the
 * field separator (the other design sources take all but `delimiter`).
 */
export interface CSVDesignOptions extends Omit<DesignOptions, 'counts'> {
  /** Rows per batch (default 65 536). */
  batchRows?: number;
  /** csvDesignSource only: the field separator, as parseCSV's `delimiter` (default `,`). */
  delimiter?: CSVDelimiter;
}

/** The keys frameDesignSource, arrowDesignSource and parquetDesignSource take (no text, no delimiter). */
const DESIGN_SOURCE_OPTION_KEYS = optionKeysOf<Omit<CSVDesignOptions, 'delimiter'>>()([
  'response',
  'predictors',
  'factors',
  'weights',
  'offset',
  'intercept',
  'levels',
  'batchRows',
  'cluster',
]);
const CSV_DESIGN_OPTION_KEYS = optionKeysOf<CSVDesignOptions>()([...DESIGN_SOURCE_OPTION_KEYS, 'delimiter']);

/** One batch of coded rows: X without the intercept column, and the rows' labels, weights, offset, cluster labels. */
export interface DesignBatch {
  X: { data: Float64Array; nRows: number; nFeatures: number };
  labels: (string | number)[];
  weights?: Float64Array;
  offset?: Float64Array;
  /** The `cluster` column's labels, when the source has one. */
  cluster?: (string | number)[];
}

/** What the scan found, and the batches. */
export interface CSVDesignSource extends DesignTerms {
  /** The predictor columns, in order. */
  predictors: string[];
  /** Coded column names, as designMatrix's `names`. */
  names: string[];
  nFeatures: number;
  /** The response's levels, sorted as designMatrix sorts them (or in the order given). */
  classes: (string | number)[];
  /** Rows used (complete in every used column). */
  nRows: number;
  /** Rows dropped for a missing value in a used column. */
  droppedRows: number;
  factors: FactorCoding[];
  /** Starts a pass over the file: the batches of coded rows, in file order. */
  batches: () => AsyncIterable<DesignBatch>;
}

const DEFAULT_BATCH_ROWS = 1 << 16;

/**
 * Scans a CSV file once and returns a source of design-matrix batches over it: the same rows,
 * columns, names and coding as `designMatrix(await readCSV(path), options)`, without ever holding
 * the file or the whole design. Each call of `batches()` reads the file again.
 *
 * @param path a file path or `file:` URL (Node).
 * @param options designMatrix's options (a label `response`; `counts` is not supported here),
 *   `batchRows`, and `delimiter` (`,`, `;` or `'\t'`, as parseCSV's).
 * @throws {SoftlogitError} as readCSV and designMatrix (`UNKNOWN_COLUMN`, `EMPTY_INPUT`,
 *   `BAD_RESPONSE`, `UNKNOWN_LABEL`, `EMPTY_CLASS`, `NON_FINITE`, `BAD_WEIGHTS`, `BAD_OPTION`).
 *
 * @example
 * const design = await csvDesignSource('big.csv', { response: 'admit', factors: ['rank'] });
 * design.names // => ['gre', 'gpa', 'rank2', 'rank3', 'rank4']
 * const fit = await fitLogisticStream(
 *   () => map(design.batches(), (b) => ({ X: b.X, y: b.labels.map((l) => (l === design.classes[1] ? 1 : 0)) })),
 *   { names: design.names, nFeatures: design.nFeatures },
 * );
 */
export async function csvDesignSource(path: string | FileURLLike, options: CSVDesignOptions): Promise<CSVDesignSource> {
  const caller = 'csvDesignSource';
  checkDesignOptions(options, caller, CSV_DESIGN_OPTION_KEYS);
  const delimiter = delimiterOption(options, caller);
  if (typeof options.response !== 'string') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: options.response should name the column of class labels`);
  }
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: options.batchRows should be a positive integer, got ${String(batchRows)}`);
  }
  const asText = new Set<string>();
  for (;;) {
    try {
      const frames = (columns: string[] | undefined, numeric: string[]) => frameBatches(path, columns, numeric, asText, batchRows, delimiter, caller);
      return await scan(frames, options, caller);
    } catch (error) {
      if (!(error instanceof ReadAgainAsText)) throw error;
      asText.add(error.column);
    }
  }
}

/** The frames of batchRows rows of a CSV source, in order (the last one may be shorter). */
async function* frameBatches(
  path: string | FileURLLike,
  columns: string[] | undefined,
  numeric: string[],
  asText: ReadonlySet<string>,
  batchRows: number,
  delimiter: CSVDelimiter,
  caller: string,
): AsyncGenerator<DataFrame & { firstRow: number }> {
  const builder = new FrameBuilder(columns === undefined ? { numeric } : { columns, numeric }, caller, asText, true);
  const ready: (DataFrame & { firstRow: number })[] = [];
  const tokenizer = new CSVTokenizer((record) => {
    builder.add(record);
    if (builder.rows === batchRows) ready.push(builder.takeBatch());
  }, caller, delimiter);
  for await (const chunk of textChunks(path, caller)) {
    tokenizer.push(chunk);
    while (ready.length > 0) yield ready.shift()!;
  }
  tokenizer.end();
  while (ready.length > 0) yield ready.shift()!;
  const last = builder.takeBatch();
  if (last.nRows > 0 || last.firstRow === 0) yield last;
}

/**
 * The same source over a data frame in memory: batches of its rows coded one at a time, so that
 * the whole design is never built (memory: the frame and one batch). For a fit whose design
 * would not fit beside the frame and its copy in WebAssembly memory.
 *
 * @param frame a frame from parseCSV or readCSV.
 * @param options as csvDesignSource's.
 * @throws {SoftlogitError} as csvDesignSource.
 * @example
 * const design = await frameDesignSource(parseCSV('y,g\n0,a\n1,b\n1,a\n'), { response: 'y', batchRows: 2 });
 * design.names // => ['gb']
 * for await (const batch of design.batches()) batch.X.nRows // => 2, then 1
 */
export async function frameDesignSource(frame: DataFrame, options: CSVDesignOptions): Promise<CSVDesignSource> {
  const caller = 'frameDesignSource';
  checkDataFrame(frame, caller);
  checkDesignOptions(options, caller, DESIGN_SOURCE_OPTION_KEYS);
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: options.batchRows should be a positive integer, got ${String(batchRows)}`);
  }
  const frames = async function* (columns: string[] | undefined): AsyncGenerator<FrameBatch> {
    const kept = columns === undefined ? frame.columns : columns.map((name) => findColumn(frame, name, caller));
    const names = kept.map((c) => c.name);
    for (let r0 = 0; r0 < Math.max(frame.nRows, 1); r0 += batchRows) {
      const r1 = Math.min(frame.nRows, r0 + batchRows);
      const lineNumbers = frame.lineNumbers?.subarray(r0, r1);
      yield {
        names,
        columns: kept.map((c): Column => (c.kind === 'numeric' ? { name: c.name, kind: 'numeric', values: c.values.subarray(r0, r1) } : { name: c.name, kind: 'string', values: c.values.slice(r0, r1) })),
        nRows: r1 - r0,
        firstRow: r0,
        ...(lineNumbers ? { lineNumbers } : {}),
      };
    }
  };
  return designSourceOf(frames, options, caller);
}

/** A batch of a frame's rows; `firstRow` is the 0-based row of its first row in the whole. */
export type FrameBatch = DataFrame & { firstRow: number };

/** Starts a pass over the frame batches of a source, keeping the columns named (all if undefined). */
export type FrameBatches = (columns: string[] | undefined, numeric: string[]) => AsyncIterable<FrameBatch>;

/**
 * A design source over any source of frame batches (the Arrow adapter's): options checked as
 * csvDesignSource checks them, then the scan.
 */
export async function designSourceOf(frames: FrameBatches, options: CSVDesignOptions, caller: string): Promise<CSVDesignSource> {
  checkDesignOptions(options, caller, DESIGN_SOURCE_OPTION_KEYS);
  if (typeof options.response !== 'string') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: options.response should name the column of class labels`);
  }
  return scan(frames, options, caller);
}

/** Rejects anything but a design source (from csvDesignSource and its kin). */
function checkDesignSource(design: unknown, caller: string): void {
  const d = design as Partial<CSVDesignSource> | null;
  if (d === null || typeof d !== 'object' || !Array.isArray(d.classes) || typeof d.batches !== 'function') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: expected a design source (from csvDesignSource, frameDesignSource or arrowDesignSource), got ${describeValue(design)}`);
  }
}

/**
 * The BatchSource `fitLogisticStream` takes, from a design source: X, y = 1 for `positive` (by
 * default the second class) and 0 for the other class, weights, offset and (with the source's
 * `cluster` option) the cluster labels, for `covariance: 'HC0' | 'HC1'`.
 *
 * @throws {SoftlogitError} `BAD_RESPONSE` when the response has more than two classes, or
 *   `positive` is not one of them.
 * @example
 * const design = await csvDesignSource('admissions.csv', { response: 'admit' });
 * const fit = await fitLogisticStream(logisticBatches(design), { names: design.names, nFeatures: design.nFeatures });
 * // cluster-robust SEs (R vcovCL, HC1) on the file's school column
 * const bySchool = await csvDesignSource('admissions.csv', { response: 'admit', cluster: 'school' });
 * await fitLogisticStream(logisticBatches(bySchool), { names: bySchool.names, nFeatures: bySchool.nFeatures, covariance: 'HC1' });
 */
export function logisticBatches(design: CSVDesignSource, positive?: string | number): BatchSource<LogisticBatch> {
  checkDesignSource(design, 'logisticBatches');
  positive ??= design.classes[1]!;
  if (design.classes.length !== 2 || !design.classes.includes(positive)) {
    throw new SoftlogitError(
      'BAD_RESPONSE',
      `logisticBatches: expected a response with two classes and one of them as positive, got classes ${design.classes.map(String).join(', ')} and positive ${describeValue(positive)}`,
    );
  }
  return async function* () {
    for await (const batch of design.batches()) {
      const y = new Float64Array(batch.labels.length);
      for (let i = 0; i < y.length; i++) y[i] = batch.labels[i] === positive ? 1 : 0;
      yield { X: batch.X, y, ...(batch.weights ? { weights: batch.weights } : {}), ...(batch.offset ? { offset: batch.offset } : {}), ...(batch.cluster ? { cluster: batch.cluster } : {}) };
    }
  };
}

/**
 * The BatchSource `fitSoftmaxStream` takes, from a design source: X, the labels, weights and
 * cluster labels (as logisticBatches). Pass `classes: design.classes` to the fit to skip its pass
 * collecting the labels.
 *
 * @example
 * const design = await csvDesignSource('housing.csv', { response: 'Sat', weights: 'Freq' });
 * const fit = await fitSoftmaxStream(softmaxBatches(design), { names: design.names, nFeatures: design.nFeatures, classes: design.classes });
 */
export function softmaxBatches(design: CSVDesignSource): BatchSource<SoftmaxBatch> {
  checkDesignSource(design, 'softmaxBatches');
  return async function* () {
    for await (const batch of design.batches()) yield { X: batch.X, y: batch.labels, ...(batch.weights ? { weights: batch.weights } : {}), ...(batch.cluster ? { cluster: batch.cluster } : {}) };
  };
}

/** The scan: types, levels, counts; then the source. */
async function scan(frames: FrameBatches, options: CSVDesignOptions, caller: string): Promise<CSVDesignSource> {
  const response = options.response!;
  const extra = [...(options.weights !== undefined ? [options.weights] : []), ...(options.offset !== undefined ? [options.offset] : [])];
  // The cluster column is read (and its missing rows dropped) but is no predictor unless listed as one.
  const cluster = options.cluster;
  if (cluster !== undefined && (cluster === response || extra.includes(cluster))) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: column "${cluster}" is used as cluster and as response, weights or offset; give it one of those roles`, { column: cluster });
  }
  const withCluster = (names: string[]) => (cluster === undefined || names.includes(cluster) ? names : [...names, cluster]);
  const given = levelMap(options.levels, caller);
  let predictors = options.predictors;
  let used: string[] | undefined;
  let kinds: Map<string, Column['kind']> | undefined;
  const factorValues = new Map<string, Set<string | number>>();
  const responseValues = new Set<string | number>();
  let nRows = 0;
  let droppedRows = 0;
  const wanted = options.predictors ? withCluster([response, ...extra, ...options.predictors]) : undefined;
  for await (const frame of frames(wanted, extra)) {
    if (used === undefined) {
      // The cluster column is a default predictor only as a factor (as designMatrix decides).
      const clusterIsFactor = cluster !== undefined && (options.factors?.includes(cluster) === true || given.has(cluster));
      predictors ??= frame.names.filter((name) => name !== response && !extra.includes(name) && (name !== cluster || clusterIsFactor));
      used = withCluster([response, ...extra, ...predictors]);
      for (const name of used) findColumn(frame, name, caller);
      kinds = new Map(frame.columns.map((c) => [c.name, c.kind]));
      if (options.weights !== undefined && kinds.get(options.weights) === 'string') {
        throw new SoftlogitError('BAD_WEIGHTS', `${caller}: weights column "${options.weights}" must be numeric, but it holds text`, { column: options.weights });
      }
      if (options.offset !== undefined && kinds.get(options.offset) === 'string') {
        throw new SoftlogitError('BAD_OPTION', `${caller}: offset column "${options.offset}" must be numeric, but it holds text`, { column: options.offset });
      }
    }
    const columns = used.map((name) => findColumn(frame, name, caller));
    const weights = options.weights === undefined ? undefined : (findColumn(frame, options.weights, caller) as NumericColumn);
    const labels = findColumn(frame, response, caller);
    const factorColumns = predictors!
      .map((name) => findColumn(frame, name, caller))
      .filter((column) => column.kind === 'string' || options.factors?.includes(column.name) || given.has(column.name));
    const complete = new Uint8Array(frame.nRows).fill(1);
    for (const column of columns) {
      for (let i = 0; i < frame.nRows; i++) if (isMissing(column, i)) complete[i] = 0;
    }
    for (let i = 0; i < frame.nRows; i++) {
      if (complete[i] === 0) {
        droppedRows++;
        continue;
      }
      nRows++;
      if (weights !== undefined && !(weights.values[i]! >= 0 && weights.values[i]! < Infinity)) {
        const value = weights.values[i]!;
        throw new SoftlogitError(
          value < 0 ? 'BAD_WEIGHTS' : 'NON_FINITE',
          `${caller}: weights column "${weights.name}" holds ${value} at data row ${frame.firstRow + i + 1} (line ${frame.lineNumbers![i]}); weights must be finite and non-negative`,
          { column: weights.name, row: frame.firstRow + i + 1, value },
        );
      }
      responseValues.add(labels.values[i]!);
      for (const column of factorColumns) {
        let set = factorValues.get(column.name);
        if (set === undefined) factorValues.set(column.name, (set = new Set()));
        set.add(column.values[i]!);
      }
    }
  }
  if (used === undefined || kinds === undefined) throw new SoftlogitError('BAD_CSV', `${caller}: the text is empty; expected a header row of column names`);
  if (nRows === 0) {
    throw new SoftlogitError('EMPTY_INPUT', `${caller}: no rows left: ${droppedRows} rows, all with a missing value in ${used.join(', ')}`, { droppedRows });
  }
  const intercept = options.intercept ?? true;
  let fullCodingLeft = !intercept;
  const factors: FactorCoding[] = [];
  for (const name of predictors!) {
    const values = factorValues.get(name);
    if (values === undefined) continue;
    let levels = levelsOfValues(name, kinds.get(name)!, values);
    const order = given.get(name);
    if (order !== undefined) {
      const unlisted = levels.find((level) => !order.includes(level));
      if (unlisted !== undefined) {
        throw new SoftlogitError('UNKNOWN_LABEL', `${caller}: column "${name}" holds "${unlisted}", which is not one of its levels (${order.join(', ')})`, { column: name, value: unlisted });
      }
      levels = order.filter((level) => levels.includes(level));
    }
    if (levels.length < 2) {
      throw new SoftlogitError('BAD_OPTION', `${caller}: factor "${name}" has a single level (${levels[0]}) in the ${nRows} rows used; contrasts need at least two levels`, { column: name, levels });
    }
    factors.push({ name, levels, reference: fullCodingLeft ? null : levels[0]! });
    fullCodingLeft = false;
  }
  const classes = responseClasses(response, kinds.get(response)!, responseValues, given.get(response), nRows, caller);
  const names = predictors!.flatMap((name) => {
    const factor = factors.find((f) => f.name === name);
    return factor === undefined ? [name] : factor.levels.slice(factor.reference === null ? 0 : 1).map((level) => name + level);
  });
  const terms: DesignTerms = { predictors: predictors!, factors, intercept, ...(options.offset !== undefined ? { offsetColumn: options.offset } : {}) };
  const columns = used;
  return {
    ...terms,
    predictors: predictors!,
    factors,
    names,
    nFeatures: names.length,
    classes,
    nRows,
    droppedRows,
    batches: () => codedBatches(frames(columns, extra), terms, response, options.weights, cluster, caller),
  };
}

/** A pass: each batch of rows coded with the terms, the rows missing a used value left out. */
async function* codedBatches(
  frames: AsyncIterable<FrameBatch>,
  terms: DesignTerms,
  response: string,
  weightsColumn: string | undefined,
  clusterColumn: string | undefined,
  caller: string,
): AsyncGenerator<DesignBatch> {
  for await (const frame of frames) {
    if (frame.nRows === 0) continue;
    let coded: ReturnType<typeof newDataMatrix>;
    try {
      coded = newDataMatrix(frame, terms);
    } catch (error) {
      throw inWholeSource(error, frame.firstRow, caller);
    }
    const labelsColumn = findColumn(frame, response, caller);
    const weights = weightsColumn === undefined ? undefined : (findColumn(frame, weightsColumn, caller) as NumericColumn);
    const cluster = clusterColumn === undefined ? undefined : findColumn(frame, clusterColumn, caller);
    // newDataMatrix leaves out rows missing a predictor or the offset; the response, weights and
    // cluster label must be present too.
    const rows = coded.rows;
    const present = new Uint8Array(rows.length);
    let nKept = 0;
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r]!;
      if (!isMissing(labelsColumn, i) && (weights === undefined || !Number.isNaN(weights.values[i]!)) && (cluster === undefined || !isMissing(cluster, i))) {
        present[r] = 1;
        nKept++;
      }
    }
    if (nKept === 0) continue;
    const p = coded.nFeatures;
    let X = coded.X;
    let offset = coded.offset;
    let keptRows: Uint32Array = rows;
    if (nKept !== rows.length) {
      X = new Float64Array(nKept * p);
      keptRows = new Uint32Array(nKept);
      const keptOffset = offset === undefined ? undefined : new Float64Array(nKept);
      for (let r = 0, k = 0; r < rows.length; r++) {
        if (present[r] === 0) continue;
        X.set(coded.X.subarray(r * p, (r + 1) * p), k * p);
        if (keptOffset !== undefined) keptOffset[k] = offset![r]!;
        keptRows[k++] = rows[r]!;
      }
      offset = keptOffset;
    }
    const labels = new Array<string | number>(nKept);
    for (let k = 0; k < nKept; k++) labels[k] = labelsColumn.values[keptRows[k]!]!;
    const batch: DesignBatch = { X: { data: X, nRows: nKept, nFeatures: p }, labels };
    if (weights !== undefined) {
      const w = new Float64Array(nKept);
      for (let k = 0; k < nKept; k++) w[k] = weights.values[keptRows[k]!]!;
      batch.weights = w;
    }
    if (offset !== undefined) batch.offset = offset;
    if (cluster !== undefined) batch.cluster = Array.from(keptRows, (i) => cluster.values[i]!);
    yield batch;
  }
}

/**
 * An error newDataMatrix found in a batch, with its data row counted in the whole source (the
 * batch's rows are numbered from 1) and the source's function named.
 */
function inWholeSource(error: unknown, firstRow: number, caller: string): unknown {
  if (!(error instanceof SoftlogitError)) return error;
  const row = error.details?.['row'];
  const message = error.message
    .replace(/^newDataMatrix:/, `${caller}:`)
    .replace(/data row (\d+)/g, (_, n: string) => `data row ${Number(n) + firstRow}`);
  const details = typeof row === 'number' ? { ...error.details, row: row + firstRow } : error.details;
  return new SoftlogitError(error.code, message, details);
}

function findColumn(frame: DataFrame, name: string, caller: string): Column {
  const j = frame.names.indexOf(name);
  if (j < 0) {
    throw new SoftlogitError('UNKNOWN_COLUMN', `${caller}: no column "${name}"; columns are: ${frame.names.join(', ')}`, { column: name, available: frame.names });
  }
  return frame.columns[j]!;
}

function isMissing(column: Column, i: number): boolean {
  return column.kind === 'numeric' ? Number.isNaN(column.values[i]!) : column.values[i] === null;
}

/** The levels designMatrix gives distinct values: levelsOf on a column of them. */
function levelsOfValues(name: string, kind: Column['kind'], values: Set<string | number>): string[] {
  const column: Column =
    kind === 'numeric'
      ? { name, kind, values: Float64Array.from(values as Set<number>) }
      : { name, kind, values: [...(values as Set<string>)] };
  return levelsOf(column);
}

/** The response's classes: sorted as designMatrix sorts labels, or in the order given. */
function responseClasses(
  name: string,
  kind: Column['kind'],
  values: Set<string | number>,
  order: readonly string[] | undefined,
  nRows: number,
  caller: string,
): (string | number)[] {
  const labels = [...values];
  const text = (label: string | number) => (typeof label === 'number' ? levelsOf({ name, kind: 'numeric', values: Float64Array.of(label) })[0]! : label);
  let classes: (string | number)[] =
    kind === 'numeric' ? (labels as number[]).sort((a, b) => a - b) : levelsOf({ name, kind: 'string', values: labels as string[] });
  if (order !== undefined) {
    const byText = new Map(classes.map((c) => [text(c), c]));
    const unlisted = classes.find((c) => !order.includes(text(c)));
    if (unlisted !== undefined) {
      throw new SoftlogitError('UNKNOWN_LABEL', `${caller}: column "${name}" holds "${text(unlisted)}", which is not one of its levels (${order.join(', ')})`, { column: name, value: text(unlisted) });
    }
    const empty = order.filter((level) => !byText.has(level));
    if (empty.length > 0) {
      throw new SoftlogitError('EMPTY_CLASS', `${caller}: class ${empty.map((l) => JSON.stringify(l)).join(', ')} of response "${name}" has no observations in the ${nRows} rows used`, { column: name, classes: empty });
    }
    classes = order.map((level) => byText.get(level)!);
  }
  if (classes.length < 2) {
    throw new SoftlogitError('BAD_RESPONSE', `${caller}: response "${name}" has a single value (${String(classes[0])}) in the ${nRows} rows used; expected at least two classes`, { column: name });
  }
  return classes;
}

/** The `levels` option as a Map, each entry checked as designMatrix checks it. */
function levelMap(levels: DesignOptions['levels'], caller: string): Map<string, readonly string[]> {
  if (levels === undefined) return new Map();
  const map: Map<string, unknown> = levels instanceof Map ? new Map(levels) : new Map(Object.entries(levels));
  for (const [name, list] of map) {
    if (!Array.isArray(list) || list.length === 0 || list.some((level) => typeof level !== 'string')) {
      throw new SoftlogitError('BAD_OPTION', `${caller}: options.levels["${name}"] should be a non-empty array of strings`, { column: name });
    }
  }
  return map as Map<string, readonly string[]>;
}
