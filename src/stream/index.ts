// Streaming (out-of-core) fits: the rows come in batches from a source that can be read again
// from the start once per pass (a CSV file read in chunks, a database cursor, a generator), so
// only one batch is in memory at a time. Each pass sums the batches' statistics (src/shard/) at
// the current coefficients; Newton's method runs on the sums (src/shard/fit.ts), the same steps
// as the in-memory fit, so the result is the same MLE. Every pass must read the same rows (checked
// by src/shard/guard.ts), and when the result shows the symptom of separation one more pass
// collects the rows for the exact LP check (Passes.separation below).
import { SoftlogitError } from '../errors.js';
import type { BinaryResponse } from '../input/binaryResponse.js';
import { forEachDesignRow, toRowSource, type DesignInput } from '../input/design.js';
import type { LogisticFit } from '../models/logisticFit.js';
import type { CommonFitOptions } from '../input/options.js';
import type { SoftmaxFit, Parameterization } from '../models/softmaxFit.js';
import type { ClassOffset } from '../input/classOffset.js';
import { sortedLabels, type ClassLabel, type MultinomialResponse } from '../input/softmaxResponse.js';
import type { EvaluationLevel } from '../objective/types.js';
import { detectSeparationBinary, detectSeparationMultinomialCounts, type SeparationResult } from '../diagnostics/separation.js';
import { checkOptionKeys, describeValue } from '../input/optionKeys.js';
import { checkCallbacks, checkNumbers, checkPlainValues, checkSingularOnSums, fitLogisticWith, fitSoftmaxWith, notOnSums, type StatisticsSource } from '../shard/fit.js';
import { addFingerprints, EMPTY_FINGERPRINT, fingerprintRows, type RowFingerprint } from '../shard/fingerprint.js';
import type { SourceGuard } from '../shard/guard.js';
import { accumulate, combine, readShard, type LogisticShard, type Shard, type ShardStatistics, type SoftmaxShard } from '../shard/statistics.js';
import { accumulateScores, ScoreSums, type SandwichMeat } from '../shard/scores.js';
import type { CovarianceType } from '../inference/robust.js';
import { getRuntime } from '../wasm/module.js';

/** A batch of rows of a binary response: as fitLogistic's arguments (X without the intercept). */
export interface LogisticBatch {
  X: DesignInput;
  y: BinaryResponse;
  weights?: ArrayLike<number>;
  offset?: ArrayLike<number>;
  /** A cluster label per row (numbers or strings), for covariance 'HC0' / 'HC1' cluster-robust; in every batch or in none. */
  cluster?: ArrayLike<number | string>;
}

/** A batch of rows of a multinomial response: labels or an n x K matrix of counts. */
export interface SoftmaxBatch {
  X: DesignInput;
  y: MultinomialResponse;
  weights?: ArrayLike<number>;
  /** Offsets as fitSoftmax's: the batch's rows of K numbers (classes order), an n x K Matrix, or `{ perClass }`. */
  offset?: ClassOffset;
  /** A cluster label per row, as LogisticBatch's. */
  cluster?: ArrayLike<number | string>;
}

/**
 * Where the rows come from: a function that starts a new pass over all rows each time it is
 * called, returning an async (or sync) iterable of batches. Every pass must yield the same rows.
 */
export type BatchSource<B> = () => AsyncIterable<B> | Iterable<B>;

