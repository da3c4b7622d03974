/**
 * The engine behind the worker: keeps the loaded data between requests, runs one request at a
 * time (a newer load or fit cancels the older one, which then answers `cancelled`), and turns
 * every outcome into a message of examples/web/protocol.ts. It knows nothing of `self` or
 * `postMessage` (worker.ts gives it `post`), so Node tests drive it directly.
 */
import { init } from '../../../src/wasm/module.js';
import { SoftlogitError } from '../../../src/errors.js';
import type { DataFrame } from '../../../src/data/csv.js';
import type {
  ColumnInfo, ErrorMessage, FitRequest, LoadRequest, LoadedMessage, ModelSpec, PageToWorker, ResultMessage, WorkerToPage,
} from '../protocol.js';
import { describeColumn, defaultModel } from './columns.js';
import { delimiterName } from './delimiter.js';
import { Cancelled, checkpoint, nextTask, type Hooks, type ProgressUpdate } from './hooks.js';
import { fileSource, loadTable, textSource, type TextSource } from './load.js';
import { checkModelSize, fitModels, prepareDesign, withReference, type Fits, type PreparedDesign } from './model.js';
import { plotData } from './plot.js';
import { fitStats, identityTable, logisticTable, softmaxTable } from './tables.js';
import { diagnosticsOf } from './diagnostics.js';

/** From this many rows on, a cancel is looked for after each column's facts (~10 ms per 1e5 values). */
const PAUSE_PER_COLUMN_ROWS = 100_000;

/** Confidence level when the model does not give one. */
export const DEFAULT_LEVEL = 0.95;

/** Sends a message to the page; `transfer` lists buffers to move rather than copy. */
export type Post = (message: WorkerToPage, transfer?: Transferable[]) => void;

/** The data loaded and what the page was told about them. */
interface Loaded {
  frame: DataFrame;
  columns: ColumnInfo[];
  totalBytes: number;
}

/**
 * The last design built (kept while the next request has the same design options: changing the
 * remedy, reference class, parameterization, plot predictor or level skips rebuilding it) and the
 * fits made on it (kept while only the plot predictor, level or unpenalized parameterization change).
 */
interface FitCache {
  designKey: string;
  prepared: PreparedDesign;
  fitKey?: string;
  fits?: Fits;
}

/** What decides the design, and what (besides it) decides the fits. */
export function cacheKeys(spec: ModelSpec): { design: string; fit: string } {
  const design = JSON.stringify([spec.response ?? null, spec.counts ?? null, spec.predictors, spec.factors, spec.weights ?? null, spec.levelOrder ?? null]);
  // A ridge penalty on W depends on the parameterization; an unpenalized fit does not (it is converted).
  const parameterization = spec.remedy?.kind === 'ridge' ? spec.parameterization : null;
  return { design, fit: JSON.stringify([design, spec.referenceClass ?? null, spec.remedy ?? null, parameterization]) };
}

/** The fits with the softmax one reported in `parameterization` (the same model, converted). */
function withParameterization(fits: Fits, parameterization: ModelSpec['parameterization']): Fits {
  if (fits.softmax === null || fits.softmax.parameterization === parameterization) return fits;
  return { ...fits, softmax: fits.softmax.withParameterization(parameterization) };
}

/** One request while it waits or runs. */
interface Task {
  requestId: number;
  cancelled: boolean;
}

export class Engine {
  private loaded: Loaded | null = null;
  /** The last design and fits, for a request that changes only what does not need them rebuilt. */
  private cache: FitCache | null = null;
  private readonly tasks = new Set<Task>();
  private queue: Promise<void> = Promise.resolve();

  /**
   * @param post sends a message to the page.
   * @param pause lets queued messages (a cancel) in; a macrotask turn by default.
   */
  constructor(
    private readonly post: Post,
    private readonly pause: () => Promise<void> = nextTask,
  ) {}

