// Every bad argument throws a SoftlogitError with a code (issue #12): for every function, class
// method and getter that src/index.ts exports, random junk arguments — null, undefined, numbers
// (NaN, ±Infinity, 1e9, …), strings, arrays and objects of junk, objects with the keys the
// function reads set to junk, functions, symbols, typed arrays — mixed with valid arguments (so
// the later arguments get checked too) either succeed or throw a SoftlogitError whose code is one
// of SoftlogitErrorCode; never a TypeError, RangeError or DOMException. A new export that this
// table does not list fails the completeness test.
//
// softlogit/worker's FitWorker is not in the table: on this branch its fits reject with a
// DOMException (DataCloneError) for a symbol or function in X or y, a TypeError for options null,
// and onIteration: 5 makes the reply handler throw an unhandled TypeError (src/worker/index.ts,
// the `pack` branch), which would fail the whole run rather than one test.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as api from '../src/index.js';
import { LOGISTIC_OPTION_KEYS } from '../src/models/logistic.js';
import { SOFTMAX_OPTION_KEYS } from '../src/models/softmax.js';
import {
  fitLogistic, fitSoftmax, init, LogisticFit, Matrix, parseCSV, designMatrix, SoftlogitError, SoftmaxFit,
  shutdownThreads,
} from '../src/index.js';

/** Runs per function: enough to reach every argument position with several kinds of junk. */
const RUNS = 150;
/** Fewer runs for the asynchronous fits (each may read a source several times). */
const ASYNC_RUNS = 40;

const CODES = new Set<string>([
  'NOT_INITIALIZED', 'EMPTY_INPUT', 'RAGGED_ROWS', 'LENGTH_MISMATCH', 'NON_FINITE', 'BAD_RESPONSE', 'BAD_WEIGHTS',
  'BAD_COUNTS', 'ONE_CLASS', 'EMPTY_CLASS', 'UNKNOWN_LABEL', 'BAD_REFERENCE', 'TOO_FEW_ROWS', 'COLLINEAR', 'BAD_OPTION',
  'BAD_SHAPE', 'BAD_MODEL', 'NOT_POSITIVE_DEFINITE', 'TOO_LARGE', 'BAD_CSV', 'UNKNOWN_COLUMN', 'TERMINATED', 'SOURCE_CHANGED',
  'BAD_STATISTICS', 'NOT_NESTED', 'UNREADABLE',
] satisfies api.SoftlogitErrorCode[]);

// Valid arguments, so that junk in a later position is reached past the checks of earlier ones.
const X = [[-1.2, 0.5], [0.3, -0.1], [0.8, 1.1], [-0.4, 0.2], [1.9, -0.7], [0.1, 0.9], [-2.2, 0.4], [0.6, -1.3]];
const XFlat = Float64Array.from(X.flat());
const y = [0, 0, 1, 1, 1, 0, 0, 1];
const labels = ['a', 'b', 'c', 'a', 'c', 'b', 'a', 'c'];
const W = [[1, 2, 4], [0, -1, 3]];
const csv = 'y,x,g\n0,1,a\n1,2,b\n1,3,a\n0,4,b\n';

let logisticFit: LogisticFit;
let smallLogisticFit: LogisticFit;
let softmaxFit: SoftmaxFit;
let binarySoftmax: SoftmaxFit;
let frame: api.DataFrame;
let design: api.Design;

beforeAll(async () => {
  // Fits that junk options leave without onWarning warn on the console (non-convergence): quiet.
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  await init();
  logisticFit = fitLogistic(X, y);
  smallLogisticFit = fitLogistic(X.map((r) => [r[0]!]), y);
  softmaxFit = fitSoftmax(X, labels);
  binarySoftmax = fitSoftmax(X, y);
  frame = parseCSV(csv);
  design = designMatrix(frame, { response: 'y' });
});

afterAll(async () => {
  vi.restoreAllMocks();
  // A junk count may have started the thread pool.
  await shutdownThreads();
});

