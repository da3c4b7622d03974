// The only ways text from the caller reaches SQL: identifiers in double quotes (embedded quotes
// doubled), values read back from the engine as string literals (embedded single quotes doubled)
// or as numbers written by JavaScript, and the caller's own parenthesized query in `from`.
import { SoftlogitError } from '../errors.js';
import { describeValue } from '../input/optionKeys.js';

/** The SQL dialects the generated queries are written for (the statements differ only in literals and types). */
export type SqlDialect = 'postgres' | 'duckdb';

/** The type every value is cast to before arithmetic: IEEE double in both dialects. */
export const DOUBLE = 'DOUBLE PRECISION';

/**
 * A name as a quoted SQL identifier: `gre` → `"gre"`, `a"b` → `"a""b"` (SQL standard; PostgreSQL
 * and DuckDB). Quoted identifiers are case-sensitive in PostgreSQL: name the column as the table
 * has it (unquoted names created in PostgreSQL are lower case).
 * @throws {SoftlogitError} `BAD_OPTION` for a non-string, an empty string or a NUL character.
 */
export function quoteIdentifier(name: unknown, what: string, caller: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: ${what} should be a column name (a non-empty string without NUL), got ${describeValue(name)}`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A value read from the engine as a literal to compare a column with: strings in single quotes
 * (embedded quotes doubled; both dialects read backslashes literally in standard strings),
 * numbers cast from their shortest round-trip decimal form, booleans as TRUE / FALSE.
 */
export function literal(value: string | number | boolean, caller: string): string {
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return numberLiteral(value, caller);
  if (value.includes('\0')) throw new SoftlogitError('BAD_RESPONSE', `${caller}: a level holds a NUL character, which SQL strings cannot hold`);
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A finite double as an exact SQL double: `CAST(1.5e+0 AS DOUBLE PRECISION)`. `toExponential()`
 * without digits writes the shortest decimal that reads back as the same double, and scientific
 * notation keeps DuckDB from reading it as a DECIMAL.
 */
export function numberLiteral(value: number, caller: string): string {
  if (!Number.isFinite(value)) throw new SoftlogitError('NON_FINITE', `${caller}: cannot write ${value} into SQL`);
  return `CAST(${value.toExponential()} AS ${DOUBLE})`;
}

/**
 * The `from` option as a FROM item: a table name (a string, quoted as one identifier, or an
 * array of name parts such as `['analytics', 'admissions']` for a schema-qualified name), or a
 * parenthesized query such as `(SELECT * FROM read_parquet('x.parquet'))`, used as written: it
 * is the caller's own SQL and runs with the client's rights.
 */
export function fromItem(from: unknown, caller: string): string {
  if (Array.isArray(from) && from.length > 0) {
    return `${from.map((part, i) => quoteIdentifier(part, `from[${i}]`, caller)).join('.')} AS "softlogit_rows"`;
  }
  if (typeof from === 'string') {
    const trimmed = from.trim();
    if (trimmed.startsWith('(')) {
      if (!trimmed.endsWith(')') || !balanced(trimmed)) {
        throw new SoftlogitError('BAD_OPTION', `${caller}: from starts with '(' and is read as a query, but its parentheses do not close at its end: ${describeValue(from)}`);
      }
      return `${trimmed} AS "softlogit_rows"`;
    }
    return `${quoteIdentifier(from, 'from', caller)} AS "softlogit_rows"`;
  }
  throw new SoftlogitError(
    'BAD_OPTION',
    `${caller}: from should be a table name, an array of name parts (schema, table) or a parenthesized query, got ${describeValue(from)}`,
  );
}

/**
 * Whether the parentheses of a query close only at its last character, outside quotes: then
 * `(…) AS alias` cannot be broken out of by what is inside.
 */
function balanced(query: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0 && i !== query.length - 1) return false;
      if (depth < 0) return false;
    }
  }
  return depth === 0 && quote === null;
}
