// `softlogit fit data.csv --response y ...`: a CSV file → design matrix → fitLogistic or
// fitSoftmax → an R-like summary or the model as JSON.
import { statSync } from 'node:fs';
import { freemem } from 'node:os';
import {
  csvDesignSource, designMatrix, fitLogistic, fitLogisticStream, fitSoftmax, fitSoftmaxStream, frameDesignSource, init, initThreads,
  logisticBatches, Matrix, parquetDesignSource, shutdownThreads, softmaxBatches,
  type ClassLabel, type CovarianceType, type CSVDesignSource, type DataFrame, type Design, type DesignOptions, type FitProgress, type LogisticFit, type SoftmaxFit,
} from '../index.js';
import { formatNumber } from '../format.js';
import {
  choiceOption, flag, integerOption, levelsOption, listOption, numberOption, parse, positionals, stringOption, UsageError,
  type OptionSpec, type ParsedArgs,
} from './args.js';
import { labelText, matchClass } from './classes.js';
import { ENGINES, fitWithEngine } from './engine.js';

/** The values --covariance takes (the fits' covariance option). */
const COVARIANCE_TYPES = ['model', 'HC0', 'HC1'] as const satisfies readonly CovarianceType[];
import { isParquet, readFrame, readHeaderOf, type FrameRoles } from './files.js';
import type { ModelDesign, ModelFile } from './model.js';
import type { Output } from './output.js';

export const FIT_HELP = `Usage: softlogit fit DATA.csv|DATA.parquet (--response COLUMN | --counts COL1,COL2,...) [options]

Fits a logistic (binomial) or multinomial (softmax) regression by exact Newton iterations and
prints an R-like summary, or the model as JSON for \`softlogit predict\` and \`softlogit convert\`.

Model:
  --response COLUMN         class labels (numbers or text), one per row
  --counts COL1,COL2,...    per-class counts instead. Two columns S,F with a binomial fit are
                            R's glm(cbind(S, F) ~ ...): the coefficients of P(S), F the reference.
                            Otherwise multinom(cbind(COL1, COL2, ...) ~ ...): the first column is
                            the reference. --reference names another.
  --predictors A,B,...      predictor columns (default: every other column)
  --factor A,B,...          treat numeric columns as categorical, like R's factor(A)
  --levels COLUMN=L1,L2,... level order of a factor or of the response, like R's
                            factor(COLUMN, levels = c(L1, L2, ...)); repeatable
  --family binomial|multinomial
                            default: binomial when the response has two classes
  --reference LEVEL         reference (baseline) class; default the first level (--counts: above)
  --parameterization reference|symmetric
                            how multinomial coefficients are reported (default reference)
  --weights COLUMN          case weights (R's weights =)
  --offset COLUMN           binomial: known log-odds added to the linear predictor, coefficient 1
                            (R's offset = COLUMN); predict adds the new data's COLUMN too
  --l2 LAMBDA               ridge penalty (LAMBDA/2)·‖coefficients‖², intercept not penalized
  --firth                   binomial: Firth's bias-reduced estimates (R's logistf, brglm2), finite
                            even when the data are separated; not with --l2
  --no-intercept            fit without an intercept (R's y ~ x - 1)
  --max-iter N              stop after N Newton iterations (default 50) with a warning if not
                            converged (R's glm.control(maxit = N))
  --threads N               run the passes over the data on N threads (same coefficients to
                            ~1e-12); for large files on a machine with N cores
  --stream                  read the file once per Newton pass instead of holding the design in
                            memory (memory: one batch of rows); chosen by itself, with a note,
                            when the file is too large for the free memory. Not with --counts,
                            --firth, --l2 or --threads
  --engine duckdb           run the passes inside DuckDB, which reads the CSV or Parquet file
                            itself (fitLogisticSQL / fitSoftmaxSQL; needs @duckdb/node-api).
                            Not with --counts, --levels, --firth, --threads or --stream

Standard errors:
  --covariance model|HC0|HC1
                            model (default): the inverse information, as R's vcov(glm); HC0 / HC1:
                            the robust sandwich of R's sandwich::vcovHC(fit, type); one more pass
                            over the data. Not with --firth or --l2
  --cluster COLUMN          cluster-robust sandwich over the labels in COLUMN (numbers or text),
                            R's vcovCL(fit, cluster = ~COLUMN, type); needs --covariance HC0 or
                            HC1. Rows missing the label are left out like other missing values;
                            COLUMN is a predictor only if --predictors, --factor or --levels
                            names it

Output:
  --json                    print the fitted model as JSON instead of the summary
  --trace                   print every Newton iteration on stderr
  --quiet, -q               no progress or notes on stderr
  --help, -h                this text

Text columns and --factor columns are dummy-coded as R does: levels sorted, the first is the
reference, indicator columns are named COLUMN + LEVEL (rank2, rank3, ...). Rows with a missing
value (empty or NA) in a used column are left out, like R's na.omit.

Example:
  softlogit fit data/binary.csv --response admit --factor rank
  softlogit fit data/housing.csv --response Sat --weights Freq --json > housing.json`;

