// Small DOM and number-formatting helpers shared by the page's views.

export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** An element with a class, a test id and text, in one call. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; testid?: string; text?: string; id?: string; attrs?: Record<string, string> } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.testid) node.dataset.testid = props.testid;
  if (props.id) node.id = props.id;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [key, value] of Object.entries(props.attrs ?? {})) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

export function option(value: string, text: string, selected: boolean): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  o.selected = selected;
  return o;
}

/** A number with `digits` significant digits, R-like: no trailing zeros, exponent form outside 1e-4..1e7. */
export function fmt(x: number | null | undefined, digits = 6): string {
  if (x === null || x === undefined) return '—';
  if (Number.isNaN(x)) return 'NA';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-4 && a < 1e7 ? Number(x.toPrecision(digits)).toString() : x.toExponential(digits - 1);
}

/** A p-value as R prints it. */
export function fmtP(p: number): string {
  if (Number.isNaN(p)) return 'NA';
  return p < 2e-16 ? '< 2e-16' : fmt(p, 3);
}

/** R's significance codes. */
export function stars(p: number): string {
  return p < 0.001 ? '***' : p < 0.01 ? '**' : p < 0.05 ? '*' : p < 0.1 ? '.' : '';
}

/** A whole number with thousands separators. */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Bytes as MB with one decimal. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
