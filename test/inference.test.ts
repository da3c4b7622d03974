// Inference on fitted models (issue #15) against R and statsmodels: likelihood-ratio tests and
// anova, pseudo-R², Wald tests of linear hypotheses, confidence intervals, odds ratios and
// relative risk ratios, prediction standard errors. References: test/fixtures/inference/
// ucla-logistic.json (R glm, anova, car::linearHypothesis, predict; made by
// test/fixtures/generate/inference/logistic.R) and statsmodels.json (statsmodels Logit and
// MNLogit; sm_reference.py); ucla-residuals.json (R residuals.glm, hatvalues, cooks.distance;
// residuals.R); housing-offset.json (nnet::multinom with offset(O); softmax-offset.R);
// ucla-margeff-offset.json (weighted marginal effects with an offset by hand in R; margeff-offset.R);
// housing-prediction.json (VGAM predict se.fit and car::deltaMethod; softmax-prediction.R).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  anova, fitLogistic, fitSoftmax, init, lrTest, LogisticFit, SoftlogitError, type SoftmaxFit,
} from '../src/index.js';
import ucla from './fixtures/inference/ucla-logistic.json';
import sm from './fixtures/inference/statsmodels.json';
import residualsRef from './fixtures/inference/ucla-residuals.json';
import housingOffset from './fixtures/inference/housing-offset.json';
import housingPrediction from './fixtures/inference/housing-prediction.json';
import profileRef from './fixtures/inference/ucla-profile.json';
import margeff from './fixtures/inference/spector-margeff.json';
import margeffOffset from './fixtures/inference/ucla-margeff-offset.json';
import housing from './fixtures/housing-weighted-softmax.json';
import { catchError } from './helpers/errors.js';
import { relativeError } from './helpers/reference.js';
import * as api from '../src/index.js';

/**
 * Differences of R's deviances (each within ~1e-13 relative of the MLE's, R glm at epsilon 1e-14
 * refitted from its solution): measured 3e-15 on the LR statistics; 1e-12 bounds them, and a wrong
 * df, null model or sign is off by O(1).
 */
const STATISTIC_RTOL = 1e-12;
/**
 * A p-value's relative error is its statistic's absolute error times |d log p / d statistic|
 * (≈ ½ for these χ² tails) plus pchisq's own (≤ 2.1e-13, test/chisq.test.ts): measured 3e-14.
 */
const P_VALUE_RTOL = 1e-12;
/**
 * statsmodels' MNLogit llf comes from its Newton at tol 1e-12, so 2 (llf − llf_small) and llr
 * against the exact llnull are good to ~1e-11 (measured 4.3e-12), and their p-values to that
 * times ½ · 178 (see P_VALUE_RTOL).
 */
const STATSMODELS_LLF_RTOL = 1e-10;
const STATSMODELS_LLF_P_RTOL = 1e-8;
/**
 * statsmodels computes llnull by an iterative fit that stops ~1e-10 relative short (README of the
 * fixtures; here llnull is 1.3e-10 off R's exact closed form), so llr and its p-value agree with
 * the exact ones only to ~1e-8.
 */
const STATSMODELS_LLNULL_RTOL = 1e-7;
/** Intervals, odds ratios and prediction SEs from R's coefficients and covariance: see STATISTIC_RTOL. */
const ESTIMATE_RTOL = 1e-9;
/**
 * Softmax predictions against VGAM at epsilon 1e-14 (its coefficients within 7.6e-15 of
 * statsmodels' Newton MLE, its SEs within 2.3e-14): probabilities, link scores and both SEs are
 * smooth in the coefficients and covariance, so they inherit that agreement (measured ≤ 2.2e-15); a
 * wrong Jacobian term or class block is off by O(1).
 */
const VGAM_PREDICTION_RTOL = 1e-12;

const names = ucla.names.slice(1);
let large: LogisticFit;
let small: LogisticFit;

function worst(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, relativeError(actual[i]!, expected[i]!));
  return max;
}

beforeAll(async () => {
  await init();
  large = fitLogistic(ucla.X, ucla.y, { names });
  small = fitLogistic(ucla.X.map((r) => ucla.smallColumns.map((j) => r[j]!)), ucla.y, { names: ucla.smallColumns.map((j) => names[j]!) });
});

describe('likelihood-ratio tests (logistic, UCLA)', () => {
  it('fit.lrTest() is R anova(null, fit) and statsmodels llr / llr_pvalue', () => {
    const test = large.lrTest();
    expect(test.df).toBe(ucla.lrNull.df[0]);
    expect(relativeError(test.statistic, ucla.lrNull.statistic[0]!)).toBeLessThan(STATISTIC_RTOL);
    expect(relativeError(test.pValue, ucla.lrNull.pValue[0]!)).toBeLessThan(P_VALUE_RTOL);
    expect(test.df).toBe(sm.ucla.dfModel);
    expect(relativeError(test.statistic, sm.ucla.llr)).toBeLessThan(STATSMODELS_LLNULL_RTOL);
    expect(relativeError(test.pValue, sm.ucla.llrPvalue)).toBeLessThan(STATSMODELS_LLNULL_RTOL);
  });

  it('lrTest(smaller, larger) is R anova(m1, m2, test = "Chisq")', () => {
    const test = lrTest(small, large);
    expect(test.df).toBe(ucla.lrSmallLarge.df[0]);
    expect(relativeError(test.statistic, ucla.lrSmallLarge.statistic[0]!)).toBeLessThan(STATISTIC_RTOL);
    expect(relativeError(test.pValue, ucla.lrSmallLarge.pValue[0]!)).toBeLessThan(P_VALUE_RTOL);
  });

  it('anova(m0, m1, m2) is R\'s analysis of deviance table', () => {
    const m0 = fitLogistic(ucla.X.map(() => []), ucla.y, { names: [] });
    const table = anova(m0, small, large);
    expect(table.rows.map((r) => r.dfResidual)).toEqual(ucla.anova.dfResidual);
    expect(worst(table.rows.map((r) => r.deviance), ucla.anova.deviance)).toBeLessThan(1e-12);
    expect(table.rows.slice(1).map((r) => r.df)).toEqual(ucla.anova.df);
    expect(worst(table.rows.slice(1).map((r) => r.devianceChange), ucla.anova.devianceChange)).toBeLessThan(STATISTIC_RTOL);
    expect(worst(table.rows.slice(1).map((r) => r.pValue), ucla.anova.pValue)).toBeLessThan(P_VALUE_RTOL);
    expect(Number.isNaN(table.rows[0]!.pValue)).toBe(true);
    const text = table.toString();
    expect(text).toContain('Analysis of Deviance Table');
    expect(text).toContain('Resid. Df Resid. Dev Df Deviance');
    // Reversed order: R reports negative Df and Deviance with the same p-value.
    const reversed = anova(large, small);
    expect(reversed.rows[1]!.df).toBe(-3);
    expect(relativeError(reversed.rows[1]!.pValue, ucla.lrSmallLarge.pValue[0]!)).toBeLessThan(P_VALUE_RTOL);
  });

  it('refuses models that are not nested fits of the same data', () => {
    const code = (f: () => unknown) => { try { f(); } catch (e) { return (e as SoftlogitError).code; } return 'none'; };
    // Other rows: the last 100 left out.
    const fewer = fitLogistic(ucla.X.slice(0, 300).map((r) => [r[0]!, r[1]!]), ucla.y.slice(0, 300), { names: ['gre', 'gpa'] });
    expect(code(() => lrTest(fewer, large))).toBe('NOT_NESTED');
    // Same number of rows, other weights.
    const weights = ucla.y.map((_, i) => (i % 2 === 0 ? 2 : 0.5));
    const weighted = fitLogistic(ucla.X.map((r) => [r[0]!, r[1]!]), ucla.y, { names: ['gre', 'gpa'], weights });
    expect(code(() => lrTest(weighted, large))).toBe('NOT_NESTED');
    // A column the larger model does not have.
    const other = fitLogistic(ucla.X.map((r) => [r[0]!, r[2]!]), ucla.y, { names: ['gre', 'z'] });
    expect(code(() => lrTest(other, large))).toBe('NOT_NESTED');
    // The same responses in another order: other response per row, same totals; the names and
    // totals cannot tell (documented), but the larger fit first is refused.
    expect(code(() => lrTest(large, small))).toBe('NOT_NESTED');
    // A ridge or Firth fit has no LR test.
    const ridge = fitLogistic(ucla.X, ucla.y, { names, l2: 1 });
    expect(code(() => lrTest(small, ridge))).toBe('BAD_MODEL');
    expect(code(() => ridge.lrTest())).toBe('BAD_MODEL');
    expect(code(() => fitLogistic(ucla.X, ucla.y, { names, firth: true }).lrTest())).toBe('BAD_MODEL');
    expect(code(() => lrTest(small, 5 as unknown as LogisticFit))).toBe('BAD_MODEL');
    expect(code(() => anova(small))).toBe('BAD_MODEL');
  });

  it('works on a model restored from JSON and on a fit from shard statistics', async () => {
    const restored = LogisticFit.fromJSON(JSON.stringify(large));
    expect(restored.lrTest()).toEqual(large.lrTest());
    expect(lrTest(small, restored)).toEqual(lrTest(small, large));
    const { accumulate, fitLogisticFromStatistics } = await import('../src/index.js');
    const shards = [0, 1, 2, 3].map((s) => ({ model: 'logistic' as const, X: ucla.X.filter((_, i) => i % 4 === s), y: ucla.y.filter((_, i) => i % 4 === s) }));
    const fromShards = await fitLogisticFromStatistics(
      (b, level) => api.combineAll(shards.map((shard) => accumulate(shard, b, level))), { nFeatures: 5, names },
    );
    const test = fromShards.lrTest();
    expect(relativeError(test.statistic, ucla.lrNull.statistic[0]!)).toBeLessThan(STATISTIC_RTOL);
    expect(relativeError(lrTest(small, fromShards).statistic, ucla.lrSmallLarge.statistic[0]!)).toBeLessThan(STATISTIC_RTOL);
    expect(relativeError(fromShards.pseudoR2.mcFadden, ucla.pseudoR2.mcFadden[0]!)).toBeLessThan(STATISTIC_RTOL);
    expect(relativeError(fromShards.waldTest(['rank2', 'rank3', 'rank4']).statistic, ucla.waldRank.statistic[0]!)).toBeLessThan(ESTIMATE_RTOL);
  });
});

