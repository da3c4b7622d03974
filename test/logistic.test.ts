// fitLogistic and LogisticFit (issue #2): every logistic fixture in test/fixtures/ through one
// shared checker (statsmodels' style), the UCLA numbers of the issue, bad input, the options, the
// fields of the result, and the edge cases (|eta| > 700, zero and huge weights, many fits).
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fitLogistic, init, LogisticFit, Matrix, SoftlogitError, type LogisticOptions } from '../src/index.js';
import { getRuntime, type SoftlogitRuntime } from '../src/wasm/module.js';
import { fixtureResponse, logisticFixture, logisticFixtures, type LogisticFixture } from './helpers/fixtures.js';
import {
  drawBinary, fitReference, randomDesign, referenceEvaluate, relativeError, withIntercept,
} from './helpers/reference.js';
import { mulberry32 } from './helpers/random.js';
import { R_SUMMARIES } from './helpers/rSummaries.js';
import {
  ARITHMETIC_RTOL, EPS, FIXTURE_TOLERANCES, R_GLM_RTOL, SAME_FIT_RTOL, SCALED_SCORE_AT_OPTIMUM,
} from './helpers/tolerances.js';

let runtime: SoftlogitRuntime;

beforeAll(async () => {
  await init();
  runtime = getRuntime('logistic.test');
});

// Every fit, failed or not, returns all the WebAssembly memory it took.
afterEach(() => {
  expect(runtime.heap.allocatedBytes).toBe(0);
});

/** fitLogistic on a fixture, with the options its reference used. */
function fitFixture(f: LogisticFixture, extra: LogisticOptions = {}) {
  const options: LogisticOptions = { names: f.featureNames, intercept: f.intercept, ...extra };
  if (f.weights) options.weights = f.weights;
  return fitLogistic(f.X, fixtureResponse(f), options);
}

function expectRelative(actual: number, expected: number, rtol: number, what: string): void {
  const error = relativeError(actual, expected);
  if (!(error <= rtol)) throw new Error(`${what}: ${actual} vs ${expected} (relative error ${error.toExponential(2)} > ${rtol})`);
}

function expectAllRelative(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectRelative(actual[i]!, expected[i]!, rtol, `${what}[${i}]`);
}

const ucla = logisticFixture('ucla-admissions');
const uclaOptions = { names: ['gre', 'gpa'] };
const uclaFit = () => fitLogistic(ucla.X, ucla.y!, uclaOptions);

describe('reference fixtures (one shared checker)', () => {
  const fixtures = logisticFixtures();

  it('finds the UCLA fixture and at least four others', () => {
    expect(fixtures.map((f) => f.name)).toContain('ucla-admissions');
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', (name, f) => {
    const tol = name === 'ucla-admissions' ? FIXTURE_TOLERANCES.ucla : FIXTURE_TOLERANCES.default;
    const e = f.expected;
    const fit = fitFixture(f);
    expect(fit.converged).toBe(true);
    expect(fit.warnings).toEqual([]);
    expect([...fit.names]).toEqual(e.names);
    expectAllRelative(fit.coefficients, e.coefficients, tol.coefficients, 'coefficients');
    expectAllRelative(fit.standardErrors, e.standardErrors, tol.standardErrors, 'standard errors');
    const p = e.names.length;
    const cov = fit.covariance;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        // covariances relative to the product of the two standard errors (SE tolerance, doubled)
        const scale = Math.sqrt(e.covariance[i]![i]! * e.covariance[j]![j]!);
        expect(Math.abs(cov.get(i, j) - e.covariance[i]![j]!)).toBeLessThanOrEqual(2 * tol.standardErrors * scale);
      }
    }
    expectRelative(fit.deviance, e.deviance, tol.deviance, 'deviance');
    expectRelative(fit.nullDeviance, e.nullDeviance, tol.deviance, 'null deviance');
    expectRelative(fit.aic, e.aic, tol.deviance, 'AIC');
    expectRelative(fit.logLik, e.logLik, tol.deviance, 'logLik');
    if (e.bic !== undefined) expectRelative(fit.bic, e.bic, tol.deviance, 'BIC');
    expect(fit.dfResidual).toBe(e.dfResidual);
    expect(fit.dfNull).toBe(e.dfNull);
    expect(fit.nObs).toBe(e.nObs);
  });

  it.each(fixtures.filter((f) => R_SUMMARIES[f.name]).map((f) => [f.name, f] as const))('%s: summary() prints R summary.glm lines', (name, f) => {
    const ours = fitFixture(f).summary().split('\n');
    const theirs = R_SUMMARIES[name]!.split('\n');
    const start = ours.indexOf('Coefficients:');
    const block = ours.slice(start, start + theirs.length);
    // R's AIC for non-integer weights rounds them inside dbinom; ours is the exact weighted AIC (see the fixture).
    const compared = name === 'birthwt-weighted' ? theirs.length - 1 : theirs.length;
    expect(block.slice(0, compared)).toEqual(theirs.slice(0, compared));
  });
});