export const FIT_OPTIONS: OptionSpec = {
  response: { type: 'string' },
  counts: { type: 'string', multiple: true },
  predictors: { type: 'string', multiple: true },
  factor: { type: 'string', multiple: true },
  levels: { type: 'string', multiple: true },
  family: { type: 'string' },
  reference: { type: 'string' },
  parameterization: { type: 'string' },
  weights: { type: 'string' },
  offset: { type: 'string' },
  l2: { type: 'string' },
  firth: { type: 'boolean' },
  threads: { type: 'string' },
  'max-iter': { type: 'string' },
  'no-intercept': { type: 'boolean' },
  stream: { type: 'boolean' },
  engine: { type: 'string' },
  covariance: { type: 'string' },
  cluster: { type: 'string' },
  json: { type: 'boolean' },
  trace: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
};

/** The largest --max-iter (the library's limit on maxIter). */
const MAX_ITERATIONS = 1e6;

/** The most threads a fit can use (initThreads' limit: 64 kernel workers and this thread). */
const MAX_THREADS = 65;

/** Fits after a second of work print their progress (unless --quiet); --trace prints it all. */
const PROGRESS_AFTER_MS = 1000;

/** What the command line asks for, checked. */
interface FitRequest {
  path: string;
  options: DesignOptions;
  family?: 'binomial' | 'multinomial';
  reference?: string;
  parameterization?: 'reference' | 'symmetric';
  l2?: number;
  firth: boolean;
  /** 1 unless --threads says more. */
  threads: number;
  maxIter?: number;
  /** --stream: read the file once per pass (fitLogisticStream / fitSoftmaxStream). */
  stream: boolean;
  /** --engine: the passes run inside this engine, which reads the file itself. */
  engine?: (typeof ENGINES)[number];
  /** --covariance (absent: the model covariance). The --cluster column is options.cluster. */
  covariance?: CovarianceType;
  json: boolean;
  trace: boolean;
  quiet: boolean;
}

/**
 * An in-memory fit holds the frame and the design, then the design and its copy in WebAssembly
 * memory: about 2.5 times the design, which is about the file's size for numbers written with
 * 6–8 digits. A file larger than this share of the free memory is streamed instead.
 */
const STREAM_ABOVE_FREE_MEMORY_SHARE = 1 / 4;

/**
 * Above this many bytes of numbers in the frame, the fit reads the frame in batches
 * (fitLogisticStream over frameDesignSource) instead of building the whole design and copying it
 * into WebAssembly memory: the peak is then the frame and one batch, not the frame, the design
 * and its copy (peak RSS 532 MB against 341 MB for 2e6 x 10 in bench/files.ts). Below it, the classic
 * path (its results are the same to ~1e-15; the sums are added in another order).
 */
const BATCH_FIT_ABOVE_BYTES = 64e6;

