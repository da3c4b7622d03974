/**
 * Model frame → design matrix, following R's `model.frame` + `model.matrix` for a main-effects
 * formula `response ~ p1 + p2 + ...` with the default treatment contrasts.
 *
 * Rules replicated from R:
 * - Rows with a missing value in any used column (response or counts, predictors, weights, offset,
 *   cluster) are dropped, like `na.action = na.omit`; their number and 1-based row numbers are reported.
 * - String columns, and numeric columns listed in `factors`, are factors. Levels are the sorted
 *   distinct values, as `factor()` makes them: numeric columns sort numerically and label each
 *   level as R's `as.character` does (15 significant digits; `1e+05`, not `100000`); string
 *   columns sort by Unicode code point, which is R's order under `LC_COLLATE=C`. (In other locales
 *   R collates, e.g. `"a" < "B"`; code point order puts `"B"` first.)
 * - Treatment contrasts: the first level is the reference and gets no column; level `L` of factor
 *   `f` gets the indicator column named `fL` (`rank2`, `rank3`, ...). Without an intercept the
 *   first factor (in predictor order) gets a column for every level, as in R's `y ~ x + f - 1`.
 * - Columns appear in predictor order, each factor's indicators in level order.
 *
 * - `levels` fixes the order of a column's levels, as R's `factor(x, levels = ...)` does; the
 *   first one listed is then the reference.
 *
 * One deliberate difference: predictor levels that no longer occur after the missing-value rows
 * are dropped are removed (R's `droplevels`), where R would keep them and produce an all-zero
 * column. A factor left with a single level is an error, as it is in R. A value missing from a
 * `levels` list is an error too, where R would turn it into `NA` and drop the row. A response
 * level given in `levels` that no row used has is an error (`EMPTY_CLASS`): that class has no
 * finite coefficients, and dropping it would quietly fit a model with fewer classes.
 *
 * {@link newDataMatrix} codes new data with a fitted design's levels, like R's
 * `model.matrix(terms, newdata, xlev = ...)` inside `predict`.
 */
import { SoftlogitError } from '../errors.js';
import type { Column, DataFrame, NumericColumn } from './csv.js';
import { checkColumn, checkDataFrame, checkDesignTerms, checkOptionType, isStringArray } from '../input/frame.js';
import { checkOptionKeys, describeValue, optionKeysOf } from '../input/optionKeys.js';

/** Which columns of a {@link DataFrame} play which role in the model. */
export interface DesignOptions {
  /** Column of class labels (numbers or strings). Give this or `counts`. */
  response?: string;
  /** Predictor columns, in order. Default: every column not used as response, weights or counts. */
  predictors?: string[];
  /** Numeric columns to code as factors (R's `factor(rank)`); string columns always are. */
  factors?: string[];
  /** Column of non-negative case weights. */
  weights?: string;
  /**
   * Numeric column added to the linear predictor with coefficient 1 (R's `offset = col`, or an
   * `offset(col)` term). It is not a predictor, and a row missing it is dropped.
   */
  offset?: string;
  /** Response given as per-class count columns, one column per class (at least two). */
  counts?: string[];
  /** Whether the model will have an intercept (default true). X never holds the intercept column. */
  intercept?: boolean;
  /**
   * Column of cluster labels (numbers or text) for a cluster-robust covariance: the design's
   * `cluster` holds them on the kept rows, for the fits' `cluster` option. Not a predictor unless
   * `predictors` lists it, or (with the default predictors) `factors` or `levels` name it: R's
   * vcovCL(fit, cluster = ~rank) on a model with factor(rank). A row missing its label is dropped
   * like one missing any used value.
   */
  cluster?: string;
  /**
   * Level order per column, as R's `factor(x, levels = c(...))`: for a predictor (which makes it a
   * factor) the first level is the reference; for the response it orders the classes. Levels are
   * written as R writes them (`"2"`, `"1e+05"` for numbers). Every value in the rows used must be
   * listed. A Map, or a record (its own keys only). Prefer a Map when column names come from data:
   * a `__proto__` key in an object literal sets the object's prototype instead of a key.
   */
  levels?: ReadonlyMap<string, readonly string[]> | Readonly<Record<string, readonly string[]>>;
}

/** Every key of DesignOptions (checked by the compiler against the interface). */
const DESIGN_OPTION_KEYS = optionKeysOf<DesignOptions>()(['response', 'predictors', 'factors', 'weights', 'offset', 'counts', 'intercept', 'levels', 'cluster']);

/**
 * Checks designMatrix's options (or another function's that takes them, with its own keys):
 * known keys, each of its type (levels are checked where read).
 */
