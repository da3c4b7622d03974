// Reading the files the CLI is given: CSV data (with the numeric-column check) and model JSON.
// Data files are streamed into typed columns (readCSV), never read whole into a string.
import { readFileSync } from 'node:fs';
import { readCSV, readCSVHeader, readParquet, SoftlogitError, type DataFrame } from '../index.js';
import { UsageError } from './args.js';

/** The whole file as text; a missing or unreadable file is a UsageError naming it. */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw unreadable(error, path, what);
  }
}

/** The UsageError for a file the system cannot read (missing, a directory, no permission). */
function unreadable(error: unknown, path: string, what: string): UsageError {
  const code = (error as { code?: string }).code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
  return new UsageError(`cannot read ${what} ${path}: ${reason}`);
}

/** readCSV on a data file, with the file system's errors as UsageErrors naming the file. */
async function readDataFile(path: string, options: Parameters<typeof readCSV>[1]): Promise<DataFrame> {
  try {
    return await readCSV(path, options);
  } catch (error) {
    throw usageIfUnreadable(error, path);
  }
}

/** readCSV's UNREADABLE (no such file, a directory, no permission) as a UsageError naming the file. */
function usageIfUnreadable(error: unknown, path: string): unknown {
  if (!(error instanceof SoftlogitError) || error.code !== 'UNREADABLE') return error;
  return unreadable({ code: error.details?.['code'], message: error.message }, path, 'data file');
}

/** The names on a CSV file's header, or undefined when it cannot be read (readCSV then says why). */
export async function readHeaderOf(path: string): Promise<string[] | undefined> {
  return readCSVHeader(path).catch(() => undefined);
}

/** A Parquet file is told by its name (`.parquet`, any case); everything else is read as CSV. */
export function isParquet(path: string): boolean {
  return /\.parquet$/i.test(path);
}

/**
 * A Parquet file's frame: only the used columns when the file has them all, else every column
 * (so that the error naming the missing one lists them). Its columns are typed in the file, so
 * there is nothing to guess.
 */
async function readParquetFile(path: string, used: string[] | undefined): Promise<DataFrame> {
  try {
    if (used !== undefined) {
      try {
        return await readParquet(path, { columns: used });
      } catch (error) {
        if (!(error instanceof SoftlogitError && error.code === 'UNKNOWN_COLUMN')) throw error;
      }
    }
    return await readParquet(path);
  } catch (error) {
    throw usageIfUnreadable(error, path);
  }
}

/** Which columns of the data the command uses and how. */
export interface FrameRoles {
  /** Columns that must be numeric (weights, counts). */
  numeric: string[];
  /** Columns used by the model; `undefined` means every column. Only these are kept in memory. */
  used?: string[];
  /** Columns the user declared categorical (`--factor`, `--levels`): never forced numeric. */
  categorical: string[];
}

/**
 * A cell is "number-like" for the check below. Deliberately loose (JavaScript's Number): the
 * exact rules, and the error naming row and line, come from parseCSV.
 */
function numberLike(value: string): boolean {
  return value.trim() !== '' && !Number.isNaN(Number(value));
}

/**
 * Parses a CSV file for a model. Besides weights and counts columns, a used column whose cells
 * are mostly numbers (more than half of the non-missing ones) but not all is taken to be a
 * numeric column with a typo: rather than silently dummy-coding it as R's read.csv would, this
 * reports the first non-numeric cell with its row, line and column. Columns given with
 * `--factor`/`--levels` are left alone.
 */
export async function readFrame(path: string, roles: FrameRoles): Promise<DataFrame> {
  if (isParquet(path)) return readParquetFile(path, roles.used);
  const kept = roles.used === undefined ? undefined : await usedColumns(path, roles.used);
  const columns = kept === undefined ? {} : { columns: kept };
  let frame = await readDataFile(path, columns);
  const known = new Set(frame.names);
  const numeric = roles.numeric.filter((name) => known.has(name));
  const guessed: string[] = [];
  for (const column of frame.columns) {
    if (column.kind !== 'string' || roles.categorical.includes(column.name) || numeric.includes(column.name)) continue;
    if (roles.used !== undefined && !roles.used.includes(column.name)) continue;
    const present = column.values.filter((v): v is string => v !== null);
    if (present.filter(numberLike).length * 2 > present.length) guessed.push(column.name);
  }
  if (numeric.length + guessed.length === 0) return frame;
  try {
    frame = await readDataFile(path, { ...columns, numeric: [...numeric, ...guessed] });
  } catch (error) {
    const column = error instanceof SoftlogitError ? error.details?.['column'] : undefined;
    if (typeof column === 'string' && guessed.includes(column)) {
      throw new SoftlogitError(
        (error as SoftlogitError).code,
        `${(error as Error).message} (if "${column}" is categorical, say --factor ${column})`,
        (error as SoftlogitError).details,
      );
    }
    throw error;
  }
  return frame;
}

/**
 * The used columns, to convert and keep only them, when the file's header has them all; else
 * undefined (every column is read, so that the error naming the missing one lists them all).
 * Reads the header only.
 */
async function usedColumns(path: string, used: string[]): Promise<string[] | undefined> {
  let header: string[];
  try {
    header = await readCSVHeader(path);
  } catch (error) {
    const usage = usageIfUnreadable(error, path);
    if (usage instanceof SoftlogitError) return undefined; // readCSV reports it with the whole file's context
    throw usage;
  }
  return used.every((name) => header.includes(name)) ? used : undefined;
}

/** Parses a model file (JSON); a syntax error is a UsageError naming the file. */
export function readJSON(path: string, what: string): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}