/** Keys the functions read, so objects of junk hit the checks behind them. */
const KEYS = [
  'data', 'nRows', 'nFeatures', 'counts', 'successes', 'failures', 'type', 'offset', 'weights', 'names', 'classes',
  'reference', 'form', 'positive', 'negative', 'parameterization', 'model', 'format', 'version', 'intercept', 'X', 'y',
  'columns', 'kind', 'values', 'name', 'predictors', 'factors', 'levels', 'response', 'level', 'gradient', 'hessian',
  'nParams', 'nClasses', 'coefficients', 'covariance', 'baseline', 'rows', 'cols', 'length', 'onWarning', 'onIteration',
  'maxIter', 'tol', 'l2', 'threads', 'singular', 'firth', 'numeric', 'nObs', 'logLik', 'separation', 'aliased',
  'warnings', 'toString', 'valueOf', '__proto__', 'constructor',
];

const number = fc.constantFrom(0, -0, 1, -1, 2, 0.5, 3, 1e9, -1e9, 1.7e308, -1.7e308, Number.NaN, Infinity, -Infinity, 2 ** 53, 5e-324);
const scalar = fc.oneof(
  fc.constantFrom(null, undefined, true, false, '', '0', '1', 'a', 'link', 'class', 'prob', 'symmetric', 'reference',
    'logistic', 'softmax', 'hessian', 'softlogit-model', 'y', 'x', 'g', '{"model":"softmax"}', '__proto__'),
  number,
  fc.string({ maxLength: 6 }),
  fc.constant(Symbol('junk')),
  fc.constant(10n),
);
const { junk } = fc.letrec<{ junk: unknown }>((tie) => ({
  junk: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('junk'), { maxLength: 4 }),
    fc.array(fc.array(number, { maxLength: 3 }), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('junk'), { maxKeys: 4 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('junk'), { maxKeys: 2 }),
    fc.array(number, { maxLength: 4 }).map((a) => Float64Array.from(a)),
    fc.array(number, { maxLength: 4 }).map((a) => Int32Array.from(a.map((v) => (Number.isFinite(v) ? v : 0)))),
    tie('junk').map((v) => () => v),
    fc.constant(new Matrix(2, 3, Float64Array.of(1, Number.NaN, 3, 4, 5, Infinity))),
  ),
}));

/** An argument list: each position either its valid value or junk; sometimes too few or too many. */
function argumentsFor(valid: () => unknown[]): fc.Arbitrary<unknown[]> {
  const n = valid().length;
  return fc.tuple(
    fc.array(fc.oneof(fc.constant(VALID), junk), { minLength: n, maxLength: n }),
    fc.integer({ min: -1, max: 1 }),
    junk,
  ).map(([args, extra, more]) => {
    const values = valid();
    const filled = args.map((a, i) => (a === VALID ? values[i] : a));
    return extra < 0 ? filled.slice(0, Math.max(0, n - 1)) : extra > 0 ? [...filled, more] : filled;
  }).filter((args) => args.some((a, i) => a !== valid()[i] || i >= n) || args.length !== n);
}
const VALID = Symbol('valid');

/** What went wrong, or null: a thrown value that is not a SoftlogitError with a known code. */
function badThrow(error: unknown): string | null {
  if (error instanceof SoftlogitError && CODES.has(error.code)) return null;
  return `${(error as Error)?.constructor?.name ?? typeof error}: ${(error as Error)?.message ?? String(error)}`;
}

interface Entry {
  /** The export (or Class.method) this entry calls. */
  name: string;
  valid: () => unknown[];
  call: (...args: unknown[]) => unknown;
  async?: boolean;
  /** Argument position → the fields of the object there that the systematic test sets to each junk value. */
  fields?: Record<number, readonly string[]>;
}

/**
 * One value of each kind of junk, for the systematic test: each argument, and each field of each
 * object argument, is set to every one of these in turn (the rest valid).
 */