export function checkDesignOptions(options: DesignOptions, caller = 'designMatrix', keys: readonly string[] = DESIGN_OPTION_KEYS): void {
  if (options === undefined) throw new SoftlogitError('BAD_OPTION', `${caller}: options are required ({ response } or { counts })`);
  checkOptionKeys(options, caller, keys);
  for (const key of ['response', 'weights', 'offset', 'cluster'] as const) checkOptionType(options[key], key, 'a column name (string)', (v) => typeof v === 'string', caller);
  for (const key of ['predictors', 'factors', 'counts'] as const) checkOptionType(options[key], key, 'an array of column names', isStringArray, caller);
  checkOptionType(options.intercept, 'intercept', 'true or false', (v) => typeof v === 'boolean', caller);
  checkOptionType(options.levels, 'levels', 'an object of level arrays', (v) => v !== null && typeof v === 'object' && !Array.isArray(v), caller);
}

/** Class labels, one per kept row, with their sorted distinct values. */
export interface LabelResponse {
  kind: 'labels';
  labels: (string | number)[];
  levels: (string | number)[];
}

/** Per-class counts, one row per kept row. */
export interface CountsResponse {
  kind: 'counts';
  /** n × K, row-major. */
  counts: Float64Array;
  nClasses: number;
  classNames: string[];
}

/** How one factor was dummy-coded. `reference` is null when every level got a column. */
export interface FactorCoding {
  name: string;
  levels: string[];
  reference: string | null;
}

/** A design matrix with its response, weights and a record of what was coded and dropped. */
export interface Design {
  /** nRows × nFeatures, row-major, without an intercept column. */
  X: Float64Array;
  nRows: number;
  nFeatures: number;
  /** Column names as R's `model.matrix` gives them: `gre`, `gpa`, `rank2`, `rank3`, ... */
  names: string[];
  /** The `intercept` option, resolved (it changes how the first factor is coded). */
  intercept: boolean;
  /** The predictor columns, in order (each a numeric column or a factor in `factors`). */
  predictors: string[];
  response: LabelResponse | CountsResponse;
  weights?: Float64Array;
  /** The `offset` column's values on the kept rows. */
  offset?: Float64Array;
  /** The `offset` column's name, when one was given. */
  offsetColumn?: string;
  /** The `cluster` column's labels on the kept rows, when one was given. */
  cluster?: (string | number)[];
  /** Number of rows dropped for a missing value in a used column. */
  droppedRows: number;
  /** 1-based data row numbers of every dropped row, ascending. */
  droppedRowNumbers: number[];
  /** The factors that were dummy-coded, in predictor order. */
  factors: FactorCoding[];
}

/**
 * What coding new data the way a design was coded needs (R's `terms` and `xlevels`): the
 * predictor columns in order, the factors among them with their levels, and the intercept
 * option. A {@link Design} is one; it can also be read back from JSON.
 */
export interface DesignTerms {
  predictors: readonly string[];
  factors: readonly FactorCoding[];
  intercept: boolean;
  /** The offset column, which new data must have too (R's predict uses the new data's offset). */
  offsetColumn?: string;
}

/** New data coded with a fitted design's terms: the complete rows only. */
export interface NewDesign {
  /** nRows × nFeatures, row-major, columns as `names`. */
  X: Float64Array;
  nRows: number;
  nFeatures: number;
  names: string[];
  /** 0-based frame row of each row of X. */
  rows: Uint32Array;
  /** The terms' offset column on those rows, when the terms have one. */
  offset?: Float64Array;
  /** 1-based data row numbers of the rows left out for a missing predictor value, ascending. */
  droppedRowNumbers: number[];
}

/**
 * Builds the design matrix, response and weights of a main-effects model from a data frame, the
 * way R's `model.matrix(response ~ predictors, na.omit(frame))` does (see the module comment for
 * the coding rules). Runs in O(nRows × nFeatures).
 *
 * @throws {SoftlogitError} `UNKNOWN_COLUMN` for a column name not in the frame (the message lists
 *   the columns there are).
 * @throws {SoftlogitError} `BAD_OPTION` when neither or both of `response` and `counts` are given,
 *   a column is given two roles or listed twice, `counts` has fewer than two columns, or a factor
 *   has a single level in the rows used.
 * @throws {SoftlogitError} `EMPTY_INPUT` when no row is left after dropping missing values.
 * @throws {SoftlogitError} `BAD_RESPONSE` when the response has fewer than two distinct values.
 * @throws {SoftlogitError} `EMPTY_CLASS` when `levels` declares a response level that no row used
 *   has (as fitSoftmax refuses a declared class without observations).
 * @throws {SoftlogitError} `UNKNOWN_LABEL` for a value not in the `levels` given for its column.
 * @throws {SoftlogitError} `NON_FINITE` for an infinite value in a used numeric column.
 * @throws {SoftlogitError} `BAD_WEIGHTS` / `BAD_COUNTS` for a non-numeric or negative weights or
 *   counts column; `BAD_OPTION` for an offset column that holds text.
 *
 * @example
 * const frame = parseCSV('admit,gre,rank\n0,380,3\n1,660,1\n1,800,2\n0,640,NA\n');
 * const design = designMatrix(frame, { response: 'admit', factors: ['rank'] });
 * design.names // => ['gre', 'rank2', 'rank3']
 * Array.from(design.X) // => [380, 0, 1,  660, 0, 0,  800, 1, 0]
 * design.droppedRowNumbers // => [4]
 * design.response // => { kind: 'labels', labels: [0, 1, 1], levels: [0, 1] }
 * designMatrix(frame, { response: 'admit', predictors: ['gre'], cluster: 'rank' }).cluster // => [3, 1, 2]
 */
