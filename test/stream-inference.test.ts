/**
 * Inference on fits that are not made from rows in memory (issue #15: "for fits from streams,
 * statistics and SQL where the quantity only needs the sufficient statistics"): a softmax fit from
 * a stream gives the lrTest, pseudo-R², Wald tests, intervals and ratios of fitSoftmax on the same
 * rows, and anova() of softmax fits is statsmodels' likelihood-ratio statistic. The SQL fits are in
 * test/sql-inference.node.test.ts. MASS housing, Sat ~ Infl + Type + Cont, weights Freq
 * (test/fixtures/housing-weighted-softmax.json); statsmodels' numbers from
 * test/fixtures/inference/statsmodels.json (sm_reference.py).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anova, fitSoftmax, fitSoftmaxStream, init, lrTest, type SoftmaxFit } from '../src/index.js';
import housing from './fixtures/housing-weighted-softmax.json';
import sm from './fixtures/inference/statsmodels.json';
import { relativeError } from './helpers/reference.js';
import { SAME_FIT_RTOL } from './helpers/tolerances.js';

/**
 * statsmodels' llf comes from its Newton at tol 1e-12, so 2 (llf − llf_small) is good to ~1e-11
 * relative (test/inference.test.ts measures 4.3e-12 on the same statistic); p-values to that
 * times |d log p / d statistic| · statistic ≈ ½ · 62.
 */
const STATSMODELS_LLF_RTOL = 1e-10;
const STATSMODELS_LLF_P_RTOL = 1e-8;

function worst(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, relativeError(actual[i]!, expected[i]!));
  return max;
}

const options = { names: housing.featureNames, classes: housing.classes };
const smallColumns = sm.housing.smallColumns;
const smallNames = smallColumns.map((j) => housing.featureNames[j]!);
const smallX = housing.X.map((r) => smallColumns.map((j) => r[j]!));
/** The 72 rows in batches of 25, 25 and 22, each with its weights. */
function batches(X: number[][]) {
  return [[0, 25], [25, 50], [50, 72]].map(([a, b]) => ({ X: X.slice(a, b), y: housing.labels.slice(a, b), weights: housing.weights.slice(a, b) }));
}

let inMemory: SoftmaxFit;
let streamed: SoftmaxFit;
let smallInMemory: SoftmaxFit;
let smallStreamed: SoftmaxFit;

beforeAll(async () => {
  await init();
  inMemory = fitSoftmax(housing.X, housing.labels, { ...options, weights: housing.weights });
  streamed = await fitSoftmaxStream(() => batches(housing.X), options);
  smallInMemory = fitSoftmax(smallX, housing.labels, { names: smallNames, classes: housing.classes, weights: housing.weights });
  smallStreamed = await fitSoftmaxStream(() => batches(smallX), { names: smallNames, classes: housing.classes });
});

describe('fitSoftmaxStream: the inference of fitSoftmax on the same rows', () => {
  it('lrTest() and pseudoR2', () => {
    const a = streamed.lrTest();
    const b = inMemory.lrTest();
    expect(a.df).toBe(b.df);
    expect(relativeError(a.statistic, b.statistic)).toBeLessThan(SAME_FIT_RTOL);
    expect(relativeError(a.pValue, b.pValue)).toBeLessThan(SAME_FIT_RTOL);
    expect(relativeError(a.statistic, sm.housing.llrExact)).toBeLessThan(STATSMODELS_LLF_RTOL);
    for (const key of ['mcFadden', 'coxSnell', 'nagelkerke', 'logLikNull'] as const) {
      expect(relativeError(streamed.pseudoR2[key], inMemory.pseudoR2[key]), key).toBeLessThan(SAME_FIT_RTOL);
    }
  });

  it('waldTest by names and by R and q', () => {
    const names = ['TypeApartment', 'TypeAtrium', 'TypeTerrace'];
    const a = streamed.waldTest(names);
    const b = inMemory.waldTest(names);
    expect(a.df).toBe(6);
    expect(relativeError(a.statistic, b.statistic)).toBeLessThan(SAME_FIT_RTOL);
    expect(relativeError(a.pValue, b.pValue)).toBeLessThan(SAME_FIT_RTOL);
    expect(relativeError(a.statistic, sm.housing.waldType.statistic)).toBeLessThan(1e-9);
    const R = [Array.from({ length: 14 }, (_, j) => (j === 3 ? 1 : j === 5 ? -1 : 0))];
    expect(relativeError(streamed.waldTest(R, [0.1]).statistic, inMemory.waldTest(R, [0.1]).statistic)).toBeLessThan(SAME_FIT_RTOL);
  });

  it('confint and relativeRiskRatios', () => {
    for (const level of [0.9, 0.95]) {
      const a = streamed.confint(level);
      const b = inMemory.confint(level);
      expect(worst(a.lower.data, b.lower.data)).toBeLessThan(SAME_FIT_RTOL);
      expect(worst(a.upper.data, b.upper.data)).toBeLessThan(SAME_FIT_RTOL);
    }
    const a = streamed.relativeRiskRatios();
    const b = inMemory.relativeRiskRatios();
    expect(worst(a.ratio.data, b.ratio.data)).toBeLessThan(SAME_FIT_RTOL);
    expect(worst(a.lower.data, b.lower.data)).toBeLessThan(SAME_FIT_RTOL);
  });
});

describe('anova() and lrTest() of softmax fits', () => {
  it('is statsmodels 2 (llf − llf_small), from rows or from streams, and the deviance difference of the two fits', () => {
    for (const [small, large] of [[smallInMemory, inMemory], [smallStreamed, streamed], [smallInMemory, streamed]] as const) {
      const table = anova(small, large);
      const row = table.rows[1]!;
      expect(row.df).toBe(sm.housing.lrSmall.df);
      expect(relativeError(row.devianceChange, sm.housing.lrSmall.statistic)).toBeLessThan(STATSMODELS_LLF_RTOL);
      expect(relativeError(row.pValue, sm.housing.lrSmall.pValue)).toBeLessThan(STATSMODELS_LLF_P_RTOL);
      expect(relativeError(row.devianceChange, small.deviance - large.deviance)).toBeLessThan(1e-12);
      expect(relativeError(row.pValue, lrTest(small, large).pValue)).toBe(0);
      expect(table.rows.map((r) => r.dfResidual)).toEqual([small.dfResidual, large.dfResidual]);
    }
    expect(anova(smallInMemory, inMemory).toString()).toContain('Analysis of Deviance Table');
  });

  it('with the null model first: three rows, the first step is lrTest() of the smaller fit', () => {
    const nullFit = fitSoftmax(housing.X.map(() => []), housing.labels, { names: [], classes: housing.classes, weights: housing.weights });
    const table = anova(nullFit, smallInMemory, inMemory);
    expect(table.rows).toHaveLength(3);
    expect(relativeError(table.rows[1]!.devianceChange, smallInMemory.lrTest().statistic)).toBeLessThan(1e-12);
    expect(relativeError(table.rows[1]!.devianceChange + table.rows[2]!.devianceChange, inMemory.lrTest().statistic)).toBeLessThan(1e-12);
  });
});
