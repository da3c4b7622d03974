/**
 * The demo engine end to end in Node (examples/web/engine/session.ts, without a Worker): load
 * text, fit models, and check the answers against the committed R/statsmodels fixtures, plus the
 * diagnostics (separation with its remedies, collinear columns, ID columns), errors that keep the
 * data, cancelling, weights and counts, and the plot data.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine } from '../examples/web/engine/session.js';
import type { ErrorMessage, LoadedMessage, ModelSpec, NumericPlot, FactorPlot, ResultMessage, WorkerToPage } from '../examples/web/protocol.js';
import { MAX_PLOT_POINTS } from '../examples/web/engine/plot.js';
import housingFixture from './fixtures/housing-weighted-softmax.json' with { type: 'json' };
import uclaFixture from './fixtures/ucla-admissions.json' with { type: 'json' };
import uclaRankFixture from './fixtures/ucla-admissions-rank.json' with { type: 'json' };
import separatedFixture from './fixtures/separated-firth.json' with { type: 'json' };
import { mulberry32 } from './helpers/random.js';

/**
 * The engine's fits against the fixtures: both are the exact MLE (the library's own tests hold
 * it to ~1e-10 of R); the data here went through text and back, which is exact for these
 * decimals, so 1e-8 relative leaves room and still catches a wrong model (differences of order 1).
 */
const FIT_RTOL = 1e-8;
/** Firth's estimates: brglm2 stops at epsilon 1e-14 on the adjusted score; 1e-6 as in test/firth.test.ts. */
const FIRTH_RTOL = 1e-6;
/** Two fits of the same MLE along different paths (logistic vs softmax): 1e-8 relative. */
const SAME_MLE_RTOL = 1e-8;

function closeTo(actual: number, expected: number, rtol: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(expected)));
}

/** An engine whose answers are collected; pauses are immediate. */
function newEngine() {
  const messages: WorkerToPage[] = [];
  const engine = new Engine((m) => messages.push(m), () => Promise.resolve());
  let requestId = 0;
  const last = <T extends WorkerToPage['type']>(type: T, id: number) =>
    messages.find((m) => m.type === type && 'requestId' in m && m.requestId === id) as Extract<WorkerToPage, { type: T }> | undefined;
  async function load(text: string, name = 'data.csv'): Promise<LoadedMessage> {
    const id = ++requestId;
    await engine.handle({ type: 'load', requestId: id, source: { kind: 'text', text, name } });
    const loaded = last('loaded', id);
    if (!loaded) throw new Error(`no 'loaded' answer: ${JSON.stringify(last('error', id))}`);
    return loaded;
  }
  async function fit(model: ModelSpec): Promise<ResultMessage> {
    const id = ++requestId;
    await engine.handle({ type: 'fit', requestId: id, model });
    const result = last('result', id);
    if (!result) throw new Error(`no 'result' answer: ${JSON.stringify(last('error', id))}`);
    return result;
  }
  async function fitError(model: ModelSpec): Promise<ErrorMessage> {
    const id = ++requestId;
    await engine.handle({ type: 'fit', requestId: id, model });
    const error = last('error', id);
    if (!error) throw new Error(`expected an error, got ${messages.at(-1)?.type}`);
    return error;
  }
  return { engine, messages, load, fit, fitError, nextId: () => ++requestId };
}

const HOUSING = readFileSync('data/housing.csv', 'utf8');
const UCLA = readFileSync('data/binary.csv', 'utf8');

/** Every band holds its curve and lies in [0, 1]. */
function expectBandsHoldCurves(plot: NumericPlot | FactorPlot): void {
  plot.prob.forEach((prob, k) => {
    prob.forEach((p, i) => {
      expect(plot.lower[k]![i]!).toBeLessThanOrEqual(p);
      expect(plot.upper[k]![i]!).toBeGreaterThanOrEqual(p);
      expect(plot.lower[k]![i]!).toBeGreaterThanOrEqual(0);
      expect(plot.upper[k]![i]!).toBeLessThanOrEqual(1);
    });
  });
  // The class probabilities at each point sum to 1.
  for (let i = 0; i < plot.prob[0]!.length; i++) closeTo(plot.prob.reduce((s, prob) => s + prob[i]!, 0), 1, 1e-12);
}

