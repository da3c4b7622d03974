// The softlogit demo page: read a CSV (the UCLA admissions data by default), code it like R's
// model.matrix, fit logistic and softmax regression in a Web Worker, and show both side by side
// with a plot of the fitted probabilities. Any failure (a bad CSV, one class, a singular design)
// is shown in the message box and leaves the previous data and result in place.
import {
  designMatrix, init, parseCSV, SoftlogitError,
  type DataFrame, type Design, type LabelResponse, type LogisticFit, type SoftmaxFit,
} from '../../src/index.js';
import { FitWorker } from '../../src/worker/index.js';
import uclaCSV from '../../data/binary.csv?raw';
import { renderPlot } from './plot.js';

/** Softmax here stops at this many classes: a numeric response with more is almost surely not categorical. */
const MAX_CLASSES = 20;
/** A text column whose non-missing cells are at least this share numbers is taken as a numeric column with bad cells. */
const NUMERIC_SHARE = 0.5;
const PLOT_GRID = 120;

interface Dataset {
  source: string;
  frame: DataFrame;
}

interface Choice {
  response: string;
  predictors: string[];
  /** Numeric predictors to code as factors (R's factor(rank)). */
  factors: string[];
  /** Index of the reference class among the response levels. */
  referenceIndex: number;
}

interface Timing {
  /** Inside the worker. */
  fitMs: number;
  /** From posting the data to having the model back on this thread. */
  totalMs: number;
}

interface Result {
  dataset: Dataset;
  choice: Choice;
  design: Design;
  classes: (string | number)[];
  labels: (string | number)[];
  logistic?: LogisticFit;
  logisticTiming?: Timing;
  softmax: SoftmaxFit;
  softmaxTiming: Timing;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const worker = new FitWorker();
let current: Result | undefined;
let fitSequence = 0;

// ---------------------------------------------------------------------------------------------
// Numbers

function fmt(x: number, digits = 6): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-4 && a < 1e7 ? Number(x.toPrecision(digits)).toString() : x.toExponential(digits - 1);
}

function fmtP(p: number): string {
  return p < 2e-16 ? '< 2e-16' : fmt(p, 3);
}

function stars(p: number): string {
  return p < 0.001 ? '***' : p < 0.01 ? '**' : p < 0.05 ? '*' : p < 0.1 ? '.' : '';
}

// ---------------------------------------------------------------------------------------------
// Data

/**
 * parseCSV, plus the checks a person expects from a model page: a column of numbers with a stray
 * word in it is an error (parseCSV alone would read it as a text column, i.e. a factor), and a file
 * needs data rows.
 */
function readCSV(text: string): DataFrame {
  if (text.trim() === '') throw new Error('The CSV is empty: expected a header line with the column names, then one line per row.');
  const frame = parseCSV(text);
  const suspicious = frame.columns.filter((c) => {
    if (c.kind !== 'string') return false;
    const present = c.values.filter((v): v is string => v !== null);
    const numeric = present.filter((v) => v.trim() !== '' && Number.isFinite(Number(v))).length;
    return numeric > 0 && numeric >= NUMERIC_SHARE * present.length;
  });
  // Let parseCSV name the first bad cell and its line.
  if (suspicious.length > 0) parseCSV(text, { numeric: suspicious.map((c) => c.name) });
  if (frame.nRows === 0) throw new Error(`The CSV has a header (${frame.names.join(', ')}) but no data rows.`);
  if (frame.names.length < 2) throw new Error(`The CSV has one column (${frame.names[0]}); a model needs a response and at least one predictor.`);
  return frame;
}

function distinctCount(frame: DataFrame, name: string): number {
  const column = frame.columns[frame.names.indexOf(name)]!;
  const values = column.kind === 'numeric' ? Array.from(column.values).filter((v) => !Number.isNaN(v)) : column.values.filter((v) => v !== null);
  return new Set<string | number>(values).size;
}

function defaultChoice(frame: DataFrame, preferred?: Partial<Choice>): Choice {
  // The response asked for, else the current one when the new file has it (a file edited and
  // opened again), else the first column with few distinct values.
  const previous = current?.choice.response;
  const response =
    preferred?.response && frame.names.includes(preferred.response)
      ? preferred.response
      : previous !== undefined && frame.names.includes(previous)
        ? previous
        : frame.names.find((n) => distinctCount(frame, n) <= 10) ?? frame.names[0]!;
  const predictors = preferred?.predictors?.filter((n) => frame.names.includes(n) && n !== response) ?? frame.names.filter((n) => n !== response);
  return { response, predictors, factors: preferred?.factors ?? [], referenceIndex: 0 };
}

