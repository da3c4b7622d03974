// The fitted-probability plot: an SVG drawn by hand (no dependency). Probability (0..1) against
// one predictor, one curve (or, for a factor, one point per level) per class with its 95% band,
// and a sample of the data points. Classes are told apart by colour AND marker shape (Okabe–Ito
// palette × eight shapes), so a figure printed in grey or read by a colour-blind person still
// works, and 64 classes get 64 different markers.
//
// The SVG is drawn at the width of its container, one viewBox unit per CSS pixel, so its text is
// as large on a 390 px phone as on a desktop; the caller redraws it when the container resizes.
// The legend is HTML (it wraps on narrow screens and is read by screen readers as a list).

/** One class's fitted probability along the x axis, with its pointwise 95% band. */
export interface PlotCurve {
  /** Index into `PlotSpec.classes`. */
  cls: number;
  /** x values (numeric axis) or level indices (factor axis), increasing. */
  x: ArrayLike<number>;
  prob: ArrayLike<number>;
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
}

/** The sampled data points: three parallel arrays of the same length. */
export interface PlotPoints {
  /** x value, or level index on a factor axis. */
  x: ArrayLike<number>;
  /** Height at which to draw the point (0..1). */
  y: ArrayLike<number>;
  /** Observed class of the row (index into `PlotSpec.classes`). */
  cls: ArrayLike<number>;
}

/** What to draw. */
export interface PlotSpec {
  /** Axis labels, from the column names. */
  xLabel: string;
  yLabel: string;
  /** Legend title: the response's name. */
  legendTitle: string;
  /** Class names (legend entries), in the order their colours and markers are given out. */
  classes: readonly string[];
  /** `levels` set: x is a factor and `x` values are level indices, drawn as categories. */
  levels?: readonly string[];
  curves: readonly PlotCurve[];
  points: PlotPoints;
  /** Rows in the data (the points are a sample of them). */
  totalRows: number;
  /** Factor axis: the points' x already spread around their level (else the plot spreads them). */
  pointsJittered?: boolean;
}

/** Okabe & Ito (2008), "Color Universal Design": eight colours told apart with any colour vision; yellow last (weak on white). */
export const OKABE_ITO = ['#0072B2', '#D55E00', '#009E73', '#E69F00', '#CC79A7', '#56B4E9', '#000000', '#F0E442'] as const;
/** Filled marker shapes; class k gets colour k mod 8 and shape (k + ⌊k/8⌋) mod 8, a different pair for each of 64 classes. */
export const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'plus', 'cross', 'hexagon'] as const;
export type Shape = (typeof SHAPES)[number];

/** Narrowest drawing: below this the SVG is scaled down rather than squeezed further. */
const MIN_WIDTH = 300;
const FONT_PX = 12;
const LABEL_PX = 13;
const MARGIN = { left: 52, right: 14, top: 12, bottom: 44 };
const POINT_RADIUS = 3.2;
const SVG_NS = 'http://www.w3.org/2000/svg';

export function colorOf(k: number): string {
  return OKABE_ITO[k % OKABE_ITO.length]!;
}

export function shapeOf(k: number): Shape {
  return SHAPES[(k + Math.floor(k / OKABE_ITO.length)) % SHAPES.length]!;
}

