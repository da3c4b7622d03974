// Restoring any softlogit model from its JSON form.
import { SoftlogitError } from '../errors.js';
import { parseJSON } from './fitState.js';
import { describeValue } from '../input/optionKeys.js';
import { LogisticFit, type LogisticModelJSON } from './logisticFit.js';
import { SoftmaxFit, type SoftmaxModelJSON } from './softmaxFit.js';

/**
 * Restores a model saved with `toJSON()` (object or JSON string): a LogisticFit or a SoftmaxFit,
 * by its `model` field. The restored model predicts, summarizes and converts like the original.
 * @throws {SoftlogitError} `BAD_MODEL` for anything else.
 * @example
 * const saved = JSON.stringify(fit);
 * const model = loadModel(saved);
 * model.predict([[660, 3.67]]) // same as fit.predict
 */
export function loadModel(json: LogisticModelJSON | SoftmaxModelJSON | string): LogisticFit | SoftmaxFit {
  const value = (typeof json === 'string' ? parseJSON(json, 'loadModel') : json) as { model?: unknown };
  if (value !== null && typeof value === 'object') {
    if (value.model === 'logistic') return LogisticFit.fromJSON(value as LogisticModelJSON);
    if (value.model === 'softmax') return SoftmaxFit.fromJSON(value as SoftmaxModelJSON);
  }
  throw new SoftlogitError('BAD_MODEL', `loadModel: expected a softlogit model (model 'logistic' or 'softmax'), got ${value !== null && typeof value === 'object' ? `model ${describeValue(value.model)}` : describeValue(value)}`);
}