describe('pseudo-R² (logistic, UCLA)', () => {
  it('McFadden is statsmodels prsquared; Cox–Snell and Nagelkerke follow R\'s logLik', () => {
    const r2 = large.pseudoR2;
    expect(relativeError(r2.mcFadden, ucla.pseudoR2.mcFadden[0]!)).toBeLessThan(STATISTIC_RTOL);
    expect(relativeError(r2.coxSnell, ucla.pseudoR2.coxSnell[0]!)).toBeLessThan(STATISTIC_RTOL);
    expect(relativeError(r2.nagelkerke, ucla.pseudoR2.nagelkerke[0]!)).toBeLessThan(STATISTIC_RTOL);
    expect(relativeError(r2.logLikNull, ucla.pseudoR2.logLikNull[0]!)).toBeLessThan(1e-12);
    expect(relativeError(r2.mcFadden, sm.ucla.prsquared)).toBeLessThan(STATSMODELS_LLNULL_RTOL);
    expect(relativeError(large.bic, ucla.pseudoR2.bic[0]!)).toBeLessThan(1e-12);
  });
});

describe('Wald tests (logistic, UCLA)', () => {
  it('a joint test by names is car::linearHypothesis(fit, c("rank2 = 0", …), test = "Chisq")', () => {
    const test = large.waldTest(['rank2', 'rank3', 'rank4']);
    expect(test.df).toBe(ucla.waldRank.df[0]);
    expect(relativeError(test.statistic, ucla.waldRank.statistic[0]!)).toBeLessThan(ESTIMATE_RTOL);
    expect(relativeError(test.pValue, ucla.waldRank.pValue[0]!)).toBeLessThan(P_VALUE_RTOL);
  });

  it('Rβ = q is linearHypothesis(fit, R, q) and statsmodels wald_test((R, q))', () => {
    const test = large.waldTest(ucla.waldGeneral.R, ucla.waldGeneral.q);
    expect(test.df).toBe(ucla.waldGeneral.df[0]);
    expect(relativeError(test.statistic, ucla.waldGeneral.statistic[0]!)).toBeLessThan(ESTIMATE_RTOL);
    expect(relativeError(test.pValue, ucla.waldGeneral.pValue[0]!)).toBeLessThan(P_VALUE_RTOL);
    expect(relativeError(test.statistic, sm.ucla.waldGeneral.statistic)).toBeLessThan(ESTIMATE_RTOL);
    expect(relativeError(test.pValue, sm.ucla.waldGeneral.pValue)).toBeLessThan(P_VALUE_RTOL);
  });

  it('one coefficient: W = z², the p-value of the z test', () => {
    const test = large.waldTest(['gpa']);
    const j = large.names.indexOf('gpa');
    expect(relativeError(test.statistic, large.zValues[j]! ** 2)).toBeLessThan(1e-14);
    expect(relativeError(test.pValue, large.pValues[j]!)).toBeLessThan(1e-12);
  });

  it('refuses unknown names, wrong shapes and dependent rows', () => {
    const code = (f: () => unknown) => { try { f(); } catch (e) { return (e as SoftlogitError).code; } return 'none'; };
    expect(code(() => large.waldTest(['rank5']))).toBe('BAD_OPTION');
    expect(code(() => large.waldTest([[1, 0]]))).toBe('BAD_SHAPE');
    expect(code(() => large.waldTest([[0, 1, 0, 0, 0, 0], [0, 2, 0, 0, 0, 0]]))).toBe('BAD_SHAPE');
    expect(code(() => large.waldTest([[0, 1, 0, 0, 0, 0]], [1, 2]))).toBe('BAD_SHAPE');
    expect(code(() => large.waldTest([[0, Number.NaN, 0, 0, 0, 0]]))).toBe('NON_FINITE');
    expect(code(() => large.waldTest([]))).toBe('BAD_SHAPE');
  });
});

describe('confidence intervals and odds ratios (logistic, UCLA)', () => {
  it('confint(0.9) is R confint.default(fit, level = 0.9)', () => {
    const ci = large.confint(0.9);
    expect(worst(ci.col(0), ucla.confint90.lower)).toBeLessThan(ESTIMATE_RTOL);
    expect(worst(ci.col(1), ucla.confint90.upper)).toBeLessThan(ESTIMATE_RTOL);
  });

  it('oddsRatios() is R exp(cbind(coef(fit), confint.default(fit)))', () => {
    const or = large.oddsRatios();
    expect(or.names).toEqual(ucla.names);
    expect(worst(or.oddsRatio, ucla.oddsRatios.oddsRatio)).toBeLessThan(ESTIMATE_RTOL);
    expect(worst(or.lower, ucla.oddsRatios.lower)).toBeLessThan(ESTIMATE_RTOL);
    expect(worst(or.upper, ucla.oddsRatios.upper)).toBeLessThan(ESTIMATE_RTOL);
    expect(() => large.oddsRatios(1.5)).toThrow(SoftlogitError);
  });
});

describe('prediction standard errors (logistic, UCLA)', () => {
  it('type link and response with se: true are R predict(…, se.fit = TRUE)', () => {
    const link = large.predict(ucla.predict.newX, { type: 'link', se: true });
    expect(worst(link.fit, ucla.predict.link)).toBeLessThan(ESTIMATE_RTOL);
    expect(worst(link.se, ucla.predict.linkSe)).toBeLessThan(ESTIMATE_RTOL);
    const response = large.predict(ucla.predict.newX, { type: 'response', se: true });
    expect(worst(response.fit, ucla.predict.response)).toBeLessThan(ESTIMATE_RTOL);
    expect(worst(response.se, ucla.predict.responseSe)).toBeLessThan(ESTIMATE_RTOL);
    expect(worst(response.lower, ucla.predict.lower)).toBeLessThan(ESTIMATE_RTOL);
    expect(worst(response.upper, ucla.predict.upper)).toBeLessThan(ESTIMATE_RTOL);
    expect(response.level).toBe(0.95);
    // Without se the plain predictions are unchanged.
    expect(Array.from(large.predict(ucla.predict.newX, { type: 'response' }))).toEqual(Array.from(response.fit));
  });

  it('the link interval at level L is fit ± qnorm((1 + L)/2) se', () => {
    const link = large.predict(ucla.predict.newX, { type: 'link', se: true, level: 0.5 });
    const z = 0.6744897501960817; // R qnorm(0.75)
    for (let r = 0; r < link.fit.length; r++) {
      expect(relativeError(link.upper[r]!, link.fit[r]! + z * link.se[r]!)).toBeLessThan(1e-14);
      expect(relativeError(link.lower[r]!, link.fit[r]! - z * link.se[r]!)).toBeLessThan(1e-14);
    }
  });

  it('refuses se with type class, and bad se or level values', () => {
    expect(() => large.predict(ucla.predict.newX, { type: 'class', se: true })).toThrow(SoftlogitError);
    expect(() => large.predict(ucla.predict.newX, { se: 1 as unknown as boolean })).toThrow(SoftlogitError);
    expect(() => large.predict(ucla.predict.newX, { se: true, level: 95 })).toThrow(SoftlogitError);
  });
});

