/**
 * The plot's data: the fitted probability of each class along one predictor with its pointwise
 * confidence band (the library's `predict(X, { se: true, level })`: for a logistic fit the
 * interval σ(η ± z·se(η)), for a softmax fit the delta-method interval, cut to [0, 1]), and a
 * reproducible sample of at most 5 000 data points. Every pass over the data is a plain loop:
 * no `Math.min(...values)`, which overflows the call stack on large arrays (issue #16, point 1).
 */
import type { LogisticFit } from '../../../src/models/logisticFit.js';
import type { SoftmaxFit } from '../../../src/models/softmaxFit.js';
import type { HeldValue, ModelSpec, PlotData, PlotPoints } from '../protocol.js';
import type { Fits, PreparedDesign } from './model.js';

/** Points drawn at most: enough to show the data's shape, few enough to draw in a frame. */
export const MAX_PLOT_POINTS = 5000;
/** Grid points along a numeric predictor (the curve is smooth at this spacing). */
export const GRID_POINTS = 100;
/** Vertical jitter of the points around their class's band, and horizontal jitter on a factor axis. */
export const Y_JITTER = 0.04;
export const FACTOR_X_JITTER = 0.3;
/** Seed of the point sample and jitter: the same data give the same picture. */
export const PLOT_SEED = 16;

/**
 * mulberry32: a small, fast 32-bit generator (Tommy Ettinger's), plenty for picking points.
 * @example const next = mulberry32(1); next() // => 0.6270739405881613
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `m` of the indices 0 … n−1, each subset equally likely, ascending (Knuth's selection sampling,
 * Algorithm S: one pass, no array of n). All of them when n ≤ m.
 * @example sampleIndices(10, 3, mulberry32(1)) // => three ascending indices in [0, 10)
 */
export function sampleIndices(n: number, m: number, random: () => number): Uint32Array {
  if (n <= m) return Uint32Array.from({ length: n }, (_, i) => i);
  const out = new Uint32Array(m);
  let chosen = 0;
  for (let i = 0; i < n && chosen < m; i++) {
    if ((n - i) * random() < m - chosen) out[chosen++] = i;
  }
  return out;
}

/**
 * The smallest and largest finite value of column `j` of a row-major n × p matrix, by a loop.
 * @example columnRange(Float64Array.of(1, 5, 3, 2), 2, 2, 1) // => { min: 2, max: 5 }
 */