export async function fitCommand(argv: string[], io: Output): Promise<void> {
  const args = parse(argv, FIT_OPTIONS, 'fit');
  if (flag(args, 'help')) {
    io.out(FIT_HELP + '\n');
    return;
  }
  const request = readRequest(args);
  const { options } = request;
  if (request.engine !== undefined) return fitInEngine(request, io);
  const numeric = [
    ...(options.counts ?? []),
    ...(options.weights !== undefined ? [options.weights] : []),
    ...(options.offset !== undefined ? [options.offset] : []),
  ];
  const used = options.predictors && [
    ...(options.response !== undefined ? [options.response] : []), ...numeric, ...options.predictors,
    ...(options.cluster !== undefined && !options.predictors.includes(options.cluster) ? [options.cluster] : []),
  ];
  const streaming = request.stream || streamBySize(request, io);
  const source = streaming ? await readStreamDesign(request) : undefined;
  const design: Design | CSVDesignSource =
    source ??
    (await readDesign(request, {
      numeric,
      ...(used ? { used } : {}),
      categorical: [...(options.factors ?? []), ...levelColumns(options)],
    }));

  const classes: ClassLabel[] = 'classes' in design ? design.classes : design.response.kind === 'labels' ? design.response.levels : design.response.classNames;
  const family = request.family ?? (classes.length === 2 ? 'binomial' : 'multinomial');
  if (family === 'binomial' && classes.length !== 2) {
    const given = options.response ?? `cbind(${options.counts!.join(', ')})`;
    throw new UsageError(
      `--family binomial needs a response with two classes, but ${given} has ${classes.length} (${classes.map(labelText).join(', ')}); use --family multinomial`,
    );
  }
  const referenceIndex =
    request.reference !== undefined ? matchClass(classes, request.reference, '--reference') : defaultReference(!('classes' in design) && design.response.kind === 'counts', family);
  const responseName = options.response ?? `cbind(${countsOrder(options.counts!, family, referenceIndex).join(', ')})`;
  if (family === 'multinomial') {
    const classList = `${classes.length} classes (${classes.map(labelText).join(', ')})`;
    if (request.firth) throw new UsageError(`--firth applies to binomial fits (two classes), but this fit is multinomial with ${classList}; use --l2 for finite estimates`);
    if (options.offset !== undefined) throw new UsageError(`--offset applies to binomial fits (two classes), but this fit is multinomial with ${classList}`);
  }

  await init();
  const progress = progressReporter(request, io);
  if ('classes' in design) {
    const streamed = await fitStreamed(design, request, classes, family, referenceIndex, progress);
    return report(request, io, design, streamed.fit, streamed.modelClasses, responseName, family, referenceIndex, classes);
  }
  const common = {
    names: design.names,
    intercept: design.intercept,
    ...(design.weights ? { weights: design.weights } : {}),
    ...(request.l2 !== undefined ? { l2: request.l2 } : {}),
    ...(request.threads > 1 ? { threads: request.threads } : {}),
    ...(request.maxIter !== undefined ? { maxIter: request.maxIter } : {}),
    ...covarianceOptions(request),
    ...(design.cluster ? { cluster: design.cluster } : {}),
    ...progress,
  };
  const X = { data: design.X, nRows: design.nRows, nFeatures: design.nFeatures };

  let fit: LogisticFit | SoftmaxFit;
  let modelClasses: ClassLabel[];
  // The worker pool a --threads fit needs; ended after the fit (it does not keep Node alive, but
  // a command has no later fit to keep it for).
  if (request.threads > 1) await initThreads(request.threads, { onWarning: progress.onWarning });
  try {
    if (family === 'binomial') {
      const positive = 1 - referenceIndex;
      modelClasses = [classes[referenceIndex]!, classes[positive]!];
      fit = fitLogistic(X, binaryResponse(design, classes, positive, referenceIndex), {
        ...common,
        ...(design.offset ? { offset: design.offset } : {}),
        ...(request.firth ? { firth: true } : {}),
      });
    } else {
      modelClasses = classes;
      const y =
        design.response.kind === 'labels'
          ? design.response.labels
          : { counts: new Matrix(design.nRows, classes.length, design.response.counts) };
      fit = fitSoftmax(X, y, {
        ...common,
        classes,
        reference: classes[referenceIndex]!,
        ...(request.parameterization ? { parameterization: request.parameterization } : {}),
      });
    }
  } finally {
    if (request.threads > 1) await shutdownThreads();
  }
  report(request, io, design, fit, modelClasses, responseName, family, referenceIndex, classes);
}

