// The pure-TypeScript Newton baselines (bench/baselines), on the same row-major Float64Array.
import { fitLogisticPlain } from '../baselines/logistic.js';
import { fitSoftmaxPlain } from '../baselines/softmax.js';
import type { BinaryData, MultinomialData } from '../data.js';
import type { FitOutput } from './types.js';

export function plainBinary(data: BinaryData): FitOutput {
  const { X, y } = data;
  return fitLogisticPlain(X.data, X.nRows, X.nFeatures, y);
}

export function plainMultinomial(data: MultinomialData): FitOutput {
  const { X, labels, nClasses } = data;
  return fitSoftmaxPlain(X.data, X.nRows, X.nFeatures, labels, nClasses);
}
