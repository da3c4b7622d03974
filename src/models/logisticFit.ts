// The result of a binary logistic fit: estimates, inference, prediction, summary, JSON.
import { SoftlogitError } from '../errors.js';
import { formatCoefficientTable, formatDevianceLines, formatNumber } from '../format.js';
import { pValues, standardErrors, waldIntervals, zValues } from '../inference.js';
import { Matrix } from '../matrix.js';
import { checkFitState, jsonNumber, parseJSON, readFitStatistics, readNames, type FitStatistics } from './fitState.js';
import { toRowSource, toRowVector, type DesignInput } from '../input/design.js';
import { checkOptionKeys, describeValue, optionKeysOf } from '../input/optionKeys.js';
import type { FitSeparation } from '../remedies/separation.js';

/** Everything a LogisticFit holds; also its JSON form (with arrays as plain number arrays). */
export interface LogisticFitState extends FitStatistics {
  names: string[];
  intercept: boolean;
  coefficients: Float64Array;
  /** p x p row-major. */
  covariance: Float64Array;
  dfNull: number;
  /** Firth's bias-reduced estimate rather than the MLE. */
  firth?: boolean;
}

/** The JSON form written by `toJSON()` and read by `LogisticFit.fromJSON()` / `loadModel()`. */
export interface LogisticModelJSON extends Omit<LogisticFitState, 'coefficients' | 'covariance'> {
  format: 'softlogit-model';
  version: 1;
  model: 'logistic';
  coefficients: number[];
  covariance: number[];
}

export type LogisticPredictionType = 'response' | 'link' | 'class';

/** Options of {@link LogisticFit.predict}. */
export interface LogisticPredictOptions {
  /** 'response' (default) probabilities, 'link' the linear predictor, 'class' 0/1 at 0.5. */
  type?: LogisticPredictionType;
  /** Per-row offset added to the linear predictor, as in the fit. */
  offset?: ArrayLike<number>;
}

/** Every key of LogisticPredictOptions (the compiler checks the list against the interface). */
export const LOGISTIC_PREDICT_OPTION_KEYS = optionKeysOf<LogisticPredictOptions>()(['type', 'offset']);

/** Rows predicted per block: bounds the temporary buffer for any n. */
const PREDICT_BLOCK_ROWS = 4096;

/**
 * A fitted binary logistic regression model (immutable: array getters return copies).
 *
 * Coefficients are ordered as `names`: `(Intercept)` first when the model has one, then the
 * columns of X. Standard errors, z and p-values are Wald statistics from the inverse Hessian at
 * the maximum-likelihood estimate (R's summary.glm for the binomial family).
 */
export class LogisticFit {
  readonly #state: LogisticFitState;
  readonly names: readonly string[];
  readonly logLik: number;
  readonly deviance: number;
  readonly nullDeviance: number;
  readonly aic: number;
  readonly bic: number;
  readonly dfResidual: number;
  readonly dfNull: number;
  readonly nObs: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly intercept: boolean;
  /** Ridge strength the model was fitted with (0 = maximum likelihood). */
  readonly l2: number;
  /** Warnings raised while fitting (non-convergence, …). */
  readonly warnings: readonly string[];
  /**
   * Set when the data are separated (exact LP check): `kind`, `direction` (+1/−1/0 per coefficient)
   * and the names of the diverging `coefficients`; the fit then has `converged: false`. Else null.
   */
  readonly separation: FitSeparation | null;
  /** Names of aliased columns dropped with `singular: 'drop'` (R's NA): NaN coefficients and SEs, ignored by predict. */
  readonly aliased: readonly string[];
  /** True for Firth's bias-reduced fit (`firth: true`). */
  readonly firth: boolean;

  /**
   * Builds a model from its state; use fitLogistic or `LogisticFit.fromJSON` / `loadModel` instead.
   * @throws {SoftlogitError} `BAD_MODEL` when the state is not that of a logistic fit.
   */
  constructor(state: LogisticFitState) {
    checkFitState(state, 'LogisticFit', 'coefficients', (p) => p);
    if (typeof state.dfNull !== 'number') throw new SoftlogitError('BAD_MODEL', `LogisticFit: dfNull should be a number, got ${describeValue(state.dfNull)}`);
    this.#state = state;
    this.names = Object.freeze([...state.names]);
    this.logLik = state.logLik;
    this.deviance = state.deviance;
    this.nullDeviance = state.nullDeviance;
    this.aic = state.aic;
    this.bic = state.bic;
    this.dfResidual = state.dfResidual;
    this.dfNull = state.dfNull;
    this.nObs = state.nObs;
    this.iterations = state.iterations;
    this.converged = state.converged;
    this.intercept = state.intercept;
    this.l2 = state.l2;
    this.warnings = Object.freeze([...state.warnings]);
    this.separation = state.separation ?? null;
    this.aliased = Object.freeze([...(state.aliased ?? [])]);
    this.firth = state.firth ?? false;
    Object.freeze(this);
  }