describe('softmax inference (MASS housing, statsmodels MNLogit)', () => {
  /** Rows repeated by their integer weights: statsmodels' data (1681 rows). */
  const expandedX: number[][] = [];
  const expandedLabels: string[] = [];
  housing.X.forEach((row, i) => {
    for (let r = 0; r < housing.weights[i]!; r++) {
      expandedX.push(row);
      expandedLabels.push(housing.labels[i]!);
    }
  });
  const options = { names: housing.featureNames, classes: housing.classes };
  let full: SoftmaxFit;
  let weighted: SoftmaxFit;
  let smaller: SoftmaxFit;
  const p = housing.featureNames.length + 1;
  const K = housing.classes.length;

  beforeAll(() => {
    full = fitSoftmax(expandedX, expandedLabels, options);
    weighted = fitSoftmax(housing.X, housing.labels, { ...options, weights: housing.weights });
    const columns = sm.housing.smallColumns;
    smaller = fitSoftmax(expandedX.map((r) => columns.map((j) => r[j]!)), expandedLabels, { names: columns.map((j) => housing.featureNames[j]!), classes: housing.classes });
  });

  it('lrTest() is statsmodels llr, df_model, llr_pvalue; the same on the weighted rows', () => {
    const test = full.lrTest();
    expect(test.df).toBe(sm.housing.dfModel);
    expect(relativeError(test.statistic, sm.housing.llr)).toBeLessThan(STATSMODELS_LLNULL_RTOL);
    // statsmodels' p-value inherits its llnull's error times |d log p / d statistic| ≈ ½ · 178.
    expect(relativeError(test.pValue, sm.housing.llrPvalue)).toBeLessThan(1e-6);
    // Exact: llnull of the pooled class shares (sm_reference.py), p from scipy's chi2.sf.
    expect(relativeError(test.statistic, sm.housing.llrExact)).toBeLessThan(STATSMODELS_LLF_RTOL);
    expect(relativeError(test.pValue, sm.housing.llrPvalueExact)).toBeLessThan(STATSMODELS_LLF_P_RTOL);
    const w = weighted.lrTest();
    expect(relativeError(w.statistic, test.statistic)).toBeLessThan(STATISTIC_RTOL);
    expect(w.df).toBe(test.df);
  });

  it('lrTest(smaller, larger) is 2 (llf − llf_small) of statsmodels', () => {
    const test = lrTest(smaller, full);
    expect(test.df).toBe(sm.housing.lrSmall.df);
    expect(relativeError(test.statistic, sm.housing.lrSmall.statistic)).toBeLessThan(STATSMODELS_LLF_RTOL);
    expect(relativeError(test.pValue, sm.housing.lrSmall.pValue)).toBeLessThan(STATSMODELS_LLF_P_RTOL);
    expect(() => lrTest(smaller, weighted)).toThrow(SoftlogitError); // 1681 rows against 72
    expect(() => lrTest(small, full as unknown as LogisticFit)).toThrow(SoftlogitError);
  });

  it('pseudoR2.mcFadden is statsmodels prsquared; BIC is statsmodels bic', () => {
    expect(relativeError(full.pseudoR2.mcFadden, sm.housing.prsquared)).toBeLessThan(STATSMODELS_LLNULL_RTOL);
    expect(relativeError(full.pseudoR2.logLikNull, sm.housing.llnull)).toBeLessThan(STATSMODELS_LLNULL_RTOL);
    expect(relativeError(full.bic, sm.housing.bic)).toBeLessThan(1e-12);
  });

  it('waldTest(R) is statsmodels wald_test(R, use_f = False); names give the same test', () => {
    const test = full.waldTest(sm.housing.waldType.R);
    expect(test.df).toBe(sm.housing.waldType.df);
    expect(relativeError(test.statistic, sm.housing.waldType.statistic)).toBeLessThan(ESTIMATE_RTOL);
    expect(relativeError(test.pValue, sm.housing.waldType.pValue)).toBeLessThan(P_VALUE_RTOL);
    const byName = full.waldTest(['TypeApartment', 'TypeAtrium', 'TypeTerrace']);
    expect(relativeError(byName.statistic, test.statistic)).toBeLessThan(1e-13);
    expect(full.withParameterization('symmetric').waldTest(sm.housing.waldType.R).statistic).toBe(test.statistic);
    const one = full.waldTest(['High:ContHigh']);
    const j = full.names.indexOf('ContHigh');
    expect(relativeError(one.statistic, full.zValues.get(j, 2) ** 2)).toBeLessThan(1e-13);
    expect(() => full.waldTest(['Low:ContHigh'])).toThrow(SoftlogitError); // the reference class has no free coefficient
  });

  it('confint() and relativeRiskRatios() are statsmodels conf_int and exp(params)', () => {
    for (const [level, reference] of [[0.95, sm.housing.confInt95], [0.9, sm.housing.confInt90]] as const) {
      const ci = full.confint(level);
      const lower: number[] = [];
      const upper: number[] = [];
      for (let c = 1; c < K; c++) for (let j = 0; j < p; j++) { lower.push(ci.lower.get(j, c)); upper.push(ci.upper.get(j, c)); }
      expect(worst(lower, reference.lower)).toBeLessThan(ESTIMATE_RTOL);
      expect(worst(upper, reference.upper)).toBeLessThan(ESTIMATE_RTOL);
      for (let j = 0; j < p; j++) expect([ci.lower.get(j, 0), ci.upper.get(j, 0)]).toEqual([0, 0]);
    }
    const rrr = full.relativeRiskRatios();
    expect(rrr.classes).toEqual(['Medium', 'High']);
    const ratio: number[] = [];
    const lower: number[] = [];
    for (let c = 0; c < K - 1; c++) for (let j = 0; j < p; j++) { ratio.push(rrr.ratio.get(j, c)); lower.push(rrr.lower.get(j, c)); }
    expect(worst(ratio, sm.housing.rrr)).toBeLessThan(ESTIMATE_RTOL);
    expect(worst(lower, sm.housing.confInt95.lower.map(Math.exp))).toBeLessThan(ESTIMATE_RTOL);
    // The symmetric form: the intervals of its own W and SEs; the ratios stay against the reference.
    const symmetric = full.withParameterization('symmetric');
    const sci = symmetric.confint();
    const W = symmetric.coefficients;
    expect(relativeError((sci.lower.get(1, 1) + sci.upper.get(1, 1)) / 2, W.get(1, 1))).toBeLessThan(1e-14);
    expect(Array.from(symmetric.relativeRiskRatios().ratio.data)).toEqual(Array.from(rrr.ratio.data));
  });

  it('predicted probabilities are statsmodels predict; their SEs are the delta method (finite differences)', () => {
    const rows = sm.housing.newRows.map((i) => housing.X[i]!);
    const prediction = full.predict(rows, { se: true });
    expect(worst(prediction.fit.data, sm.housing.predict.flat())).toBeLessThan(ESTIMATE_RTOL);
    // Numerical Jacobian of the probabilities in the free coefficients, then J Σ Jᵀ.
    const json = full.toJSON();
    const n = json.baseline.length;
    const jacobian = rows.map(() => Array.from({ length: K }, () => new Float64Array(n)));
    for (let t = 0; t < n; t++) {
      const h = 1e-6 * (1 + Math.abs(json.baseline[t]!));
      const shifted = (delta: number) => {
        const baseline = [...json.baseline];
        baseline[t] += delta;
        return (api.loadModel({ ...json, baseline }) as SoftmaxFit).predict(rows);
      };
      const plus = shifted(h);
      const minus = shifted(-h);
      rows.forEach((_, r) => { for (let k = 0; k < K; k++) jacobian[r]![k]![t] = (plus.get(r, k) - minus.get(r, k)) / (2 * h); });
    }
    const cov = full.covariance.data;
    rows.forEach((_, r) => {
      for (let k = 0; k < K; k++) {
        const g = jacobian[r]![k]!;
        let v = 0;
        for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) v += g[a]! * cov[a * n + b]! * g[b]!;
        expect(relativeError(prediction.se.get(r, k), Math.sqrt(v))).toBeLessThan(1e-6);
      }
    });
    // The probabilities sum to 1, so their variances add up: Var(Σ p_k) = 0 is not checked by se alone;
    // the interval is fit ± z se.
    expect(relativeError(prediction.upper.get(0, 1), prediction.fit.get(0, 1) + 1.959963984540054 * prediction.se.get(0, 1))).toBeLessThan(1e-14);
  });

  it('predicted probabilities and their SEs are car::deltaMethod on VGAM; link SEs are VGAM predict(se.fit = TRUE)', () => {
    // VGAM's vcov agrees with statsmodels' to 2.3e-14 (housing-weighted-softmax.json crossCheck),
    // car::deltaMethod differentiates the written-out softmax symbolically: an independent delta
    // method, no shared code (the test above checks the same SEs by finite differences).
    const ref = housingPrediction;
    for (const fit of [weighted, full]) {
      const prediction = fit.predict(ref.rows, { se: true });
      expect(worst(prediction.fit.data, ref.probabilities.flat())).toBeLessThan(VGAM_PREDICTION_RTOL);
      expect(worst(prediction.se.data, ref.probabilitySE.flat())).toBeLessThan(VGAM_PREDICTION_RTOL);
      const link = fit.predict(ref.rows.slice(0, ref.linkRows), { type: 'link', se: true });
      for (let r = 0; r < ref.linkRows; r++) {
        expect(link.se.get(r, 0)).toBe(0); // the reference class's score is 0, exactly
        for (let k = 1; k < K; k++) {
          expect(relativeError(link.fit.get(r, k), ref.link[r]![k - 1]!)).toBeLessThan(VGAM_PREDICTION_RTOL);
          expect(relativeError(link.se.get(r, k), ref.linkSE[r]![k - 1]!)).toBeLessThan(VGAM_PREDICTION_RTOL);
        }
      }
    }
  });

  it('with two classes, the SE of P(second class) is the logistic response SE', () => {
    const binary = fitSoftmax(ucla.X, ucla.y, { names });
    const soft = binary.predict(ucla.predict.newX, { se: true });
    const logit = large.predict(ucla.predict.newX, { type: 'response', se: true });
    const link = binary.predict(ucla.predict.newX, { type: 'link', se: true });
    for (let r = 0; r < logit.fit.length; r++) {
      expect(relativeError(soft.se.get(r, 1), logit.se[r]!)).toBeLessThan(1e-9);
      expect(relativeError(soft.se.get(r, 0), logit.se[r]!)).toBeLessThan(1e-9);
      expect(relativeError(link.se.get(r, 1), ucla.predict.linkSe[r]!)).toBeLessThan(ESTIMATE_RTOL);
      expect(link.se.get(r, 0)).toBe(0);
    }
    expect(() => binary.predict(ucla.predict.newX, { type: 'class', se: true } as never)).toThrow(SoftlogitError);
  });

  it('works on a fit from shard statistics', async () => {
    const shards = [0, 1].map((s) => ({
      model: 'softmax' as const, X: housing.X.filter((_, i) => i % 2 === s), y: housing.labels.filter((_, i) => i % 2 === s),
      weights: housing.weights.filter((_, i) => i % 2 === s), classes: housing.classes,
    }));
    const fromShards = await api.fitSoftmaxFromStatistics(
      (b, level) => api.combineAll(shards.map((shard) => api.accumulate(shard, b, level))), { nFeatures: p - 1, names: housing.featureNames, classes: housing.classes },
    );
    expect(relativeError(fromShards.lrTest().statistic, weighted.lrTest().statistic)).toBeLessThan(STATISTIC_RTOL);
    expect(relativeError(fromShards.waldTest(sm.housing.waldType.R).statistic, sm.housing.waldType.statistic)).toBeLessThan(ESTIMATE_RTOL);
    expect(relativeError(fromShards.confint().lower.get(1, 1), weighted.confint().lower.get(1, 1))).toBeLessThan(ESTIMATE_RTOL);
    const smallWeighted = fitSoftmax(housing.X.map((r) => [r[0]!]), housing.labels, { names: [housing.featureNames[0]!], classes: housing.classes, weights: housing.weights });
    expect(relativeError(lrTest(smallWeighted, fromShards).statistic, lrTest(smallWeighted, weighted).statistic)).toBeLessThan(STATISTIC_RTOL);
  });
});

