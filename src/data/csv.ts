/**
 * CSV text → typed columns, the way R's `read.csv` would read it for a model.
 *
 * Conventions (one place, so the CLI and the browser demo agree):
 * - The first non-empty line is the header; names are required, non-empty and unique.
 * - Fields are separated by commas and may be quoted with `"` (a doubled `""` is a literal quote);
 *   quoted fields may hold commas and line breaks. Line endings `\r\n`, `\r` and `\n` are all read
 *   as `\n` (also inside quoted fields). Blank lines are skipped, like R's `blank.lines.skip`.
 * - Whitespace around a field is trimmed; whitespace inside quotes is kept (R's `strip.white`
 *   for unquoted fields). A leading byte-order mark is ignored.
 * - A cell is missing when it is empty or `NA` (quoted or not), like R's `na.strings = "NA"`.
 * - A column is numeric when every non-missing cell is a number in decimal notation (`12`, `-3.5`,
 *   `.5`, `1e-3`), `Inf`/`-Inf`, or `NaN`. Otherwise the column holds strings (a categorical
 *   column). In numeric columns missing cells and `NaN` are stored as `NaN` (R's `is.na(NaN)` is
 *   true); `Inf` is stored as `Infinity` and rejected later only if a model uses the column.
 *
 * csv-parse is imported from `csv-parse/browser/esm/sync`: the plain `csv-parse/sync` entry calls
 * the Node global `Buffer` and throws `ReferenceError: Buffer is not defined` in a browser bundle,
 * while the browser build carries its own Buffer shim and also runs unchanged in Node.
 */
import { parse } from 'csv-parse/browser/esm/sync';
import { SoftlogitError } from '../errors.js';
import { checkOptionKeys, describeValue, optionKeysOf } from '../input/optionKeys.js';

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

/** Per-column overrides of {@link parseCSV}'s type inference. */
export interface ParseCSVOptions {
  /** Columns that must be numeric: a non-numeric, non-missing cell is an error. */
  numeric?: string[];
  /**
   * Columns kept as text even if every cell is a number (R's `colClasses = "factor"`); their
   * levels then sort as strings ("10" before "2"). To code a numeric column as a factor with
   * numerically sorted levels (R's `factor(rank)`), use `designMatrix`'s `factors` instead.
   */
  factors?: string[];
}

/** Every key of ParseCSVOptions (checked by the compiler against the interface). */
const PARSE_CSV_OPTION_KEYS = optionKeysOf<ParseCSVOptions>()(['numeric', 'factors']);

/** Cells R's `read.csv` reads as `NA` (compared after trimming). */
const MISSING_TOKENS: ReadonlySet<string> = new Set(['', 'NA']);
const DECIMAL_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;
const NOT_A_NUMBER = /^[+-]?nan$/i;

/**
 * Parses CSV text with a header row into typed columns (see the module comment for the exact
 * conventions). Runs in O(cells).
 *
 * @param text the whole file as a string.
 * @param options `numeric` demands numeric columns, `factors` keeps columns as text.
 * @returns the columns in header order, with each data row's line number in the file.
 * @throws {SoftlogitError} `BAD_CSV` for an empty file, a missing or malformed header (an empty or
 *   duplicated name, or a first line made only of numbers), a row with the wrong number of fields,
 *   an unclosed quote, or a non-numeric cell in a column listed in `options.numeric` (the error
 *   names the data row, its line, the column and the value).
 * @throws {SoftlogitError} `UNKNOWN_COLUMN` when an option names a column not in the header.
 * @throws {SoftlogitError} `BAD_OPTION` when a column is listed in both `numeric` and `factors`.
 *
 * @example
 * const frame = parseCSV('admit,gre,rank\n0,380,3\n1,NA,"1"\n');
 * frame.nRows // => 2
 * frame.columns[1] // => { name: 'gre', kind: 'numeric', values: Float64Array [380, NaN] }
 * parseCSV('admit,rank\n0,3\n', { factors: ['rank'] }).columns[1].values // => ['3']
 */
export function parseCSV(text: string, options: ParseCSVOptions = {}): DataFrame {
  checkOptionKeys(options, 'parseCSV', PARSE_CSV_OPTION_KEYS);
  if (typeof text !== 'string') throw new SoftlogitError('BAD_CSV', `parseCSV: expected the CSV text as a string, got ${describeValue(text)}`);
  const { header, rows, lineNumbers } = readRecords(text);
  checkHeader(header);
  const numeric = new Set(checkColumnOption(header, options.numeric, 'numeric'));
  const factors = new Set(checkColumnOption(header, options.factors, 'factors'));
  for (const name of numeric) {
    if (factors.has(name)) {
      throw new SoftlogitError(
        'BAD_OPTION',
        `parseCSV: column "${name}" is listed in both options.numeric and options.factors`,
        { column: name },
      );
    }
  }
  const columns = header.map((name, j): Column => {
    const cells = rows.map((row) => row[j]!);
    if (factors.has(name)) return stringColumn(name, cells);
    if (numeric.has(name)) return numericColumn(name, cells, lineNumbers);
    return cells.every(isNumericCell) ? numericColumn(name, cells, lineNumbers) : stringColumn(name, cells);
  });
  return { names: header, columns, nRows: rows.length, lineNumbers };
}

