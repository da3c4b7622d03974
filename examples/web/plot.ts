// The fitted-probability plot: an SVG drawn by hand (no dependency). One curve per class shown,
// probability (0..1) against one numeric predictor, with the data points.

/** What to draw. */
export interface PlotSpec {
  /** Name of the predictor on the x axis. */
  xLabel: string;
  /** Class names, one colour each. */
  classes: readonly string[];
  /** Which classes get a curve (for a binary response only the second, as glm models it). */
  curveClasses: readonly number[];
  /** The curve: x grid and, per grid point, the probability of every class. */
  grid: ArrayLike<number>;
  gridProb: ArrayLike<ArrayLike<number>>;
  /** The data: predictor value, observed class, and the y at which to draw the point. */
  points: { x: number; cls: number; y: number }[];
  /** Y axis label. */
  yLabel: string;
}

const WIDTH = 760;
const HEIGHT = 380;
const MARGIN = { left: 56, right: 150, top: 16, bottom: 46 };
const PALETTE = ['#2458b3', '#d1495b', '#2e933c', '#edae49', '#7b4fa0', '#00798c', '#8c5a3c', '#e56db1', '#4f5d75', '#7fb800'];

const SVG_NS = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

export function colorOf(k: number): string {
  return PALETTE[k % PALETTE.length]!;
}

/** Replaces the content of `container` with the plot. */
export function renderPlot(container: HTMLElement, spec: PlotSpec): void {
  const xs = spec.points.map((p) => p.x);
  let lo = Math.min(...xs, spec.grid[0]!);
  let hi = Math.max(...xs, spec.grid[spec.grid.length - 1]!);
  if (hi === lo) { lo -= 1; hi += 1; }
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - lo) / (hi - lo)) * plotW;
  const sy = (y: number) => MARGIN.top + (1 - y) * plotH;

  const svg = el('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img', 'aria-label': `Fitted probability against ${spec.xLabel}` });
  svg.append(el('rect', { x: MARGIN.left, y: MARGIN.top, width: plotW, height: plotH, fill: 'none', stroke: '#b9c1cf' }));
  for (const t of niceTicks(lo, hi)) {
    svg.append(el('line', { x1: sx(t), x2: sx(t), y1: MARGIN.top + plotH, y2: MARGIN.top + plotH + 5, stroke: '#4a5468' }));
    svg.append(el('text', { x: sx(t), y: MARGIN.top + plotH + 18, 'text-anchor': 'middle', 'font-size': 12, fill: '#4a5468' }, String(t)));
  }
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(el('line', { x1: MARGIN.left, x2: MARGIN.left + plotW, y1: sy(t), y2: sy(t), stroke: '#eef0f4' }));
    svg.append(el('text', { x: MARGIN.left - 8, y: sy(t) + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#4a5468' }, String(t)));
  }
  svg.append(el('text', { x: MARGIN.left + plotW / 2, y: HEIGHT - 8, 'text-anchor': 'middle', 'font-size': 13 }, spec.xLabel));
  svg.append(el('text', { x: 14, y: MARGIN.top + plotH / 2, 'text-anchor': 'middle', 'font-size': 13, transform: `rotate(-90 14 ${MARGIN.top + plotH / 2})` }, spec.yLabel));

  const points = el('g', { 'fill-opacity': 0.45 });
  for (const p of spec.points) points.append(el('circle', { cx: sx(p.x), cy: sy(p.y), r: 2.6, fill: colorOf(p.cls) }));
  svg.append(points);

  for (const k of spec.curveClasses) {
    const d = Array.from(spec.grid, (x, i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(2)},${sy(spec.gridProb[i]![k]!).toFixed(2)}`).join('');
    svg.append(el('path', { d, fill: 'none', stroke: colorOf(k), 'stroke-width': 2.4, 'data-class': spec.classes[k]! }));
  }

  spec.classes.forEach((name, k) => {
    const y = MARGIN.top + 12 + k * 20;
    const x = WIDTH - MARGIN.right + 16;
    const curve = spec.curveClasses.includes(k);
    svg.append(el('line', { x1: x, x2: x + 18, y1: y, y2: y, stroke: colorOf(k), 'stroke-width': curve ? 2.4 : 0 }));
    svg.append(el('circle', { cx: x + 9, cy: y, r: 3, fill: colorOf(k), 'fill-opacity': 0.6 }));
    svg.append(el('text', { x: x + 24, y: y + 4, 'font-size': 12 }, name));
  });
  container.replaceChildren(svg);
}