  /**
   * Takes one message from the page. Load and fit requests run in order, one at a time; a new
   * one cancels those before it. Resolves when this request's answer has been posted.
   */
  handle(message: PageToWorker): Promise<void> {
    if (message.type === 'cancel') {
      for (const task of this.tasks) task.cancelled = true;
      return Promise.resolve();
    }
    for (const task of this.tasks) task.cancelled = true;
    const task: Task = { requestId: message.requestId, cancelled: false };
    this.tasks.add(task);
    const run = () => (message.type === 'load' ? this.load(message, task) : this.fit(message, task)).finally(() => this.tasks.delete(task));
    this.queue = this.queue.then(run, run);
    return this.queue;
  }

  private hooks(task: Task, phase: 'load' | 'fit'): Hooks {
    const loaded = this.loaded;
    return {
      progress: (update: ProgressUpdate) =>
        this.post({
          type: 'progress',
          requestId: task.requestId,
          rowsRead: phase === 'fit' ? loaded?.frame.nRows ?? 0 : 0,
          bytesRead: phase === 'fit' ? loaded?.totalBytes ?? 0 : 0,
          totalBytes: phase === 'fit' ? loaded?.totalBytes ?? 0 : 0,
          ...update,
        }),
      pause: this.pause,
      cancelled: () => task.cancelled,
    };
  }

  private async load(request: LoadRequest, task: Task): Promise<void> {
    const hooks = this.hooks(task, 'load');
    try {
      await checkpoint(hooks);
      this.cache = null; // the old design (as large as the data) need not sit beside the new data
      const started = performance.now();
      const source: TextSource =
        request.source.kind === 'file' ? fileSource(request.source.file) : textSource(request.source.text, request.source.name);
      const table = await loadTable(source, hooks);
      const columns: ColumnInfo[] = [];
      for (const column of table.frame.columns) {
        columns.push(describeColumn(column, table.frame.nRows, table.frame.lineNumbers));
        if (table.frame.nRows > PAUSE_PER_COLUMN_ROWS) await checkpoint(hooks);
      }
      const { model, note } = defaultModel(columns);
      const renamed = table.renamed.map((r) => `header field ${r.field} was empty and is named ${r.name}`);
      this.loaded = { frame: table.frame, columns, totalBytes: table.totalBytes };
      this.cache = null;
      const message: LoadedMessage = {
        type: 'loaded',
        requestId: request.requestId,
        name: table.name,
        delimiter: table.delimiter,
        delimiterName: delimiterName(table.delimiter),
        decimalComma: table.decimalComma,
        nRows: table.frame.nRows,
        columns,
        preview: table.preview,
        defaultModel: model,
        defaultNote: [note, ...renamed.map((r) => `${r[0]!.toUpperCase()}${r.slice(1)}.`)].join(' '),
        readMs: performance.now() - started,
      };
      this.post(message);
    } catch (error) {
      this.fail(request.requestId, 'load', error);
    }
  }

