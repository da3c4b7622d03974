// The result tables: coefficients (R's summary columns with the interval and the odds ratio),
// model statistics, and the two-class identity β = w₁ − w₀ = 2·w₁(symmetric). Every table sits in
// its own scroll box (focusable and named, so a keyboard or screen-reader user can scroll it),
// which is what keeps a 390 px phone from scrolling sideways.
import type { CoefficientRow, FitStats, IdentityTable, LogisticTable, SoftmaxTable } from '../protocol.js';
import { count, fmt, fmtP, h, stars } from './dom.js';

/** Confidence level of the intervals, as a percentage for column heads. */
function percent(level: number): string {
  return `${Math.round(level * 1000) / 10}%`;
}

/** Wraps a table in a focusable, named scroll region. */
export function scrollBox(table: HTMLTableElement, name: string): HTMLDivElement {
  return h('div', { className: 'scroll', attrs: { tabindex: '0', role: 'region', 'aria-label': name } }, table);
}

interface Row {
  /** Row header (first cell, a <th scope="row">). */
  head: string;
  cells: { text: string; col?: string }[];
  testid?: string;
  className?: string;
}

/** A table with a caption, column heads (none empty) and row heads. */
export function table(caption: string, heads: string[], rows: Row[], className = ''): HTMLTableElement {
  const t = document.createElement('table');
  if (className) t.className = className;
  t.createCaption().textContent = caption;
  if (heads.length > 0) {
    const tr = t.createTHead().insertRow();
    for (const text of heads) tr.append(h('th', { text, attrs: { scope: 'col' } }));
  }
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    if (row.testid) tr.dataset.testid = row.testid;
    if (row.className) tr.className = row.className;
    tr.append(h('th', { text: row.head, attrs: { scope: 'row' } }));
    for (const cell of row.cells) {
      const td = tr.insertCell();
      td.textContent = cell.text;
      if (cell.col) td.dataset.col = cell.col;
    }
  }
  return t;
}

function interval(low: number | null, high: number | null): string {
  if (low === null || high === null || Number.isNaN(low)) return '—';
  return `${fmt(low, 4)} to ${fmt(high, 4)}`;
}

function coefficientCells(r: CoefficientRow): Row['cells'] {
  if (r.aliased) return [{ text: 'NA', col: 'estimate' }, { text: 'NA' }, { text: 'NA' }, { text: 'NA' }, { text: '' }, { text: 'dropped (collinear)' }, { text: '—' }, { text: '—' }];
  return [
    { text: fmt(r.estimate), col: 'estimate' },
    { text: fmt(r.se), col: 'se' },
    { text: fmt(r.z, 4), col: 'z' },
    { text: fmtP(r.p), col: 'p' },
    { text: stars(r.p), col: 'stars' },
    { text: interval(r.ciLow, r.ciHigh), col: 'ci' },
    { text: r.ratio === null ? '—' : fmt(r.ratio, 5), col: 'ratio' },
    { text: interval(r.ratioLow, r.ratioHigh), col: 'ratio-ci' },
  ];
}

function coefficientHeads(first: string, ratioName: string, level: number): string[] {
  return [first, 'Estimate', 'Std. Error', 'z value', 'Pr(>|z|)', 'Signif.', `${percent(level)} CI`, ratioName, `${ratioName} ${percent(level)} CI`];
}

export function logisticTable(t: LogisticTable, level: number): HTMLDivElement {
  const caption = `Logistic regression: log-odds of ${t.positiveClass} against ${t.baselineClass}`;
  return scrollBox(table(caption, coefficientHeads('Term', 'Odds ratio', level), t.rows.map((r) => ({
    head: r.term, cells: coefficientCells(r), testid: `logistic-row-${r.term}`,
  }))), caption);
}

export function softmaxTable(t: SoftmaxTable, level: number): HTMLDivElement {
  const caption = t.parameterization === 'reference'
    ? `Softmax regression: log-odds of each class against ${t.reference}`
    : 'Softmax regression, symmetric form: each term\'s coefficients sum to 0 over the classes';
  const ratioName = t.parameterization === 'reference' ? 'Relative risk ratio' : 'exp(w)';
  const rows: Row[] = [];
  for (const block of t.blocks) {
    for (const r of block.rows) rows.push({ head: `${block.className}: ${r.term}`, cells: coefficientCells(r), testid: `softmax-row-${block.className}-${r.term}` });
  }
  return scrollBox(table(caption, coefficientHeads('Class: term', ratioName, level), rows), caption);
}