/** Raw records of a CSV text: the header, the data rows, and the line each data row starts on. */
interface Records {
  header: string[];
  rows: string[][];
  lineNumbers: Uint32Array;
}

/** One record as csv-parse returns it with `info: true`; `info.lines` is the line it ends on. */
interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Splits CSV text into records with csv-parse; turns its errors into `BAD_CSV`.
 * csv-parse reports the line where a record ends; a record starts that many lines earlier as its
 * quoted fields hold line breaks.
 */
function readRecords(text: string): Records {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let parsed: ParsedRecord[];
  try {
    parsed = parse(normalized, { info: true, trim: true, skip_empty_lines: true }) as unknown as ParsedRecord[];
  } catch (error) {
    throw new SoftlogitError('BAD_CSV', `parseCSV: the text is not valid CSV: ${(error as Error).message}`, {
      line: (error as { lines?: number }).lines,
    });
  }
  if (parsed.length === 0) {
    throw new SoftlogitError('BAD_CSV', 'parseCSV: the text is empty; expected a header row of column names');
  }
  const rows = parsed.slice(1).map((p) => p.record);
  const lineNumbers = Uint32Array.from(parsed.slice(1), (p) => p.info.lines - countLineBreaks(p.record));
  return { header: parsed[0]!.record, rows, lineNumbers };
}

function countLineBreaks(fields: string[]): number {
  let count = 0;
  for (const field of fields) for (const ch of field) if (ch === '\n') count++;
  return count;
}

/** Rejects a header with an empty or repeated name, or one that looks like a row of data. */
function checkHeader(header: string[]): void {
  const seen = new Set<string>();
  header.forEach((name, j) => {
    if (name === '') {
      throw new SoftlogitError('BAD_CSV', `parseCSV: header field ${j + 1} is empty; every column needs a name`, {
        field: j + 1,
      });
    }
    if (seen.has(name)) {
      throw new SoftlogitError('BAD_CSV', `parseCSV: the header names column "${name}" twice`, { column: name });
    }
    seen.add(name);
  });
  if (header.every((name) => DECIMAL_NUMBER.test(name))) {
    throw new SoftlogitError(
      'BAD_CSV',
      `parseCSV: the first line (${header.join(',')}) holds only numbers; expected a header row of column names`,
      { header },
    );
  }
}

/** Checks that every name an option lists is a column; returns the list (empty if absent). */
function checkColumnOption(header: string[], names: string[] | undefined, option: string): string[] {
  if (names !== undefined && !(Array.isArray(names) && names.every((name) => typeof name === 'string'))) {
    throw new SoftlogitError('BAD_OPTION', `parseCSV: options.${option} should be an array of column names, got ${describeValue(names)}`);
  }
  for (const name of names ?? []) {
    if (!header.includes(name)) {
      throw new SoftlogitError(
        'UNKNOWN_COLUMN',
        `parseCSV: options.${option} names column "${name}", which is not in the header; columns are: ${header.join(', ')}`,
        { column: name, available: header },
      );
    }
  }
  return names ?? [];
}

/** True for a cell R's `read.csv` reads as `NA`. */
function isMissingCell(cell: string): boolean {
  return MISSING_TOKENS.has(cell.trim());
}

/** The number a cell holds (`NaN` for missing or `NaN` cells), or undefined if it is not numeric. */
function parseNumberCell(cell: string): number | undefined {
  const text = cell.trim();
  if (MISSING_TOKENS.has(text) || NOT_A_NUMBER.test(text)) return NaN;
  if (DECIMAL_NUMBER.test(text)) return Number(text);
  const infinity = INFINITY.exec(text);
  if (infinity !== null) return infinity[1] === '-' ? -Infinity : Infinity;
  return undefined;
}

function isNumericCell(cell: string): boolean {
  return parseNumberCell(cell) !== undefined;
}

function stringColumn(name: string, cells: string[]): StringColumn {
  return { name, kind: 'string', values: cells.map((cell) => (isMissingCell(cell) ? null : cell)) };
}

/** Converts cells to numbers; a cell that is not a number is an error naming row, line and value. */
function numericColumn(name: string, cells: string[], lineNumbers: Uint32Array): NumericColumn {
  const values = new Float64Array(cells.length);
  cells.forEach((cell, i) => {
    const value = parseNumberCell(cell);
    if (value === undefined) {
      throw new SoftlogitError(
        'BAD_CSV',
        `parseCSV: column "${name}" must be numeric, but data row ${i + 1} (line ${lineNumbers[i]}) holds "${cell}"`,
        { column: name, row: i + 1, line: lineNumbers[i], value: cell },
      );
    }
    values[i] = value;
  });
  return { name, kind: 'numeric', values };
}