export function designMatrix(frame: DataFrame, options: DesignOptions): Design {
  checkDataFrame(frame, 'designMatrix');
  checkDesignOptions(options);
  const roles = resolveRoles(frame, options);
  const { kept, droppedRowNumbers } = completeRows(frame, roles.cluster && !roles.used.includes(roles.cluster) ? [...roles.used, roles.cluster] : roles.used);
  if (kept.length === 0) {
    throw new SoftlogitError(
      'EMPTY_INPUT',
      `designMatrix: no rows left: ${frame.nRows} rows, ${droppedRowNumbers.length} with a missing value in ${roles.used.map((c) => c.name).join(', ')}`,
      { nRows: frame.nRows, droppedRows: droppedRowNumbers.length },
    );
  }
  rejectInfinite(frame, roles.used, kept);
  const intercept = options.intercept ?? true;
  const terms = buildTerms(frame, roles, kept, intercept);
  const design: Design = {
    ...fillMatrix(terms, kept.length),
    intercept,
    predictors: roles.predictors.map((c) => c.name),
    response: roles.counts
      ? countsResponse(frame, roles.counts, kept)
      : labelResponse(frame, roles.response!, kept, roles.levels.get(roles.response!.name)),
    droppedRows: droppedRowNumbers.length,
    droppedRowNumbers,
    factors: terms.filter(isFactorTerm).map(({ name, levels, fullCoding }) => ({
      name,
      levels,
      reference: fullCoding ? null : levels[0]!,
    })),
  };
  if (roles.weights) design.weights = weightVector(frame, roles.weights, kept);
  if (roles.offset) {
    const values = roles.offset.values;
    design.offset = pick(values, kept);
    design.offsetColumn = roles.offset.name;
  }
  if (roles.cluster) {
    const values = roles.cluster.values;
    design.cluster = Array.from(kept, (i) => values[i]!);
  }
  return design;
}

/**
 * The levels R's `factor()` gives a column: its distinct non-missing values, sorted (numbers
 * numerically and written as R's `as.character` writes them, strings by code point).
 *
 * @param rows 0-based row indices to look at (default: every row).
 * @example
 * levelsOf({ name: 'rank', kind: 'numeric', values: Float64Array.of(3, 1, NaN, 10, 1) }) // => ['1', '3', '10']
 * levelsOf({ name: 'g', kind: 'string', values: ['b', null, 'B', 'a'] }) // => ['B', 'a', 'b']
 */
export function levelsOf(column: Column, rows?: ArrayLike<number>): string[] {
  checkColumn(column, 'levelsOf');
  if (rows !== undefined) checkRowIndices(rows, column.values.length, 'levelsOf');
  return factorCodes(column, rows ?? allRows(column.values.length)).levels;
}

/**
 * Codes new data with the terms of a fitted design (R's `model.matrix` on `newdata` with the
 * training `xlevels`): numeric predictors as they are, factors as indicators of the training
 * levels, columns named and ordered as in the design. Rows with a missing predictor value are
 * left out and reported (`predict` gives `NA` for them); the response and weights columns need
 * not be present. Runs in O(nRows × nFeatures).
 *
 * @throws {SoftlogitError} `UNKNOWN_COLUMN` for a predictor column (or the terms' offset column) not in the frame.
 * @throws {SoftlogitError} `BAD_OPTION` for an offset column that holds text.
 * @throws {SoftlogitError} `UNKNOWN_LABEL` for a factor value the design has no level for (R:
 *   "factor rank has new level 5"), naming the row.
 * @throws {SoftlogitError} `BAD_CSV` for text in a column the design used as numeric, naming the row.
 * @throws {SoftlogitError} `NON_FINITE` for an infinite numeric value in a complete row.
 *
 * @example
 * const design = designMatrix(parseCSV('y,rank\n0,1\n1,2\n1,3\n'), { response: 'y', factors: ['rank'] });
 * const next = newDataMatrix(parseCSV('rank\n3\nNA\n1\n'), design);
 * Array.from(next.X) // => [0, 1,  0, 0]
 * next.droppedRowNumbers // => [2]
 */
