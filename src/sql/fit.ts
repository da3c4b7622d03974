// Fits whose passes over the rows run inside a database: each Newton evaluation is one aggregate
// statement (src/sql/query.ts) and the reduce-and-solve is the shard-statistics fit
// (src/shard/fit.ts), so the result is the in-memory fit's, to rounding.
import { levelsOf } from '../data/design.js';
import { SoftlogitError } from '../errors.js';
import type { CommonFitOptions } from '../input/options.js';
import { checkOptionKeys, describeValue, optionKeysOf } from '../input/optionKeys.js';
import { sortedLabels, type ClassLabel } from '../input/softmaxResponse.js';
import { LogisticFit } from '../models/logisticFit.js';
import { SoftmaxFit, type Parameterization } from '../models/softmaxFit.js';
import { fitLogisticWith, fitSoftmaxWith, type FitHooks, type StatisticsSource } from '../shard/fit.js';
import type { CovarianceType } from '../inference/robust.js';
import type { SandwichMeat } from '../shard/scores.js';
import type { EvaluationLevel } from '../shard/statistics.js';
import { toEngine, type Engine, type SqlClient, type SqlRow } from './client.js';
import { EXTREME_PROBABILITY, meatQueries, readMeat, readStatistics, statisticsQueries, type DesignColumn, type LogisticSpec, type SoftmaxSpec, type SqlDesign, type SqlStatistics } from './query.js';
import { DIALECTS, fromItem, literal, quoteIdentifier, type Dialect, type SqlDialect } from './text.js';

/** Options of both SQL fits: where the rows are, which columns play which part, and the fit options. */
export interface SqlFitOptions extends Omit<CommonFitOptions, 'weights' | 'threads' | 'names' | 'singular'> {
  /**
   * The rows: a table name (quoted as one identifier: `'admissions'`), its parts for a qualified
   * name (`['analytics', 'admissions']`), or a parenthesized query used as written, e.g.
   * `"(SELECT * FROM read_parquet('admissions.parquet'))"`.
   */
  from: string | readonly string[];
  /** The response column: 0/1 or boolean (logistic), class labels (softmax). */
  response: string;
  /** Predictor columns, in order; numeric unless listed in `factors`. */
  predictors: readonly string[];
  /** Column of prior weights ≥ 0 (R's `weights`). */
  weights?: string;
  /** Predictors coded as factors (treatment contrasts, first level the reference, names `rank2`, …). */
  factors?: readonly string[];
  /**
   * SQL dialect of a generic `{ query }` client: 'postgres' (default), 'duckdb' or 'clickhouse';
   * DuckDB and pg clients set their own.
   */
  dialect?: SqlDialect;
  /**
   * 'model' (default) the inverse information; 'HC0' / 'HC1' the sandwich of the in-memory fits
   * (R sandwich::vcovHC; with `cluster`, vcovCL): one more aggregate statement at the estimate.
   */
  covariance?: CovarianceType;
  /** Column of cluster labels for a cluster-robust covariance (needs covariance 'HC0' or 'HC1'; no NULL labels in the rows used). */
  cluster?: string;
}

export interface LogisticSqlOptions extends SqlFitOptions {
  /** Column of the offset added to the linear predictor (R's `offset`). */
  offset?: string;
}

export interface SoftmaxSqlOptions extends SqlFitOptions {
  /**
   * Offset columns per class: `{ [class label]: column }`, η_k = x'w_k + o_k with o_k the column's
   * value (0 for a class not named). Keys are the labels as strings (`'2'` for class 2). Only
   * differences between classes matter, as in fitSoftmax: the fit uses o_k − o_ref. Rows with NULL
   * in an offset column are left out, as for every column the model uses.
   * @example { offset: { versicolor: 'log_exposure_v', virginica: 'log_exposure_g' } }
   */
  offset?: Readonly<Record<string, string>>;
  /** The reference class (default the first of the sorted labels). */
  reference?: ClassLabel;
  /** How coefficients are reported (default 'reference'). */
  parameterization?: Parameterization;
}