describe('summary() reports the likelihood statistics (as statsmodels and Stata do)', () => {
  it('logistic: BIC, logLik, the LR test against the null model and the pseudo-R²', () => {
    const text = large.summary();
    // R: BIC(m2) = 494.4663, anova(m0, m2): 41.459 on 5 df, p = 7.578e-08; McFadden 0.08292.
    expect(text).toContain('AIC: 470.52\nBIC: 494.47\nLog-likelihood: -229.26 (df = 6); null model: -249.99');
    expect(text).toContain('LR test against the null model: Chisq = 41.459 on 5 df, p-value = 7.578e-08');
    expect(text).toContain('Pseudo R-squared: McFadden 0.08292, Cox-Snell 0.09846, Nagelkerke 0.138');
    expect(text).toMatch(/Number of Newton iterations: \d+$/);
    const ridge = fitLogistic(ucla.X, ucla.y, { names, l2: 1 }).summary();
    expect(ridge).toContain('BIC: ');
    expect(ridge).not.toContain('LR test');
  });

  it('softmax: the same lines; a tiny p-value prints as < 2.2e-16', () => {
    const fit = fitSoftmax(housing.X, housing.labels, { names: housing.featureNames, classes: housing.classes, weights: housing.weights });
    const text = fit.summary();
    expect(text).toContain('LR test against the null model: Chisq = 178.79 on 12 df, p-value < 2.2e-16');
    expect(text).toContain('Pseudo R-squared: McFadden 0.049, Cox-Snell '); // 0.0489997 to 4 digits, as R's format
  });

  it('Cox–Snell and Nagelkerke count the units behind frequency weights (the expanded rows)', () => {
    const options = { names: housing.featureNames, classes: housing.classes };
    const weighted = fitSoftmax(housing.X, housing.labels, { ...options, weights: housing.weights }).pseudoR2;
    const X: number[][] = [];
    const y: string[] = [];
    housing.X.forEach((row, i) => { for (let r = 0; r < housing.weights[i]!; r++) { X.push(row); y.push(housing.labels[i]!); } });
    const expanded = fitSoftmax(X, y, options).pseudoR2;
    // statsmodels on the expanded rows: 1 − exp(2 (llnull − llf) / 1681) from its llf and the exact llnull.
    const coxSnell = -Math.expm1((2 * (sm.housing.llnullExact - sm.housing.llf)) / 1681);
    expect(relativeError(expanded.coxSnell, coxSnell)).toBeLessThan(STATISTIC_RTOL);
    expect(relativeError(weighted.coxSnell, expanded.coxSnell)).toBeLessThan(STATISTIC_RTOL);
    expect(relativeError(weighted.nagelkerke, expanded.nagelkerke)).toBeLessThan(STATISTIC_RTOL);
  });
});

