// What the page does with a freshly loaded file before fitting it: a preview of its first rows,
// the response kept from the model before (an edited file opened again), and a check for a
// numeric column with a stray word in it (which would otherwise become a factor).
import type { LoadedMessage, ModelSpec } from '../protocol.js';
import { $, count, h } from './dom.js';
import { scrollBox } from './tables.js';

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

/**
 * What to tell the user about numeric columns with stray words (the engine's
 * `ColumnInfo.strayText`), naming each column, its words and their rows; undefined when there
 * are none. Such a column would be dummy-coded as a factor with one level per number, so the
 * page asks before fitting.
 *
 * @example
 * strayTextMessage(loaded)?.text
 * // => 'Column gre holds numbers but also "abc" (data row 2, line 3 of the file): ...'
 */
export function strayTextMessage(msg: LoadedMessage): { text: string; columns: string[] } | undefined {
  const flagged = msg.columns.filter((c) => c.strayText !== undefined);
  if (flagged.length === 0) return undefined;
  const lines = flagged.map((c) => {
    const s = c.strayText!;
    const where = s.values.map((v, k) => `"${v}" (data row ${count(s.rows[k]!)}${s.lines ? `, line ${count(s.lines[k]!)} of the file` : ''})`);
    const more = s.count > s.values.length ? ` and ${count(s.count - s.values.length)} more text cell${s.count - s.values.length === 1 ? '' : 's'}` : '';
    return `Column ${c.name} holds numbers but also ${where.join(', ')}${more}: as it is, it would be dummy-coded as a factor with one level per value.`;
  });
  return {
    text: `${lines.join('\n')}\nFix the file and open it again, untick the column, or press Fit to use it as a factor.`,
    columns: flagged.map((c) => c.name),
  };
}
