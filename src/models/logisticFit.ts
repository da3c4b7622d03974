// The result of a binary logistic fit: estimates, inference, prediction, summary, JSON.
import { SoftlogitError } from '../errors.js';
import { formatCoefficientTable, formatDevianceLines, formatLikelihoodLines, formatNumber } from '../format.js';
import { bayesian, pValues, standardErrors, waldIntervals, zValues } from '../inference.js';
import { freeParameters, nullLikelihoodRatio, pseudoR2, type ChiSquareTest, type LikelihoodFacts, type PseudoR2 } from '../inference/likelihoodRatio.js';
import { confintLevel, levelOption, quadraticForm } from '../inference/prediction.js';
import { binomialResidual, binomialRowDiagnostics, type ResidualType, type RowDiagnosticOptions } from '../inference/residuals.js';
import type { BinaryResponse } from '../input/binaryResponse.js';
import { logisticMarginalEffects, type MarginalEffectOptions, type MarginalEffects } from '../inference/marginalEffects.js';
import { waldChiSquare, waldHypothesis } from '../inference/wald.js';
import { logistic, normalQuantile } from '../special.js';
import type { CovarianceType } from '../inference/robust.js';
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
  /** Which covariance `covariance` holds: the inverse information ('model', the default) or a sandwich. */
  covarianceType?: CovarianceType;
  /** Number of clusters of a cluster-robust covariance; 0 (or absent) without clusters. */
  clusters?: number;
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
  /** Also return standard errors and intervals (R's `se.fit = TRUE`); not with type 'class'. Default false. */
  se?: boolean;
  /** Confidence level of the intervals returned with `se: true` (default 0.95). */
  level?: number;
}

/** Every key of LogisticPredictOptions (the compiler checks the list against the interface). */
export const LOGISTIC_PREDICT_OPTION_KEYS = optionKeysOf<LogisticPredictOptions>()(['type', 'offset', 'se', 'level']);

/** Options of {@link LogisticFit.residuals}: the rows' weights and offset as at the fit, and the type. */
export interface LogisticResidualOptions extends RowDiagnosticOptions {
  /** 'deviance' (default, as R), 'pearson', 'response' or 'working'. */
  type?: ResidualType;
}

/** Every key of LogisticResidualOptions. */
export const LOGISTIC_RESIDUAL_OPTION_KEYS = optionKeysOf<LogisticResidualOptions>()(['type', 'weights', 'offset']);
/** Every key of the options of hatValues, cooksDistance and pearsonChiSquare. */
export const ROW_DIAGNOSTIC_OPTION_KEYS = optionKeysOf<RowDiagnosticOptions>()(['weights', 'offset']);

/** Every key of MarginalEffectOptions. */
export const MARGINAL_EFFECT_OPTION_KEYS = optionKeysOf<MarginalEffectOptions>()(['at', 'method', 'dummy', 'count', 'weights', 'offset']);

/** Pearson's χ² = Σ rᴾᵢ² on the residual degrees of freedom, and the dispersion estimate χ²/df. */
export interface PearsonChiSquare {
  statistic: number;
  df: number;
  /** χ²/df: near 1 when the binomial variance fits; above 1 suggests overdispersion (R's quasibinomial φ). */
  dispersion: number;
}

/**
 * Predictions with their uncertainty (`predict(X, { se: true })`), one entry per row: on the link
 * scale η with se(η) = √(xᵀΣx) and η ± z·se; on the response scale p = σ(η) with the delta-method
 * se p(1 − p)·se(η) (R's `predict(…, type = "response", se.fit = TRUE)`) and the interval
 * σ(η ± z·se(η)), which stays inside (0, 1).
 */
export interface LogisticPrediction {
  fit: Float64Array;
  se: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  level: number;
}