/** A design source as csvDesignSource returns one (its batches are never read by the junk test). */
function designSource(): unknown {
  return { names: ['x'], nFeatures: 1, classes: [0, 1], nRows: 2, droppedRows: 0, predictors: ['x'], factors: [], intercept: true, batches: () => [] };
}

/** Two Arrow-shaped record batches (duck-typed: the adapter does not import apache-arrow). */
const arrowBatches = [0, 1].map((y) => {
  const vector = (value: number) => ({ length: 1, nullCount: 0, type: { typeId: 3 }, get: () => value, isValid: () => true, toArray: () => Float64Array.of(value) });
  return { numRows: 1, schema: { fields: [{ name: 'y' }, { name: 'x' }] }, getChildAt: (j: number) => vector(j === 0 ? y : y + 0.5) };
});

const NASTY: readonly unknown[] = [
  null, undefined, Number.NaN, Infinity, -Infinity, 1e9, -1, 0, 1.5, 1.7e308, '', '0', 'ab', Symbol('junk'), 10n, true,
  {}, [], [null], [[null]], ['a'], [[1, '2']], () => 5, Float64Array.of(Number.NaN), new Int32Array(3), new BigInt64Array(2), { length: 2 },
  { data: null, nRows: 1, nFeatures: 1 }, { counts: null }, { successes: null, failures: [] }, { type: 'link' },
];

const fn = (f: unknown) => f as (...args: unknown[]) => unknown;

/** The fields of the two model JSON forms. */
const MODEL_KEYS = {
  logistic: ['format', 'version', 'model', 'names', 'intercept', 'coefficients', 'covariance', 'logLik', 'nObs', 'separation', 'aliased', 'warnings', 'firth'],
  softmax: ['format', 'model', 'names', 'intercept', 'classes', 'reference', 'parameterization', 'baseline', 'covariance', 'separation', 'aliased', 'warnings'],
};

/** A valid state for `new LogisticFit` / `new SoftmaxFit`, from a fit's JSON form. */
function logisticState(): Record<string, unknown> {
  const json = logisticFit.toJSON();
  return { ...json, coefficients: Float64Array.from(json.coefficients), covariance: Float64Array.from(json.covariance) };
}
function softmaxState(): Record<string, unknown> {
  const json = softmaxFit.toJSON();
  return {
    ...json, referenceIndex: json.classes.indexOf(json.reference), baseline: Float64Array.from(json.baseline),
    covariance: Float64Array.from(json.covariance),
  };
}
const STATE_KEYS = {
  logistic: ['names', 'intercept', 'coefficients', 'covariance', 'logLik', 'dfNull', 'converged', 'warnings', 'aliased', 'separation'],
  softmax: ['names', 'classes', 'referenceIndex', 'parameterization', 'baseline', 'covariance', 'aic', 'warnings', 'aliased'],
};

