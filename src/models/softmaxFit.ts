// The result of a multinomial (softmax) fit: W in the reference or symmetric form with standard
// errors, prediction, an R multinom-like summary, JSON, and the K = 2 logistic equivalent.
import {
  classMixingMatrix, coefficientStandardErrors, convertCovariance, fromBaseline, toSymmetric,
  type CoefficientForm,
} from '../convert.js';
import { SoftlogitError } from '../errors.js';
import { formatColumn, formatLikelihoodLines, formatNumber, formatPValues, formatTable, SUMMARY_DIGITS } from '../format.js';
import { pValues } from '../inference.js';
import { freeParameters, nullLikelihoodRatio, pseudoR2, type ChiSquareTest, type LikelihoodFacts, type PseudoR2 } from '../inference/likelihoodRatio.js';
import { classOffset, type ClassOffset } from '../input/classOffset.js';
import { confintLevel, levelOption, quadraticForm, softmaxProbabilityVariances } from '../inference/prediction.js';
import {
  multinomialResidual, multinomialRowDiagnostics, type SoftmaxResidualType, type SoftmaxRowDiagnosticOptions,
} from '../inference/multinomialResiduals.js';
import { softmaxMarginalEffects, type SoftmaxMarginalEffectOptions, type SoftmaxMarginalEffects } from '../inference/softmaxMarginalEffects.js';
import { waldChiSquare, waldHypothesis } from '../inference/wald.js';
import { normalQuantile } from '../special.js';
import type { CovarianceType } from '../inference/robust.js';
import { Matrix } from '../matrix.js';
import { toRowSource, type DesignInput } from '../input/design.js';
import { checkOptionKeys, describeValue, optionKeysOf } from '../input/optionKeys.js';
import { checkFitState, jsonNumber, parseJSON, readFitStatistics, readNames, type FitStatistics } from './fitState.js';
import { LogisticFit, type PearsonChiSquare } from './logisticFit.js';
import { parameterizationOption, type Parameterization } from '../input/options.js';
import { checkClassList, type ClassLabel, type MultinomialResponse } from '../input/softmaxResponse.js';
import type { FitSeparation } from '../remedies/separation.js';

export type { Parameterization };

export interface SoftmaxFitState extends FitStatistics {
  names: string[];
  intercept: boolean;
  classes: ClassLabel[];
  /** Position of the reference class in `classes`. */
  referenceIndex: number;
  parameterization: Parameterization;
  /** Free coefficients, class-major: non-reference class c (in class order), feature j at c * p + j. */
  baseline: Float64Array;
  /** Covariance of `baseline`, p(K−1) square, same order (R multinom's vcov order). */
  covariance: Float64Array;
  /** Which covariance `covariance` holds: the inverse information ('model', the default) or a sandwich. */
  covarianceType?: CovarianceType;
  /** Number of clusters of a cluster-robust covariance; 0 (or absent) without clusters. */
  clusters?: number;
}

/** The JSON form written by `toJSON()`. */
export interface SoftmaxModelJSON extends Omit<SoftmaxFitState, 'baseline' | 'covariance' | 'referenceIndex'> {
  format: 'softlogit-model';
  version: 1;
  model: 'softmax';
  reference: ClassLabel;
  baseline: number[];
  covariance: number[];
}

export type SoftmaxPredictionType = 'prob' | 'class' | 'link';

/** Options of {@link SoftmaxFit.predict}. */
export interface SoftmaxPredictOptions {
  /** 'prob' (default) class probabilities, 'link' the scores XW, 'class' the most probable label. */
  type?: SoftmaxPredictionType;
  /** Also return delta-method standard errors and intervals; not with type 'class'. Default false. */
  se?: boolean;
  /** Confidence level of the intervals returned with `se: true` (default 0.95). */
  level?: number;
  /** Per row and class offsets added to the scores, n rows of K (classes order), as fitSoftmax's `offset`. */
  offset?: ClassOffset;
}

/** Every key of SoftmaxPredictOptions (the compiler checks the list against the interface). */
export const SOFTMAX_PREDICT_OPTION_KEYS = optionKeysOf<SoftmaxPredictOptions>()(['type', 'se', 'level', 'offset']);

/** Options of {@link SoftmaxFit.residuals}: the rows' weights and offset as at the fit, and the type. */
export interface SoftmaxResidualOptions extends SoftmaxRowDiagnosticOptions {
  /** 'response' (default, as nnet's residuals(multinom)), 'working', 'pearson' or 'deviance'. */
  type?: SoftmaxResidualType;
}

/** Every key of SoftmaxResidualOptions. */
export const SOFTMAX_RESIDUAL_OPTION_KEYS = optionKeysOf<SoftmaxResidualOptions>()(['type', 'weights', 'offset']);
/** Every key of the options of SoftmaxFit's hatValues, cooksDistance and pearsonChiSquare. */
export const SOFTMAX_ROW_DIAGNOSTIC_OPTION_KEYS = optionKeysOf<SoftmaxRowDiagnosticOptions>()(['weights', 'offset']);

/** Every key of SoftmaxMarginalEffectOptions. */
export const SOFTMAX_MARGINAL_EFFECT_OPTION_KEYS = optionKeysOf<SoftmaxMarginalEffectOptions>()(['at', 'method', 'dummy', 'count', 'weights', 'offset', 'level']);

/**
 * Predictions with their uncertainty (`predict(X, { se: true })`), each an n x K Matrix: the
 * probabilities (or scores) `fit`, their standard errors, and the Wald interval fit ± z·se (for
 * probabilities the delta-method interval of Stata's `margins`, which can leave [0, 1] near the
 * ends).
 */
export interface SoftmaxPrediction {
  fit: Matrix;
  se: Matrix;
  lower: Matrix;
  upper: Matrix;
  level: number;
}

/** Wald intervals of W (p x K, the fit's parameterization): W ± z·se. */
export interface SoftmaxIntervals {
  lower: Matrix;
  upper: Matrix;
  level: number;
}