// ---------------------------------------------------------------------------------------------
// Fitting

function describeError(error: unknown): string {
  if (error instanceof SoftlogitError) return `${error.message} [${error.code}]`;
  return error instanceof Error ? error.message : String(error);
}

async function timed<T>(run: (onTiming: (ms: number) => void) => Promise<T>): Promise<{ value: T; timing: Timing }> {
  let fitMs = Number.NaN;
  const started = performance.now();
  const value = await run((ms) => (fitMs = ms));
  return { value, timing: { fitMs, totalMs: performance.now() - started } };
}

async function fitAll(dataset: Dataset, choice: Choice): Promise<Result> {
  const { frame } = dataset;
  if (choice.predictors.length === 0) throw new Error('Choose at least one predictor.');
  const design = designMatrix(frame, {
    response: choice.response,
    predictors: choice.predictors,
    factors: choice.factors.filter((f) => choice.predictors.includes(f)),
  });
  const response = design.response as LabelResponse;
  const classes = response.levels;
  if (classes.length < 2) {
    throw new Error(
      `The response "${choice.response}" has only one class (${String(classes[0])}) in the ${design.nRows} rows used: ` +
        'logistic and softmax regression need at least two.',
    );
  }
  if (classes.length > MAX_CLASSES) {
    throw new Error(`The response "${choice.response}" has ${classes.length} distinct values; this page fits at most ${MAX_CLASSES} classes. Choose a categorical response.`);
  }
  const X = { data: design.X, nRows: design.nRows, nFeatures: design.nFeatures };
  const referenceIndex = choice.referenceIndex < classes.length ? choice.referenceIndex : 0;
  const softmax = await timed((onTiming) =>
    worker.fitSoftmax(X, response.labels, { names: design.names, classes, reference: classes[referenceIndex], onTiming }),
  );
  const result: Result = {
    dataset,
    choice: { ...choice, referenceIndex },
    design,
    classes,
    labels: response.labels,
    softmax: softmax.value,
    softmaxTiming: softmax.timing,
  };
  if (classes.length === 2) {
    // glm's convention: the first level is failure (0), the second success (1).
    const y = response.labels.map((label) => (label === classes[1] ? 1 : 0));
    const logistic = await timed((onTiming) => worker.fitLogistic(X, y, { names: design.names, onTiming }));
    result.logistic = logistic.value;
    result.logisticTiming = logistic.timing;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Messages and status

function showMessage(text: string): void {
  const box = $('message');
  box.textContent = current ? `${text}\n(The previous result is still shown.)` : text;
  box.hidden = false;
}

function clearMessage(): void {
  const box = $('message');
  box.textContent = '';
  box.hidden = true;
}

/** Runs a load or refit; shows the outcome, or the error with the previous result left in place. */
async function attempt(make: () => Promise<Result> | Result): Promise<void> {
  const sequence = ++fitSequence;
  $('fit-status').textContent = 'fitting…';
  try {
    const result = await make();
    if (sequence !== fitSequence) return;
    current = result;
    clearMessage();
    renderControls(result);
    renderResults(result);
    $('fit-status').textContent = '';
  } catch (error) {
    if (sequence !== fitSequence) return;
    showMessage(describeError(error));
    $('fit-status').textContent = 'failed';
    if (current) renderControls(current);
  }
}

function loadText(text: string, source: string, preferred?: Partial<Choice>): Promise<void> {
  return attempt(async () => {
    const frame = readCSV(text);
    const dataset = { source, frame };
    return fitAll(dataset, defaultChoice(frame, preferred));
  });
}

// ---------------------------------------------------------------------------------------------
// Controls

function option(value: string, text: string, selected: boolean): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  o.selected = selected;
  return o;
}

function renderControls(result: Result): void {
  const { frame, source } = result.dataset;
  const { choice } = result;
  const d = result.design;
  $('data-status').textContent =
    `${source}: ${frame.nRows} rows, ${frame.names.length} columns` +
    (d.droppedRows > 0 ? `; ${d.droppedRows} rows with missing values left out` : '');

  $<HTMLSelectElement>('response').replaceChildren(...frame.names.map((n) => option(n, n, n === choice.response)));
  $<HTMLSelectElement>('reference').replaceChildren(
    ...result.classes.map((c, k) => option(String(k), String(c), k === choice.referenceIndex)),
  );

  const box = $('predictors');
  box.replaceChildren();
  for (const [j, name] of frame.names.entries()) {
    if (name === choice.response) continue;
    const numeric = frame.columns[j]!.kind === 'numeric';
    const wrap = document.createElement('span');
    const label = document.createElement('label');
    const check = document.createElement('input');
    check.type = 'checkbox';
    check.value = name;
    check.className = 'predictor';
    check.dataset.testid = `predictor-${name}`;
    check.checked = choice.predictors.includes(name);
    label.append(check, ` ${name}`);
    wrap.append(label);
    if (numeric) {
      const factorLabel = document.createElement('label');
      factorLabel.className = 'factor';
      const factor = document.createElement('input');
      factor.type = 'checkbox';
      factor.value = name;
      factor.className = 'factor-flag';
      factor.checked = choice.factors.includes(name);
      factorLabel.append(factor, ' factor');
      wrap.append(factorLabel);
    } else {
      const note = document.createElement('small');
      note.className = 'note';
      note.textContent = ' (text: dummy-coded)';
      wrap.append(note);
    }
    box.append(wrap);
  }
}

function choiceFromControls(base: Result): Choice {
  const response = $<HTMLSelectElement>('response').value;
  const checked = (selector: string) => Array.from(document.querySelectorAll<HTMLInputElement>(selector)).filter((c) => c.checked).map((c) => c.value);
  const predictors = checked('input.predictor').filter((n) => n !== response);
  const sameResponse = response === base.choice.response;
  return {
    response,
    predictors: sameResponse ? predictors : base.dataset.frame.names.filter((n) => n !== response),
    factors: checked('input.factor-flag'),
    referenceIndex: sameResponse ? Number($<HTMLSelectElement>('reference').value) : 0,
  };
}

function refit(): void {
  const base = current;
  if (!base) return;
  void attempt(() => fitAll(base.dataset, choiceFromControls(base)));
}

// ---------------------------------------------------------------------------------------------
// Results

function table(caption: string, head: string[], rows: { cells: string[]; testid?: string }[], className = ''): HTMLTableElement {
  const t = document.createElement('table');
  if (className) t.className = className;
  if (caption) t.createCaption().textContent = caption;
  if (head.length > 0) {
    const tr = t.createTHead().insertRow();
    for (const h of head) {
      const th = document.createElement('th');
      th.textContent = h;
      tr.append(th);
    }
  }
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    if (row.testid) tr.dataset.testid = row.testid;
    row.cells.forEach((c, j) => {
      const td = tr.insertCell();
      td.textContent = c;
      if (j === 1) td.dataset.col = 'estimate';
    });
  }
  return t;
}