const ENTRIES: Entry[] = [
  { name: 'init', valid: () => [], call: fn(api.init), async: true },
  { name: 'isInitialized', valid: () => [], call: fn(api.isInitialized) },
  { name: 'fitLogistic', fields: { 2: LOGISTIC_OPTION_KEYS }, valid: () => [X, y, {}], call: fn(api.fitLogistic) },
  { name: 'fitSoftmax', fields: { 2: SOFTMAX_OPTION_KEYS }, valid: () => [X, labels, {}], call: fn(api.fitSoftmax) },
  { name: 'loadModel', fields: { 0: MODEL_KEYS.logistic }, valid: () => [logisticFit.toJSON()], call: fn(api.loadModel) },
  { name: 'LogisticFit.fromJSON', fields: { 0: MODEL_KEYS.logistic }, valid: () => [logisticFit.toJSON()], call: (...a) => fn(LogisticFit.fromJSON)(...a) },
  { name: 'SoftmaxFit.fromJSON', fields: { 0: MODEL_KEYS.softmax }, valid: () => [softmaxFit.toJSON()], call: (...a) => fn(SoftmaxFit.fromJSON)(...a) },
  { name: 'LogisticFit#predict', fields: { 1: ['type', 'offset', 'se', 'level'] }, valid: () => [X, { type: 'link' }], call: (...a) => fn(logisticFit.predict.bind(logisticFit))(...a) },
  { name: 'LogisticFit#residuals', fields: { 2: ['type', 'weights', 'offset'] }, valid: () => [X, y, { type: 'pearson' }], call: (...a) => fn(logisticFit.residuals.bind(logisticFit))(...a) },
  { name: 'LogisticFit#hatValues', fields: { 2: ['weights', 'offset'] }, valid: () => [X, y, {}], call: (...a) => fn(logisticFit.hatValues.bind(logisticFit))(...a) },
  { name: 'LogisticFit#cooksDistance', fields: { 2: ['weights', 'offset'] }, valid: () => [X, y, {}], call: (...a) => fn(logisticFit.cooksDistance.bind(logisticFit))(...a) },
  { name: 'LogisticFit#pearsonChiSquare', fields: { 2: ['weights', 'offset'] }, valid: () => [X, y, {}], call: (...a) => fn(logisticFit.pearsonChiSquare.bind(logisticFit))(...a) },
  { name: 'LogisticFit#marginalEffects', fields: { 1: ['at', 'method', 'dummy', 'count', 'weights', 'offset'] }, valid: () => [X, { at: 'mean' }], call: (...a) => fn(logisticFit.marginalEffects.bind(logisticFit))(...a) },
  { name: 'LogisticFit#confint', valid: () => [0.9], call: (...a) => fn(logisticFit.confint.bind(logisticFit))(...a) },
  { name: 'LogisticFit#lrTest', valid: () => [], call: (...a) => fn(logisticFit.lrTest.bind(logisticFit))(...a) },
  { name: 'LogisticFit#waldTest', valid: () => [[[0, 1, -1]], [0.5]], call: (...a) => fn(logisticFit.waldTest.bind(logisticFit))(...a) },
  { name: 'LogisticFit#oddsRatios', valid: () => [0.9], call: (...a) => fn(logisticFit.oddsRatios.bind(logisticFit))(...a) },
  { name: 'lrTest', valid: () => [smallLogisticFit, logisticFit], call: fn(api.lrTest) },
  { name: 'profileConfint', fields: { 3: ['level', 'weights', 'offset'] }, valid: () => [logisticFit, X, y, { level: 0.9 }], call: fn(api.profileConfint) },
  { name: 'anova', valid: () => [smallLogisticFit, logisticFit], call: fn(api.anova) },
  { name: 'chiSquareCdf', valid: () => [3.84, 1, false], call: fn(api.chiSquareCdf) },
  { name: 'chiSquareQuantile', valid: () => [0.05, 2, false], call: fn(api.chiSquareQuantile) },
  { name: 'LogisticFit#summary', valid: () => [], call: (...a) => fn(logisticFit.summary.bind(logisticFit))(...a) },
  { name: 'LogisticFit#toJSON', valid: () => [], call: (...a) => fn(logisticFit.toJSON.bind(logisticFit))(...a) },
  { name: 'SoftmaxFit#lrTest', valid: () => [], call: (...a) => fn(softmaxFit.lrTest.bind(softmaxFit))(...a) },
  { name: 'SoftmaxFit#waldTest', valid: () => [['x1']], call: (...a) => fn(softmaxFit.waldTest.bind(softmaxFit))(...a) },
  { name: 'SoftmaxFit#confint', valid: () => [0.9], call: (...a) => fn(softmaxFit.confint.bind(softmaxFit))(...a) },
  { name: 'SoftmaxFit#relativeRiskRatios', valid: () => [0.9], call: (...a) => fn(softmaxFit.relativeRiskRatios.bind(softmaxFit))(...a) },
  { name: 'SoftmaxFit#predict', fields: { 1: ['type', 'se', 'level', 'offset'] }, valid: () => [X, { type: 'class' }], call: (...a) => fn(softmaxFit.predict.bind(softmaxFit))(...a) },
  { name: 'SoftmaxFit#marginalEffects', fields: { 1: ['at', 'method', 'dummy', 'count', 'weights', 'offset', 'level'] }, valid: () => [X, { at: 'mean' }], call: (...a) => fn(softmaxFit.marginalEffects.bind(softmaxFit))(...a) },
  { name: 'SoftmaxFit#residuals', fields: { 2: ['type', 'weights', 'offset'] }, valid: () => [X, labels, { type: 'pearson' }], call: (...a) => fn(softmaxFit.residuals.bind(softmaxFit))(...a) },
  { name: 'SoftmaxFit#hatValues', fields: { 2: ['weights', 'offset'] }, valid: () => [X, labels, {}], call: (...a) => fn(softmaxFit.hatValues.bind(softmaxFit))(...a) },
  { name: 'SoftmaxFit#cooksDistance', fields: { 2: ['weights', 'offset'] }, valid: () => [X, labels, {}], call: (...a) => fn(softmaxFit.cooksDistance.bind(softmaxFit))(...a) },
  { name: 'SoftmaxFit#pearsonChiSquare', fields: { 2: ['weights', 'offset'] }, valid: () => [X, labels, {}], call: (...a) => fn(softmaxFit.pearsonChiSquare.bind(softmaxFit))(...a) },
  { name: 'SoftmaxFit#covarianceOf', valid: () => ['symmetric'], call: (...a) => fn(softmaxFit.covarianceOf.bind(softmaxFit))(...a) },
  { name: 'SoftmaxFit#withParameterization', valid: () => ['symmetric'], call: (...a) => fn(softmaxFit.withParameterization.bind(softmaxFit))(...a) },
  { name: 'SoftmaxFit#toLogistic', valid: () => [], call: (...a) => fn(binarySoftmax.toLogistic.bind(binarySoftmax))(...a) },
  { name: 'SoftmaxFit#summary', valid: () => [], call: (...a) => fn(softmaxFit.summary.bind(softmaxFit))(...a) },
  { name: 'SoftmaxFit#toJSON', valid: () => [], call: (...a) => fn(softmaxFit.toJSON.bind(softmaxFit))(...a) },
  { name: 'LogisticFit', fields: { 0: STATE_KEYS.logistic }, valid: () => [logisticState()], call: (...a) => new (LogisticFit as unknown as new (...b: unknown[]) => LogisticFit)(...a) },
  { name: 'SoftmaxFit', fields: { 0: STATE_KEYS.softmax }, valid: () => [softmaxState()], call: (...a) => new (SoftmaxFit as unknown as new (...b: unknown[]) => SoftmaxFit)(...a) },
  { name: 'Matrix', valid: () => [2, 2, Float64Array.of(1, 2, 3, 4)], call: (...a) => new (Matrix as unknown as new (...b: unknown[]) => Matrix)(...a) },
  { name: 'Matrix.fromArray', valid: () => [W], call: (...a) => fn(Matrix.fromArray)(...a) },
  { name: 'Matrix.from', valid: () => [W], call: (...a) => fn(Matrix.from)(...a) },
  { name: 'Matrix#get', valid: () => [1, 2], call: (...a) => fn((m: Matrix, ...b: unknown[]) => fn(m.get.bind(m))(...b))(Matrix.fromArray(W), ...a) },
  { name: 'Matrix#row', valid: () => [1], call: (...a) => { const m = Matrix.fromArray(W); return fn(m.row.bind(m))(...a); } },
  { name: 'Matrix#col', valid: () => [2], call: (...a) => { const m = Matrix.fromArray(W); return fn(m.col.bind(m))(...a); } },
  { name: 'Matrix#transpose', valid: () => [], call: (...a) => { const m = Matrix.fromArray(W); return fn(m.transpose.bind(m))(...a); } },
  { name: 'Matrix#toArray', valid: () => [], call: (...a) => { const m = Matrix.fromArray(W); return fn(m.toArray.bind(m))(...a); } },
  { name: 'Matrix#toJSON', valid: () => [], call: (...a) => { const m = Matrix.fromArray(W); return fn(m.toJSON.bind(m))(...a); } },
  { name: 'softmaxToLogistic', fields: { 1: ['positive', 'negative'] }, valid: () => [W, { positive: 2 }], call: fn(api.softmaxToLogistic) },
  { name: 'logisticToSoftmax', fields: { 1: ['parameterization'] }, valid: () => [[1, -2], { parameterization: 'symmetric' }], call: fn(api.logisticToSoftmax) },
  { name: 'toReference', valid: () => [W, 1], call: fn(api.toReference) },
  { name: 'toSymmetric', valid: () => [W], call: fn(api.toSymmetric) },
  { name: 'fromBaseline', valid: () => [W, 1], call: fn(api.fromBaseline) },
  { name: 'toBaseline', valid: () => [W, 1], call: fn(api.toBaseline) },
  { name: 'classMixingMatrix', fields: { 1: ['form', 'reference', 'positive', 'negative'], 2: ['form', 'reference', 'positive', 'negative'] }, valid: () => [3, { form: 'baseline', reference: 0 }, { form: 'symmetric' }], call: fn(api.classMixingMatrix) },
  { name: 'mixClasses', valid: () => [W, [[1, 0, -1], [0, 1, -1]]], call: fn(api.mixClasses) },
  { name: 'convertCovariance', valid: () => [[[4, 1], [1, 3]], [[1], [-1]]], call: fn(api.convertCovariance) },
  { name: 'coefficientStandardErrors', valid: () => [[[4, 1], [1, 9]], 2, 1], call: fn(api.coefficientStandardErrors) },
  { name: 'parseCSV', fields: { 1: ['numeric', 'factors'] }, valid: () => [csv, { factors: ['x'] }], call: fn(api.parseCSV) },
  { name: 'readCSV', async: true, fields: { 1: ['numeric', 'factors', 'columns'] }, valid: () => [[csv], { factors: ['x'] }], call: fn(api.readCSV) },
  { name: 'readCSVHeader', async: true, valid: () => [[csv]], call: fn(api.readCSVHeader) },
  // A path (there is no file system in the browser project; in Node the file does not exist).
  { name: 'csvDesignSource', async: true, fields: { 1: ['response', 'predictors', 'factors', 'weights', 'intercept', 'levels', 'batchRows'] }, valid: () => ['no-such-dir/data.csv', { response: 'y', batchRows: 2 }], call: fn(api.csvDesignSource) },
  { name: 'frameDesignSource', async: true, fields: { 0: ['names', 'columns', 'nRows'], 1: ['response', 'predictors', 'factors', 'weights', 'intercept', 'levels', 'batchRows'] }, valid: () => [frame, { response: 'y', factors: ['x'], batchRows: 2 }], call: fn(api.frameDesignSource) },
  { name: 'arrowDesignSource', async: true, fields: { 1: ['response', 'predictors', 'factors', 'weights', 'intercept', 'levels'] }, valid: () => [arrowBatches, { response: 'y' }], call: fn(api.arrowDesignSource) },
  // Bytes that are not Parquet (the junk test needs no file; test/data.parquet.node.test.ts reads real ones).
  { name: 'readParquet', async: true, fields: { 1: ['columns'] }, valid: () => [new Uint8Array(16), { columns: ['y'] }], call: fn(api.readParquet) },
  { name: 'parquetDesignSource', async: true, fields: { 1: ['response', 'predictors', 'factors', 'weights', 'intercept', 'levels'] }, valid: () => [new Uint8Array(16), { response: 'y' }], call: fn(api.parquetDesignSource) },
  { name: 'logisticBatches', valid: () => [designSource(), 1], call: fn(api.logisticBatches) },
  { name: 'softmaxBatches', valid: () => [designSource()], call: fn(api.softmaxBatches) },
  { name: 'designMatrix', fields: { 0: ['names', 'columns', 'nRows'], 1: ['response', 'predictors', 'factors', 'weights', 'counts', 'intercept', 'levels'] }, valid: () => [frame, { response: 'y', factors: ['x'] }], call: fn(api.designMatrix) },
  { name: 'levelsOf', fields: { 0: ['name', 'kind', 'values'] }, valid: () => [frame.columns[2], [0, 1]], call: fn(api.levelsOf) },
  { name: 'newDataMatrix', fields: { 0: ['names', 'columns', 'nRows'], 1: ['predictors', 'factors', 'intercept'] }, valid: () => [frame, design], call: fn(api.newDataMatrix) },
  { name: 'detectSeparationBinary', valid: () => [XFlat, 8, 2, y, undefined], call: fn(api.detectSeparationBinary) },
  { name: 'detectSeparationMultinomial', valid: () => [XFlat, 8, 2, Int32Array.of(0, 1, 2, 0, 2, 1, 0, 2), 3, 0, undefined], call: fn(api.detectSeparationMultinomial) },
  { name: 'detectSeparationMultinomialCounts', valid: () => [XFlat, 8, 2, y.flatMap((v) => [1 - v, v]), 2, 0, undefined], call: fn(api.detectSeparationMultinomialCounts) },
  // Owned by the `streams` branch (src/shard, src/stream) and the `pack` branch (src/threads).
  { name: 'accumulate', valid: () => [{ model: 'logistic', X, y }, new Float64Array(3), 'hessian'], call: fn(api.accumulate) },
  { name: 'combine', valid: () => [api.accumulate({ model: 'logistic', X, y }, new Float64Array(3)), api.accumulate({ model: 'logistic', X, y }, new Float64Array(3))], call: fn(api.combine) },
  { name: 'combineAll', valid: () => [[api.accumulate({ model: 'logistic', X, y }, new Float64Array(3))]], call: fn(api.combineAll) },
  { name: 'accumulateScores', valid: () => [{ model: 'logistic', X, y, cluster: y.map((_, i) => i % 3) }, new Float64Array(3)], call: fn(api.accumulateScores) },
  { name: 'combineScores', valid: () => [api.accumulateScores({ model: 'logistic', X, y }, new Float64Array(3)), api.accumulateScores({ model: 'logistic', X, y }, new Float64Array(3))], call: fn(api.combineScores) },
  { name: 'newtonStep', valid: () => [api.accumulate({ model: 'logistic', X, y }, new Float64Array(3)), new Float64Array(3), {}], call: fn(api.newtonStep) },
  {
    name: 'fitLogisticFromStatistics', async: true,
    valid: () => [(b: Float64Array, level: api.EvaluationLevel) => api.accumulate({ model: 'logistic', X, y }, b, level), { nFeatures: 2 }],
    call: fn(api.fitLogisticFromStatistics),
  },
  {
    name: 'fitSoftmaxFromStatistics', async: true,
    valid: () => [(b: Float64Array, level: api.EvaluationLevel) => api.accumulate({ model: 'softmax', X, y: labels, classes: ['a', 'b', 'c'] }, b, level), { nFeatures: 2, classes: ['a', 'b', 'c'] }],
    call: fn(api.fitSoftmaxFromStatistics),
  },
  { name: 'fitLogisticStream', async: true, valid: () => [() => [{ X, y }], {}], call: fn(api.fitLogisticStream) },
  { name: 'fitSoftmaxStream', async: true, valid: () => [() => [{ X, y: labels }], {}], call: fn(api.fitSoftmaxStream) },
  { name: 'initThreads', async: true, valid: () => [1, {}], call: fn(api.initThreads) },
  { name: 'shutdownThreads', async: true, valid: () => [], call: fn(api.shutdownThreads) },
  { name: 'threadCount', valid: () => [], call: fn(api.threadCount) },
];