/**
 * Relative risk ratios exp(β) of the non-reference classes against the reference class, with
 * their Wald intervals exp(β ± z·se): p x (K − 1) matrices, columns the non-reference classes
 * in `classes` order (Stata's `mlogit, rrr`).
 */
export interface RelativeRiskRatios {
  classes: ClassLabel[];
  ratio: Matrix;
  lower: Matrix;
  upper: Matrix;
  level: number;
}


/**
 * A fitted multinomial (softmax) regression model, P(class k | x) = exp(xᵀw_k) / Σ_l exp(xᵀw_l)
 * (immutable: getters return copies).
 *
 * `coefficients` is a p x K Matrix (rows = features incl. `(Intercept)`, columns = `classes`) in
 * the fit's parameterization; `covariance` is that of the K − 1 free columns (the baseline form
 * R's multinom and statsmodels' MNLogit report), class-major.
 */
export class SoftmaxFit {
  readonly #state: SoftmaxFitState;
  readonly names: readonly string[];
  readonly classes: readonly ClassLabel[];
  readonly reference: ClassLabel;
  readonly parameterization: Parameterization;
  readonly intercept: boolean;
  readonly logLik: number;
  readonly deviance: number;
  readonly nullDeviance: number;
  readonly aic: number;
  readonly bic: number;
  /** nObs (K − 1) − p (K − 1), as VGAM reports; for K = 2 the glm residual df. */
  readonly dfResidual: number;
  readonly nObs: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly l2: number;
  readonly warnings: readonly string[];
  /**
   * Set when the data are separated (exact LP check): `kind`, `direction` (+1/−1/0, p × (K − 1)
   * row-major over the non-reference classes) and the diverging `coefficients` (`class:feature`);
   * the fit then has `converged: false`. Else null.
   */
  readonly separation: FitSeparation | null;
  /** Names of aliased columns dropped with `singular: 'drop'` (R's NA): NaN coefficients and SEs, ignored by predict. */
  readonly aliased: readonly string[];
  /** Weighted totals of the response per class, in `classes` order (empty for models saved before it was recorded). */
  readonly responseTotals: readonly number[];
  /** What `covariance` is: 'model', the inverse information, or the sandwich 'HC0' / 'HC1' of the `covariance` fit option. */
  readonly covarianceType: CovarianceType;
  /** Clusters of a cluster-robust covariance (the `cluster` fit option); 0 without. */
  readonly clusters: number;

  /**
   * Builds a model from its state; use fitSoftmax or `SoftmaxFit.fromJSON` / `loadModel` instead.
   * @throws {SoftlogitError} `BAD_MODEL` when the state is not that of a softmax fit.
   */
  constructor(state: SoftmaxFitState) {
    const caller = 'SoftmaxFit';
    const classes = checkClassList((state as Partial<SoftmaxFitState> | null)?.classes, 'classes', 'BAD_MODEL', caller);
    const K = classes.length;
    if (K < 2) throw new SoftlogitError('BAD_MODEL', `${caller}: a softmax model needs at least 2 classes, got ${K}`);
    checkFitState(state, caller, 'baseline', (p) => p * (K - 1));
    const { referenceIndex } = state;
    if (typeof referenceIndex !== 'number' || !Number.isInteger(referenceIndex) || referenceIndex < 0 || referenceIndex >= K) {
      throw new SoftlogitError('BAD_MODEL', `${caller}: referenceIndex should be a class index in [0, ${K - 1}], got ${describeValue(referenceIndex)}`);
    }
    parameterizationOption(state.parameterization, caller, false);
    this.#state = state;
    this.names = Object.freeze([...state.names]);
    this.classes = Object.freeze([...state.classes]);
    this.reference = state.classes[state.referenceIndex]!;
    this.parameterization = state.parameterization;
    this.intercept = state.intercept;
    this.logLik = state.logLik;
    this.deviance = state.deviance;
    this.nullDeviance = state.nullDeviance;
    this.aic = state.aic;
    this.bic = state.bic;
    this.dfResidual = state.dfResidual;
    this.nObs = state.nObs;
    this.iterations = state.iterations;
    this.converged = state.converged;
    this.l2 = state.l2;
    this.warnings = Object.freeze([...state.warnings]);
    this.separation = state.separation ?? null;
    this.aliased = Object.freeze([...(state.aliased ?? [])]);
    this.responseTotals = Object.freeze([...(state.responseTotals ?? [])]);
    this.covarianceType = state.covarianceType ?? 'model';
    this.clusters = state.clusters ?? 0;
    Object.freeze(this);
  }