function statsTable(fit: { deviance: number; nullDeviance: number; aic: number; iterations: number; converged: boolean; nObs: number }, timing: Timing, prefix: string): HTMLTableElement {
  return table('', [], [
    { cells: ['Residual deviance', fmt(fit.deviance, 8)], testid: `${prefix}-deviance` },
    { cells: ['Null deviance', fmt(fit.nullDeviance, 8)] },
    { cells: ['AIC', fmt(fit.aic, 8)], testid: `${prefix}-aic` },
    { cells: ['Newton iterations', `${fit.iterations}${fit.converged ? '' : ' (not converged)'}`], testid: `${prefix}-iterations` },
    { cells: ['Observations', String(fit.nObs)] },
    { cells: ['Time', `${fmt(timing.fitMs, 3)} ms in the worker, ${fmt(timing.totalMs, 3)} ms in all`], testid: `${prefix}-time` },
  ], 'stats');
}

function heading(text: string, sub: string): HTMLElement {
  const h = document.createElement('h3');
  h.textContent = text;
  const s = document.createElement('small');
  s.className = 'note';
  s.textContent = `  ${sub}`;
  h.append(s);
  return h;
}

function paragraph(text: string, className = 'note', testid?: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.className = className;
  p.textContent = text;
  if (testid) p.dataset.testid = testid;
  return p;
}

