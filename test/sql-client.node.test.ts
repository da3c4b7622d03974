/**
 * softlogit/sql's client handling: a generic `{ query(sql) }` client (rows or `{ rows }`), a
 * client that is none of the supported kinds, and the message when the optional peer dependency
 * @duckdb/node-api is missing (simulated: the module's import fails).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fitLogistic, init } from '../src/index.js';
import { SAME_FIT_RTOL } from './helpers/tolerances.js';

let duckdb: typeof import('@duckdb/node-api') | null = null;
try {
  duckdb = await import('@duckdb/node-api');
} catch {
  duckdb = null;
}
if (duckdb === null) console.warn('sql-client.node.test: skipping the generic-client fits: @duckdb/node-api is not installed');

beforeAll(async () => {
  await init();
});

afterEach(() => {
  vi.doUnmock('@duckdb/node-api');
  vi.resetModules();
});

/** Rows with a known MLE: x = 1…12, y alternating in blocks so that the data overlap. */
const x = Array.from({ length: 12 }, (_, i) => i + 1);
const y = [0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1];

describe.skipIf(duckdb === null)('a generic { query(sql) } client', () => {
  it('resolving to rows, or to { rows }, fits as the DuckDB client does', async () => {
    const { fitLogisticSQL } = await import('../src/sql/index.js');
    const instance = await duckdb!.DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run('CREATE TABLE d (x DOUBLE, y INTEGER)');
      await connection.run(`INSERT INTO d VALUES ${x.map((v, i) => `(${v}, ${y[i]})`).join(', ')}`);
      const seen: string[] = [];
      const asRows = { query: async (sql: string) => (seen.push(sql), (await connection.runAndReadAll(sql)).getRowObjectsJS()) };
      const asResult = { query: async (sql: string) => ({ rows: (await connection.runAndReadAll(sql)).getRowObjectsJS() }) };
      const expected = fitLogistic(x.map((v) => [v]), y, { names: ['x'] });
      for (const client of [asRows, asResult]) {
        const fit = await fitLogisticSQL(client, { from: 'd', response: 'y', predictors: ['x'], dialect: 'duckdb' });
        const diff = Math.max(...Array.from(fit.coefficients, (b, j) => Math.abs(b - expected.coefficients[j]!) / Math.abs(expected.coefficients[j]!)));
        expect(diff).toBeLessThanOrEqual(SAME_FIT_RTOL);
      }
      // One statement for the levels, then one per Newton evaluation; every identifier quoted.
      expect(seen[0]).toMatch(/GROUPING SETS \(\("y"\)\)/);
      expect(seen.length).toBeGreaterThan(2);
      expect(seen.every((sql) => sql.includes('"d" AS "softlogit_rows"'))).toBe(true);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

describe('clients that cannot be used', () => {
  it('an object without query or runAndReadAll is refused with BAD_OPTION', async () => {
    const { fitLogisticSQL } = await import('../src/sql/index.js');
    await expect(fitLogisticSQL({} as never, { from: 'd', response: 'y', predictors: ['x'] })).rejects.toMatchObject({
      code: 'BAD_OPTION', message: expect.stringContaining('client should be a DuckDB connection, a pg Client or Pool'),
    });
  });

  it("a query(sql) that resolves to something else than rows is refused", async () => {
    const { fitLogisticSQL } = await import('../src/sql/index.js');
    await expect(fitLogisticSQL({ query: async () => 42 }, { from: 'd', response: 'y', predictors: ['x'] })).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });

  it("'duckdb' without @duckdb/node-api installed says how to add it", async () => {
    vi.doMock('@duckdb/node-api', () => {
      throw new Error("Cannot find package '@duckdb/node-api'");
    });
    const { fitLogisticSQL } = await import('../src/sql/index.js');
    await expect(fitLogisticSQL('duckdb', { from: 'd', response: 'y', predictors: ['x'] })).rejects.toMatchObject({
      code: 'BAD_OPTION', message: expect.stringContaining('npm install @duckdb/node-api'),
    });
  });

  it('bad options are refused with BAD_OPTION before any statement runs', async () => {
    const { fitLogisticSQL, fitSoftmaxSQL } = await import('../src/sql/index.js');
    const statements: string[] = [];
    const client = { query: async (sql: string) => (statements.push(sql), []) };
    const base = { from: 'd', response: 'y', predictors: ['x'] };
    const bad: [string, Record<string, unknown>][] = [
      ['from a number', { ...base, from: 5 }],
      ['from an empty name part', { ...base, from: ['schema', ''] }],
      ['from a query that closes early', { ...base, from: '(SELECT 1) UNION (SELECT 2)' }],
      ['predictors not an array', { ...base, predictors: 'x' }],
      ['a predictor that is not a string', { ...base, predictors: [1] }],
      ['a factor not among the predictors', { ...base, factors: ['z'] }],
      ['a column in two roles', { ...base, weights: 'x' }],
      ['the response as a predictor', { ...base, predictors: ['x', 'y'] }],
      ['an unknown dialect', { ...base, dialect: 'mysql' }],
      ['names (they come from the columns)', { ...base, names: ['a'] }],
      ['singular', { ...base, singular: 'drop' }],
      ['intercept not a boolean', { ...base, intercept: 'yes' }],
    ];
    for (const [what, options] of bad) {
      await expect(fitLogisticSQL(client, options as never), what).rejects.toMatchObject({ code: 'BAD_OPTION' });
    }
    // A softmax offset is one column per class, { [class]: column }: a single column is refused saying so.
    await expect(fitSoftmaxSQL(client, { ...base, offset: 'o' } as never)).rejects.toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining('{ [class]: column }') });
    await expect(fitSoftmaxSQL(client, { ...base, offset: { a: 3 } } as never)).rejects.toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining('to a column name') });
    expect(statements).toEqual([]);
  });
});
