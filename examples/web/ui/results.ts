// Draws a finished fit: the formula, the diagnostics next to the tables (separation with its
// remedies, collinear columns with "drop them"), the coefficient and statistics tables, the
// two-class identity table, the R-style summary and the plot.
import type { ColumnInfo, ModelSpec, ResultMessage } from '../protocol.js';
import { dropColumns, setRemedy } from './controls.js';
import { $, h } from './dom.js';
import { showPlot } from './plotView.js';
import { identityTable, logisticTable, softmaxTable, statsTable } from './tables.js';

/** R's formula of the fitted model, with weights and the remedy. */
export function formulaOf(r: ResultMessage): string {
  const m = r.model;
  const lhs = m.counts ? `cbind(${m.counts.join(', ')})` : (m.response ?? r.responseName);
  const rhs = m.predictors.length === 0 ? '1' : m.predictors.map((n) => (m.factors.includes(n) ? `factor(${n})` : n)).join(' + ');
  const extras = [
    m.weights ? `weights = ${m.weights}` : '',
    m.remedy?.kind === 'firth' ? "Firth's bias reduction" : m.remedy?.kind === 'ridge' ? `ridge λ = ${m.remedy.lambda}` : '',
  ].filter((s) => s !== '');
  return `${lhs} ~ ${rhs}${extras.length > 0 ? `   (${extras.join('; ')})` : ''}`;
}

function remedyLabel(remedy: ModelSpec['remedy']): string {
  return remedy?.kind === 'firth' ? "Firth's bias-reduced logistic regression" : remedy?.kind === 'ridge' ? `ridge (λ = ${remedy.lambda})` : '';
}

/**
 * A factor with about as many levels as rows (a row ID) adds one coefficient per row: the fit
 * separates and means nothing. Share of distinct values per row above which a factor is called ID-like.
 */
const ID_LIKE_SHARE = 0.5;
/** ...and at least this many levels (a 10-row file's 6-level factor is no ID). */
const ID_LIKE_MIN_LEVELS = 20;

/** Predictors of `model` that look like row identifiers, with their level counts. */
export function idLikePredictors(model: ModelSpec, columns: readonly ColumnInfo[], nRows: number): ColumnInfo[] {
  return model.predictors
    .map((name) => columns.find((c) => c.name === name))
    .filter((c): c is ColumnInfo => c !== undefined && (c.kind === 'text' || model.factors.includes(c.name)))
    .filter((c) => c.likelyId || (c.nDistinct >= ID_LIKE_MIN_LEVELS && c.nDistinct > ID_LIKE_SHARE * nRows));
}

/** "id has 403 distinct values in 403 rows: …" for the ID-like predictors. */
export function idLikeText(ids: readonly ColumnInfo[], nRows: number): string {
  return ids.map((c) => `${c.name} has ${c.nDistinct.toLocaleString('en-US')} distinct values in ${nRows.toLocaleString('en-US')} rows`).join('; ') +
    `: as a factor ${ids.length === 1 ? 'it adds' : 'they add'} about one coefficient per row, so the fit separates or fails and means nothing. ` +
    `${ids.length === 1 ? 'It looks' : 'They look'} like a row identifier.`;
}

/** The boxes next to the tables: ID-like factors, separation (Firth, ridge), collinear columns, the remedy in use, other warnings. */
function renderDiagnostics(r: ResultMessage, columns: readonly ColumnInfo[], nRows: number): void {
  const d = r.diagnostics;
  const boxes: HTMLElement[] = [];
  const ids = idLikePredictors(r.model, columns, nRows);
  if (ids.length > 0) {
    const names = ids.map((c) => c.name);
    const drop = h('button', { testid: 'drop-ids', text: `Drop ${names.join(', ')} from the model`, attrs: { type: 'button' } });
    drop.addEventListener('click', () => dropColumns(names));
    boxes.push(h('section', { className: 'diagnostic', testid: 'id-warning', attrs: { 'aria-label': 'Identifier columns' } },
      h('p', { text: idLikeText(ids, nRows) }),
      drop));
  }
  if (d.separation) {
    const s = d.separation;
    const box = h('section', { className: 'diagnostic', testid: 'separation-warning', attrs: { 'aria-labelledby': 'separation-heading' } },
      h('h3', { id: 'separation-heading', text: 'Separation: the maximum-likelihood estimates do not exist' }),
      h('p', { text: s.message }),
      h('p', { text: 'The estimates and standard errors below are not meaningful. Refit with a remedy:' }));
    const row = h('div', { className: 'row' });
    if (s.remedies.includes('firth')) {
      const firth = h('button', { testid: 'firth-button', text: "Refit with Firth's method", attrs: { type: 'button' } });
      firth.addEventListener('click', () => setRemedy({ kind: 'firth' }));
      row.append(firth);
    }
    if (s.remedies.includes('ridge')) {
      const lambda = h('input', { id: 'ridge-lambda', testid: 'ridge-lambda', attrs: { type: 'number', min: '0', step: 'any', value: String(s.suggestedLambda) } });
      const ridge = h('button', { testid: 'ridge-button', text: 'Refit with ridge', attrs: { type: 'button' } });
      ridge.addEventListener('click', () => {
        const value = Number(lambda.value);
        if (!(value > 0)) {
          lambda.setCustomValidity('λ must be a number greater than 0');
          lambda.reportValidity();
          return;
        }
        lambda.setCustomValidity('');
        setRemedy({ kind: 'ridge', lambda: value });
      });
      row.append(h('label', {}, 'Ridge λ ', lambda), ridge);
    }
    box.append(row);
    boxes.push(box);
  }
  if (d.remedy) {
    const back = h('button', { testid: 'remedy-off', text: 'Back to maximum likelihood', attrs: { type: 'button' } });
    back.addEventListener('click', () => setRemedy(undefined));
    boxes.push(h('section', { className: 'diagnostic', testid: 'remedy-note', attrs: { 'aria-label': 'Remedy in use' } },
      h('p', { text: `Fitted with ${remedyLabel(d.remedy)}.` }), back));
  }
  if (d.aliased.length > 0) {
    const drop = h('button', { testid: 'drop-aliased', text: `Drop ${d.aliasedColumns.join(', ')} from the model`, attrs: { type: 'button' } });
    drop.addEventListener('click', () => dropColumns(d.aliasedColumns));
    boxes.push(h('section', { className: 'diagnostic', testid: 'collinear-warning', attrs: { 'aria-label': 'Collinear columns' } },
      h('p', { text: `Collinear: ${d.aliased.join(', ')} ${d.aliased.length === 1 ? 'is a linear combination' : 'are linear combinations'} of the other columns ` +
        `and ${d.aliased.length === 1 ? 'was' : 'were'} dropped (R's NA coefficients). From the data column${d.aliasedColumns.length === 1 ? '' : 's'} ${d.aliasedColumns.join(', ')}.` }),
      drop));
  }
  // The separation message comes once per fit (logistic and softmax): the box above says it.
  const others = d.warnings.filter((w) => !(d.separation && (w === d.separation.message || /separated/.test(w))));
  if (others.length > 0) {
    boxes.push(h('section', { className: 'diagnostic', testid: 'warnings', attrs: { 'aria-label': 'Warnings' } },
      h('ul', {}, ...others.map((w) => h('li', { text: w })))));
  }
  if (d.droppedRows > 0) {
    boxes.push(h('p', { className: 'note', text: `${d.droppedRows.toLocaleString('en-US')} rows with a missing value in a used column were left out.` }));
  }
  $('diagnostics').replaceChildren(...boxes);
}