describe('housing (MASS::housing) with Freq as case weights', () => {
  it('offers Sat ~ Infl + Type + Cont with weights Freq, and reproduces R/statsmodels (AIC 3498.08)', async () => {
    const { load, fit } = newEngine();
    const loaded = await load(HOUSING, 'housing.csv');
    expect(loaded.nRows).toBe(72);
    expect(loaded.defaultModel).toMatchObject({ response: 'Sat', weights: 'Freq', predictors: ['Infl', 'Type', 'Cont'], factors: [] });
    expect(loaded.defaultNote).toMatch(/Freq is used as case weights/);
    const levelOrder = { Sat: ['Low', 'Medium', 'High'], Infl: ['Low', 'Medium', 'High'], Type: ['Tower', 'Apartment', 'Atrium', 'Terrace'], Cont: ['Low', 'High'] };
    const result = await fit({ ...loaded.defaultModel, levelOrder });
    const expected = housingFixture.expected;
    closeTo(result.stats.aic, 3498.083866341122, FIT_RTOL); // R VGAM / statsmodels, test/fixtures/housing-weighted-softmax.json
    closeTo(result.stats.aic, expected.aic, FIT_RTOL);
    closeTo(result.stats.logLik, expected.logLik, FIT_RTOL);
    closeTo(result.stats.deviance, expected.deviance, FIT_RTOL);
    closeTo(result.stats.bic, expected.bic, FIT_RTOL);
    expect(result.stats.nParameters).toBe(expected.nParameters);
    expect(result.stats.totalWeight).toBe(1681);
    expect(result.logistic).toBeNull();
    expect(result.classes).toEqual(['Low', 'Medium', 'High']);
    const table = result.softmax!;
    expect(table.blocks.map((b) => b.className)).toEqual(['Medium', 'High']);
    table.blocks.forEach((block, c) => {
      expect(block.rows.map((r) => r.term)).toEqual(expected.names);
      block.rows.forEach((row, j) => {
        closeTo(row.estimate, expected.coefficients[j]![c]!, FIT_RTOL);
        closeTo(row.se, expected.standardErrors[j]![c]!, FIT_RTOL);
        closeTo(row.ratio!, Math.exp(row.estimate), 1e-15);
      });
    });
    expect(result.summary).toMatch(/AIC/);
    expect(result.stats.lrTest!.df).toBe(12);

    // The plot: no numeric predictor, so along the first factor, the others at their reference level.
    const plot = result.plot as FactorPlot;
    expect(plot.kind).toBe('factor');
    expect(plot.predictor).toBe('Infl');
    expect(plot.levels).toEqual(['Low', 'Medium', 'High']);
    expect(plot.heldAt).toEqual([{ column: 'Type', how: 'reference', value: 'Tower' }, { column: 'Cont', how: 'reference', value: 'Low' }]);
    expect(plot.legendTitle).toBe('Sat');
    expectBandsHoldCurves(plot);
  });

  it('keeps the design and fits when only the parameterization changes, and refits for another reference', async () => {
    const { load, fit } = newEngine();
    const loaded = await load(HOUSING);
    const reference = await fit(loaded.defaultModel);
    expect(reference.timings.reused).toBeUndefined();
    const symmetric = await fit({ ...loaded.defaultModel, parameterization: 'symmetric' });
    expect(symmetric.timings.reused).toBe('fits');
    const fresh = newEngine();
    await fresh.load(HOUSING);
    const expected = await fresh.fit({ ...loaded.defaultModel, parameterization: 'symmetric' });
    expect(expected.timings.reused).toBeUndefined();
    symmetric.softmax!.blocks.forEach((block, k) =>
      block.rows.forEach((row, j) => {
        closeTo(row.estimate, expected.softmax!.blocks[k]!.rows[j]!.estimate, SAME_MLE_RTOL);
        closeTo(row.se, expected.softmax!.blocks[k]!.rows[j]!.se, SAME_MLE_RTOL);
      }),
    );
    const otherReference = await fit({ ...loaded.defaultModel, referenceClass: 'Medium' });
    expect(otherReference.timings.reused).toBe('design');
    expect(otherReference.reference).toBe('Medium');
    closeTo(otherReference.stats.aic, housingFixture.expected.aic, FIT_RTOL);
    const ridge = await fit({ ...loaded.defaultModel, remedy: { kind: 'ridge', lambda: 2 } });
    const ridgeSymmetric = await fit({ ...loaded.defaultModel, remedy: { kind: 'ridge', lambda: 2 }, parameterization: 'symmetric' });
    expect([ridge.timings.reused, ridgeSymmetric.timings.reused]).toEqual(['design', 'design']); // a penalty depends on the form
    const reloaded = await load(HOUSING);
    expect((await fit(reloaded.defaultModel)).timings.reused).toBeUndefined();
  });

  it('gives the same AIC in R\'s default (sorted) level order, and the other classes as reference', async () => {
    const { load, fit } = newEngine();
    const loaded = await load(HOUSING);
    const result = await fit({ ...loaded.defaultModel, referenceClass: 'Medium', parameterization: 'symmetric' });
    closeTo(result.stats.aic, housingFixture.expected.aic, FIT_RTOL);
    expect(result.reference).toBe('Medium');
    expect(result.softmax!.parameterization).toBe('symmetric');
    expect(result.softmax!.blocks).toHaveLength(3);
    expect(result.softmax!.blocks[0]!.rows[0]!.ratio).toBeNull();
  });

  it('fits the same coefficients from a counts response (one column per class)', async () => {
    // The weighted long table pivoted to one row per (Infl, Type, Cont) with Low, Medium, High counts.
    const lines = HOUSING.trim().split('\n').slice(1).map((l) => l.split(','));
    const cells = new Map<string, Record<string, string>>();
    for (const [sat, infl, type, cont, freq] of lines) {
      const key = [infl, type, cont].join(',');
      cells.set(key, { ...cells.get(key), [sat!]: freq! });
    }
    const wide = ['Infl,Type,Cont,Low,Medium,High', ...[...cells].map(([key, c]) => `${key},${c.Low},${c.Medium},${c.High}`)].join('\n');
    const { load, fit } = newEngine();
    await load(wide);
    const levelOrder = { Infl: ['Low', 'Medium', 'High'], Type: ['Tower', 'Apartment', 'Atrium', 'Terrace'], Cont: ['Low', 'High'] };
    const result = await fit({ counts: ['Low', 'Medium', 'High'], predictors: ['Infl', 'Type', 'Cont'], factors: [], levelOrder, parameterization: 'reference' });
    expect(result.classes).toEqual(['Low', 'Medium', 'High']);
    expect(result.responseName).toBe('Low, Medium, High');
    result.softmax!.blocks.forEach((block, c) =>
      block.rows.forEach((row, j) => closeTo(row.estimate, housingFixture.expected.coefficients[j]![c]!, FIT_RTOL)),
    );
    expect(result.stats.totalWeight).toBe(1681);
    expect(result.plot!.points.nRowsTotal).toBe(24);
  });
});

