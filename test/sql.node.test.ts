/**
 * softlogit/sql against real engines: DuckDB in process (@duckdb/node-api) and a PostgreSQL 15
 * server started for this file (test/setup/postgres.ts). The identity under test: the sums the
 * engine computes are those of accumulate() on the same rows, so fitLogisticSQL / fitSoftmaxSQL
 * give fitLogistic / fitSoftmax on the rows read into memory (which are checked against R in
 * their own tests) to rounding. The UCLA admissions data are data/binary.csv (R's
 * `read.csv("https://stats.idre.ucla.edu/stat/data/binary.csv")`).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accumulate, designMatrix, fitLogistic, fitSoftmax, init, parseCSV, SoftlogitError, type LogisticFit, type SoftmaxFit,
} from '../src/index.js';
import { fitLogisticSQL, fitSoftmaxSQL } from '../src/sql/index.js';
import { toEngine, type Engine } from '../src/sql/client.js';
import { readStatistics, statisticsQueries, type SqlDesign } from '../src/sql/query.js';
import { DIALECTS } from '../src/sql/text.js';
import { gaussian, mulberry32 } from './helpers/random.js';
import { SAME_FIT_RTOL, SUM_RTOL } from './helpers/tolerances.js';
import { CLICKHOUSE_BINARY, CLICKHOUSE_MISSING, startClickHouseCluster, type ClickHouseCluster } from './setup/clickhouse.js';
import { POSTGRES_MISSING, postgresBinaries, startPostgres, type PostgresServer } from './setup/postgres.js';
import { worstScaled } from './helpers/covariance.js';

const ucla = parseCSV(readFileSync(new URL('../data/binary.csv', import.meta.url), 'utf8'));
const col = (name: string) => Array.from(ucla.columns.find((c) => c.name === name)!.values as Float64Array);
const admit = col('admit');
const gre = col('gre');
const gpa = col('gpa');
const rank = col('rank');
const n = admit.length;
/** Prior weights 0, 0.5, …, 2 in a fixed pattern: zero-weight rows and unequal weights. */
const weight = admit.map((_, i) => ((i * 7) % 5) * 0.5);
/** A known offset in [−0.1, 0.1] (R's offset()). */
const offset = admit.map((_, i) => 0.1 * ((i % 3) - 1));

/**
 * A wide softmax: 15 Gaussian features + intercept, K = 4, so P = 16·3 = 48 coefficients and
 * 1176 information entries: more than the 1000 select items of one statement, so every Hessian
 * pass is two statements (src/sql/query.ts, MAX_ITEMS). Labels drawn from the model at random
 * coefficients (seeded), so the MLE exists.
 */
const WIDE_FEATURES = 15;
const wide = (() => {
  const normal = gaussian(mulberry32(20261203));
  const rows = 400;
  const X = Array.from({ length: rows }, () => Array.from({ length: WIDE_FEATURES }, () => normal()));
  const W = Array.from({ length: 3 }, () => Array.from({ length: WIDE_FEATURES + 1 }, () => 0.5 * normal()));
  const uniform = mulberry32(7);
  const y = X.map((x) => {
    const e = [1, ...W.map((w) => Math.exp(w[0]! + x.reduce((s, v, j) => s + v * w[j + 1]!, 0)))];
    let u = uniform() * e.reduce((a, b) => a + b, 0);
    let k = 0;
    while (k < 3 && u > e[k]!) u -= e[k++]!;
    return `class ${k + 1}`;
  });
  return { X, y, names: Array.from({ length: WIDE_FEATURES }, (_, j) => `f${j + 1}`) };
})();

/** A cluster label per row for the cluster-robust covariance: runs of 8 rows (50 clusters), as test/fixtures/inference/ucla-logistic.json's. */
const school = admit.map((_, i) => Math.floor(i / 8));

/** The UCLA rows with the test's extra columns, as SQL VALUES. */
const TABLE_COLUMNS = ['admit', 'gre', 'gpa', 'rank', 'w', 'o', 'gpa "quoted" \'name\'', 'school'];
function uclaValues(): string {
  return admit.map((_, i) => `(${admit[i]}, ${gre[i]}, ${gpa[i]}, ${rank[i]}, ${weight[i]}, ${offset[i]}, ${gpa[i]}, ${school[i]})`).join(',\n');
}

/** The largest |a − b| over the largest |b|: one relative figure for a vector. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / Math.max(scale, 1e-300);
}

/** Agreement figures per engine and case, printed at the end (the report quotes them). */
const figures: string[] = [];