/** --engine duckdb: the fit runs in DuckDB, the output is the in-memory fit's. */
async function fitInEngine(request: FitRequest, io: Output): Promise<void> {
  const { options } = request;
  await init();
  const result = await fitWithEngine(
    {
      path: request.path,
      response: options.response!,
      intercept: options.intercept ?? true,
      ...(options.predictors !== undefined ? { predictors: options.predictors } : {}),
      ...(options.factors !== undefined ? { factors: options.factors } : {}),
      ...(options.weights !== undefined ? { weights: options.weights } : {}),
      ...(options.offset !== undefined ? { offset: options.offset } : {}),
      ...(request.family !== undefined ? { family: request.family } : {}),
      ...(request.reference !== undefined ? { reference: request.reference } : {}),
      ...(request.parameterization !== undefined ? { parameterization: request.parameterization } : {}),
      ...(request.l2 !== undefined ? { l2: request.l2 } : {}),
      ...(request.maxIter !== undefined ? { maxIter: request.maxIter } : {}),
      ...covarianceOptions(request),
      ...(options.cluster !== undefined ? { cluster: options.cluster } : {}),
    },
    progressReporter(request, io),
  );
  report(request, io, result.design, result.fit, result.modelClasses, options.response!, result.family, result.referenceIndex, result.classes);
}

/** The fit's covariance option (the cluster labels come with the rows: the design, the batches or the engine's column). */
function covarianceOptions(request: FitRequest): { covariance?: CovarianceType } {
  return request.covariance !== undefined ? { covariance: request.covariance } : {};
}

/** Progress on stderr after a second of work (every iteration with --trace), and warnings. */
function progressReporter(request: FitRequest, io: Output) {
  const started = performance.now();
  return {
    onIteration: (p: FitProgress) => {
      if (request.quiet || !(request.trace || performance.now() - started > PROGRESS_AFTER_MS)) return;
      const step = p.stepSize < 1 ? `  step ${p.stepSize}` : '';
      io.err(`iteration ${p.iteration}  deviance ${formatNumber(p.deviance, 10)}${step}\n`);
    },
    onWarning: (message: string) => {
      if (!request.quiet) io.err(`warning: ${commandLineWording(message)}\n`);
    },
  };
}

/** The first flag of the request an engine fit cannot honour, if any. */
function engineConflict(request: FitRequest): string | undefined {
  if (request.options.counts !== undefined) return '--counts';
  if (request.options.levels !== undefined) return '--levels';
  if (request.firth) return '--firth';
  if (request.threads > 1) return '--threads';
  if (request.stream) return '--stream';
  return undefined;
}

/** Prints the fit: the summary under its header, or the model file (--json). */
function report(
  request: FitRequest,
  io: Output,
  design: Pick<Design, 'predictors' | 'factors' | 'intercept' | 'droppedRows' | 'nRows'>,
  fit: LogisticFit | SoftmaxFit,
  modelClasses: ClassLabel[],
  responseName: string,
  family: 'binomial' | 'multinomial',
  referenceIndex: number,
  classes: ClassLabel[],
): void {
  const { options } = request;
  const modelDesign: ModelDesign = {
    ...(options.response !== undefined ? { response: options.response } : { counts: options.counts! }),
    ...(options.weights !== undefined ? { weights: options.weights } : {}),
    ...(options.offset !== undefined ? { offset: options.offset } : {}),
    predictors: design.predictors,
    factors: design.factors,
    intercept: design.intercept,
    classes: modelClasses,
    droppedRows: design.droppedRows,
  };
  if (request.json) {
    const file: ModelFile = { ...fit.toJSON(), design: modelDesign };
    io.out(JSON.stringify(file, null, 2) + '\n');
    if (design.droppedRows > 0 && !request.quiet) io.err(`note: ${droppedNote(design.droppedRows)}\n`);
    return;
  }
  io.out(header(request, design, responseName, family, modelClasses, referenceIndex, classes) + '\n\n' + fit.summary() + '\n');
  if (design.droppedRows > 0) io.out(`(${droppedNote(design.droppedRows)})\n`);
}

/**
 * The data file's design matrix. The frame is local to this function, so its columns can be
 * collected before the fit copies the design into WebAssembly memory: the peak holds the frame
 * and the design, or the design and its copy, never all three.
 */
