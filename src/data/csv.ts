/**
 * CSV text → typed columns, the way R's `read.csv` would read it for a model.
 *
 * Conventions (one place, so the CLI and the browser demo agree):
 * - The first non-empty line is the header; names are required, non-empty and unique.
 * - Fields are separated by commas (or by `options.delimiter`: `;` or a tab) and may be quoted
 *   with `"` (a doubled `""` is a literal quote); quoted fields may hold delimiters and line
 *   breaks. Line endings `\r\n`, `\r` and `\n` are all read as `\n` (also inside quoted fields).
 *   Blank lines are skipped, like R's `blank.lines.skip`.
 * - Whitespace around a field is trimmed; whitespace inside quotes is kept (R's `strip.white`
 *   for unquoted fields); with a tab delimiter only spaces are, as tabs separate the fields.
 *   A leading byte-order mark is ignored.
 * - A cell is missing when it is empty or `NA` (quoted or not), like R's `na.strings = "NA"`.
 * - A column is numeric when every non-missing cell is a number in decimal notation (`12`, `-3.5`,
 *   `.5`, `1e-3`), `Inf`/`-Inf`, or `NaN`. Otherwise the column holds strings (a categorical
 *   column). In numeric columns missing cells and `NaN` are stored as `NaN` (R's `is.na(NaN)` is
 *   true); `Inf` is stored as `Infinity` and rejected later only if a model uses the column.
 *
 * Memory: the text is read record by record ({@link CSVTokenizer}) straight into typed columns:
 * a Float64Array per numeric column (8 bytes a cell) and, per text column, an array whose equal
 * cells share one string. No array of rows and no array of all records is made. {@link readCSV}
 * does the same from a file or stream without holding the text.
 */
import { SoftlogitError } from '../errors.js';
import { checkOptionKeys, describeValue, optionKeysOf } from '../input/optionKeys.js';
import { CSV_DELIMITERS, CSVTokenizer, fieldText, recordFields, type CSVDelimiter, type RecordView } from './tokenizer.js';
import type { FileURLLike, ReadableStreamLike } from './sources.js';

/** A column of numbers; `NaN` marks a missing value. */
export interface NumericColumn {
  name: string;
  kind: 'numeric';
  values: Float64Array;
}

/** A column of text (a categorical column); `null` marks a missing value. */
export interface StringColumn {
  name: string;
  kind: 'string';
  values: (string | null)[];
}

/** One named column of a {@link DataFrame}. */
export type Column = NumericColumn | StringColumn;

/**
 * Columns of equal length, as read from a CSV file.
 *
 * `lineNumbers[i]` is the line of the file on which data row `i` (0-based) starts; it is present
 * when the frame came from {@link parseCSV} and lets later errors point into the file.
 */
export interface DataFrame {
  names: string[];
  columns: Column[];
  nRows: number;
  lineNumbers?: Uint32Array;
}


/** Per-column overrides of {@link parseCSV}'s type inference, and which columns to keep. */
export interface ParseCSVOptions {
  /** Columns that must be numeric: a non-numeric, non-missing cell is an error. */
  numeric?: string[];
  /**
   * Columns kept as text even if every cell is a number (R's `colClasses = "factor"`); their
   * levels then sort as strings ("10" before "2"). To code a numeric column as a factor with
   * numerically sorted levels (R's `factor(rank)`), use `designMatrix`'s `factors` instead.
   */
  factors?: string[];
  /**
   * Columns to keep, by name (default: all). The others are read past (still checked for the
   * CSV structure) but not converted or stored, which saves their memory on large files.
   */
  columns?: string[];
  /**
   * The field separator: `,` (default), `;` (R's `read.csv2` files; numbers with a decimal comma
   * are not converted, so such columns are read as text) or `'\t'` (tab-separated values, R's
   * `read.delim`; tabs then separate fields and only spaces around a field are trimmed).
   */
  delimiter?: CSVDelimiter;
}

/** Every key of ParseCSVOptions (checked by the compiler against the interface). */
const PARSE_CSV_OPTION_KEYS = optionKeysOf<ParseCSVOptions>()(['numeric', 'factors', 'columns', 'delimiter']);