describe('UCLA admit ~ gre + gpa (issue #2)', () => {
  // R 4.2.2 glm(admit ~ gre + gpa, binomial, control = glm.control(epsilon = 1e-14)), as printed in the issue.
  const R = {
    coefficients: [-4.949378062622546, 0.002690683595964, 0.754686855962933],
    standardErrors: [1.075093072022116, 0.001057491187184, 0.319585632888138],
    nullDeviance: 499.9765175549,
    deviance: 480.3439816848,
    aic: 486.3439816848,
  };

  it('reproduces coefficients and SEs to 1e-10, deviances and AIC to 1e-12 relative', () => {
    const fit = uclaFit();
    expectAllRelative(fit.coefficients, R.coefficients, FIXTURE_TOLERANCES.ucla.coefficients, 'coefficients');
    expectAllRelative(fit.standardErrors, R.standardErrors, FIXTURE_TOLERANCES.ucla.standardErrors, 'SEs');
    expectRelative(fit.deviance, R.deviance, FIXTURE_TOLERANCES.ucla.deviance, 'deviance');
    expectRelative(fit.nullDeviance, R.nullDeviance, FIXTURE_TOLERANCES.ucla.deviance, 'null deviance');
    expectRelative(fit.aic, R.aic, FIXTURE_TOLERANCES.ucla.deviance, 'AIC');
  });

  it('has the fields of R summary.glm: z, p, df, nObs, logLik, BIC, iterations', () => {
    const fit = uclaFit();
    // R prints z to 3 decimals and p to 3 significant digits.
    expect(Array.from(fit.zValues, (z) => Number(z.toFixed(3)))).toEqual([-4.604, 2.544, 2.361]);
    expect(Array.from(fit.pValues, (p) => Number(p.toPrecision(3)))).toEqual([4.15e-6, 0.0109, 0.0182]);
    expectAllRelative(fit.zValues, Array.from(fit.coefficients, (b, j) => b / fit.standardErrors[j]!), EPS, 'z = b / se');
    expect(fit.dfResidual).toBe(397);
    expect(fit.dfNull).toBe(399);
    expect(fit.nObs).toBe(400);
    // R: logLik(fit) = -240.1719908424144 (df = 3), BIC(fit) = 498.31837532615276
    expectRelative(fit.logLik, -240.1719908424144, FIXTURE_TOLERANCES.ucla.deviance, 'logLik');
    expectRelative(fit.bic, 498.31837532615276, FIXTURE_TOLERANCES.ucla.deviance, 'BIC');
    expectRelative(fit.aic, -2 * fit.logLik + 2 * 3, EPS, 'AIC = -2 logLik + 2p');
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeGreaterThanOrEqual(3);
    expect(fit.iterations).toBeLessThanOrEqual(8);
    expect(fit.intercept).toBe(true);
    expect(fit.l2).toBe(0);
    expect([...fit.names]).toEqual(['(Intercept)', 'gre', 'gpa']);
  });

  it('stops with the score Xᵀ(y − p) at rounding level', () => {
    const fit = uclaFit();
    const ev = referenceEvaluate(withIntercept(ucla.X), Array.from(fit.coefficients), ucla.y!, ucla.y!.map(() => 1));
    for (let j = 0; j < 3; j++) expect(Math.abs(ev.score[j]!) / ev.scoreMagnitude[j]!).toBeLessThanOrEqual(SCALED_SCORE_AT_OPTIMUM);
  });

  it('covariance is symmetric, matches the fixture and gives the SEs', () => {
    const fit = uclaFit();
    const cov = fit.covariance;
    expect(cov.rows).toBe(3);
    expect(cov.cols).toBe(3);
    for (let i = 0; i < 3; i++) {
      expect(Math.sqrt(cov.get(i, i))).toBe(fit.standardErrors[i]);
      for (let j = 0; j < 3; j++) expect(cov.get(i, j)).toBe(cov.get(j, i));
    }
  });

  it('confint(level) is the Wald interval β ± z·se (R confint.default)', () => {
    const fit = uclaFit();
    const b = fit.coefficients;
    const se = fit.standardErrors;
    const ci = fit.confint();
    for (let j = 0; j < 3; j++) {
      // β ± q·se cancels when q·se ≈ |β|: compare to rounding of the two terms' size.
      const scale = Math.abs(b[j]!) + 1.959963984540054 * se[j]!;
      expect(Math.abs(ci.get(j, 0) - (b[j]! - 1.959963984540054 * se[j]!))).toBeLessThanOrEqual(ARITHMETIC_RTOL * scale);
      expect(Math.abs(ci.get(j, 1) - (b[j]! + 1.959963984540054 * se[j]!))).toBeLessThanOrEqual(ARITHMETIC_RTOL * scale);
    }
    // R: confint.default(fit) and confint.default(fit, level = 0.9), column-major (lower, then upper)
    const r95 = [-7.0565217638144198, 0.00061803895511469134, 0.12831052552574274, -2.8422343614306715, 0.0047633282368139563, 1.3810631864001239];
    const r90 = [-6.7177488014485247, 0.000951265381255093, 0.22901526858529697, -3.1810073237965679, 0.0044301018106735531, 1.2803584433405693];
    const ci90 = fit.confint(0.9);
    for (let j = 0; j < 3; j++) {
      expectRelative(ci.get(j, 0), r95[j]!, R_GLM_RTOL, 'R lower 95%');
      expectRelative(ci.get(j, 1), r95[j + 3]!, R_GLM_RTOL, 'R upper 95%');
      expectRelative(ci90.get(j, 0), r90[j]!, R_GLM_RTOL, 'R lower 90%');
      expectRelative(ci90.get(j, 1), r90[j + 3]!, R_GLM_RTOL, 'R upper 90%');
    }
    for (const bad of [0, 1, -0.5, 95, Number.NaN]) expect(() => fit.confint(bad)).toThrow(SoftlogitError);
  });

  it("predict: 'response', 'link' and 'class' (R predict.glm)", () => {
    const fit = uclaFit();
    const rows = [[800, 4], [200, 2], [580, 3.4]];
    // R: predict(fit, data.frame(gre = c(800, 200, 580), gpa = c(4, 2, 3.4)), type = "response" / "link")
    expectAllRelative(fit.predict(rows), [0.55525249460533066, 0.052061316570635674, 0.30515981071902465], R_GLM_RTOL, 'response');
    expectAllRelative(fit.predict(rows, { type: 'link' }), [0.22191623800064653, -2.9018676315038139, -0.82284626668926464], R_GLM_RTOL, 'link');
    expect(Array.from(fit.predict(rows, { type: 'class' }))).toEqual([1, 0, 0]);
    expectAllRelative(fit.predict(rows, { type: 'response' }), fit.predict(rows), 0, 'default type');
    // offset adds to the link
    expectAllRelative(fit.predict(rows, { type: 'link', offset: [1, 1, 1] }), Array.from(fit.predict(rows, { type: 'link' }), (v) => v + 1), ARITHMETIC_RTOL, 'offset');
    expect(() => fit.predict([[1, 2, 3]])).toThrow(/X should have 2 columns \(gre, gpa\), got 3/);
    expect(() => fit.predict(rows, { type: 'odds' as never })).toThrow(SoftlogitError);
  });

  it('summary() is laid out like R summary.glm', () => {
    const text = uclaFit().summary();
    expect(text).toContain(R_SUMMARIES['ucla-admissions']);
    expect(text).toContain('    Null deviance: 499.98  on 399  degrees of freedom');
    expect(text).toContain('Residual deviance: 480.34  on 397  degrees of freedom');
    expect(text).toContain('AIC: 486.34');
    expect(text).toContain('(Intercept) -4.949378   1.075093  -4.604 4.15e-06 ***');
    expect(text).toMatch(/Number of Newton iterations: \d+$/);
  });
});

