// The softlogit demo page: the main thread only sends requests to the engine worker and draws
// what comes back. The worker (engine/worker.ts) reads the file as a stream, parses it, builds
// the design, fits, and returns the tables and a ≤ 5,000-point sample for the plot, so a
// million-row file never blocks this thread (protocol.ts has the conversation).
//
// A failure (a bad CSV, one class, a collinear column) shows a message; the data loaded and the
// result shown before stay, and the controls stay usable so the model can be changed.
import type { ErrorMessage, LoadedMessage, LoadRequest, ModelSpec, PageToWorker, ResultMessage, WorkerToPage } from './protocol.js';
import uclaCSV from '../../data/binary.csv?raw';
import { currentModel, dropColumns, renderControls, wireControls } from './ui/controls.js';
import { $, count, fmt, h } from './ui/dom.js';
import { sameResponse, showPreview, strayTextMessage } from './ui/loaded.js';
import { describeProgress, PHASE_TEXT } from './ui/progress.js';
import { clearStale, idLikeText, idLikePredictors, markStale, showSummaryAndPlot, showTables } from './ui/results.js';

/** Above this many rows a changed control waits for Fit (or Enter) instead of refitting at once. */
const AUTO_REFIT_ROWS = 250_000;
/**
 * A cancelled request that has not answered after this long is stuck in one synchronous step
 * (building the design or one Newton run: WebAssembly cannot be interrupted by a message; about
 * 1 s each on 1e6 rows, see protocol.ts, more on a busy machine): the worker is stopped and started anew.
 */
const CANCEL_GRACE_MS = 5000;
const EXAMPLE_NAME = 'UCLA admissions (data/binary.csv)';
const EXAMPLE_MODEL: Partial<ModelSpec> = { response: 'admit', predictors: ['gre', 'gpa'], factors: [] };

type Source = LoadRequest['source'];

interface Pending {
  requestId: number;
  kind: 'load' | 'fit';
  started: number;
  /** For a load: fit the default model once loaded (false: restore the model being edited). */
  fitAfterLoad?: boolean;
  /** For a load: model fields to use instead of the worker's default. */
  preferred?: Partial<ModelSpec>;
  source?: Source;
}

/** Timings of the latest load and fit, shown on the page and read by the end-to-end test. */
interface Timings {
  /** Page: from choosing the file to having its columns (reading and parsing in the worker). */
  loadMs?: number;
  /** Worker: reading and parsing. */
  readMs?: number;
  designMs?: number;
  fitMs?: number;
  summaryMs?: number;
  /** Page: scripts drawing the tables and the plot. */
  drawMs?: number;
  /** Page: from the result message to the frame that shows the plot (with layout, paint and frame waits). */
  drawWallMs?: number;
  /** Page: from sending the fit to having drawn it. */
  fitWallMs?: number;
  rows?: number;
}

let worker: Worker = startWorker();
let requestSeq = 0;
let pending: Pending | undefined;
/** The data in the worker, and where they came from (to reload them after a forced stop). */
let data: { loaded: LoadedMessage; source: Source } | undefined;
let result: ResultMessage | undefined;
let fitCount = 0;
let timings: Timings = {};

function startWorker(): Worker {
  const w = new Worker(new URL('./engine/worker.ts', import.meta.url), { type: 'module' });
  w.addEventListener('message', (event: MessageEvent<WorkerToPage>) => onMessage(event.data));
  w.addEventListener('error', (event) => {
    event.preventDefault();
    busy(false);
    showMessage(`The engine worker failed: ${event.message || 'unknown error'}. Reload the page to start again.`);
  });
  return w;
}

function post(request: PageToWorker): void {
  worker.postMessage(request);
}

// ---------------------------------------------------------------------------------------------
// Status, progress, messages

function setStatus(text: string): void {
  $('status').textContent = text;
}