const SQL_KEYS = ['from', 'response', 'predictors', 'weights', 'factors', 'dialect', 'intercept', 'maxIter', 'tol', 'l2', 'onIteration', 'onWarning', 'covariance', 'cluster'] as const;
const LOGISTIC_SQL_KEYS = optionKeysOf<LogisticSqlOptions>()([...SQL_KEYS, 'offset']);
const SOFTMAX_SQL_KEYS = optionKeysOf<SoftmaxSqlOptions>()([...SQL_KEYS, 'offset', 'reference', 'parameterization']);
const NOT_FOR_SQL: Record<string, string> = {
  names: 'the coefficients are named after the predictor columns and factor levels',
  threads: 'the engine decides how to parallelize its sums',
  singular: "only 'error' is supported on SQL sources; remove the aliased column",
  firth: "Firth's penalty needs per-row leverages; fit in memory with fitLogistic",
  X: 'name the columns in predictors',
};
const NOT_FOR_SOFTMAX_SQL: Record<string, string> = NOT_FOR_SQL;

/** Distinct values read per column (response and factors together) before refusing the column as a factor. */
const MAX_LEVELS = 10_000;

/**
 * Fits a binary logistic regression on rows that stay in a database: DuckDB (in process; reads
 * Parquet and CSV directly), PostgreSQL through `pg`, or any client with `query(sql)` (ClickHouse,
 * where a `Distributed` table spreads each statement over the shards). Each
 * Newton evaluation is one aggregate statement that returns the log-likelihood, score and
 * information (upper triangle) at the current coefficients; Newton's method, the Cholesky solve
 * and all inference run in softlogit as in fitLogisticFromStatistics. The result equals
 * fitLogistic on the same rows to ~1e-12 relative.
 *
 * SQL: identifiers are double-quoted (embedded quotes doubled), level values read from the engine
 * come back as single-quoted literals or exact number literals; nothing else from the caller is
 * written into a statement, except a parenthesized `from` query, which is the caller's own SQL.
 * Rows with NULL in any column the model uses are left out (R's na.omit).
 *
 * Passes: one statement for the levels (response and factors), then one per Newton evaluation
 * (about iterations + 2), each O(n p²) in the engine.
 *
 * Separation: the exact check (detectSeparation) needs the rows. When the fit ends with rows of
 * non-zero weight whose fitted probability is within 10·eps of 0 or 1 (R's glm warning), it is
 * returned with `converged: false` and a warning that names the symptom (not with l2 > 0, whose
 * estimate is finite whatever the data).
 *
 * Robust covariance: `covariance: 'HC0' | 'HC1'` runs one more statement at the estimate for the
 * meat M = Σᵢ uᵢuᵢᵀ, uᵢ = wᵢ(yᵢ − pᵢ)xᵢ, or with `cluster` (a column of labels) M = Σ_g u_g u_gᵀ
 * with u_g summed by a GROUP BY on the column; the covariance is V M V with R sandwich's factors
 * (vcovHC, vcovCL), equal to the in-memory fit's to ~1e-12.
 *
 * @param client a DuckDB connection (`@duckdb/node-api`), a `pg` Client or Pool, an object with
 *   `query(sql)` resolving to rows (or `{ rows }`), or `'duckdb'` for an in-memory DuckDB opened
 *   for this fit (needs the optional peer dependency `@duckdb/node-api`)
 * @throws {SoftlogitError} `NOT_INITIALIZED`, `BAD_OPTION`, `BAD_RESPONSE`, `BAD_WEIGHTS`,
 *   `NON_FINITE`, `EMPTY_INPUT`, `ONE_CLASS`, `TOO_FEW_ROWS`, `COLLINEAR`; the engine's own errors
 *   (an unknown column or file) as the engine throws them.
 * @example
 * await init();
 * const fit = await fitLogisticSQL('duckdb', {
 *   from: "(SELECT * FROM read_csv('data/binary.csv'))",
 *   response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: ['rank'],
 * });
 * fit.names // => ['(Intercept)', 'gre', 'gpa', 'rank2', 'rank3', 'rank4']
 * // cluster-robust SEs (R vcovCL, HC1) with the labels in column school
 * await fitLogisticSQL(pgClient, { from: 'admissions', response: 'admit', predictors: ['gre', 'gpa'], covariance: 'HC1', cluster: 'school' });
 */
