// Streaming (out-of-core) fits: the rows come in batches from a source that can be read again
// from the start once per pass (a CSV file read in chunks, a database cursor, a generator), so
// only one batch is in memory at a time. Each pass sums the batches' statistics (src/shard/) at
// the current coefficients; Newton's method runs on the sums (src/shard/fit.ts), the same steps
// as the in-memory fit, so the result is the same MLE.
import { SoftlogitError } from '../errors.js';
import type { BinaryResponse } from '../input/binaryResponse.js';
import { toRowSource, type DesignInput } from '../input/design.js';
import type { LogisticFit } from '../models/logisticFit.js';
import type { CommonFitOptions } from '../input/options.js';
import type { SoftmaxFit, Parameterization } from '../models/softmaxFit.js';
import { sortedLabels, type ClassLabel, type MultinomialResponse } from '../input/softmaxResponse.js';
import type { EvaluationLevel } from '../objective/types.js';
import { fitLogisticWith, fitSoftmaxWith, type StatisticsSource } from '../shard/fit.js';
import { accumulate, combine, type LogisticShard, type Shard, type ShardStatistics, type SoftmaxShard } from '../shard/statistics.js';

/** A batch of rows of a binary response: as fitLogistic's arguments (X without the intercept). */
export interface LogisticBatch {
  X: DesignInput;
  y: BinaryResponse;
  weights?: ArrayLike<number>;
  offset?: ArrayLike<number>;
}

/** A batch of rows of a multinomial response: labels or an n x K matrix of counts. */
export interface SoftmaxBatch {
  X: DesignInput;
  y: MultinomialResponse;
  weights?: ArrayLike<number>;
}

/**
 * Where the rows come from: a function that starts a new pass over all rows each time it is
 * called, returning an async (or sync) iterable of batches. Every pass must yield the same rows.
 */
export type BatchSource<B> = () => AsyncIterable<B> | Iterable<B>;

export interface StreamFitOptions extends Omit<CommonFitOptions, 'weights' | 'threads'> {
  /** Columns of X (default: read from the first batch). */
  nFeatures?: number;
  /** Called after each pass over the data with the pass number (from 1) and the rows read. */
  onPass?: (pass: number, nRows: number) => void;
}

export interface SoftmaxStreamOptions extends StreamFitOptions {
  /** Class order; default the sorted distinct labels, found by one extra pass over the labels. */
  classes?: readonly ClassLabel[];
  reference?: ClassLabel;
  parameterization?: Parameterization;
}

/**
 * Fits a binary logistic regression over rows streamed in batches, reading the source once per
 * Newton evaluation (about iterations + 2 passes). Memory: one batch (in JS and once in WASM
 * memory) plus O(p²); the result equals fitLogistic on all rows to ~1e-12 relative (the sums
 * are the same, added in another order).
 *
 * @throws {SoftlogitError} as fitLogistic (errors found in a batch name the batch: "batch 3: …"),
 *   `EMPTY_INPUT` when a pass yields no rows.
 * @example
 * // a CSV file read in batches of 10 000 rows, once per pass (examples/stream-csv.mjs)
 * const fit = await fitLogisticStream(() => readBatches('big.csv', 10_000), { names: ['gre', 'gpa'] });
 */
export async function fitLogisticStream(source: BatchSource<LogisticBatch>, options: StreamFitOptions = {}): Promise<LogisticFit> {
  const caller = 'fitLogisticStream';
  checkSource(source, caller);
  const intercept = options.intercept ?? true;
  const nFeatures = options.nFeatures ?? (await firstBatchColumns(source, caller));
  const shardOf = (batch: LogisticBatch): Shard => {
    const shard: LogisticShard = { model: 'logistic', X: batch.X, y: batch.y, intercept };
    if (batch.weights !== undefined) shard.weights = batch.weights;
    if (batch.offset !== undefined) shard.offset = batch.offset;
    return shard;
  };
  return fitLogisticWith(passes(source, shardOf, options.onPass, caller), { ...options, nFeatures }, caller);
}

/**
 * Fits a multinomial (softmax) regression over rows streamed in batches; see fitLogisticStream.
 * Without `classes`, one extra pass collects the labels first (sorted as fitSoftmax sorts them).
 * @throws {SoftlogitError} as fitSoftmax, and as fitLogisticStream.
 */