/** Odds ratios exp(β) with the Wald interval exp(β ± z·se), one entry per coefficient (in `names` order). */
export interface OddsRatios {
  names: string[];
  oddsRatio: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  level: number;
}

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
  /** Weighted failures and successes over the rows the fit used (empty for models saved before it was recorded). */
  readonly responseTotals: readonly number[];
  /**
   * What `covariance` (and so the SEs, z, p-values, intervals and Wald tests) is: 'model', the
   * inverse information, or the sandwich 'HC0' / 'HC1' of the `covariance` fit option.
   */
  readonly covarianceType: CovarianceType;
  /** Clusters of a cluster-robust covariance (the `cluster` fit option); 0 without. */
  readonly clusters: number;

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
    this.responseTotals = Object.freeze([...(state.responseTotals ?? [])]);
    this.covarianceType = state.covarianceType ?? 'model';
    this.clusters = state.clusters ?? 0;
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
   * Wald confidence intervals β ± z_{(1+level)/2} se (R's confint.default). Profile-likelihood
   * intervals (R's confint.glm) need the rows: `profileConfint(fit, X, y)`; `confint({ method:
   * 'profile' })` throws BAD_OPTION saying so.
   * @returns a p x 2 Matrix: column 0 lower, column 1 upper bounds, rows as `names`.
   * @example fit.confint(0.9).get(1, 0) // lower 90% bound of the second coefficient
   */
  confint(level = 0.95): Matrix {
    const intervals = waldIntervals(this.#state.coefficients, this.standardErrors, confintLevel(level, 'LogisticFit.confint'));
    return Matrix.fromArray(intervals);
  }

  /**
   * Predictions for new rows X (without the intercept column, as passed to fitLogistic):
   * 'response' (default) probabilities σ(η), 'link' η = Xβ (+ offset), 'class' 0/1 at 0.5.
   * With `se: true` (types 'link' and 'response'), a {@link LogisticPrediction}: the predictions
   * with se(η) = √(xᵀΣx) (Σ the covariance, x the row with its intercept 1) or, on the response
   * scale, the delta-method se p(1 − p) se(η), and the `level` interval σ(η ± z se(η)), as R's
   * `predict(fit, newdata, type, se.fit = TRUE)`. O(p²) per row for the SEs.
   * @example fit.predict([[660, 3.67]], { type: 'response' }) // => Float64Array [0.3...]
   * @example fit.predict([[660, 3.67]], { type: 'response', se: true }).se // => Float64Array [0.03...]
   */
  predict(X: DesignInput, options: LogisticPredictOptions & { se: true }): LogisticPrediction;
  predict(X: DesignInput, options?: LogisticPredictOptions & { se?: false }): Float64Array;
  predict(X: DesignInput, options?: LogisticPredictOptions): Float64Array | LogisticPrediction;
  predict(X: DesignInput, options: LogisticPredictOptions = {}): Float64Array | LogisticPrediction {
    const caller = 'LogisticFit.predict';
    checkOptionKeys(options, caller, LOGISTIC_PREDICT_OPTION_KEYS);
    const type = options.type ?? 'response';
    if (type !== 'response' && type !== 'link' && type !== 'class') {
      throw new SoftlogitError('BAD_OPTION', `${caller}: type should be 'response', 'link' or 'class', got ${describeValue(type)}`);
    }
    const withSe = options.se ?? false;
    if (typeof withSe !== 'boolean') throw new SoftlogitError('BAD_OPTION', `${caller}: se should be true or false, got ${describeValue(withSe)}`);
    if (withSe && type === 'class') throw new SoftlogitError('BAD_OPTION', `${caller}: se: true needs type 'link' or 'response' (a class has no standard error)`);
    const level = levelOption(options.level, caller);
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
    const seOut = withSe ? new Float64Array(source.nRows) : null;
    const etaOut = withSe ? new Float64Array(source.nRows) : null;
    const skip = new Set<number>();
    this.#state.coefficients.forEach((b, j) => { if (Number.isNaN(b)) skip.add(j); });
    const full = new Float64Array(beta.length);
    if (shift) full[0] = 1;
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
        if (seOut && etaOut) {
          etaOut[r] = eta;
          for (let j = 0; j < p; j++) full[j + shift] = block[base + j]!;
          seOut[r] = Math.sqrt(quadraticForm(full, this.#state.covariance, beta.length, 0, 0, skip));
        }
      }
    }
    if (!seOut || !etaOut) return out;
    const z = normalQuantile(0.5 + level / 2);
    const lower = new Float64Array(out.length);
    const upper = new Float64Array(out.length);
    const se = new Float64Array(out.length);
    for (let r = 0; r < out.length; r++) {
      const eta = etaOut[r]!;
      const low = eta - z * seOut[r]!;
      const high = eta + z * seOut[r]!;
      if (type === 'link') {
        lower[r] = low;
        upper[r] = high;
        se[r] = seOut[r]!;
      } else {
        lower[r] = logistic(low);
        upper[r] = logistic(high);
        se[r] = out[r]! * (1 - out[r]!) * seOut[r]!;
      }
    }
    return { fit: out, se, lower, upper, level };
  }

  /**
   * Residuals of the fit on its own rows, which a fit does not keep: pass X (without the
   * intercept column), y and the `weights` and `offset` exactly as they were passed to
   * fitLogistic. With y = s/m the observed proportion, a = w·m the prior weight and μ = σ(η):
   * 'response' y − μ; 'working' (y − μ)/(μ(1 − μ)); 'pearson' (y − μ)√a/√(μ(1 − μ));
   * 'deviance' (the default) sign(y − μ)√dᵢ, dᵢ = 2a[y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))],
   * so Σ dᵢ = deviance. R's `residuals(glm, type)`. One pass over X, O(n p).
   * @throws {SoftlogitError} `BAD_OPTION`, `BAD_SHAPE`, and the checks of fitLogistic on y, weights and offset.
   * @example fit.residuals(X, y, { type: 'pearson' }) // => Float64Array [-0.45677569960..., 1.5564725616..., ...] (R residuals(m, "pearson"), UCLA)
   */
  residuals(X: DesignInput, y: BinaryResponse, options: LogisticResidualOptions = {}): Float64Array {
    const caller = 'LogisticFit.residuals';
    checkOptionKeys(options, caller, LOGISTIC_RESIDUAL_OPTION_KEYS);
    const type = options.type ?? 'deviance';
    if (type !== 'response' && type !== 'pearson' && type !== 'deviance' && type !== 'working') {
      throw new SoftlogitError('BAD_OPTION', `${caller}: type should be 'deviance', 'pearson', 'response' or 'working', got ${describeValue(type)}`);
    }
    const d = this.#rowDiagnostics(X, y, options, caller);
    return d.mu.map((mu, r) => binomialResidual(type, d.proportion[r]!, mu, d.priorWeights[r]!));
  }

  /**
   * Leverages hᵢ = Wᵢ xᵢᵀ(XᵀWX)⁻¹xᵢ, Wᵢ = a μ(1 − μ), the diagonal of the hat matrix of the final
   * IRLS step (R's `hatvalues(glm)`); Σ hᵢ = p. XᵀWX is summed again from the rows, so the result
   * does not depend on a sandwich `covariance`. Pass X, y, `weights` and `offset` as at the fit.
   * Two passes over X, O(n p²).
   * @throws {SoftlogitError} as {@link LogisticFit.residuals}; `NOT_POSITIVE_DEFINITE` when XᵀWX is singular.
   * @example fit.hatValues(X, y) // => Float64Array [0.016121436051..., 0.010913543524..., ...] (R hatvalues(m), UCLA)
   */
  hatValues(X: DesignInput, y: BinaryResponse, options: RowDiagnosticOptions = {}): Float64Array {
    const caller = 'LogisticFit.hatValues';
    checkOptionKeys(options, caller, ROW_DIAGNOSTIC_OPTION_KEYS);
    return this.#rowDiagnostics(X, y, options, caller, true).hat;
  }

  /**
   * Cook's distances Dᵢ = (rᴾᵢ/(1 − hᵢ))²·hᵢ/(φ·p), rᴾ the Pearson residuals, h the leverages,
   * φ = 1 (binomial) and p the number of estimated coefficients; NaN where hᵢ = 1. R's
   * `cooks.distance(glm)`. Pass X, y, `weights` and `offset` as at the fit. O(n p²).
   * @throws {SoftlogitError} as {@link LogisticFit.hatValues}.
   * @example fit.cooksDistance(X, y) // => Float64Array [0.00057912919658..., 0.0045043171574..., ...] (R cooks.distance(m), UCLA)
   */
  cooksDistance(X: DesignInput, y: BinaryResponse, options: RowDiagnosticOptions = {}): Float64Array {
    const caller = 'LogisticFit.cooksDistance';
    checkOptionKeys(options, caller, ROW_DIAGNOSTIC_OPTION_KEYS);
    const d = this.#rowDiagnostics(X, y, options, caller, true);
    return d.mu.map((mu, r) => {
      const h = d.hat[r]!;
      if (h === 0) return 0;
      const value = (binomialResidual('pearson', d.proportion[r]!, mu, d.priorWeights[r]!) / (1 - h)) ** 2 * h / d.rank;
      return Number.isFinite(value) ? value : NaN;
    });
  }

  /**
   * Pearson's χ² = Σ rᴾᵢ² over the rows, with df = dfResidual and the dispersion estimate χ²/df
   * (R's `sum(residuals(m, "pearson")^2) / df.residual(m)`, the φ of `summary(glm(…, quasibinomial))`).
   * Pass X, y, `weights` and `offset` as at the fit. One pass over X, O(n p).
   * @throws {SoftlogitError} as {@link LogisticFit.residuals}.
   * @example fit.pearsonChiSquare(X, y) // => { statistic: 397.49019893..., df: 394, dispersion: 1.00886... } (UCLA)
   */
  pearsonChiSquare(X: DesignInput, y: BinaryResponse, options: RowDiagnosticOptions = {}): PearsonChiSquare {
    const caller = 'LogisticFit.pearsonChiSquare';
    checkOptionKeys(options, caller, ROW_DIAGNOSTIC_OPTION_KEYS);
    const d = this.#rowDiagnostics(X, y, options, caller);
    let statistic = 0;
    d.mu.forEach((mu, r) => { statistic += binomialResidual('pearson', d.proportion[r]!, mu, d.priorWeights[r]!) ** 2; });
    return { statistic, df: this.dfResidual, dispersion: statistic / this.dfResidual };
  }

  /**
   * Marginal effects of each column of X on P(y = 1), with delta-method standard errors, as
   * statsmodels' `get_margeff(at, method, dummy, count)` and Stata's `margins`. At a row x with
   * p = σ(xᵀβ): 'dydx' ∂p/∂x_j = p(1 − p)β_j; 'eydx' ∂log p/∂x_j = (1 − p)β_j; 'dyex' x_j·dydx;
   * 'eyex' x_j·eydx. With `dummy` a 0/1 column's effect is the change p(x_j = 1) − p(x_j = 0)
   * (log p₁ − log p₀ for the 'ey' methods), and with `count` an integer column's is
   * p(x_j + 1) − p(x_j) (statsmodels 0.13 computes (p(x_j + 1) − p(x_j − 1))/2). `at`: 'overall'
   * (default) averages the rows' effects, 'mean', 'median' and 'zero' evaluate them at the column
   * means, medians or zeros (intercept 1), and an array of the column values at that one row
   * (Stata's `at(…)`, statsmodels' `atexog`). Pass the fit's X (for 'overall', the summaries and
   * which columns are 0/1 or integer), and its `weights` and `offset` as at the fit: with
   * `weights` the average over the rows and the means and medians are weighted (rows of weight 0
   * count nowhere; integer weights give the rows repeated, Stata's `margins` after fweights; for
   * a fit on successes/trials pass w·trials to weight by trials), and with an `offset`
   * p = σ(xᵀβ + offset). The offset is not a covariate, so at a summary point the effect is
   * averaged over the rows' offsets (weighted): our reading of Stata's `margins`, which fixes only
   * covariates and averages over the sample (not checked against Stata). The SE is √(J Σ Jᵀ), J the gradient of
   * the (averaged) effect in β (analytic), Σ the fit's covariance; z = effect/se, p = 2Φ(−|z|). O(n p²).
   * @throws {SoftlogitError} `BAD_OPTION`, `BAD_SHAPE`, `BAD_MODEL` (aliased columns), `BAD_WEIGHTS`
   *   (also when every weight is 0), `LENGTH_MISMATCH`, `NON_FINITE`.
   * @example
   * // spector: Logit(GRADE ~ GPA + TUCE + PSI); Stata margins, dydx(*): 0.3625808, 0.0122084, 0.3051777
   * fit.marginalEffects(X).effect // => Float64Array [0.36258083..., 0.01220841..., 0.30517770...]
   * // After fitLogistic(X, y, { weights, offset }): the same weights and offset again.
   * fit.marginalEffects(X, { at: 'mean', weights, offset });
   */
  marginalEffects(X: DesignInput, options: MarginalEffectOptions = {}): MarginalEffects {
    const caller = 'LogisticFit.marginalEffects';
    checkOptionKeys(options, caller, MARGINAL_EFFECT_OPTION_KEYS);
    return logisticMarginalEffects(X, this.#state.coefficients, this.#state.covariance, this.intercept, this.names, options, caller);
  }

  #rowDiagnostics(X: DesignInput, y: BinaryResponse, options: RowDiagnosticOptions, caller: string, withHat = false) {
    return binomialRowDiagnostics(X, y, options, this.#state.coefficients, this.intercept, this.names, caller, withHat);
  }

  /** The LR test against the null model and the pseudo-R² for the summary, or null for a penalized fit. */
  #likelihoodTests(): (ChiSquareTest & PseudoR2) | null {
    if (this.l2 > 0 || this.firth) return null;
    return { ...this.lrTest(), ...this.pseudoR2 };
  }

  /** What the likelihood-ratio test and pseudo-R² read. */
  #facts(): LikelihoodFacts {
    return {
      logLik: this.logLik, deviance: this.deviance, nullDeviance: this.nullDeviance, dfResidual: this.dfResidual,
      nObs: this.nObs, nClasses: 2, intercept: this.intercept, l2: this.l2, firth: this.firth,
      responseTotal: this.responseTotals.reduce((a, b) => a + b, 0),
    };
  }

  /**
   * The likelihood-ratio test against the null model (intercept-only; η = offset without an
   * intercept): G² = nullDeviance − deviance on p − 1 degrees of freedom (p without an
   * intercept), p = P(χ² > G²). R's `anova(glm(y ~ 1), fit, test = "Chisq")`, statsmodels'
   * `llr`, `df_model`, `llr_pvalue`, Stata's `LR chi2`. Use `lrTest(smaller, larger)` for other
   * nested models.
   * @throws {SoftlogitError} `BAD_MODEL` for a ridge (l2 > 0) or Firth fit, whose logLik is not the maximum.
   * @example fit.lrTest() // => { statistic: 41.459, df: 5, pValue: 7.58e-8 } (UCLA, gre + gpa + rank)
   */
  lrTest(): ChiSquareTest {
    return nullLikelihoodRatio(this.#facts(), 'LogisticFit.lrTest');
  }

  /**
   * McFadden's, Cox–Snell and Nagelkerke pseudo-R² against the null model (formulas in
   * src/inference/likelihoodRatio.ts; McFadden is statsmodels' `prsquared`).
   * @throws {SoftlogitError} `BAD_MODEL` for a ridge or Firth fit.
   * @example fit.pseudoR2.mcFadden // => 0.0829 (UCLA, gre + gpa + rank)
   */
  get pseudoR2(): PseudoR2 {
    return pseudoR2(this.#facts(), 'LogisticFit.pseudoR2');
  }

  /**
   * The Wald χ² test of the linear hypothesis Rβ = q: W = (Rβ − q)ᵀ(RΣRᵀ)⁻¹(Rβ − q) on
   * rows(R) degrees of freedom (R's `car::linearHypothesis(fit, R, q, test = "Chisq")`,
   * statsmodels' `wald_test(…, use_f = False)`, Stata's `test`). `hypothesis` is either a list of
   * coefficient names, all tested = 0 jointly, or R as rows of p numbers (or a Matrix) in `names`
   * order, with q (default 0).
   * @throws {SoftlogitError} `BAD_OPTION` for an unknown name; `BAD_SHAPE` for a wrong shape,
   *   dependent rows or an aliased coefficient; `NON_FINITE` for a non-finite entry.
   * @example fit.waldTest(['rank2', 'rank3', 'rank4']) // => { statistic: 20.895, df: 3, pValue: 1.1e-4 }
   * @example fit.waldTest([[0, 0, 0, 1, -1, 0]]) // rank2 = rank3
   */
  waldTest(hypothesis: readonly string[] | readonly (readonly number[])[] | Matrix, q?: ArrayLike<number>): ChiSquareTest {
    const caller = 'LogisticFit.waldTest';
    const p = this.names.length;
    const lookup = (name: string): number[] => { const j = this.names.indexOf(name); return j < 0 ? [] : [j]; };
    const parsed = waldHypothesis(hypothesis, q, p, lookup, this.names, caller);
    return waldChiSquare(this.#state.coefficients, this.#state.covariance, parsed, caller);
  }

  /**
   * Odds ratios exp(β_j) with Wald intervals exp(β_j ± z·se_j), z = Φ⁻¹((1 + level)/2): R's
   * `exp(cbind(coef(fit), confint.default(fit)))`, Stata's `logit, or`.
   * @throws {SoftlogitError} `BAD_OPTION` for a level outside (0, 1).
   * @example fit.oddsRatios().oddsRatio[2] // => 2.1270 (gpa, UCLA)
   */
  oddsRatios(level = 0.95): OddsRatios {
    const checked = levelOption(level, 'LogisticFit.oddsRatios');
    const intervals = waldIntervals(this.#state.coefficients, this.standardErrors, checked);
    return {
      names: [...this.names],
      oddsRatio: this.#state.coefficients.map(Math.exp),
      lower: Float64Array.from(intervals, ([low]) => Math.exp(low)),
      upper: Float64Array.from(intervals, ([, high]) => Math.exp(high)),
      level: checked,
    };
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
      ...formatLikelihoodLines(this.bic, this.logLik, freeParameters(this.#facts()), this.#likelihoodTests()),
      '',
      `Number of Newton iterations: ${this.iterations}${this.converged ? '' : ' (did not converge)'}`,
    ];
    if (this.l2 > 0) lines.splice(1, 0, `Ridge penalty l2 = ${this.l2} (intercept not penalized)`);
    if (this.firth) lines.splice(1, 0, "Firth's bias-reduced estimates (penalty ½ log det(XᵀWX)); logLik, deviance and AIC are the ordinary ones there");
    if (this.covarianceType !== 'model') {
      const kind = this.clusters > 0 ? `cluster-robust (${this.covarianceType}, ${this.clusters} clusters)` : `heteroskedasticity-consistent (${this.covarianceType})`;
      lines.splice(lines.indexOf('Coefficients:'), 0, `Standard errors: ${kind} sandwich`, '');
    }
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
      responseTotals: [...(s.responseTotals ?? [])],
      covarianceType: s.covarianceType ?? 'model',
      clusters: s.clusters ?? 0,
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
      covarianceType: v.covarianceType === 'HC0' || v.covarianceType === 'HC1' ? v.covarianceType : 'model',
      clusters: typeof v.clusters === 'number' ? v.clusters : 0,
    });
  }
}

/** Coefficients for prediction: NaN (aliased) entries count as 0, as R's predict.glm drops them. */
function predictionCoefficients(coefficients: Float64Array, aliased: readonly string[] | undefined): Float64Array {
  if (!aliased || aliased.length === 0) return coefficients;
  return coefficients.map((b) => (Number.isNaN(b) ? 0 : b));
}