describe('robust covariance (logistic, UCLA): R sandwich::vcovHC and vcovCL', () => {
  /**
   * Issue #15 asks for 1e-10, entrywise relative: the sandwich V M V is a product of the model
   * covariance (R's within ~1e-12 of the exact one at its refitted solution) and sums of outer
   * products; the worst entry is 4.8e-12 relative (HC0; 2.8e-11 on the softmax one). A wrong n/(n − k)
   * or cluster factor is off by > 1e-3.
   */
  const SANDWICH_RTOL = 1e-10;
  function worstEntry(actual: Float64Array, expected: number[][]): number {
    const p = expected.length;
    let max = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
      max = Math.max(max, Math.abs(actual[i * p + j]! - expected[i]![j]!) / Math.abs(expected[i]![j]!));
    }
    return max;
  }

  it('covariance HC0 and HC1 are vcovHC(fit, type = "HC0" / "HC1")', () => {
    for (const type of ['HC0', 'HC1'] as const) {
      const fit = fitLogistic(ucla.X, ucla.y, { names, covariance: type });
      expect(fit.covarianceType).toBe(type);
      expect(worstEntry(fit.covariance.data, ucla.sandwich[type])).toBeLessThan(SANDWICH_RTOL);
      expect(Array.from(fit.coefficients)).toEqual(Array.from(large.coefficients));
      expect(fit.summary()).toContain(`Standard errors: heteroskedasticity-consistent (${type}) sandwich`);
      // The robust covariance carries into the Wald statistics and survives JSON.
      const restored = LogisticFit.fromJSON(JSON.stringify(fit));
      expect(Array.from(restored.covariance.data)).toEqual(Array.from(fit.covariance.data));
      expect(restored.covarianceType).toBe(type);
      expect(fit.waldTest(['gpa']).statistic).toBeCloseTo(fit.zValues[2]! ** 2, 12);
    }
  });

  it('cluster with HC1 / HC0 is vcovCL(fit, cluster, type = "HC1" / "HC0"); labels may be strings', () => {
    const hc1 = fitLogistic(ucla.X, ucla.y, { names, covariance: 'HC1', cluster: ucla.sandwich.cluster });
    expect(worstEntry(hc1.covariance.data, ucla.sandwich.CL)).toBeLessThan(SANDWICH_RTOL);
    expect(hc1.clusters).toBe(50);
    expect(hc1.summary()).toContain('Standard errors: cluster-robust (HC1, 50 clusters) sandwich');
    const hc0 = fitLogistic(ucla.X, ucla.y, { names, covariance: 'HC0', cluster: ucla.sandwich.cluster.map((g) => `school ${g}`) });
    expect(worstEntry(hc0.covariance.data, ucla.sandwich.CL0)).toBeLessThan(SANDWICH_RTOL);
    // Four clusters, the README's example: vcovCL(fit, cluster = ~rank, type = "HC1")
    const rank = ucla.X.map((r) => (r[2] ? 2 : r[3] ? 3 : r[4] ? 4 : 1));
    const byRank = fitLogistic(ucla.X, ucla.y, { names, covariance: 'HC1', cluster: rank });
    expect(worstEntry(byRank.covariance.data, ucla.sandwich.CLrank)).toBeLessThan(SANDWICH_RTOL);
  });

  it('refuses a cluster without a sandwich, bad labels, and a sandwich of a penalized fit', () => {
    const code = (f: () => unknown) => { try { f(); } catch (e) { return (e as SoftlogitError).code; } return 'none'; };
    expect(code(() => fitLogistic(ucla.X, ucla.y, { cluster: ucla.sandwich.cluster }))).toBe('BAD_OPTION');
    expect(code(() => fitLogistic(ucla.X, ucla.y, { covariance: 'HC3' as 'HC1' }))).toBe('BAD_OPTION');
    expect(code(() => fitLogistic(ucla.X, ucla.y, { covariance: 'HC1', cluster: [1, 2] }))).toBe('LENGTH_MISMATCH');
    expect(code(() => fitLogistic(ucla.X, ucla.y, { covariance: 'HC1', cluster: ucla.y.map(() => Number.NaN) }))).toBe('BAD_OPTION');
    expect(code(() => fitLogistic(ucla.X, ucla.y, { covariance: 'HC0', l2: 1 }))).toBe('BAD_OPTION');
    expect(code(() => fitLogistic(ucla.X, ucla.y, { covariance: 'HC0', firth: true }))).toBe('BAD_OPTION');
  });
});

describe('inference on streamed fits', () => {
  it('fitLogisticStream gives the same LR test, pseudo-R², intervals and odds ratios as R', async () => {
    const batches = [0, 100, 200, 300].map((r0) => ({ X: ucla.X.slice(r0, r0 + 100), y: ucla.y.slice(r0, r0 + 100) }));
    const streamed = await api.fitLogisticStream(() => batches, { names });
    expect(relativeError(streamed.lrTest().statistic, ucla.lrNull.statistic[0]!)).toBeLessThan(STATISTIC_RTOL);
    expect(relativeError(lrTest(small, streamed).pValue, ucla.lrSmallLarge.pValue[0]!)).toBeLessThan(P_VALUE_RTOL);
    expect(relativeError(streamed.pseudoR2.nagelkerke, ucla.pseudoR2.nagelkerke[0]!)).toBeLessThan(STATISTIC_RTOL);
    expect(worst(streamed.confint(0.9).col(0), ucla.confint90.lower)).toBeLessThan(ESTIMATE_RTOL);
    expect(worst(streamed.oddsRatios().upper, ucla.oddsRatios.upper)).toBeLessThan(ESTIMATE_RTOL);
  });

});

describe('robust covariance (softmax, MASS housing): statsmodels MNLogit cov_type HC0 and cluster', () => {
  /** As SANDWICH_RTOL for the logistic fit, entrywise relative (worst 2.8e-11): V from statsmodels' Newton at tol 1e-12. */
  const SANDWICH_RTOL = 1e-10;
  const X: number[][] = [];
  const y: string[] = [];
  housing.X.forEach((row, i) => { for (let r = 0; r < housing.weights[i]!; r++) { X.push(row); y.push(housing.labels[i]!); } });
  const options = { names: housing.featureNames, classes: housing.classes };
  function worstEntry(actual: Float64Array, expected: number[][]): number {
    const k = expected.length;
    let max = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      max = Math.max(max, Math.abs(actual[i * k + j]! - expected[i]![j]!) / Math.abs(expected[i]![j]!));
    }
    return max;
  }

  it('HC0 is cov_type="HC0"; HC1 is HC0 times n / (n − k), the vcovHC convention (statsmodels applies none to MNLogit)', () => {
    const hc0 = fitSoftmax(X, y, { ...options, covariance: 'HC0' });
    expect(worstEntry(hc0.covariance.data, sm.housing.sandwich.HC0)).toBeLessThan(SANDWICH_RTOL);
    expect(hc0.covarianceType).toBe('HC0');
    const hc1 = fitSoftmax(X, y, { ...options, covariance: 'HC1' });
    const n = X.length;
    const k = hc1.covariance.rows;
    expect(relativeError(hc1.covariance.get(3, 3), (hc0.covariance.get(3, 3) * n) / (n - k))).toBeLessThan(1e-14);
    expect(hc1.summary()).toContain('Standard errors: heteroskedasticity-consistent (HC1) sandwich');
  });

  it('cluster with HC1 is cov_type="cluster"; the robust covariance survives JSON and the symmetric form', () => {
    const cluster = X.map((_, i) => Math.floor(i / sm.housing.sandwich.clusterSize));
    const fit = fitSoftmax(X, y, { ...options, covariance: 'HC1', cluster });
    expect(worstEntry(fit.covariance.data, sm.housing.sandwich.cluster)).toBeLessThan(SANDWICH_RTOL);
    expect(fit.clusters).toBe(Math.ceil(X.length / sm.housing.sandwich.clusterSize));
    const restored = api.loadModel(JSON.stringify(fit)) as SoftmaxFit;
    expect(Array.from(restored.covariance.data)).toEqual(Array.from(fit.covariance.data));
    expect(restored.covarianceType).toBe('HC1');
    expect(fit.withParameterization('symmetric').covarianceType).toBe('HC1');
    expect(() => fitSoftmax(X, y, { ...options, covariance: 'HC1', l2: 1 })).toThrow(SoftlogitError);
    expect(() => fitSoftmax(X, y, { ...options, cluster })).toThrow(SoftlogitError);
  });

  it('with two classes, the softmax sandwich is the logistic one', () => {
    const logit = fitLogistic(ucla.X, ucla.y, { names, covariance: 'HC1', cluster: ucla.sandwich.cluster });
    const soft = fitSoftmax(ucla.X, ucla.y, { names, covariance: 'HC1', cluster: ucla.sandwich.cluster });
    expect(worst(soft.toLogistic().standardErrors, logit.standardErrors)).toBeLessThan(1e-9);
    expect(soft.toLogistic().covarianceType).toBe('HC1');
  });
});

/**
 * Residuals, leverages and Cook's distances are smooth functions of the coefficients (each within
 * ~1e-13 relative of R's, both exact MLEs) and of (XᵀWX)⁻¹ (condition ~1e7 with gre in the
 * hundreds): 1e-10 relative; a wrong prior weight, sign or p is off by O(1) or more.
 */
const ROW_DIAGNOSTIC_RTOL = 1e-10;
/**
 * R's own deviance residuals on the grouped counts lose digits where y ≈ μ (log of a ratio near 1):
 * recomputed with mpmath at 50 digits from R's coefficients, rows 2 and 6 are 2.1e-10 and 1.2e-9
 * off; softlogit's log1p form is within 1e-12 there. 3e-9 bounds R's error.
 */
const R_COUNTS_DEVIANCE_RTOL = 3e-9;