/** Options of {@link readCSVHeader}. */
export type ReadCSVHeaderOptions = Pick<ParseCSVOptions, 'delimiter'>;

const READ_CSV_HEADER_OPTION_KEYS = optionKeysOf<ReadCSVHeaderOptions>()(['delimiter']);

/**
 * `options.delimiter`, checked: `,` when it is not given.
 *
 * @throws {SoftlogitError} `BAD_OPTION` for anything but `,`, `;` or a tab.
 * @example
 * delimiterOption({ delimiter: '\t' }, 'parseCSV') // => '\t'
 * delimiterOption({}, 'parseCSV') // => ','
 */
export function delimiterOption(options: { delimiter?: unknown }, caller: string): CSVDelimiter {
  const delimiter = options.delimiter;
  if (delimiter === undefined) return ',';
  if (!(CSV_DELIMITERS as readonly unknown[]).includes(delimiter)) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: options.delimiter should be ',', ';' or '\\t' (a tab), got ${describeValue(delimiter)}`, { option: 'delimiter' });
  }
  return delimiter as CSVDelimiter;
}

/** Cells R's `read.csv` reads as `NA` (compared after trimming). */
const MISSING_TOKENS: ReadonlySet<string> = new Set(['', 'NA']);
const DECIMAL_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;
const NOT_A_NUMBER = /^[+-]?nan$/i;

/** Rows per block of a column while it is read; the blocks are joined once at the end. */
export const BLOCK_ROWS = 1 << 16;

/** Characters of text handed to the tokenizer at a time by parseCSV. */
const TEXT_CHUNK = 1 << 20;

/**
 * Parses CSV text with a header row into typed columns (see the module comment for the exact
 * conventions). Runs in O(cells); memory is the columns plus one block of rows, not a copy of the
 * text per cell. A column inferred numeric that turns out to hold text further down is read
 * again as text (the text is at hand), so R's inference is kept exactly.
 *
 * @param text the whole file as a string.
 * @param options `numeric` demands numeric columns, `factors` keeps columns as text, `columns`
 *   keeps only the columns named, `delimiter` is the field separator (`,`, `;` or `'\t'`).
 * @returns the columns in header order, with each data row's line number in the file.
 * @throws {SoftlogitError} `BAD_CSV` for an empty file, a missing or malformed header (an empty or
 *   duplicated name, or a first line made only of numbers), a row with the wrong number of fields,
 *   an unclosed quote, or a non-numeric cell in a column listed in `options.numeric` (the error
 *   names the data row, its line, the column and the value).
 * @throws {SoftlogitError} `UNKNOWN_COLUMN` when an option names a column not in the header.
 * @throws {SoftlogitError} `BAD_OPTION` when a column is listed in both `numeric` and `factors`,
 *   or for a `delimiter` other than `,`, `;` and a tab.
 *
 * @example
 * const frame = parseCSV('admit,gre,rank\n0,380,3\n1,NA,"1"\n');
 * frame.nRows // => 2
 * frame.columns[1] // => { name: 'gre', kind: 'numeric', values: Float64Array [380, NaN] }
 * parseCSV('admit,rank\n0,3\n', { factors: ['rank'] }).columns[1].values // => ['3']
 * parseCSV('admit,gre,rank\n0,380,3\n', { columns: ['admit', 'rank'] }).names // => ['admit', 'rank']
 * parseCSV('y\tx\n1\t\n0\t2.5\n', { delimiter: '\t' }).columns[1].values // => Float64Array [NaN, 2.5]
 */
export function parseCSV(text: string, options: ParseCSVOptions = {}): DataFrame {
  const caller = 'parseCSV';
  checkOptionKeys(options, caller, PARSE_CSV_OPTION_KEYS);
  const delimiter = delimiterOption(options, caller);
  if (typeof text !== 'string') throw new SoftlogitError('BAD_CSV', `${caller}: expected the CSV text as a string, got ${describeValue(text)}`);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const asText = new Set<string>();
  for (;;) {
    const builder = new FrameBuilder(options, caller, asText, true);
    const tokenizer = new CSVTokenizer(builder.add, caller, delimiter);
    try {
      for (let at = 0; at < body.length; at += TEXT_CHUNK) tokenizer.push(body.slice(at, at + TEXT_CHUNK));
      tokenizer.end();
      return builder.finish();
    } catch (error) {
      if (!(error instanceof ReadAgainAsText)) throw error;
      asText.add(error.column);
    }
  }
}

/**
 * Where {@link readCSV} reads from: a file path or `file:` URL (Node), or a stream of bytes
 * (UTF-8) or text: a Node `Readable`, a web `ReadableStream`, or any (async) iterable of chunks.
 */
export type CSVSource = string | FileURLLike | ReadableStreamLike<Uint8Array | string> | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/**
 * Reads CSV from a file or a stream into typed columns, as {@link parseCSV} reads text, without
 * holding the text: memory is the columns (8 bytes a numeric cell), one chunk of input and one
 * block of rows. The conventions, options, results and errors are parseCSV's.
 *
 * A file path is read in 1 MiB chunks (Node only: it uses `node:fs`). A column inferred numeric
 * that holds text further down is read again as text from the start; a stream cannot be read
 * twice, so from a stream that is a `BAD_CSV` error asking for the column in `options.factors`
 * (or in `options.numeric`, when the text is a typo).
 *
 * @param source a path or `file:` URL, or a stream / (async) iterable of UTF-8 bytes or text.
 * @param options as parseCSV's: `numeric`, `factors`, `columns`, `delimiter`.
 * @returns a promise of the frame, as parseCSV returns it.
 * @throws {SoftlogitError} as parseCSV; `BAD_CSV` also for a numeric column that turns to text
 *   in a stream (see above); `BAD_OPTION` for a source of another type, a chunk that is neither
 *   text nor a Uint8Array, or a path outside Node; `UNREADABLE` for a file or stream that fails
 *   while read (`details.code` is the system's: `ENOENT`, `EISDIR`, `EACCES`, ...).
 *
 * @example
 * const frame = await readCSV('data/binary.csv', { factors: ['rank'] });
 * frame.names // => ['admit', 'gre', 'gpa', 'rank']
 * frame.nRows // => 400
 * const streamed = await readCSV(['y,x\n0,1', '.5\n1,2\n']);
 * streamed.columns[1].values // => Float64Array [1.5, 2]
 * const tsv = await readCSV(['y\tx\n0\t1.5\n'], { delimiter: '\t' });
 * tsv.names // => ['y', 'x']
 */
export async function readCSV(source: CSVSource, options: ParseCSVOptions = {}): Promise<DataFrame> {
  const caller = 'readCSV';
  checkOptionKeys(options, caller, PARSE_CSV_OPTION_KEYS);
  const delimiter = delimiterOption(options, caller);
  const restartable = typeof source === 'string' || source instanceof URL;
  const asText = new Set<string>();
  for (;;) {
    const builder = new FrameBuilder(options, caller, asText, restartable);
    const tokenizer = new CSVTokenizer(builder.add, caller, delimiter);
    try {
      for await (const chunk of textChunks(source, caller)) tokenizer.push(chunk);
      tokenizer.end();
      return builder.finish();
    } catch (error) {
      if (!(error instanceof ReadAgainAsText)) throw error;
      asText.add(error.column);
    }
  }
}

/**
 * The column names on the first line of a CSV file or stream, reading no further than that line.
 *
 * @param source as readCSV's (a stream is left part-read).
 * @param options `delimiter`, as parseCSV's.
 * @throws {SoftlogitError} `BAD_CSV` for an empty text or a malformed header, as parseCSV;
 *   `BAD_OPTION` for an unknown option or delimiter.
 * @example
 * await readCSVHeader('data/binary.csv') // => ['admit', 'gre', 'gpa', 'rank']
 * await readCSVHeader(['a;b;c\n1;2;3\n'], { delimiter: ';' }) // => ['a', 'b', 'c']
 */
export async function readCSVHeader(source: CSVSource, options: ReadCSVHeaderOptions = {}): Promise<string[]> {
  const caller = 'readCSVHeader';
  checkOptionKeys(options, caller, READ_CSV_HEADER_OPTION_KEYS);
  const delimiter = delimiterOption(options, caller);
  let header: string[] | undefined;
  const tokenizer = new CSVTokenizer((record) => {
    header = recordFields(record);
    throw HEADER_READ;
  }, caller, delimiter);
  try {
    for await (const chunk of textChunks(source, caller)) tokenizer.push(chunk);
    tokenizer.end();
  } catch (error) {
    if (error !== HEADER_READ) throw error;
  }
  if (header === undefined) throw new SoftlogitError('BAD_CSV', `${caller}: the text is empty; expected a header row of column names`);
  checkHeader(header, caller);
  return header;
}

/** Thrown by readCSVHeader's record handler to stop after the first record. */
const HEADER_READ = Symbol('header read');

/**
 * The text of a source in chunks: bytes decoded as UTF-8 across chunk boundaries, a leading
 * byte-order mark dropped.
 */
export async function* textChunks(source: CSVSource, caller: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let first = true;
  let index = 0;
  const chunks = byteChunks(source, caller);
  const iterator = Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : (chunks as Iterable<Uint8Array | string>)[Symbol.iterator]();
  let finished = false;
  try {
    for (;;) {
      let step: IteratorResult<Uint8Array | string>;
      try {
        step = await iterator.next();
      } catch (error) {
        finished = true; // a source that threw is not closed again
        throw unreadable(error, source, caller);
      }
      if (step.done === true) {
        finished = true;
        break;
      }
      const chunk: unknown = step.value;
      if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
        throw new SoftlogitError('BAD_OPTION', `${caller}: chunk ${index} of the source should be text or bytes (a Uint8Array), got ${describeValue(chunk)}`);
      }
      index++;
      let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      if (text.length > 0) yield text;
    }
  } finally {
    // Stopped early (an error in the text, a header read, a column read again as text): close
    // the source, so that a file is not left open.
    if (!finished) await iterator.return?.();
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}

/**
 * A source that failed while being read: a file system error (no such file, a directory, no
 * permission) as `UNREADABLE` naming the path; a SoftlogitError as it is.
 */
function unreadable(error: unknown, source: CSVSource, caller: string): unknown {
  if (error instanceof SoftlogitError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String((error as Error)?.message ?? error);
  const what = typeof source === 'string' || source instanceof URL ? String(source) : 'the stream';
  return new SoftlogitError('UNREADABLE', `${caller}: cannot read ${what}: ${reason}`, {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof source === 'string' || source instanceof URL ? { path: String(source) } : {}),
  });
}

/** File system functions, from Node's built-in module (no import, so browser bundles stay clean). */
interface NodeFS {
  createReadStream(path: string | URL, options: { highWaterMark: number }): AsyncIterable<Uint8Array>;
}

/** Bytes per read from a file. */
const FILE_CHUNK = 1 << 20;

function byteChunks(source: CSVSource, caller: string): AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> {
  if (typeof source === 'string' || source instanceof URL) {
    const nodeProcess = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
    const fs = nodeProcess?.getBuiltinModule?.('node:fs') as NodeFS | undefined;
    if (fs === undefined) {
      throw new SoftlogitError('BAD_OPTION', `${caller}: reading a file by its path needs Node ≥ 20.16; elsewhere pass a stream of its bytes (a ReadableStream, e.g. file.stream())`);
    }
    return fs.createReadStream(source, { highWaterMark: FILE_CHUNK });
  }
  if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) return readStream(source);
  if (source !== null && typeof source === 'object' && (Symbol.asyncIterator in source || Symbol.iterator in source)) {
    return source as AsyncIterable<Uint8Array | string>;
  }
  throw new SoftlogitError(
    'BAD_OPTION',
    `${caller}: expected a file path, a file: URL, a stream or an iterable of byte or text chunks, got ${describeValue(source)}`,
  );
}

/** A web ReadableStream as an async iterable (not every browser makes streams iterable). */
async function* readStream(stream: ReadableStream<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Thrown inside a read when an inferred numeric column meets text: read again with it as text. */
export class ReadAgainAsText {
  constructor(readonly column: string) {}
}

/** A numeric column while it is read: full blocks and the block being filled. */
interface NumericBuild {
  kind: 'numeric';
  /** Listed in options.numeric: text is an error rather than a reason to read the column as text. */
  required: boolean;
  store: Blocks<Float64Array>;
  /** The store's current block (rows BLOCK_ROWS·b … of the column). */
  block: Float64Array;
  /** No cell so far held a number (or NaN): the column can become text without reading again. */
  allMissing: boolean;
}

/** A text column while it is read; equal cells share the first string read (`distinct`). */
interface StringBuild {
  kind: 'string';
  values: (string | null)[];
  distinct: Map<string, string>;
}

/**
 * Builds a DataFrame from records as the tokenizer hands them over: the first record is the
 * header, every other one a data row, converted cell by cell into its column's block.
 */
export class FrameBuilder {
  private header: string[] | null = null;
  /** Index in the header of each kept column. */
  private keptIndex: number[] = [];
  private builds: (NumericBuild | StringBuild)[] = [];
  private lineStore = new Blocks(Uint32Array);
  private lineBlock = this.lineStore.block;
  private nRows = 0;

  /**
   * @param asText columns to read as text besides `options.factors` (found numeric-looking at
   *   first and text further down in an earlier read).
   * @param canReadAgain whether the source can be read again from the start.
   */
  constructor(
    private readonly options: ParseCSVOptions,
    private readonly caller: string,
    private readonly asText: ReadonlySet<string>,
    private readonly canReadAgain: boolean,
  ) {}

  /** Takes one record (bound, so it can be handed to the tokenizer). */
  readonly add = (record: RecordView): void => {
    if (this.header === null) {
      this.start(recordFields(record));
      return;
    }
    const header = this.header;
    const line = record.line;
    if (record.count !== header.length) {
      throw new SoftlogitError(
        'BAD_CSV',
        `${this.caller}: the text is not valid CSV: line ${line} has ${record.count} field${record.count === 1 ? '' : 's'}, but the header has ${header.length}`,
        { line, fields: record.count, expected: header.length },
      );
    }
    const r = this.nRows % BLOCK_ROWS;
    if (r === 0 && this.nRows > 0) this.nextBlock();
    this.lineBlock[r] = line;
    const keptIndex = this.keptIndex;
    const builds = this.builds;
    const { text, start, end, quoted } = record;
    for (let k = 0; k < builds.length; k++) {
      const build = builds[k]!;
      const j = keptIndex[k]!;
      if (build.kind === 'numeric') {
        let value = quoted[j] === undefined ? plainDecimalAt(text, start[j]!, end[j]!) : undefined;
        if (value === undefined) {
          const cell = fieldText(record, j);
          value = parseNumberCell(cell);
          if (value === undefined) {
            this.notNumeric(build, k, cell, line).values.push(stringCell(builds[k] as StringBuild, cell));
            continue;
          }
          if (build.allMissing && !isMissingCell(cell)) build.allMissing = false;
        } else {
          build.allMissing = false;
        }
        build.block[r] = value;
      } else {
        build.values.push(stringCell(build, fieldText(record, j)));
      }
    }
    this.nRows++;
  };

  /** The frame read so far, numeric blocks joined into one Float64Array per column. */
  finish(): DataFrame {
    if (this.header === null) {
      throw new SoftlogitError('BAD_CSV', `${this.caller}: the text is empty; expected a header row of column names`);
    }
    const n = this.nRows;
    const names = this.keptIndex.map((j) => this.header![j]!);
    const columns = this.builds.map((build, k): Column => {
      if (build.kind === 'string') return { name: names[k]!, kind: 'string', values: build.values };
      return { name: names[k]!, kind: 'numeric', values: build.store.join(n) };
    });
    const lineNumbers = this.lineStore.join(n);
    return { names, columns, nRows: n, lineNumbers };
  }

  /** Number of data rows taken so far. */
  get rows(): number {
    return this.nRows;
  }

  /**
   * The rows read since the last call as a frame, and a fresh start for the next rows (types and
   * header kept); for reading a source in batches. `firstRow` is the 0-based data row of the
   * batch's first row in the whole source.
   */
  takeBatch(): DataFrame & { firstRow: number } {
    const frame = this.finish();
    const firstRow = this.rowsBefore;
    this.rowsBefore += this.nRows;
    this.nRows = 0;
    this.lineStore = new Blocks(Uint32Array);
    this.lineBlock = this.lineStore.block;
    this.builds = this.builds.map((build) =>
      // A column that turns to text in a later batch is read again from the start (the batches
      // handed out had it numeric).
      build.kind === 'numeric' ? { ...numericBuild(build.required), allMissing: false } : { kind: 'string', values: [], distinct: build.distinct },
    );
    return { ...frame, firstRow };
  }

  /** Data rows handed out in earlier batches. */
  private rowsBefore = 0;

  /** Checks the header and the options against it, and sets up the kept columns. */
  private start(header: string[]): void {
    checkHeader(header, this.caller);
    const caller = this.caller;
    const numeric = new Set(checkColumnOption(header, this.options.numeric, 'numeric', caller));
    const factors = new Set(checkColumnOption(header, this.options.factors, 'factors', caller));
    const kept = this.options.columns === undefined ? undefined : new Set(checkColumnOption(header, this.options.columns, 'columns', caller));
    for (const name of numeric) {
      if (factors.has(name)) {
        throw new SoftlogitError(
          'BAD_OPTION',
          `${caller}: column "${name}" is listed in both options.numeric and options.factors`,
          { column: name },
        );
      }
    }
    this.header = header;
    header.forEach((name, j) => {
      if (kept !== undefined && !kept.has(name)) return;
      this.keptIndex.push(j);
      this.builds.push(
        factors.has(name) || (this.asText.has(name) && !numeric.has(name))
          ? { kind: 'string', values: [], distinct: new Map() }
          : numericBuild(numeric.has(name)),
      );
    });
  }

  /** Starts a new block of rows in every numeric column and in the line numbers. */
  private nextBlock(): void {
    for (const build of this.builds) {
      if (build.kind === 'numeric') build.block = build.store.next();
    }
    this.lineBlock = this.lineStore.next();
  }

  /**
   * A cell that is not a number in a numeric column: an error for a required column; else the
   * column becomes text, at once when every cell so far was missing (returning the new column),
   * or by reading the source again.
   */
  private notNumeric(build: NumericBuild, k: number, cell: string, line: number): StringBuild {
    const name = this.header![this.keptIndex[k]!]!;
    const row = this.rowsBefore + this.nRows + 1;
    if (build.required) {
      throw new SoftlogitError(
        'BAD_CSV',
        `${this.caller}: column "${name}" must be numeric, but data row ${row} (line ${line}) holds "${cell}"`,
        { column: name, row, line, value: cell },
      );
    }
    if (build.allMissing) {
      const text: StringBuild = { kind: 'string', values: new Array<string | null>(this.nRows).fill(null), distinct: new Map() };
      this.builds[k] = text;
      return text;
    }
    if (this.canReadAgain) throw new ReadAgainAsText(name);
    throw new SoftlogitError(
      'BAD_CSV',
      `${this.caller}: column "${name}" holds numbers up to data row ${row - 1} but "${cell}" at data row ${row} (line ${line}); a stream is read once, so say how to read it: options.factors: ['${name}'] for text, options.numeric: ['${name}'] to require numbers`,
      { column: name, row, line, value: cell },
    );
  }
}

function numericBuild(required: boolean): NumericBuild {
  const store = new Blocks(Float64Array);
  return { kind: 'numeric', required, store, block: store.block, allMissing: true };
}

/** The most bytes a resizable column buffer may grow to (V8's limit for a resizable ArrayBuffer). */
const MAX_COLUMN_BYTES = 2 ** 32;

/**
 * A column filled block by block (BLOCK_ROWS values each) whose length is not known in advance.
 * Where the platform has resizable ArrayBuffers (Node 20, current browsers) the blocks are
 * successive views of one buffer grown in place, so the finished column is never copied and the
 * peak memory is the column itself. Elsewhere (or past 4 GiB) the blocks are separate arrays,
 * joined into one at the end.
 *
 * @example
 * const store = new Blocks(Float64Array);
 * store.block.fill(1);
 * store.next().fill(2);
 * Array.from(store.join(BLOCK_ROWS + 2).subarray(BLOCK_ROWS - 1)) // => [1, 2, 2]
 */
export class Blocks<A extends Float64Array | Uint32Array> {
  /** The block being filled. */
  block: A;
  private buffer: ArrayBuffer | null;
  private readonly full: A[] = [];

  /** @param resizable false to use separate blocks even where resizable buffers exist (tests). */
  constructor(
    private readonly Type: { new (length: number): A; new (buffer: ArrayBuffer, offset: number, length: number): A; BYTES_PER_ELEMENT: number },
    resizable = true,
  ) {
    this.buffer = resizable ? resizableBuffer(BLOCK_ROWS * Type.BYTES_PER_ELEMENT) : null;
    this.block = this.buffer ? new Type(this.buffer, 0, BLOCK_ROWS) : new Type(BLOCK_ROWS);
  }

  /** Starts the next block and returns it. */
  next(): A {
    const bytes = BLOCK_ROWS * this.Type.BYTES_PER_ELEMENT;
    const buffer = this.buffer as (ArrayBuffer & { resize(length: number): void }) | null;
    if (buffer !== null && buffer.byteLength + bytes <= MAX_COLUMN_BYTES) {
      const offset = buffer.byteLength;
      buffer.resize(offset + bytes);
      this.block = new this.Type(buffer, offset, BLOCK_ROWS);
    } else {
      if (buffer !== null) {
        // Past the resizable limit: keep what the buffer holds as one block and go on in blocks.
        this.full.push(new this.Type(buffer, 0, buffer.byteLength / this.Type.BYTES_PER_ELEMENT));
        this.buffer = null;
      } else {
        this.full.push(this.block);
      }
      this.block = new this.Type(BLOCK_ROWS);
    }
    return this.block;
  }

  /** The first `n` values written, as one array. */
  join(n: number): A {
    const buffer = this.buffer as (ArrayBuffer & { resize(length: number): void }) | null;
    if (buffer !== null) {
      buffer.resize(n * this.Type.BYTES_PER_ELEMENT);
      return new this.Type(buffer, 0, n);
    }
    if (this.full.length === 0) return this.block.slice(0, n) as A;
    const out = new this.Type(n);
    let at = 0;
    for (const block of this.full) {
      out.set(block, at);
      at += block.length;
    }
    out.set(this.block.subarray(0, n - at), at);
    this.full.length = 0;
    return out;
  }
}

/** A resizable ArrayBuffer of `bytes` bytes, or null where the platform has none. */
function resizableBuffer(bytes: number): ArrayBuffer | null {
  try {
    const Resizable = ArrayBuffer as unknown as { new (length: number, options: { maxByteLength: number }): ArrayBuffer };
    const buffer = new Resizable(bytes, { maxByteLength: MAX_COLUMN_BYTES });
    return typeof (buffer as { resize?: unknown }).resize === 'function' ? buffer : null;
  } catch {
    return null;
  }
}

/** A text cell: null when missing, else the string first read for that text. */
function stringCell(build: StringBuild, cell: string): string | null {
  if (isMissingCell(cell)) return null;
  let value = build.distinct.get(cell);
  if (value === undefined) {
    // A fresh copy, so the map does not keep the whole chunk the cell was sliced from alive.
    value = cell.length > 12 ? (JSON.parse(JSON.stringify(cell)) as string) : cell;
    build.distinct.set(value, value);
  }
  return value;
}

/** Rejects a header with an empty or repeated name, or one that looks like a row of data. */
function checkHeader(header: string[], caller: string): void {
  const seen = new Set<string>();
  header.forEach((name, j) => {
    if (name === '') {
      throw new SoftlogitError('BAD_CSV', `${caller}: header field ${j + 1} is empty; every column needs a name`, {
        field: j + 1,
      });
    }
    if (seen.has(name)) {
      throw new SoftlogitError('BAD_CSV', `${caller}: the header names column "${name}" twice`, { column: name });
    }
    seen.add(name);
  });
  if (header.every((name) => DECIMAL_NUMBER.test(name))) {
    throw new SoftlogitError(
      'BAD_CSV',
      `${caller}: the first line (${header.join(',')}) holds only numbers; expected a header row of column names`,
      { header },
    );
  }
}

/** Checks that every name an option lists is a column; returns the list (empty if absent). */
function checkColumnOption(header: string[], names: string[] | undefined, option: string, caller: string): string[] {
  if (names !== undefined && !(Array.isArray(names) && names.every((name) => typeof name === 'string'))) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: options.${option} should be an array of column names, got ${describeValue(names)}`);
  }
  for (const name of names ?? []) {
    if (!header.includes(name)) {
      throw new SoftlogitError(
        'UNKNOWN_COLUMN',
        `${caller}: options.${option} names column "${name}", which is not in the header; columns are: ${header.join(', ')}`,
        { column: name, available: header },
      );
    }
  }
  return names ?? [];
}