function busy(on: boolean, determinate = false): void {
  const bar = $<HTMLProgressElement>('progress');
  bar.hidden = !on;
  if (!determinate) bar.removeAttribute('value');
  $('cancel').hidden = !on;
  if (!on) $('progress-detail').textContent = '';
  document.body.dataset.busy = on ? 'true' : 'false';
}

function showMessage(text: string, columns?: string[]): void {
  const box = $('message');
  box.replaceChildren(text + (result ? '\n(The previous result is still shown.)' : ''));
  if (columns && columns.length > 0 && data) {
    const droppable = columns.filter((c) => currentModel()?.predictors.includes(c));
    if (droppable.length > 0) {
      const drop = h('button', { testid: 'drop-columns', text: `Drop ${droppable.join(', ')} from the model`, attrs: { type: 'button' } });
      drop.addEventListener('click', () => dropColumns(droppable));
      box.append(h('br'), drop);
    }
  }
  box.hidden = false;
}

function clearMessage(): void {
  const box = $('message');
  box.replaceChildren();
  box.hidden = true;
}

function showTimings(): void {
  const t = timings;
  const el = $('timings');
  const parts: string[] = [];
  if (t.loadMs !== undefined) parts.push(`load ${fmt(t.loadMs, 4)} ms (read and parse in the worker ${fmt(t.readMs ?? NaN, 4)} ms)`);
  if (t.fitMs !== undefined) parts.push(`design ${fmt(t.designMs ?? NaN, 4)} ms, fit ${fmt(t.fitMs, 4)} ms, tables and plot data ${fmt(t.summaryMs ?? NaN, 4)} ms, drawing ${fmt(t.drawMs ?? NaN, 3)} ms (${fmt(t.drawWallMs ?? NaN, 3)} ms to the frame on screen)`);
  el.textContent = parts.length > 0 ? `Timings: ${parts.join('; ')}.` : '';
  for (const [key, value] of Object.entries(t)) el.dataset[key] = String(value);
}

// ---------------------------------------------------------------------------------------------
// Requests

function load(source: Source, preferred?: Partial<ModelSpec>, fitAfterLoad = true): void {
  const requestId = ++requestSeq;
  pending = { requestId, kind: 'load', started: performance.now(), fitAfterLoad, source, ...(preferred ? { preferred } : {}) };
  post({ type: 'load', requestId, source });
  busy(true, true);
  setStatus(`Reading ${source.kind === 'file' ? source.file.name : source.name}…`);
}

function fit(): void {
  const model = currentModel();
  if (!data || !model) return;
  const requestId = ++requestSeq;
  pending = { requestId, kind: 'fit', started: performance.now() };
  // A copy: the controls keep editing theirs while this one is on its way.
  post({ type: 'fit', requestId, model: structuredClone(model) });
  busy(true);
  setStatus('Fitting…');
}

/** After a control changed the model: refit now on small data, else wait for Fit or Enter. */
function onModelChanged(refit: boolean): void {
  if (refit && data && data.loaded.nRows <= AUTO_REFIT_ROWS) fit();
  else if (data) {
    markStale('The model was changed: press Fit (or Enter) to refit. The result below is for the previous model.');
    setStatus('Model changed: press Fit to refit.');
  }
}

function cancel(): void {
  const stuck = pending;
  if (!stuck) return;
  post({ type: 'cancel' });
  setStatus('Cancelling… (the step in progress finishes first)');
  setTimeout(() => {
    if (pending?.requestId !== stuck.requestId) return;
    // The worker is inside one Newton run: stop it, start a new one, and read the data again.
    worker.terminate();
    worker = startWorker();
    pending = undefined;
    busy(false);
    setStatus('Cancelled (the engine was restarted).');
    if (data) load(data.source, undefined, false);
  }, CANCEL_GRACE_MS);
}

// ---------------------------------------------------------------------------------------------
// Answers