/** Getters with no arguments: reading them on a fitted model must not throw. */
const GETTERS: [string, () => unknown][] = [
  ...(['coefficients', 'covariance', 'standardErrors', 'zValues', 'pValues', 'pseudoR2'] as const).map(
    (g): [string, () => unknown] => [`LogisticFit#${g}`, () => logisticFit[g]],
  ),
  ...(['baseline', 'coefficients', 'covariance', 'standardErrors', 'zValues', 'pValues', 'pseudoR2'] as const).map(
    (g): [string, () => unknown] => [`SoftmaxFit#${g}`, () => softmaxFit[g]],
  ),
];

/** Exports that are not called with junk, and why. */
const NOT_CALLED: Record<string, string> = {
  SoftlogitError: 'the error type itself: its constructor takes any code and message',
};


/** Every call of the systematic test: one argument, or one field of an object argument, set to each NASTY value. */
function systematicCalls(entry: Entry): unknown[][] {
  const calls: unknown[][] = [];
  const n = entry.valid().length;
  for (let i = 0; i < n; i++) {
    for (const value of NASTY) {
      const args = entry.valid();
      args[i] = value;
      calls.push(args);
    }
    for (const field of entry.fields?.[i] ?? []) {
      for (const value of NASTY) {
        const args = entry.valid();
        const base = args[i];
        args[i] = { ...(base !== null && typeof base === 'object' ? base : {}), [field]: value };
        calls.push(args);
      }
    }
  }
  return calls;
}