export interface StreamFitOptions extends Omit<CommonFitOptions, 'weights' | 'threads' | 'singular'> {
  /** Columns of X (default: read from the first batch). */
  nFeatures?: number;
  /** Called after each pass over the data with the pass number (from 1) and the rows read. */
  onPass?: (pass: number, nRows: number) => void;
  /**
   * When the fit shows the symptoms of separation, read the source once more and run the exact LP
   * check on the rows (default true), as the in-memory fits do. That pass holds the rows with
   * non-zero weight in memory: about 40·p bytes a row with the LP's working copies (measured:
   * 40 to 50 MB more peak RSS for 1e5 rows at p = 11; see the README). false: report the
   * symptoms only, as the fits from shard statistics do.
   */
  separationCheck?: boolean;
  /** Only 'error' (the default): COLLINEAR names a column that is a combination of others. */
  singular?: 'error';
  /**
   * 'model' (default) the inverse information; 'HC0' / 'HC1' the sandwich of the in-memory fits
   * (R sandwich::vcovHC), cluster-robust (vcovCL) when the batches carry `cluster` labels (a
   * cluster may span batches). One more pass over the source, at the estimate; with clusters it
   * holds one score sum per cluster (8·p(K − 1) bytes each).
   */
  covariance?: CovarianceType;
}

export interface SoftmaxStreamOptions extends StreamFitOptions {
  /** Class order; default the sorted distinct labels, found by one extra pass over the labels. */
  classes?: readonly ClassLabel[];
  reference?: ClassLabel;
  parameterization?: Parameterization;
}

const STREAM_KEYS = ['nFeatures', 'intercept', 'names', 'maxIter', 'tol', 'l2', 'onIteration', 'onWarning', 'singular', 'onPass', 'separationCheck', 'covariance'] as const;
const SOFTMAX_STREAM_KEYS = [...STREAM_KEYS, 'classes', 'reference', 'parameterization'] as const;

/** What every pass must do, for SOURCE_CHANGED messages. */
const SAME_ROWS_RULE = 'Every call of source() must yield the same rows (in any order, in any batches)';

/** Checks the options of a streaming fit: the keys, then the values only streams take. */
function streamOptions<O extends StreamFitOptions>(options: O | undefined, caller: string, logistic: boolean): O & { separationCheck: boolean } {
  checkOptionKeys(options, caller, logistic ? STREAM_KEYS : SOFTMAX_STREAM_KEYS, notOnSums('stream', logistic));
  const o = (options ?? {}) as O;
  checkSingularOnSums(o.singular, caller, 'stream');
  checkCallbacks(o, caller, ['onIteration', 'onWarning', 'onPass']);
  checkNumbers(o, caller, ['nFeatures', 'maxIter', 'tol', 'l2']);
  checkPlainValues(o, caller);
  const separationCheck = o.separationCheck ?? true;
  if (typeof separationCheck !== 'boolean') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: option separationCheck should be true or false, got ${describeValue(separationCheck)}`);
  }
  if (o.nFeatures !== undefined && !(Number.isInteger(o.nFeatures) && o.nFeatures >= 0)) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: option nFeatures should be an integer ≥ 0, got ${describeValue(o.nFeatures)}`);
  }
  return { ...o, separationCheck };
}

/**
 * Fits a binary logistic regression over rows streamed in batches, reading the source once per
 * Newton evaluation (about iterations + 2 passes, one more for the separation check). Memory: one
 * batch (in JS and once in WASM memory) plus O(p²), except in the separation pass, which holds the
 * rows with non-zero weight (see `separationCheck`); the result equals fitLogistic on all rows to
 * ~1e-12 relative (the sums are the same, added in another order).
 *
 * Checked as the in-memory fit is: separation (when the returned point shows its symptoms, one
 * more pass collects the rows with non-zero weight and runs the exact LP check; the fit then
 * reports `separation`, `converged: false` and a warning as fitLogistic does), and every pass must
 * read the same rows (row count, weight total and an order-independent fingerprint of the rows'
 * bits), or the fit throws SOURCE_CHANGED.
 *
 * With `covariance: 'HC0' | 'HC1'` one more pass at the estimate sums the meat of the sandwich
 * (Σᵢ uᵢuᵢᵀ, or per cluster with `cluster` labels in the batches; a cluster may span batches):
 * the in-memory fit's robust covariance (R vcovHC / vcovCL) to ~1e-12.
 *
 * @throws {SoftlogitError} as fitLogistic (errors found in a batch name the batch: "batch 3: …"),
 *   `EMPTY_INPUT` when a pass yields no rows, `SOURCE_CHANGED` when a pass yields other rows than
 *   the first, `BAD_OPTION` for options streams cannot honour (`firth`, `singular: 'drop'`,
 *   `weights`, `offset`, `threads`: the message says why and what to do instead).
 * @example
 * // a CSV file read in batches of 10 000 rows, once per pass (examples/stream-csv.mjs)
 * const fit = await fitLogisticStream(() => readBatches('big.csv', 10_000), { names: ['gre', 'gpa'] });
 * // HC1 sandwich SEs, clustered on a label each batch carries: { X, y, cluster }
 * const robust = await fitLogisticStream(() => readBatchesWithSchool('big.csv'), { covariance: 'HC1' });
 */