describe('residuals, leverages and Cook\'s distances (logistic, UCLA)', () => {
  type Block = typeof residualsRef.plain;
  function check(fit: LogisticFit, X: number[][], y: Parameters<LogisticFit['residuals']>[1], ref: Block, options: { weights?: number[]; offset?: number[] } = {}, devianceTolerance = ROW_DIAGNOSTIC_RTOL): void {
    expect(worst(fit.coefficients, ref.coefficients)).toBeLessThan(1e-9);
    for (const type of ['response', 'pearson', 'deviance', 'working'] as const) {
      expect(worst(fit.residuals(X, y, { ...options, type }), ref[type]), type).toBeLessThan(type === 'deviance' ? devianceTolerance : ROW_DIAGNOSTIC_RTOL);
    }
    expect(worst(fit.residuals(X, y, options), ref.deviance)).toBeLessThan(devianceTolerance);
    expect(worst(fit.hatValues(X, y, options), ref.hat)).toBeLessThan(ROW_DIAGNOSTIC_RTOL);
    expect(worst(fit.cooksDistance(X, y, options), ref.cooks)).toBeLessThan(ROW_DIAGNOSTIC_RTOL);
    const chi = fit.pearsonChiSquare(X, y, options);
    expect(chi.df).toBe(ref.dfResidual[0]);
    expect(relativeError(chi.statistic, ref.pearsonChiSquare[0]!)).toBeLessThan(ROW_DIAGNOSTIC_RTOL);
    expect(relativeError(chi.dispersion, ref.dispersion[0]!)).toBeLessThan(ROW_DIAGNOSTIC_RTOL);
  }

  it('match R residuals.glm (4 types), hatvalues, cooks.distance and Σ pearson² / df.residual', () => {
    check(large, ucla.X, ucla.y, residualsRef.plain);
    const deviance = large.residuals(ucla.X, ucla.y);
    expect(relativeError(deviance.reduce((a, d) => a + d * d, 0), large.deviance)).toBeLessThan(1e-12);
    expect(relativeError(large.hatValues(ucla.X, ucla.y).reduce((a, h) => a + h, 0), 6)).toBeLessThan(1e-12);
  });

  it('with prior weights and an offset, as at the fit', () => {
    const options = { weights: residualsRef.weights, offset: residualsRef.offset };
    const fit = fitLogistic(ucla.X, ucla.y, { names, ...options });
    check(fit, ucla.X, ucla.y, residualsRef.weightedOffset, options);
    // Without the fit's offset the residuals are those of other predictions.
    expect(worst(fit.residuals(ucla.X, ucla.y, { weights: residualsRef.weights }), residualsRef.weightedOffset.deviance)).toBeGreaterThan(1e-3);
  });

  it('on binomial counts cbind(s, f), and with a sandwich covariance the leverages are unchanged', () => {
    const { X, successes, failures } = residualsRef.counts;
    const y = { successes, failures };
    check(fitLogistic(X, y), X, y, residualsRef.countsFit, {}, R_COUNTS_DEVIANCE_RTOL);
    const robust = fitLogistic(ucla.X, ucla.y, { names, covariance: 'HC0' });
    expect(worst(robust.hatValues(ucla.X, ucla.y), residualsRef.plain.hat)).toBeLessThan(ROW_DIAGNOSTIC_RTOL);
  });

  it('refuses a bad type, unknown options and X of the wrong width', () => {
    expect(() => large.residuals(ucla.X, ucla.y, { type: 'partial' as never })).toThrow(/type should be/);
    expect(() => large.hatValues(ucla.X, ucla.y, { type: 'pearson' } as never)).toThrow(SoftlogitError);
    expect(() => large.cooksDistance(ucla.X.map((r) => r.slice(1)), ucla.y)).toThrow(/columns/);
    expect(() => large.pearsonChiSquare(ucla.X, ucla.y.slice(1))).toThrow(SoftlogitError);
  });
});

/**
 * nnet::multinom's BFGS optimum, run to reltol 1e-15, is not the exact MLE: without the offset its
 * coefficients are 1.0e-7 relative (4.7e-9 absolute) from statsmodels' Newton fit
 * (housing-weighted-softmax.json, checked below). 1e-6 relative on coefficients and fitted
 * probabilities leaves room; an offset ignored, or taken with the wrong class or sign, moves them
 * by 1e-2 or more. The deviance is flat at the optimum, so nnet's agrees to ~1e-13.
 */
const NNET_RTOL = 1e-6;

describe('softmax with an offset per row and class', () => {
  const options = { names: housing.featureNames, classes: housing.classes, weights: housing.weights };
  const coefficientsOf = (fit: SoftmaxFit): number[][] => [1, 2].map((k) => Array.from({ length: fit.names.length }, (_, j) => fit.coefficients.get(j, k)));

  it('matches nnet::multinom(Sat ~ Infl + Type + Cont + offset(O)) on housing: coefficients, deviance, fitted', () => {
    const plain = fitSoftmax(housing.X, housing.labels, options);
    expect(worst(coefficientsOf(plain).flat(), housingOffset.withoutOffset.coefficients.flat())).toBeLessThan(NNET_RTOL);
    const fit = fitSoftmax(housing.X, housing.labels, { ...options, offset: housingOffset.offset });
    expect(fit.converged).toBe(true);
    expect(worst(coefficientsOf(fit).flat(), housingOffset.coefficients.flat())).toBeLessThan(NNET_RTOL);
    expect(relativeError(fit.deviance, housingOffset.deviance[0]!)).toBeLessThan(1e-10);
    expect(worst(fit.predict(housing.X, { offset: housingOffset.offset }).data, housingOffset.fitted.flat())).toBeLessThan(NNET_RTOL);
    // The offset changes the fit: without it the coefficients are far from nnet's.
    expect(worst(coefficientsOf(plain).flat(), housingOffset.coefficients.flat())).toBeGreaterThan(1e-2);
    // Adding the same value to every class of a row changes nothing; a Matrix works as rows do.
    const shifted = housingOffset.offset.map((row, i) => row.map((o) => o + 3 * Math.cos(i)));
    const again = fitSoftmax(housing.X, housing.labels, { ...options, offset: api.Matrix.fromArray(shifted) });
    expect(worst(again.coefficients.data, fit.coefficients.data)).toBeLessThan(1e-9);
    // The score is 0 at the estimate: logLik falls on either side of each coefficient.
    const ll = (delta: number, j: number) => {
      const scores = fit.predict(housing.X, { type: 'link', offset: housingOffset.offset });
      let sum = 0;
      housing.X.forEach((row, i) => {
        const x = [1, ...row];
        const eta = [0, 1, 2].map((k) => scores.get(i, k) + (k === 1 ? delta * x[j]! : 0));
        const max = Math.max(...eta);
        const lse = max + Math.log(eta.reduce((a, e) => a + Math.exp(e - max), 0));
        sum += housing.weights[i]! * (eta[housing.classes.indexOf(housing.labels[i]!)]! - lse);
      });
      return sum;
    };
    for (let j = 0; j < fit.names.length; j++) {
      const h = 1e-5;
      expect(Math.abs((ll(h, j) - ll(-h, j)) / (2 * h))).toBeLessThan(1e-5);
    }
  });

  it('with two classes equals fitLogistic with offset o1 - o0: coefficients, deviances, HC0 sandwich', () => {
    const o = ucla.y.map((_, i) => 0.3 * Math.sin(i));
    const base = ucla.y.map((_, i) => Math.cos(i));
    const offset = o.map((v, i) => [base[i]!, base[i]! + v]);
    const logit = fitLogistic(ucla.X, ucla.y, { names, offset: o, covariance: 'HC0' });
    const soft = fitSoftmax(ucla.X, ucla.y, { names, offset, covariance: 'HC0' });
    const reduced = soft.toLogistic();
    expect(worst(reduced.coefficients, logit.coefficients)).toBeLessThan(1e-9);
    expect(relativeError(soft.deviance, logit.deviance)).toBeLessThan(1e-12);
    expect(relativeError(soft.nullDeviance, logit.nullDeviance)).toBeLessThan(1e-10);
    expect(worst(reduced.standardErrors, logit.standardErrors)).toBeLessThan(1e-9);
    const p1 = soft.predict(ucla.X, { offset }).col(1);
    expect(worst(p1, logit.predict(ucla.X, { offset: o }))).toBeLessThan(1e-9);
    // Without an intercept the null model is η = offset: its deviance is R's glm(y ~ 0 + offset(o)).
    const noIntercept = fitSoftmax(ucla.X, ucla.y, { names, offset, intercept: false });
    const logitNoIntercept = fitLogistic(ucla.X, ucla.y, { names, offset: o, intercept: false });
    expect(relativeError(noIntercept.nullDeviance, logitNoIntercept.nullDeviance)).toBeLessThan(1e-12);
  });

  it("passes through singular: 'drop' and the symmetric parameterization", () => {
    const fit = fitSoftmax(housing.X, housing.labels, { ...options, offset: housingOffset.offset });
    const doubled = housing.X.map((row) => [...row, row[0]!]);
    const dropped = fitSoftmax(doubled, housing.labels, {
      ...options, names: [...housing.featureNames, 'copy'], offset: housingOffset.offset, singular: 'drop', onWarning: () => {},
    });
    expect(dropped.aliased).toEqual(['copy']);
    expect(relativeError(dropped.deviance, fit.deviance)).toBeLessThan(1e-12);
    const symmetric = fitSoftmax(housing.X, housing.labels, { ...options, offset: housingOffset.offset, parameterization: 'symmetric' });
    expect(worst(symmetric.predict(housing.X, { offset: housingOffset.offset }).data, fit.predict(housing.X, { offset: housingOffset.offset }).data)).toBeLessThan(1e-12);
  });

  it('takes one offset per class ({ perClass }, or K numbers when n ≠ K) as the n x K offset repeated on every row', () => {
    const n = housing.X.length;
    const perClass = [0.4, -1.3, 2.1];
    const repeated = Array.from({ length: n }, () => perClass);
    // Without an intercept a per-class offset changes the slopes; with one it moves only the intercepts.
    const byRows = fitSoftmax(housing.X, housing.labels, { ...options, intercept: false, offset: repeated });
    for (const offset of [perClass, { perClass }, Float64Array.from(perClass)]) {
      const fit = fitSoftmax(housing.X, housing.labels, { ...options, intercept: false, offset });
      expect(worst(fit.coefficients.data, byRows.coefficients.data)).toBeLessThan(1e-14);
      expect(worst(fit.standardErrors.data, byRows.standardErrors.data)).toBeLessThan(1e-14);
      expect(fit.deviance).toBe(byRows.deviance);
      expect(fit.nullDeviance).toBe(byRows.nullDeviance);
    }
    const plain = fitSoftmax(housing.X, housing.labels, { ...options, intercept: false });
    expect(worst(byRows.coefficients.data, plain.coefficients.data)).toBeGreaterThan(1e-2);
    // With an intercept: intercept_k = intercept_k(no offset) − (o_k − o_ref), slopes and deviance unchanged.
    const withIntercept = fitSoftmax(housing.X, housing.labels, { ...options, offset: { perClass } });
    const without = fitSoftmax(housing.X, housing.labels, options);
    for (const k of [1, 2]) {
      expect(Math.abs(withIntercept.coefficients.get(0, k) - (without.coefficients.get(0, k) - (perClass[k]! - perClass[0]!)))).toBeLessThan(1e-9);
      for (let j = 1; j < without.names.length; j++) expect(Math.abs(withIntercept.coefficients.get(j, k) - without.coefficients.get(j, k))).toBeLessThan(1e-9);
    }
    expect(relativeError(withIntercept.deviance, without.deviance)).toBeLessThan(1e-12);
    // predict takes the per-class form for any number of new rows.
    expect(worst(withIntercept.predict(housing.X.slice(0, 5), { offset: perClass }).data, withIntercept.predict(housing.X.slice(0, 5), { offset: repeated.slice(0, 5) }).data)).toBeLessThan(1e-15);
  });

  it('with n = K a plain vector is ambiguous (per class or per row) and refused, naming both explicit forms', () => {
    // The review's case: K = 4 and offset [0, 1, 2, 3] was refused as "shared by all classes".
    const X4 = [[0.1], [0.5], [-0.3], [1.2], [0.7], [-1], [0.2], [0.9]];
    const y4 = [0, 1, 2, 3, 1, 2, 3, 0];
    const perClass = [0, 1, 2, 3];
    const fit = fitSoftmax(X4, y4, { offset: perClass, intercept: false });
    const byRows = fitSoftmax(X4, y4, { offset: X4.map(() => perClass), intercept: false });
    expect(worst(fit.coefficients.data, byRows.coefficients.data)).toBeLessThan(1e-14);
    const square = X4.slice(0, 4);
    const ySquare = y4.slice(0, 4);
    expect(() => fitSoftmax(square, ySquare, { offset: perClass })).toThrow(/could be one offset per class or one per row; say which: \{ perClass: \[\.\.\.\] \}/);
    expect(() => fitSoftmax(square, ySquare, { offset: { perClass }, l2: 1 })).not.toThrow();
    expect(() => fitSoftmax(X4, y4, { offset: { perClass: [1, 2] } })).toThrow(/offset.perClass should have 4 numbers/);
    expect(() => fitSoftmax(X4, y4, { offset: { perClass, perRow: [] } as never })).toThrow(/'perRow'/);
    expect(() => fitSoftmax(X4, y4, { offset: [1, 2, 3] })).toThrow(/should be 4 numbers \(one per class\), or 8 rows of 4 numbers/);
  });

  it('refuses an offset shared by all classes (it cancels), a wrong shape and NaN', () => {
    const n = housing.X.length;
    expect(() => fitSoftmax(housing.X, housing.labels, { ...options, offset: new Array(n).fill(0.5) })).toThrow(/one per row shared by all classes.*cancels from the softmax probabilities.*one row of 3 numbers per row of X/);
    expect(() => fitSoftmax(housing.X, housing.labels, { ...options, offset: housingOffset.offset.slice(1) })).toThrow(SoftlogitError);
    expect(() => fitSoftmax(housing.X, housing.labels, { ...options, offset: housingOffset.offset.map((r) => r.slice(1)) })).toThrow(/3 numbers/);
    const bad = housingOffset.offset.map((r) => [...r]);
    bad[5]![1] = Number.NaN;
    expect(() => fitSoftmax(housing.X, housing.labels, { ...options, offset: bad })).toThrow(/finite/);
    const fit = fitSoftmax(housing.X, housing.labels, options);
    expect(() => fit.predict(housing.X, { offset: [[1, 2]] })).toThrow(SoftlogitError);
  });
});