async function readDesign(request: FitRequest, roles: FrameRoles): Promise<Design | CSVDesignSource> {
  const frame = await readFrame(request.path, roles);
  checkColumns(frame, request);
  const cells = frame.nRows * frame.columns.length;
  if (cells * 8 > BATCH_FIT_ABOVE_BYTES && streamConflict(request) === undefined) return frameDesignSource(frame, request.options);
  return designMatrix(frame, request.options);
}

/** The first flag of the request a streamed fit cannot honour, if any. */
function streamConflict(request: FitRequest): string | undefined {
  if (request.options.counts !== undefined) return '--counts';
  if (request.firth) return '--firth';
  if (request.l2 !== undefined && request.l2 > 0) return '--l2';
  if (request.threads > 1) return '--threads';
  return undefined;
}

/**
 * Whether to stream without --stream: when the file is larger than a share of the free memory
 * and nothing asked for rules streaming out. Says so on stderr (unless --quiet).
 */
function streamBySize(request: FitRequest, io: Output): boolean {
  let size: number;
  try {
    size = statSync(request.path).size;
  } catch {
    return false; // readCSV reports the file's problem
  }
  const budget = freemem() * STREAM_ABOVE_FREE_MEMORY_SHARE;
  if (size <= budget || streamConflict(request) !== undefined) return false;
  if (!request.quiet) {
    io.err(`note: ${request.path} (${(size / 1e6).toFixed(0)} MB) is large for the free memory (${(freemem() / 1e6).toFixed(0)} MB); reading it once per Newton pass (--stream)\n`);
  }
  return true;
}

/** The design of a streamed fit: one scan of the file for types, levels and counts. */
async function readStreamDesign(request: FitRequest): Promise<CSVDesignSource> {
  // No --counts here (streamConflict).
  if (isParquet(request.path)) return parquetDesignSource(request.path, request.options);
  const names = await readHeaderOf(request.path);
  if (names !== undefined) checkColumns({ names, columns: [], nRows: 0 }, request);
  return csvDesignSource(request.path, request.options);
}

/** Fits over the file's batches, read once per pass. */
async function fitStreamed(
  source: CSVDesignSource,
  request: FitRequest,
  classes: ClassLabel[],
  family: 'binomial' | 'multinomial',
  referenceIndex: number,
  progress: { onIteration: (p: FitProgress) => void; onWarning: (message: string) => void },
): Promise<{ fit: LogisticFit | SoftmaxFit; modelClasses: ClassLabel[] }> {
  const common = {
    names: source.names,
    nFeatures: source.nFeatures,
    intercept: source.intercept,
    ...(request.maxIter !== undefined ? { maxIter: request.maxIter } : {}),
    ...covarianceOptions(request),
    ...progress,
  };
  if (family === 'binomial') {
    const positive = classes[1 - referenceIndex]!;
    return { fit: await fitLogisticStream(logisticBatches(source, positive), common), modelClasses: [classes[referenceIndex]!, positive] };
  }
  const fit = await fitSoftmaxStream(softmaxBatches(source), {
    ...common,
    classes,
    reference: classes[referenceIndex]!,
    ...(request.parameterization ? { parameterization: request.parameterization } : {}),
  });
  return { fit, modelClasses: classes };
}

/**
 * Library warnings in the words of the command line: the remedies they name are options of
 * fitLogistic / fitSoftmax (`firth: true`, `l2 > 0`, `maxIter`), which here are the flags
 * --firth, --l2 and --max-iter.
 */
export function commandLineWording(message: string): string {
  return message
    .replace(/\bfirth: true\b/g, '--firth')
    .replace(/\bl2 > 0\b/g, '--l2 LAMBDA')
    .replace(/\bmaxIter\b/g, '--max-iter');
}

/**
 * The reference class when --reference does not name one: the first level of a label response;
 * for counts, the first column of a multinomial fit (R's multinom(cbind(c1, c2, ...) ~ x)) but the
 * second of a binomial one, because R's glm(cbind(s, f) ~ x) models P(s): f is the reference.
 */
function defaultReference(countsResponse: boolean, family: 'binomial' | 'multinomial'): number {
  return countsResponse && family === 'binomial' ? 1 : 0;
}