describe('UCLA admissions (two classes)', () => {
  it('fits admit ~ gre + gpa as R glm, with the identity β = w₁ − w₀ = 2·w₁(symmetric)', async () => {
    const { load, fit } = newEngine();
    const loaded = await load(UCLA);
    expect(loaded.defaultModel).toMatchObject({ response: 'admit', predictors: ['gre', 'gpa', 'rank'], plotPredictor: 'gre' });
    expect(loaded.defaultModel.weights).toBeUndefined();
    const result = await fit({ response: 'admit', predictors: ['gre', 'gpa'], factors: [], parameterization: 'reference' });
    const expected = uclaFixture.expected;
    const table = result.logistic!;
    expect(table).toMatchObject({ positiveClass: '1', baselineClass: '0' });
    table.rows.forEach((row, j) => {
      expect(row.term).toBe(expected.names[j]);
      closeTo(row.estimate, expected.coefficients[j]!, FIT_RTOL);
      closeTo(row.se, expected.standardErrors[j]!, FIT_RTOL);
      closeTo(row.ciLow, row.estimate - 1.959963984540054 * row.se, 1e-12);
      closeTo(row.ratio!, Math.exp(row.estimate), 1e-15);
    });
    for (const key of ['logLik', 'deviance', 'nullDeviance', 'aic', 'bic', 'dfResidual', 'dfNull'] as const) closeTo(result.stats[key], expected[key], FIT_RTOL);
    closeTo(result.stats.lrTest!.statistic, expected.nullDeviance - expected.deviance, FIT_RTOL);
    expect(result.stats.lrTest!.df).toBe(2);
    expect(result.stats.pseudoR2!.mcFadden).toBeGreaterThan(0);
    closeTo(result.softmaxStats!.aic, expected.aic, FIT_RTOL);
    closeTo(result.softmaxStats!.dfNull, expected.dfNull, 0);

    const identity = result.identity!;
    identity.rows.forEach((row) => {
      closeTo(row.referenceDiff, row.beta, SAME_MLE_RTOL);
      closeTo(row.symmetricW, row.beta / 2, SAME_MLE_RTOL);
      closeTo(row.symmetricSE, row.betaSE / 2, SAME_MLE_RTOL);
      closeTo(row.referenceDiffSE, row.betaSE, SAME_MLE_RTOL);
    });
    expect(identity.largestDifference.estimate).toBeLessThan(1e-8);
    expect(identity.largestDifference.symmetricSE).toBeLessThan(1e-8);
    expect(result.diagnostics).toMatchObject({ separation: null, aliased: [], droppedRows: 0, remedy: null });
  });

  it('codes factor(rank) as R, and plots along gre with gpa at its mean and rank at level 1', async () => {
    const { load, fit } = newEngine();
    await load(UCLA);
    const result = await fit({ response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: ['rank'], parameterization: 'reference' });
    expect(result.designNames).toEqual(['gre', 'gpa', 'rank2', 'rank3', 'rank4']);
    result.logistic!.rows.forEach((row, j) => closeTo(row.estimate, uclaRankFixture.expected.coefficients[j]!, FIT_RTOL));
    const plot = result.plot as NumericPlot;
    expect(plot.kind).toBe('numeric');
    expect(plot.predictor).toBe('gre');
    expect([plot.xMin, plot.xMax]).toEqual([220, 800]);
    expect(plot.x).toHaveLength(100);
    expect(plot.heldAt).toEqual([{ column: 'gpa', how: 'mean', value: '3.3899' }, { column: 'rank', how: 'reference', value: '1' }]);
    expect(plot.points.x).toHaveLength(400);
    expect(plot.legendTitle).toBe('admit');
    expectBandsHoldCurves(plot);
    // The curve is the fitted probability: at the grid's first point, σ(β·x) by hand.
    const beta = result.logistic!.rows.map((r) => r.estimate);
    const eta = beta[0]! + beta[1]! * 220 + beta[2]! * 3.3899;
    closeTo(plot.prob[1]![0]!, 1 / (1 + Math.exp(-eta)), 1e-5); // 3.3899 is the mean rounded for display

    const byRank = await fit({ response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: ['rank'], parameterization: 'reference', plotPredictor: 'rank' });
    expect(byRank.timings).toMatchObject({ reused: 'fits', designMs: 0, fitMs: 0 }); // only the plot changed
    expect(byRank.logistic).toEqual(result.logistic);
    const factorPlot = byRank.plot as FactorPlot;
    expect(factorPlot.kind).toBe('factor');
    expect(factorPlot.levels).toEqual(['1', '2', '3', '4']);
    expect(factorPlot.prob[1]![0]!).toBeGreaterThan(factorPlot.prob[1]![3]!); // rank 1 admits more than rank 4
    for (const x of factorPlot.points.x) expect(Math.abs(x - Math.round(x))).toBeLessThanOrEqual(0.3);
    expectBandsHoldCurves(factorPlot);
  });

  it('reports Newton iterations with the deviance as progress', async () => {
    const { load, fit, messages } = newEngine();
    await load(UCLA);
    const result = await fit({ response: 'admit', predictors: ['gre', 'gpa'], factors: [], parameterization: 'reference' });
    const steps = messages.filter((m) => m.type === 'progress' && m.requestId === result.requestId && m.phase === 'fit' && m.iteration !== undefined);
    expect(steps.length).toBeGreaterThanOrEqual(2 * 3);
    const logistic = steps.filter((m) => m.type === 'progress' && m.fit === 'logistic');
    const finalDeviance = logistic.at(-1)!.type === 'progress' ? (logistic.at(-1) as { deviance: number }).deviance : NaN;
    closeTo(finalDeviance, uclaFixture.expected.deviance, FIT_RTOL);
    const phases = messages.filter((m) => m.type === 'progress' && m.requestId === result.requestId).map((m) => (m as { phase: string }).phase);
    expect([...new Set(phases)]).toEqual(['design', 'fit', 'summary']);
  });
});

