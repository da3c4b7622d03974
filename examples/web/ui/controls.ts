// The model controls: response, weights, counts columns, parameterization, reference class, level
// order (a list with up/down buttons) and the predictors (two named checkboxes per column). The
// model being edited (a protocol ModelSpec) is the single source of truth: every control writes
// into it and calls `changed`; the controls are drawn from it. Controls are redrawn only when what
// they list changes (a new file, another response), never on a result, so keyboard focus stays put.
import type { ColumnInfo, LoadedMessage, ModelSpec } from '../protocol.js';
import { $, count, h, option } from './dom.js';

/** What the page does after a control changed the model: refit now (true) or wait for Fit. */
export type Changed = (refit: boolean) => void;

const NONE = '';

interface State {
  data: LoadedMessage;
  model: ModelSpec;
  /** The response to return to when the counts columns are unticked. */
  lastResponse: string | undefined;
  /** Column whose levels the level-order list shows. */
  levelsOf: string | undefined;
  changed: Changed;
}

let state: State | undefined;

function column(name: string): ColumnInfo | undefined {
  return state?.data.columns.find((c) => c.name === name);
}

/** Levels of a column in the model's order (its `levelOrder`, else R's sorted order). */
export function levelsInOrder(data: LoadedMessage, model: ModelSpec, name: string): string[] {
  return model.levelOrder?.[name] ?? data.columns.find((c) => c.name === name)?.levels ?? [];
}

/** Columns that are neither the response, nor the weights, nor a counts column. */
function predictorCandidates(s: State): ColumnInfo[] {
  const taken = new Set<string>([s.model.response ?? '', s.model.weights ?? '', ...(s.model.counts ?? [])]);
  return s.data.columns.filter((c) => !taken.has(c.name));
}

function dropFromPredictors(model: ModelSpec, names: string[]): void {
  model.predictors = model.predictors.filter((n) => !names.includes(n));
  model.factors = model.factors.filter((n) => !names.includes(n));
}

/** Draws every control for `data` and `model`; `changed` is called after each edit. */
export function renderControls(data: LoadedMessage, model: ModelSpec, changed: Changed): void {
  state = { data, model, lastResponse: model.response ?? state?.lastResponse, levelsOf: model.response, changed };
  const numeric = data.columns.filter((c) => c.kind === 'numeric');

  const response = $<HTMLSelectElement>('response');
  response.replaceChildren(...data.columns.map((c) => option(c.name, c.name, c.name === model.response)));
  response.disabled = model.counts !== undefined;

  const weights = $<HTMLSelectElement>('weights');
  weights.replaceChildren(
    option(NONE, '(none: every row counts once)', model.weights === undefined),
    ...numeric.filter((c) => !((c.min ?? 0) < 0)).map((c) => option(c.name, c.name, c.name === model.weights)),
  );

  $<HTMLSelectElement>('parameterization').value = model.parameterization;

  const counts = $('counts');
  const candidates = numeric.filter((c) => c.nonNegativeIntegers);
  counts.replaceChildren(...(candidates.length === 0
    ? [h('p', { className: 'note', text: 'No column holds whole numbers ≥ 0.' })]
    : candidates.map((c) => {
      const box = h('input', { className: 'count-flag', testid: `count-${c.name}`, attrs: { type: 'checkbox', value: c.name, 'aria-label': `use ${c.name} as a counts column` } });
      box.checked = model.counts?.includes(c.name) ?? false;
      return h('label', {}, box, ` ${c.name}`);
    })));
  if (model.counts) $<HTMLDetailsElement>('counts-box').open = true;

  renderPredictors();
  renderReference();
  renderLevels();
}