export async function fitLogisticStream(source: BatchSource<LogisticBatch>, options?: StreamFitOptions): Promise<LogisticFit> {
  const caller = 'fitLogisticStream';
  checkSource(source, caller);
  const checked = streamOptions(options, caller, true);
  const intercept = checked.intercept ?? true;
  const nFeatures = checked.nFeatures ?? (await firstBatchColumns(source, caller));
  const shardOf = (batch: LogisticBatch): Shard => {
    checkBatchKeys(batch, true, checked.covariance, caller);
    const shard: LogisticShard = { model: 'logistic', X: batch.X, y: batch.y, intercept };
    if (batch.weights !== undefined) shard.weights = batch.weights;
    if (batch.offset !== undefined) shard.offset = batch.offset;
    if (batch.cluster !== undefined) shard.cluster = batch.cluster;
    return shard;
  };
  const reading = new Passes(source, shardOf, checked.onPass, caller);
  const { separationCheck, onPass: _onPass, ...fitOptions } = checked;
  return fitLogisticWith(reading.statistics(), { ...fitOptions, nFeatures }, caller, {
    unit: 'pass', rule: SAME_ROWS_RULE, optionsChecked: true, meat: (coefficients) => reading.scores(coefficients),
    ...(separationCheck ? { exactSeparation: (guard: SourceGuard) => reading.separation(guard, intercept, nFeatures + (intercept ? 1 : 0), 2) } : {}),
  });
}

/**
 * Fits a multinomial (softmax) regression over rows streamed in batches; see fitLogisticStream
 * (the same checks: separation, by the exact LP check on an extra pass when the symptoms appear;
 * the same rows on every pass).
 * Without `classes`, one extra pass collects the labels first (sorted as fitSoftmax sorts them).
 * @throws {SoftlogitError} as fitSoftmax, and as fitLogisticStream.
 * @example
 * const fit = await fitSoftmaxStream(() => readBatches('iris.csv', 50), { classes: ['setosa', 'versicolor', 'virginica'] });
 */
export async function fitSoftmaxStream(source: BatchSource<SoftmaxBatch>, options?: SoftmaxStreamOptions): Promise<SoftmaxFit> {
  const caller = 'fitSoftmaxStream';
  checkSource(source, caller);
  const checked = streamOptions(options, caller, false);
  const intercept = checked.intercept ?? true;
  let nFeatures = checked.nFeatures;
  let classes = checked.classes;
  if (classes === undefined) {
    const found = await scanClasses(source, caller);
    classes = found.classes;
    nFeatures ??= found.nFeatures;
  }
  nFeatures ??= await firstBatchColumns(source, caller);
  const fixedClasses = classes;
  const shardOf = (batch: SoftmaxBatch): Shard => {
    checkBatchKeys(batch, false, checked.covariance, caller);
    const shard: SoftmaxShard = { model: 'softmax', X: batch.X, y: batch.y, classes: fixedClasses, intercept };
    if (checked.reference !== undefined) shard.reference = checked.reference;
    if (batch.weights !== undefined) shard.weights = batch.weights;
    if (batch.offset !== undefined) shard.offset = batch.offset;
    if (batch.cluster !== undefined) shard.cluster = batch.cluster;
    return shard;
  };
  const reading = new Passes(source, shardOf, checked.onPass, caller);
  const { separationCheck, onPass: _onPass, ...fitOptions } = checked;
  return fitSoftmaxWith(reading.statistics(), { ...fitOptions, nFeatures, classes }, caller, {
    unit: 'pass', rule: SAME_ROWS_RULE, optionsChecked: true, meat: (coefficients) => reading.scores(coefficients),
    ...(separationCheck ? { exactSeparation: (guard: SourceGuard) => reading.separation(guard, intercept, nFeatures! + (intercept ? 1 : 0), classes!.length) } : {}),
  });
}

