// One Newton pass as one aggregate statement (MADlib's logregr_train: the engine sums, the
// driver solves). Every statement has the same shape, nested so that each row's quantities are
// computed once:
//
//   d: the design, cast to double (numeric columns, factor indicators), weight t, response
//   e: the linear predictor(s) η at the current coefficients (written as exact double literals)
//   f… : stable per-row terms: z = e^−|η| (logistic) or e^(η_k − max η) (softmax), p, log(1 + e^η)
//   SELECT SUM(…): logLik, gradient of −logLik, upper triangle of the information, totals
//
// Conventions are those of ShardStatistics (src/shard/statistics.ts): gradient = ∇(−logLik) =
// Σ (t p − s) x, hessian = Σ t p(1 − p) x xᵀ (blockwise for softmax), logLik without constants.
import { SoftlogitError } from '../errors.js';
import type { EvaluationLevel, ShardStatistics } from '../shard/statistics.js';
import type { SqlRow } from './client.js';
import { numberLiteral, type Dialect } from './text.js';

/**
 * Per-row terms below e^−300 ≈ 5e-131 are set to 0 instead of computed: they are far below the
 * rounding of any sum they join (which has a term ≥ 1e-16 relative), and PostgreSQL raises an
 * error ("value out of range: underflow") where exp() or a product underflows. With the cutoff,
 * products of two probabilities stay above 1e-262, clear of the double range's end (1e-308).
 */
const EXP_CUTOFF = 300;

/**
 * R's glm.fit warns of "fitted probabilities numerically 0 or 1" below 10·eps (eps = 2^-52):
 * the symptom of separation a fit from sums can see (the exact LP check needs the rows).
 */
export const EXTREME_PROBABILITY = 10 * Number.EPSILON;

/**
 * Select items per statement. PostgreSQL allows at most 1664 result columns; the information of
 * P coefficients has P(P + 1)/2 entries, so large models are summed by several statements (each
 * one pass over the rows).
 */
const MAX_ITEMS = 1000;

/** A column of the design (without the intercept): its name in the fit and its SQL expression. */
export interface DesignColumn {
  name: string;
  sql: string;
}

/** What every statement reads: the rows, their design columns, weight and offset. */
export interface SqlDesign {
  dialect: Dialect;
  /** The FROM item (quoted table name or the caller's parenthesized query, with an alias). */
  from: string;
  /** The complete-rows predicate (no NULL in any column the model uses). */
  where: string;
  columns: DesignColumn[];
  intercept: boolean;
  /** SQL of the prior weight, or null for 1. */
  weight: string | null;
  /** SQL of the offset (logistic; a softmax's are in SoftmaxSpec.offsets), or null. */
  offset: string | null;
  /** SQL of every numeric input, checked for NaN and ±Infinity. */
  numeric: string[];
  /** SQL of the cluster label of a cluster-robust covariance (selected as sl_c), or null / absent. */
  cluster?: string | null;
}

/** The binary response as a 0/1 double expression. */
export interface LogisticSpec {
  model: 'logistic';
  response: string;
}

/** Indicators of each class (in `classes` order) and the order of the free blocks. */
export interface SoftmaxSpec {
  model: 'softmax';
  indicators: string[];
  /** Class indices: the reference first, then the free classes in order (as toMultinomialData). */
  internalOrder: number[];
  /** SQL of each class's offset (in `classes` order), null for none; absent: no offsets. */
  offsets?: (string | null)[];
}

/** The sums of one pass, beyond ShardStatistics: rows the checks found, and extreme probabilities. */
export interface SqlStatistics extends ShardStatistics {
  /** Rows with a negative weight. */
  nNegativeWeight: number;
  /** Rows with NaN or ±Infinity in a numeric input. */
  nNonFinite: number;
  /** Rows of non-zero weight with a fitted probability within 10·eps of 0 or 1 (R's warning). */
  nExtreme: number;
}

interface Item {
  alias: string;
  sql: string;
}

const x = (j: number) => `sl_x${j}`;

/** The statement(s) of one pass at `coefficients` (several when the items exceed MAX_ITEMS). */
export function statisticsQueries(design: SqlDesign, spec: LogisticSpec | SoftmaxSpec, coefficients: Float64Array, level: EvaluationLevel, caller: string): string[] {
  const items = spec.model === 'logistic' ? logisticItems(design, level) : softmaxItems(design, spec, level);
  const rows = spec.model === 'logistic' ? logisticRows(design, spec, coefficients, caller) : softmaxRows(design, spec, coefficients, caller);
  const statements: string[] = [];
  for (let start = 0; start < items.length; start += MAX_ITEMS) {
    const select = items.slice(start, start + MAX_ITEMS).map((item) => `${item.sql} AS ${item.alias}`).join(',\n  ');
    statements.push(`SELECT\n  ${select}\nFROM ${rows}`);
  }
  return statements;
}