/** W as a features × classes table, each cell "estimate (se)". */
function wTable(caption: string, fit: SoftmaxFit, classes: readonly (string | number)[]): HTMLTableElement {
  const W = fit.coefficients;
  const S = fit.standardErrors;
  const K = classes.length;
  return table(caption, ['', ...classes.map(String)], fit.names.map((name, j) => ({
    cells: [name, ...Array.from({ length: K }, (_, k) => {
      const se = S.get(j, k);
      return se > 0 ? `${fmt(W.get(j, k))} (${fmt(se, 3)})` : fmt(W.get(j, k));
    })],
  })));
}

function renderLogistic(result: Result): void {
  const panel = $('logistic-panel');
  panel.replaceChildren(heading('Logistic regression', "glm(family = binomial)"));
  const fit = result.logistic;
  if (!fit || !result.logisticTiming) {
    panel.append(paragraph(
      `The response has ${result.classes.length} classes; binary logistic regression needs exactly 2. ` +
        'The multinomial model below is its generalization (for 2 classes the two fits coincide).',
    ));
    return;
  }
  panel.append(paragraph(`P(${result.choice.response} = ${String(result.classes[1])} | x) = σ(xᵀβ)`));
  const se = fit.standardErrors;
  const z = fit.zValues;
  const p = fit.pValues;
  panel.append(table('β', ['', 'Estimate', 'Std. Error', 'z value', 'Pr(>|z|)', ''], fit.names.map((name, j) => ({
    cells: [name, fmt(fit.coefficients[j]!), fmt(se[j]!), fmt(z[j]!, 4), fmtP(p[j]!), stars(p[j]!)],
    testid: `logistic-row-${name}`,
  }))));
  panel.append(statsTable(fit, result.logisticTiming, 'logistic'));
}

function renderSoftmax(result: Result): void {
  const panel = $('softmax-panel');
  const fit = result.softmax;
  const symmetric = fit.withParameterization('symmetric');
  const K = result.classes.length;
  const ref = String(fit.reference);
  panel.replaceChildren(heading('Softmax regression', `multinom, ${K} classes, reference ${ref}`));
  panel.append(paragraph('P(k | x) = exp(xᵀw_k) / Σ_l exp(xᵀw_l)'));

  // Multinomial table: each non-reference class against the reference.
  const W = fit.coefficients;
  const S = fit.standardErrors;
  const Z = fit.zValues;
  const P = fit.pValues;
  const rows: { cells: string[]; testid?: string }[] = [];
  result.classes.forEach((cls, k) => {
    if (k === result.choice.referenceIndex) return;
    fit.names.forEach((name, j) => {
      rows.push({
        cells: [`${String(cls)}: ${name}`, fmt(W.get(j, k)), fmt(S.get(j, k)), fmt(Z.get(j, k), 4), fmtP(P.get(j, k)), stars(P.get(j, k))],
        testid: `softmax-row-${String(cls)}-${name}`,
      });
    });
  });
  panel.append(table(`Multinomial table (log-odds against ${ref})`, ['class: term', 'Estimate', 'Std. Error', 'z value', 'Pr(>|z|)', ''], rows));
  panel.append(wTable(`W, reference form (w_${ref} = 0); estimate (SE)`, fit, result.classes));
  panel.append(wTable('W, symmetric form (each row sums to 0); estimate (SE)', symmetric, result.classes));

  const logistic = result.logistic;
  if (logistic && K === 2) {
    // β = w_1 − w_0 in any form; show the term where the two differ most.
    const c0 = String(result.classes[0]);
    const c1 = String(result.classes[1]);
    const Ws = symmetric.coefficients;
    let worst = 0;
    let worstDiff = -1;
    const diffOf = (Wm: typeof W, j: number) => Math.abs(logistic.coefficients[j]! - (Wm.get(j, 1) - Wm.get(j, 0)));
    for (let j = 0; j < fit.names.length; j++) {
      const d = Math.max(diffOf(W, j), diffOf(Ws, j));
      if (d > worstDiff) { worstDiff = d; worst = j; }
    }
    const name = fit.names[worst]!;
    panel.append(paragraph(
      `β = w_${c1} − w_${c0}, largest difference at ${name}: ` +
        `${logistic.coefficients[worst]} = ${Ws.get(worst, 1)} − (${Ws.get(worst, 0)}) (symmetric) = ` +
        `${W.get(worst, 1)} − (${W.get(worst, 0)}) (reference); |difference| ≤ ${worstDiff.toExponential(2)}`,
      'identity', 'identity',
    ));
  }
  panel.append(statsTable(fit, result.softmaxTiming, 'softmax'));
}

