/**
 * Parquet files as data frames ({@link readParquet}) and as design sources read one row group at
 * a time ({@link parquetDesignSource}).
 *
 * The reader is hyparquet: plain JavaScript without dependencies or WebAssembly, so it runs the
 * same in Node and in browsers and adds about 100 kB, and it reads one row group and only the
 * columns asked for, which keeps memory at one row group. parquet-wasm would bring a multi-MB
 * WebAssembly module and its own memory beside softlogit's; DuckDB a native or WebAssembly engine
 * of tens of MB. Both are worth it for queries, not for reading columns into Float64Arrays.
 *
 * Column types: floating-point, integer (without a date or time annotation) and boolean columns
 * are numeric (nulls missing), text (UTF8 / STRING / ENUM) columns are text, dummy-coded as the
 * text columns of a CSV file. Other types (dates, decimals, nested columns) are refused.
 */
import { parquetMetadataAsync, parquetRead, type AsyncBuffer, type FileMetaData, type SchemaElement } from 'hyparquet';
import { SoftlogitError } from '../errors.js';
import { describeValue } from '../input/optionKeys.js';
import type { Column, DataFrame } from './csv.js';
import { designSourceOf, type CSVDesignOptions, type CSVDesignSource } from './stream.js';
import type { AsyncBufferLike, FileURLLike } from './sources.js';

/** A Parquet file: a path or `file:` URL (Node), its bytes, or hyparquet's AsyncBuffer. */
export type ParquetFile = string | FileURLLike | ArrayBuffer | Uint8Array | AsyncBufferLike;

/** Options of {@link readParquet}. */
export interface ReadParquetOptions {
  /** Columns to read, by name (default all). */
  columns?: string[];
}

/**
 * Reads a Parquet file into a data frame (the form parseCSV returns), one row group at a time
 * into columns allocated once at their final length.
 *
 * @param file a path or `file:` URL (Node), an ArrayBuffer or Uint8Array of the file, or an AsyncBuffer.
 * @throws {SoftlogitError} `UNKNOWN_COLUMN` for a column not in the file; `BAD_OPTION` for a
 *   column of another type (see the module comment) or a file argument of another type;
 *   `UNREADABLE` for a file that cannot be read or is not Parquet.
 * @example
 * const frame = await readParquet('admissions.parquet', { columns: ['admit', 'gre', 'rank'] });
 * frame.columns[2] // => { name: 'rank', kind: 'string', values: ['3', '3', '1', ...] } (a text column)
 */
export async function readParquet(file: ParquetFile, options: ReadParquetOptions = {}): Promise<DataFrame> {
  const caller = 'readParquet';
  if (options === null || typeof options !== 'object') throw new SoftlogitError('BAD_OPTION', `${caller}: options should be an object, got ${describeValue(options)}`);
  const unknown = Object.keys(options).find((key) => key !== 'columns');
  if (unknown !== undefined) throw new SoftlogitError('BAD_OPTION', `${caller}: unknown option '${unknown}'; the option is 'columns'`);
  const opened = await openParquet(file, caller);
  const names = selectColumns(opened, options.columns, caller);
  const nRows = Number(opened.metadata.num_rows);
  const columns: Column[] = names.map((name) =>
    opened.kinds.get(name) === 'numeric' ? { name, kind: 'numeric', values: new Float64Array(nRows) } : { name, kind: 'string', values: new Array<string | null>(nRows).fill(null) },
  );
  await forEachRowGroup(opened, names, caller, (groupColumns, firstRow) => {
    groupColumns.forEach((column, k) => {
      const target = columns[k]!;
      if (target.kind === 'numeric') target.values.set(column.values as Float64Array, firstRow);
      else for (let i = 0; i < column.values.length; i++) target.values[firstRow + i] = column.values[i] as string | null;
    });
  });
  return { names, columns, nRows };
}

/**
 * A design source over a Parquet file, read one row group at a time on every pass (see
 * csvDesignSource: the same batches as designMatrix on the whole file, in order).
 *
 * @param file as readParquet's.
 * @param options designMatrix's options (a label `response`; no `counts`); `batchRows` is ignored:
 *   the row groups are the batches.
 * @throws {SoftlogitError} as readParquet and csvDesignSource.
 * @example
 * const design = await parquetDesignSource('big.parquet', { response: 'y' });
 * const fit = await fitLogisticStream(logisticBatches(design), { names: design.names, nFeatures: design.nFeatures });
 */