/** Design columns 1..m as sl_x1…, the weight sl_t and the non-finite flag sl_bad. */
function designSelect(design: SqlDesign): string[] {
  const out = design.columns.map((c, j) => `${c.sql} AS ${x(j + 1)}`);
  out.push(`${design.weight ?? `CAST(1 AS ${design.dialect.double})`} AS sl_t`);
  const bad = design.numeric.map((sql) => `(${sql}) - (${sql}) <> 0`);
  out.push(bad.length === 0 ? '0 AS sl_bad' : `CASE WHEN ${bad.join(' OR ')} THEN 1 ELSE 0 END AS sl_bad`);
  if (design.cluster) out.push(`${design.cluster} AS sl_c`);
  return out;
}

/** η = offset + b₀ + Σ bⱼ xⱼ for the block of coefficients starting at `start`. */
function linearPredictor(design: SqlDesign, coefficients: Float64Array, start: number, offset: string | null, caller: string): string {
  const terms: string[] = offset === null ? [] : [offset];
  let k = start;
  if (design.intercept) terms.push(numberLiteral(coefficients[k++]!, caller, design.dialect));
  for (let j = 1; j <= design.columns.length; j++) terms.push(`${numberLiteral(coefficients[k++]!, caller, design.dialect)} * ${x(j)}`);
  return terms.length === 0 ? `CAST(0 AS ${design.dialect.double})` : terms.join(' + ');
}

function logisticRows(design: SqlDesign, spec: LogisticSpec, coefficients: Float64Array, caller: string): string {
  const d = [...designSelect(design), `${design.weight === null ? '' : `${design.weight} * `}${spec.response} AS sl_s`];
  if (design.offset !== null) d.push(`${design.offset} AS sl_o`);
  const eta = linearPredictor(design, coefficients, 0, design.offset === null ? null : 'sl_o', caller);
  const fence = design.dialect.fence;
  return `(SELECT g.*,
    CASE WHEN sl_eta >= 0 THEN 1 / (1 + sl_z) ELSE sl_z / (1 + sl_z) END AS sl_p,
    sl_z / ((1 + sl_z) * (1 + sl_z)) AS sl_h,
    greatest(sl_eta, 0) + ln(1 + sl_z) AS sl_l
  FROM (SELECT f.*, CASE WHEN abs(sl_eta) > ${EXP_CUTOFF} THEN 0 ELSE exp(-abs(sl_eta)) END AS sl_z
    FROM (SELECT e.*, ${eta} AS sl_eta
      FROM (SELECT ${d.join(', ')}
        FROM ${design.from} WHERE ${design.where}${fence}) AS e${fence}) AS f${fence}) AS g${fence}) AS rows_`;
}

/** greatest / least of several values as nested pairs (ClickHouse's take two arguments). */
function pairwise(name: 'greatest' | 'least', values: string[]): string {
  return values.reduceRight((rest, value) => `${name}(${value}, ${rest})`);
}

/** Totals every pass carries (cheap), then the sums the level asks for. */
function commonItems(DOUBLE: string): Item[] {
  return [
    { alias: 'sl_n', sql: `CAST(COUNT(*) AS ${DOUBLE})` },
    { alias: 'sl_informative', sql: `CAST(SUM(CASE WHEN sl_t > 0 THEN 1 ELSE 0 END) AS ${DOUBLE})` },
    { alias: 'sl_negative', sql: `CAST(SUM(CASE WHEN sl_t < 0 THEN 1 ELSE 0 END) AS ${DOUBLE})` },
    { alias: 'sl_nonfinite', sql: `CAST(SUM(sl_bad) AS ${DOUBLE})` },
    { alias: 'sl_tsum', sql: `SUM(sl_t)` },
  ];
}

/** Column j of the design row as SQL, the intercept (j = 0 with an intercept) being 1. */
function column(design: SqlDesign, j: number): string | null {
  return design.intercept ? (j === 0 ? null : x(j)) : x(j + 1);
}

function times(a: string, b: string | null): string {
  return b === null ? a : `${a} * ${b}`;
}