function onLoaded(msg: LoadedMessage, request: Pending): void {
  const restoring = request.fitAfterLoad === false && data !== undefined;
  const kept = currentModel();
  data = { loaded: msg, source: request.source! };
  timings = { loadMs: performance.now() - request.started, readMs: msg.readMs, rows: msg.nRows };
  showTimings();
  clearMessage();
  $('model-panel').hidden = false;
  const delimiter = { comma: 'comma', tab: 'tab (spreadsheet)', semicolon: 'semicolon' }[msg.delimiterName];
  $('data-status').textContent = `${msg.name}: ${count(msg.nRows)} rows, ${msg.columns.length} columns, ${delimiter}-separated. ${msg.defaultNote}`;
  showPreview(msg);
  let model: ModelSpec;
  if (restoring && kept) model = kept;
  else {
    model = structuredClone(msg.defaultModel);
    const p = request.preferred ?? sameResponse(msg, kept);
    if (p) {
      const names = new Set(msg.columns.map((c) => c.name));
      if (p.response && names.has(p.response)) model.response = p.response;
      if (p.predictors) model.predictors = p.predictors.filter((n) => names.has(n) && n !== model.response);
      if (p.factors) model.factors = p.factors.filter((n) => model.predictors.includes(n));
    }
  }
  renderControls(msg, model, onModelChanged);
  if (result) markStale(`The result below is for ${result.model.response ?? result.responseName} in the data loaded before; fitting ${msg.name}…`);
  if (restoring) {
    busy(false);
    setStatus(`${msg.name} loaded again: change the model or press Fit.`);
    return;
  }
  const stray = strayTextMessage(msg);
  if (stray) {
    // A numeric column with a stray word would become a factor with a level per number: ask first.
    busy(false);
    setStatus('Loaded; not fitted: check the columns named below.');
    showMessage(stray.text, stray.columns);
    if (result) markStale(`The result below is from the data loaded before; ${msg.name} is loaded but not fitted yet.`);
    return;
  }
  fit();
}

/** Resolves after the next frame has been rendered (the layout of what was just added is done). */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

async function onResult(msg: ResultMessage, request: Pending): Promise<void> {
  result = msg;
  clearMessage();
  clearStale();
  // Two steps in two tasks (tables, then summary and plot), with a frame between them: on a
  // 1e6-row result the whole in one task came to 70–95 ms with its layout, near the 100 ms bound.
  const received = performance.now();
  let drawMs = 0;
  let started = received;
  const focused = document.activeElement;
  showTables(msg, data?.loaded.columns ?? [], data?.loaded.nRows ?? 0);
  // A keyboard user who pressed a button that the new result replaced (Firth, a "drop" button)
  // continues from the results heading, not from the top of the page.
  if (focused instanceof HTMLElement && focused !== document.body && !focused.isConnected) $('results-heading').focus();
  drawMs += performance.now() - started;
  await nextFrame();
  if (result !== msg) return; // a newer result came meanwhile: it draws itself
  started = performance.now();
  showSummaryAndPlot(msg);
  drawMs += performance.now() - started;
  await nextFrame();
  if (result !== msg) return;
  // From the message to the frame with the plot on screen: scripts, layout and paint, and the frame waits.
  const drawWallMs = performance.now() - received;
  timings = { ...timings, designMs: msg.timings.designMs, fitMs: msg.timings.fitMs, summaryMs: msg.timings.summaryMs, drawMs, drawWallMs, fitWallMs: performance.now() - request.started };
  showTimings();
  busy(false);
  fitCount += 1;
  document.body.dataset.fitCount = String(fitCount);
  // The end-to-end test waits for this: the page, its worker and the first fit are done.
  document.body.dataset.ready = 'true';
  const s = msg.stats;
  setStatus(`Fitted ${count(s.nObs)} rows in ${fmt(s.fitMs, 3)} ms: ${s.iterations} Newton iterations${s.converged ? '' : ' (not converged)'}.`);
}