function renderPlotFor(result: Result): void {
  const select = $<HTMLSelectElement>('plot-predictor');
  const d = result.design;
  const numeric = d.names.filter((n, j) => result.choice.predictors.includes(n) && !d.factors.some((f) => f.name === n) && j >= 0);
  const previous = select.value;
  select.replaceChildren(...numeric.map((n) => option(n, n, n === previous)));
  const chosen = numeric.includes(previous) ? previous : numeric[0];
  if (chosen === undefined) {
    $('plot').replaceChildren(paragraph('No numeric predictor to plot against.'));
    return;
  }
  select.value = chosen;
  const col = d.names.indexOf(chosen);
  const p = d.nFeatures;
  const means = new Float64Array(p);
  for (let i = 0; i < d.nRows; i++) for (let j = 0; j < p; j++) means[j]! += d.X[i * p + j]! / d.nRows;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < d.nRows; i++) { const v = d.X[i * p + col]!; lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const grid = Float64Array.from({ length: PLOT_GRID }, (_, g) => lo + ((hi - lo) * g) / (PLOT_GRID - 1));
  const Xg = new Float64Array(PLOT_GRID * p);
  for (let g = 0; g < PLOT_GRID; g++) { Xg.set(means, g * p); Xg[g * p + col] = grid[g]!; }
  const K = result.classes.length;
  const probGrid = result.softmax.predict({ data: Xg, nRows: PLOT_GRID, nFeatures: p }, { type: 'prob' });
  const gridProb = Array.from({ length: PLOT_GRID }, (_, g) => Array.from({ length: K }, (_, k) => probGrid.get(g, k)));
  const classIndex = new Map(result.classes.map((c, k) => [c, k] as const));
  let points: { x: number; cls: number; y: number }[];
  let yLabel: string;
  if (K === 2) {
    // Observed 0/1, spread a little so overlapping points show.
    points = result.labels.map((label, i) => {
      const cls = classIndex.get(label)!;
      const spread = ((i * 0.618034) % 1) * 0.04;
      return { x: d.X[i * p + col]!, cls, y: cls === 1 ? 1 - spread : spread };
    });
    yLabel = `P(${result.choice.response} = ${String(result.classes[1])})`;
  } else {
    const fitted = result.softmax.predict({ data: d.X, nRows: d.nRows, nFeatures: p }, { type: 'prob' });
    points = result.labels.map((label, i) => {
      const cls = classIndex.get(label)!;
      return { x: d.X[i * p + col]!, cls, y: fitted.get(i, cls) };
    });
    yLabel = 'P(class)  (points: fitted P of the observed class)';
  }
  renderPlot($('plot'), {
    xLabel: chosen,
    yLabel,
    classes: result.classes.map(String),
    curveClasses: K === 2 ? [1] : result.classes.map((_, k) => k),
    grid,
    gridProb,
    points,
  });
}

function renderResults(result: Result): void {
  const { choice, design } = result;
  $('formula').textContent = `${choice.response} ~ ${choice.predictors.map((n) => (choice.factors.includes(n) ? `factor(${n})` : n)).join(' + ')}` +
    `   (X: ${design.nRows} × ${design.nFeatures} + intercept)`;
  document.querySelector('.side-by-side')!.classList.toggle('multinomial', result.classes.length > 2);
  renderLogistic(result);
  renderSoftmax(result);
  renderPlotFor(result);
  $('results').hidden = false;
}

// ---------------------------------------------------------------------------------------------
// Wiring

$('load-example').addEventListener('click', () => void loadText(uclaCSV, 'UCLA admissions (data/binary.csv)', { response: 'admit', predictors: ['gre', 'gpa'] }));
$<HTMLInputElement>('file-input').addEventListener('change', (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  void file.text().then((text) => loadText(text, file.name)).finally(() => (input.value = ''));
});
$('paste-load').addEventListener('click', () => void loadText($<HTMLTextAreaElement>('paste-text').value, 'pasted text'));
$('fit-button').addEventListener('click', refit);
$('response').addEventListener('change', refit);
$('reference').addEventListener('change', refit);
$('predictors').addEventListener('change', refit);
$('plot-predictor').addEventListener('change', () => current && renderPlotFor(current));

await init();
await loadText(uclaCSV, 'UCLA admissions (data/binary.csv)', { response: 'admit', predictors: ['gre', 'gpa'] });
document.body.dataset.ready = 'true';