export async function parquetDesignSource(file: ParquetFile, options: CSVDesignOptions): Promise<CSVDesignSource> {
  const caller = 'parquetDesignSource';
  const opened = await openParquet(file, caller);
  const frames = async function* (columns: string[] | undefined) {
    const names = selectColumns(opened, columns, caller);
    const groups: (DataFrame & { firstRow: number })[] = [];
    // One row group is read, handed out and dropped before the next is read.
    for (let g = 0; g < opened.metadata.row_groups.length; g++) {
      groups.length = 0;
      await forEachRowGroup(opened, names, caller, (groupColumns, firstRow) => {
        groups.push({ names, columns: groupColumns, nRows: groupColumns[0]?.values.length ?? 0, firstRow });
      }, g);
      yield* groups;
    }
  };
  return designSourceOf(frames, options, caller);
}

/** An open file: its bytes as an AsyncBuffer, its metadata, and each top-level column's kind. */
interface OpenParquet {
  file: AsyncBuffer;
  metadata: FileMetaData;
  kinds: Map<string, Column['kind'] | { unsupported: string }>;
  names: string[];
}

async function openParquet(file: ParquetFile, caller: string): Promise<OpenParquet> {
  const buffer = asyncBuffer(file, caller);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    throw new SoftlogitError('UNREADABLE', `${caller}: cannot read ${typeof file === 'string' || file instanceof URL ? String(file) : 'the file'} as Parquet: ${(error as Error)?.message ?? String(error)}`, {
      ...(typeof code === 'string' ? { code } : {}),
    });
  }
  const kinds = new Map<string, Column['kind'] | { unsupported: string }>();
  const names: string[] = [];
  // schema[0] is the root; its children follow, each group followed by its own children.
  const schema = metadata.schema;
  for (let i = 1, skip = 0; i < schema.length; i++) {
    const element = schema[i]!;
    if (skip > 0) {
      skip += (element.num_children ?? 0) - 1;
      continue;
    }
    names.push(element.name);
    if (element.num_children) {
      kinds.set(element.name, { unsupported: 'a nested (group) column' });
      skip = element.num_children;
    } else {
      kinds.set(element.name, kindOf(element));
    }
  }
  return { file: buffer, metadata, kinds, names };
}

/** The column kind of a Parquet schema element, or why it is not supported. */
function kindOf(element: SchemaElement): Column['kind'] | { unsupported: string } {
  const converted = element.converted_type;
  const logical = element.logical_type?.type;
  if (element.repetition_type === 'REPEATED') return { unsupported: 'a repeated (list) column' };
  if (element.type === 'BYTE_ARRAY' && (converted === 'UTF8' || converted === 'ENUM' || logical === 'STRING' || logical === 'ENUM')) return 'string';
  if (element.type === 'DOUBLE' || element.type === 'FLOAT' || element.type === 'BOOLEAN') return 'numeric';
  if ((element.type === 'INT32' || element.type === 'INT64') && (converted === undefined || /^U?INT_/.test(converted)) && (logical === undefined || logical === 'INTEGER')) return 'numeric';
  return { unsupported: `Parquet type ${element.type ?? '?'}${converted ? ` (${converted})` : logical ? ` (${logical})` : ''}` };
}