  /** Estimated coefficients β (a copy), ordered as `names`. */
  get coefficients(): Float64Array {
    return this.#state.coefficients.slice();
  }

  /** Covariance of the estimates: the inverse Hessian of −logLik (+ penalty) at the estimate. */
  get covariance(): Matrix {
    const p = this.names.length;
    return new Matrix(p, p, this.#state.covariance.slice());
  }

  /** Standard errors √diag(covariance). */
  get standardErrors(): Float64Array {
    return standardErrors(this.#state.covariance, this.names.length);
  }

  /** Wald z = β / se. */
  get zValues(): Float64Array {
    return zValues(this.#state.coefficients, this.standardErrors);
  }

  /** Two-sided p-values 2 Φ(−|z|). */
  get pValues(): Float64Array {
    return pValues(this.zValues);
  }

  /**
   * Wald confidence intervals β ± z_{(1+level)/2} se (R's confint.default).
   * @returns a p x 2 Matrix: column 0 lower, column 1 upper bounds, rows as `names`.
   * @example fit.confint(0.9).get(1, 0) // lower 90% bound of the second coefficient
   */
  confint(level = 0.95): Matrix {
    if (typeof level !== 'number' || !(level > 0 && level < 1)) {
      throw new SoftlogitError('BAD_OPTION', `LogisticFit.confint: level should be a number in (0, 1), got ${describeValue(level)}`);
    }
    const intervals = waldIntervals(this.#state.coefficients, this.standardErrors, level);
    return Matrix.fromArray(intervals);
  }

  /**
   * Predictions for new rows X (without the intercept column, as passed to fitLogistic):
   * 'response' (default) probabilities σ(η), 'link' η = Xβ (+ offset), 'class' 0/1 at 0.5.
   * @example fit.predict([[660, 3.67]], { type: 'response' }) // => Float64Array [0.3...]
   */
  predict(X: DesignInput, options: LogisticPredictOptions = {}): Float64Array {
    const caller = 'LogisticFit.predict';
    checkOptionKeys(options, caller, LOGISTIC_PREDICT_OPTION_KEYS);
    const type = options.type ?? 'response';
    if (type !== 'response' && type !== 'link' && type !== 'class') {
      throw new SoftlogitError('BAD_OPTION', `${caller}: type should be 'response', 'link' or 'class', got ${describeValue(type)}`);
    }
    const source = toRowSource(X, caller);
    const beta = predictionCoefficients(this.#state.coefficients, this.#state.aliased);
    const shift = this.intercept ? 1 : 0;
    if (source.nFeatures !== beta.length - shift) {
      throw new SoftlogitError(
        'BAD_SHAPE',
        `${caller}: X should have ${beta.length - shift} columns (${this.names.slice(shift).join(', ')}), got ${source.nFeatures}`,
      );
    }
    const offset = options.offset !== undefined ? toRowVector(options.offset, source.nRows, 'offset', caller) : null;
    const out = new Float64Array(source.nRows);
    const p = source.nFeatures;
    const block = new Float64Array(Math.min(PREDICT_BLOCK_ROWS, source.nRows) * p);
    for (let r0 = 0; r0 < source.nRows; r0 += PREDICT_BLOCK_ROWS) {
      const r1 = Math.min(source.nRows, r0 + PREDICT_BLOCK_ROWS);
      source.fillRows(r0, r1, block);
      for (let r = r0; r < r1; r++) {
        let eta = shift ? beta[0]! : 0;
        const base = (r - r0) * p;
        for (let j = 0; j < p; j++) eta += block[base + j]! * beta[j + shift]!;
        if (offset) eta += offset[r]!;
        if (!Number.isFinite(eta)) {
          throw new SoftlogitError('NON_FINITE', `${caller}: row ${r} of X gives a non-finite linear predictor (${eta}); X must be finite`, { row: r });
        }
        out[r] = type === 'link' ? eta : type === 'class' ? (eta > 0 ? 1 : 0) : logistic(eta);
      }
    }
    return out;
  }

  /**
   * A text summary laid out like R's `summary(glm(..., family = binomial))`.
   * @example console.log(fit.summary())
   */
  summary(): string {
    const lines = [
      'Logistic regression (binomial family, logit link), fitted by softlogit',
      '',
      'Coefficients:',
      ...formatCoefficientTable(this.names, this.#state.coefficients, this.standardErrors, this.zValues, this.pValues),
      '',
      '(Dispersion parameter for binomial family taken to be 1)',
      '',
      ...formatDevianceLines(this.nullDeviance, this.dfNull, this.deviance, this.dfResidual),
      `AIC: ${formatNumber(this.aic, 5)}`,
      '',
      `Number of Newton iterations: ${this.iterations}${this.converged ? '' : ' (did not converge)'}`,
    ];
    if (this.l2 > 0) lines.splice(1, 0, `Ridge penalty l2 = ${this.l2} (intercept not penalized)`);
    if (this.firth) lines.splice(1, 0, "Firth's bias-reduced estimates (penalty ½ log det(XᵀWX)); logLik, deviance and AIC are the ordinary ones there");
    if (this.aliased.length > 0) lines[lines.indexOf('Coefficients:')] = `Coefficients: (${this.aliased.length} not defined because of singularities)`;
    for (const w of this.warnings) lines.push(`Warning: ${w}`);
    return lines.join('\n');
  }

  /** Plain-data form; `LogisticFit.fromJSON` (or `loadModel`) restores a model that predicts. */
  toJSON(): LogisticModelJSON {
    const s = this.#state;
    return {
      format: 'softlogit-model',
      version: 1,
      model: 'logistic',
      names: [...s.names],
      intercept: s.intercept,
      coefficients: Array.from(s.coefficients),
      covariance: Array.from(s.covariance),
      logLik: s.logLik,
      deviance: s.deviance,
      nullDeviance: s.nullDeviance,
      aic: s.aic,
      bic: s.bic,
      dfResidual: s.dfResidual,
      dfNull: s.dfNull,
      nObs: s.nObs,
      iterations: s.iterations,
      converged: s.converged,
      l2: s.l2,
      warnings: [...s.warnings],
      separation: s.separation ?? null,
      aliased: [...(s.aliased ?? [])],
      firth: s.firth ?? false,
    };
  }

  /**
   * Restores a model from `toJSON()` output (an object or a JSON string).
   * @throws {SoftlogitError} `BAD_MODEL` when the input is not a softlogit logistic model.
   */
  static fromJSON(json: LogisticModelJSON | string): LogisticFit {
    const caller = 'LogisticFit.fromJSON';
    const value: unknown = typeof json === 'string' ? parseJSON(json, caller) : json;
    const v = value as Partial<LogisticModelJSON>;
    if (v === null || typeof v !== 'object' || v.format !== 'softlogit-model' || v.model !== 'logistic') {
      throw new SoftlogitError('BAD_MODEL', `${caller}: expected a softlogit logistic model (format 'softlogit-model', model 'logistic')`);
    }
    const names = readNames(v.names, caller);
    const p = names.length;
    if (
      p < 1 || !Array.isArray(v.coefficients) || v.coefficients.length !== p ||
      !Array.isArray(v.covariance) || v.covariance.length !== p * p || typeof v.intercept !== 'boolean'
    ) {
      throw new SoftlogitError('BAD_MODEL', `${caller}: names, coefficients (p) and covariance (p * p) do not agree in size`);
    }
    return new LogisticFit({
      ...readFitStatistics(v, caller),
      names,
      intercept: v.intercept,
      coefficients: Float64Array.from(v.coefficients, jsonNumber),
      covariance: Float64Array.from(v.covariance, jsonNumber),
      dfNull: jsonNumber(v.dfNull),
      firth: v.firth === true,
    });
  }
}

function logistic(eta: number): number {
  if (eta >= 0) return 1 / (1 + Math.exp(-eta));
  const e = Math.exp(eta);
  return e / (1 + e);
}

/** Coefficients for prediction: NaN (aliased) entries count as 0, as R's predict.glm drops them. */
function predictionCoefficients(coefficients: Float64Array, aliased: readonly string[] | undefined): Float64Array {
  if (!aliased || aliased.length === 0) return coefficients;
  return coefficients.map((b) => (Number.isNaN(b) ? 0 : b));
}