/**
 * The reference ends are uniroot's roots (tol 1e-13) of R's glm deviances; softlogit's are its own
 * roots of its own deviances, each to ~1e-11 · (|b| + se): 1e-8 relative leaves room and is far
 * inside the 1e-6 asked. MASS::confint.glm interpolates a spline through a profile grid and is
 * 0.8e-5 … 9.1e-5 relative from the roots (measured), so it is checked at 2e-4.
 */
const PROFILE_RTOL = 1e-8;
const MASS_SPLINE_RTOL = 2e-4;

describe('profile-likelihood confidence intervals (logistic, UCLA)', () => {
  it('solve the signed-root equation R solves with uniroot; MASS::confint.glm to its spline accuracy', () => {
    const ci = api.profileConfint(large, ucla.X, ucla.y);
    expect(ci.level).toBe(0.95);
    expect(worst(ci.lower, profileRef.exact95.lower)).toBeLessThan(PROFILE_RTOL);
    expect(worst(ci.upper, profileRef.exact95.upper)).toBeLessThan(PROFILE_RTOL);
    expect(worst(ci.lower, profileRef.mass95.lower)).toBeLessThan(MASS_SPLINE_RTOL);
    expect(worst(ci.upper, profileRef.mass95.upper)).toBeLessThan(MASS_SPLINE_RTOL);
    const ci90 = api.profileConfint(large, ucla.X, ucla.y, { level: 0.9 });
    expect(worst(ci90.lower, profileRef.exact90.lower)).toBeLessThan(PROFILE_RTOL);
    expect(worst(ci90.upper, profileRef.exact90.upper)).toBeLessThan(PROFILE_RTOL);
    // Not the Wald interval: the profile one is asymmetric about the estimate.
    const wald = large.confint(0.95);
    expect(worst(ci.lower, wald.col(0))).toBeGreaterThan(1e-4);
  });

  it('an intercept-only model, and what it refuses', () => {
    const fit = fitLogistic({ data: new Float64Array(0), nRows: ucla.y.length, nFeatures: 0 }, ucla.y);
    const ci = api.profileConfint(fit, { data: new Float64Array(0), nRows: ucla.y.length, nFeatures: 0 }, ucla.y);
    // Closed form: the deviance of η = b is 2Σ[s log(s/(nσ(b))) + f log(f/(n(1 − σ(b))))], its root found independently by bisection.
    const s = ucla.y.reduce((a, v) => a + v, 0);
    const n = ucla.y.length;
    const dev = (b: number) => { const mu = 1 / (1 + Math.exp(-b)); return 2 * (s * Math.log(s / (n * mu)) + (n - s) * Math.log((n - s) / (n * (1 - mu)))); };
    const d0 = dev(fit.coefficients[0]!);
    let lo = fit.coefficients[0]! - 1;
    let hi = fit.coefficients[0]!;
    for (let k = 0; k < 200; k++) { const mid = (lo + hi) / 2; if (dev(mid) - d0 > 1.959963984540054 ** 2) lo = mid; else hi = mid; }
    expect(relativeError(ci.lower[0]!, (lo + hi) / 2)).toBeLessThan(1e-9);
    expect(() => api.profileConfint(fitLogistic(ucla.X, ucla.y, { names, l2: 1 }), ucla.X, ucla.y)).toThrow(/unpenalized/);
    expect(() => api.profileConfint(large, ucla.X, ucla.y, { levl: 0.9 } as never)).toThrow(/did you mean 'level'/);
  });
});

/**
 * statsmodels 0.13.5's effects and SEs for Logit agree with softlogit's to 3.4e-15 and 2.8e-14
 * relative (measured; both exact MLEs, analytic gradients): 1e-12. Stata's MLE is ~1e-7 relative
 * from the exact one (its effects differ from statsmodels' by up to 1.1e-6 relative at the tiny
 * 'zero' point) and its SEs are printed to 7 decimal places (±5e-8): 1e-6 relative plus 5e-8.
 */