/** Model statistics as R's summary and glance and statsmodels' summary show them. */
export function statsTable(s: FitStats, prefix: string, caption: string): HTMLDivElement {
  const rows: Row[] = [
    { head: 'Log-likelihood', cells: [{ text: `${fmt(s.logLik, 8)} (df = ${s.nParameters})` }], testid: `${prefix}-loglik` },
    { head: 'Residual deviance', cells: [{ text: `${fmt(s.deviance, 8)} on ${count(s.dfResidual)} df` }], testid: `${prefix}-deviance` },
    { head: 'Null deviance', cells: [{ text: `${fmt(s.nullDeviance, 8)} on ${count(s.dfNull)} df` }], testid: `${prefix}-null-deviance` },
    { head: 'AIC', cells: [{ text: fmt(s.aic, 8) }], testid: `${prefix}-aic` },
    { head: 'BIC', cells: [{ text: fmt(s.bic, 8) }], testid: `${prefix}-bic` },
    {
      head: 'LR test against the null model',
      cells: [{ text: s.lrTest ? `χ² = ${fmt(s.lrTest.statistic, 6)} on ${s.lrTest.df} df, p ${s.lrTest.p < 2e-16 ? '< 2e-16' : `= ${fmtP(s.lrTest.p)}`}` : '— (not for a penalized fit)' }],
      testid: `${prefix}-lr-test`,
    },
    {
      head: 'Pseudo-R²',
      cells: [{ text: s.pseudoR2 ? `McFadden ${fmt(s.pseudoR2.mcFadden, 4)}, Cox–Snell ${fmt(s.pseudoR2.coxSnell, 4)}, Nagelkerke ${fmt(s.pseudoR2.nagelkerke, 4)}` : '— (not for a penalized fit)' }],
      testid: `${prefix}-pseudo-r2`,
    },
    { head: 'Newton iterations', cells: [{ text: `${s.iterations}${s.converged ? ' (converged)' : ' (NOT converged)'}` }], testid: `${prefix}-iterations` },
    { head: 'Observations', cells: [{ text: s.totalWeight !== s.nObs ? `${count(s.nObs)} rows standing for ${fmt(s.totalWeight, 8)} cases` : count(s.nObs) }], testid: `${prefix}-nobs` },
    { head: 'Fit time (in the worker)', cells: [{ text: `${fmt(s.fitMs, 3)} ms` }], testid: `${prefix}-time` },
  ];
  return scrollBox(table(caption, [], rows, 'stats'), caption);
}

/**
 * β against the softmax fit in both forms, side by side, with the row where they differ most
 * highlighted: the library's core identity β = w₁ − w₀, and symmetric W = (−β/2, +β/2), SEs halved.
 */
export function identityTable(t: IdentityTable): HTMLElement {
  const p = t.positiveClass;
  const b = t.baselineClass;
  const caption = `β = w_${p} − w_${b}: logistic β, the softmax reference form (w_${b} ≡ 0) and the symmetric form (w_${p} = −w_${b} = β/2, SE halved)`;
  let worst = 0;
  let worstGap = -1;
  t.rows.forEach((r, j) => {
    const gap = Math.max(Math.abs(r.beta - r.referenceDiff), Math.abs(r.beta / 2 - r.symmetricW));
    if (gap > worstGap) { worstGap = gap; worst = j; }
  });
  const rows: Row[] = t.rows.map((r, j) => ({
    head: r.term,
    className: j === worst ? 'largest' : '',
    testid: `identity-row-${r.term}`,
    cells: [
      { text: fmt(r.beta), col: 'beta' },
      { text: fmt(r.referenceDiff), col: 'reference' },
      { text: fmt(r.symmetricW), col: 'symmetric' },
      { text: fmt(r.betaSE, 5), col: 'beta-se' },
      { text: fmt(r.referenceDiffSE, 5), col: 'reference-se' },
      { text: fmt(r.symmetricSE, 5), col: 'symmetric-se' },
    ],
  }));
  const heads = ['Term', 'β (logistic)', `w_${p} − w_${b} (reference)`, `w_${p} = −w_${b} (symmetric: ±β/2)`, 'SE(β)', `SE(w_${p} − w_${b})`, `SE(w_${p}) = SE(β)/2`];
  const d = t.largestDifference;
  const note = h('p', { className: 'note', testid: 'identity-largest' },
    `Largest differences over the terms: |β − (w_${p} − w_${b})| = ${d.estimate.toExponential(1)}, |β/2 − w_${p} (symmetric)| = ${d.symmetric.toExponential(1)}; ` +
      `SEs: ${d.se.toExponential(1)} and ${d.symmetricSE.toExponential(1)} (the highlighted row is where the estimates differ most).`);
  const box = h('div', { testid: 'identity' }, scrollBox(table(caption, heads, rows, 'identity-table'), 'Identity table: β against w'), note);
  return box;
}