/** The predictor list: "use X as predictor", and for numeric columns "treat X as factor". */
function renderPredictors(): void {
  const s = state!;
  const items = predictorCandidates(s).map((c) => {
    const use = h('input', { className: 'predictor', testid: `predictor-${c.name}`, attrs: { type: 'checkbox', value: c.name, 'aria-label': `use ${c.name} as predictor` } });
    use.checked = s.model.predictors.includes(c.name);
    const item = h('div', { className: 'predictor-item' }, h('label', {}, use, ` ${c.name}`));
    if (c.kind === 'numeric') {
      const factor = h('input', { className: 'factor-flag', testid: `factor-${c.name}`, attrs: { type: 'checkbox', value: c.name, 'aria-label': `treat ${c.name} as factor` } });
      factor.checked = s.model.factors.includes(c.name);
      item.append(h('label', { className: 'factor' }, factor, ' factor'));
    } else {
      item.append(h('small', { className: 'note', text: `text, ${count(c.nDistinct)} levels` }));
    }
    if (c.likelyId) item.append(h('span', { className: 'hint', text: `looks like an ID (all ${count(c.nDistinct)} values distinct): left out by default` }));
    else if (c.nMissing > 0) item.append(h('span', { className: 'hint', text: `${count(c.nMissing)} missing: those rows are left out when used` }));
    return item;
  });
  $('predictors').replaceChildren(...items);
}

/** Reference class: levels of the response in order, or the counts columns. */
function renderReference(): void {
  const s = state!;
  const { model } = s;
  const choices = model.counts ?? (model.response ? levelsInOrder(s.data, model, model.response) : []);
  const chosen = model.referenceClass !== undefined && choices.includes(model.referenceClass) ? model.referenceClass : choices[0];
  $<HTMLSelectElement>('reference').replaceChildren(...choices.map((c) => option(c, c, c === chosen)));
}

/** Columns whose levels can be ordered: the response and the factor predictors. */
function orderable(s: State): string[] {
  const out: string[] = [];
  if (s.model.response) out.push(s.model.response);
  for (const name of s.model.predictors) {
    const c = column(name);
    if (c && (c.kind === 'text' || s.model.factors.includes(name))) out.push(name);
  }
  return out;
}

/** The level-order list of one column: each level with "move up" and "move down" buttons. */
function renderLevels(focus?: { level: string; direction: 'up' | 'down' }): void {
  const s = state!;
  const names = orderable(s);
  if (s.levelsOf === undefined || !names.includes(s.levelsOf)) s.levelsOf = names[0];
  const select = $<HTMLSelectElement>('levels-of');
  select.replaceChildren(...names.map((n) => option(n, n, n === s.levelsOf)));
  const list = $('levels');
  const name = s.levelsOf;
  const info = name === undefined ? undefined : column(name);
  if (name === undefined || !info) {
    list.replaceChildren();
    $('levels-note').textContent = 'No response or factor to order.';
    return;
  }
  const levels = levelsInOrder(s.data, s.model, name);
  const tooMany = info.nDistinct > levels.length;
  $('levels-note').textContent = tooMany
    ? `${name} has ${count(info.nDistinct)} levels; only the first ${levels.length} are listed and the order cannot be changed.`
    : name === s.model.response ? 'First level: the baseline (failure) of the logistic model.' : 'First level: the reference (baseline) level of the dummies.';
  list.replaceChildren(...levels.map((level, i) => {
    const up = h('button', { text: '↑', attrs: { type: 'button', 'aria-label': `Move ${level} up`, 'data-level': level, 'data-direction': 'up' } });
    const down = h('button', { text: '↓', attrs: { type: 'button', 'aria-label': `Move ${level} down`, 'data-level': level, 'data-direction': 'down' } });
    up.disabled = tooMany || i === 0;
    down.disabled = tooMany || i === levels.length - 1;
    return h('li', { testid: `level-${level}` }, h('span', { text: level }), up, down);
  }));
  if (focus) {
    const buttons = Array.from(list.querySelectorAll<HTMLButtonElement>(`button[data-level]`)).filter((b) => b.dataset.level === focus.level);
    const same = buttons.find((b) => b.dataset.direction === focus.direction && !b.disabled);
    (same ?? buttons.find((b) => !b.disabled))?.focus();
  }
}

function checkedValues(selector: string): string[] {
  return Array.from(document.querySelectorAll<HTMLInputElement>(selector)).filter((c) => c.checked).map((c) => c.value);
}

/** Removes columns from the model (the "drop them" buttons), ticks them off, and refits. */
export function dropColumns(names: string[]): void {
  const s = state;
  if (!s) return;
  dropFromPredictors(s.model, names);
  renderPredictors();
  renderLevels();
  s.changed(true);
}