function onError(msg: ErrorMessage): void {
  busy(false);
  setStatus(msg.phase === 'load' ? 'The data could not be read.' : 'The fit failed.');
  const keep = msg.phase === 'fit' && msg.dataLoaded ? '\nThe data stay loaded: change the model and fit again.' : '';
  // A fit that failed with an ID-like factor in it (one coefficient per row): say so, and offer to drop it.
  const model = currentModel();
  const ids = msg.phase === 'fit' && model && data ? idLikePredictors(model, data.loaded.columns, data.loaded.nRows) : [];
  const idNote = ids.length > 0 && data ? `\n${idLikeText(ids, data.loaded.nRows)}` : '';
  const columns = [...new Set([...(msg.columns ?? []), ...ids.map((c) => c.name)])];
  showMessage(`${msg.message}${idNote}${keep}`, columns);
  if (msg.phase === 'fit' && result) markStale('The result below is from an earlier model or file (the last fit failed).');
}

function onMessage(msg: WorkerToPage): void {
  // Marks in the performance timeline, so a long task can be matched with the message it handled.
  performance.mark(`demo:${msg.type}`);
  const request = pending;
  // Answers to requests replaced since (a new load or fit cancels the older one) are dropped.
  if (!request || msg.requestId !== request.requestId) return;
  switch (msg.type) {
    case 'progress': {
      // The live region says each phase once (a screen reader would read every row count);
      // the counts and iterations go to the detail line beside the progress bar.
      const phase = PHASE_TEXT[msg.phase];
      if ($('status').textContent !== phase) setStatus(phase);
      $('progress-detail').textContent = describeProgress(msg);
      if (msg.phase === 'read' && msg.totalBytes > 0) {
        const bar = $<HTMLProgressElement>('progress');
        bar.max = 1;
        bar.value = Math.min(1, msg.bytesRead / msg.totalBytes);
      } else busy(true);
      return;
    }
    case 'loaded':
      pending = undefined;
      onLoaded(msg, request);
      return;
    case 'result':
      pending = undefined;
      void onResult(msg, request);
      return;
    case 'error':
      pending = undefined;
      onError(msg);
      return;
    case 'cancelled':
      pending = undefined;
      busy(false);
      setStatus(msg.phase === 'load' ? 'Loading cancelled; the data loaded before stay.' : 'Fit cancelled.');
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Wiring

async function copySummary(): Promise<void> {
  const text = $('summary').textContent ?? '';
  const status = $('copy-status');
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = 'Copied.';
  } catch {
    // No clipboard permission (a page not served over https, or denied): select the text instead.
    const range = document.createRange();
    range.selectNodeContents($('summary'));
    getSelection()?.removeAllRanges();
    getSelection()?.addRange(range);
    status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
  }
}

function loadExample(): void {
  load({ kind: 'text', text: uclaCSV, name: EXAMPLE_NAME }, EXAMPLE_MODEL);
}

wireControls();
$('load-example').addEventListener('click', loadExample);
$<HTMLInputElement>('file-input').addEventListener('change', (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  // The File goes to the worker as it is (a handle: nothing is read on this thread).
  if (file) load({ kind: 'file', file });
  input.value = '';
});
$('paste-load').addEventListener('click', () => {
  load({ kind: 'text', text: $<HTMLTextAreaElement>('paste-text').value, name: 'pasted data' });
});
$('cancel').addEventListener('click', cancel);
$('fit-button').addEventListener('click', fit);
// Enter on a checkbox or a list in the model panel refits (buttons already act on Enter).
$('model-panel').addEventListener('keydown', (event) => {
  const target = event.target as HTMLElement;
  if (event.key === 'Enter' && (target instanceof HTMLSelectElement || (target instanceof HTMLInputElement && target.type === 'checkbox'))) {
    event.preventDefault();
    fit();
  }
});
$('plot-predictor').addEventListener('change', () => {
  const model = currentModel();
  if (!model) return;
  model.plotPredictor = $<HTMLSelectElement>('plot-predictor').value;
  fit();
});
$('copy-summary').addEventListener('click', () => void copySummary());

loadExample();