export function columnRange(data: Float64Array, nRows: number, p: number, j: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0, at = j; i < nRows; i++, at += p) {
    const v = data[at]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** The predictor the plot runs along: the asked one, else the first numeric, else the first. */
export function plotPredictorOf(prepared: PreparedDesign, spec: ModelSpec): string | undefined {
  const predictors = prepared.design.predictors;
  if (spec.plotPredictor !== undefined && predictors.includes(spec.plotPredictor)) return spec.plotPredictor;
  const factors = new Set(prepared.design.factors.map((f) => f.name));
  return predictors.find((name) => !factors.has(name)) ?? predictors[0];
}

/**
 * The plot data for `fits` along the predictor `plotPredictorOf` picks; null without predictors.
 * Other numeric predictors are held at their mean over the rows fitted, factors at their
 * reference level (a real category); `heldAt` says which.
 */
export function plotData(prepared: PreparedDesign, fits: Fits, spec: ModelSpec, level: number): PlotData | null {
  const predictor = plotPredictorOf(prepared, spec);
  if (predictor === undefined) return null;
  const { design, columnOf, classes } = prepared;
  const p = design.nFeatures;
  const n = design.nRows;
  const X = design.X;
  const base = new Float64Array(p);
  const heldAt: HeldValue[] = [];
  const factors = new Map(design.factors.map((f) => [f.name, f]));
  for (const name of design.predictors) {
    if (name === predictor) continue;
    const factor = factors.get(name);
    if (factor !== undefined) {
      heldAt.push({ column: name, how: 'reference', value: factor.reference ?? factor.levels[0]! });
      continue; // every dummy 0: the reference level
    }
    const j = columnOf.indexOf(name);
    let sum = 0;
    for (let i = 0, at = j; i < n; i++, at += p) sum += X[at]!;
    base[j] = sum / n;
    heldAt.push({ column: name, how: 'mean', value: String(Number(base[j]!.toPrecision(6))) });
  }
  const columns: number[] = [];
  columnOf.forEach((name, j) => { if (name === predictor) columns.push(j); });
  const random = mulberry32(PLOT_SEED);
  const common = {
    predictor,
    xLabel: predictor,
    yLabel: 'fitted probability',
    legendTitle: prepared.responseName,
    classes: [...classes],
    level,
    heldAt,
  };
  const factor = factors.get(predictor);
  if (factor === undefined) {
    const j = columns[0]!;
    const { min, max } = columnRange(X, n, p, j);
    const grid = Float64Array.from({ length: GRID_POINTS }, (_, g) => (max > min ? min + ((max - min) * g) / (GRID_POINTS - 1) : min));
    const rows = new Float64Array(GRID_POINTS * p);
    for (let g = 0; g < GRID_POINTS; g++) {
      rows.set(base, g * p);
      rows[g * p + j] = grid[g]!;
    }
    const curves = predictCurves(fits, prepared, rows, GRID_POINTS, level);
    const points = samplePoints(prepared, random, (i) => X[i * p + j]!);
    return { kind: 'numeric', ...common, x: grid, ...curves, xMin: min, xMax: max, points };
  }
  // A factor: one row per level; the reference level has every dummy 0, level k its own dummy 1.
  const levels = factor.levels;
  const dummyLevels = factor.reference === null ? levels : levels.filter((level) => level !== factor.reference);
  const rows = new Float64Array(levels.length * p);
  levels.forEach((levelName, r) => {
    rows.set(base, r * p);
    const d = dummyLevels.indexOf(levelName);
    if (d >= 0) rows[r * p + columns[d]!] = 1;
  });
  const curves = predictCurves(fits, prepared, rows, levels.length, level);
  const levelIndex = (i: number): number => {
    for (let d = 0; d < columns.length; d++) if (X[i * p + columns[d]!] === 1) return levels.indexOf(dummyLevels[d]!);
    return levels.indexOf(factor.reference ?? levels[0]!);
  };
  const points = samplePoints(prepared, random, (i) => levelIndex(i) + (2 * random() - 1) * FACTOR_X_JITTER);
  return { kind: 'factor', ...common, levels: [...levels], ...curves, points };
}

/** Per class: the fitted probability at each of the `m` rows and its band. */
function predictCurves(fits: Fits, prepared: PreparedDesign, rows: Float64Array, m: number, level: number) {
  const K = prepared.classes.length;
  const X = { data: rows, nRows: m, nFeatures: prepared.design.nFeatures };
  const prob = Array.from({ length: K }, () => new Float64Array(m));
  const lower = Array.from({ length: K }, () => new Float64Array(m));
  const upper = Array.from({ length: K }, () => new Float64Array(m));
  if (fits.logistic !== null) {
    const fit: LogisticFit = fits.logistic;
    const predicted = fit.predict(X, { se: true, level });
    const positive = fits.positiveIndex;
    const baseline = 1 - positive;
    for (let i = 0; i < m; i++) {
      prob[positive]![i] = predicted.fit[i]!;
      lower[positive]![i] = predicted.lower[i]!;
      upper[positive]![i] = predicted.upper[i]!;
      prob[baseline]![i] = 1 - predicted.fit[i]!;
      lower[baseline]![i] = 1 - predicted.upper[i]!;
      upper[baseline]![i] = 1 - predicted.lower[i]!;
    }
  } else {
    const fit: SoftmaxFit = fits.softmax!;
    const predicted = fit.predict(X, { se: true, level });
    const classIndex = fit.classes.map((label) => prepared.classLabels.indexOf(label));
    for (let i = 0; i < m; i++) {
      for (let c = 0; c < K; c++) {
        const k = classIndex[c]!;
        prob[k]![i] = predicted.fit.get(i, c);
        lower[k]![i] = Math.max(0, predicted.lower.get(i, c));
        upper[k]![i] = Math.min(1, predicted.upper.get(i, c));
      }
    }
  }
  return { prob, lower, upper };
}

/** A reproducible sample of at most MAX_PLOT_POINTS fitted rows: x, observed class and a jittered height. */
function samplePoints(prepared: PreparedDesign, random: () => number, xOf: (row: number) => number): PlotPoints {
  const { design, classLabels } = prepared;
  const K = classLabels.length;
  const n = design.nRows;
  const chosen = sampleIndices(n, MAX_PLOT_POINTS, random);
  const m = chosen.length;
  const x = new Float64Array(m);
  const classIndex = new Uint16Array(m);
  const y = new Float64Array(m);
  const response = design.response;
  const indexOfLabel = new Map<string | number, number>(classLabels.map((label, k) => [label, k]));
  for (let s = 0; s < m; s++) {
    const i = chosen[s]!;
    let k = 0;
    if (response.kind === 'labels') {
      k = indexOfLabel.get(response.labels[i]!)!;
    } else {
      for (let c = 1; c < K; c++) if (response.counts[i * K + c]! > response.counts[i * K + k]!) k = c;
    }
    x[s] = xOf(i);
    classIndex[s] = k;
    y[s] = Math.min(1, Math.max(0, k / (K - 1) + (2 * random() - 1) * Y_JITTER));
  }
  return { x, classIndex, y, nRowsTotal: n };
}