function checkSource(source: unknown, caller: string): void {
  if (typeof source !== 'function') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: source should be a function that starts a pass over the rows (returning an iterable of batches), got ${describeValue(source)}`);
  }
}

/**
 * A batch's keys: those of LogisticBatch or SoftmaxBatch (a typo such as `weigths` would drop the
 * weights); `cluster` only with a sandwich covariance (as the in-memory fits).
 */
function checkBatchKeys(batch: object, logistic: boolean, covariance: CovarianceType | undefined, caller: string): void {
  checkOptionKeys(batch, 'batch', ['X', 'y', 'weights', 'offset', 'cluster']);
  if ((batch as { cluster?: unknown }).cluster !== undefined && (covariance ?? 'model') === 'model') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: a batch has cluster labels, which need covariance 'HC0' or 'HC1' (a cluster-robust sandwich)`, { option: 'cluster' });
  }
}

/** The passes over a stream: the statistics of every pass, and the rows for the separation check. */
class Passes<B> {
  private pass = 0;

  constructor(
    private readonly source: BatchSource<B>,
    private readonly shardOf: (batch: B) => Shard,
    private readonly onPass: ((pass: number, nRows: number) => void) | undefined,
    private readonly caller: string,
  ) {}

  /** A StatisticsSource that reads every batch of `source` once per call and sums their statistics. */
  statistics(): StatisticsSource {
    return async (coefficients: Float64Array, level: EvaluationLevel): Promise<ShardStatistics> => {
      let sum: ShardStatistics | null = null;
      await this.eachBatch((shard) => {
        const stats = accumulate(shard, coefficients, level);
        sum = sum === null ? stats : combine(sum, stats);
      });
      if (sum === null) throw new SoftlogitError('EMPTY_INPUT', `${this.caller}: the source yielded no rows`);
      this.onPass?.(++this.pass, (sum as ShardStatistics).nRows);
      return sum;
    };
  }

  /**
   * One more pass at the estimate: the score sums of every batch (accumulateScores), closed into the
   * meat of the sandwich. Clusters may span batches (their sums are added by label).
   */
  async scores(coefficients: Float64Array): Promise<SandwichMeat> {
    let sums: ScoreSums | null = null;
    await this.eachBatch((shard) => {
      const part = accumulateScores(shard, coefficients);
      sums ??= new ScoreSums(part.model, part.nParams, part.clusters !== null);
      sums.add(part, 'batch');
    });
    if (sums === null) throw new SoftlogitError('EMPTY_INPUT', `${this.caller}: the source yielded no rows`);
    const meat = (sums as ScoreSums).close();
    this.onPass?.(++this.pass, meat.nRows);
    return meat;
  }

  /** Calls `visit` with each non-empty batch's shard; errors name the batch. */
  private async eachBatch(visit: (shard: Shard) => void): Promise<void> {
    let index = 0;
    for await (const batch of iterate(this.source, this.caller)) {
      try {
        if (rowCount(batch as { X: DesignInput }) === 0) continue;
        visit(this.shardOf(batch));
      } catch (error) {
        throw inBatch(error, index, this.caller);
      } finally {
        index++;
      }
    }
  }

