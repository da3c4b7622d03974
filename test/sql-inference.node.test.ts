/**
 * Inference on SQL fits (issue #15: the statistics that need only the sufficient statistics work on
 * fits from SQL too): fitLogisticSQL / fitSoftmaxSQL in an in-process DuckDB reading data/binary.csv
 * give the lrTest, anova, pseudo-R², Wald tests, intervals and ratios of fitLogistic / fitSoftmax on
 * the rows parsed into memory, and the logistic ones are R's (test/fixtures/inference/
 * ucla-logistic.json). DuckDB only: the PostgreSQL and ClickHouse paths produce the same fit
 * objects from the same sums (test/sql.node.test.ts checks their sums and fits against these).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { anova, designMatrix, fitLogistic, fitSoftmax, init, lrTest, parseCSV, type LogisticFit, type SoftmaxFit } from '../src/index.js';
import { fitLogisticSQL, fitSoftmaxSQL } from '../src/sql/index.js';
import ucla from './fixtures/inference/ucla-logistic.json';
import { relativeError } from './helpers/reference.js';
import { SAME_FIT_RTOL } from './helpers/tolerances.js';

/** R's LR statistics are differences of deviances at glm's epsilon 1e-14 (test/inference.test.ts). */
const R_STATISTIC_RTOL = 1e-10;

let duckdbInstalled = true;
try {
  await import('@duckdb/node-api');
} catch {
  duckdbInstalled = false;
}

const csv = fileURLToPath(new URL('../data/binary.csv', import.meta.url)).replaceAll("'", "''");
const from = `(SELECT * FROM read_csv('${csv}'))`;
const frame = parseCSV(readFileSync(new URL('../data/binary.csv', import.meta.url), 'utf8'));

function worst(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, relativeError(actual[i]!, expected[i]!));
  return max;
}

function inMemoryLogistic(predictors: string[], factors: string[]): LogisticFit {
  const d = designMatrix(frame, { response: 'admit', predictors, factors });
  return fitLogistic({ data: d.X, nRows: d.nRows, nFeatures: d.nFeatures }, d.response.labels, { names: d.names });
}

describe.skipIf(!duckdbInstalled)('inference on fitLogisticSQL (DuckDB) equals the in-memory fit and R', () => {
  let large: LogisticFit;
  let small: LogisticFit;
  let largeMemory: LogisticFit;
  let smallMemory: LogisticFit;

  beforeAll(async () => {
    await init();
    large = await fitLogisticSQL('duckdb', { from, response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: ['rank'] });
    small = await fitLogisticSQL('duckdb', { from, response: 'admit', predictors: ['gre', 'gpa'] });
    largeMemory = inMemoryLogistic(['gre', 'gpa', 'rank'], ['rank']);
    smallMemory = inMemoryLogistic(['gre', 'gpa'], []);
    expect(large.names).toEqual(largeMemory.names);
  });

  it('lrTest() against the null model, lrTest(small, large) and anova', () => {
    const a = large.lrTest();
    const b = largeMemory.lrTest();
    expect(a.df).toBe(5);
    expect(relativeError(a.statistic, b.statistic)).toBeLessThan(SAME_FIT_RTOL);
    expect(relativeError(a.pValue, b.pValue)).toBeLessThan(SAME_FIT_RTOL);
    expect(relativeError(a.statistic, ucla.lrNull.statistic[0]!)).toBeLessThan(R_STATISTIC_RTOL);
    const nested = lrTest(small, large);
    expect(relativeError(nested.statistic, lrTest(smallMemory, largeMemory).statistic)).toBeLessThan(SAME_FIT_RTOL);
    expect(relativeError(nested.statistic, ucla.lrSmallLarge.statistic[0]!)).toBeLessThan(R_STATISTIC_RTOL);
    // A SQL fit and an in-memory fit of the same rows are comparable
    expect(relativeError(lrTest(smallMemory, large).statistic, nested.statistic)).toBeLessThan(SAME_FIT_RTOL);
    const table = anova(small, large);
    expect(worst(table.rows.map((r) => r.deviance), ucla.anova.deviance.slice(1))).toBeLessThan(1e-12);
  });

  it('pseudoR2', () => {
    for (const key of ['mcFadden', 'coxSnell', 'nagelkerke', 'logLikNull'] as const) {
      expect(relativeError(large.pseudoR2[key], largeMemory.pseudoR2[key]), key).toBeLessThan(SAME_FIT_RTOL);
      expect(relativeError(large.pseudoR2[key], ucla.pseudoR2[key][0]!), key).toBeLessThan(R_STATISTIC_RTOL);
    }
  });

  it('waldTest by names and by R and q', () => {
    const a = large.waldTest(['rank2', 'rank3', 'rank4']);
    expect(relativeError(a.statistic, largeMemory.waldTest(['rank2', 'rank3', 'rank4']).statistic)).toBeLessThan(SAME_FIT_RTOL);
    expect(relativeError(a.statistic, ucla.waldRank.statistic[0]!)).toBeLessThan(1e-9);
    const general = large.waldTest(ucla.waldGeneral.R, ucla.waldGeneral.q);
    expect(relativeError(general.statistic, largeMemory.waldTest(ucla.waldGeneral.R, ucla.waldGeneral.q).statistic)).toBeLessThan(SAME_FIT_RTOL);
    expect(relativeError(general.pValue, ucla.waldGeneral.pValue[0]!)).toBeLessThan(1e-8);
  });

  it('confint and oddsRatios', () => {
    const ci = large.confint(0.9);
    expect(worst(ci.data, largeMemory.confint(0.9).data)).toBeLessThan(SAME_FIT_RTOL);
    expect(worst(ci.col(0), ucla.confint90.lower)).toBeLessThan(1e-9);
    const or = large.oddsRatios();
    const expected = largeMemory.oddsRatios();
    expect(or.names).toEqual(expected.names);
    expect(worst(or.oddsRatio, expected.oddsRatio)).toBeLessThan(SAME_FIT_RTOL);
    expect(worst(or.lower, expected.lower)).toBeLessThan(SAME_FIT_RTOL);
    expect(worst(or.upper, expected.upper)).toBeLessThan(SAME_FIT_RTOL);
    expect(worst(or.oddsRatio, ucla.oddsRatios.oddsRatio)).toBeLessThan(1e-9);
  });
});