/** The names to read, checked against the file: all readable columns when `wanted` is undefined. */
function selectColumns(opened: OpenParquet, wanted: string[] | undefined, caller: string): string[] {
  if (wanted !== undefined && !(Array.isArray(wanted) && wanted.every((name) => typeof name === 'string'))) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: options.columns should be an array of column names, got ${describeValue(wanted)}`);
  }
  const names = wanted ?? opened.names;
  for (const name of names) {
    const kind = opened.kinds.get(name);
    if (kind === undefined) {
      throw new SoftlogitError('UNKNOWN_COLUMN', `${caller}: no column "${name}"; columns are: ${opened.names.join(', ')}`, { column: name, available: opened.names });
    }
    if (typeof kind === 'object') {
      throw new SoftlogitError('BAD_OPTION', `${caller}: column "${name}" is ${kind.unsupported}; expected numbers, booleans or text`, { column: name });
    }
  }
  return names;
}

/**
 * Reads the row groups (or only group `only`) one at a time and hands each over as columns of
 * the group's rows, with the 0-based row of its first row in the file.
 */
async function forEachRowGroup(
  opened: OpenParquet,
  names: string[],
  caller: string,
  take: (columns: Column[], firstRow: number) => void,
  only?: number,
): Promise<void> {
  let firstRow = 0;
  for (let g = 0; g < opened.metadata.row_groups.length; g++) {
    const nRows = Number(opened.metadata.row_groups[g]!.num_rows);
    if (only !== undefined && g !== only) {
      firstRow += nRows;
      continue;
    }
    const columns: Column[] = names.map((name) =>
      opened.kinds.get(name) === 'numeric' ? { name, kind: 'numeric', values: new Float64Array(nRows) } : { name, kind: 'string', values: new Array<string | null>(nRows).fill(null) },
    );
    const index = new Map(names.map((name, k) => [name, k]));
    try {
      await parquetRead({
        file: opened.file,
        metadata: opened.metadata,
        columns: names,
        rowStart: firstRow,
        rowEnd: firstRow + nRows,
        onChunk: ({ columnName, columnData, rowStart }) => {
          const k = index.get(columnName);
          if (k === undefined) return;
          const column = columns[k]!;
          for (let i = 0; i < columnData.length; i++) {
            const r = rowStart + i - firstRow;
            if (r < 0 || r >= nRows) continue;
            const value: unknown = columnData[i];
            if (column.kind === 'numeric') column.values[r] = value === null || value === undefined ? NaN : Number(value);
            else column.values[r] = value === null || value === undefined ? null : String(value);
          }
        },
      });
    } catch (error) {
      if (error instanceof SoftlogitError) throw error;
      throw new SoftlogitError('UNREADABLE', `${caller}: cannot read row group ${g}: ${(error as Error)?.message ?? String(error)}`);
    }
    take(columns, firstRow);
    firstRow += nRows;
  }
}

/** File system functions, from Node's built-in module (no import, so browser bundles stay clean). */
interface NodeFSPromises {
  open(path: string | URL): Promise<{ stat(): Promise<{ size: number }>; read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>; close(): Promise<void> }>;
  stat(path: string | URL): Promise<{ size: number }>;
}

/** The file as an AsyncBuffer: bytes in memory, or slices read from a path on demand (Node). */
function asyncBuffer(file: ParquetFile, caller: string): AsyncBuffer {
  if (file instanceof ArrayBuffer) return { byteLength: file.byteLength, slice: (start, end) => file.slice(start, end) };
  if (file instanceof Uint8Array) {
    const bytes = file;
    return { byteLength: bytes.byteLength, slice: (start, end) => bytes.slice(start, end).buffer };
  }
  if (typeof file === 'string' || file instanceof URL) {
    const nodeProcess = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
    const fs = nodeProcess?.getBuiltinModule?.('node:fs') as { promises: NodeFSPromises; statSync(path: string | URL): { size: number } } | undefined;
    if (fs === undefined) throw new SoftlogitError('BAD_OPTION', `${caller}: reading a file by its path needs Node ≥ 20.16; elsewhere pass its bytes (await file.arrayBuffer())`);
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new SoftlogitError('UNREADABLE', `${caller}: cannot read ${String(file)}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, {
        ...(typeof code === 'string' ? { code } : {}),
        path: String(file),
      });
    }
    return {
      byteLength: size,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const length = (end ?? size) - start;
        const bytes = new Uint8Array(length);
        const handle = await fs.promises.open(file);
        try {
          let at = 0;
          while (at < length) {
            const { bytesRead } = await handle.read(bytes, at, length - at, start + at);
            if (bytesRead === 0) break;
            at += bytesRead;
          }
        } finally {
          await handle.close();
        }
        return bytes.buffer;
      },
    };
  }
  const candidate = file as Partial<AsyncBuffer> | null;
  if (candidate !== null && typeof candidate === 'object' && typeof candidate.byteLength === 'number' && typeof candidate.slice === 'function') return candidate as AsyncBuffer;
  throw new SoftlogitError('BAD_OPTION', `${caller}: expected a Parquet file as a path, bytes or an AsyncBuffer, got ${describeValue(file)}`);
}