function logisticItems(design: SqlDesign, level: EvaluationLevel): Item[] {
  const p = design.columns.length + (design.intercept ? 1 : 0);
  const items = commonItems(design.dialect.double);
  const DOUBLE = design.dialect.double;
  items.push({ alias: 'sl_ssum', sql: 'SUM(sl_s)' });
  items.push({ alias: 'sl_loglik', sql: 'SUM(sl_s * sl_eta - sl_t * sl_l)' });
  items.push({
    alias: 'sl_extreme',
    sql: `CAST(SUM(CASE WHEN sl_t > 0 AND sl_z / (1 + sl_z) < ${numberLiteral(EXTREME_PROBABILITY, 'sql', design.dialect)} THEN 1 ELSE 0 END) AS ${DOUBLE})`,
  });
  if (level === 'value') return items;
  for (let j = 0; j < p; j++) items.push({ alias: `sl_g${j}`, sql: `SUM(${times('(sl_t * sl_p - sl_s)', column(design, j))})` });
  if (level === 'gradient') return items;
  for (let j = 0; j < p; j++) {
    for (let k = j; k < p; k++) items.push({ alias: `sl_h${j}_${k}`, sql: `SUM(${times(times('sl_t * sl_h', column(design, j)), column(design, k))})` });
  }
  return items;
}

function softmaxRows(design: SqlDesign, spec: SoftmaxSpec, coefficients: Float64Array, caller: string): string {
  const K = spec.indicators.length;
  const p = design.columns.length + (design.intercept ? 1 : 0);
  const t = design.weight;
  const d = [...designSelect(design), ...spec.indicators.map((ind, k) => `${t === null ? '' : `${t} * `}${ind} AS sl_y${k}`)];
  const offsets = spec.offsets ?? [];
  offsets.forEach((sql, k) => {
    if (sql !== null) d.push(`${sql} AS sl_o${k}`);
  });
  const fence = design.dialect.fence;
  const free = Array.from({ length: K - 1 }, (_, c) => c + 1);
  // Free position c's offset against the reference: o_{internalOrder[c]} − o_ref (as referenceFormOffset).
  const reference = spec.internalOrder[0]!;
  const offsetOf = (c: number): string | null => {
    const own = offsets[spec.internalOrder[c]!] ? `sl_o${spec.internalOrder[c]!}` : null;
    const ref = offsets[reference] ? `sl_o${reference}` : null;
    if (ref === null) return own;
    return own === null ? `(-${ref})` : `(${own} - ${ref})`;
  };
  const etas = free.map((c) => `${linearPredictor(design, coefficients, (c - 1) * p, offsetOf(c), caller)} AS sl_eta${c}`);
  const max = pairwise('greatest', ['0', ...free.map((c) => `sl_eta${c}`)]);
  const exps = [
    `CASE WHEN sl_m > ${EXP_CUTOFF} THEN 0 ELSE exp(-sl_m) END AS sl_e0`,
    ...free.map((c) => `CASE WHEN sl_eta${c} - sl_m < -${EXP_CUTOFF} THEN 0 ELSE exp(sl_eta${c} - sl_m) END AS sl_e${c}`),
  ];
  const sum = Array.from({ length: K }, (_, c) => `sl_e${c}`).join(' + ');
  const probs = Array.from({ length: K }, (_, c) => `sl_e${c} / sl_sum AS sl_p${c}`);
  return `(SELECT i.*, ${probs.join(', ')}, sl_m + ln(sl_sum) AS sl_lse
  FROM (SELECT h.*, ${sum} AS sl_sum
    FROM (SELECT g.*, ${exps.join(', ')}
      FROM (SELECT f.*, ${max} AS sl_m
        FROM (SELECT e.*, ${etas.join(', ')}
          FROM (SELECT ${d.join(', ')}
            FROM ${design.from} WHERE ${design.where}${fence}) AS e${fence}) AS f${fence}) AS g${fence}) AS h${fence}) AS i${fence}) AS rows_`;
}

/**
 * Softmax sums. Position c of internalOrder (0 = reference) is the row's probability sl_p{c};
 * class internalOrder[c] is its indicator sl_y{internalOrder[c]}.
 */
