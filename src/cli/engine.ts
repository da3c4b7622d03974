// `softlogit fit FILE --engine duckdb`: the passes over the rows run inside DuckDB, which reads the
// CSV or Parquet file itself (read_csv / read_parquet); the fit is fitLogisticSQL or
// fitSoftmaxSQL, and the command prints what the in-memory fit prints.
import { levelsOf } from '../data/design.js';
import type { ClassLabel, CovarianceType, FactorCoding, FitProgress, LogisticFit, SoftmaxFit } from '../index.js';
import { sortedLabels } from '../input/softmaxResponse.js';
import { toEngine, type Engine } from '../sql/client.js';
import { fitLogisticSQL, fitSoftmaxSQL } from '../sql/fit.js';
import { DIALECTS, literal, quoteIdentifier } from '../sql/text.js';
import { UsageError } from './args.js';
import { labelText, matchClass } from './classes.js';
import { isParquet } from './files.js';

/** The optional peer dependency, loaded only for --engine duckdb. */
const DUCKDB_PACKAGE = '@duckdb/node-api';

/** The engines --engine accepts. */
export const ENGINES = ['duckdb'] as const;

/** What the engine fit needs from the command line (checked by fit.ts). */
export interface EngineRequest {
  path: string;
  response: string;
  predictors?: string[];
  factors?: string[];
  weights?: string;
  offset?: string;
  intercept: boolean;
  family?: 'binomial' | 'multinomial';
  reference?: string;
  parameterization?: 'reference' | 'symmetric';
  l2?: number;
  maxIter?: number;
  covariance?: CovarianceType;
  /** Column of cluster labels (with covariance HC0 / HC1); rows where it is NULL are left out. */
  cluster?: string;
}

/** The fit with what the summary header and the model file's design block say about the data. */
export interface EngineFit {
  fit: LogisticFit | SoftmaxFit;
  family: 'binomial' | 'multinomial';
  classes: ClassLabel[];
  modelClasses: ClassLabel[];
  referenceIndex: number;
  design: { predictors: string[]; factors: FactorCoding[]; intercept: boolean; nRows: number; droppedRows: number };
}

const duck = DIALECTS.duckdb;
const id = (name: string, what: string) => quoteIdentifier(name, what, 'softlogit fit', duck);

/**
 * The file as a DuckDB query: `(SELECT * FROM read_parquet('…'))` or read_csv, the path a
 * string literal with embedded quotes doubled (the same quoting as every literal in src/sql).
 */
export function fileQuery(path: string): string {
  return `(SELECT * FROM ${fileReader(path)})`;
}

/**
 * The table function that reads the file. CSV as the in-memory fit reads it (R's read.csv): a
 * column is numbers or text (DuckDB would otherwise make yes/no a BOOLEAN and dates DATEs), and
 * `NA` or an empty cell is missing (DuckDB would read `NA` as text and the column as VARCHAR).
 */
function fileReader(path: string): string {
  const file = literal(path, 'softlogit fit', duck);
  if (isParquet(path)) return `read_parquet(${file})`;
  return `read_csv(${file}, auto_type_candidates = ['BIGINT', 'DOUBLE', 'VARCHAR'], nullstr = ['NA', ''])`;
}

