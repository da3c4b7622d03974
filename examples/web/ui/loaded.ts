// What the page does with a freshly loaded file before fitting it: a preview of its first rows,
// the response kept from the model before (an edited file opened again), and a check for a
// numeric column with a stray word in it (which would otherwise become a factor).
import type { LoadedMessage, ModelSpec } from '../protocol.js';
import { $, h } from './dom.js';
import { scrollBox } from './tables.js';

/** A text column with at most this share of non-numbers among its levels is taken for a numeric column with typos. */
const NUMERIC_SHARE_OF_WORDS = 0.5;

/** The first rows as the worker read them, under the column names: shows at a glance whether the file was split right. */
export function showPreview(msg: LoadedMessage): void {
  const table = document.createElement('table');
  table.createCaption().textContent = `First ${msg.preview.length} rows of ${msg.name}`;
  const head = table.createTHead().insertRow();
  for (const c of msg.columns) head.append(h('th', { text: c.name, attrs: { scope: 'col' } }));
  const body = table.createTBody();
  for (const row of msg.preview) {
    const tr = body.insertRow();
    msg.columns.forEach((_, j) => (tr.insertCell().textContent = row[j] ?? ''));
  }
  $('preview').replaceChildren(scrollBox(table, `Preview of ${msg.name}`));
  $('preview-box').hidden = msg.preview.length === 0;
}

/**
 * When a file has the column the current model used as its response (an edited file opened
 * again), keep that response; the predictors are the rest of the default model.
 */
export function sameResponse(msg: LoadedMessage, kept: ModelSpec | undefined): Partial<ModelSpec> | undefined {
  const response = kept?.response;
  if (response === undefined || response === msg.defaultModel.response || !msg.columns.some((c) => c.name === response)) return undefined;
  const idLike = new Set(msg.columns.filter((c) => c.likelyId).map((c) => c.name));
  const predictors = [...msg.defaultModel.predictors, msg.defaultModel.response ?? ''].filter((n) => n !== '' && n !== response && !idLike.has(n));
  return { response, predictors, factors: msg.defaultModel.factors.filter((n) => predictors.includes(n)) };
}

/** A text column whose listed levels are mostly numbers: a numeric column with a stray word, most likely a typo. */
export function numbersWithWords(msg: LoadedMessage): { name: string; words: string[] }[] {
  const out: { name: string; words: string[] }[] = [];
  for (const c of msg.columns) {
    if (c.kind !== 'text' || c.levels.length === 0) continue;
    const words = c.levels.filter((level) => level.trim() === '' || !Number.isFinite(Number(level)));
    if (words.length > 0 && words.length <= NUMERIC_SHARE_OF_WORDS * c.levels.length) out.push({ name: c.name, words: words.slice(0, 3) });
  }
  return out;
}
