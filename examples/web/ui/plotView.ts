// Turns the worker's plot data (protocol PlotData) into a drawing (plot.ts), and redraws it at the
// container's width when that changes (a phone turned sideways, a window resized), so text stays
// at its CSS size instead of being scaled down with the picture.
import type { PlotData } from '../protocol.js';
import { renderLegend, renderPlot, type PlotSpec } from '../plot.js';
import { $, fmt, h } from './dom.js';

let shown: PlotSpec | undefined;
let drawnWidth = 0;
let observer: ResizeObserver | undefined;

/** The drawing of `plot`: for two classes only the second class's curve (what glm models). */
export function plotSpecOf(plot: PlotData): PlotSpec {
  const K = plot.classes.length;
  const curveClasses = K === 2 ? [1] : plot.classes.map((_, k) => k);
  const positions = plot.kind === 'factor' ? Float64Array.from(plot.levels, (_, i) => i) : plot.x;
  return {
    xLabel: plot.xLabel,
    // Two classes: name the probability drawn, from the column and its level (glm's P(second level)).
    yLabel: K === 2 ? `P(${plot.legendTitle} = ${plot.classes[1]})` : plot.yLabel,
    legendTitle: plot.legendTitle,
    classes: plot.classes,
    ...(plot.kind === 'factor' ? { levels: plot.levels } : {}),
    curves: curveClasses.map((k) => ({ cls: k, x: positions, prob: plot.prob[k]!, lower: plot.lower[k]!, upper: plot.upper[k]! })),
    // The worker already jitters factor levels (index ± 0.3), so the x values go in as they are.
    points: { x: plot.points.x, y: plot.points.y, cls: plot.points.classIndex },
    totalRows: plot.points.nRowsTotal,
    pointsJittered: plot.kind === 'factor',
  };
}

function width(): number {
  return $('plot').clientWidth;
}

function draw(): void {
  if (!shown) return;
  drawnWidth = width();
  renderPlot($('plot'), shown, drawnWidth);
}

/** Draws `plot` (or says why there is none); returns the milliseconds the drawing took. */
export function showPlot(plot: PlotData | null): number {
  const started = performance.now();
  const held = $('plot-held');
  if (!plot) {
    shown = undefined;
    $('plot').replaceChildren(h('p', { className: 'note', text: 'No predictor to plot against.' }));
    $('plot-legend').replaceChildren();
    held.textContent = '';
    return performance.now() - started;
  }
  shown = plotSpecOf(plot);
  draw();
  renderLegend($('plot-legend'), shown);
  held.textContent = plot.heldAt.length === 0
    ? `Band: pointwise ${Math.round(plot.level * 100)}% interval (delta method).`
    : `Other predictors held at: ${plot.heldAt.map((v) => `${v.column} = ${v.how === 'mean' ? fmt(Number(v.value), 4) : v.value} (${v.how === 'mean' ? 'mean' : 'reference level'})`).join(', ')}. ` +
      `Band: pointwise ${Math.round(plot.level * 100)}% interval (delta method).`;
  if (!observer) {
    observer = new ResizeObserver(() => {
      if (shown && Math.abs(width() - drawnWidth) >= 8) requestAnimationFrame(draw);
    });
    observer.observe($('plot'));
  }
  return performance.now() - started;
}