export async function fitLogisticSQL(client: SqlClient, options: LogisticSqlOptions): Promise<LogisticFit> {
  const caller = 'fitLogisticSQL';
  checkOptionKeys(options, caller, LOGISTIC_SQL_KEYS, NOT_FOR_SQL);
  const engine = await toEngine(client, dialectOption(options?.dialect, caller), caller);
  try {
    const plan = planDesign(options, caller, options.offset === undefined ? [] : [options.offset], DIALECTS[engine.dialect], true);
    const levels = await readLevels(engine, plan, caller);
    const responseSql = binaryResponse(levels.response, plan.response, caller, plan.dialect);
    const design = buildDesign(plan, levels.factors, caller);
    const spec: LogisticSpec = { model: 'logistic', response: responseSql };
    const passes = sqlSource(engine, design, spec, caller);
    const fit = await fitLogisticWith(passes.source, { ...fitOptions(options), nFeatures: design.columns.length, names: design.columns.map((c) => c.name) }, caller, sandwichHooks(engine, design, spec, caller));
    // A ridge keeps the estimate finite whatever the data: extreme probabilities are then no symptom.
    const extreme = fit.l2 > 0 ? 0 : await passes.extremeAt(fit.coefficients);
    if (extreme === 0) return fit;
    const warning = separationWarning(caller, extreme, fit.coefficients, fit.standardErrors, fit.names);
    (options.onWarning ?? console.warn)(warning);
    return LogisticFit.fromJSON({ ...fit.toJSON(), converged: false, warnings: [...fit.warnings, warning] });
  } finally {
    engine.close();
  }
}

/**
 * Fits a multinomial (softmax) regression on rows that stay in a database, as fitLogisticSQL
 * does for the binary model: the classes are the sorted distinct labels of the rows with
 * non-zero weight (read with the factor levels in one statement), and the result equals
 * fitSoftmax on the same rows to ~1e-12 relative.
 * @throws {SoftlogitError} as fitLogisticSQL, plus `BAD_REFERENCE`.
 * @example
 * const fit = await fitSoftmaxSQL(pgClient, { from: 'glass', response: 'type', predictors: ['ri', 'na', 'mg'] });
 */
export async function fitSoftmaxSQL(client: SqlClient, options: SoftmaxSqlOptions): Promise<SoftmaxFit> {
  const caller = 'fitSoftmaxSQL';
  checkOptionKeys(options, caller, SOFTMAX_SQL_KEYS, NOT_FOR_SOFTMAX_SQL);
  const engine = await toEngine(client, dialectOption(options?.dialect, caller), caller);
  try {
    const offsetColumns = classOffsetColumns(options.offset, caller);
    const plan = planDesign(options, caller, [...new Set(offsetColumns.values())], DIALECTS[engine.dialect], false);
    const levels = await readLevels(engine, plan, caller);
    const design = buildDesign(plan, levels.factors, caller);
    const present = levels.response.filter((l) => l.weight > 0);
    for (const l of present) {
      if (typeof l.value !== 'number' && typeof l.value !== 'string') {
        throw new SoftlogitError('BAD_RESPONSE', `${caller}: class labels should be numbers or strings, got ${describeValue(l.value)} in column ${plan.response}; for a boolean response use fitLogisticSQL`);
      }
    }
    const classes = sortedLabels(present.map((l) => l.value as ClassLabel));
    if (classes.length < 2) {
      throw new SoftlogitError('ONE_CLASS', `${caller}: y needs at least two classes among rows with non-zero weight, got ${JSON.stringify(classes)}`);
    }
    const referenceIndex = options.reference === undefined ? 0 : classes.indexOf(options.reference);
    if (referenceIndex < 0) {
      throw new SoftlogitError('BAD_REFERENCE', `${caller}: reference ${describeValue(options.reference)} is not among the classes ${JSON.stringify(classes)}`);
    }
    const internalOrder = [referenceIndex, ...classes.map((_, k) => k).filter((k) => k !== referenceIndex)];
    const unknown = [...offsetColumns.keys()].find((label) => !classes.some((c) => String(c) === label));
    if (unknown !== undefined) {
      throw new SoftlogitError('BAD_OPTION', `${caller}: option offset names class ${describeValue(unknown)}, which is not among the classes ${JSON.stringify(classes)}`, { option: 'offset' });
    }
    const spec: SoftmaxSpec = {
      model: 'softmax',
      indicators: classes.map((c) => `CASE WHEN ${plan.response} = ${literal(c, caller, plan.dialect)} THEN 1 ELSE 0 END`),
      internalOrder,
      offsets: classes.map((c) => {
        const name = offsetColumns.get(String(c));
        return name === undefined ? null : plan.offsets.get(name)!;
      }),
    };
    const passes = sqlSource(engine, design, spec, caller);
    const fitOpts = {
      ...fitOptions(options), nFeatures: design.columns.length, names: design.columns.map((c) => c.name), classes,
      ...(options.reference === undefined ? {} : { reference: options.reference }),
      ...(options.parameterization === undefined ? {} : { parameterization: options.parameterization }),
    };
    const fit = await fitSoftmaxWith(passes.source, fitOpts, caller, sandwichHooks(engine, design, spec, caller));
    const extreme = fit.l2 > 0 ? 0 : passes.lastHessianExtreme();
    if (extreme === 0) return fit;
    const warning = separationWarning(caller, extreme, null, null, null);
    (options.onWarning ?? console.warn)(warning);
    return SoftmaxFit.fromJSON({ ...fit.toJSON(), converged: false, warnings: [...fit.warnings, warning] });
  } finally {
    engine.close();
  }
}