  /**
   * One more pass: collects the rows with non-zero weight (design rows with the intercept,
   * row-major, and their outcomes), checks with `guard` that they are the rows of the other
   * passes, and runs the exact LP check on them. The arrays are allocated once, for the rows with
   * non-zero weight the first pass counted: 8·p bytes a row for the design, 16 (logistic: y and
   * trials) or 8·K (softmax: counts) for the outcomes. (A pass with more such rows stores no more
   * and fails the guard.)
   */
  async separation(guard: SourceGuard, intercept: boolean, nCols: number, nClasses: number): Promise<SeparationResult> {
    const capacity = guard.first?.nInformative ?? 0;
    const X = new Float64Array(capacity * nCols);
    const outcomes = new Float64Array(capacity * nClasses);
    let nKept = 0;
    let nRows = 0;
    let nInformative = 0;
    let weightSum = 0;
    let fingerprint: RowFingerprint = EMPTY_FINGERPRINT;
    let referenceIndex = 0;
    let logistic = true;
    await this.eachBatch((shard) => {
      const rows = readShard(shard, this.caller);
      if (rows.source.nFeatures + (rows.intercept ? 1 : 0) !== nCols) {
        throw new SoftlogitError('BAD_SHAPE', `${this.caller}: X should have ${nCols - (rows.intercept ? 1 : 0)} columns, as on the other passes, got ${rows.source.nFeatures}`);
      }
      nRows += rows.source.nRows;
      nInformative += rows.data.nInformative;
      fingerprint = addFingerprints(fingerprint, fingerprintRows(getRuntime(this.caller), rows.source, rows.extras, this.caller));
      logistic = rows.model === 'logistic';
      const weight = rows.model === 'logistic' ? rows.data.trials : null;
      const successes = rows.model === 'logistic' ? rows.data.successes : null;
      const counts = rows.model === 'softmax' ? rows.data.counts : null;
      const order = rows.model === 'softmax' ? rows.data.internalOrder : null;
      if (rows.model === 'softmax') referenceIndex = rows.data.referenceIndex;
      forEachDesignRow(rows.source, intercept, (i, x) => {
        let total = 0;
        if (weight !== null) total = weight[i]!;
        else for (let k = 0; k < nClasses; k++) total += counts![i * nClasses + k]!;
        weightSum += total;
        if (!(total > 0) || nKept >= capacity) return;
        X.set(x, nKept * nCols);
        if (weight !== null) {
          // y as a success fraction with its trials, as detectSeparationBinary takes them.
          outcomes[2 * nKept] = Math.min(1, Math.max(0, successes![i]! / total));
          outcomes[2 * nKept + 1] = total;
        } else {
          // counts in the user's class order (the LP takes the reference by position)
          for (let k = 0; k < nClasses; k++) outcomes[nKept * nClasses + order![k]!] = counts![i * nClasses + k]!;
        }
        nKept++;
      });
    });
    this.onPass?.(++this.pass, nRows);
    guard.observe({ nRows, nInformative, weightSum, fingerprint });
    const design = nKept === capacity ? X : X.subarray(0, nKept * nCols);
    if (logistic) {
      const y = new Float64Array(nKept);
      const trials = new Float64Array(nKept);
      for (let i = 0; i < nKept; i++) {
        y[i] = outcomes[2 * i]!;
        trials[i] = outcomes[2 * i + 1]!;
      }
      return detectSeparationBinary(design, nKept, nCols, y, trials);
    }
    return detectSeparationMultinomialCounts(design, nKept, nCols, outcomes.subarray(0, nKept * nClasses), nClasses, referenceIndex);
  }
}