/** Opens an in-memory DuckDB, or says in one line how to install it (exit 2). */
async function openDuckDB(): Promise<{ engine: Engine; connection: unknown; close(): void }> {
  let duckdb: typeof import('@duckdb/node-api');
  try {
    duckdb = (await import(/* @vite-ignore */ DUCKDB_PACKAGE)) as typeof import('@duckdb/node-api');
  } catch {
    throw new UsageError(`--engine duckdb needs the package ${DUCKDB_PACKAGE}, which is not installed; install it with \`npm install ${DUCKDB_PACKAGE}\``);
  }
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const engine = await toEngine(connection, undefined, 'softlogit fit');
  return {
    engine,
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Fits the file inside DuckDB. Reads the column names and types (DESCRIBE), the classes and the
 * factor levels among the complete rows, then leaves the passes to fitLogisticSQL / fitSoftmaxSQL.
 * Text and boolean predictors are factors, as in the in-memory fit.
 */
export async function fitWithEngine(request: EngineRequest, progress: { onIteration: (p: FitProgress) => void; onWarning: (m: string) => void }): Promise<EngineFit> {
  const db = await openDuckDB();
  try {
    const from = fileQuery(request.path);
    const described = await db.engine.query(`DESCRIBE SELECT * FROM ${from} AS "softlogit_rows"`);
    const types = new Map(described.map((row) => [String(row.column_name), String(row.column_type)]));
    const names = [...types.keys()];
    const roles: [string, string[]][] = [
      ['--response', [request.response]],
      ['--predictors', request.predictors ?? []],
      ['--factor', request.factors ?? []],
      ['--weights', request.weights !== undefined ? [request.weights] : []],
      ['--offset', request.offset !== undefined ? [request.offset] : []],
      ['--cluster', request.cluster !== undefined ? [request.cluster] : []],
    ];
    for (const [option, columns] of roles) {
      for (const name of columns) {
        if (!types.has(name)) throw new UsageError(`${option} names column "${name}", which is not in ${request.path}; its columns are: ${names.join(', ')}`);
      }
    }
    // The cluster column is a default predictor only when --factor names it (as in the in-memory fit).
    const clusterIsFactor = request.cluster !== undefined && (request.factors ?? []).includes(request.cluster);
    const others = new Set([request.response, request.weights, request.offset, ...(clusterIsFactor ? [] : [request.cluster])]);
    const predictors = request.predictors ?? names.filter((n) => !others.has(n));
    const isText = (type: string) => type === 'VARCHAR' || type === 'BOOLEAN' || type.startsWith('ENUM');
    const factorNames = predictors.filter((n) => (request.factors ?? []).includes(n) || isText(types.get(n)!));
    const used = [
      request.response, ...predictors, ...(request.weights !== undefined ? [request.weights] : []), ...(request.offset !== undefined ? [request.offset] : []),
      ...(request.cluster !== undefined && !predictors.includes(request.cluster) ? [request.cluster] : []),
    ];
    const complete = used.map((n) => `${id(n, 'column')} IS NOT NULL`).join(' AND ');
    const rows = `${from} AS "softlogit_rows"`;

    const [counts] = await db.engine.query(`SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE ${complete}) AS used FROM ${rows}`);
    const nRows = Number(counts!.used);
    const droppedRows = Number(counts!.n) - nRows;
    const distinct = async (name: string) =>
      (await db.engine.query(`SELECT DISTINCT ${id(name, 'column')} AS v FROM ${rows} WHERE ${complete}`)).map((row) => row.v);

    const responseValues = await distinct(request.response);
    const classes = sortedLabels(responseValues.map((v) => (typeof v === 'number' || typeof v === 'string' ? v : String(v))));
    const family = request.family ?? (classes.length === 2 ? 'binomial' : 'multinomial');
    if (family === 'binomial' && classes.length !== 2) {
      throw new UsageError(`--family binomial needs a response with two classes, but ${request.response} has ${classes.length} (${classes.map(labelText).join(', ')}); use --family multinomial`);
    }
    if (family === 'multinomial' && request.offset !== undefined) {
      throw new UsageError(`--offset applies to binomial fits (two classes), but this fit is multinomial with ${classes.length} classes`);
    }
    const referenceIndex = request.reference !== undefined ? matchClass(classes, request.reference, '--reference') : 0;

    let firstFactor = true;
    const factors: FactorCoding[] = [];
    for (const name of factorNames) {
      const values = await distinct(name);
      const levels = values.every((v) => typeof v === 'number')
        ? levelsOf({ name, kind: 'numeric', values: Float64Array.from(values as number[]) })
        : levelsOf({ name, kind: 'string', values: values.map((v) => (typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v))) });
      factors.push({ name, levels, reference: !request.intercept && firstFactor ? null : levels[0]! });
      firstFactor = false;
    }

    const common = {
      predictors,
      factors: factorNames,
      intercept: request.intercept,
      ...(request.weights !== undefined ? { weights: request.weights } : {}),
      ...(request.l2 !== undefined ? { l2: request.l2 } : {}),
      ...(request.maxIter !== undefined ? { maxIter: request.maxIter } : {}),
      ...(request.covariance !== undefined ? { covariance: request.covariance } : {}),
      ...(request.cluster !== undefined ? { cluster: request.cluster } : {}),
      onIteration: progress.onIteration,
      onWarning: progress.onWarning,
    };
    const design = { predictors, factors, intercept: request.intercept, nRows, droppedRows };
    // Rows without a cluster label are left out, as the in-memory fit's design leaves them out
    // (the SQL fit skips NULLs of the model's columns itself, and refuses NULL labels).
    const labelled = request.cluster !== undefined ? ` WHERE ${id(request.cluster, '--cluster')} IS NOT NULL` : '';
    if (family === 'binomial') {
      const positive = classes[1 - referenceIndex]!;
      // The response as the SQL fit reads it: 1 for the modelled class, 0 for the reference, NULL kept.
      const response = id(request.response, '--response');
      const coded = `(SELECT * REPLACE (CASE WHEN ${response} IS NULL THEN NULL WHEN ${response} = ${literal(positive, 'softlogit fit', duck)} THEN 1 ELSE 0 END AS ${response}) FROM ${fileReader(request.path)}${labelled})`;
      const fit = await fitLogisticSQL(db.connection as never, {
        ...common,
        from: coded,
        response: request.response,
        ...(request.offset !== undefined ? { offset: request.offset } : {}),
      });
      return { fit, family, classes, modelClasses: [classes[referenceIndex]!, positive], referenceIndex, design };
    }
    const fit = await fitSoftmaxSQL(db.connection as never, {
      ...common,
      from: labelled === '' ? from : `(SELECT * FROM ${fileReader(request.path)}${labelled})`,
      response: request.response,
      reference: classes[referenceIndex]!,
      ...(request.parameterization ? { parameterization: request.parameterization } : {}),
    });
    return { fit, family, classes, modelClasses: classes, referenceIndex, design };
  } finally {
    db.close();
  }
}