/**
 * The meat of the sandwich (covariance 'HC0' / 'HC1') as one more aggregate at the estimate
 * (meatQueries): per row, or per cluster with a GROUP BY on the cluster column.
 */
function sandwichHooks(engine: Engine, design: SqlDesign, spec: LogisticSpec | SoftmaxSpec, caller: string): FitHooks {
  return {
    meat: async (coefficients: Float64Array): Promise<SandwichMeat> => {
      const results: SqlRow[][] = [];
      for (const statement of meatQueries(design, spec, coefficients, caller)) results.push(await engine.query(statement));
      const read = readMeat(results, coefficients.length, Boolean(design.cluster), caller);
      if (read.nullLabels > 0) {
        throw new SoftlogitError('BAD_OPTION', `${caller}: the cluster column is NULL in ${read.nullLabels} of the rows the fit uses; every row needs a cluster label`, { option: 'cluster' });
      }
      return { meat: read.meat, nRows: read.nRows, weightSum: read.weightSum, clusters: read.clusters };
    },
  };
}

function fitOptions(options: SqlFitOptions): Omit<CommonFitOptions, 'weights' | 'threads' | 'names' | 'singular'> & { covariance?: CovarianceType } {
  const out: Omit<CommonFitOptions, 'weights' | 'threads' | 'names' | 'singular'> & { covariance?: CovarianceType } = {};
  for (const key of ['intercept', 'maxIter', 'tol', 'l2', 'onIteration', 'onWarning', 'covariance'] as const) {
    if (options[key] !== undefined) (out as Record<string, unknown>)[key] = options[key];
  }
  return out;
}

function dialectOption(dialect: unknown, caller: string): SqlDialect | undefined {
  if (dialect === undefined || dialect === 'postgres' || dialect === 'duckdb' || dialect === 'clickhouse') return dialect;
  throw new SoftlogitError('BAD_OPTION', `${caller}: dialect should be 'postgres', 'duckdb' or 'clickhouse', got ${describeValue(dialect)}`);
}

/** The columns' roles, checked and quoted; nothing is read yet. */
interface DesignPlan {
  dialect: Dialect;
  from: string;
  response: string;
  responseName: string;
  predictors: { name: string; sql: string; factor: boolean }[];
  weight: string | null;
  /** The logistic offset (the first of `offsetColumns`), or null. */
  offset: string | null;
  /** Every offset column by name, cast to double (logistic: one; softmax: those of `offset`'s classes). */
  offsets: Map<string, string>;
  intercept: boolean;
  /** The quoted cluster column, or null. */
  cluster: string | null;
  where: string;
}

/** fitSoftmaxSQL's `offset`, checked: class label → column name. */
function classOffsetColumns(value: unknown, caller: string): Map<string, string> {
  if (value === undefined) return new Map();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SoftlogitError(
      'BAD_OPTION',
      `${caller}: option offset should map class labels to offset columns, { [class]: column } (one column per class that has an offset), got ${describeValue(value)}`,
      { option: 'offset' },
    );
  }
  const out = new Map<string, string>();
  for (const [label, column] of Object.entries(value)) {
    if (typeof column !== 'string') {
      throw new SoftlogitError('BAD_OPTION', `${caller}: option offset should map class ${describeValue(label)} to a column name, got ${describeValue(column)}`, { option: 'offset' });
    }
    out.set(label, column);
  }
  return out;
}

