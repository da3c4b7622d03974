// TensorFlow.js on its pure-JavaScript 'cpu' backend: the same unpenalized model (mean
// cross-entropy, intercept as a bias), full-batch Adam from zero, in float32 (the only float
// dtype TF.js has). Run in rounds of CHECK_EVERY steps until the loss stalls.
import * as tf from '@tensorflow/tfjs';
import type { BinaryData, MultinomialData } from '../data.js';
import type { FitOutput } from './types.js';

/** Adam's step size: the largest of 0.01, 0.03, 0.1, 0.3 that converged smoothly on the small cases. */
export const TF_LEARNING_RATE = 0.05;
/** Steps between loss checks (reading the loss synchronizes; checking every step costs ~10%). */
export const CHECK_EVERY = 25;
/**
 * Stalled: the best loss improved by less than this relative amount over STALL_CHECKS checks.
 * float32 resolves a loss near 0.5 to ~6e-8 relative, so 1e-7 is as fine as the loss can tell.
 */
export const STALL_RELATIVE = 1e-7;
export const STALL_CHECKS = 4;

export async function tfInit(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

export const tfVersion = (): string => tf.version.tfjs;

/** One model being trained; `steps` runs full-batch Adam steps and returns the loss. */
export interface TfTrainer {
  steps(count: number): number;
  output(): FitOutput;
  dispose(): void;
}

function toFloat32(X: { data: Float64Array; nRows: number; nFeatures: number }): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(X.data), [X.nRows, X.nFeatures]);
}

/** Binary: loss = mean sigmoid cross-entropy of Xw + b. */
export function tfBinaryTrainer(data: BinaryData, learningRate = TF_LEARNING_RATE): TfTrainer {
  const X = toFloat32(data.X);
  const y = tf.tensor2d(Float32Array.from(data.y), [data.X.nRows, 1]);
  const w = tf.variable(tf.zeros([data.X.nFeatures, 1]));
  const b = tf.variable(tf.zeros([1]));
  const optimizer = tf.train.adam(learningRate);
  const loss = (): tf.Scalar => tf.losses.sigmoidCrossEntropy(y, tf.add(tf.matMul(X, w), b)) as tf.Scalar;
  let count = 0;
  return {
    steps(n) {
      let last = Number.NaN;
      for (let i = 0; i < n; i++) {
        const value = optimizer.minimize(loss, i === n - 1, [w, b]);
        if (value) {
          last = value.dataSync()[0]!;
          value.dispose();
        }
      }
      count += n;
      return last;
    },
    output() {
      const coefficients = new Float64Array(data.X.nFeatures + 1);
      coefficients[0] = b.dataSync()[0]!;
      coefficients.set(w.dataSync(), 1);
      return { coefficients, iterations: count };
    },
    dispose() {
      tf.dispose([X, y, w, b]);
      optimizer.dispose();
    },
  };
}

/** Multinomial, reference-class form: logits = [0, XW + b] (W p x (K−1)), mean softmax cross-entropy. */
export function tfMultinomialTrainer(data: MultinomialData, learningRate = TF_LEARNING_RATE): TfTrainer {
  const n = data.X.nRows;
  const nFree = data.nClasses - 1;
  const X = toFloat32(data.X);
  const labels = tf.tensor1d(Int32Array.from(data.labels), 'int32');
  const onehot = tf.oneHot(labels, data.nClasses);
  const zeros = tf.zeros([n, 1]);
  const W = tf.variable(tf.zeros([data.X.nFeatures, nFree]));
  const b = tf.variable(tf.zeros([nFree]));
  const optimizer = tf.train.adam(learningRate);
  const loss = (): tf.Scalar => tf.losses.softmaxCrossEntropy(onehot, tf.concat([zeros, tf.add(tf.matMul(X, W), b)], 1)) as tf.Scalar;
  let count = 0;
  return {
    steps(k) {
      let last = Number.NaN;
      for (let i = 0; i < k; i++) {
        const value = optimizer.minimize(loss, i === k - 1, [W, b]);
        if (value) {
          last = value.dataSync()[0]!;
          value.dispose();
        }
      }
      count += k;
      return last;
    },
    output() {
      const P = data.X.nFeatures + 1;
      const coefficients = new Float64Array(P * nFree);
      const Wv = W.dataSync();
      const bv = b.dataSync();
      for (let c = 0; c < nFree; c++) {
        coefficients[c * P] = bv[c]!;
        for (let j = 0; j < data.X.nFeatures; j++) coefficients[c * P + 1 + j] = Wv[j * nFree + c]!;
      }
      return { coefficients, iterations: count };
    },
    dispose() {
      tf.dispose([X, labels, onehot, zeros, W, b]);
      optimizer.dispose();
    },
  };
}