describe('toJSON and LogisticFit.fromJSON', () => {
  it('restore a model whose predictions, fields and summary are identical', () => {
    const fit = uclaFit();
    const text = JSON.stringify(fit);
    const rows = randomDesign(mulberry32(1), 50, 2, [100, 0.4], [580, 3.4]);
    for (const restored of [LogisticFit.fromJSON(text), LogisticFit.fromJSON(JSON.parse(text)), LogisticFit.fromJSON(fit.toJSON())]) {
      for (const type of ['response', 'link', 'class'] as const) expect(restored.predict(rows, { type })).toEqual(fit.predict(rows, { type }));
      expect(restored.coefficients).toEqual(fit.coefficients);
      expect(restored.covariance).toEqual(fit.covariance);
      expect(restored.summary()).toBe(fit.summary());
      expect(restored.toJSON()).toEqual(fit.toJSON());
    }
    expect(fit.toJSON()).toMatchObject({ format: 'softlogit-model', version: 1, model: 'logistic' });
  });

  it('reject what is not a softlogit logistic model with BAD_MODEL', () => {
    const good = uclaFit().toJSON();
    const bad: unknown[] = ['not json', '{}', {}, null, { ...good, model: 'softmax' }, { ...good, coefficients: [1, 2] }, { ...good, covariance: [1] }];
    for (const b of bad) {
      try {
        LogisticFit.fromJSON(b as never);
        throw new Error(`accepted ${JSON.stringify(b)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(SoftlogitError);
        expect((error as SoftlogitError).code).toBe('BAD_MODEL');
        expect((error as SoftlogitError).message).toMatch(/^LogisticFit\.fromJSON: /);
      }
    }
  });
});

describe('immutability', () => {
  it('assigning to a field throws (strict mode); arrays handed out are copies', () => {
    const fit = uclaFit();
    const before = fit.toJSON();
    expect(() => { (fit as { deviance: number }).deviance = 0; }).toThrow(TypeError);
    expect(() => { (fit as { converged: boolean }).converged = false; }).toThrow(TypeError);
    expect(() => { (fit.names as string[])[0] = 'x'; }).toThrow(TypeError);
    expect(() => { (fit.warnings as string[]).push('x'); }).toThrow(TypeError);
    fit.coefficients[0] = 99;
    fit.standardErrors[0] = 99;
    fit.zValues[0] = 99;
    fit.pValues[0] = 99;
    fit.covariance.data[0] = 99;
    fit.confint().data[0] = 99;
    fit.toJSON().coefficients[0] = 99;
    expect(fit.toJSON()).toEqual(before);
  });
});

describe('input forms give identical fits', () => {
  const X = ucla.X;
  const n = X.length;
  const flat = X.flat();

  it('number[][], { data: Float64Array | number[], nRows, nFeatures } and Matrix', () => {
    const reference = uclaFit().toJSON();
    const forms = [
      { data: Float64Array.from(flat), nRows: n, nFeatures: 2 },
      { data: flat, nRows: n, nFeatures: 2 },
      new Matrix(n, 2, Float64Array.from(flat)),
      Matrix.fromArray(X),
      X.map((row) => Float64Array.from(row)),
    ];
    for (const form of forms) expect(fitLogistic(form, ucla.y!, uclaOptions).toJSON()).toEqual(reference);
  });

  it('y as booleans, as a Float64Array, and as { successes, failures } with one trial per row', () => {
    const reference = uclaFit().toJSON();
    expect(fitLogistic(X, ucla.y!.map((v) => v === 1), uclaOptions).toJSON()).toEqual(reference);
    expect(fitLogistic(X, Float64Array.from(ucla.y!), uclaOptions).toJSON()).toEqual(reference);
    expect(fitLogistic(X, Uint8Array.from(ucla.y!), uclaOptions).toJSON()).toEqual(reference);
    // −0 is a 0 (the typed-array loop stores it as +0, as the general one does)
    expect(fitLogistic(X, Float64Array.from(ucla.y!, (v) => (v === 0 ? -0 : v)), uclaOptions).toJSON()).toEqual(reference);
    const counts = fitLogistic(X, { successes: ucla.y!, failures: ucla.y!.map((v) => 1 - v) }, uclaOptions);
    expectAllRelative(counts.coefficients, reference.coefficients, SAME_FIT_RTOL, 'coefficients');
    expectRelative(counts.deviance, reference.deviance, SAME_FIT_RTOL, 'deviance'); // log C(1, ·) = 0
  });
});

describe('counts response { successes, failures } vs the expanded 0/1 data with weights', () => {
  const budworm = logisticFixture('budworm-counts');
  const s = budworm.successes!;
  const f = budworm.failures!;
  const expandedX = [...budworm.X, ...budworm.X];
  const expandedY = [...s.map(() => 1), ...f.map(() => 0)];
  const expandedW = [...s, ...f];

  it('equal coefficients and SEs; deviance, logLik, AIC and df as R reports for each form', () => {
    const grouped = fitFixture(budworm);
    const expanded = fitLogistic(expandedX, expandedY, { names: budworm.featureNames, weights: expandedW });
    expectAllRelative(expanded.coefficients, grouped.coefficients, SAME_FIT_RTOL, 'coefficients');
    expectAllRelative(expanded.standardErrors, grouped.standardErrors, SAME_FIT_RTOL, 'SEs');
    // R 4.2.2, glm(y ~ sex * ldose, binomial, weights = w) on the expanded budworm rows:
    // deviance 211.47751289071877, null 331.35937818750619, AIC 219.47751289071877, df 18 / 21,
    // logLik -105.73875644535939 (the grouped fit: 4.9937, 124.88, 43.104, 8 / 11, -17.552).
    expectRelative(expanded.deviance, 211.47751289071877, R_GLM_RTOL, 'expanded deviance');
    expectRelative(expanded.nullDeviance, 331.35937818750619, R_GLM_RTOL, 'expanded null deviance');
    expectRelative(expanded.aic, 219.47751289071877, R_GLM_RTOL, 'expanded AIC');
    expectRelative(expanded.logLik, -105.73875644535939, R_GLM_RTOL, 'expanded logLik');
    expect([expanded.dfResidual, expanded.dfNull, expanded.nObs]).toEqual([18, 21, 22]); // two rows have weight 0
    // The forms differ by constants only: the saturated log-likelihood and the binomial coefficients.
    let saturated = 0;
    let logChooseSum = 0;
    s.forEach((si, i) => {
      const fi = f[i]!;
      const m = si + fi;
      if (si > 0) saturated += si * Math.log(si / m);
      if (fi > 0) saturated += fi * Math.log(fi / m);
      for (let k = 1; k <= si; k++) logChooseSum += Math.log((m - si + k) / k);
    });
    expectRelative(expanded.deviance - grouped.deviance, -2 * saturated, SAME_FIT_RTOL, 'deviance difference');
    expectRelative(grouped.logLik - expanded.logLik, logChooseSum, SAME_FIT_RTOL, 'logLik difference');
  });
});

describe('options', () => {
  it('intercept: false fits through the origin (R glm(admit ~ 0 + gre + gpa))', () => {
    const fit = fitLogistic(ucla.X, ucla.y!, { ...uclaOptions, intercept: false });
    expect([...fit.names]).toEqual(['gre', 'gpa']);
    // R 4.2.2 (epsilon 1e-14, refit from its own solution)
    expectAllRelative(fit.coefficients, [0.001562269574368958, -0.48225562764285873], R_GLM_RTOL, 'coefficients');
    expectAllRelative(fit.standardErrors, [0.00098721851086727859, 0.17522683642597434], R_GLM_RTOL, 'SEs');
    expectRelative(fit.deviance, 503.55843683541138, R_GLM_RTOL, 'deviance');
    expectRelative(fit.nullDeviance, 554.51774444795626, R_GLM_RTOL, 'null deviance (eta = 0)');
    expectRelative(fit.aic, 507.55843683541138, R_GLM_RTOL, 'AIC');
    expect([fit.dfResidual, fit.dfNull]).toEqual([398, 400]);
    expect(fit.predict([[0, 0]], { type: 'link' })[0]).toBe(0);
  });

  it('intercept: false with an explicit column of ones equals the intercept model (but for the null model)', () => {
    const withOnes = fitLogistic(withIntercept(ucla.X), ucla.y!, { intercept: false, names: ['one', 'gre', 'gpa'] });
    const fit = uclaFit();
    expectAllRelative(withOnes.coefficients, fit.coefficients, SAME_FIT_RTOL, 'coefficients');
    expectAllRelative(withOnes.standardErrors, fit.standardErrors, SAME_FIT_RTOL, 'SEs');
    expectRelative(withOnes.deviance, fit.deviance, SAME_FIT_RTOL, 'deviance');
    expectRelative(withOnes.nullDeviance, 2 * 400 * Math.log(2), SAME_FIT_RTOL, 'null deviance of eta = 0');
  });

  it('names label the coefficients; the default names are x1, x2, …', () => {
    expect([...fitLogistic(ucla.X, ucla.y!).names]).toEqual(['(Intercept)', 'x1', 'x2']);
    expect([...fitLogistic(ucla.X, ucla.y!, { names: ['a', 'b'], intercept: false }).names]).toEqual(['a', 'b']);
  });

  it('weights: zero-weight rows count for nothing (fit, nObs, df, BIC equal the fit without them)', () => {
    const rand = mulberry32(7);
    const keep = ucla.X.map(() => rand() < 0.6);
    const weights = keep.map((k) => (k ? 1 : 0));
    const zeroed = fitLogistic(ucla.X, ucla.y!, { ...uclaOptions, weights });
    const dropped = fitLogistic(ucla.X.filter((_, i) => keep[i]), ucla.y!.filter((_, i) => keep[i]), uclaOptions);
    expectAllRelative(zeroed.coefficients, dropped.coefficients, SAME_FIT_RTOL, 'coefficients');
    expectAllRelative(zeroed.standardErrors, dropped.standardErrors, SAME_FIT_RTOL, 'SEs');
    for (const key of ['deviance', 'nullDeviance', 'aic', 'bic', 'logLik'] as const) expectRelative(zeroed[key], dropped[key], SAME_FIT_RTOL, key);
    expect([zeroed.nObs, zeroed.dfResidual, zeroed.dfNull]).toEqual([dropped.nObs, dropped.dfResidual, dropped.dfNull]);
    expect(zeroed.nObs).toBe(keep.filter(Boolean).length);
  });

  it('weights: integer weights equal repeated rows', () => {
    const weights = ucla.X.map((_, i) => 1 + (i % 3));
    const weighted = fitLogistic(ucla.X, ucla.y!, { ...uclaOptions, weights });
    const repeatedX = ucla.X.flatMap((row, i) => Array.from({ length: weights[i]! }, () => row));
    const repeatedY = ucla.y!.flatMap((v, i) => Array.from({ length: weights[i]! }, () => v));
    const repeated = fitLogistic(repeatedX, repeatedY, uclaOptions);
    expectAllRelative(weighted.coefficients, repeated.coefficients, SAME_FIT_RTOL, 'coefficients');
    expectAllRelative(weighted.standardErrors, repeated.standardErrors, SAME_FIT_RTOL, 'SEs');
    expectRelative(weighted.deviance, repeated.deviance, SAME_FIT_RTOL, 'deviance');
  });

  it('offset = c·gpa lowers the gpa coefficient by c (R glm(..., offset = 0.5 * gpa))', () => {
    const c = 0.5;
    const fit = uclaFit();
    const withOffset = fitLogistic(ucla.X, ucla.y!, { ...uclaOptions, offset: ucla.X.map((row) => c * row[1]!) });
    expectRelative(withOffset.coefficients[2]!, fit.coefficients[2]! - c, SAME_FIT_RTOL, 'gpa');
    expectRelative(withOffset.coefficients[0]!, fit.coefficients[0]!, SAME_FIT_RTOL, 'intercept');
    expectRelative(withOffset.coefficients[1]!, fit.coefficients[1]!, SAME_FIT_RTOL, 'gre');
    expectAllRelative(withOffset.standardErrors, fit.standardErrors, SAME_FIT_RTOL, 'SEs');
    expectRelative(withOffset.deviance, fit.deviance, SAME_FIT_RTOL, 'deviance');
    // R 4.2.2: the null model keeps the offset: null deviance 490.46909403834388
    expectRelative(withOffset.nullDeviance, 490.46909403834388, R_GLM_RTOL, 'null deviance');
    expectRelative(withOffset.aic, 486.3439816848288, R_GLM_RTOL, 'AIC');
  });

  it('tol: a loose tolerance still ends at the MLE (the polish steps), in no more iterations', () => {
    const fit = uclaFit();
    const loose = fitLogistic(ucla.X, ucla.y!, { ...uclaOptions, tol: 1e-3 });
    expect(loose.converged).toBe(true);
    expect(loose.iterations).toBeLessThanOrEqual(fit.iterations);
    expectAllRelative(loose.coefficients, fit.coefficients, SAME_FIT_RTOL, 'coefficients');
  });

  it('onIteration reports each iteration with a decreasing deviance ending at the fit’s', () => {
    const progress: { iteration: number; deviance: number; stepSize: number }[] = [];
    const fit = fitLogistic(ucla.X, ucla.y!, { ...uclaOptions, onIteration: (p) => progress.push(p) });
    expect(progress.map((p) => p.iteration)).toEqual(Array.from({ length: fit.iterations }, (_, k) => k + 1));
    for (let k = 1; k < progress.length; k++) expect(progress[k]!.deviance).toBeLessThanOrEqual(progress[k - 1]!.deviance);
    expect(progress.at(-1)!.deviance).toBeGreaterThanOrEqual(fit.deviance * (1 - SAME_FIT_RTOL));
    expect(progress[0]!.deviance).toBeLessThan(fit.nullDeviance);
  });

  it('l2: ridge on every coefficient but the intercept; the penalized score equation holds', () => {
    const l2 = 3;
    const X = ucla.X.map(([gre, gpa]) => [(gre! - 580) / 100, gpa! - 3.4]);
    const fit = fitLogistic(X, ucla.y!, { names: ['gre', 'gpa'], l2 });
    expect(fit.l2).toBe(l2);
    const full = withIntercept(X);
    const ev = referenceEvaluate(full, Array.from(fit.coefficients), ucla.y!, ucla.y!.map(() => 1));
    // score_0 = 0 (intercept not penalized), score_j = l2·β_j otherwise
    expect(Math.abs(ev.score[0]!)).toBeLessThanOrEqual(SCALED_SCORE_AT_OPTIMUM * ev.scoreMagnitude[0]!);
    for (const j of [1, 2]) expect(Math.abs(ev.score[j]! - l2 * fit.coefficients[j]!)).toBeLessThanOrEqual(SCALED_SCORE_AT_OPTIMUM * ev.scoreMagnitude[j]!);
    const ref = fitReference(full, ucla.y!, ucla.y!.map(() => 1), { l2, penalized: [false, true, true] });
    expectAllRelative(fit.coefficients, ref.coefficients, SAME_FIT_RTOL, 'coefficients vs reference');
    // covariance: the inverse Hessian of the penalized objective
    expectAllRelative(fit.covariance.data, ref.covariance.flat(), SAME_FIT_RTOL, 'covariance vs reference');
    // shrinks the penalized part toward 0 (its norm, not necessarily each coefficient)
    const ml = fitLogistic(X, ucla.y!, { names: ['gre', 'gpa'] });
    const norm = (b: Float64Array) => Math.hypot(b[1]!, b[2]!);
    expect(norm(fit.coefficients)).toBeLessThan(norm(ml.coefficients));
    expect(fit.summary()).toMatch(/Ridge penalty l2 = 3 \(intercept not penalized\)/);
  });

  it('l2 > 0 fits more coefficients than rows', () => {
    const fit = fitLogistic([[1, 2, 3], [2, 1, 0], [0, 1, 1]], [1, 0, 1], { l2: 1 });
    expect(fit.converged).toBe(true);
    expect(Array.from(fit.coefficients).every(Number.isFinite)).toBe(true);
  });

  it('rejects bad option values with BAD_OPTION', () => {
    const bad: LogisticOptions[] = [
      { maxIter: -1 }, { maxIter: 1.5 }, { tol: 0 }, { tol: Number.NaN }, { l2: -1 }, { l2: Infinity },
      { intercept: 'yes' as never },
    ];
    for (const options of bad) expectError(() => fitLogistic(ucla.X, ucla.y!, options), 'BAD_OPTION', /option/);
  });
});

/**
 * Expects fn to throw a SoftlogitError with `code` whose message starts with `prefix` and matches
 * `message`, and to leave the WebAssembly heap as it found it.
 */
function expectError(fn: () => unknown, code: string, message: RegExp, prefix = /^fitLogistic: /): void {
  const before = runtime.heap.allocatedBytes;
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof SoftlogitError)) throw new Error(`expected SoftlogitError ${code}, got ${String(thrown)}`);
  expect(thrown.code).toBe(code);
  expect(thrown.message).toMatch(prefix);
  expect(thrown.message).toMatch(message);
  expect(runtime.heap.allocatedBytes).toBe(before);
}

describe('bad input: a SoftlogitError with the right code and a message saying what was expected and what came', () => {
  const X = [[1, 2], [2, 1], [3, 5], [4, 3], [5, 4]];
  const y = [0, 1, 0, 1, 1];
  const cases: [string, () => unknown, string, RegExp][] = [
    ['X empty', () => fitLogistic([], []), 'EMPTY_INPUT', /X has no rows/],
    ['X empty (shaped)', () => fitLogistic({ data: new Float64Array(0), nRows: 0, nFeatures: 2 }, []), 'EMPTY_INPUT', /X has no rows/],
    ['y empty', () => fitLogistic(X, []), 'EMPTY_INPUT', /y has no values; expected one per row of X \(5\)/],
    ['counts empty', () => fitLogistic(X, { successes: [], failures: [] }), 'EMPTY_INPUT', /y has no values/],
    ['ragged rows', () => fitLogistic([[1, 2], [3], [4, 5]], [0, 1, 0]), 'RAGGED_ROWS', /should have 2 values \(as row 0\), row 1 has 1 values/],
    ['ragged rows, too few rows as well', () => fitLogistic([[1, 2, 3], [3]], [0, 1]), 'RAGGED_ROWS', /row 1 has 1 values/],
    ['a row that is not an array', () => fitLogistic([[1], null as never, [2]], [0, 1, 0]), 'RAGGED_ROWS', /row 1 has null/],
    ['shaped data of the wrong length', () => fitLogistic({ data: [1, 2, 3], nRows: 2, nFeatures: 2 }, [0, 1]), 'BAD_SHAPE', /should hold nRows \* nFeatures = 2 \* 2 = 4 values, got 3/],
    ['y shorter than X', () => fitLogistic(X, [0, 1, 0, 1]), 'LENGTH_MISMATCH', /y should have one value per row of X \(5\), got 4/],
    ['y longer than X', () => fitLogistic(X, [0, 1, 0, 1, 1, 0]), 'LENGTH_MISMATCH', /\(5\), got 6/],
    ['successes length', () => fitLogistic(X, { successes: [1, 1], failures: [1, 1, 1, 1, 1] }), 'LENGTH_MISMATCH', /y\.successes should have one value per row of X \(5\), got 2/],
    ['failures length', () => fitLogistic(X, { successes: [1, 1, 1, 1, 1], failures: [1] }), 'LENGTH_MISMATCH', /y\.failures .*\(5\), got 1/],
    ['weights length', () => fitLogistic(X, y, { weights: [1, 1] }), 'LENGTH_MISMATCH', /weights should have one value per row of X \(5\), got 2/],
    ['offset length', () => fitLogistic(X, y, { offset: [0, 0, 0, 0, 0, 0] }), 'LENGTH_MISMATCH', /offset should have one value per row of X \(5\), got 6/],
    ['names length', () => fitLogistic(X, y, { names: ['a'] }), 'LENGTH_MISMATCH', /names should have one name per column of X \(2\), got 1/],
    ['NaN in X', () => fitLogistic([[1, 2], [Number.NaN, 1], [3, 5], [4, 3]], [0, 1, 0, 1]), 'NON_FINITE', /X must hold finite numbers, got NaN at row 1, column 0/],
    ['Infinity in X', () => fitLogistic([[1, 2], [2, 1], [3, Infinity], [4, 3]], [0, 1, 0, 1], { names: ['a', 'b'] }), 'NON_FINITE', /got Infinity at row 2, column 1 \('b'\)/],
    ['-Infinity in X (shaped, second panel)', () => fitLogistic({ data: Float64Array.from({ length: 600 }, (_, k) => (k === 555 ? -Infinity : k % 7)), nRows: 300, nFeatures: 2 }, Array.from({ length: 300 }, (_, i) => i % 2)), 'NON_FINITE', /got -Infinity at row 277, column 1/],
    ['NaN in y', () => fitLogistic(X, [0, 1, Number.NaN, 1, 1]), 'NON_FINITE', /y must be 0\/1 or true\/false, got NaN at row 2/],
    ['Infinity in y', () => fitLogistic(X, [0, 1, 0, -Infinity, 1]), 'NON_FINITE', /got -Infinity at row 3/],
    ['NaN in weights', () => fitLogistic(X, y, { weights: [1, Number.NaN, 1, 1, 1] }), 'BAD_WEIGHTS', /weights must be finite numbers, got NaN at row 1/],
    ['Infinity in weights', () => fitLogistic(X, y, { weights: [1, 1, 1, 1, Infinity] }), 'BAD_WEIGHTS', /got Infinity at row 4/],
    ['negative weight', () => fitLogistic(X, y, { weights: [1, 1, -2, 1, 1] }), 'BAD_WEIGHTS', /weights must be ≥ 0, got -2 at row 2/],
    ['NaN in offset', () => fitLogistic(X, y, { offset: [0, 0, 0, Number.NaN, 0] }), 'NON_FINITE', /offset must be finite numbers, got NaN at row 3/],
    ['Infinity in offset', () => fitLogistic(X, y, { offset: [Infinity, 0, 0, 0, 0] }), 'NON_FINITE', /got Infinity at row 0/],
    ['y = 2', () => fitLogistic(X, [0, 1, 2, 1, 0]), 'BAD_RESPONSE', /y must be 0\/1 or true\/false, got 2 at row 2; for counts pass \{ successes, failures \}/],
    ['y = 0.5', () => fitLogistic(X, [0, 0.5, 0, 1, 0]), 'BAD_RESPONSE', /got 0\.5 at row 1/],
    ["y = '1'", () => fitLogistic(X, [0, '1' as never, 0, 1, 0]), 'BAD_RESPONSE', /got '1' \(string\) at row 1/],
    ['y = null', () => fitLogistic(X, [0, null as never, 0, 1, 0]), 'BAD_RESPONSE', /got null at row 1/],
    ['negative count', () => fitLogistic(X, { successes: [1, 2, -1, 0, 1], failures: [1, 1, 1, 1, 1] }), 'BAD_COUNTS', /successes and failures must be finite numbers ≥ 0, got -1 and 1 at row 2/],
    ['NaN count', () => fitLogistic(X, { successes: [1, 2, 1, 0, 1], failures: [1, Number.NaN, 1, 1, 1] }), 'BAD_COUNTS', /got 2 and NaN at row 1/],
    ['infinite count', () => fitLogistic(X, { successes: [1, 2, 1, Infinity, 1], failures: [1, 1, 1, 1, 1] }), 'BAD_COUNTS', /got Infinity and 1 at row 3/],
    ['y = 2 (typed array)', () => fitLogistic(X, Float64Array.of(0, 1, 2, 1, 0)), 'BAD_RESPONSE', /y must be 0\/1 or true\/false, got 2 at row 2; for counts pass \{ successes, failures \}/],
    ['NaN in y (typed array)', () => fitLogistic(X, Float64Array.of(0, 1, 0, 1, Number.NaN)), 'NON_FINITE', /got NaN at row 4/],
    ['y = 0.5 (Float32Array)', () => fitLogistic(X, Float32Array.of(0.5, 1, 0, 1, 0)), 'BAD_RESPONSE', /got 0\.5 at row 0/],
    ['only failures (typed array)', () => fitLogistic(X, new Float64Array(5)), 'ONE_CLASS', /got only failures/],
    ['only successes (Uint8Array)', () => fitLogistic(X, new Uint8Array(5).fill(1)), 'ONE_CLASS', /got only successes/],
    ['only failures', () => fitLogistic(X, [0, 0, 0, 0, 0]), 'ONE_CLASS', /y needs both outcomes among rows with non-zero weight, got only failures/],
    ['only successes (booleans)', () => fitLogistic(X, [true, true, true, true, true]), 'ONE_CLASS', /got only successes/],
    ['one class after zero weights', () => fitLogistic(X, y, { weights: [1, 0, 1, 0, 0] }), 'ONE_CLASS', /got only failures/],
    ['counts with no failures', () => fitLogistic(X, { successes: [1, 2, 3, 4, 5], failures: [0, 0, 0, 0, 0] }), 'ONE_CLASS', /got only successes/],
    ['more coefficients than rows', () => fitLogistic([[1, 2, 3], [2, 1, 0]], [0, 1]), 'TOO_FEW_ROWS', /4 coefficients need at least 4 rows with non-zero weight, got 2/],
    ['more coefficients than rows after zero weights', () => fitLogistic(X, y, { weights: [1, 1, 0, 0, 0] }), 'TOO_FEW_ROWS', /3 coefficients need at least 3 rows with non-zero weight, got 2/],
    ['no columns and no intercept', () => fitLogistic([[], []], [0, 1], { intercept: false }), 'BAD_SHAPE', /no coefficients/],
    ['X not an array', () => fitLogistic(42 as never, [0, 1]), 'BAD_SHAPE', /X should be an array of rows/],
  ];

  it.each(cases)('%s', (_, fn, code, message) => {
    expectError(fn, code, message);
  });

  it('linearly dependent columns: COLLINEAR naming the aliased column', () => {
    const rand = mulberry32(11);
    const base = randomDesign(rand, 60, 2);
    const yy = drawBinary(rand, withIntercept(base), [0, 1, -1]);
    const dependent = base.map(([a, b]) => [a!, b!, 2 * a! - b!]);
    expectError(() => fitLogistic(dependent, yy, { names: ['a', 'b', 'c'] }), 'COLLINEAR', /column 'c' is a linear combination of the columns before it \(\(Intercept\), a, b\)/);
    // a constant column duplicates the intercept
    expectError(() => fitLogistic(base.map((r) => [...r, 5]), yy), 'COLLINEAR', /column 'x3'/);
    // a column of zeros
    expectError(() => fitLogistic(base.map((r) => [0, ...r]), yy), 'COLLINEAR', /column 'x1'/);
    // dependent only among the rows that count (the others have weight 0)
    const weights = base.map((_, i) => (i < 40 ? 1 : 0));
    const partly = base.map(([a, b], i) => [a!, b!, i < 40 ? a! + b! : 7]);
    expectError(() => fitLogistic(partly, yy, { weights }), 'COLLINEAR', /'x3' .* among rows with non-zero weight/);
    try {
      fitLogistic(dependent, yy, { names: ['a', 'b', 'c'] });
    } catch (error) {
      expect((error as SoftlogitError).details).toEqual({ aliased: ['c'] });
    }
  });

  it('a failing allocation at any stage leaves no WebAssembly memory behind', () => {
    const original = runtime.heap.alloc.bind(runtime.heap);
    for (let failAt = 1; failAt <= 3; failAt++) {
      let calls = 0;
      const spy = vi.spyOn(runtime.heap, 'alloc').mockImplementation((bytes: number, caller?: string) => {
        calls++;
        if (calls === failAt) throw new SoftlogitError('TOO_LARGE', `${caller}: simulated out-of-memory`);
        return original(bytes, caller);
      });
      try {
        expectError(() => uclaFit(), 'TOO_LARGE', /simulated out-of-memory/, /^(fitLogistic|NewtonSystem|LogisticObjective): /);
      } finally {
        spy.mockRestore();
      }
    }
  });
});

describe('edge cases', () => {
  it('|eta| > 700 at the MLE: finite logLik and gradient; rows far on the right side change nothing', () => {
    const X = ucla.X.map(([gre, gpa]) => [(gre! - 580) / 100, gpa! - 3.4]);
    const base = fitLogistic(X, ucla.y!, { names: ['gre', 'gpa'] });
    // rows with gre 1e5 standard units and y = 1: eta ≈ 0.27e5·1e… > 700; the same with y = 0 far left.
    const far = [...X, [1e5, 0], [-1e5, 0], [2e4, 1]];
    const farY = [...ucla.y!, 1, 0, 1];
    const fit = fitLogistic(far, farY, { names: ['gre', 'gpa'] });
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.predict([[1e5, 0]], { type: 'link' })[0]!)).toBeGreaterThan(700);
    expect(Number.isFinite(fit.logLik)).toBe(true);
    expectAllRelative(fit.coefficients, base.coefficients, SAME_FIT_RTOL, 'coefficients');
    expectAllRelative(fit.standardErrors, base.standardErrors, SAME_FIT_RTOL, 'SEs');
    expectRelative(fit.deviance, base.deviance, SAME_FIT_RTOL, 'deviance');
    expect(Array.from(fit.predict([[1e5, 0], [-1e5, 0], [1e300, 0]]))).toEqual([1, 0, 1]);
    const ev = referenceEvaluate(withIntercept(far), Array.from(fit.coefficients), farY, farY.map(() => 1));
    expect(ev.score.every(Number.isFinite)).toBe(true);
    for (let j = 0; j < 3; j++) expect(Math.abs(ev.score[j]!) / ev.scoreMagnitude[j]!).toBeLessThanOrEqual(SCALED_SCORE_AT_OPTIMUM);
  });

  it('zero weights for most rows: equals the fit on the few that count', () => {
    const rand = mulberry32(13);
    const X = randomDesign(rand, 2000, 2);
    const y = drawBinary(rand, withIntercept(X), [0.2, 1, -0.5]);
    const weights = X.map((_, i) => (i % 97 === 0 ? 1 : 0));
    const few = X.filter((_, i) => weights[i] === 1);
    const fewY = y.filter((_, i) => weights[i] === 1);
    const weighted = fitLogistic(X, y, { weights });
    const direct = fitLogistic(few, fewY);
    expect(weighted.nObs).toBe(few.length);
    expectAllRelative(weighted.coefficients, direct.coefficients, SAME_FIT_RTOL, 'coefficients');
    expectAllRelative(weighted.standardErrors, direct.standardErrors, SAME_FIT_RTOL, 'SEs');
    expectRelative(weighted.bic, direct.bic, SAME_FIT_RTOL, 'BIC');
  });

  it('one row with a huge weight (1e6) matches the reference fit', () => {
    const rand = mulberry32(17);
    const X = randomDesign(rand, 200, 2);
    const y = drawBinary(rand, withIntercept(X), [0, 1, 1]);
    const weights = X.map((_, i) => (i === 5 ? 1e6 : 1));
    const fit = fitLogistic(X, y, { weights });
    const ref = fitReference(withIntercept(X), y.map((v, i) => v * weights[i]!), weights);
    expect(fit.converged).toBe(true);
    expectAllRelative(fit.coefficients, ref.coefficients, SAME_FIT_RTOL, 'coefficients');
    expectAllRelative(fit.standardErrors, ref.covariance.map((row, j) => Math.sqrt(row[j]!)), SAME_FIT_RTOL, 'SEs');
  });

  it('2000 fits of varied sizes: the heap returns to 0 bytes and the memory stops growing', () => {
    const rand = mulberry32(19);
    const sizes = Array.from({ length: 20 }, (_, k) => ({ nRows: 20 + ((k * 137) % 700), nFeatures: 1 + (k % 6) }));
    const problems = sizes.map(({ nRows, nFeatures }) => {
      const X = randomDesign(rand, nRows, nFeatures);
      const coef = Array.from({ length: nFeatures + 1 }, () => 0.5 * (rand() - 0.5));
      return { X, y: drawBinary(rand, withIntercept(X), coef) };
    });
    let memoryAfterFirstRound = 0;
    for (let k = 0; k < 2000; k++) {
      const { X, y } = problems[k % problems.length]!;
      try {
        fitLogistic(X, y, { onWarning: () => {} });
      } catch (error) {
        if (!(error instanceof SoftlogitError)) throw error;
      }
      if (runtime.heap.allocatedBytes !== 0) throw new Error(`fit ${k} left ${runtime.heap.allocatedBytes} bytes allocated`);
      if (k === problems.length - 1) memoryAfterFirstRound = runtime.heap.memoryBytes;
    }
    expect(runtime.heap.memoryBytes).toBe(memoryAfterFirstRound);
  });
});