/** `offsetColumns`: the logistic offset column (`logistic`), or the softmax's offset columns. */
function planDesign(options: SqlFitOptions, caller: string, offsetColumns: readonly string[], dialect: Dialect, logistic: boolean): DesignPlan {
  const DOUBLE = dialect.double;
  if (options === null || typeof options !== 'object') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: options should be an object with from, response and predictors, got ${describeValue(options)}`);
  }
  const from = fromItem(options.from, caller, dialect);
  const response = quoteIdentifier(options.response, 'option response', caller, dialect);
  if (!Array.isArray(options.predictors)) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: option predictors should be an array of column names, got ${describeValue(options.predictors)}`);
  }
  const factors = options.factors ?? [];
  if (!Array.isArray(factors)) throw new SoftlogitError('BAD_OPTION', `${caller}: option factors should be an array of column names, got ${describeValue(factors)}`);
  for (const f of factors) {
    if (!options.predictors.includes(f)) throw new SoftlogitError('BAD_OPTION', `${caller}: factor ${describeValue(f)} is not among the predictors`);
  }
  const predictors = options.predictors.map((name, j) => ({ name, sql: quoteIdentifier(name, `predictors[${j}]`, caller, dialect), factor: factors.includes(name) }));
  const roles = [options.response, ...options.predictors, ...(options.weights === undefined ? [] : [options.weights]), ...offsetColumns];
  if (options.cluster !== undefined && (options.covariance ?? 'model') === 'model') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: cluster needs covariance 'HC0' or 'HC1' (a cluster-robust sandwich)`, { option: 'cluster' });
  }
  const cluster = options.cluster === undefined ? null : quoteIdentifier(options.cluster, 'option cluster', caller, dialect);
  const repeated = roles.find((name, i) => roles.indexOf(name) !== i);
  if (repeated !== undefined) throw new SoftlogitError('BAD_OPTION', `${caller}: column ${describeValue(repeated)} is given two roles (response, predictors, weights, offset)`);
  const intercept = options.intercept ?? true;
  if (typeof intercept !== 'boolean') throw new SoftlogitError('BAD_OPTION', `${caller}: option intercept should be true or false, got ${describeValue(intercept)}`);
  const weight = options.weights === undefined ? null : `CAST(${quoteIdentifier(options.weights, 'option weights', caller, dialect)} AS ${DOUBLE})`;
  const offsets = new Map(offsetColumns.map((name) => [name, `CAST(${quoteIdentifier(name, 'option offset', caller, dialect)} AS ${DOUBLE})`]));
  const used = [response, ...predictors.map((p) => p.sql)];
  if (options.weights !== undefined) used.push(quoteIdentifier(options.weights, 'option weights', caller, dialect));
  for (const name of offsetColumns) used.push(quoteIdentifier(name, 'option offset', caller, dialect));
  return {
    dialect, from, response, responseName: options.response, predictors, weight, offset: logistic && offsetColumns.length === 1 ? offsets.get(offsetColumns[0]!)! : null, offsets, intercept, cluster,
    where: used.map((sql) => `${sql} IS NOT NULL`).join(' AND '),
  };
}

/** A distinct value of a column among the complete rows, with its row count and weight. */
interface Level {
  value: unknown;
  count: number;
  weight: number;
}

/**
 * One statement for the distinct values of the response and of every factor (GROUPING SETS),
 * with their row counts and weight sums, among the complete rows.
 */
async function readLevels(engine: Engine, plan: DesignPlan, caller: string): Promise<{ response: Level[]; factors: Map<string, Level[]> }> {
  const grouped = [plan.response, ...plan.predictors.filter((p) => p.factor).map((p) => p.sql)];
  const DOUBLE = plan.dialect.double;
  const totals = `CAST(COUNT(*) AS ${DOUBLE}) AS sl_n, SUM(${plan.weight ?? `CAST(1 AS ${DOUBLE})`}) AS sl_w`;
  const statements = plan.dialect.groupingSets
    ? [`SELECT ${grouped.map((sql, k) => `${sql} AS sl_v${k}`).join(', ')}, ${totals}