export function newDataMatrix(frame: DataFrame, terms: DesignTerms): NewDesign {
  const caller = 'newDataMatrix';
  checkDataFrame(frame, caller);
  checkDesignTerms(terms, caller);
  const coding = new Map(terms.factors.map((f) => [f.name, f]));
  const columns = terms.predictors.map((name) => {
    const j = frame.names.indexOf(name);
    if (j < 0) {
      throw new SoftlogitError(
        'UNKNOWN_COLUMN',
        `${caller}: the model uses column "${name}", which is not in the data; columns are: ${frame.names.join(', ')}`,
        { column: name, available: frame.names },
      );
    }
    return frame.columns[j]!;
  });
  const offset = terms.offsetColumn === undefined ? undefined : newDataOffset(frame, terms.offsetColumn, caller);
  const checked = offset ? [...columns, offset] : columns;
  const { kept, droppedRowNumbers } = completeRows(frame, checked);
  rejectInfinite(frame, checked, kept, caller);
  const built = columns.map((column): Term => {
    const factor = coding.get(column.name);
    if (factor === undefined) {
      if (column.kind === 'string') {
        const i = kept.find((r) => column.values[r] !== null);
        throw new SoftlogitError(
          'BAD_CSV',
          `${caller}: column "${column.name}" must be numeric, as the model was fitted with it, but ${describeRow(frame, i ?? 0)} holds "${String(column.values[i ?? 0])}"`,
          { column: column.name, row: (i ?? 0) + 1 },
        );
      }
      return { kind: 'numeric', name: column.name, values: kept.length === frame.nRows ? column.values : pick(column.values, kept) };
    }
    const { codes } = factorCodes(column, kept, { levels: factor.levels, frame, caller, keepAll: true });
    return { kind: 'factor', name: column.name, levels: [...factor.levels], codes, fullCoding: factor.reference === null };
  });
  const coded: NewDesign = { ...fillMatrix(built, kept.length), rows: kept, droppedRowNumbers };
  if (offset) coded.offset = kept.length === frame.nRows ? offset.values.slice() : pick(offset.values, kept);
  return coded;
}

/** The offset column of new data: present and numeric. */
function newDataOffset(frame: DataFrame, name: string, caller: string): NumericColumn {
  const j = frame.names.indexOf(name);
  if (j < 0) {
    throw new SoftlogitError(
      'UNKNOWN_COLUMN',
      `${caller}: the model has the offset column "${name}", which is not in the data; columns are: ${frame.names.join(', ')}`,
      { column: name, available: frame.names },
    );
  }
  return numericColumn(frame.columns[j]!, 'offset', caller);
}

