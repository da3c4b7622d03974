// The caller's database client, whatever its kind, as one function: run a statement, get rows
// as plain objects of JavaScript values. Kinds: a DuckDB connection (@duckdb/node-api), a `pg`
// Client or Pool (node-postgres), or any object with `query(sql)` resolving to rows (or to
// `{ rows }`). Nothing here imports a driver: the client is the caller's, and DuckDB is loaded
// only when the caller asks softlogit to open one.
import { SoftlogitError } from '../errors.js';
import { describeValue } from '../input/optionKeys.js';
import type { SqlDialect } from './text.js';

/** Values as the engines return them; normalized by `plainValue`. */
export type SqlRow = Record<string, unknown>;

/** Any client whose `query(sql)` resolves to rows, or to an object with `rows`. */
export interface QueryClient {
  query(sql: string): Promise<unknown>;
}

/** The `client` argument: a DuckDB connection, a `pg` Client or Pool, a QueryClient, or 'duckdb'. */
export type SqlClient = QueryClient | { runAndReadAll(sql: string): Promise<unknown> } | 'duckdb';

/** A client adapted: its dialect, a query function, and what to release when the fit ends. */
export interface Engine {
  kind: 'duckdb' | 'postgres' | 'generic';
  dialect: SqlDialect;
  query(sql: string): Promise<SqlRow[]>;
  close(): void;
}

/** The optional peer dependency behind client 'duckdb', and what to run when it is missing. */
const DUCKDB_PACKAGE = '@duckdb/node-api';
const INSTALL_DUCKDB = `npm install ${DUCKDB_PACKAGE}`;

/** PostgreSQL type OIDs read as JavaScript numbers (int2, int4, int8, float4, float8, numeric) and booleans. */
const PG_NUMBER_TYPES = new Set([21, 23, 20, 700, 701, 1700]);
const PG_BOOLEAN = 16;

/**
 * node-postgres returns int8 and numeric as strings (they may not fit a double): the levels of
 * a factor or labels of a bigint column would then be strings. Each query passes its own type
 * parsers instead (the client's global ones are left alone).
 */
const pgTypes = {
  getTypeParser(oid: number) {
    if (PG_NUMBER_TYPES.has(oid)) return (text: string) => Number(text);
    if (oid === PG_BOOLEAN) return (text: string) => text === 't';
    return (text: string) => text;
  },
};

function isPg(client: object): boolean {
  // A pg Client has connectionParameters; a Pool has totalCount / idleCount.
  return 'connectionParameters' in client || ('totalCount' in client && 'idleCount' in client && typeof (client as { connect?: unknown }).connect === 'function');
}

/**
 * Adapts the caller's client. `dialect` says how a generic client's engine writes SQL (default
 * 'postgres', whose SQL most engines read); DuckDB and pg clients have their own.
 * @throws {SoftlogitError} `BAD_OPTION` for something that is not a client, or 'duckdb' when
 *   @duckdb/node-api is not installed.
 */
export async function toEngine(client: unknown, dialect: SqlDialect | undefined, caller: string): Promise<Engine> {
  if (client === 'duckdb') return openDuckDB(caller);
  if (client !== null && typeof client === 'object') {
    const duck = client as { runAndReadAll?: unknown };
    if (typeof duck.runAndReadAll === 'function') {
      return {
        kind: 'duckdb',
        dialect: 'duckdb',
        query: (sql) => duckQuery(client as DuckConnection, sql),
        close: () => {},
      };
    }
    const generic = client as { query?: unknown };
    if (typeof generic.query === 'function') {
      if (isPg(client)) {
        const pg = client as { query(config: { text: string; types: typeof pgTypes }): Promise<{ rows: SqlRow[] }> };
        return { kind: 'postgres', dialect: 'postgres', query: async (sql) => (await pg.query({ text: sql, types: pgTypes })).rows.map(plainRow), close: () => {} };
      }
      const q = client as QueryClient;
      return {
        kind: 'generic',
        dialect: dialect ?? 'postgres',
        query: async (sql) => {
          const result = await q.query(sql);
          const rows = Array.isArray(result) ? result : (result as { rows?: unknown } | null)?.rows;
          if (!Array.isArray(rows)) {
            throw new SoftlogitError('BAD_OPTION', `${caller}: client.query(sql) should resolve to an array of row objects or to { rows }, got ${describeValue(result)}`);
          }
          return rows.map(plainRow);
        },
        close: () => {},
      };
    }
  }
  throw new SoftlogitError(
    'BAD_OPTION',
    `${caller}: client should be a DuckDB connection, a pg Client or Pool, an object with query(sql), or 'duckdb', got ${describeValue(client)}`,
  );
}

interface DuckConnection {
  runAndReadAll(sql: string): Promise<{ getRowObjectsJS(): SqlRow[] }>;
}

async function duckQuery(connection: DuckConnection, sql: string): Promise<SqlRow[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS().map(plainRow);
}

/** An in-memory DuckDB opened for one fit (it reads Parquet and CSV files named in `from`). */
async function openDuckDB(caller: string): Promise<Engine> {
  let duckdb: typeof import('@duckdb/node-api');
  try {
    // A specifier in a variable: bundlers leave it alone, so softlogit/sql bundles for a browser
    // page (with a generic client, e.g. over DuckDB-WASM) without @duckdb/node-api installed.
    duckdb = (await import(/* @vite-ignore */ DUCKDB_PACKAGE)) as typeof import('@duckdb/node-api');
  } catch (error) {
    throw new SoftlogitError(
      'BAD_OPTION',
      `${caller}: client 'duckdb' needs the optional peer dependency @duckdb/node-api, which is not installed; add it with \`${INSTALL_DUCKDB}\` ` +
        `(or pass your own client: a pg Client or Pool, or any object with query(sql)). (${(error as Error).message})`,
    );
  }
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  return {
    kind: 'duckdb',
    dialect: 'duckdb',
    query: (sql) => duckQuery(connection as unknown as DuckConnection, sql),
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A row with bigints as numbers (exact below 2^53, else the digits as a string) and other values as they came. */
function plainRow(row: unknown): SqlRow {
  const out: SqlRow = {};
  for (const [key, value] of Object.entries(row as SqlRow)) out[key] = plainValue(value);
  return out;
}

function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}