FROM ${plan.from} WHERE ${plan.where}
GROUP BY GROUPING SETS (${grouped.map((g) => `(${g})`).join(', ')})
LIMIT ${MAX_LEVELS + 1}`]
    : grouped.map((sql, k) => `SELECT ${sql} AS sl_v${k}, ${totals} FROM ${plan.from} WHERE ${plan.where} GROUP BY ${sql} LIMIT ${MAX_LEVELS + 1}`);
  const rows: SqlRow[] = [];
  for (const statement of statements) rows.push(...(await engine.query(statement)));
  if (rows.length > MAX_LEVELS) {
    throw new SoftlogitError('BAD_RESPONSE', `${caller}: the response and factors have more than ${MAX_LEVELS} distinct values together; a response needs 0/1 or class labels, a factor a few levels`);
  }
  const lists: Level[][] = grouped.map(() => []);
  for (const row of rows) {
    const k = grouped.findIndex((_, i) => row[`sl_v${i}`] !== null && row[`sl_v${i}`] !== undefined);
    if (k < 0) continue; // cannot happen: the WHERE clause leaves no NULL in a grouped column
    lists[k]!.push({ value: row[`sl_v${k}`], count: Number(row.sl_n), weight: Number(row.sl_w) });
  }
  if (lists[0]!.length === 0) throw new SoftlogitError('EMPTY_INPUT', `${caller}: no rows in ${plan.from} without NULL in the model's columns`);
  const factors = new Map<string, Level[]>();
  plan.predictors.filter((p) => p.factor).forEach((p, i) => factors.set(p.name, lists[i + 1]!));
  return { response: lists[0]!, factors };
}

/** The response as a 0/1 double: numbers 0/1 cast, booleans mapped; anything else refused. */
function binaryResponse(levels: Level[], response: string, caller: string, dialect: Dialect): string {
  const bad = levels.find((l) => !(l.value === 0 || l.value === 1 || typeof l.value === 'boolean'));
  if (bad !== undefined) {
    throw new SoftlogitError('BAD_RESPONSE', `${caller}: the response ${response} should hold 0/1 or true/false, got ${describeValue(bad.value)}`);
  }
  return levels.some((l) => typeof l.value === 'boolean') ? `CASE WHEN ${response} THEN 1 ELSE 0 END` : `CAST(${response} AS ${dialect.double})`;
}

/**
 * The design columns: numeric predictors cast to double, factors as indicators of every level but
 * the first (all levels for the first factor of a model without intercept), named as R does.
 */
function buildDesign(plan: DesignPlan, factorLevels: Map<string, Level[]>, caller: string): SqlDesign {
  const columns: DesignColumn[] = [];
  const numeric: string[] = [];
  let firstFactor = true;
  for (const predictor of plan.predictors) {
    if (!predictor.factor) {
      const sql = `CAST(${predictor.sql} AS ${plan.dialect.double})`;
      columns.push({ name: predictor.name, sql });
      numeric.push(sql);
      continue;
    }
    const levels = codeLevels(factorLevels.get(predictor.name)!, predictor.name, caller);
    if (levels.length < 2) {
      throw new SoftlogitError('BAD_OPTION', `${caller}: factor ${predictor.name} has a single level (${levels[0]?.label}) in the rows used; R refuses it too (contrasts need 2 or more levels)`);
    }
    const full = !plan.intercept && firstFactor;
    firstFactor = false;
    for (const level of levels.slice(full ? 0 : 1)) {
      const test = level.values.map((v) => `${predictor.sql} = ${literal(v, caller, plan.dialect)}`).join(' OR ');
      columns.push({ name: predictor.name + level.label, sql: `CAST(CASE WHEN ${test} THEN 1 ELSE 0 END AS ${plan.dialect.double})` });
    }
  }
  if (plan.weight !== null) numeric.push(plan.weight);
  for (const sql of plan.offsets.values()) numeric.push(sql);
  return { dialect: plan.dialect, from: plan.from, where: plan.where, columns, intercept: plan.intercept, weight: plan.weight, offset: plan.offset, numeric, cluster: plan.cluster };
}

/**
 * A factor's levels as R's factor() makes them (levelsOf): numbers sorted numerically and labelled
 * as as.character writes them (values that print alike share a level), strings by code point,
 * booleans FALSE then TRUE.
 */