/** The column if numeric; else a `BAD_OPTION` error naming its role. */
function numericColumn(column: Column, role: string, caller: string): NumericColumn {
  if (column.kind !== 'numeric') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: ${role} column "${column.name}" must be numeric, but it holds text`, {
      column: column.name,
    });
  }
  return column;
}

/** Columns resolved for each role; `used` is every column whose missing values drop a row. */
interface Roles {
  response?: Column;
  counts?: NumericColumn[];
  weights?: NumericColumn;
  offset?: NumericColumn;
  predictors: Column[];
  /** The cluster column: not in `used` unless it is a predictor too, but its missing rows are dropped. */
  cluster?: Column;
  asFactor: Set<string>;
  /** Explicit level order per column name (the `levels` option). */
  levels: Map<string, readonly string[]>;
  used: Column[];
}

/** Row indices into a column: integers in [0, nRows). */
function checkRowIndices(rows: unknown, nRows: number, caller: string): void {
  const r = rows as ArrayLike<unknown> | null;
  if (r === null || typeof r !== 'object' || typeof r.length !== 'number') {
    throw new SoftlogitError('BAD_OPTION', `${caller}: rows should be an array of row indices, got ${describeValue(rows)}`);
  }
  for (let i = 0; i < r.length; i++) {
    const v = r[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= nRows) {
      throw new SoftlogitError('BAD_OPTION', `${caller}: rows should hold integer row indices in [0, ${nRows}), got ${describeValue(v)} at position ${i}`);
    }
  }
}

/** Looks up every column the options name and checks that each plays one role. */
function resolveRoles(frame: DataFrame, options: DesignOptions): Roles {
  if ((options.response === undefined) === (options.counts === undefined)) {
    throw new SoftlogitError(
      'BAD_OPTION',
      'designMatrix: give exactly one of options.response (a label column) or options.counts (count columns)',
    );
  }
  const response = options.response === undefined ? undefined : findColumn(frame, options.response, 'response');
  const counts = options.counts && countColumns(frame, options.counts);
  const weights = options.weights === undefined ? undefined : weightColumn(frame, options.weights);
  const offset = options.offset === undefined ? undefined : numericColumn(findColumn(frame, options.offset, 'offset'), 'offset', 'designMatrix');
  const taken = [response, ...(counts ?? []), weights, offset].filter((c): c is Column => c !== undefined);
  const cluster = options.cluster === undefined ? undefined : findColumn(frame, options.cluster, 'cluster');
  if (cluster !== undefined && taken.includes(cluster)) {
    throw new SoftlogitError('BAD_OPTION', `designMatrix: column "${cluster.name}" is used as cluster and as response, counts, weights or offset; give it one of those roles`, { column: cluster.name });
  }
  // By default the cluster column is no predictor (a numeric id as a slope would be nonsense), unless
  // factors or levels name it (then it is a factor predictor too).
  const clusterIsFactor = cluster !== undefined && ((options.factors ?? []).includes(cluster.name) || levelEntries(options.levels).some(([name]) => name === cluster.name));
  const predictors = predictorColumns(frame, options.predictors, cluster && !clusterIsFactor ? [...taken, cluster] : taken);
  for (const name of options.factors ?? []) findColumn(frame, name, 'factors');
  const used = [...taken, ...predictors];
  rejectDuplicates(used.map((c) => c.name));
  const levels = levelOption(frame, options.levels, [...(response ? [response] : []), ...predictors]);
  const roles: Roles = { predictors, asFactor: new Set([...(options.factors ?? []), ...levels.keys()]), levels, used };
  if (response) roles.response = response;
  if (counts) roles.counts = counts;
  if (weights) roles.weights = weights;
  if (offset) roles.offset = offset;
  if (cluster) roles.cluster = cluster;
  return roles;
}

/** The named column, or an `UNKNOWN_COLUMN` error listing the columns there are. */
function findColumn(frame: DataFrame, name: string, option: string): Column {
  const j = frame.names.indexOf(name);
  if (j < 0) {
    throw new SoftlogitError(
      'UNKNOWN_COLUMN',
      `designMatrix: options.${option} names column "${name}", which is not in the data; columns are: ${frame.names.join(', ')}`,
      { column: name, available: frame.names },
    );
  }
  return frame.columns[j]!;
}

/**
 * The `levels` option as [column, levels] pairs: a Map's entries, or a record's own keys. A record
 * whose prototype is neither Object.prototype nor null (an object literal with a `__proto__` key,
 * whose levels would silently be lost) is a `BAD_OPTION` error.
 */
function levelEntries(given: DesignOptions['levels']): [string, readonly string[]][] {
  if (given === undefined) return [];
  if (given instanceof Map) return [...(given as ReadonlyMap<string, readonly string[]>)];
  const prototype = given === null || typeof given !== 'object' ? undefined : Object.getPrototypeOf(given);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new SoftlogitError(
      'BAD_OPTION',
      'designMatrix: options.levels should be a Map or a plain object of level lists (an object literal with a "__proto__" key sets its prototype instead; use a Map)',
    );
  }
  return Object.entries(given as Readonly<Record<string, readonly string[]>>);
}

/** Checks the `levels` option: known columns that are the response or a predictor, no repeats. */
function levelOption(
  frame: DataFrame,
  given: DesignOptions['levels'],
  allowed: Column[],
): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const [name, levels] of levelEntries(given)) {
    const column = findColumn(frame, name, 'levels');
    if (!allowed.includes(column)) {
      throw new SoftlogitError(
        'BAD_OPTION',
        `designMatrix: options.levels gives levels for column "${name}", which is neither the response nor a predictor`,
        { column: name },
      );
    }
    if (!Array.isArray(levels) || levels.length === 0 || levels.some((level) => typeof level !== 'string')) {
      throw new SoftlogitError('BAD_OPTION', `designMatrix: options.levels["${name}"] should be a non-empty array of strings`, {
        column: name,
      });
    }
    const repeated = levels.find((level, k) => levels.indexOf(level) !== k);
    if (repeated !== undefined) {
      throw new SoftlogitError('BAD_OPTION', `designMatrix: options.levels["${name}"] lists level "${repeated}" twice`, {
        column: name,
        level: repeated,
      });
    }
    out.set(name, levels);
  }
  return out;
}

function countColumns(frame: DataFrame, names: string[]): NumericColumn[] {
  if (names.length < 2) {
    throw new SoftlogitError(
      'BAD_OPTION',
      `designMatrix: options.counts needs one column per class (at least two), got ${names.length}`,
      { counts: names },
    );
  }
  return names.map((name) => {
    const column = findColumn(frame, name, 'counts');
    if (column.kind !== 'numeric') {
      throw new SoftlogitError('BAD_COUNTS', `designMatrix: counts column "${name}" must be numeric, but it holds text`, {
        column: name,
      });
    }
    return column;
  });
}

function weightColumn(frame: DataFrame, name: string): NumericColumn {
  const column = findColumn(frame, name, 'weights');
  if (column.kind !== 'numeric') {
    throw new SoftlogitError('BAD_WEIGHTS', `designMatrix: weights column "${name}" must be numeric, but it holds text`, {
      column: name,
    });
  }
  return column;
}

/** The predictor columns: those named, or by default every column not already taken. */
function predictorColumns(frame: DataFrame, names: string[] | undefined, taken: Column[]): Column[] {
  if (names === undefined) return frame.columns.filter((c) => !taken.includes(c));
  return names.map((name) => findColumn(frame, name, 'predictors'));
}

function rejectDuplicates(names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new SoftlogitError(
        'BAD_OPTION',
        `designMatrix: column "${name}" is used twice (as response, counts, weights, offset or predictor); give each column one role`,
        { column: name },
      );
    }
    seen.add(name);
  }
}

/** Splits rows into those complete in every used column and the 1-based numbers of the rest. */
function completeRows(frame: DataFrame, used: Column[]): { kept: Uint32Array; droppedRowNumbers: number[] } {
  // A flag per row, cleared column by column (a column at a time reads memory in order).
  const complete = new Uint8Array(frame.nRows).fill(1);
  for (const column of used) {
    const values = column.values;
    if (column.kind === 'numeric') {
      for (let i = 0; i < frame.nRows; i++) if (Number.isNaN(values[i])) complete[i] = 0;
    } else {
      for (let i = 0; i < frame.nRows; i++) if (values[i] === null) complete[i] = 0;
    }
  }
  let nKept = 0;
  for (let i = 0; i < frame.nRows; i++) nKept += complete[i]!;
  const kept = new Uint32Array(nKept);
  const droppedRowNumbers: number[] = [];
  for (let i = 0, k = 0; i < frame.nRows; i++) {
    if (complete[i] === 1) kept[k++] = i;
    else droppedRowNumbers.push(i + 1);
  }
  return { kept, droppedRowNumbers };
}

function isMissing(column: Column, i: number): boolean {
  return column.kind === 'numeric' ? Number.isNaN(column.values[i]!) : column.values[i] === null;
}

/** Rejects ±Infinity in a used numeric column, as R's `glm.fit` rejects `Inf` in x, y or weights. */
function rejectInfinite(frame: DataFrame, used: Column[], kept: Uint32Array, caller = 'designMatrix'): void {
  for (const column of used) {
    if (column.kind !== 'numeric') continue;
    const values = column.values;
    for (let r = 0; r < kept.length; r++) {
      const i = kept[r]!;
      const value = values[i]!;
      if (!Number.isFinite(value)) {
        throw new SoftlogitError(
          'NON_FINITE',
          `${caller}: column "${column.name}" holds ${value} at ${describeRow(frame, i)}; expected a finite number`,
          { column: column.name, row: i + 1, value },
        );
      }
    }
  }
}

/** "data row 3 (line 4)" for 0-based row index 2, with the line when the frame knows it. */
function describeRow(frame: DataFrame, i: number): string {
  const line = frame.lineNumbers?.[i];
  return line === undefined ? `data row ${i + 1}` : `data row ${i + 1} (line ${line})`;
}

/**
 * The response labels of the kept rows and their distinct values (at least two): sorted, or in
 * the order of `given` (levels as R writes them; every label must be listed, and every listed
 * level must occur: a declared class without observations is `EMPTY_CLASS`).
 */
function labelResponse(frame: DataFrame, column: Column, kept: Uint32Array, given?: readonly string[]): LabelResponse {
  const labels: (string | number)[] = Array.from(kept, (i) => column.values[i]!);
  let levels: (string | number)[] =
    column.kind === 'numeric'
      ? [...new Set(labels as number[])].sort((a, b) => a - b)
      : [...new Set(labels as string[])].sort(compareCodePoints);
  if (given !== undefined) {
    const text = (label: string | number) => (typeof label === 'number' ? formatLikeR(label) : label);
    const unlisted = levels.find((level) => !given.includes(text(level)));
    if (unlisted !== undefined) {
      const i = kept[labels.indexOf(unlisted)]!;
      throw unlistedLevel(frame, column.name, text(unlisted), i, given, 'designMatrix');
    }
    const present = new Map(levels.map((level) => [text(level), level]));
    const empty = given.filter((level) => !present.has(level));
    if (empty.length > 0) {
      // Dropping it would silently fit another model (three declared classes fitted as two); the
      // fits refuse a declared class without observations too (fitSoftmax's EMPTY_CLASS).
      throw new SoftlogitError(
        'EMPTY_CLASS',
        `designMatrix: class ${empty.map((level) => JSON.stringify(level)).join(', ')} of response "${column.name}" has no observations in the ${kept.length} rows used, so its coefficients have no finite MLE; drop it from the levels of "${column.name}"`,
        { column: column.name, classes: empty },
      );
    }
    levels = given.map((level) => present.get(level)!);
  }
  if (levels.length < 2) {
    throw new SoftlogitError(
      'BAD_RESPONSE',
      `designMatrix: response "${column.name}" has a single value (${String(levels[0])}) in the ${kept.length} rows used; expected at least two classes`,
      { column: column.name, levels },
    );
  }
  return { kind: 'labels', labels, levels };
}

/** The counts of the kept rows, n × K row-major; a negative count is an error. */
function countsResponse(frame: DataFrame, columns: NumericColumn[], kept: Uint32Array): CountsResponse {
  const nClasses = columns.length;
  const counts = new Float64Array(kept.length * nClasses);
  columns.forEach((column, k) => {
    kept.forEach((i, r) => {
      const value = column.values[i]!;
      if (value < 0) {
        throw new SoftlogitError(
          'BAD_COUNTS',
          `designMatrix: counts column "${column.name}" holds ${value} at ${describeRow(frame, i)}; counts must be non-negative`,
          { column: column.name, row: i + 1, value },
        );
      }
      counts[r * nClasses + k] = value;
    });
  });
  return { kind: 'counts', counts, nClasses, classNames: columns.map((c) => c.name) };
}

/** The weights of the kept rows; a negative weight is an error (as in R's `glm`). */
function weightVector(frame: DataFrame, column: NumericColumn, kept: Uint32Array): Float64Array {
  return Float64Array.from(kept, (i) => {
    const value = column.values[i]!;
    if (value < 0) {
      throw new SoftlogitError(
        'BAD_WEIGHTS',
        `designMatrix: weights column "${column.name}" holds ${value} at ${describeRow(frame, i)}; weights must be non-negative`,
        { column: column.name, row: i + 1, value },
      );
    }
    return value;
  });
}

/** A numeric predictor: its values on the kept rows. */
interface NumericTerm {
  kind: 'numeric';
  name: string;
  values: Float64Array;
}

/** A factor predictor: level index of each kept row; `fullCoding` gives the first level a column too. */
interface FactorTerm {
  kind: 'factor';
  name: string;
  levels: string[];
  codes: Uint32Array;
  fullCoding: boolean;
}

type Term = NumericTerm | FactorTerm;

function isFactorTerm(term: Term): term is FactorTerm {
  return term.kind === 'factor';
}

/** One term per predictor; without an intercept the first factor is coded in full. */
function buildTerms(frame: DataFrame, roles: Roles, kept: Uint32Array, intercept: boolean): Term[] {
  let fullCodingLeft = !intercept;
  return roles.predictors.map((column): Term => {
    if (column.kind === 'numeric' && !roles.asFactor.has(column.name)) {
      // With every row kept, the column itself is read (no copy: on a large file the copies of all
      // columns would double the memory the design needs).
      const values = kept.length === frame.nRows ? column.values : pick(column.values, kept);
      return { kind: 'numeric', name: column.name, values };
    }
    const given = roles.levels.get(column.name);
    const { levels, codes } = factorCodes(column, kept, given && { levels: given, frame, caller: 'designMatrix', keepAll: false });
    if (levels.length < 2) {
      throw new SoftlogitError(
        'BAD_OPTION',
        `designMatrix: factor "${column.name}" has a single level (${levels[0]}) in the ${kept.length} rows used; contrasts need at least two levels`,
        { column: column.name, levels },
      );
    }
    const fullCoding = fullCodingLeft;
    fullCodingLeft = false;
    return { kind: 'factor', name: column.name, levels, codes, fullCoding };
  });
}

/**
 * Given level order for {@link factorCodes}: `keepAll` keeps levels that do not occur in the rows
 * (coding new data with a fitted design's levels); otherwise they are dropped.
 */
interface GivenLevels {
  levels: readonly string[];
  frame: DataFrame;
  caller: string;
  keepAll: boolean;
}

/**
 * Levels of a column on the given rows (see {@link levelsOf}), or the given ones, and each
 * non-missing row's level index. A value not among given levels is an `UNKNOWN_LABEL` error.
 */
function factorCodes(column: Column, rows: ArrayLike<number>, given?: GivenLevels): { levels: string[]; codes: Uint32Array } {
  const labels: string[] = [];
  const labelRows: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    if (isMissing(column, i)) continue;
    labels.push(column.kind === 'numeric' ? formatLikeR(column.values[i]!) : column.values[i]!);
    labelRows.push(i);
  }
  let levels: string[];
  if (given === undefined) {
    levels = column.kind === 'numeric' ? numericLevelOrder(column, rows) : [...new Set(labels)].sort(compareCodePoints);
  } else {
    const listed = new Set(given.levels);
    const k = labels.findIndex((label) => !listed.has(label));
    if (k >= 0) throw unlistedLevel(given.frame, column.name, labels[k]!, labelRows[k]!, given.levels, given.caller);
    const present = new Set(labels);
    levels = given.keepAll ? [...given.levels] : given.levels.filter((level) => present.has(level));
  }
  const index = new Map(levels.map((level, k) => [level, k]));
  return { levels, codes: Uint32Array.from(labels, (label) => index.get(label)!) };
}

/** The error for a value that is not among a column's known or given levels. */
function unlistedLevel(
  frame: DataFrame,
  name: string,
  label: string,
  i: number,
  levels: readonly string[],
  caller: string,
): SoftlogitError {
  return new SoftlogitError(
    'UNKNOWN_LABEL',
    `${caller}: column "${name}" holds "${label}" at ${describeRow(frame, i)}, which is not one of its levels (${levels.join(', ')})`,
    { column: name, row: i + 1, value: label, levels: [...levels] },
  );
}

/**
 * Level labels of a numeric factor in numeric order: R's `factor()` sorts the distinct values,
 * then keeps the distinct `as.character` labels in that order.
 */
function numericLevelOrder(column: NumericColumn, rows: ArrayLike<number>): string[] {
  const distinct = new Set<number>();
  for (let r = 0; r < rows.length; r++) {
    const value = column.values[rows[r]!]!;
    if (!Number.isNaN(value)) distinct.add(value);
  }
  return [...new Set([...distinct].sort((a, b) => a - b).map(formatLikeR))];
}

/** Lays the terms out as columns of a row-major matrix and names the columns. */
function fillMatrix(terms: Term[], nRows: number): Pick<Design, 'X' | 'nRows' | 'nFeatures' | 'names'> {
  const names = terms.flatMap((term) =>
    term.kind === 'numeric' ? [term.name] : term.levels.slice(term.fullCoding ? 0 : 1).map((level) => term.name + level),
  );
  const nFeatures = names.length;
  const X = new Float64Array(nRows * nFeatures);
  let offset = 0;
  for (const term of terms) {
    if (term.kind === 'numeric') {
      const values = term.values;
      for (let r = 0, at = offset; r < nRows; r++, at += nFeatures) X[at] = values[r]!;
      offset += 1;
    } else {
      const first = term.fullCoding ? 0 : 1;
      term.codes.forEach((code, r) => {
        if (code >= first) X[r * nFeatures + offset + code - first] = 1;
      });
      offset += term.levels.length - first;
    }
  }
  return { X, nRows, nFeatures, names };
}

/**
 * Writes a finite double as R's `as.character` does: 15 significant digits with trailing zeros
 * dropped, in fixed notation unless scientific is narrower (R's `formatReal` with `scipen = 0`),
 * with at least two exponent digits (`1e+05`, `1e-20`, `0.0012`, `123456`).
 */
function formatLikeR(x: number): string {
  if (x === 0) return '0';
  const [mantissa, exponentText] = x.toExponential(14).split('e') as [string, string];
  const exponent = Number(exponentText);
  const nSig = mantissa.replace(/[-.]/g, '').replace(/0+$/, '').length;
  const sign = x < 0 ? 1 : 0;
  const sciWidth = sign + nSig + (nSig > 1 ? 1 : 0) + (Math.abs(exponent) >= 100 ? 5 : 4);
  const decimals = Math.max(0, nSig - exponent - 1);
  const fixedWidth = sign + (exponent >= 0 ? exponent + 1 : 1) + (decimals > 0 ? decimals + 1 : 0);
  if (fixedWidth <= sciWidth) return x.toFixed(decimals);
  return x.toExponential(nSig - 1).replace(/e([+-])(\d)$/, 'e$10$2');
}

/**
 * Orders strings by Unicode code point (R's order under `LC_COLLATE=C`). Plain `<` compares
 * UTF-16 code units, which puts U+10000 and above before U+E000–U+FFFF; shifting the code units
 * fixes that.
 */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return codePointRank(ca) - codePointRank(cb);
  }
  return a.length - b.length;
}

function codePointRank(codeUnit: number): number {
  if (codeUnit >= 0xd800 && codeUnit <= 0xdfff) return codeUnit + 0x2000;
  if (codeUnit >= 0xe000) return codeUnit - 0x800;
  return codeUnit;
}

/**
 * values[rows[0]], values[rows[1]], ... (a loop: `Float64Array.from(rows, fn)` is about ten times
 * slower in V8, which showed on large files).
 */
function pick(values: Float64Array, rows: Uint32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) out[r] = values[rows[r]!]!;
  return out;
}

function allRows(n: number): Uint32Array {
  return Uint32Array.from({ length: n }, (_, i) => i);
}