function expectSameLogistic(label: string, actual: LogisticFit, expected: LogisticFit): void {
  const errors = {
    coefficients: relativeError(actual.coefficients, expected.coefficients),
    se: relativeError(actual.standardErrors, expected.standardErrors),
    deviance: relativeError([actual.deviance], [expected.deviance]),
    nullDeviance: relativeError([actual.nullDeviance], [expected.nullDeviance]),
  };
  figures.push(`${label}: coef ${errors.coefficients.toExponential(1)}, se ${errors.se.toExponential(1)}, deviance ${errors.deviance.toExponential(1)}`);
  for (const value of Object.values(errors)) expect(value).toBeLessThanOrEqual(SAME_FIT_RTOL);
  expect(relativeError([actual.aic, actual.logLik], [expected.aic, expected.logLik])).toBeLessThanOrEqual(SAME_FIT_RTOL);
  expect(actual.names).toEqual(expected.names);
  expect(actual.nObs).toBe(expected.nObs);
  expect(actual.dfResidual).toBe(expected.dfResidual);
  expect(actual.dfNull).toBe(expected.dfNull);
  expect(actual.converged).toBe(true);
  expect(actual.warnings).toEqual([]);
}

function expectSameSoftmax(label: string, actual: SoftmaxFit, expected: SoftmaxFit): void {
  const errors = {
    coefficients: relativeError(actual.coefficients.data, expected.coefficients.data),
    se: relativeError(actual.standardErrors.data, expected.standardErrors.data),
    deviance: relativeError([actual.deviance], [expected.deviance]),
    nullDeviance: relativeError([actual.nullDeviance], [expected.nullDeviance]),
  };
  figures.push(`${label}: coef ${errors.coefficients.toExponential(1)}, se ${errors.se.toExponential(1)}, deviance ${errors.deviance.toExponential(1)}`);
  for (const value of Object.values(errors)) expect(value).toBeLessThanOrEqual(SAME_FIT_RTOL);
  expect(actual.names).toEqual(expected.names);
  expect(actual.classes).toEqual(expected.classes);
  expect(actual.nObs).toBe(expected.nObs);
  expect(actual.converged).toBe(true);
}

/**
 * Issue #15: the robust SEs of a fit from SQL are the in-memory fit's to 1e-10. Both are the MLE to
 * ~1e-12 (SAME_FIT_RTOL's reasoning) and the meat is the same sum over rows (or clusters) added in
 * another order, so covariance entries agree to ~1e-12 of √(Σ_ii Σ_jj); a wrong scaling factor or
 * a cluster split by the engine is off by 1e-3 or more.
 */
const SANDWICH_RTOL = 1e-10;


function expectSameSandwich(label: string, actual: LogisticFit | SoftmaxFit, expected: LogisticFit | SoftmaxFit): void {
  const error = worstScaled(actual.covariance.data, expected.covariance.data);
  figures.push(`${label}: covariance ${error.toExponential(1)} (scaled)`);
  expect(error).toBeLessThanOrEqual(SANDWICH_RTOL);
  expect(actual.covarianceType).toBe(expected.covarianceType);
  expect(actual.clusters).toBe(expected.clusters);
}

/** What a test needs of an engine: a client for the fits, a way to run setup SQL, and a stop. */
interface Harness {
  client: unknown;
  exec(sql: string): Promise<void>;
  stop(): Promise<void>;
}

const engines: { name: string; skip: string | null; start: () => Promise<Harness> }[] = [];

let duckdb: typeof import('@duckdb/node-api') | null = null;
try {
  duckdb = await import('@duckdb/node-api');
} catch {
  duckdb = null;
}
engines.push({
  name: 'duckdb',
  skip: duckdb === null ? '@duckdb/node-api is not installed (npm ci installs the pinned devDependency)' : null,
  start: async () => {
    const instance = await duckdb!.DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    return {
      client: connection,
      exec: async (sql) => void (await connection.run(sql)),
      stop: async () => {
        connection.closeSync();
        instance.closeSync();
      },
    };
  },
});

let pg: typeof import('pg') | null = null;
try {
  pg = (await import('pg')).default as unknown as typeof import('pg');
} catch {
  pg = null;
}
engines.push({
  name: 'postgres',
  skip: postgresBinaries() === null ? POSTGRES_MISSING : pg === null ? 'the pg package is not installed (npm ci installs the pinned devDependency)' : null,
  start: async () => {
    const server: PostgresServer = await startPostgres();
    try {
      const client = new pg!.Client({ host: server.host, port: server.port, user: server.user, database: server.database });
      await client.connect();
      return {
        client,
        exec: async (sql) => void (await client.query(sql)),
        stop: async () => {
          try {
            await client.end();
          } finally {
            server.stop();
          }
        },
      };
    } catch (error) {
      server.stop();
      throw error;
    }
  },
});

beforeAll(async () => {
  await init();
});

afterAll(() => {
  if (figures.length > 0) console.log(`SQL fits vs in-memory fits (max relative difference):\n  ${figures.join('\n  ')}`);
});