function codeLevels(levels: Level[], name: string, caller: string): { label: string; values: (string | number | boolean)[] }[] {
  const values = levels.map((l) => l.value);
  if (values.every((v) => typeof v === 'number')) {
    const byLabel = new Map<string, number[]>();
    for (const v of values as number[]) {
      const label = levelsOf({ name, kind: 'numeric', values: Float64Array.of(v) })[0]!;
      byLabel.set(label, [...(byLabel.get(label) ?? []), v]);
    }
    const order = levelsOf({ name, kind: 'numeric', values: Float64Array.from(values as number[]) });
    return order.map((label) => ({ label, values: byLabel.get(label)! }));
  }
  if (values.every((v) => typeof v === 'string')) {
    return levelsOf({ name, kind: 'string', values: values as string[] }).map((label) => ({ label, values: [label] }));
  }
  if (values.every((v) => typeof v === 'boolean')) {
    return [false, true].filter((b) => values.includes(b)).map((b) => ({ label: b ? 'TRUE' : 'FALSE', values: [b] }));
  }
  throw new SoftlogitError('BAD_OPTION', `${caller}: factor ${name} holds values of a type softlogit cannot compare in SQL (${values.slice(0, 3).map(describeValue).join(', ')})`);
}

/**
 * The statistics source over the engine: one pass (one or a few statements) per call. Checks of
 * the rows (negative weights, NaN / Infinity) are sums of every pass, reported at the first.
 */
function sqlSource(engine: Engine, design: SqlDesign, spec: LogisticSpec | SoftmaxSpec, caller: string) {
  const extremeByCoefficients = new Map<string, number>();
  let lastHessianExtreme = 0;
  const pass = async (coefficients: Float64Array, level: EvaluationLevel): Promise<SqlStatistics> => {
    const statements = statisticsQueries(design, spec, coefficients, level, caller);
    const results: SqlRow[][] = [];
    for (const statement of statements) results.push(await engine.query(statement));
    const stats = readStatistics(results, design, spec, level, caller);
    if (stats.nRows === 0) throw new SoftlogitError('EMPTY_INPUT', `${caller}: no rows in ${design.from} without NULL in the model's columns`);
    if (stats.nNegativeWeight > 0) throw new SoftlogitError('BAD_WEIGHTS', `${caller}: weights must be ≥ 0; ${stats.nNegativeWeight} rows have a negative weight`);
    if (stats.nNonFinite > 0) {
      throw new SoftlogitError('NON_FINITE', `${caller}: ${stats.nNonFinite} rows hold NaN or ±Infinity in a predictor, weight or offset column`);
    }
    extremeByCoefficients.set(key(coefficients), stats.nExtreme);
    if (level === 'hessian') lastHessianExtreme = stats.nExtreme;
    return stats;
  };
  const source: StatisticsSource = (coefficients, level) => pass(coefficients, level);
  return {
    source,
    /** Rows with extreme fitted probabilities at `coefficients` (from a pass made there, or a new one). */
    async extremeAt(coefficients: Float64Array): Promise<number> {
      return extremeByCoefficients.get(key(coefficients)) ?? (await pass(coefficients, 'value')).nExtreme;
    },
    /** The count at the last Hessian evaluation: the point the covariance was computed at. */
    lastHessianExtreme: () => lastHessianExtreme,
  };
}

function key(coefficients: ArrayLike<number>): string {
  return Array.from(coefficients).join(',');
}

function separationWarning(caller: string, extreme: number, coefficients: Float64Array | null, se: Float64Array | null, names: readonly string[] | null): string {
  let largest = '';
  if (coefficients !== null && se !== null && names !== null) {
    let j = -1;
    for (let i = 0; i < se.length; i++) if (j < 0 || se[i]! > se[j]!) j = i;
    if (j >= 0) largest = ` The largest standard error is ${names[j]}'s (${se[j]!.toPrecision(3)}, estimate ${coefficients[j]!.toPrecision(3)}).`;
  }
  return `${caller}: fitted probabilities numerically 0 or 1 (within ${EXTREME_PROBABILITY.toPrecision(2)}) in ${extreme} rows of non-zero weight, ` +
    `the symptom of (quasi-)separation: the MLE may not exist and the estimates are not reliable, so the fit is reported as not converged.${largest} ` +
    'The exact check needs the rows: fit a sample in memory or run detectSeparationBinary / detectSeparationMultinomial on them.';
}