/**
 * The count columns as R's formula would list them for this fit: multinomial as given; binomial
 * cbind(modelled, reference), so that glm on that formula has the coefficients printed.
 */
function countsOrder(counts: string[], family: 'binomial' | 'multinomial', referenceIndex: number): string[] {
  return family === 'binomial' ? [counts[1 - referenceIndex]!, counts[referenceIndex]!] : counts;
}

function droppedNote(n: number): string {
  return `${n} observation${n === 1 ? '' : 's'} deleted due to missingness`;
}

/** Checks the options and fills in what they imply. */
function readRequest(args: ParsedArgs): FitRequest {
  const [path] = positionals(args, ['a data file (CSV or Parquet)'], 'fit');
  const response = stringOption(args, 'response');
  const counts = listOption(args, 'counts');
  if (response === undefined && counts === undefined) {
    throw new UsageError('say what to model: --response COLUMN (class labels) or --counts COL1,COL2,... (per-class counts)');
  }
  if (response !== undefined && counts !== undefined) {
    throw new UsageError('give either --response or --counts, not both');
  }
  const options: DesignOptions = { intercept: !flag(args, 'no-intercept') };
  if (response !== undefined) options.response = response;
  if (counts !== undefined) options.counts = counts;
  const predictors = listOption(args, 'predictors');
  if (predictors !== undefined) options.predictors = predictors;
  const factors = listOption(args, 'factor');
  if (factors !== undefined) options.factors = factors;
  const levels = levelsOption(args);
  if (levels !== undefined) options.levels = levels;
  const weights = stringOption(args, 'weights');
  if (weights !== undefined) options.weights = weights;

  const offset = stringOption(args, 'offset');
  if (offset !== undefined) options.offset = offset;
  const cluster = stringOption(args, 'cluster');
  if (cluster !== undefined) options.cluster = cluster;

  const request: FitRequest = {
    path: path!,
    options,
    firth: flag(args, 'firth'),
    threads: integerOption(args, 'threads', 1, MAX_THREADS) ?? 1,
    stream: flag(args, 'stream'),
    json: flag(args, 'json'),
    trace: flag(args, 'trace'),
    quiet: flag(args, 'quiet'),
  };
  const family = choiceOption(args, 'family', ['binomial', 'multinomial'] as const);
  if (family !== undefined) request.family = family;
  const reference = stringOption(args, 'reference');
  if (reference !== undefined) request.reference = reference;
  const parameterization = choiceOption(args, 'parameterization', ['reference', 'symmetric'] as const);
  if (parameterization !== undefined) {
    if (family === 'binomial') {
      throw new UsageError('--parameterization applies to multinomial fits; a binomial fit has one coefficient vector (see softlogit convert)');
    }
    request.parameterization = parameterization;
  }
  const l2 = numberOption(args, 'l2', 0, Number.MAX_VALUE);
  if (l2 !== undefined) request.l2 = l2;
  const maxIter = integerOption(args, 'max-iter', 0, MAX_ITERATIONS);
  if (maxIter !== undefined) request.maxIter = maxIter;
  if (request.stream) {
    const conflict = streamConflict(request);
    if (conflict !== undefined) throw new UsageError(`--stream cannot be combined with ${conflict}: a streamed fit does not support it yet`);
  }
  const engine = choiceOption(args, 'engine', ENGINES);
  if (engine !== undefined) {
    request.engine = engine;
    const conflict = engineConflict(request);
    if (conflict !== undefined) throw new UsageError(`--engine ${engine} cannot be combined with ${conflict}: the fit inside the engine does not support it`);
  }
  if (request.firth && l2 !== undefined && l2 > 0) {
    throw new UsageError(`--firth and --l2 cannot be combined (both penalize the likelihood); choose one, got --l2 ${l2}`);
  }
  readCovariance(args, request);
  return request;
}

