// ml-logistic-regression (mljs) at its defaults: one-vs-rest, each class by 50,000 steps of
// gradient ascent w += 5e-4 · Xᵀ(y − σ(Xw)) on ml-matrix matrices, no intercept (we add a column
// of ones, as its README does). For two classes it trains two mirror-image classifiers; the one
// for "y ≠ 0" is the logistic model compared here. For K classes its K one-vs-rest models are not
// the softmax model, so only its time is comparable.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Design } from '../data.js';

/** The parts of ml-matrix's Matrix used here. */
interface MlMatrix {
  to1DArray(): number[];
}
interface MlMatrixStatic {
  from1DArray(rows: number, cols: number, data: ArrayLike<number>): MlMatrix;
  columnVector(data: ArrayLike<number>): MlMatrix;
}
interface MlLogisticRegression {
  train(X: MlMatrix, Y: MlMatrix): void;
  classifiers: { weights: MlMatrix }[];
}
type MlLogisticRegressionStatic = new (options: { numSteps?: number; learningRate?: number }) => MlLogisticRegression;

const require = createRequire(import.meta.url);
const LogisticRegression = require('ml-logistic-regression') as MlLogisticRegressionStatic;
// The ml-matrix instance ml-logistic-regression itself uses (a dependency of it, not of ours).
const { Matrix } = createRequire(require.resolve('ml-logistic-regression'))('ml-matrix') as { Matrix: MlMatrixStatic };

/** Its defaults (src/logreg.js). */
export const ML_DEFAULT_STEPS = 50000;
export const ML_DEFAULT_LEARNING_RATE = 5e-4;

export interface MlInput {
  X: MlMatrix;
  Y: MlMatrix;
  /** [1, X] row-major, for the replay. */
  withOnes: Float64Array;
  nRows: number;
  P: number;
}

/** [1, X] and the labels as ml-matrix matrices (its input format; not timed). */
export function mlPrepare(X: Design, labels: Float64Array): MlInput {
  const P = X.nFeatures + 1;
  const withOnes = new Float64Array(X.nRows * P);
  for (let i = 0; i < X.nRows; i++) {
    withOnes[i * P] = 1;
    withOnes.set(X.data.subarray(i * X.nFeatures, (i + 1) * X.nFeatures), i * P + 1);
  }
  return { X: Matrix.from1DArray(X.nRows, P, withOnes), Y: Matrix.columnVector(labels), withOnes, nRows: X.nRows, P };
}

/** Trains with `numSteps` steps per classifier (defaults otherwise); returns the model. */
export function mlTrain(input: MlInput, numSteps: number): MlLogisticRegression {
  const model = new LogisticRegression({ numSteps, learningRate: ML_DEFAULT_LEARNING_RATE });
  model.train(input.X, input.Y);
  return model;
}

/** The binary model's coefficients: the classifier for "y ≠ 0", i.e. P(y = 1). */
export function mlBinaryCoefficients(model: MlLogisticRegression): Float64Array {
  return Float64Array.from(model.classifiers[0]!.weights.to1DArray());
}

/** ml-matrix's version, for the record (its package.json is not in its exports: read the file). */
export function mlMatrixVersion(): string {
  let dir = dirname(createRequire(require.resolve('ml-logistic-regression')).resolve('ml-matrix'));
  for (let up = 0; up < 4; up++, dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'ml-matrix' && manifest.version) return manifest.version;
    } catch {
      // not here: look one directory up
    }
  }
  return 'unknown';
}

/**
 * Replays the training of ml-logistic-regression's classifier for P(y = 1) with the same
 * floating-point operations in the same order (ml-matrix's mmul sums over k ascending from 0;
 * σ(s) = 1 / (1 + e^−s); error = −σ + y; w + lr·g), so the result is bit-identical to the
 * library's (run.ts checks that on its first steps) at a fraction of its time: its 50,000 default
 * steps are replayed where running the library itself would take minutes. `withOnes` is [1, X],
 * n x P row-major.
 */
export function mlReplayBinary(withOnes: Float64Array, nRows: number, P: number, y: Float64Array, numSteps: number): Float64Array {
  const w = new Float64Array(P);
  const gradient = new Float64Array(P);
  for (let step = 0; step < numSteps; step++) {
    // One pass: row i's error needs only w, and each gradient[k] still sums over i ascending from
    // 0, exactly as ml-matrix's Xᵀ·error does.
    gradient.fill(0);
    for (let i = 0; i < nRows; i++) {
      const row = i * P;
      let s = 0;
      for (let k = 0; k < P; k++) s += withOnes[row + k]! * w[k]!;
      const error = -(1 / (1 + Math.exp(-s))) + y[i]!;
      for (let k = 0; k < P; k++) gradient[k] = gradient[k]! + withOnes[row + k]! * error;
    }
    for (let k = 0; k < P; k++) w[k] = w[k]! + gradient[k]! * ML_DEFAULT_LEARNING_RATE;
  }
  return w;
}
