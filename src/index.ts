// The public surface of softlogit.
export { init, isInitialized } from './wasm/module.js';
export { SoftlogitError, type SoftlogitErrorCode } from './errors.js';
export { Matrix } from './matrix.js';
export { fitLogistic, type LogisticOptions } from './models/logistic.js';
export { LogisticFit, type LogisticModelJSON, type LogisticPredictionType } from './models/logisticFit.js';
export type { BinaryResponse } from './models/binaryResponse.js';
export type { DesignInput } from './models/input.js';
export type { CommonFitOptions, FitProgress } from './models/options.js';
export * from './convert.js';
export * from './data/index.js';
export { fitSoftmax, type SoftmaxOptions } from './models/softmax.js';
export { SoftmaxFit, type SoftmaxModelJSON, type SoftmaxPredictionType, type Parameterization } from './models/softmaxFit.js';
export type { ClassLabel, MultinomialResponse } from './models/softmaxResponse.js';
export { loadModel } from './models/load.js';