/** SVG path data of one marker of `shape` centred at (x, y) with half-size r. */
export function markerPath(shape: Shape, x: number, y: number, r: number): string {
  const f = (v: number) => v.toFixed(1);
  const poly = (pts: [number, number][]) => `M${pts.map(([dx, dy]) => `${f(x + dx * r)},${f(y + dy * r)}`).join('L')}Z`;
  switch (shape) {
    case 'circle': return `M${f(x - r)},${f(y)}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
    case 'square': return poly([[-0.9, -0.9], [0.9, -0.9], [0.9, 0.9], [-0.9, 0.9]]);
    case 'triangle': return poly([[0, -1.15], [1.05, 0.85], [-1.05, 0.85]]);
    case 'triangle-down': return poly([[0, 1.15], [1.05, -0.85], [-1.05, -0.85]]);
    case 'diamond': return poly([[0, -1.2], [1.1, 0], [0, 1.2], [-1.1, 0]]);
    case 'plus': return poly([[-0.35, -1.1], [0.35, -1.1], [0.35, -0.35], [1.1, -0.35], [1.1, 0.35], [0.35, 0.35], [0.35, 1.1], [-0.35, 1.1], [-0.35, 0.35], [-1.1, 0.35], [-1.1, -0.35], [-0.35, -0.35]]);
    case 'cross': {
      const a = 0.3;
      return poly([[-1, -1 + a], [-1 + a, -1], [0, -a], [1 - a, -1], [1, -1 + a], [a, 0], [1, 1 - a], [1 - a, 1], [0, a], [-1 + a, 1], [-1, 1 - a], [-a, 0]]);
    }
    case 'hexagon': return poly([[0, -1.1], [0.95, -0.55], [0.95, 0.55], [0, 1.1], [-0.95, 0.55], [-0.95, -0.55]]);
  }
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  // Integer multiples of the step (not a running sum, whose rounding turns 0 into 5.6e-17).
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Smallest and largest finite value over several arrays, by a loop (spreading a million values into Math.min overflows the stack). */
export function finiteRange(arrays: readonly ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const values of arrays) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/** "5,000 of 1,000,000 rows shown" (or "all 400 rows shown"). */
export function sampleNote(shown: number, total: number): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return shown >= total ? `all ${n(total)} rows shown` : `${n(shown)} of ${n(total)} rows shown`;
}

/** A short label that fits `maxChars`, with an ellipsis when cut. */
function clip(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(1, maxChars - 1))}…`;
}

/** The swatch of class k (its marker, drawn as the plot draws it), for the legend. */
export function legendSwatch(k: number, withLine: boolean): SVGSVGElement {
  const svg = el('svg', { width: 26, height: 14, viewBox: '0 0 26 14', 'aria-hidden': 'true', focusable: 'false' });
  if (withLine) svg.append(el('line', { x1: 1, x2: 25, y1: 7, y2: 7, stroke: colorOf(k), 'stroke-width': 2.4 }));
  svg.append(el('path', { d: markerPath(shapeOf(k), 13, 7, 4.5), fill: colorOf(k), stroke: k % 8 === 7 ? '#6b6400' : colorOf(k), 'stroke-width': 1 }));
  return svg;
}

/**
 * Replaces the content of `container` with the plot, `width` CSS pixels wide (at least MIN_WIDTH),
 * and returns the SVG. Cost is linear in the sampled points: each class's markers are one path.
 */
export function renderPlot(container: HTMLElement, spec: PlotSpec, width: number): SVGSVGElement {
  const W = Math.max(MIN_WIDTH, Math.floor(width));
  const H = Math.round(Math.min(420, Math.max(260, W * 0.6)));
  const plotW = W - MARGIN.left - MARGIN.right;
  const plotH = H - MARGIN.top - MARGIN.bottom;
  const levels = spec.levels;

  let lo: number;
  let hi: number;
  if (levels) {
    lo = -0.5;
    hi = levels.length - 0.5;
  } else {
    [lo, hi] = finiteRange([spec.points.x, ...spec.curves.map((c) => c.x)]);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) { lo = 0; hi = 1; }
    if (hi === lo) { lo -= 1; hi += 1; }
  }
  const sx = (x: number) => MARGIN.left + ((x - lo) / (hi - lo)) * plotW;
  const sy = (y: number) => MARGIN.top + (1 - Math.min(1, Math.max(0, y))) * plotH;
  const shown = spec.points.x.length;
  const svg = el('svg', {
    viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img',
    'aria-label': `${spec.yLabel} against ${spec.xLabel}, by ${spec.legendTitle}; ${sampleNote(shown, spec.totalRows)}`,
    'font-size': FONT_PX,
  });
  svg.append(el('rect', { x: MARGIN.left, y: MARGIN.top, width: plotW, height: plotH, fill: 'white', stroke: '#b9c1cf' }));

  // Axes.
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(el('line', { x1: MARGIN.left, x2: MARGIN.left + plotW, y1: sy(t), y2: sy(t), stroke: '#eef0f4' }));
    svg.append(el('text', { x: MARGIN.left - 6, y: sy(t) + 4, 'text-anchor': 'end', fill: '#3d4556' }, String(t)));
  }
  const axisY = MARGIN.top + plotH;
  if (levels) {
    const slot = plotW / Math.max(1, levels.length);
    const maxChars = Math.max(2, Math.floor(slot / (FONT_PX * 0.6)));
    levels.forEach((name, i) => {
      svg.append(el('line', { x1: sx(i), x2: sx(i), y1: axisY, y2: axisY + 5, stroke: '#3d4556' }));
      const label = el('text', { x: sx(i), y: axisY + 17, 'text-anchor': 'middle', fill: '#3d4556' }, clip(name, maxChars));
      label.append(el('title', {}, name));
      svg.append(label);
    });
  } else {
    for (const t of niceTicks(lo, hi, Math.max(3, Math.floor(plotW / 80)))) {
      svg.append(el('line', { x1: sx(t), x2: sx(t), y1: axisY, y2: axisY + 5, stroke: '#3d4556' }));
      svg.append(el('text', { x: sx(t), y: axisY + 17, 'text-anchor': 'middle', fill: '#3d4556' }, String(t)));
    }
  }
  svg.append(el('text', { x: MARGIN.left + plotW / 2, y: H - 8, 'text-anchor': 'middle', 'font-size': LABEL_PX, 'font-weight': 600, 'data-axis': 'x' }, spec.xLabel));
  const midY = MARGIN.top + plotH / 2;
  svg.append(el('text', {
    x: 14, y: midY, 'text-anchor': 'middle', 'font-size': LABEL_PX, 'font-weight': 600, 'data-axis': 'y', transform: `rotate(-90 14 ${midY})`,
  }, clip(spec.yLabel, Math.floor(plotH / (LABEL_PX * 0.6)))));

  // Data points: one path per class (5,000 <circle> elements cost a layout each; a path costs one).
  const K = spec.classes.length;
  const dPoints: string[][] = Array.from({ length: K }, () => []);
  const { x: px, y: py, cls: pc } = spec.points;
  // Spread points of a factor level over 60% of its slot, by a fixed irrational step (no randomness: the same data draw the same picture).
  const jitter = levels && !spec.pointsJittered ? 0.3 : 0;
  for (let i = 0; i < shown; i++) {
    const k = pc[i]!;
    if (!(k >= 0 && k < K)) continue;
    const xv = jitter > 0 ? px[i]! + jitter * (2 * ((i * 0.618034) % 1) - 1) : px[i]!;
    dPoints[k]!.push(markerPath(shapeOf(k), sx(xv), sy(py[i]!), POINT_RADIUS));
  }
  const pointLayer = el('g', { 'fill-opacity': 0.35, 'stroke-opacity': 0.6, 'stroke-width': 0.8, 'data-layer': 'points' });
  dPoints.forEach((parts, k) => {
    if (parts.length > 0) pointLayer.append(el('path', { d: parts.join(''), fill: colorOf(k), stroke: colorOf(k), 'data-points': spec.classes[k]! }));
  });
  svg.append(pointLayer);

  // Fitted probabilities with their 95% bands.
  const dodge = levels ? Math.min(0.3, 0.6 / Math.max(1, spec.curves.length)) : 0;
  spec.curves.forEach((curve, c) => {
    const color = colorOf(curve.cls);
    const n = curve.x.length;
    const name = spec.classes[curve.cls] ?? String(curve.cls);
    if (levels) {
      const offset = (c - (spec.curves.length - 1) / 2) * dodge;
      const group = el('g', { 'data-class': name, 'data-kind': 'levels' });
      for (let i = 0; i < n; i++) {
        const x = sx(curve.x[i]! + offset);
        if (curve.lower && curve.upper) {
          group.append(el('line', { x1: x, x2: x, y1: sy(curve.lower[i]!), y2: sy(curve.upper[i]!), stroke: color, 'stroke-width': 2, 'data-band': '95' }));
        }
        group.append(el('path', { d: markerPath(shapeOf(curve.cls), x, sy(curve.prob[i]!), 5), fill: color, stroke: '#1d2330', 'stroke-width': 0.8 }));
      }
      svg.append(group);
      return;
    }
    if (curve.lower && curve.upper && n > 1) {
      const upper: string[] = [];
      const lower: string[] = [];
      for (let i = 0; i < n; i++) upper.push(`${sx(curve.x[i]!).toFixed(2)},${sy(curve.upper[i]!).toFixed(2)}`);
      for (let i = n - 1; i >= 0; i--) lower.push(`${sx(curve.x[i]!).toFixed(2)},${sy(curve.lower[i]!).toFixed(2)}`);
      svg.append(el('path', { d: `M${upper.join('L')}L${lower.join('L')}Z`, fill: color, 'fill-opacity': 0.18, stroke: 'none', 'data-band': name }));
    }
    const line: string[] = [];
    for (let i = 0; i < n; i++) line.push(`${i === 0 ? 'M' : 'L'}${sx(curve.x[i]!).toFixed(2)},${sy(curve.prob[i]!).toFixed(2)}`);
    svg.append(el('path', { d: line.join(''), fill: 'none', stroke: color, 'stroke-width': 2.4, 'data-class': name }));
  });
  container.replaceChildren(svg);
  return svg;
}

/** The legend: a titled list, each class with its marker (and line when it has a curve). */
export function renderLegend(container: HTMLElement, spec: PlotSpec): void {
  const title = document.createElement('p');
  title.className = 'legend-title';
  title.id = `${container.id || 'plot'}-legend-title`;
  title.textContent = spec.legendTitle;
  const list = document.createElement('ul');
  list.setAttribute('aria-labelledby', title.id);
  const withCurve = new Set(spec.curves.map((c) => c.cls));
  spec.classes.forEach((name, k) => {
    const item = document.createElement('li');
    item.append(legendSwatch(k, withCurve.has(k)), document.createTextNode(` ${name}`));
    list.append(item);
  });
  const note = document.createElement('p');
  note.className = 'note';
  note.dataset.testid = 'plot-sample-note';
  note.textContent = `${sampleNote(spec.points.x.length, spec.totalRows)}; shaded: 95% band of the fitted probability`;
  container.replaceChildren(title, list, note);
}