const STATSMODELS_MARGEFF_RTOL = 1e-12;
const STATA_MARGEFF_RTOL = 1e-6;

describe('marginal effects (logistic, spector)', () => {
  it('match statsmodels get_margeff and Stata margins for every at, method and dummy case', () => {
    const fit = fitLogistic(margeff.X, margeff.y, { names: margeff.names });
    expect(worst(fit.coefficients, margeff.coefficients)).toBeLessThan(1e-9);
    const close = (a: number, b: number, rtol: number, atol: number) => Math.abs(a - b) <= rtol * Math.abs(b) + atol;
    for (const [name, ref] of Object.entries(margeff.statsmodels)) {
      const m = fit.marginalEffects(margeff.X, { at: ref.at as never, method: ref.method as never, dummy: ref.dummy, count: ref.count });
      const stata = margeff.stata[name as keyof typeof margeff.stata];
      for (let j = 0; j < 3; j++) {
        expect(close(m.effect[j]!, ref.effect[j]!, STATSMODELS_MARGEFF_RTOL, 1e-15), `${name} effect ${j}`).toBe(true);
        expect(close(m.se[j]!, ref.se[j]!, STATSMODELS_MARGEFF_RTOL, 1e-15), `${name} se ${j}`).toBe(true);
        expect(close(m.effect[j]!, stata.effect[j]!, STATA_MARGEFF_RTOL, 5e-8), `${name} Stata effect ${j}`).toBe(true);
        expect(close(m.se[j]!, stata.se[j]!, STATA_MARGEFF_RTOL, 5e-8), `${name} Stata se ${j}`).toBe(true);
      }
    }
  });

  it('refuses bad options', () => {
    const fit = fitLogistic(margeff.X, margeff.y, { names: margeff.names });
    expect(() => fit.marginalEffects(margeff.X, { at: 'mode' as never })).toThrow(/at should be/);
    expect(() => fit.marginalEffects(margeff.X, { metod: 'dydx' } as never)).toThrow(/did you mean 'method'/);
    expect(() => fit.marginalEffects(margeff.X.map((r) => r.slice(1)))).toThrow(/columns/);
  });
});

/**
 * R's glm (epsilon 1e-15, refitted from its solution) and softlogit sit at the same MLE (measured:
 * 1.0e-15 relative on the coefficients), and the effects are the same formulas at it (measured:
 * 1.0e-14 relative): 1e-12. The R SEs use numDeriv's Richardson Jacobian (measured: 6.2e-9
 * relative to the analytic one): 1e-7.
 */
const R_OFFSET_EFFECT_RTOL = 1e-12;
const R_OFFSET_SE_RTOL = 1e-7;
/**
 * A weighted fit and the fit on its rows repeated are the same MLE reached by different sums
 * (measured: effects and SEs within 2.7e-14 relative on spector): 1e-12 relative, and 1e-15
 * absolute for effects that are 0 (dyex at 'zero').
 */
const EXPANDED_RTOL = 1e-12;
const EXPANDED_ATOL = 1e-15;

/** Largest excess of |a − b| over rtol·|b| (≤ atol passes). */
function excessOver(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number): number {
  let max = -Infinity;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual[i]! - expected[i]!) - rtol * Math.abs(expected[i]!));
  return max;
}

const MARGINAL_ATS = ['overall', 'mean', 'median', 'zero', 'row'] as const;
const MARGINAL_METHODS = ['dydx', 'eydx', 'dyex', 'eyex'] as const;

describe('marginal effects with weights and an offset (logistic)', () => {
  it('match a hand computation in R (weighted averages at η = xᵀβ + offset, numerical-Jacobian SEs) for every at, method and dummy/count', () => {
    const { weights, offset } = margeffOffset;
    const fit = fitLogistic(ucla.X, ucla.y, { names: ucla.names.slice(1), weights, offset });
    expect(worst(fit.coefficients, margeffOffset.coefficients)).toBeLessThan(1e-12);
    expect(margeffOffset.cases.length).toBe(40);
    for (const ref of margeffOffset.cases) {
      const label = `${JSON.stringify(ref.at)} ${ref.method} dummy/count ${ref.dummy}`;
      const m = fit.marginalEffects(ucla.X, { at: ref.at as 'overall', method: ref.method as 'dydx', dummy: ref.dummy, count: ref.count, weights, offset });
      expect(excessOver(m.effect, ref.effect, R_OFFSET_EFFECT_RTOL), label).toBeLessThanOrEqual(1e-15);
      expect(excessOver(m.se, ref.se, R_OFFSET_SE_RTOL), label).toBeLessThanOrEqual(1e-15);
    }
    // Without the offset (or the weights) the numbers move far beyond these bounds.
    const plain = fit.marginalEffects(ucla.X, { weights });
    expect(excessOver(plain.effect, margeffOffset.cases[0]!.effect, 1e-3)).toBeGreaterThan(0);
  });

  it('with integer weights equal the rows repeated, and rows of weight 0 count as removed, for every at, method and dummy/count', () => {
    const X = margeff.X;
    const y = margeff.y;
    const weights = X.map((_, i) => 1 + (i % 3));
    const offset = X.map((_, i) => 0.3 * Math.cos(i));
    const repeated = X.flatMap((_, i) => Array.from({ length: weights[i]! }, () => i));
    const weighted = fitLogistic(X, y, { weights, offset });
    const expanded = fitLogistic(repeated.map((i) => X[i]!), repeated.map((i) => y[i]!), { offset: repeated.map((i) => offset[i]!) });
    // Weight-0 rows with a non-binary PSI and a non-integer TUCE, which must not count.
    const junk = [[3, 20.5, 0.5], [2.5, 21.5, 2]];
    const withZeros = fitLogistic([...X, ...junk], [...y, 1, 0], { weights: [...weights, 0, 0], offset: [...offset, 5, -5] });
    for (const at of MARGINAL_ATS) {
      for (const method of MARGINAL_METHODS) {
        for (const discrete of [false, true]) {
          const options = { at: at === 'row' ? [3, 20, 1] : at, method, dummy: discrete, count: discrete };
          const label = `${at} ${method} dummy/count ${discrete}`;
          const a = weighted.marginalEffects(X, { ...options, weights, offset });
          const b = expanded.marginalEffects(repeated.map((i) => X[i]!), { ...options, offset: repeated.map((i) => offset[i]!) });
          const c = withZeros.marginalEffects([...X, ...junk], { ...options, weights: [...weights, 0, 0], offset: [...offset, 5, -5] });
          for (const [m, what] of [[a, 'weighted'], [c, 'weight 0']] as const) {
            expect(excessOver(m.effect, b.effect, EXPANDED_RTOL), `${what} ${label}`).toBeLessThanOrEqual(EXPANDED_ATOL);
            expect(excessOver(m.se, b.se, EXPANDED_RTOL), `${what} ${label}`).toBeLessThanOrEqual(EXPANDED_ATOL);
          }
        }
      }
    }
  });

  it('weight the means and medians of the summary points', () => {
    // Column GPA weighted so its weighted median and mean differ from the unweighted ones.
    const fit = fitLogistic(margeff.X, margeff.y);
    const weights = margeff.X.map((r) => (r[0]! > 3 ? 5 : 1));
    for (const at of ['mean', 'median'] as const) {
      const a = fit.marginalEffects(margeff.X, { at, weights });
      const b = fit.marginalEffects(margeff.X, { at });
      expect(Math.abs(a.effect[0]! - b.effect[0]!)).toBeGreaterThan(1e-3 * Math.abs(b.effect[0]!));
    }
  });

  it('refuse bad weights and offsets', () => {
    const fit = fitLogistic(margeff.X, margeff.y);
    const n = margeff.X.length;
    expect(catchError(() => fit.marginalEffects(margeff.X, { weights: new Array(n).fill(0) })).code).toBe('BAD_WEIGHTS');
    expect(catchError(() => fit.marginalEffects(margeff.X, { weights: new Array(n).fill(1).map((v, i) => (i === 3 ? -1 : v)) })).code).toBe('BAD_WEIGHTS');
    expect(catchError(() => fit.marginalEffects(margeff.X, { weights: [1, 2] })).code).toBe('LENGTH_MISMATCH');
    expect(catchError(() => fit.marginalEffects(margeff.X, { offset: new Array(n).fill(Number.NaN) })).code).toBe('NON_FINITE');
    expect(catchError(() => fit.marginalEffects(margeff.X, { offset: [0] })).code).toBe('LENGTH_MISMATCH');
  });
});