  private get form(): CoefficientForm {
    return this.parameterization === 'symmetric'
      ? { form: 'symmetric' }
      : { form: 'reference', reference: this.#state.referenceIndex };
  }

  /** The free coefficients as a p x (K − 1) Matrix (columns: non-reference classes in order). */
  get baseline(): Matrix {
    const p = this.names.length;
    const nFree = this.classes.length - 1;
    const out = new Matrix(p, nFree);
    for (let c = 0; c < nFree; c++) for (let j = 0; j < p; j++) out.data[j * nFree + c] = this.#state.baseline[c * p + j]!;
    return out;
  }

  /** W, p x K, in this fit's parameterization. */
  get coefficients(): Matrix {
    const W = fromBaseline(this.baseline, this.#state.referenceIndex);
    return this.parameterization === 'symmetric' ? toSymmetric(W) : W;
  }

  /** Covariance of the free coefficients (p(K−1) square, class-major: R multinom's vcov order). */
  get covariance(): Matrix {
    const n = this.#state.baseline.length;
    return new Matrix(n, n, this.#state.covariance.slice());
  }

  /**
   * Covariance of vec(W) (pK square, class-major) in a parameterization: A Σ Aᵀ for the linear map
   * A from the free coefficients. Singular by construction: the reference form has zero rows for
   * the reference class; the symmetric form has rank p(K − 1) (each row of W sums to zero).
   */
  covarianceOf(parameterization: Parameterization = this.parameterization): Matrix {
    parameterizationOption(parameterization, 'SoftmaxFit.covarianceOf', false);
    const to: CoefficientForm =
      parameterization === 'symmetric' ? { form: 'symmetric' } : { form: 'reference', reference: this.#state.referenceIndex };
    const C = classMixingMatrix(this.classes.length, { form: 'baseline', reference: this.#state.referenceIndex }, to);
    return convertCovariance(this.covariance, C);
  }

  /** Standard errors of W, p x K, same layout as `coefficients` (0 for the reference column in the reference form). */
  get standardErrors(): Matrix {
    return coefficientStandardErrors(this.covarianceOf(), this.names.length, this.classes.length);
  }

  /** Wald z = W / se, p x K (NaN where se = 0, i.e. the reference column). */
  get zValues(): Matrix {
    const W = this.coefficients;
    const se = this.standardErrors;
    return new Matrix(W.rows, W.cols, W.data.map((w, i) => (se.data[i]! > 0 ? w / se.data[i]! : Number.NaN)));
  }

  /** Two-sided p-values 2 Φ(−|z|), p x K. */
  get pValues(): Matrix {
    const z = this.zValues;
    return new Matrix(z.rows, z.cols, pValues(z.data));
  }

  /**
   * Predictions for new rows X (without the intercept column): 'prob' (default) an n x K Matrix of
   * class probabilities; 'link' the n x K scores XW (in the fit's parameterization); 'class' the
   * most probable label per row. With `se: true` (types 'prob' and 'link') a
   * {@link SoftmaxPrediction}: for scores se(xᵀw_k) = √(xᵀΣ_kk x) from `covarianceOf()`; for
   * probabilities the delta-method se, Var(p_k) = Σ_{c,c'} a_kc a_kc' xᵀΣ_{cc'}x with
   * a_kc = p_k(δ_kc − p_c) over the free classes c (O((K − 1)² p²) per row). With `offset`
   * (n rows of K, as at the fit) the scores are xᵀw_k + o_k; the SEs do not change.
   * @example fit.predict([[1, 0]], { se: true }).se.get(0, 1) // SE of P(second class | x)
   */
  predict(X: DesignInput, options: { type?: 'prob' | 'link'; se: true; level?: number; offset?: ClassOffset }): SoftmaxPrediction;
  predict(X: DesignInput, options: { type?: 'prob' | 'link'; se?: false; level?: number; offset?: ClassOffset }): Matrix;
  predict(X: DesignInput, options: { type: 'class'; se?: false; offset?: ClassOffset }): ClassLabel[];
  predict(X: DesignInput): Matrix;
  predict(X: DesignInput, options?: SoftmaxPredictOptions): Matrix | ClassLabel[] | SoftmaxPrediction;
  predict(X: DesignInput, options: SoftmaxPredictOptions = {}): Matrix | ClassLabel[] | SoftmaxPrediction {
    const caller = 'SoftmaxFit.predict';
    checkOptionKeys(options, caller, SOFTMAX_PREDICT_OPTION_KEYS);
    const type = options.type ?? 'prob';
    if (type !== 'prob' && type !== 'class' && type !== 'link') {
      throw new SoftlogitError('BAD_OPTION', `${caller}: type should be 'prob', 'class' or 'link', got ${describeValue(type)}`);
    }
    const withSe = options.se ?? false;
    if (typeof withSe !== 'boolean') throw new SoftlogitError('BAD_OPTION', `${caller}: se should be true or false, got ${describeValue(withSe)}`);
    if (withSe && type === 'class') throw new SoftlogitError('BAD_OPTION', `${caller}: se: true needs type 'prob' or 'link' (a class has no standard error)`);
    const level = levelOption(options.level, caller);
    const source = toRowSource(X, caller);
    const W = this.coefficients;
    if (this.aliased.length > 0) W.data.forEach((w, i) => { if (Number.isNaN(w)) W.data[i] = 0; });
    const K = W.cols;
    const shift = this.intercept ? 1 : 0;
    const p = source.nFeatures;
    if (p !== W.rows - shift) {
      throw new SoftlogitError('BAD_SHAPE', `${caller}: X should have ${W.rows - shift} columns (${this.names.slice(shift).join(', ')}), got ${p}`);
    }
    const offset = options.offset !== undefined ? classOffset(options.offset, source.nRows, K, caller) : null;
    const scores = new Matrix(source.nRows, K);
    const rows = withSe ? new Float64Array(source.nRows * W.rows) : null;
    const row = new Float64Array(p);
    for (let r = 0; r < source.nRows; r++) {
      source.fillRows(r, r + 1, row);
      if (rows) {
        if (shift) rows[r * W.rows] = 1;
        rows.set(row, r * W.rows + shift);
      }
      for (let k = 0; k < K; k++) {
        let eta = (shift ? W.data[k]! : 0) + (offset ? offset[r * K + k]! : 0);
        for (let j = 0; j < p; j++) eta += row[j]! * W.data[(j + shift) * K + k]!;
        if (!Number.isFinite(eta)) {
          throw new SoftlogitError('NON_FINITE', `${caller}: row ${r} of X gives a non-finite score; X must be finite`, { row: r });
        }
        scores.data[r * K + k] = eta;
      }
    }
    if (type === 'class') {
      return Array.from({ length: source.nRows }, (_, r) => {
        let best = 0;
        for (let k = 1; k < K; k++) if (scores.data[r * K + k]! > scores.data[r * K + best]!) best = k;
        return this.classes[best]!;
      });
    }
    if (type === 'prob') {
      for (let r = 0; r < source.nRows; r++) {
        let max = -Infinity;
        for (let k = 0; k < K; k++) max = Math.max(max, scores.data[r * K + k]!);
        let sum = 0;
        for (let k = 0; k < K; k++) sum += Math.exp(scores.data[r * K + k]! - max);
        for (let k = 0; k < K; k++) scores.data[r * K + k] = Math.exp(scores.data[r * K + k]! - max) / sum;
      }
    }
    if (!rows) return scores;
    return this.#predictionErrors(scores, rows, type, level);
  }

  /** Standard errors and intervals of predicted scores or probabilities (rows: the design rows with their intercept). */
  #predictionErrors(fit: Matrix, rows: Float64Array, type: 'prob' | 'link', level: number): SoftmaxPrediction {
    const n = fit.rows;
    const K = fit.cols;
    const pFull = this.names.length;
    const skip = new Set(this.aliased.map((name) => this.names.indexOf(name)));
    const se = new Matrix(n, K);
    const variances = new Float64Array(K);
    if (type === 'link') {
      const covariance = this.covarianceOf().data;
      for (let r = 0; r < n; r++) {
        const x = rows.subarray(r * pFull, (r + 1) * pFull);
        for (let k = 0; k < K; k++) se.data[r * K + k] = Math.sqrt(Math.max(0, quadraticForm(x, covariance, pFull * K, k * pFull, k * pFull, skip)));
      }
    } else {
      const freeClasses = this.classes.map((_, k) => k).filter((k) => k !== this.#state.referenceIndex);
      for (let r = 0; r < n; r++) {
        softmaxProbabilityVariances(rows.subarray(r * pFull, (r + 1) * pFull), fit.data.subarray(r * K, (r + 1) * K), this.#state.covariance, freeClasses, skip, variances);
        for (let k = 0; k < K; k++) se.data[r * K + k] = Math.sqrt(Math.max(0, variances[k]!));
      }
    }
    const z = normalQuantile(0.5 + level / 2);
    const lower = new Matrix(n, K, fit.data.map((f, i) => f - z * se.data[i]!));
    const upper = new Matrix(n, K, fit.data.map((f, i) => f + z * se.data[i]!));
    return { fit, se, lower, upper, level };
  }

  /** What the likelihood-ratio test and pseudo-R² read. */
  #facts(): LikelihoodFacts {
    return {
      logLik: this.logLik, deviance: this.deviance, nullDeviance: this.nullDeviance, dfResidual: this.dfResidual,
      nObs: this.nObs, nClasses: this.classes.length, intercept: this.intercept, l2: this.l2, firth: false,
      responseTotal: this.responseTotals.reduce((a, b) => a + b, 0),
    };
  }

  /**
   * The likelihood-ratio test against the null model (the K − 1 intercepts: the pooled class
   * shares; p = 1/K without an intercept): G² = nullDeviance − deviance on (p − 1)(K − 1) degrees
   * of freedom, p = P(χ² > G²). statsmodels MNLogit's `llr`, `df_model`, `llr_pvalue`, Stata
   * `mlogit`'s `LR chi2`. Use `lrTest(smaller, larger)` for other nested models.
   * @throws {SoftlogitError} `BAD_MODEL` for a ridge fit (l2 > 0).
   * @example fit.lrTest() // => { statistic: 178.79, df: 12, pValue: 7.5e-32 } (MASS housing)
   */
  lrTest(): ChiSquareTest {
    return nullLikelihoodRatio(this.#facts(), 'SoftmaxFit.lrTest');
  }

  /**
   * McFadden's, Cox–Snell and Nagelkerke pseudo-R² against the null model (formulas in
   * src/inference/likelihoodRatio.ts; McFadden is statsmodels MNLogit's `prsquared`).
   * @throws {SoftlogitError} `BAD_MODEL` for a ridge fit.
   * @example fit.pseudoR2.mcFadden // => 0.0490 (MASS housing)
   */
  get pseudoR2(): PseudoR2 {
    return pseudoR2(this.#facts(), 'SoftmaxFit.pseudoR2');
  }

  /**
   * The Wald χ² test of Rβ = q on the free coefficients β (the baseline form, class-major: the
   * non-reference class c, feature j at c·p + j, the order of `covariance`, R multinom's `vcov`
   * and statsmodels' params), W = (Rβ − q)ᵀ(RΣRᵀ)⁻¹(Rβ − q) on rows(R) degrees of freedom
   * (statsmodels' `wald_test(…, use_f = False)`, Stata's `test`). `hypothesis` is either
   * coefficient names, all tested = 0 jointly — `'class:feature'` for one coefficient, or a bare
   * feature name for that feature in every non-reference class (Stata's `test x`) — or R as
   * rows of p(K − 1) numbers (or a Matrix), with q (default 0). The test does not depend on the
   * parameterization the fit reports.
   * @throws {SoftlogitError} as LogisticFit.waldTest.
   * @example fit.waldTest(['TypeApartment', 'TypeAtrium', 'TypeTerrace']) // 6 df: both classes
   */
  waldTest(hypothesis: readonly string[] | readonly (readonly number[])[] | Matrix, q?: ArrayLike<number>): ChiSquareTest {
    const caller = 'SoftmaxFit.waldTest';
    const p = this.names.length;
    const free = this.classes.filter((_, k) => k !== this.#state.referenceIndex).map(String);
    const n = p * free.length;
    const lookup = (name: string): number[] => {
      const j = this.names.indexOf(name);
      if (j >= 0) return free.map((_, c) => c * p + j);
      for (let c = 0; c < free.length; c++) {
        const prefix = `${free[c]}:`;
        if (name.startsWith(prefix)) {
          const feature = this.names.indexOf(name.slice(prefix.length));
          if (feature >= 0) return [c * p + feature];
        }
      }
      return [];
    };
    const known = [...this.names, ...free.flatMap((c) => this.names.map((name) => `${c}:${name}`))];
    const parsed = waldHypothesis(hypothesis, q, n, lookup, known, caller);
    return waldChiSquare(this.#state.baseline, this.#state.covariance, parsed, caller);
  }

  /**
   * Wald confidence intervals W ± z·se, z = Φ⁻¹((1 + level)/2), as p x K matrices in the fit's
   * parameterization (as `coefficients` and `standardErrors`; in the reference form the reference
   * column is [0, 0]). The non-reference columns are statsmodels MNLogit's `conf_int` and R's
   * `confint.default` on a multinom fit. Profile-likelihood intervals (VGAM's
   * `confint(fit, method = "profile")`) need the rows: `profileConfint(fit, X, y)`.
   * @throws {SoftlogitError} `BAD_OPTION` for a level outside (0, 1), or an object such as
   *   `{ method: 'profile' }` (the message points at profileConfint).
   * @example fit.confint(0.9).lower.get(1, 2) // lower 90% bound of feature 1, class 2
   */
  confint(level = 0.95): SoftmaxIntervals {
    const checked = confintLevel(level, 'SoftmaxFit.confint');
    const z = normalQuantile(0.5 + checked / 2);
    const W = this.coefficients;
    const se = this.standardErrors;
    return {
      lower: new Matrix(W.rows, W.cols, W.data.map((w, i) => w - z * se.data[i]!)),
      upper: new Matrix(W.rows, W.cols, W.data.map((w, i) => w + z * se.data[i]!)),
      level: checked,
    };
  }

  /**
   * Relative risk ratios exp(β_cj) of each non-reference class c against the reference class, with
   * Wald intervals exp(β_cj ± z·se_cj) (Stata's `mlogit, rrr`; `exp(coef(fit))` and
   * `exp(confint(fit))` of R's multinom). Whatever the fit's parameterization, the ratios are
   * against the reference class.
   * @throws {SoftlogitError} `BAD_OPTION` for a level outside (0, 1).
   * @example fit.relativeRiskRatios().ratio.get(1, 0) // exp of feature 1's coefficient, first non-reference class
   */
  relativeRiskRatios(level = 0.95): RelativeRiskRatios {
    const checked = levelOption(level, 'SoftmaxFit.relativeRiskRatios');
    const z = normalQuantile(0.5 + checked / 2);
    const B = this.baseline;
    const p = this.names.length;
    const nFree = B.cols;
    const se = new Float64Array(p * nFree);
    for (let c = 0; c < nFree; c++) for (let j = 0; j < p; j++) se[j * nFree + c] = Math.sqrt(this.#state.covariance[(c * p + j) * (p * nFree) + c * p + j]!);
    return {
      classes: this.classes.filter((_, k) => k !== this.#state.referenceIndex),
      ratio: new Matrix(p, nFree, B.data.map(Math.exp)),
      lower: new Matrix(p, nFree, B.data.map((b, i) => Math.exp(b - z * se[i]!))),
      upper: new Matrix(p, nFree, B.data.map((b, i) => Math.exp(b + z * se[i]!))),
      level: checked,
    };
  }

  /**
   * Marginal effects of each column of X on every class probability π_k, with delta-method
   * standard errors: Stata's `margins, dydx(*) predict(outcome(k))` for each class k, statsmodels'
   * MNLogit `get_margeff(at, method, dummy)`. At a row x, with w_k the coefficients of class k
   * (reference form, w_ref = 0) and w̄ = Σ_l π_l w_l: 'dydx' ∂π_k/∂x_j = π_k(w_kj − w̄_j);
   * 'eydx' ∂log π_k/∂x_j = w_kj − w̄_j; 'dyex' x_j·dydx; 'eyex' x_j·eydx. The effects on the K
   * probabilities sum to 0 (dydx), whatever the reference class or parameterization. With
   * `dummy` a 0/1 column's effect is the change π_k(x_j = 1) − π_k(x_j = 0) (log π_k¹ − log π_k⁰
   * for the 'ey' methods), and with `count` an integer column's is π_k(x_j + 1) − π_k(x_j)
   * (statsmodels 0.13 computes (π_k(x_j + 1) − π_k(x_j − 1))/2).
   * `at`: 'overall' (default) averages the rows' effects (Stata's average marginal effects),
   * 'mean', 'median' and 'zero' evaluate them at the column means, medians or zeros (intercept 1),
   * and an array of the q column values at that row (Stata's `at(…)`). The SE is √(J Σ Jᵀ), J the
   * analytic gradient of the effect in the free coefficients (∂π_k/∂β_c = π_k(δ_kc − π_c)x),
   * Σ the fit's covariance; z = effect/se, p = 2Φ(−|z|), interval effect ± Φ⁻¹((1 + level)/2)·se.
   * Pass the fit's X (for 'overall', the summaries and which columns are 0/1 or integer), and its
   * `weights` and `offset` (n rows of K) as at the fit: the average over the rows and the means and
   * medians are weighted (rows of weight 0 count nowhere; integer weights give the rows repeated),
   * the offset is added to the scores, and at a summary point the effect is averaged over the rows'
   * offsets (see LogisticFit.marginalEffects). O(n q K² p).
   * @throws {SoftlogitError} `BAD_OPTION`, `BAD_SHAPE`, `BAD_MODEL` (aliased columns), `BAD_WEIGHTS`
   *   (also when every weight is 0), `LENGTH_MISMATCH`, `NON_FINITE`.
   * @example
   * // anes96: MNLogit(PID ~ logpopul + selfLR + age + educ + income), 7 classes; Stata
   * // margins, dydx(*) predict(outcome(0)): logpopul 0.0086808599, selfLR -0.0977985402, …
   * const m = fit.marginalEffects(X);
   * m.effect.get(0, 0) // => 0.00868086... (logpopul, class 0)
   * m.se.get(1, 0) // => 0.0080471... (selfLR, class 0)
   */
  marginalEffects(X: DesignInput, options: SoftmaxMarginalEffectOptions = {}): SoftmaxMarginalEffects {
    const caller = 'SoftmaxFit.marginalEffects';
    checkOptionKeys(options, caller, SOFTMAX_MARGINAL_EFFECT_OPTION_KEYS);
    const s = this.#state;
    return softmaxMarginalEffects(X, s.baseline, s.covariance, s.referenceIndex, this.classes, this.intercept, this.names, options, caller);
  }

  /**
   * Residuals of the fit on its own rows, which a fit does not keep: pass X (without the intercept
   * column), y and the `weights` and `offset` exactly as they were passed to fitSoftmax. With y_i
   * the observed proportions of row i (a label: one 1; counts c_ik: c_ik/m_i), a_i = w_i·m_i the
   * prior weight, π_i the fitted probabilities and V_i = diag(π_f) − π_fπ_fᵀ over the K − 1
   * non-reference classes f:
   * - 'response' (default): y_ik − π_ik, an n x K Matrix (columns `classes`): nnet's
   *   `residuals(multinom)`, VGAM's `residuals(vglm, "response")`;
   * - 'working': V_i⁻¹(y_i − π_i)_f = y_ic/π_ic − y_i,ref/π_i,ref, n x (K − 1) (columns the
   *   non-reference classes in class order, as `baseline`): VGAM's `residuals(vglm, "working")`;
   * - 'pearson': √a_i V_i^(−½)(y_i − π_i)_f with the symmetric square root, n x (K − 1): VGAM's
   *   `residuals(vglm, "pearson")`; a row's squares sum to a_i Σ_k (y_ik − π_ik)²/π_ik, so all of
   *   them to Pearson's χ²;
   * - 'deviance': one per row, √d_i with d_i = 2a_i Σ_k y_ik log(y_ik/π_ik) (0 log 0 = 0), a
   *   Float64Array with Σ d_i = deviance (unsigned: a row has no one direction; VGAM has none).
   * Rows of weight 0 get the response and working residuals, and 0 Pearson and deviance residuals.
   * One pass over X, O(n K p) (+ O(n K³) for 'pearson').
   * @throws {SoftlogitError} `BAD_OPTION`, `BAD_SHAPE`, and the checks of fitSoftmax on y, weights and offset.
   * @example fit.residuals(X, labels, { weights }).row(0) // => [0.60443..., -0.26011..., -0.34432...] (housing, VGAM residuals(m, "response"))
   * @example fit.residuals(X, labels, { weights, type: 'pearson' }).row(0) // => [-3.78319..., -4.21611...] (VGAM residuals(m, "pearson"))
   * @example fit.residuals(X, labels, { weights, type: 'deviance' }) // => Float64Array [6.24116..., 7.52062..., ...] (Σ of squares = fit.deviance)
   */
  residuals(X: DesignInput, y: MultinomialResponse, options: SoftmaxResidualOptions & { type: 'deviance' }): Float64Array;
  residuals(X: DesignInput, y: MultinomialResponse, options?: SoftmaxResidualOptions & { type?: 'response' | 'working' | 'pearson' }): Matrix;
  residuals(X: DesignInput, y: MultinomialResponse, options?: SoftmaxResidualOptions): Matrix | Float64Array;
  residuals(X: DesignInput, y: MultinomialResponse, options: SoftmaxResidualOptions = {}): Matrix | Float64Array {
    const caller = 'SoftmaxFit.residuals';
    checkOptionKeys(options, caller, SOFTMAX_RESIDUAL_OPTION_KEYS);
    const type = options.type ?? 'response';
    if (type !== 'response' && type !== 'pearson' && type !== 'deviance' && type !== 'working') {
      throw new SoftlogitError('BAD_OPTION', `${caller}: type should be 'response', 'working', 'pearson' or 'deviance', got ${describeValue(type)}`);
    }
    const d = this.#rowDiagnostics(X, y, options, caller);
    const K = this.classes.length;
    const width = type === 'response' ? K : type === 'deviance' ? 1 : K - 1;
    const out = new Float64Array(d.nRows * width);
    for (let r = 0; r < d.nRows; r++) {
      multinomialResidual(
        type, d.prob.subarray(r * K, (r + 1) * K), d.proportion.subarray(r * K, (r + 1) * K), d.priorWeights[r]!,
        this.#state.referenceIndex, out.subarray(r * width, (r + 1) * width),
      );
    }
    return type === 'deviance' ? out : new Matrix(d.nRows, width, out);
  }

  /**
   * Leverages: for each row the diagonal of its (K − 1) x (K − 1) block H_ii = U_iX_iA⁻¹X_iᵀU_iᵀ
   * of the hat matrix of the final IRLS step, A = XᵀWX = Σ X_iᵀW_iX_i, W_i = a_i(diag(π_f) −
   * π_fπ_fᵀ) = U_iᵀU_i (Cholesky), X_i = I ⊗ x_iᵀ: VGAM's `hatvalues(vglm)`, an n x (K − 1) Matrix
   * (columns the non-reference classes). The entries of a row depend on the Cholesky order, their
   * sum (trace H_ii) does not; the whole sums to p(K − 1). XᵀWX is summed again from the rows, so
   * the result does not depend on a sandwich `covariance`. Pass X, y, `weights` and `offset` as at
   * the fit. Two passes over X, O(n K³ p²). For K = 2, LogisticFit.hatValues.
   * @throws {SoftlogitError} as {@link SoftmaxFit.residuals}; `NOT_POSITIVE_DEFINITE` when XᵀWX is singular.
   * @example fit.hatValues(X, labels, { weights }).row(0) // => [0.091091..., 0.098014...] (housing, VGAM hatvalues(m))
   */
  hatValues(X: DesignInput, y: MultinomialResponse, options: SoftmaxRowDiagnosticOptions = {}): Matrix {
    const caller = 'SoftmaxFit.hatValues';
    checkOptionKeys(options, caller, SOFTMAX_ROW_DIAGNOSTIC_OPTION_KEYS);
    const d = this.#rowDiagnostics(X, y, options, caller, true);
    return new Matrix(d.nRows, this.classes.length - 1, d.hat);
  }

  /**
   * Cook's distances, the one-step change of the estimate when row i is left out measured in the
   * information (Lesaffre & Albert 1989, "Multiple-group logistic regression diagnostics"):
   * D_i = Δβ_iᵀAΔβ_i/P with Δβ_i = (A − X_iᵀW_iX_i)⁻¹X_iᵀa_i(y_i − π_i)_f and P = p(K − 1)
   * estimated coefficients, computed as t_iᵀH_iit_i/P, t_i = (I − H_ii)⁻¹U_i⁻ᵀa_i(y_i − π_i)_f
   * (notation of {@link SoftmaxFit.hatValues}); NaN where I − H_ii is singular. For K = 2 it is
   * R's `cooks.distance(glm)`; R has none for multinom or vglm. Pass X, y, `weights` and `offset`
   * as at the fit. O(n K³ p²).
   * @throws {SoftlogitError} as {@link SoftmaxFit.hatValues}.
   * @example fit.cooksDistance(X, labels, { weights }) // => Float64Array [0.29387..., 0.47132..., ...] (housing)
   */
  cooksDistance(X: DesignInput, y: MultinomialResponse, options: SoftmaxRowDiagnosticOptions = {}): Float64Array {
    const caller = 'SoftmaxFit.cooksDistance';
    checkOptionKeys(options, caller, SOFTMAX_ROW_DIAGNOSTIC_OPTION_KEYS);
    return this.#rowDiagnostics(X, y, options, caller, true).cooks;
  }

  /**
   * Pearson's χ² = Σ_i a_i Σ_k (y_ik − π_ik)²/π_ik over the rows (the sum of squared 'pearson'
   * residuals, VGAM's `sum(residuals(fit, "pearson")^2)`), with df = dfResidual = n(K − 1) −
   * p(K − 1) (VGAM's `df.residual`) and the dispersion estimate χ²/df. Pass X, y, `weights` and
   * `offset` as at the fit. One pass over X, O(n K p).
   * @throws {SoftlogitError} as {@link SoftmaxFit.residuals}.
   * @example fit.pearsonChiSquare(X, labels, { weights }) // => { statistic: 3368.548..., df: 130, dispersion: 25.91... } (housing, 72 rows)
   */
  pearsonChiSquare(X: DesignInput, y: MultinomialResponse, options: SoftmaxRowDiagnosticOptions = {}): PearsonChiSquare {
    const caller = 'SoftmaxFit.pearsonChiSquare';
    checkOptionKeys(options, caller, SOFTMAX_ROW_DIAGNOSTIC_OPTION_KEYS);
    const d = this.#rowDiagnostics(X, y, options, caller);
    const K = this.classes.length;
    let statistic = 0;
    for (let r = 0; r < d.nRows; r++) {
      const a = d.priorWeights[r]!;
      if (a === 0) continue;
      for (let k = 0; k < K; k++) statistic += (a * (d.proportion[r * K + k]! - d.prob[r * K + k]!) ** 2) / d.prob[r * K + k]!;
    }
    return { statistic, df: this.dfResidual, dispersion: statistic / this.dfResidual };
  }

  #rowDiagnostics(X: DesignInput, y: MultinomialResponse, options: SoftmaxRowDiagnosticOptions, caller: string, withHat = false) {
    const s = this.#state;
    return multinomialRowDiagnostics(X, y, options, s.baseline, s.referenceIndex, this.classes, this.intercept, this.names, caller, withHat);
  }

  /**
   * For K = 2: the equivalent binary logistic model, β = W[:, second] − W[:, first] with its
   * covariance, logLik, deviance and AIC (P(y = second class) = σ(xᵀβ)).
   * @throws {SoftlogitError} `BAD_SHAPE` when K ≠ 2.
   */
  toLogistic(): LogisticFit {
    if (this.classes.length !== 2) {
      throw new SoftlogitError('BAD_SHAPE', `SoftmaxFit.toLogistic: needs exactly 2 classes, this model has ${this.classes.length}`);
    }
    const s = this.#state;
    const sign = s.referenceIndex === 0 ? 1 : -1;
    return new LogisticFit({
      names: [...s.names],
      intercept: s.intercept,
      coefficients: s.baseline.map((b) => sign * b),
      covariance: s.covariance.slice(),
      logLik: s.logLik,
      deviance: s.deviance,
      nullDeviance: s.nullDeviance,
      aic: s.aic,
      bic: s.bic,
      dfResidual: s.dfResidual,
      dfNull: s.nObs - (s.intercept ? 1 : 0),
      nObs: s.nObs,
      iterations: s.iterations,
      converged: s.converged,
      // A ridge λ on the 2-column W is a ridge λ/2 on β = w₂ − w₁ (at the symmetric optimum w = ±β/2).
      l2: s.l2 / 2,
      warnings: [...s.warnings],
      separation: s.separation
        ? { kind: s.separation.kind, direction: s.separation.direction.map((d) => sign * d), coefficients: s.names.filter((_, j) => s.separation!.direction[j] !== 0) }
        : null,
      aliased: [...(s.aliased ?? [])],
      // Failures then successes: the reference class then the other.
      responseTotals: s.referenceIndex === 0 ? [...(s.responseTotals ?? [])] : [...(s.responseTotals ?? [])].reverse(),
      covarianceType: s.covarianceType ?? 'model',
      clusters: s.clusters ?? 0,
    });
  }

  /** A text summary laid out like R's summary(multinom(...)), with z values and p-values added. */
  summary(): string {
    const s = this.#state;
    const B = this.baseline;
    const p = this.names.length;
    const nFree = this.classes.length - 1;
    const free = this.classes.filter((_, k) => k !== s.referenceIndex).map(String);
    const se = Float64Array.from({ length: p * nFree }, (_, i) => Math.sqrt(s.covariance[i * (p * nFree) + i]!));
    const z = (c: number, j: number) => B.data[j * nFree + c]! / se[c * p + j]!;
    const block = (values: (c: number, j: number) => number, digits: number) => {
      const cols = this.names.map((_, j) => formatColumn(free.map((_, c) => values(c, j)), digits));
      return formatTable(free, [...this.names], cols);
    };
    const lines = [
      `Multinomial (softmax) regression, reference class ${JSON.stringify(this.reference)}, fitted by softlogit`,
      '',
      'Coefficients:',
      block((c, j) => B.data[j * nFree + c]!, SUMMARY_DIGITS),
      '',
      'Std. Errors:',
      block((c, j) => se[c * p + j]!, SUMMARY_DIGITS),
      '',
      'z values:',
      block(z, 3),
      '',
      'Pr(>|z|):',
      formatTable(free, [...this.names], this.names.map((_, j) =>
        formatPValues(free.map((_, c) => pValues([z(c, j)])[0]!)))),
      '',
      `Residual Deviance: ${formatNumber(this.deviance)} `,
      `AIC: ${formatNumber(this.aic)} `,
      ...formatLikelihoodLines(this.bic, this.logLik, freeParameters(this.#facts()), this.l2 > 0 ? null : { ...this.lrTest(), ...this.pseudoR2 }, 7),
      '',
      `Number of Newton iterations: ${this.iterations}${this.converged ? '' : ' (did not converge)'}`,
    ];
    if (this.parameterization === 'symmetric') {
      const W = this.coefficients;
      lines.push('', 'Symmetric (sum-to-zero) coefficients W:');
      lines.push(formatTable(this.classes.map(String), [...this.names], this.names.map((_, j) => formatColumn(this.classes.map((_, k) => W.get(j, k)), SUMMARY_DIGITS))));
    }
    if (this.covarianceType !== 'model') {
      const kind = this.clusters > 0 ? `cluster-robust (${this.covarianceType}, ${this.clusters} clusters)` : `heteroskedasticity-consistent (${this.covarianceType})`;
      lines.splice(lines.indexOf('Coefficients:'), 0, `Standard errors: ${kind} sandwich`, '');
    }
    if (this.l2 > 0) lines.splice(1, 0, `Ridge penalty l2 = ${this.l2} on the symmetric W (intercepts not penalized)`);
    if (this.aliased.length > 0) lines[lines.indexOf('Coefficients:')] = `Coefficients: (${this.aliased.length} not defined because of singularities: ${this.aliased.join(', ')})`;
    for (const w of this.warnings) lines.push(`Warning: ${w}`);
    return lines.join('\n');
  }

  /** Plain-data form; `SoftmaxFit.fromJSON` (or `loadModel`) restores a model that predicts. */
  toJSON(): SoftmaxModelJSON {
    const s = this.#state;
    return {
      format: 'softlogit-model',
      version: 1,
      model: 'softmax',
      names: [...s.names],
      intercept: s.intercept,
      classes: [...s.classes],
      reference: this.reference,
      parameterization: s.parameterization,
      baseline: Array.from(s.baseline),
      covariance: Array.from(s.covariance),
      logLik: s.logLik,
      deviance: s.deviance,
      nullDeviance: s.nullDeviance,
      aic: s.aic,
      bic: s.bic,
      dfResidual: s.dfResidual,
      nObs: s.nObs,
      iterations: s.iterations,
      converged: s.converged,
      l2: s.l2,
      warnings: [...s.warnings],
      separation: s.separation ?? null,
      aliased: [...(s.aliased ?? [])],
      responseTotals: [...(s.responseTotals ?? [])],
      covarianceType: s.covarianceType ?? 'model',
      clusters: s.clusters ?? 0,
    };
  }

  /** The same model reported in another parameterization (coefficients change, the model does not). */
  withParameterization(parameterization: Parameterization): SoftmaxFit {
    return new SoftmaxFit({ ...this.#state, parameterization: parameterizationOption(parameterization, 'SoftmaxFit.withParameterization', false) });
  }

  /**
   * Restores a model from `toJSON()` output (an object or a JSON string).
   * @throws {SoftlogitError} `BAD_MODEL` when the input is not a softlogit softmax model.
   */
  static fromJSON(json: SoftmaxModelJSON | string): SoftmaxFit {
    const caller = 'SoftmaxFit.fromJSON';
    const v = (typeof json === 'string' ? parseJSON(json, caller) : json) as Partial<SoftmaxModelJSON>;
    if (v === null || typeof v !== 'object' || v.format !== 'softlogit-model' || v.model !== 'softmax') {
      throw new SoftlogitError('BAD_MODEL', `${caller}: expected a softlogit softmax model (format 'softlogit-model', model 'softmax')`);
    }
    const names = readNames(v.names, caller);
    const p = names.length;
    const classes = checkClassList(v.classes, 'classes', 'BAD_MODEL', caller);
    const K = classes.length;
    const referenceIndex = K > 0 ? classes.indexOf(v.reference as ClassLabel) : -1;
    const n = p * (K - 1);
    if (p < 1 || K < 2 || referenceIndex < 0 || !Array.isArray(v.baseline) || v.baseline.length !== n || !Array.isArray(v.covariance) || v.covariance.length !== n * n) {
      throw new SoftlogitError('BAD_MODEL', `${caller}: names (p), classes (K), reference, baseline (p(K−1)) and covariance do not agree`);
    }
    return new SoftmaxFit({
      ...readFitStatistics(v, caller),
      names,
      intercept: v.intercept === true,
      classes,
      referenceIndex,
      parameterization: v.parameterization === 'symmetric' ? 'symmetric' : 'reference',
      baseline: Float64Array.from(v.baseline, jsonNumber),
      covariance: Float64Array.from(v.covariance, jsonNumber),
      covarianceType: v.covarianceType === 'HC0' || v.covarianceType === 'HC1' ? v.covarianceType : 'model',
      clusters: typeof v.clusters === 'number' ? v.clusters : 0,
    });
  }
}