/** --covariance and --cluster, checked against each other and against the penalized fits. */
function readCovariance(args: ParsedArgs, request: FitRequest): void {
  const covariance = choiceOption(args, 'covariance', COVARIANCE_TYPES);
  if (covariance !== undefined) request.covariance = covariance;
  const cluster = request.options.cluster;
  if (cluster !== undefined && (covariance ?? 'model') === 'model') {
    throw new UsageError(`--cluster ${cluster} needs --covariance HC0 or HC1 (a cluster-robust sandwich; HC1 is R vcovCL's default)`);
  }
  if (covariance === undefined || covariance === 'model') return;
  const penalty = request.firth ? '--firth' : request.l2 !== undefined && request.l2 > 0 ? `--l2 ${request.l2}` : undefined;
  if (penalty !== undefined) {
    throw new UsageError(`--covariance ${covariance} is the sandwich of a maximum-likelihood fit; not with ${penalty}`);
  }
}

/** The columns --levels names (the CLI always passes them as a Map). */
function levelColumns(options: DesignOptions): string[] {
  return options.levels instanceof Map ? [...options.levels.keys()] : [];
}

/** Every column named on the command line must be in the file; the message lists those there are. */
function checkColumns(frame: DataFrame, request: FitRequest): void {
  const { options } = request;
  const named: [string, string[]][] = [
    ['--response', options.response !== undefined ? [options.response] : []],
    ['--counts', options.counts ?? []],
    ['--predictors', options.predictors ?? []],
    ['--factor', options.factors ?? []],
    ['--levels', levelColumns(options)],
    ['--weights', options.weights !== undefined ? [options.weights] : []],
    ['--offset', options.offset !== undefined ? [options.offset] : []],
    ['--cluster', options.cluster !== undefined ? [options.cluster] : []],
  ];
  for (const [option, names] of named) {
    for (const name of names) {
      if (!frame.names.includes(name)) {
        throw new UsageError(`${option} names column "${name}", which is not in ${request.path}; its columns are: ${frame.names.join(', ')}`);
      }
    }
  }
}

/** The binomial response: 1 for the modelled class, 0 for the reference (or the two count columns). */
function binaryResponse(design: Design, classes: ClassLabel[], positive: number, reference: number) {
  const response = design.response;
  if (response.kind === 'labels') return response.labels.map((label) => (label === classes[positive] ? 1 : 0));
  const n = design.nRows;
  return {
    successes: Float64Array.from({ length: n }, (_, i) => response.counts[i * 2 + positive]!),
    failures: Float64Array.from({ length: n }, (_, i) => response.counts[i * 2 + reference]!),
  };
}

/** The lines above the summary: formula, family and classes, factors, data. */
function header(
  request: FitRequest,
  design: Pick<Design, 'predictors' | 'factors' | 'intercept' | 'nRows'>,
  responseName: string,
  family: 'binomial' | 'multinomial',
  modelClasses: ClassLabel[],
  referenceIndex: number,
  classes: ClassLabel[],
): string {
  const terms = design.predictors.length > 0 ? design.predictors.join(' + ') : '1';
  const offset = request.options.offset !== undefined ? ` + offset(${request.options.offset})` : '';
  const formula = `${responseName} ~ ${terms}${offset}${design.intercept || design.predictors.length === 0 ? '' : ' - 1'}`;
  const quote = (c: ClassLabel) => labelText(c);
  const lines = [`Formula: ${formula}`];
  if (family === 'binomial') {
    const [ref, modelled] = modelClasses as [ClassLabel, ClassLabel];
    const what = request.options.response !== undefined ? `P(${request.options.response} = ${quote(modelled)})` : `P(${quote(modelled)})`;
    lines.push(`Family:  binomial, modelling ${what} against reference class ${quote(ref)}`);
  } else {
    lines.push(`Family:  multinomial, ${classes.length} classes (${classes.map(quote).join(', ')}), reference ${quote(classes[referenceIndex]!)}`);
  }
  for (const factor of design.factors) {
    lines.push(`Factor:  ${factor.name}, levels ${factor.levels.join(', ')}${factor.reference === null ? ' (all coded)' : ` (reference ${factor.reference})`}`);
  }
  const weights = request.options.weights !== undefined ? `, weights ${request.options.weights}` : '';
  const cluster = request.options.cluster !== undefined ? `, clusters in ${request.options.cluster}` : '';
  lines.push(`Data:    ${request.path}, ${design.nRows} rows used${weights}${cluster}`);
  return lines.join('\n');
}
