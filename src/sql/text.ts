// The only ways text from the caller reaches SQL: identifiers in double quotes (embedded quotes
// doubled), values read back from the engine as string literals (embedded single quotes doubled)
// or as numbers written by JavaScript, and the caller's own parenthesized query in `from`.
import { SoftlogitError } from '../errors.js';
import { describeValue } from '../input/optionKeys.js';

/** The SQL dialects the generated statements are written for. */
export type SqlDialect = 'postgres' | 'duckdb' | 'clickhouse';

/** What the dialects write differently. */
export interface Dialect {
  name: SqlDialect;
  /** The IEEE double type every value is cast to before arithmetic. */
  double: string;
  /**
   * Ends each derived table. PostgreSQL pulls subqueries up into their parent and substitutes
   * every alias by its whole expression (p_c by e_c / Σ e, each e by an exp of η, …): a K = 4
   * softmax pass ran 30 times slower (616 ms against 20 ms on 400 rows, a 1.1 MB plan) until
   * `OFFSET 0` kept the subqueries apart. DuckDB reads it as a no-op; ClickHouse 18 rejects it.
   */
  fence: string;
  /** One GROUPING SETS statement for all levels (ClickHouse 18 has none: one statement per column). */
  groupingSets: boolean;
  /** Backslash is an escape character in quoted strings and identifiers (ClickHouse). */
  backslashEscapes: boolean;
}

export const DIALECTS: Readonly<Record<SqlDialect, Dialect>> = {
  postgres: { name: 'postgres', double: 'DOUBLE PRECISION', fence: ' OFFSET 0', groupingSets: true, backslashEscapes: false },
  duckdb: { name: 'duckdb', double: 'DOUBLE PRECISION', fence: ' OFFSET 0', groupingSets: true, backslashEscapes: false },
  clickhouse: { name: 'clickhouse', double: 'Float64', fence: '', groupingSets: false, backslashEscapes: true },
};

/** `text` with each `quote` doubled, and backslashes doubled where the dialect reads them as escapes. */
function escape(text: string, quote: string, dialect: Dialect): string {
  const escaped = dialect.backslashEscapes ? text.replaceAll('\\', '\\\\') : text;
  return escaped.replaceAll(quote, quote + quote);
}

/**
 * A name as a quoted SQL identifier: `gre` → `"gre"`, `a"b` → `"a""b"` (SQL standard; PostgreSQL,
 * DuckDB and ClickHouse, which also needs `\` doubled). Quoted identifiers are case-sensitive in
 * PostgreSQL: name the column as the table has it (unquoted names created there are lower case).
 * @throws {SoftlogitError} `BAD_OPTION` for a non-string, an empty string or a NUL character.
 */
export function quoteIdentifier(name: unknown, what: string, caller: string, dialect: Dialect): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: ${what} should be a column name (a non-empty string without NUL), got ${describeValue(name)}`);
  }
  return `"${escape(name, '"', dialect)}"`;
}

/**
 * A value read from the engine as a literal to compare a column with: strings in single quotes
 * (embedded quotes doubled; both dialects read backslashes literally in standard strings),
 * numbers cast from their shortest round-trip decimal form, booleans as TRUE / FALSE.
 */
export function literal(value: string | number | boolean, caller: string, dialect: Dialect): string {
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return numberLiteral(value, caller, dialect);
  if (value.includes('\0')) throw new SoftlogitError('BAD_RESPONSE', `${caller}: a level holds a NUL character, which SQL strings cannot hold`);
  return `'${escape(value, "'", dialect)}'`;
}

/**
 * A finite double as an exact SQL double: `CAST(1.5e+0 AS DOUBLE PRECISION)`. `toExponential()`
 * without digits writes the shortest decimal that reads back as the same double, and scientific
 * notation keeps DuckDB from reading it as a DECIMAL.
 */
export function numberLiteral(value: number, caller: string, dialect: Dialect): string {
  if (!Number.isFinite(value)) throw new SoftlogitError('NON_FINITE', `${caller}: cannot write ${value} into SQL`);
  return `CAST(${value.toExponential()} AS ${dialect.double})`;
}

/**
 * The `from` option as a FROM item: a table name (a string, quoted as one identifier, or an
 * array of name parts such as `['analytics', 'admissions']` for a schema-qualified name), or a
 * parenthesized query such as `(SELECT * FROM read_parquet('x.parquet'))`, used as written: it
 * is the caller's own SQL and runs with the client's rights.
 */
export function fromItem(from: unknown, caller: string, dialect: Dialect): string {
  if (Array.isArray(from) && from.length > 0) {
    return `${from.map((part, i) => quoteIdentifier(part, `from[${i}]`, caller, dialect)).join('.')} AS "softlogit_rows"`;
  }
  if (typeof from === 'string') {
    const trimmed = from.trim();
    if (trimmed.startsWith('(')) {
      if (!trimmed.endsWith(')') || !balanced(trimmed)) {
        throw new SoftlogitError('BAD_OPTION', `${caller}: from starts with '(' and is read as a query, but its parentheses do not close at its end: ${describeValue(from)}`);
      }
      return `${trimmed} AS "softlogit_rows"`;
    }
    return `${quoteIdentifier(from, 'from', caller, dialect)} AS "softlogit_rows"`;
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
