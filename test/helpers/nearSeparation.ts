// Nearly separated data for the convergence tests (issue #12): a linear rule classifies every row,
// except a few rows close to its boundary whose labels are flipped, so that no hyperplane
// separates the classes (an exact LP check finds no separating direction) and the MLE exists, but
// with coefficients in the thousands and only a handful of rows carrying the curvature.
//
// Features are uniform on [−1, 1) from mulberry32 (only integer arithmetic and one division by a
// power of two: the same bytes in every JavaScript engine, and in the CSV R reads to make the
// fixture, test/fixtures/generate/nearly-separated.mjs).
import { mulberry32 } from './random.js';

export interface NearlySeparatedSpec {
  seed: number;
  nRows: number;
  nFeatures: number;
  /** Ranks (0 = closest) in the order of distance to the boundary of the rows whose labels are flipped. */
  flipRanks: readonly number[];
}

/** Row-major features, uniform on [−1, 1). */
function uniformFeatures(seed: number, nRows: number, nFeatures: number): Float64Array {
  const uniform = mulberry32(seed);
  const data = new Float64Array(nRows * nFeatures);
  for (let i = 0; i < data.length; i++) data[i] = 2 * uniform() - 1;
  return data;
}

/** Row indices ordered by `margin` (ascending; ties by index, so the order is total). */
function byMargin(margin: Float64Array): number[] {
  return Array.from(margin.keys()).sort((a, b) => margin[a]! - margin[b]! || a - b);
}

/** Binary: y = [x₁ + x₂/2 > 0], the labels of the rows at `flipRanks` flipped. */
export function nearlySeparatedBinary(spec: NearlySeparatedSpec): { X: { data: Float64Array; nRows: number; nFeatures: number }; y: Float64Array } {
  const { seed, nRows, nFeatures, flipRanks } = spec;
  const data = uniformFeatures(seed, nRows, nFeatures);
  const y = new Float64Array(nRows);
  const margin = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const m = data[i * nFeatures]! + data[i * nFeatures + 1]! / 2;
    y[i] = m > 0 ? 1 : 0;
    margin[i] = Math.abs(m);
  }
  const order = byMargin(margin);
  for (const k of flipRanks) y[order[k]!] = 1 - y[order[k]!]!;
  return { X: { data, nRows, nFeatures }, y };
}

/**
 * Three classes: label = argmax(0, x₁ + x₂/2, x₂ − x₁/2 + x₃/2); on each of the three boundaries
 * between two classes, the rows at `flipRanks` (by the gap between the best and second-best score,
 * among the rows whose two best classes are that pair) relabelled to their second-best class.
 */
export function nearlySeparatedSoftmax(spec: NearlySeparatedSpec): { X: { data: Float64Array; nRows: number; nFeatures: number }; labels: number[] } {
  const { seed, nRows, nFeatures, flipRanks } = spec;
  const data = uniformFeatures(seed, nRows, nFeatures);
  const labels = new Array<number>(nRows);
  const second = new Array<number>(nRows);
  const margin = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const x = (j: number) => data[i * nFeatures + j]!;
    const scores = [0, x(0) + x(1) / 2, x(1) - x(0) / 2 + x(2) / 2];
    const order = [0, 1, 2].sort((a, b) => scores[b]! - scores[a]! || a - b);
    labels[i] = order[0]!;
    second[i] = order[1]!;
    margin[i] = scores[order[0]!]! - scores[order[1]!]!;
  }
  // on each of the three boundaries (rows by their two best classes), the rows at `flipRanks`
  const order = byMargin(margin);
  for (const pair of [1, 2, 3]) {
    const onBoundary = order.filter((i) => (1 << labels[i]!) + (1 << second[i]!) === (pair === 1 ? 3 : pair === 2 ? 5 : 6));
    for (const k of flipRanks) labels[onBoundary[k]!] = second[onBoundary[k]!]!;
  }
  return { X: { data, nRows, nFeatures }, labels };
}