function softmaxItems(design: SqlDesign, spec: SoftmaxSpec, level: EvaluationLevel): Item[] {
  const K = spec.indicators.length;
  const p = design.columns.length + (design.intercept ? 1 : 0);
  const y = (c: number) => `sl_y${spec.internalOrder[c]!}`;
  const items = commonItems(design.dialect.double);
  const DOUBLE = design.dialect.double;
  for (let k = 0; k < K; k++) items.push({ alias: `sl_class${k}`, sql: `SUM(sl_y${k})` });
  const fitted = Array.from({ length: K - 1 }, (_, i) => `${y(i + 1)} * sl_eta${i + 1}`).join(' + ');
  items.push({ alias: 'sl_loglik', sql: `SUM(${fitted} - sl_t * sl_lse)` });
  const least = pairwise('least', Array.from({ length: K }, (_, c) => `sl_p${c}`));
  items.push({
    alias: 'sl_extreme',
    sql: `CAST(SUM(CASE WHEN sl_t > 0 AND ${least} < ${numberLiteral(EXTREME_PROBABILITY, 'sql', design.dialect)} THEN 1 ELSE 0 END) AS ${DOUBLE})`,
  });
  if (level === 'value') return items;
  for (let c = 1; c < K; c++) {
    for (let j = 0; j < p; j++) items.push({ alias: `sl_g${(c - 1) * p + j}`, sql: `SUM(${times(`(sl_t * sl_p${c} - ${y(c)})`, column(design, j))})` });
  }
  if (level === 'gradient') return items;
  const P = p * (K - 1);
  for (let a = 0; a < P; a++) {
    const c = Math.floor(a / p) + 1;
    const j = a % p;
    for (let b = a; b < P; b++) {
      const e = Math.floor(b / p) + 1;
      const k = b % p;
      const weight = c === e ? `sl_t * sl_p${c} * (1 - sl_p${c})` : `-(sl_t * sl_p${c} * sl_p${e})`;
      items.push({ alias: `sl_h${a}_${b}`, sql: `SUM(${times(times(`(${weight})`, column(design, j)), column(design, k))})` });
    }
  }
  return items;
}

/** The rows of the statement(s) of one pass, read into statistics (both triangles of the information). */
export function readStatistics(rows: SqlRow[][], design: SqlDesign, spec: LogisticSpec | SoftmaxSpec, level: EvaluationLevel, caller: string): SqlStatistics {
  const row: SqlRow = Object.assign({}, ...rows.map((r) => {
    if (r.length !== 1) throw new SoftlogitError('BAD_OPTION', `${caller}: an aggregate statement returned ${r.length} rows, expected 1`);
    return r[0];
  }));
  const num = (alias: string): number => {
    const v = row[alias];
    if (v === null || v === undefined) return 0; // SUM over no rows
    const n = typeof v === 'number' ? v : Number(v);
    if (Number.isNaN(n) && typeof v !== 'number') throw new SoftlogitError('BAD_OPTION', `${caller}: the engine returned ${String(v)} for ${alias}, expected a number`);
    return n;
  };
  const p = design.columns.length + (design.intercept ? 1 : 0);
  const K = spec.model === 'logistic' ? 2 : spec.indicators.length;
  const P = spec.model === 'logistic' ? p : p * (K - 1);
  let gradient: Float64Array | null = null;
  let hessian: Float64Array | null = null;
  if (level !== 'value') gradient = Float64Array.from({ length: P }, (_, j) => num(`sl_g${j}`));
  if (level === 'hessian') {
    hessian = new Float64Array(P * P);
    for (let a = 0; a < P; a++) {
      for (let b = a; b < P; b++) hessian[a * P + b] = hessian[b * P + a] = num(`sl_h${a}_${b}`);
    }
  }
  const weightSum = num('sl_tsum');
  const classTotals = spec.model === 'logistic'
    ? Float64Array.of(weightSum - num('sl_ssum'), num('sl_ssum'))
    : Float64Array.from({ length: K }, (_, k) => num(`sl_class${k}`));
  return {
    model: spec.model, nParams: P, nClasses: K, level,
    logLik: num('sl_loglik'),
    gradient, hessian, weightSum, classTotals,
    nRows: num('sl_n'), nInformative: num('sl_informative'),
    // 0/1 and label responses: no binomial coefficient, saturated logLik 0 (as toBinomialData).
    logLikConstant: 0, saturatedLogLik: 0,
    hasOffset: design.offset !== null || (spec.model === 'softmax' && (spec.offsets ?? []).some((o) => o !== null)),
    nNegativeWeight: num('sl_negative'), nNonFinite: num('sl_nonfinite'), nExtreme: num('sl_extreme'),
  };
}

/**
 * The row's score contributions u_a (a over the coefficients, in the statistics' layout) as SQL
 * on the rows of `logisticRows` / `softmaxRows`: (s − t p) x_j (logistic), (y_c − t p_c) x_j per
 * free class c (softmax).
 */