/** Sets the remedy (Firth, ridge, or none) and refits. */
export function setRemedy(remedy: ModelSpec['remedy']): void {
  const s = state;
  if (!s) return;
  if (remedy) s.model.remedy = remedy;
  else delete s.model.remedy;
  s.changed(true);
}

/** The model being edited (undefined before the first load). */
export function currentModel(): ModelSpec | undefined {
  return state?.model;
}

/** Wires the controls once; they then read and write the current state. */
export function wireControls(): void {
  $('response').addEventListener('change', () => {
    const s = state;
    if (!s) return;
    const name = $<HTMLSelectElement>('response').value;
    s.model.response = name;
    s.lastResponse = name;
    dropFromPredictors(s.model, [name]);
    if (s.model.weights === name) delete s.model.weights;
    delete s.model.referenceClass;
    s.levelsOf = name;
    renderPredictors();
    renderReference();
    renderLevels();
    s.changed(true);
  });
  $('weights').addEventListener('change', () => {
    const s = state;
    if (!s) return;
    const name = $<HTMLSelectElement>('weights').value;
    if (name === NONE) delete s.model.weights;
    else {
      s.model.weights = name;
      dropFromPredictors(s.model, [name]);
    }
    renderPredictors();
    s.changed(true);
  });
  $('parameterization').addEventListener('change', () => {
    const s = state;
    if (!s) return;
    s.model.parameterization = $<HTMLSelectElement>('parameterization').value === 'symmetric' ? 'symmetric' : 'reference';
    s.changed(true);
  });
  $('reference').addEventListener('change', () => {
    const s = state;
    if (!s) return;
    s.model.referenceClass = $<HTMLSelectElement>('reference').value;
    s.changed(true);
  });
  $('counts').addEventListener('change', () => {
    const s = state;
    if (!s) return;
    const ticked = checkedValues('input.count-flag');
    if (ticked.length >= 2) {
      s.model.counts = ticked;
      delete s.model.response;
      dropFromPredictors(s.model, ticked);
      if (s.model.weights && ticked.includes(s.model.weights)) delete s.model.weights;
    } else {
      delete s.model.counts;
      s.model.response = s.lastResponse ?? s.data.columns[0]!.name;
    }
    delete s.model.referenceClass;
    $<HTMLSelectElement>('response').disabled = s.model.counts !== undefined;
    $('counts-note').textContent = ticked.length === 1 ? 'Tick at least two columns (one per class) to use counts.' : '';
    renderPredictors();
    renderReference();
    renderLevels();
    s.changed(ticked.length !== 1);
  });
  $('predictors').addEventListener('change', (event) => {
    const s = state;
    if (!s) return;
    const target = event.target as HTMLInputElement;
    s.model.predictors = checkedValues('input.predictor');
    s.model.factors = checkedValues('input.factor-flag').filter((n) => s.model.predictors.includes(n));
    if (target.classList.contains('factor-flag') && target.checked && !s.model.predictors.includes(target.value)) {
      // Marking a column as a factor means using it.
      s.model.predictors.push(target.value);
      s.model.factors.push(target.value);
      (document.querySelector<HTMLInputElement>(`input.predictor[value="${CSS.escape(target.value)}"]`)!).checked = true;
    }
    renderLevels();
    s.changed(true);
  });
  $('levels-of').addEventListener('change', () => {
    const s = state;
    if (!s) return;
    s.levelsOf = $<HTMLSelectElement>('levels-of').value;
    renderLevels();
  });
  $('levels').addEventListener('click', (event) => {
    const s = state;
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-level]');
    if (!s || !button || s.levelsOf === undefined) return;
    const name = s.levelsOf;
    const levels = [...levelsInOrder(s.data, s.model, name)];
    const level = button.dataset.level!;
    const direction = button.dataset.direction === 'up' ? 'up' : 'down';
    const i = levels.indexOf(level);
    const j = direction === 'up' ? i - 1 : i + 1;
    if (i < 0 || j < 0 || j >= levels.length) return;
    [levels[i], levels[j]] = [levels[j]!, levels[i]!];
    s.model.levelOrder = { ...s.model.levelOrder, [name]: levels };
    if (name === s.model.response) renderReference();
    renderLevels({ level, direction });
    s.changed(true);
  });
}