for (const engine of engines) {
  if (engine.skip !== null) console.warn(`sql.node.test: skipping ${engine.name}: ${engine.skip}`);
  describe.skipIf(engine.skip !== null)(`SQL fits on ${engine.name}`, () => {
    let h: Harness;

    beforeAll(async () => {
      h = await engine.start();
      const columns = TABLE_COLUMNS.map((c) => `"${c.replaceAll('"', '""')}" DOUBLE PRECISION`).join(', ');
      await h.exec(`CREATE TABLE ucla (${columns})`);
      await h.exec(`INSERT INTO ucla VALUES ${uclaValues()}`);
      // The same rows with text labels, NULLs to skip and a quoted table name.
      await h.exec(`CREATE TABLE "ucla ""text""" AS SELECT CASE WHEN rank = 1 THEN 'one' WHEN rank = 2 THEN 'two' WHEN rank = 3 THEN 'three' ELSE 'four' END AS "rank label", admit, gre, gpa FROM ucla`);
      await h.exec(`INSERT INTO "ucla ""text""" VALUES (NULL, 1, 500, 3.0), ('one', NULL, 500, 3.0), ('two', 0, NULL, 3.1)`);
      await h.exec(`CREATE TABLE wide (label VARCHAR(10), ${wide.names.map((f) => `${f} DOUBLE PRECISION`).join(', ')})`);
      await h.exec(`INSERT INTO wide VALUES ${wide.X.map((x, i) => `('${wide.y[i]}', ${x.join(', ')})`).join(',\n')}`);
      await h.exec('CREATE TABLE bools AS SELECT admit = 1 AS admitted, gre, gpa FROM ucla');
      // Complete separation: y = 1 exactly when x > 10.
      await h.exec('CREATE TABLE separated (x DOUBLE PRECISION, y INTEGER)');
      await h.exec(`INSERT INTO separated VALUES ${Array.from({ length: 20 }, (_, i) => `(${i + 1}, ${i + 1 > 10 ? 1 : 0})`).join(', ')}`);
      // Quasi-complete separation: as above plus both outcomes at x = 10.
      await h.exec('CREATE TABLE quasi AS SELECT * FROM separated');
      await h.exec('INSERT INTO quasi VALUES (10, 1)');
      // Three classes in three ranges of x: the softmax MLE does not exist either.
      await h.exec('CREATE TABLE separated3 AS SELECT x, CASE WHEN x <= 7 THEN 1 WHEN x <= 14 THEN 2 ELSE 3 END AS k FROM separated');
    }, 120_000);

    afterAll(async () => {
      await h?.stop();
    }, 120_000);

    it('UCLA admit ~ gre + gpa equals fitLogistic', async () => {
      const fit = await fitLogisticSQL(h.client as never, { from: 'ucla', response: 'admit', predictors: ['gre', 'gpa'] });
      const expected = fitLogistic(gre.map((g, i) => [g, gpa[i]!]), admit, { names: ['gre', 'gpa'] });
      expectSameLogistic(`${engine.name} UCLA logistic`, fit, expected);
      expect(fit.summary()).toContain('gpa');
      expect(Array.from(fit.predict([[600, 3.5]]))[0]).toBeCloseTo(Array.from(expected.predict([[600, 3.5]]))[0]!, 12);
    });

    it('weights (zeros included) and an offset equal fitLogistic with the same weights and offset', async () => {
      const fit = await fitLogisticSQL(h.client as never, { from: 'ucla', response: 'admit', predictors: ['gre', 'gpa'], weights: 'w', offset: 'o' });
      const expected = fitLogistic(gre.map((g, i) => [g, gpa[i]!]), admit, { names: ['gre', 'gpa'], weights: weight, offset });
      expectSameLogistic(`${engine.name} UCLA weighted + offset`, fit, expected);
      expect(fit.nObs).toBe(weight.filter((w) => w > 0).length);
    });

    it('factor rank is dummy-coded as R does (rank2, rank3, rank4) and equals designMatrix + fitLogistic', async () => {
      const fit = await fitLogisticSQL(h.client as never, { from: 'ucla', response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: ['rank'] });
      const design = designMatrix(ucla, { response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: ['rank'] });
      const y = (design.response as { values: Float64Array }).values ?? admit;
      const expected = fitLogistic({ data: design.X, nRows: design.nRows, nFeatures: design.nFeatures }, Array.from(y as ArrayLike<number>), { names: design.names });
      expect(fit.names).toEqual(['(Intercept)', 'gre', 'gpa', 'rank2', 'rank3', 'rank4']);
      expectSameLogistic(`${engine.name} UCLA factor rank`, fit, expected);
    });

    it('a text factor in a quoted table, NULL rows skipped, without intercept (first factor fully coded)', async () => {
      const fit = await fitLogisticSQL(h.client as never, {
        from: 'ucla "text"', response: 'admit', predictors: ['rank label', 'gre'], factors: ['rank label'], intercept: false,
      });
      const labels = ['one', 'two', 'three', 'four'];
      const levels = ['four', 'one', 'three', 'two']; // code-point order, as R's factor() in the C locale
      const X = rank.map((r, i) => [...levels.map((l) => (labels[r - 1] === l ? 1 : 0)), gre[i]!]);
      const expected = fitLogistic(X, admit, { names: [...levels.map((l) => `rank label${l}`), 'gre'], intercept: false });
      expectSameLogistic(`${engine.name} UCLA text factor, no intercept`, fit, expected);
    });

    it('K = 4 softmax rank ~ gre + gpa + admit equals fitSoftmax, also weighted', async () => {
      const X = gre.map((g, i) => [g, gpa[i]!, admit[i]!]);
      const names = ['gre', 'gpa', 'admit'];
      const fit = await fitSoftmaxSQL(h.client as never, { from: 'ucla', response: 'rank', predictors: names });
      expectSameSoftmax(`${engine.name} UCLA softmax K=4`, fit, fitSoftmax(X, rank, { names }));
      const weighted = await fitSoftmaxSQL(h.client as never, { from: 'ucla', response: 'rank', predictors: names, weights: 'w', reference: 3 });
      expectSameSoftmax(`${engine.name} UCLA softmax K=4 weighted, reference 3`, weighted, fitSoftmax(X, rank, { names, weights: weight, reference: 3 }));
      expect(weighted.reference).toBe(3);
    });

    it('a softmax offset column per class ({ 2: o, 4: gpa }, reference 3) equals fitSoftmax with that n x K offset, HC0 sandwich too', async () => {
      const X = gre.map((g, i) => [g, gpa[i]!, admit[i]!]);
      const names = ['gre', 'gpa', 'admit'];
      const quoted = 'gpa "quoted" \'name\'';
      // classes 1…4 in order: class 2 takes column o, class 4 the (quoted) copy of gpa; classes 1 and 3 none.
      const rowOffset = rank.map((_, i) => [0, offset[i]!, 0, gpa[i]!]);
      const options = { from: 'ucla', response: 'rank', predictors: names, weights: 'w', reference: 3, offset: { 2: 'o', 4: quoted } };
      const fit = await fitSoftmaxSQL(h.client as never, options);
      const expected = fitSoftmax(X, rank, { names, weights: weight, reference: 3, offset: rowOffset });
      expectSameSoftmax(`${engine.name} UCLA softmax K=4 offset per class, reference 3`, fit, expected);
      // The offset matters (an ignored one, or one taken against the wrong reference, moves the fit).
      expect(relativeError(fitSoftmax(X, rank, { names, weights: weight, reference: 3 }).coefficients.data, expected.coefficients.data)).toBeGreaterThan(1e-2);
      const robust = await fitSoftmaxSQL(h.client as never, { ...options, covariance: 'HC0' });
      expectSameSandwich(`${engine.name} softmax K=4 HC0, offset per class`, robust, fitSoftmax(X, rank, { names, weights: weight, reference: 3, offset: rowOffset, covariance: 'HC0' }));
      // The reference's own offset is subtracted from the others; no intercept: the null model is η = offset.
      const refOffset = rank.map((_, i) => [0, 0, offset[i]!, 0]);
      const noIntercept = await fitSoftmaxSQL(h.client as never, { from: 'ucla', response: 'rank', predictors: names, reference: 3, offset: { 3: 'o' }, intercept: false });
      expectSameSoftmax(`${engine.name} UCLA softmax K=4 reference's offset, no intercept`, noIntercept, fitSoftmax(X, rank, { names, reference: 3, offset: refOffset, intercept: false }));
      await expect(fitSoftmaxSQL(h.client as never, { ...options, offset: { 5: 'o' } })).rejects.toThrow(/offset names class '5'.* not among the classes \[1,2,3,4\]/);
    });

    it('a wide softmax (P = 48, each Hessian pass split into two statements) equals fitSoftmax', async () => {
      const fit = await fitSoftmaxSQL(h.client as never, { from: 'wide', response: 'label', predictors: wide.names, parameterization: 'symmetric' });
      expectSameSoftmax(`${engine.name} wide softmax P=48, 2 statements per pass`, fit, fitSoftmax(wide.X, wide.y, { names: wide.names, parameterization: 'symmetric' }));
      expect(fit.classes).toEqual(['class 1', 'class 2', 'class 3', 'class 4']);
    });

    it('a column name with double and single quotes is quoted, not spliced', async () => {
      const fit = await fitLogisticSQL(h.client as never, { from: 'ucla', response: 'admit', predictors: ['gre', 'gpa "quoted" \'name\''] });
      expect(fit.names).toEqual(['(Intercept)', 'gre', 'gpa "quoted" \'name\'']);
      const expected = fitLogistic(gre.map((g, i) => [g, gpa[i]!]), admit, { names: ['gre', 'gpa "quoted" \'name\''] });
      expectSameLogistic(`${engine.name} quoted column`, fit, expected);
    });

    it('sums at |η| up to 800 are finite and equal accumulate() on the same rows', async () => {
      const adapted: Engine = await toEngine(h.client, undefined, 'test');
      const design: SqlDesign = {
        dialect: DIALECTS[adapted.dialect], from: 'ucla AS t', where: 'TRUE', intercept: true, weight: null, offset: null, numeric: [],
        columns: [{ name: 'gre', sql: 'CAST(gre AS DOUBLE PRECISION)' }, { name: 'gpa', sql: 'CAST(gpa AS DOUBLE PRECISION)' }],
      };
      // η = −1000 + 2·gre: gre runs 220…800, so η runs −560…600 with rows on both sides.
      const coefficients = Float64Array.of(-1000, 2, 0);
      const spec = { model: 'logistic' as const, response: 'CAST(admit AS DOUBLE PRECISION)' };
      const rows = [];
      for (const sql of statisticsQueries(design, spec, coefficients, 'hessian', 'test')) rows.push(await adapted.query(sql));
      const stats = readStatistics(rows, design, spec, 'hessian', 'test');
      const reference = accumulate({ model: 'logistic', X: gre.map((g, i) => [g, gpa[i]!]), y: admit }, coefficients);
      expect(Number.isFinite(stats.logLik)).toBe(true);
      expect(relativeError([stats.logLik], [reference.logLik])).toBeLessThanOrEqual(SUM_RTOL);
      expect(relativeError(stats.gradient!, reference.gradient!)).toBeLessThanOrEqual(SUM_RTOL);
      // The information of rows at |η| ≤ 300 only (beyond, terms < e^-300 are 0): equal to its own scale.
      expect(relativeError(stats.hessian!, reference.hessian!)).toBeLessThanOrEqual(SUM_RTOL);
      expect(stats.nExtreme).toBeGreaterThan(0);
      // Softmax, K = 4, at linear predictors in the hundreds.
      const softSpec = {
        model: 'softmax' as const,
        indicators: [1, 2, 3, 4].map((k) => `CASE WHEN rank = ${k} THEN 1 ELSE 0 END`),
        internalOrder: [0, 1, 2, 3],
      };
      const softCoefficients = Float64Array.of(-1000, 2, 0, 500, -1, 0, 10, 0, 1);
      const softRows = [];
      for (const sql of statisticsQueries(design, softSpec, softCoefficients, 'hessian', 'test')) softRows.push(await adapted.query(sql));
      const soft = readStatistics(softRows, design, softSpec, 'hessian', 'test');
      const softReference = accumulate({ model: 'softmax', X: gre.map((g, i) => [g, gpa[i]!]), y: rank, classes: [1, 2, 3, 4] }, softCoefficients);
      expect(relativeError([soft.logLik], [softReference.logLik])).toBeLessThanOrEqual(SUM_RTOL);
      expect(relativeError(soft.gradient!, softReference.gradient!)).toBeLessThanOrEqual(SUM_RTOL);
      expect(relativeError(soft.hessian!, softReference.hessian!)).toBeLessThanOrEqual(SUM_RTOL);
    });

    it('covariance HC0 / HC1, per row and per cluster (GROUP BY school), equals the in-memory sandwich (R vcovHC / vcovCL)', async () => {
      const names = ['gre', 'gpa'];
      const X = gre.map((g, i) => [g, gpa[i]!]);
      for (const type of ['HC0', 'HC1'] as const) {
        const rows = await fitLogisticSQL(h.client as never, { from: 'ucla', response: 'admit', predictors: names, weights: 'w', offset: 'o', covariance: type });
        expectSameSandwich(`${engine.name} logistic ${type}, weights + offset`, rows, fitLogistic(X, admit, { names, weights: weight, offset, covariance: type }));
        const clustered = await fitLogisticSQL(h.client as never, { from: 'ucla', response: 'admit', predictors: names, covariance: type, cluster: 'school' });
        expectSameSandwich(`${engine.name} logistic ${type}, cluster`, clustered, fitLogistic(X, admit, { names, covariance: type, cluster: school }));
        expect(clustered.clusters).toBe(50);
      }
      const softNames = ['gre', 'gpa', 'admit'];
      const softX = gre.map((g, i) => [g, gpa[i]!, admit[i]!]);
      const soft = await fitSoftmaxSQL(h.client as never, { from: 'ucla', response: 'rank', predictors: softNames, weights: 'w', covariance: 'HC0' });
      expectSameSandwich(`${engine.name} softmax K=4 HC0, weights`, soft, fitSoftmax(softX, rank, { names: softNames, weights: weight, covariance: 'HC0' }));
      const softCluster = await fitSoftmaxSQL(h.client as never, { from: 'ucla', response: 'rank', predictors: softNames, covariance: 'HC1', cluster: 'school' });
      expectSameSandwich(`${engine.name} softmax K=4 HC1, cluster`, softCluster, fitSoftmax(softX, rank, { names: softNames, covariance: 'HC1', cluster: school }));
    });

    it('the wide softmax sandwich (P = 48: 1176 meat sums, two statements, the GROUP BY in each) equals fitSoftmax\'s', async () => {
      const options = { names: wide.names, covariance: 'HC0' as const };
      const rows = await fitSoftmaxSQL(h.client as never, { from: 'wide', response: 'label', predictors: wide.names, covariance: 'HC0' });
      expectSameSandwich(`${engine.name} wide softmax P=48 HC0`, rows, fitSoftmax(wide.X, wide.y, options));
      // Clusters of the 4 labels: a legitimate, if odd, cluster column, and a GROUP BY with 48 sums per group.
      const clustered = await fitSoftmaxSQL(h.client as never, { from: 'wide', response: 'label', predictors: wide.names, covariance: 'HC1', cluster: 'label' });
      expectSameSandwich(`${engine.name} wide softmax P=48 HC1, cluster`, clustered, fitSoftmax(wide.X, wide.y, { ...options, covariance: 'HC1', cluster: wide.y }));
      expect(clustered.clusters).toBe(4);
    });

    it('refuses a cluster column without a sandwich, NULL cluster labels, and a sandwich with l2', async () => {
      await expect(fitLogisticSQL(h.client as never, { from: 'ucla', response: 'admit', predictors: ['gre'], cluster: 'school' })).rejects.toMatchObject({
        code: 'BAD_OPTION', message: expect.stringContaining("cluster needs covariance 'HC0' or 'HC1'"),
      });
      // One row of "ucla ""text""" has a NULL label and complete response and predictors.
      await expect(fitLogisticSQL(h.client as never, { from: 'ucla "text"', response: 'admit', predictors: ['gre', 'gpa'], covariance: 'HC1', cluster: 'rank label' })).rejects.toMatchObject({
        code: 'BAD_OPTION', message: expect.stringContaining('NULL in 1 of the rows'),
      });
      await expect(fitSoftmaxSQL(h.client as never, { from: 'ucla', response: 'rank', predictors: ['gre'], covariance: 'HC1', l2: 1 })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    });

    it('a boolean response equals the 0/1 fit', async () => {
      const fit = await fitLogisticSQL(h.client as never, { from: 'bools', response: 'admitted', predictors: ['gre', 'gpa'] });
      expectSameLogistic(`${engine.name} boolean response`, fit, fitLogistic(gre.map((g, i) => [g, gpa[i]!]), admit, { names: ['gre', 'gpa'] }));
    });

    it('separated data: converged false with a warning naming the symptom, never a silent convergence', async () => {
      const warnings: string[] = [];
      const fit = await fitLogisticSQL(h.client as never, { from: 'separated', response: 'y', predictors: ['x'], onWarning: (w) => warnings.push(w) });
      expect(fit.converged).toBe(false);
      expect(fit.warnings.some((w) => /separation/.test(w))).toBe(true);
      expect(warnings.some((w) => /numerically 0 or 1/.test(w))).toBe(true);
      const quasi = await fitLogisticSQL(h.client as never, { from: 'quasi', response: 'y', predictors: ['x'], onWarning: () => {} });
      expect(quasi.converged).toBe(false);
      expect(quasi.warnings.some((w) => /numerically 0 or 1/.test(w))).toBe(true);
      const soft = await fitSoftmaxSQL(h.client as never, { from: 'separated3', response: 'k', predictors: ['x'], onWarning: () => {} });
      expect(soft.converged).toBe(false);
      expect(soft.warnings.some((w) => /numerically 0 or 1/.test(w))).toBe(true);
      // With a ridge the estimate is finite: no symptom is reported.
      const ridge = await fitLogisticSQL(h.client as never, { from: 'separated', response: 'y', predictors: ['x'], l2: 1 });
      expect(ridge.converged).toBe(true);
      expect(ridge.warnings).toEqual([]);
      expectSameLogistic(
        `${engine.name} separated, l2 = 1`, ridge,
        fitLogistic(Array.from({ length: 20 }, (_, i) => [i + 1]), Array.from({ length: 20 }, (_, i) => (i + 1 > 10 ? 1 : 0)), { names: ['x'], l2: 1 }),
      );
    });

    it('refuses a response that is not 0/1, an unknown option, and a from that breaks out of its parentheses', async () => {
      await expect(fitLogisticSQL(h.client as never, { from: 'ucla', response: 'rank', predictors: ['gre'] })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
      await expect(fitLogisticSQL(h.client as never, { from: 'ucla', response: 'admit', predictors: ['gre'], weigths: 'w' } as never)).rejects.toMatchObject({
        code: 'BAD_OPTION', message: expect.stringContaining("did you mean 'weights'"),
      });
      await expect(fitLogisticSQL(h.client as never, { from: '(SELECT 1) AS a; DROP TABLE ucla; (SELECT 1)', response: 'admit', predictors: ['gre'] })).rejects.toBeInstanceOf(SoftlogitError);
      const still = await fitLogisticSQL(h.client as never, { from: 'ucla', response: 'admit', predictors: ['gre'] });
      expect(still.nObs).toBe(n);
    });

    // A pg Pool exists only for PostgreSQL: the test is defined for that engine alone.
    if (engine.name === 'postgres') it('a pg Pool works as a Client does', async () => {
      const client = h.client as { connectionParameters: { host: string; port: number; user: string; database: string } };
      const { host, port, user, database } = client.connectionParameters;
      const pool = new pg!.Pool({ host, port, user, database, max: 2 });
      try {
        const fit = await fitLogisticSQL(pool, { from: 'ucla', response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: ['rank'] });
        expect(fit.names).toEqual(['(Intercept)', 'gre', 'gpa', 'rank2', 'rank3', 'rank4']);
        expect(fit.converged).toBe(true);
      } finally {
        await pool.end();
      }
    });
  });
}

const clickhouseSkip = existsSync(CLICKHOUSE_BINARY) ? null : CLICKHOUSE_MISSING;
if (clickhouseSkip !== null) console.warn(`sql.node.test: skipping clickhouse: ${clickhouseSkip}`);

/**
 * A distributed engine: two ClickHouse servers (Debian's 18.16), each holding half the rows in a
 * local table, and a `Distributed` table on the first that spreads each aggregate over both (each
 * shard sums its rows, the first server adds the partial sums). The client is a plain
 * `{ query(sql) }` over ClickHouse's HTTP interface with `dialect: 'clickhouse'`.
 */
describe.skipIf(clickhouseSkip !== null)('SQL fits on a two-shard ClickHouse cluster (Distributed table)', () => {
  let cluster: ClickHouseCluster;
  let client: { query(sql: string): Promise<Record<string, unknown>[]> };
  const dialect = 'clickhouse' as const;

  beforeAll(async () => {
    cluster = await startClickHouseCluster();
    const tables = {
      ucla: { columns: TABLE_COLUMNS.map((c) => `"${c.replaceAll('"', '""')}" Float64`), rows: uclaValues().split(',\n') },
      wide: { columns: ['label String', ...wide.names.map((f) => `${f} Float64`)], rows: wide.X.map((x, i) => `('${wide.y[i]}', ${x.join(', ')})`) },
      separated: { columns: ['x Float64', 'y Float64'], rows: Array.from({ length: 20 }, (_, i) => `(${i + 1}, ${i + 1 > 10 ? 1 : 0})`) },
    };
    for (const [name, table] of Object.entries(tables)) {
      for (const [s, shard] of cluster.shards.entries()) {
        await shard.query(`CREATE TABLE ${name}_local (${table.columns.join(', ')}) ENGINE = Log`);
        // Rows alternate between the shards.
        await shard.query(`INSERT INTO ${name}_local VALUES ${table.rows.filter((_, i) => i % 2 === s).join(', ')}`);
      }
      await cluster.shards[0].query(`CREATE TABLE ${name} AS ${name}_local ENGINE = Distributed(${cluster.cluster}, default, ${name}_local)`);
    }
    client = { query: (sql) => cluster.shards[0].query(sql) };
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('each shard holds half the rows, and the Distributed table all of them', async () => {
    const count = async (shard: number, table: string) => Number((await cluster.shards[shard]!.query(`SELECT count() AS n FROM ${table}`))[0]!.n);
    expect(await count(0, 'ucla_local')).toBe(n / 2);
    expect(await count(1, 'ucla_local')).toBe(n / 2);
    expect(await count(0, 'ucla')).toBe(n);
  });

  it('UCLA logistic, weighted with an offset, and with factor rank equal the in-memory fits', async () => {
    const X = gre.map((g, i) => [g, gpa[i]!]);
    const plain = await fitLogisticSQL(client, { from: 'ucla', response: 'admit', predictors: ['gre', 'gpa'], dialect });
    expectSameLogistic('clickhouse 2 shards UCLA logistic', plain, fitLogistic(X, admit, { names: ['gre', 'gpa'] }));
    const weighted = await fitLogisticSQL(client, { from: 'ucla', response: 'admit', predictors: ['gre', 'gpa'], weights: 'w', offset: 'o', dialect });
    expectSameLogistic('clickhouse 2 shards UCLA weighted + offset', weighted, fitLogistic(X, admit, { names: ['gre', 'gpa'], weights: weight, offset }));
    const factor = await fitLogisticSQL(client, { from: 'ucla', response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: ['rank'], dialect });
    const design = designMatrix(ucla, { response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: ['rank'] });
    expectSameLogistic('clickhouse 2 shards UCLA factor rank', factor, fitLogistic({ data: design.X, nRows: design.nRows, nFeatures: design.nFeatures }, admit, { names: design.names }));
  });

  it('K = 4 softmax (also weighted) and the wide softmax equal fitSoftmax', async () => {
    const names = ['gre', 'gpa', 'admit'];
    const X = gre.map((g, i) => [g, gpa[i]!, admit[i]!]);
    expectSameSoftmax('clickhouse 2 shards UCLA softmax K=4', await fitSoftmaxSQL(client, { from: 'ucla', response: 'rank', predictors: names, dialect }), fitSoftmax(X, rank, { names }));
    expectSameSoftmax(
      'clickhouse 2 shards UCLA softmax K=4 weighted',
      await fitSoftmaxSQL(client, { from: 'ucla', response: 'rank', predictors: names, weights: 'w', dialect }),
      fitSoftmax(X, rank, { names, weights: weight }),
    );
    expectSameSoftmax(
      'clickhouse 2 shards UCLA softmax K=4 offset per class, reference 3',
      await fitSoftmaxSQL(client, { from: 'ucla', response: 'rank', predictors: names, weights: 'w', reference: 3, offset: { 2: 'o' }, dialect }),
      fitSoftmax(X, rank, { names, weights: weight, reference: 3, offset: rank.map((_, i) => [0, offset[i]!, 0, 0]) }),
    );
    expectSameSoftmax(
      'clickhouse 2 shards wide softmax P=48',
      await fitSoftmaxSQL(client, { from: 'wide', response: 'label', predictors: wide.names, dialect }),
      fitSoftmax(wide.X, wide.y, { names: wide.names }),
    );
  });

  it('covariance HC1 with cluster (a GROUP BY over the Distributed table) equals the in-memory sandwich', async () => {
    const X = gre.map((g, i) => [g, gpa[i]!]);
    const fit = await fitLogisticSQL(client, { from: 'ucla', response: 'admit', predictors: ['gre', 'gpa'], weights: 'w', offset: 'o', covariance: 'HC1', cluster: 'school', dialect });
    expectSameSandwich('clickhouse 2 shards logistic HC1, cluster, weights + offset', fit, fitLogistic(X, admit, { names: ['gre', 'gpa'], weights: weight, offset, covariance: 'HC1', cluster: school }));
    const softNames = ['gre', 'gpa', 'admit'];
    const softX = gre.map((g, i) => [g, gpa[i]!, admit[i]!]);
    const soft = await fitSoftmaxSQL(client, { from: 'ucla', response: 'rank', predictors: softNames, covariance: 'HC0', dialect });
    expectSameSandwich('clickhouse 2 shards softmax K=4 HC0', soft, fitSoftmax(softX, rank, { names: softNames, covariance: 'HC0' }));
  });

  it('a quoted column name, and separated data reported as not converged', async () => {
    const quoted = await fitLogisticSQL(client, { from: 'ucla', response: 'admit', predictors: ['gre', 'gpa "quoted" \'name\''], dialect });
    expectSameLogistic('clickhouse 2 shards quoted column', quoted, fitLogistic(gre.map((g, i) => [g, gpa[i]!]), admit, { names: ['gre', 'gpa "quoted" \'name\''] }));
    const separated = await fitLogisticSQL(client, { from: 'separated', response: 'y', predictors: ['x'], dialect, onWarning: () => {} });
    expect(separated.converged).toBe(false);
    expect(separated.warnings.some((w) => /numerically 0 or 1/.test(w))).toBe(true);
  });
});

describe.skipIf(duckdb === null)("client 'duckdb': an in-memory DuckDB reading the CSV file itself", () => {
  it('reads a Parquet file (written by DuckDB from the CSV) to the same fit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'softlogit-parquet-'));
    try {
      const csv = new URL('../data/binary.csv', import.meta.url).pathname.replaceAll("'", "''");
      const parquet = join(dir, "ucla 'admissions'.parquet");
      const instance = await duckdb!.DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      await connection.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${parquet.replaceAll("'", "''")}' (FORMAT parquet)`);
      connection.closeSync();
      instance.closeSync();
      const fit = await fitSoftmaxSQL('duckdb', { from: `(SELECT * FROM read_parquet('${parquet.replaceAll("'", "''")}'))`, response: 'rank', predictors: ['gre', 'gpa', 'admit'] });
      expectSameSoftmax('duckdb read_parquet softmax K=4', fit, fitSoftmax(gre.map((g, i) => [g, gpa[i]!, admit[i]!]), rank, { names: ['gre', 'gpa', 'admit'] }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('equals fitLogistic on the parsed file', async () => {
    const path = new URL('../data/binary.csv', import.meta.url).pathname.replaceAll("'", "''");
    const fit = await fitLogisticSQL('duckdb', { from: `(SELECT * FROM read_csv('${path}'))`, response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: ['rank'] });
    const design = designMatrix(ucla, { response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: ['rank'] });
    const expected = fitLogistic({ data: design.X, nRows: design.nRows, nFeatures: design.nFeatures }, admit, { names: design.names });
    expectSameLogistic('duckdb read_csv (BIGINT columns)', fit, expected);
  });
});