/** True for a cell R's `read.csv` reads as `NA`. */
function isMissingCell(cell: string): boolean {
  return cell === '' || MISSING_TOKENS.has(cell.trim());
}

/**
 * The number a cell holds (`NaN` for missing or `NaN` cells), or undefined if it is not numeric.
 * The common case, a plain decimal number, is checked by {@link isDecimal} without a regex.
 */
export function parseNumberCell(cell: string): number | undefined {
  if (isDecimal(cell)) return Number(cell);
  const text = cell.trim();
  if (text !== cell && isDecimal(text)) return Number(text);
  if (MISSING_TOKENS.has(text) || NOT_A_NUMBER.test(text)) return NaN;
  const infinity = INFINITY.exec(text);
  if (infinity !== null) return infinity[1] === '-' ? -Infinity : Infinity;
  return undefined;
}

/** Exact powers of ten, 10^0 … 10^22 (every one is a double). */
const POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * The value of `text[from, to)` when it is a plain decimal `[+-]?digits[.digits]` or
 * `[+-]?.digits` with at most 15 digits; otherwise undefined (the caller then takes the general
 * path). With at most 15 digits the digits form an integer m < 2^53, exact in a double, and
 * m / 10^k with k ≤ 15 is one correctly rounded division of two exact doubles, so the result is
 * the double nearest the decimal: the number `Number()` gives (Clinger's fast path, as in
 * David Gay's strtod). Checked against Number() in test/data.test.ts.
 */
export function plainDecimalAt(text: string, from: number, to: number): number | undefined {
  let i = from;
  let c = text.charCodeAt(i);
  const negative = c === 45;
  if (negative || c === 43) c = text.charCodeAt(++i);
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < to; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
    } else if (c === 46 && fraction < 0) {
      fraction = digits;
    } else {
      return undefined;
    }
  }
  if (digits === 0 || digits > 15) return undefined;
  const value = fraction < 0 ? mantissa : mantissa / POWERS_OF_TEN[digits - fraction]!;
  return negative ? -value : value;
}

/** True when `s` is `[+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?` (DECIMAL_NUMBER). */
function isDecimal(s: string): boolean {
  const n = s.length;
  let i = 0;
  let c = n > 0 ? s.charCodeAt(0) : 0;
  if (c === 43 || c === 45) c = s.charCodeAt(++i);
  let digits = 0;
  while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) (i++, digits++);
  if (i < n && c === 46) {
    i++;
    while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) (i++, digits++);
  }
  if (digits === 0) return false;
  if (i === n) return true;
  if (c !== 101 && c !== 69) return false;
  i++;
  c = s.charCodeAt(i);
  if (c === 43 || c === 45) i++;
  const exponentStart = i;
  while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) i++;
  return i === n && i > exponentStart;
}