  private async fit(request: FitRequest, task: Task): Promise<void> {
    const hooks = this.hooks(task, 'fit');
    try {
      await checkpoint(hooks);
      if (this.loaded === null) throw new SoftlogitError('EMPTY_INPUT', 'no data loaded: load a CSV file or paste data first', { noData: true });
      const spec: ModelSpec = request.model;
      const level = spec.level ?? DEFAULT_LEVEL;
      await init();
      const keys = cacheKeys(spec);
      let reused: 'design' | 'fits' | undefined;
      let designMs = 0;
      let prepared: PreparedDesign;
      if (this.cache?.designKey === keys.design) {
        prepared = withReference(this.cache.prepared, spec);
        reused = 'design';
      } else {
        this.cache = null; // let the old design go before building the new one
        hooks.progress({ phase: 'design' });
        const designStarted = performance.now();
        checkModelSize(spec, this.loaded.columns, this.loaded.frame.nRows);
        prepared = prepareDesign(this.loaded.frame, spec);
        designMs = performance.now() - designStarted;
        this.cache = { designKey: keys.design, prepared };
        await checkpoint(hooks);
      }
      let fits: Fits;
      if (this.cache.fitKey === keys.fit && this.cache.fits !== undefined) {
        fits = withParameterization(this.cache.fits, spec.parameterization);
        reused = 'fits';
      } else {
        hooks.progress({ phase: 'fit' });
        fits = await fitModels(prepared, spec, hooks);
        this.cache.fitKey = keys.fit;
        this.cache.fits = fits;
      }
      await checkpoint(hooks);
      hooks.progress({ phase: 'summary' });
      const summaryStarted = performance.now();
      const { classes, referenceIndex } = prepared;
      const main = fits.logistic ?? fits.softmax!;
      const mainMs = fits.logistic ? fits.logisticMs : fits.softmaxMs;
      const plot = plotData(prepared, fits, spec, level);
      const result: ResultMessage = {
        type: 'result',
        requestId: request.requestId,
        model: { ...spec, level, referenceClass: classes[referenceIndex]! },
        responseName: prepared.responseName,
        classes,
        reference: classes[referenceIndex]!,
        designNames: [...prepared.design.names],
        logistic: fits.logistic && logisticTable(fits.logistic, level, classes[fits.positiveIndex]!, classes[referenceIndex]!),
        softmax: fits.softmax && softmaxTable(fits.softmax, level, classes),
        stats: fitStats(main, mainMs),
        softmaxStats: fits.logistic && fits.softmax ? fitStats(fits.softmax, fits.softmaxMs) : null,
        summary: main.summary(),
        diagnostics: diagnosticsOf(fits, prepared, spec),
        identity: fits.logistic && fits.softmax ? identityTable(fits.logistic, fits.softmax, fits.positiveIndex, classes) : null,
        plot,
        timings: { designMs, fitMs: reused === 'fits' ? 0 : fits.logisticMs + fits.softmaxMs, summaryMs: 0 },
      };
      if (reused !== undefined) result.timings.reused = reused;
      result.timings.summaryMs = performance.now() - summaryStarted;
      this.post(result, plot ? transferables(plot) : []);
    } catch (error) {
      this.fail(request.requestId, 'fit', error);
    }
  }

  /** Answers a failed or cancelled request; the loaded data stay. */
  private fail(requestId: number, phase: 'load' | 'fit', error: unknown): void {
    if (error instanceof Cancelled) {
      this.post({ type: 'cancelled', requestId, phase });
      return;
    }
    this.post(errorMessage(requestId, phase, error, this.loaded !== null));
  }
}

/** The error message for the page: the library's code and text, and the columns it is about. */
export function errorMessage(requestId: number, phase: 'load' | 'fit', error: unknown, dataLoaded: boolean): ErrorMessage {
  if (error instanceof SoftlogitError) {
    const details = error.details ?? {};
    const code = details.noData === true ? 'NO_DATA' : error.code;
    const message: ErrorMessage = { type: 'error', requestId, phase, code, message: error.message, dataLoaded };
    const columns = [details.aliased, details.column, details.columns].flatMap((v) =>
      Array.isArray(v) ? v.filter((c): c is string => typeof c === 'string') : typeof v === 'string' ? [v] : [],
    );
    if (columns.length > 0) message.columns = columns;
    return message;
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { type: 'error', requestId, phase, code: 'INTERNAL', message: `internal error (please report it): ${text}`, dataLoaded };
}

/** The buffers of a plot's typed arrays, to transfer rather than copy. */
function transferables(plot: NonNullable<ResultMessage['plot']>): Transferable[] {
  const arrays: ArrayBufferView[] = [plot.prob, plot.lower, plot.upper].flat();
  arrays.push(plot.points.x, plot.points.classIndex, plot.points.y);
  if (plot.kind === 'numeric') arrays.push(plot.x);
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}