export async function fitSoftmaxStream(source: BatchSource<SoftmaxBatch>, options: SoftmaxStreamOptions = {}): Promise<SoftmaxFit> {
  const caller = 'fitSoftmaxStream';
  checkSource(source, caller);
  const intercept = options.intercept ?? true;
  let nFeatures = options.nFeatures;
  let classes = options.classes;
  if (classes === undefined) {
    const found = await scanClasses(source, caller);
    classes = found.classes;
    nFeatures ??= found.nFeatures;
  }
  nFeatures ??= await firstBatchColumns(source, caller);
  const fixedClasses = classes;
  const shardOf = (batch: SoftmaxBatch): Shard => {
    const shard: SoftmaxShard = { model: 'softmax', X: batch.X, y: batch.y, classes: fixedClasses, intercept };
    if (options.reference !== undefined) shard.reference = options.reference;
    if (batch.weights !== undefined) shard.weights = batch.weights;
    return shard;
  };
  return fitSoftmaxWith(passes(source, shardOf, options.onPass, caller), { ...options, nFeatures, classes }, caller);
}

function checkSource(source: unknown, caller: string): void {
  if (typeof source !== 'function') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: source should be a function that starts a pass over the rows (returning an iterable of batches), got ${typeof source}`);
  }
}

/** A StatisticsSource that reads every batch of `source` once per call and sums their statistics. */
function passes<B>(source: BatchSource<B>, shardOf: (batch: B) => Shard, onPass: ((pass: number, nRows: number) => void) | undefined, caller: string): StatisticsSource {
  let pass = 0;
  return async (coefficients: Float64Array, level: EvaluationLevel): Promise<ShardStatistics> => {
    let sum: ShardStatistics | null = null;
    let index = 0;
    for await (const batch of iterate(source, caller)) {
      let stats: ShardStatistics;
      try {
        if (rowCount(batch as { X: DesignInput }) === 0) continue;
        stats = accumulate(shardOf(batch), coefficients, level);
      } catch (error) {
        throw inBatch(error, index, caller);
      } finally {
        index++;
      }
      sum = sum === null ? stats : combine(sum, stats);
    }
    if (sum === null) throw new SoftlogitError('EMPTY_INPUT', `${caller}: the source yielded no rows`);
    onPass?.(++pass, sum.nRows);
    return sum;
  };
}

function iterate<B>(source: BatchSource<B>, caller: string): AsyncIterable<B> | Iterable<B> {
  const batches = source();
  if (batches === null || typeof batches !== 'object' || (!(Symbol.asyncIterator in batches) && !(Symbol.iterator in batches))) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: source() should return an iterable or async iterable of batches, got ${batches === null ? 'null' : typeof batches}`);
  }
  return batches;
}

function rowCount(batch: { X: DesignInput }): number {
  if (batch === null || typeof batch !== 'object' || !('X' in batch)) {
    throw new SoftlogitError('BAD_SHAPE', 'a batch should be an object { X, y, weights?, offset? }');
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
  const message = error.message.replace(/^accumulate: /, '');
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
  for await (const batch of iterate(source, caller)) {
    if (rowCount(batch) === 0) continue;
    if (nFeatures < 0) nFeatures = toRowSource(batch.X, caller).nFeatures;
    const y = batch.y;
    if (typeof y === 'object' && y !== null && !Array.isArray(y) && 'counts' in y) {
      const counts = y.counts as { cols?: number } & ArrayLike<ArrayLike<number>>;
      nCounts = typeof counts.cols === 'number' ? counts.cols : (counts[0]?.length ?? 0);
      continue;
    }
    const list = y as ArrayLike<ClassLabel>;
    for (let i = 0; i < list.length; i++) if (!batch.weights || batch.weights[i]! > 0) labels.add(list[i]!);
  }
  if (nFeatures < 0) throw new SoftlogitError('EMPTY_INPUT', `${caller}: the source yielded no rows`);
  const classes = nCounts >= 0 ? Array.from({ length: nCounts }, (_, k) => k) : sortedLabels(labels);
  return { classes, nFeatures };
}
