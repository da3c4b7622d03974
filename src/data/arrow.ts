/**
 * Apache Arrow tables and record batches as design sources for the streaming fits.
 *
 * Each record batch becomes a batch of a data frame: integer, floating-point and boolean columns
 * numeric (nulls as NaN, so missing), text and dictionary columns text (nulls missing). From
 * there it is the path of a CSV file ({@link frameDesignSource}): one scan fixes the types, the
 * levels of every factor (dictionary columns are dummy-coded as CSV text columns are, R's
 * `model.matrix`) and of the response, and each pass codes the batches with them.
 *
 * The module reads Arrow objects by their documented shape (`schema.fields`, `numRows`,
 * `getChildAt`, `get`, `isValid`, `type.typeId`) and does not import `apache-arrow`, so softlogit
 * has no dependency on it; tests run it against apache-arrow 21.2.0.
 */
import { SoftlogitError } from '../errors.js';
import { describeValue } from '../input/optionKeys.js';
import type { Column } from './csv.js';
import { designSourceOf, type CSVDesignOptions, type CSVDesignSource } from './stream.js';

/** The part of an Arrow vector (a column of a record batch) that is read. */
export interface ArrowVectorLike {
  length: number;
  nullCount: number;
  type: { typeId: number };
  get(index: number): unknown;
  isValid(index: number): boolean;
  toArray(): ArrayLike<unknown>;
}

/** The part of an Arrow record batch that is read. */
export interface ArrowBatchLike {
  numRows: number;
  schema: { fields: { name: string }[] };
  getChildAt(index: number): ArrowVectorLike | null;
}

/**
 * An Arrow table (its `batches`), or something that starts a pass over record batches: an
 * array of them, or a function returning a (async) iterable of them (called once per pass).
 */
export type ArrowSource =
  | { batches: readonly ArrowBatchLike[] }
  | readonly ArrowBatchLike[]
  | (() => Iterable<ArrowBatchLike> | AsyncIterable<ArrowBatchLike>);

/** Arrow's type ids (apache-arrow `Type`) that are read as numbers or as text. */
const TYPE = { Dictionary: -1, Int: 2, Float: 3, Utf8: 5, Bool: 6, LargeUtf8: 20 } as const;

/**
 * A design source over an Arrow table or record batches: the coded batches of a main-effects
 * model `response ~ predictors`, with the names, classes and counts designMatrix would give the
 * same data as a frame. Pass them to `fitLogisticStream` / `fitSoftmaxStream` with
 * {@link logisticBatches} / {@link softmaxBatches}.
 *
 * @param source a Table, an array of RecordBatches, or a function starting a pass over batches.
 * @param options designMatrix's options (a label `response`; no `counts`) and `batchRows`, which
 *   is ignored here: the record batches are the batches.
 * @throws {SoftlogitError} `BAD_OPTION` for a source of another shape or a column of another
 *   Arrow type (lists, structs, dates, decimals), and as frameDesignSource.
 * @example
 * import { tableFromArrays } from 'apache-arrow';
 * const table = tableFromArrays({ y: Float64Array.of(0, 1, 1, 0), g: ['a', 'b', 'a', 'b'], x: Float64Array.of(1, 2, 3, 5) });
 * const design = await arrowDesignSource(table, { response: 'y' });
 * design.names // => ['gb', 'x']
 * const fit = await fitLogisticStream(logisticBatches(design), { names: design.names, nFeatures: design.nFeatures });
 */
export async function arrowDesignSource(source: ArrowSource, options: CSVDesignOptions): Promise<CSVDesignSource> {
  const caller = 'arrowDesignSource';
  const pass = batchesOf(source, caller);
  const frames = async function* (columns: string[] | undefined) {
    let firstRow = 0;
    const batches = pass();
    if (batches === null || typeof batches !== 'object' || (!(Symbol.iterator in batches) && !(Symbol.asyncIterator in batches))) {
      throw new SoftlogitError('BAD_OPTION', `${caller}: the source function should return an iterable of Arrow record batches, got ${describeValue(batches)}`);
    }
    for await (const batch of batches) {
      if (
        batch === null || typeof batch !== 'object' || !Number.isInteger(batch.numRows) || batch.numRows < 0 ||
        typeof batch.getChildAt !== 'function' || !Array.isArray(batch.schema?.fields)
      ) {
        throw new SoftlogitError('BAD_OPTION', `${caller}: expected Arrow record batches, got ${describeValue(batch)}`);
      }
      const all = batch.schema.fields.map((field) => field.name);
      const names = columns ?? all;
      const frameColumns = names.map((name) => {
        const j = all.indexOf(name);
        if (j < 0) {
          throw new SoftlogitError('UNKNOWN_COLUMN', `${caller}: no column "${name}"; columns are: ${all.join(', ')}`, { column: name, available: all });
        }
        return arrowColumn(name, batch.getChildAt(j), batch.numRows, caller);
      });
      yield { names, columns: frameColumns, nRows: batch.numRows, firstRow };
      firstRow += batch.numRows;
    }
  };
  return designSourceOf(frames, options, caller);
}

/** A function starting a pass over the record batches of the source. */
function batchesOf(source: ArrowSource, caller: string): () => Iterable<ArrowBatchLike> | AsyncIterable<ArrowBatchLike> {
  if (typeof source === 'function') return source;
  if (Array.isArray(source)) return () => source;
  if (source !== null && typeof source === 'object' && Array.isArray((source as { batches?: unknown }).batches)) {
    const table = source as { batches: readonly ArrowBatchLike[] };
    return () => table.batches;
  }
  throw new SoftlogitError(
    'BAD_OPTION',
    `${caller}: expected an Arrow Table, an array of RecordBatches or a function returning an iterable of them, got ${describeValue(source)}`,
  );
}

/** One Arrow vector as a frame column: numbers (null → NaN) or text (null → null). */
function arrowColumn(name: string, vector: ArrowVectorLike | null, nRows: number, caller: string): Column {
  if (vector === null || typeof vector !== 'object' || typeof vector.get !== 'function' || typeof vector.isValid !== 'function' || typeof vector.type?.typeId !== 'number' || vector.length !== nRows) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: column "${name}" should be an Arrow vector of the batch's ${nRows} rows, got ${describeValue(vector)}`, { column: name });
  }
  const typeId = vector.type.typeId;
  if (typeId === TYPE.Int || typeId === TYPE.Float || typeId === TYPE.Bool) {
    const values = new Float64Array(nRows);
    const raw: ArrayLike<unknown> = typeof vector.toArray === 'function' ? vector.toArray() : [];
    if (vector.nullCount === 0 && raw.length === nRows && !(raw instanceof BigInt64Array || raw instanceof BigUint64Array) && typeId !== TYPE.Bool) {
      for (let i = 0; i < nRows; i++) values[i] = raw[i] as number;
    } else {
      for (let i = 0; i < nRows; i++) values[i] = vector.isValid(i) ? Number(vector.get(i)) : NaN;
    }
    return { name, kind: 'numeric', values };
  }
  if (typeId === TYPE.Utf8 || typeId === TYPE.LargeUtf8 || typeId === TYPE.Dictionary) {
    const values = new Array<string | null>(nRows);
    for (let i = 0; i < nRows; i++) values[i] = vector.isValid(i) ? String(vector.get(i)) : null;
    return { name, kind: 'string', values };
  }
  throw new SoftlogitError(
    'BAD_OPTION',
    `${caller}: column "${name}" has Arrow type id ${typeId}; expected integers, floating-point numbers, booleans, text or a dictionary`,
    { column: name, typeId },
  );
}