/** The systematic calls of `entry` that throw something other than a SoftlogitError with a code. */
async function systematicFailures(entry: Entry): Promise<string[]> {
  const failures: string[] = [];
  for (const args of systematicCalls(entry)) {
    try {
      await entry.call(...args);
    } catch (error) {
      const bad = badThrow(error);
      if (bad) failures.push(`${entry.name}(${args.map(show).join(', ')}) threw ${bad}`);
    }
  }
  return failures;
}

function show(a: unknown): string {
  return typeof a === 'symbol' ? 'Symbol()' : typeof a === 'bigint' ? `${a}n` : typeof a === 'function' ? 'function' : safeJSON(a);
}

/** The first junk argument list for which `entry` throws something other than a SoftlogitError, or null. */
async function firstBadCall(entry: Entry): Promise<string | null> {
  const result = entry.async
    ? await fc.check(
      fc.asyncProperty(argumentsFor(entry.valid), async (args) => {
        try {
          await entry.call(...args);
        } catch (error) {
          const bad = badThrow(error);
          if (bad) throw new Error(bad);
        }
      }),
      { numRuns: ASYNC_RUNS, seed: 12 },
    )
    : fc.check(
      fc.property(argumentsFor(entry.valid), (args) => {
        try {
          entry.call(...args);
        } catch (error) {
          const bad = badThrow(error);
          if (bad) throw new Error(bad);
        }
      }),
      { numRuns: RUNS, seed: 12 },
    );
  if (!result.failed) return null;
  const args = result.counterexample?.[0] as unknown[] | undefined;
  const shown = args?.map(show);
  return `${entry.name}(${shown?.join(', ')}) threw ${(result.errorInstance as Error)?.message}`;
}

function safeJSON(value: unknown): string {
  try {
    return JSON.stringify(value, (_, v) => (typeof v === 'bigint' || typeof v === 'symbol' ? String(v) : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? 'undefined';
  } catch {
    return String(value);
  }
}

describe('every bad argument throws a SoftlogitError with a code', () => {
  it('the table covers every export of src/index.ts', () => {
    const covered = new Set([...ENTRIES.map((e) => e.name.split(/[.#]/)[0]!), ...Object.keys(NOT_CALLED)]);
    const exported = Object.keys(api).filter((key) => typeof (api as Record<string, unknown>)[key] === 'function');
    expect(exported.filter((key) => !covered.has(key))).toEqual([]);
  });

  it('the getters of fitted models do not throw', () => {
    for (const [, read] of GETTERS) expect(read).not.toThrow();
  });

  for (const entry of ENTRIES) {
    it(`${entry.name}: each argument and each field set to each kind of junk`, async () => {
      expect(await systematicFailures(entry)).toEqual([]);
    });
    it(`${entry.name}: random junk mixed with valid arguments (property)`, async () => {
      expect(await firstBadCall(entry)).toBeNull();
    });
  }
});