function iterate<B>(source: BatchSource<B>, caller: string): AsyncIterable<B> | Iterable<B> {
  const batches = source();
  if (batches === null || typeof batches !== 'object' || (!(Symbol.asyncIterator in batches) && !(Symbol.iterator in batches))) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: source() should return an iterable or async iterable of batches, got ${describeValue(batches)}`);
  }
  return batches;
}

function rowCount(batch: { X: DesignInput }): number {
  if (batch === null || typeof batch !== 'object' || !('X' in batch)) {
    throw new SoftlogitError('BAD_SHAPE', `a batch should be an object { X, y, weights?, offset? }, got ${describeValue(batch)}`);
  }
  const X = batch.X as { nRows?: unknown; rows?: unknown; length?: unknown };
  if (typeof X?.nRows === 'number') return X.nRows;
  if (typeof X?.rows === 'number') return X.rows;
  if (typeof X?.length === 'number') return X.length;
  return -1;
}

/** The error of batch `index`, its message prefixed with the caller and the batch. */
function inBatch(error: unknown, index: number, caller: string): unknown {
  if (!(error instanceof SoftlogitError)) return error;
  const message = error.message.replace(/^(accumulate|accumulateScores|batch): /, '');
  const details = error.details !== undefined && typeof error.details === 'object' ? { ...error.details, batch: index } : { batch: index };
  return new SoftlogitError(error.code, `${caller}: batch ${index}: ${message}`, details);
}

/** nFeatures from the first non-empty batch (the pass is abandoned after it). */
async function firstBatchColumns<B extends { X: DesignInput }>(source: BatchSource<B>, caller: string): Promise<number> {
  for await (const batch of iterate(source, caller)) {
    if (rowCount(batch) === 0) continue;
    return toRowSource(batch.X, caller).nFeatures;
  }
  throw new SoftlogitError('EMPTY_INPUT', `${caller}: the source yielded no rows`);
}

/** One pass collecting the class labels (rows of zero weight aside) and nFeatures. */
async function scanClasses(source: BatchSource<SoftmaxBatch>, caller: string): Promise<{ classes: ClassLabel[]; nFeatures: number }> {
  const labels = new Set<ClassLabel>();
  let nCounts = -1;
  let nFeatures = -1;
  let index = 0;
  for await (const batch of iterate(source, caller)) {
    try {
      if (rowCount(batch) === 0) continue;
      if (nFeatures < 0) nFeatures = toRowSource(batch.X, caller).nFeatures;
      const y = batch.y as unknown;
      if (typeof y === 'object' && y !== null && !Array.isArray(y) && 'counts' in y) {
        const counts = (y as { counts: unknown }).counts as ({ cols?: unknown } & ArrayLike<ArrayLike<number> | null>) | null;
        if (counts === null || typeof counts !== 'object') {
          throw new SoftlogitError('BAD_COUNTS', `${caller}: y.counts should be an n x K matrix of counts, got ${describeValue(counts)}`);
        }
        nCounts = typeof counts.cols === 'number' ? counts.cols : (counts[0]?.length ?? 0);
        continue;
      }
      if (y === null || typeof y !== 'object' || typeof (y as ArrayLike<unknown>).length !== 'number') {
        throw new SoftlogitError('LENGTH_MISMATCH', `${caller}: y should hold one label per row, or be { counts }, got ${describeValue(y)}`);
      }
      const list = y as ArrayLike<unknown>;
      const weights = batch.weights as ArrayLike<unknown> | undefined | null;
      for (let i = 0; i < list.length; i++) {
        const label = list[i];
        // Only valid labels here; accumulate reports the others (BAD_RESPONSE) with their row.
        const valid = typeof label === 'string' || (typeof label === 'number' && Number.isFinite(label));
        if (valid && (weights === undefined || weights === null || !((weights[i] as number) <= 0))) labels.add(label);
      }
    } catch (error) {
      throw inBatch(error, index, caller);
    } finally {
      index++;
    }
  }
  if (nFeatures < 0) throw new SoftlogitError('EMPTY_INPUT', `${caller}: the source yielded no rows`);
  const classes = nCounts >= 0 ? Array.from({ length: nCounts }, (_, k) => k) : sortedLabels(labels);
  return { classes, nFeatures };
}