/** A CSV of y, x1, x2 from a fixture case. */
function caseCSV(X: number[][], y: number[]): string {
  return ['y,x1,x2', ...X.map((row, i) => `${y[i]},${row.join(',')}`)].join('\n');
}

describe('separation', () => {
  const complete = separatedFixture.cases[0]!;

  it('says the data are separated, offers Firth and ridge, and Firth gives brglm2\'s estimates', async () => {
    const { load, fit } = newEngine();
    await load(caseCSV(complete.X, complete.y));
    const model: ModelSpec = { response: 'y', predictors: ['x1', 'x2'], factors: [], parameterization: 'reference' };
    const plain = await fit(model);
    expect(plain.diagnostics.separation).not.toBeNull();
    expect(plain.diagnostics.separation!.message).toMatch(/separat/);
    expect(plain.diagnostics.separation!.remedies).toEqual(['firth', 'ridge']);
    expect(plain.stats.converged).toBe(false);

    const firth = await fit({ ...model, remedy: { kind: 'firth' } });
    expect(firth.diagnostics.separation).toBeNull();
    expect(firth.diagnostics.remedy).toEqual({ kind: 'firth' });
    firth.logistic!.rows.forEach((row, j) => {
      closeTo(row.estimate, complete.expected.coefficients[j]!, FIRTH_RTOL);
      closeTo(row.se, complete.expected.standardErrors[j]!, FIRTH_RTOL);
    });
    expect(firth.softmax).toBeNull();
    expect(firth.identity).toBeNull();
    expect(firth.stats.lrTest).toBeNull(); // not the maximum of the likelihood
    expect(firth.summary).toMatch(/Firth/);
    expectBandsHoldCurves(firth.plot!);

    const ridge = await fit({ ...model, remedy: { kind: 'ridge', lambda: 1 } });
    expect(ridge.stats.converged).toBe(true);
    expect(ridge.diagnostics.separation).toBeNull();
    for (const row of ridge.logistic!.rows) expect(Number.isFinite(row.estimate)).toBe(true);
    expect(ridge.stats.pseudoR2).toBeNull();
  });

  it('offers only ridge for three classes, and refuses Firth there', async () => {
    // Class by sign of x: completely separated into three groups.
    const rows = Array.from({ length: 30 }, (_, i) => { const x = i - 15 + 0.5; return `${x < -5 ? 'a' : x < 5 ? 'b' : 'c'},${x},${(i * 7) % 5}`; });
    const { load, fit, fitError } = newEngine();
    await load(['class,x,z', ...rows].join('\n'));
    const model: ModelSpec = { response: 'class', predictors: ['x', 'z'], factors: [], parameterization: 'reference' };
    const plain = await fit(model);
    expect(plain.diagnostics.separation!.remedies).toEqual(['ridge']);
    const ridge = await fit({ ...model, remedy: { kind: 'ridge', lambda: 1 } });
    expect(ridge.stats.converged).toBe(true);
    expect(ridge.softmax).not.toBeNull();
    const error = await fitError({ ...model, remedy: { kind: 'firth' } });
    expect(error.code).toBe('BAD_OPTION');
    expect(error.dataLoaded).toBe(true);
  });
});

