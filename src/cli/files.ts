// Reading the files the CLI is given: CSV data (with the numeric-column check) and model JSON.
import { readFileSync } from 'node:fs';
import { parseCSV, SoftlogitError, type DataFrame } from '../index.js';
import { UsageError } from './args.js';

/** The whole file as text; a missing or unreadable file is a UsageError naming it. */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`cannot read ${what} ${path}: ${reason}`);
  }
}

/** Which columns of the data the command uses and how. */
export interface FrameRoles {
  /** Columns that must be numeric (weights, counts). */
  numeric: string[];
  /** Columns used by the model; `undefined` means every column. */
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
export function readFrame(path: string, roles: FrameRoles): { frame: DataFrame; text: string } {
  const text = readText(path, 'data file');
  let frame = parseCSV(text);
  const known = new Set(frame.names);
  const numeric = roles.numeric.filter((name) => known.has(name));
  const guessed: string[] = [];
  for (const column of frame.columns) {
    if (column.kind !== 'string' || roles.categorical.includes(column.name) || numeric.includes(column.name)) continue;
    if (roles.used !== undefined && !roles.used.includes(column.name)) continue;
    const present = column.values.filter((v): v is string => v !== null);
    if (present.filter(numberLike).length * 2 > present.length) guessed.push(column.name);
  }
  if (numeric.length + guessed.length === 0) return { frame, text };
  try {
    frame = parseCSV(text, { numeric: [...numeric, ...guessed] });
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
  return { frame, text };
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