describe.skipIf(!duckdbInstalled)('inference on fitSoftmaxSQL (DuckDB) equals fitSoftmax', () => {
  let sql: SoftmaxFit;
  let smallSql: SoftmaxFit;
  let memory: SoftmaxFit;
  let smallMemory: SoftmaxFit;

  beforeAll(async () => {
    await init();
    // rank (4 classes) ~ gre + gpa + admit, and ~ gre
    sql = await fitSoftmaxSQL('duckdb', { from, response: 'rank', predictors: ['gre', 'gpa', 'admit'] });
    smallSql = await fitSoftmaxSQL('duckdb', { from, response: 'rank', predictors: ['gre'] });
    const d = designMatrix(frame, { response: 'rank', predictors: ['gre', 'gpa', 'admit'] });
    memory = fitSoftmax({ data: d.X, nRows: d.nRows, nFeatures: d.nFeatures }, d.response.labels, { names: d.names });
    const s = designMatrix(frame, { response: 'rank', predictors: ['gre'] });
    smallMemory = fitSoftmax({ data: s.X, nRows: s.nRows, nFeatures: s.nFeatures }, s.response.labels, { names: s.names });
    expect(sql.classes).toEqual(memory.classes);
  });

  it('lrTest, lrTest(small, large), anova and pseudoR2', () => {
    expect(relativeError(sql.lrTest().statistic, memory.lrTest().statistic)).toBeLessThan(SAME_FIT_RTOL);
    expect(relativeError(sql.lrTest().pValue, memory.lrTest().pValue)).toBeLessThan(SAME_FIT_RTOL);
    const nested = lrTest(smallSql, sql);
    expect(nested.df).toBe(6);
    expect(relativeError(nested.statistic, lrTest(smallMemory, memory).statistic)).toBeLessThan(SAME_FIT_RTOL);
    expect(relativeError(anova(smallSql, sql).rows[1]!.devianceChange, nested.statistic)).toBeLessThan(1e-12);
    for (const key of ['mcFadden', 'coxSnell', 'nagelkerke', 'logLikNull'] as const) {
      expect(relativeError(sql.pseudoR2[key], memory.pseudoR2[key]), key).toBeLessThan(SAME_FIT_RTOL);
    }
  });

  it('waldTest, confint and relativeRiskRatios', () => {
    expect(relativeError(sql.waldTest(['gpa']).statistic, memory.waldTest(['gpa']).statistic)).toBeLessThan(SAME_FIT_RTOL);
    const a = sql.confint(0.9);
    const b = memory.confint(0.9);
    expect(worst(a.lower.data, b.lower.data)).toBeLessThan(SAME_FIT_RTOL);
    expect(worst(a.upper.data, b.upper.data)).toBeLessThan(SAME_FIT_RTOL);
    expect(worst(sql.relativeRiskRatios().ratio.data, memory.relativeRiskRatios().ratio.data)).toBeLessThan(SAME_FIT_RTOL);
  });
});