function scoreTerms(design: SqlDesign, spec: LogisticSpec | SoftmaxSpec): string[] {
  const p = design.columns.length + (design.intercept ? 1 : 0);
  const residuals = spec.model === 'logistic'
    ? ['(sl_s - sl_t * sl_p)']
    : Array.from({ length: spec.indicators.length - 1 }, (_, i) => `(sl_y${spec.internalOrder[i + 1]!} - sl_t * sl_p${i + 1})`);
  return residuals.flatMap((residual) => Array.from({ length: p }, (_, j) => times(residual, column(design, j))));
}

/**
 * The statement(s) of the sandwich's meat at `coefficients` (the estimate): M = Σ_g u_g u_gᵀ over
 * units g, with the row count and weight total. Without a cluster column the units are the rows,
 * one aggregate over them (P(P + 1)/2 items); with one, a GROUP BY on the cluster label sums u per
 * cluster (P items) and the outer aggregate sums the clusters' outer products and counts them (and
 * the rows whose label is NULL, which the fit refuses). Split as statisticsQueries when the items
 * exceed MAX_ITEMS (each statement one pass).
 * @example
 * meatQueries(design, { model: 'logistic', response: '"admit"' }, fit.coefficients, 'fitLogisticSQL')
 * // => ['SELECT CAST(COUNT(*) AS DOUBLE PRECISION) AS sl_n, … SUM((sl_s - sl_t * sl_p) * (sl_s - sl_t * sl_p)) AS sl_m0_0, … FROM (…) AS rows_']
 */
export function meatQueries(design: SqlDesign, spec: LogisticSpec | SoftmaxSpec, coefficients: Float64Array, caller: string): string[] {
  const DOUBLE = design.dialect.double;
  const rows = spec.model === 'logistic' ? logisticRows(design, spec, coefficients, caller) : softmaxRows(design, spec, coefficients, caller);
  const u = scoreTerms(design, spec);
  const P = u.length;
  const clustered = Boolean(design.cluster);
  const unit = (a: number) => (clustered ? `sl_u${a}` : u[a]!);
  const items: Item[] = clustered
    ? [
        { alias: 'sl_n', sql: `CAST(SUM(sl_rows) AS ${DOUBLE})` },
        { alias: 'sl_tsum', sql: 'SUM(sl_tw)' },
        { alias: 'sl_groups', sql: `CAST(COUNT(*) AS ${DOUBLE})` },
        { alias: 'sl_nullc', sql: `CAST(SUM(CASE WHEN sl_c IS NULL THEN sl_rows ELSE 0 END) AS ${DOUBLE})` },
      ]
    : [{ alias: 'sl_n', sql: `CAST(COUNT(*) AS ${DOUBLE})` }, { alias: 'sl_tsum', sql: 'SUM(sl_t)' }];
  for (let a = 0; a < P; a++) for (let b = a; b < P; b++) items.push({ alias: `sl_m${a}_${b}`, sql: `SUM(${unit(a)} * ${unit(b)})` });
  const from = clustered
    ? `(SELECT sl_c, COUNT(*) AS sl_rows, SUM(sl_t) AS sl_tw, ${u.map((term, a) => `SUM(${term}) AS sl_u${a}`).join(', ')}
  FROM ${rows} GROUP BY sl_c${design.dialect.fence}) AS clusters_`
    : rows;
  const statements: string[] = [];
  for (let start = 0; start < items.length; start += MAX_ITEMS) {
    statements.push(`SELECT\n  ${items.slice(start, start + MAX_ITEMS).map((item) => `${item.sql} AS ${item.alias}`).join(',\n  ')}\nFROM ${from}`);
  }
  return statements;
}

/** The rows of the meat statement(s), read: the meat (both triangles), rows, weight total, clusters (0 without) and NULL labels. */
export function readMeat(rows: SqlRow[][], nParams: number, clustered: boolean, caller: string): { meat: Float64Array; nRows: number; weightSum: number; clusters: number; nullLabels: number } {
  const row: SqlRow = Object.assign({}, ...rows.map((r) => {
    if (r.length !== 1) throw new SoftlogitError('BAD_OPTION', `${caller}: an aggregate statement returned ${r.length} rows, expected 1`);
    return r[0];
  }));
  const num = (alias: string): number => {
    const v = row[alias];
    if (v === null || v === undefined) return 0;
    return typeof v === 'number' ? v : Number(v);
  };
  const meat = new Float64Array(nParams * nParams);
  for (let a = 0; a < nParams; a++) for (let b = a; b < nParams; b++) meat[a * nParams + b] = meat[b * nParams + a] = num(`sl_m${a}_${b}`);
  return { meat, nRows: num('sl_n'), weightSum: num('sl_tsum'), clusters: clustered ? num('sl_groups') : 0, nullLabels: clustered ? num('sl_nullc') : 0 };
}