describe('the default model and failed fits', () => {
  it('leaves out ID-like columns, and a collinear column is named (aliased) without ending the fit', async () => {
    const random = mulberry32(7);
    const rows = Array.from({ length: 403 }, (_, i) => {
      const a = Math.round(random() * 100) / 10;
      const b = Math.round(random() * 100) / 10;
      return `P${1000 + i},${i + 1},${random() < 0.5 ? 1 : 0},${a},${b},${(a + b).toFixed(1)},${i % 3 === 0 ? 'u' : 'v'}`;
    });
    const { load, fit } = newEngine();
    const loaded = await load(['person,row,y,a,b,total,g', ...rows].join('\n'));
    const info = new Map(loaded.columns.map((c) => [c.name, c]));
    expect(info.get('person')).toMatchObject({ kind: 'text', likelyId: true, nDistinct: 403, levels: expect.any(Array) });
    expect(info.get('row')).toMatchObject({ kind: 'numeric', likelyId: true, min: 1, max: 403, nonNegativeIntegers: true });
    expect(info.get('a')!.likelyId).toBe(false);
    expect(loaded.defaultModel).toMatchObject({ response: 'y', predictors: ['a', 'b', 'total', 'g'] });
    expect(loaded.defaultNote).toMatch(/person \(all values distinct: an ID\?\), row/);

    const result = await fit(loaded.defaultModel);
    expect(result.diagnostics.aliased).toEqual(['total']);
    expect(result.diagnostics.aliasedColumns).toEqual(['total']);
    const total = result.logistic!.rows.find((r) => r.term === 'total')!;
    expect(total.aliased).toBe(true);
    expect(Number.isNaN(total.estimate)).toBe(true);
    expect(result.summary).toMatch(/singularities/);
  });

  it('flags a numeric column with a stray word sorted past the listed levels, with its row and line', async () => {
    // 200 distinct gre values, "zzz" in data row 150 (line 151: the header is line 1).
    const rows = Array.from({ length: 200 }, (_, i) => `${i % 2},${i === 149 ? 'zzz' : 300 + 2 * i},${(2 + i / 100).toFixed(2)}`);
    const loaded = await newEngine().load(['admit,gre,gpa', ...rows].join('\n'));
    const gre = loaded.columns.find((c) => c.name === 'gre')!;
    expect(gre).toMatchObject({ kind: 'text', nDistinct: 200, strayText: { values: ['zzz'], rows: [150], lines: [151], count: 1, nDistinct: 1 } });
    expect(gre.levels).not.toContain('zzz');
    expect(loaded.columns.filter((c) => c.strayText !== undefined).map((c) => c.name)).toEqual(['gre']);
  });

  it('names the factor behind an aliased dummy', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${i % 2},${['p', 'q', 'r'][i % 3]},${['P', 'Q', 'R'][i % 3]},${(i * 0.37) % 5}`);
    const { load, fit } = newEngine();
    await load(['y,f,g,x', ...rows].join('\n'));
    const result = await fit({ response: 'y', predictors: ['f', 'g', 'x'], factors: [], parameterization: 'reference' });
    expect(result.diagnostics.aliased).toEqual(['gQ', 'gR']);
    expect(result.diagnostics.aliasedColumns).toEqual(['g']);
  });

  it('fits an intercept-only model (no plot) and counts rows dropped for a missing value', async () => {
    const { load, fit } = newEngine();
    await load('y,x\n0,1\n1,NA\n1,3\n0,\n1,5\n');
    const empty = await fit({ response: 'y', predictors: [], factors: [], parameterization: 'reference' });
    expect(empty.plot).toBeNull();
    expect(empty.logistic!.rows.map((r) => r.term)).toEqual(['(Intercept)']);
    closeTo(empty.logistic!.rows[0]!.estimate, Math.log(3 / 2), FIT_RTOL);
    const withX = await fit({ response: 'y', predictors: ['x'], factors: [], parameterization: 'reference' });
    expect(withX.diagnostics.droppedRows).toBe(2);
    expect(withX.stats.nObs).toBe(3);
  });

  it('applies Firth to a collinear design too (the aliased column named)', async () => {
    const complete = separatedFixture.cases[0]!;
    const { load, fit } = newEngine();
    await load(['y,x1,x2,twice', ...complete.X.map((row, i) => `${complete.y[i]},${row.join(',')},${2 * row[0]!}`)].join('\n'));
    const firth = await fit({ response: 'y', predictors: ['x1', 'x2', 'twice'], factors: [], parameterization: 'reference', remedy: { kind: 'firth' } });
    expect(firth.diagnostics.aliased).toEqual(['twice']);
    firth.logistic!.rows.slice(0, 3).forEach((row, j) => closeTo(row.estimate, complete.expected.coefficients[j]!, FIRTH_RTOL));
  });

  it('refuses a response with too many classes and a factor with too many levels, naming them', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => `${i % 2},${i % 60},P${i},${i % 3}`);
    const { load, fitError } = newEngine();
    await load(['y,many,person,z', ...rows].join('\n'));
    const classes = await fitError({ response: 'many', predictors: ['z'], factors: [], parameterization: 'reference' });
    expect(classes).toMatchObject({ code: 'BAD_RESPONSE', columns: ['many'], dataLoaded: true });
    const levels = await fitError({ response: 'y', predictors: ['z', 'person'], factors: [], parameterization: 'reference' });
    expect(levels).toMatchObject({ code: 'TOO_LARGE', columns: ['person'] });
    expect(levels.message).toMatch(/person \(1200 levels\)/);
  });

  it('keeps the data after a failed fit, so another model can be fitted', async () => {
    const { load, fit, fitError } = newEngine();
    await load(UCLA);
    const oneClass = await fitError({ response: 'admit', predictors: ['gre', 'nope'], factors: [], parameterization: 'reference' });
    expect(oneClass).toMatchObject({ code: 'UNKNOWN_COLUMN', phase: 'fit', dataLoaded: true, columns: ['nope'] });
    const badReference = await fitError({ response: 'admit', predictors: ['gre'], factors: [], parameterization: 'reference', referenceClass: '7' });
    expect(badReference.code).toBe('BAD_REFERENCE');
    const result = await fit({ response: 'admit', predictors: ['gre', 'gpa'], factors: [], parameterization: 'reference' });
    closeTo(result.stats.aic, uclaFixture.expected.aic, FIT_RTOL);
  });

  it('answers NO_DATA to a fit before any load, and keeps the old data after a failed load', async () => {
    const { engine, messages, load, fit, nextId } = newEngine();
    const id = nextId();
    await engine.handle({ type: 'fit', requestId: id, model: { response: 'y', predictors: [], factors: [], parameterization: 'reference' } });
    expect(messages.at(-1)).toMatchObject({ type: 'error', requestId: id, code: 'NO_DATA', dataLoaded: false });
    await load(UCLA);
    const bad = nextId();
    await engine.handle({ type: 'load', requestId: bad, source: { kind: 'text', text: 'a,b\n1,2,3\n', name: 'bad' } });
    expect(messages.at(-1)).toMatchObject({ type: 'error', requestId: bad, code: 'BAD_CSV', phase: 'load', dataLoaded: true });
    const result = await fit({ response: 'admit', predictors: ['gpa'], factors: [], parameterization: 'reference' });
    expect(result.stats.nObs).toBe(400);
  });
});

describe('cancel', () => {
  it('cancels the request in progress; a newer request cancels an older one; the data stay', async () => {
    const { engine, messages, load, fit, nextId } = newEngine();
    await load(UCLA);
    const model: ModelSpec = { response: 'admit', predictors: ['gre', 'gpa'], factors: [], parameterization: 'reference' };
    const first = nextId();
    const running = engine.handle({ type: 'fit', requestId: first, model });
    void engine.handle({ type: 'cancel' });
    await running;
    expect(messages.at(-1)).toEqual({ type: 'cancelled', requestId: first, phase: 'fit' });

    const older = nextId();
    const newer = nextId();
    void engine.handle({ type: 'fit', requestId: older, model });
    await engine.handle({ type: 'fit', requestId: newer, model: { ...model, predictors: ['gpa'] } });
    const answers = messages.filter((m) => m.type !== 'progress' && 'requestId' in m && m.requestId >= older).map((m) => [m.type, (m as { requestId: number }).requestId]);
    expect(answers).toEqual([['cancelled', older], ['result', newer]]);
    expect((await fit(model)).stats.nObs).toBe(400);
  });

  it('stops between the phases of a fit when the cancel arrives during a pause', async () => {
    const messages: WorkerToPage[] = [];
    let pauses = 0;
    let engine: Engine;
    // The cancel message arrives in the 3rd pause (after the design is built).
    engine = new Engine((m) => messages.push(m), async () => { if (++pauses === 3) void engine.handle({ type: 'cancel' }); });
    await engine.handle({ type: 'load', requestId: 1, source: { kind: 'text', text: UCLA, name: 'ucla' } });
    pauses = 0;
    await engine.handle({ type: 'fit', requestId: 2, model: { response: 'admit', predictors: ['gre'], factors: [], parameterization: 'reference' } });
    expect(messages.at(-1)).toEqual({ type: 'cancelled', requestId: 2, phase: 'fit' });
    expect(messages.some((m) => m.type === 'progress' && m.requestId === 2 && m.phase === 'design')).toBe(true);
  });
});

describe('a million rows', () => {
  it('samples at most 5 000 points reproducibly, and finds the range by loops', async () => {
    const n = 1_000_000;
    const random = mulberry32(42);
    const parts: string[] = ['y,x,z'];
    for (let i = 0; i < n; i++) {
      const x = i === 123_456 ? -7.25 : i === 987_654 ? 9.5 : Math.round((random() * 10 - 5) * 1000) / 1000;
      const z = Math.round(random() * 1000) / 1000;
      parts.push(`${random() < 1 / (1 + Math.exp(-x)) ? 1 : 0},${x},${z}`);
    }
    const { load, fit } = newEngine();
    const loaded = await load(parts.join('\n'));
    expect(loaded.nRows).toBe(n);
    const model: ModelSpec = { response: 'y', predictors: ['x', 'z'], factors: [], parameterization: 'reference' };
    const first = await fit(model);
    const plot = first.plot as NumericPlot;
    expect([plot.xMin, plot.xMax]).toEqual([-7.25, 9.5]);
    expect(plot.points.x).toHaveLength(MAX_PLOT_POINTS);
    expect(plot.points.nRowsTotal).toBe(n);
    for (const x of plot.points.x) expect(x >= -7.25 && x <= 9.5).toBe(true);
    expectBandsHoldCurves(plot);
    const again = (await fit(model)).plot as NumericPlot;
    expect(again.points.x).toEqual(plot.points.x);
    expect(again.points.y).toEqual(plot.points.y);
  }, 120_000);
});