function renderTables(r: ResultMessage): void {
  const level = r.model.level ?? 0.95;
  const panels: HTMLElement[] = [];
  if (r.logistic) {
    panels.push(h('article', { className: 'panel', testid: 'logistic-panel', attrs: { 'aria-labelledby': 'logistic-heading' } },
      h('h3', { id: 'logistic-heading', text: r.diagnostics.remedy?.kind === 'firth' ? "Logistic regression (Firth)" : 'Logistic regression' }),
      h('p', { className: 'note', text: `P(${r.responseName} = ${r.logistic.positiveClass} | x) = σ(xᵀβ), like R's glm(family = binomial)` }),
      logisticTable(r.logistic, level),
      statsTable(r.stats, 'logistic', 'Logistic model statistics')));
  }
  if (r.softmax) {
    const stats = r.logistic ? r.softmaxStats : r.stats;
    panels.push(h('article', { className: 'panel', testid: 'softmax-panel', attrs: { 'aria-labelledby': 'softmax-heading' } },
      h('h3', { id: 'softmax-heading', text: `Softmax regression (${r.classes.length} classes)` }),
      h('p', { className: 'note', text: `P(k | x) = exp(xᵀw_k) / Σ_l exp(xᵀw_l), like R's nnet::multinom; ${r.softmax.parameterization === 'reference' ? `reference class ${r.reference}` : 'symmetric form'}` }),
      softmaxTable(r.softmax, level),
      ...(stats ? [statsTable(stats, 'softmax', 'Softmax model statistics')] : [])));
  }
  const children: HTMLElement[] = [h('div', { className: 'panels' }, ...panels)];
  if (!r.logistic && r.classes.length > 2) {
    children.push(h('p', { className: 'note', testid: 'logistic-note', text: `The response has ${r.classes.length} classes; binary logistic regression needs exactly 2, so only the multinomial model is shown.` }));
  }
  if (r.identity) {
    children.push(h('article', { className: 'panel', attrs: { 'aria-labelledby': 'identity-heading' } },
      h('h3', { id: 'identity-heading', text: 'One model, two parameterizations' }),
      identityTable(r.identity)));
  }
  $('tables').replaceChildren(...children);
}

/** Draws `r`'s formula, diagnostics and tables (the first of the two steps of showing a result). */
export function showTables(r: ResultMessage, columns: readonly ColumnInfo[], nRows: number): void {
  $('formula').textContent = formulaOf(r);
  renderDiagnostics(r, columns, nRows);
  renderTables(r);
  $('results').hidden = false;
  $('results').classList.remove('stale');
}

/**
 * Draws `r`'s summary and plot (the second step: run in a later task than showTables, so that
 * neither, with the layout it causes, holds the main thread long on a big result).
 */
export function showSummaryAndPlot(r: ResultMessage): void {
  $('summary').textContent = r.summary;
  const select = $<HTMLSelectElement>('plot-predictor');
  const chosen = r.plot?.predictor;
  select.replaceChildren(...r.model.predictors.map((n) => {
    const o = document.createElement('option');
    o.value = n;
    o.textContent = n;
    o.selected = n === chosen;
    return o;
  }));
  select.disabled = r.model.predictors.length === 0;
  showPlot(r.plot);
}

/** Marks the result shown as not belonging to the data or model now in the controls. */
export function markStale(note: string): void {
  $('results').classList.add('stale');
  $('stale-note').textContent = note;
}

export function clearStale(): void {
  $('stale-note').textContent = '';
}

