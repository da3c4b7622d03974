// Inference on softmax fits that needs the rows again (issue #15): marginal effects on every class
// probability against Stata 11's `margins` and statsmodels' MNLogit get_margeff on anes96
// (test/fixtures/inference/anes96-margeff.json, made by
// test/fixtures/generate/inference/anes96-margeff.py); residuals, leverages, Cook's distances and
// Pearson's χ² against VGAM (test/fixtures/inference/softmax-residuals.json, made by
// test/fixtures/generate/inference/softmax-residuals.R).
import { beforeAll, describe, expect, it } from 'vitest';
import { fitLogistic, fitSoftmax, init, type Matrix, type SoftmaxFit } from '../src/index.js';
import { symmetricEigen } from '../src/inference/multinomialResiduals.js';
import anes from './fixtures/inference/anes96-margeff.json';
import residualsRef from './fixtures/inference/softmax-residuals.json';
import ucla from './fixtures/inference/ucla-logistic.json';
import { catchError } from './helpers/errors.js';

/**
 * softlogit and statsmodels (Newton to tol 1e-12, complex-step Jacobians) both sit at the exact
 * MLE: measured agreement 5.6e-12 relative at worst on the effects (1.2e-10 on one tiny dummy
 * effect; 5.8e-15 absolute at worst) and 2.1e-13 on the SEs. 1e-9 relative plus 1e-14 absolute.
 */
const STATSMODELS_RTOL = 1e-9;
const STATSMODELS_ATOL = 1e-14;
/**
 * Stata's MLE is not the exact one (its coefficients are ~1e-7 relative off statsmodels'), so its
 * effects differ in the 7th decimal (measured: 1.6e-7 dydx, 6.5e-6 eydx-dummy at most): the bounds
 * statsmodels' own test_discrete.py puts on the same numbers, 1.5·10^−decimal with its decimals.
 */
const STATA_DECIMALS: Record<string, { effect: number; se: number }> = {
  dydx_overall: { effect: 6, se: 6 }, dydx_mean: { effect: 7, se: 7 },
  dydx_dummy_overall: { effect: 6, se: 6 }, eydx_dummy_overall: { effect: 5, se: 6 },
};

type Reference = { at: string | number[]; method: string; dummy: boolean; count: boolean; vote: boolean; effect: number[][]; se: number[][] };

let fit: SoftmaxFit;
let fitVote: SoftmaxFit;
const withVote = anes.X.map((row, i) => [...row, anes.vote[i]!]);

beforeAll(async () => {
  await init();
  fit = fitSoftmax(anes.X, anes.y, { names: anes.names });
  fitVote = fitSoftmax(withVote, anes.y, { names: [...anes.names, 'vote'] });
});

/** The largest |a − b| − rtol·|b| over a q x K reference (≤ atol passes). */
function excess(actual: Matrix, expected: number[][], rtol: number): number {
  let worst = -Infinity;
  expected.forEach((row, j) => row.forEach((v, k) => { worst = Math.max(worst, Math.abs(actual.get(j, k) - v) - rtol * Math.abs(v)); }));
  return worst;
}

describe('marginal effects (softmax, anes96)', () => {
  it('fits the model statsmodels and Stata fitted', () => {
    for (const [f, ref] of [[fit, anes.coefficients], [fitVote, anes.coefficientsVote]] as const) {
      // statsmodels' params: rows the columns with the constant last, columns the classes 1..6.
      const W = f.coefficients;
      ref.forEach((row, j) => row.forEach((v, c) => {
        const jj = j === ref.length - 1 ? 0 : j + 1;
        expect(Math.abs(W.get(jj, c + 1) - v)).toBeLessThan(1e-9 * (1 + Math.abs(v)));
      }));
    }
  });

  it("match Stata's margins to the decimals statsmodels checks them to", () => {
    for (const [name, ref] of Object.entries(anes.stata)) {
      const vote = name.includes('dummy');
      const m = (vote ? fitVote : fit).marginalEffects(vote ? withVote : anes.X, {
        at: name.includes('mean') ? 'mean' : 'overall', method: name.startsWith('eydx') ? 'eydx' : 'dydx', dummy: vote,
      });
      expect(m.effect.rows).toBe(vote ? 6 : 5);
      expect(m.effect.cols).toBe(7);
      const { effect, se } = STATA_DECIMALS[name]!;
      expect(excess(m.effect, ref.effect, 0), name).toBeLessThan(1.5 * 10 ** -effect);
      expect(excess(m.se, ref.se, 0), name).toBeLessThan(1.5 * 10 ** -se);
    }
  });

  it('match statsmodels get_margeff for every at (also a given row), method, dummy and count case', () => {
    const cases = [...anes.statsmodels, ...anes.pieces] as Reference[];
    expect(cases.length).toBe(34);
    for (const ref of cases) {
      const label = `${JSON.stringify(ref.at)} ${ref.method} dummy ${ref.dummy} count ${ref.count}`;
      const m = (ref.vote ? fitVote : fit).marginalEffects(ref.vote ? withVote : anes.X, {
        at: ref.at as 'overall', method: ref.method as 'dydx', dummy: ref.dummy, count: ref.count,
      });
      expect(excess(m.effect, ref.effect, STATSMODELS_RTOL), label).toBeLessThan(STATSMODELS_ATOL);
      expect(excess(m.se, ref.se, STATSMODELS_RTOL), label).toBeLessThan(STATSMODELS_ATOL);
    }
  });

  it('z, p-values and intervals follow from effect and se; dydx effects sum to 0 over the classes', () => {
    const m = fit.marginalEffects(anes.X, { level: 0.9 });
    expect(m.level).toBe(0.9);
    expect(m.names).toEqual(anes.names);
    expect(m.classes).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const z90 = 1.6448536269514722;
    for (let i = 0; i < m.effect.data.length; i++) {
      const e = m.effect.data[i]!;
      const se = m.se.data[i]!;
      expect(m.z.data[i]).toBeCloseTo(e / se, 12);
      expect(m.lower.data[i]).toBeCloseTo(e - z90 * se, 14);
      expect(m.upper.data[i]).toBeCloseTo(e + z90 * se, 14);
      expect(m.pValue.data[i]! > 0 && m.pValue.data[i]! <= 1).toBe(true);
    }
    for (const options of [{}, { at: 'mean' as const }, { dummy: true }, { count: true }]) {
      const d = fitVote.marginalEffects(withVote, options);
      for (let j = 0; j < d.effect.rows; j++) expect(Math.abs(d.effect.row(j).reduce((a, v) => a + v, 0))).toBeLessThan(1e-15);
    }
  });

  it('do not depend on the reference class or the parameterization', () => {
    const other = fitSoftmax(anes.X, anes.y, { names: anes.names, reference: 4, parameterization: 'symmetric' });
    for (const options of [{}, { at: 'median' as const, method: 'eyex' as const }, { count: true, method: 'eydx' as const }]) {
      const a = fit.marginalEffects(anes.X, options);
      const b = other.marginalEffects(anes.X, options);
      for (let i = 0; i < a.effect.data.length; i++) {
        expect(Math.abs(b.effect.data[i]! - a.effect.data[i]!)).toBeLessThan(1e-12 * (1 + Math.abs(a.effect.data[i]!)));
        expect(Math.abs(b.se.data[i]! / a.se.data[i]! - 1)).toBeLessThan(1e-8);
      }
    }
  });

  it("with two classes give the logistic fit's effects (class 1) and their negatives (class 0), also at a given row", () => {
    const y = anes.y.map((v) => (v >= 4 ? 1 : 0));
    const softmax = fitSoftmax(withVote, y, { names: [...anes.names, 'vote'] });
    const logistic = fitLogistic(withVote, y, { names: [...anes.names, 'vote'] });
    const row = [3.5, 4, 45, 4, 17, 1];
    for (const options of [{}, { at: row }, { at: 'zero' as const, method: 'dyex' as const }, { dummy: true, count: true, method: 'eydx' as const }]) {
      const s = softmax.marginalEffects(withVote, options);
      const l = logistic.marginalEffects(withVote, options);
      for (let j = 0; j < 6; j++) {
        expect(Math.abs(s.effect.get(j, 1) - l.effect[j]!)).toBeLessThan(1e-12 * (1 + Math.abs(l.effect[j]!)));
        expect(Math.abs(s.se.get(j, 1) - l.se[j]!)).toBeLessThan(1e-8 * l.se[j]! + 1e-15);
        if (options.method === undefined) expect(Math.abs(s.effect.get(j, 0) + l.effect[j]!)).toBeLessThan(1e-12);
      }
    }
    expect(logistic.marginalEffects(withVote, { at: row }).at).toEqual(row);
  });

  it('refuses bad options, a wrong X and aliased columns', () => {
    expect(catchError(() => fit.marginalEffects(anes.X, { at: 'mode' as never })).code).toBe('BAD_OPTION');
    expect(() => fit.marginalEffects(anes.X, { levl: 0.9 } as never)).toThrow(/did you mean 'level'/);
    expect(() => fit.marginalEffects(anes.X, { level: 1 })).toThrow(/level/);
    expect(() => fit.marginalEffects(anes.X, { at: [1, 2] })).toThrow(/5 finite numbers/);
    expect(() => fit.marginalEffects(anes.X, { at: [1, 2, 3, 4, Number.NaN] })).toThrow(/5 finite numbers/);
    expect(() => fit.marginalEffects(anes.X, { method: 'dx' as never })).toThrow(/method should be/);
    expect(catchError(() => fit.marginalEffects(anes.X.map((r) => r.slice(1)))).code).toBe('BAD_SHAPE');
    const doubled = anes.X.map((r) => [...r, r[0]!]);
    const dropped = fitSoftmax(doubled, anes.y, { singular: 'drop', onWarning: () => {} });
    expect(catchError(() => dropped.marginalEffects(doubled)).code).toBe('BAD_MODEL');
  });
});

/**
 * A weighted fit and the fit on its rows repeated are the same MLE reached by different sums
 * (measured: effects within 3.3e-13 relative, SEs 6.1e-14, on all of anes96): 1e-12 relative,
 * and 1e-15 absolute for effects that are 0 (dyex at 'zero').
 */
const EXPANDED_RTOL = 1e-12;
const EXPANDED_ATOL = 1e-15;
/** K = 2 softmax and logistic fits reach the same MLE by different solvers (measured: 7.3e-14 relative on the effects, 5.7e-15 on the SEs). */
const TWO_CLASS_RTOL = 1e-11;

describe('marginal effects with weights and an offset (softmax)', () => {
  // The first 600 rows of anes96 with the vote dummy (the first 300 are separated); weights 1 … 3, an offset per row and class.
  const rows = withVote.slice(0, 600);
  const labels = anes.y.slice(0, 600);
  const K = 7;
  const weights = rows.map((_, i) => 1 + (i % 3));
  const offset = rows.map((_, i) => Array.from({ length: K }, (_, k) => 0.3 * Math.sin(i + 2 * k)));
  const names = [...anes.names, 'vote'];

  it('with integer weights equal the rows repeated, and rows of weight 0 count as removed, for every at, method and dummy/count', () => {
    const repeated = rows.flatMap((_, i) => Array.from({ length: weights[i]! }, () => i));
    const weighted = fitSoftmax(rows, labels, { names, weights, offset });
    const expanded = fitSoftmax(repeated.map((i) => rows[i]!), repeated.map((i) => labels[i]!), { names, offset: repeated.map((i) => offset[i]!) });
    // Weight-0 rows with a non-binary vote and a non-integer age, which must not count.
    const junk = [[3.1, 4, 45.5, 4, 17, 0.5], [1.2, 2, 30, 3, 12, 3]];
    const junkOffset = junk.map(() => Array.from({ length: K }, (_, k) => k));
    const withZeros = fitSoftmax([...rows, ...junk], [...labels, 0, 6], { names, weights: [...weights, 0, 0], offset: [...offset, ...junkOffset] });
    for (const at of ['overall', 'mean', 'median', 'zero', 'row'] as const) {
      for (const method of ['dydx', 'eydx', 'dyex', 'eyex'] as const) {
        for (const discrete of [false, true]) {
          const options = { at: at === 'row' ? [3, 4, 45, 4, 17, 1] : at, method, dummy: discrete, count: discrete };
          const label = `${at} ${method} dummy/count ${discrete}`;
          const b = expanded.marginalEffects(repeated.map((i) => rows[i]!), { ...options, offset: repeated.map((i) => offset[i]!) });
          const a = weighted.marginalEffects(rows, { ...options, weights, offset });
          const c = withZeros.marginalEffects([...rows, ...junk], { ...options, weights: [...weights, 0, 0], offset: [...offset, ...junkOffset] });
          for (const [m, what] of [[a, 'weighted'], [c, 'weight 0']] as const) {
            expect(excess(m.effect, b.effect.toArray(), EXPANDED_RTOL), `${what} ${label}`).toBeLessThanOrEqual(EXPANDED_ATOL);
            expect(excess(m.se, b.se.toArray(), EXPANDED_RTOL), `${what} ${label}`).toBeLessThanOrEqual(EXPANDED_ATOL);
          }
        }
      }
    }
  });

  it("with two classes and offsets [0, o] give the logistic fit's effects with offset o", () => {
    const y = labels.map((v) => (v >= 4 ? 1 : 0));
    const o = rows.map((_, i) => 0.5 * Math.sin(1.3 * i));
    const softmax = fitSoftmax(rows, y, { names, weights, offset: o.map((v) => [0, v]) });
    const logistic = fitLogistic(rows, y, { names, weights, offset: o });
    for (const at of ['overall', 'mean', 'median', 'zero'] as const) {
      for (const discrete of [false, true]) {
        const s = softmax.marginalEffects(rows, { at, dummy: discrete, count: discrete, weights, offset: o.map((v) => [0, v]) });
        const l = logistic.marginalEffects(rows, { at, dummy: discrete, count: discrete, weights, offset: o });
        for (let j = 0; j < names.length; j++) {
          expect(Math.abs(s.effect.get(j, 1) - l.effect[j]!), `${at} ${discrete} ${j}`).toBeLessThan(TWO_CLASS_RTOL * Math.abs(l.effect[j]!));
          expect(Math.abs(s.se.get(j, 1) - l.se[j]!), `${at} ${discrete} ${j}`).toBeLessThan(TWO_CLASS_RTOL * l.se[j]!);
        }
      }
    }
  });

  it('refuse an offset shared by the classes, a wrong shape and all-zero weights', () => {
    const f = fitSoftmax(rows, labels, { names });
    expect(catchError(() => f.marginalEffects(rows, { offset: rows.map(() => 1) as never })).code).toBe('BAD_OPTION');
    expect(catchError(() => f.marginalEffects(rows, { offset: rows.map(() => [0, 1]) })).code).toBe('LENGTH_MISMATCH');
    expect(catchError(() => f.marginalEffects(rows, { weights: rows.map(() => 0) })).code).toBe('BAD_WEIGHTS');
  });
});

/**
 * VGAM refitted to its MLE (softmax-residuals.R) and softlogit agree on the coefficients to 2.5e-14
 * and on every residual, leverage and Cook's distance to 4.6e-14 absolute, 3.2e-13 relative
 * (measured; relative errors of the entries that are exactly 0 in theory, VGAM's ~1e-14 working
 * residuals, are left to the absolute term): 1e-10 relative plus 1e-12 absolute.
 */
const VGAM_RTOL = 1e-10;
const VGAM_ATOL = 1e-12;

type ResidualBlock = typeof residualsRef.housing;

describe('residuals, leverages and Cook\'s distances (softmax, against VGAM)', () => {
  const h = residualsRef.housing;
  const t = residualsRef.table;
  const u = residualsRef.uclaOffset;
  const classes = ['Low', 'Medium', 'High'];
  const cases: { name: string; ref: ResidualBlock; fit: () => SoftmaxFit; y: Parameters<SoftmaxFit['residuals']>[1]; options: { weights?: number[]; offset?: number[][] } }[] = [
    { name: 'housing, weights', ref: h, fit: () => fitSoftmax(h.X, h.labels, { names: h.names, weights: h.weights, classes, reference: 'Low' }), y: h.labels, options: { weights: h.weights } },
    { name: 'housing table of counts, reference Medium', ref: t as unknown as ResidualBlock, fit: () => fitSoftmax(t.X, { counts: t.counts }, { names: t.names, classes, reference: 'Medium' }), y: { counts: t.counts }, options: {} },
    { name: 'UCLA rank, offset, reference 3', ref: u as unknown as ResidualBlock, fit: () => fitSoftmax(u.X, u.labels, { names: u.names, offset: u.offset, reference: 3 }), y: u.labels, options: { offset: u.offset } },
  ];
  const close = (actual: ArrayLike<number>, expected: readonly number[], label: string) => {
    expect(actual.length, label).toBe(expected.length);
    let worst = -Infinity;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) - VGAM_RTOL * Math.abs(expected[i]!));
    expect(worst, label).toBeLessThan(VGAM_ATOL);
  };

  for (const { name, ref, fit: make, y, options } of cases) {
    it(`${name}: response, working, Pearson and deviance residuals, hatvalues, Cook's distances, Pearson's χ²`, () => {
      const fit = make();
      close(fit.baseline.data, ref.coefficients.flat(), 'coefficients');
      const n = ref.X.length;
      const K = fit.classes.length;
      const response = fit.residuals(ref.X, y, options);
      expect([response.rows, response.cols]).toEqual([n, K]);
      close(response.data, ref.response.flat(), 'response');
      close(fit.residuals(ref.X, y, { ...options, type: 'response' }).data, ref.response.flat(), 'response');
      const working = fit.residuals(ref.X, y, { ...options, type: 'working' });
      expect([working.rows, working.cols]).toEqual([n, K - 1]);
      close(working.data, ref.working.flat(), 'working');
      close(fit.residuals(ref.X, y, { ...options, type: 'pearson' }).data, ref.pearson.flat(), 'pearson');
      const deviance = fit.residuals(ref.X, y, { ...options, type: 'deviance' });
      close(deviance, ref.deviance, 'deviance');
      // Σ d_i is the fit's deviance (and VGAM's).
      expect(Math.abs(deviance.reduce((a, d) => a + d * d, 0) / fit.deviance - 1)).toBeLessThan(1e-12);
      expect(Math.abs(fit.deviance / ref.devianceTotal[0]! - 1)).toBeLessThan(1e-12);
      const hat = fit.hatValues(ref.X, y, options);
      expect([hat.rows, hat.cols]).toEqual([n, K - 1]);
      close(hat.data, ref.hat.flat(), 'hat');
      expect(Math.abs(hat.data.reduce((a, v) => a + v, 0) - fit.names.length * (K - 1))).toBeLessThan(1e-10);
      close(fit.cooksDistance(ref.X, y, options), ref.cooks, 'cooks');
      const chi = fit.pearsonChiSquare(ref.X, y, options);
      close([chi.statistic], ref.pearsonChiSquare, 'Pearson χ²');
      expect(chi.df).toBe(ref.dfResidual[0]);
      expect(chi.dispersion).toBe(chi.statistic / chi.df);
    });
  }

  it('with two classes equal the logistic fit\'s (R glm): Pearson, working, |deviance|, hat, Cook, χ²; with weights and an offset', () => {
    const weights = ucla.y.map((_, i) => 1 + (i % 3));
    const o = ucla.y.map((_, i) => 0.2 * Math.sin(i));
    const logistic = fitLogistic(ucla.X, ucla.y, { weights, offset: o });
    const softmax = fitSoftmax(ucla.X, ucla.y, { weights, offset: o.map((v) => [0, v]) });
    const lo = { weights, offset: o };
    const so = { weights, offset: o.map((v) => [0, v]) };
    const near = (a: ArrayLike<number>, b: ArrayLike<number>, label: string) => {
      for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!), `${label} ${i}`).toBeLessThan(1e-9 * (1 + Math.abs(b[i]!)));
    };
    near(softmax.residuals(ucla.X, ucla.y, { ...so, type: 'pearson' }).data, logistic.residuals(ucla.X, ucla.y, { ...lo, type: 'pearson' }), 'pearson');
    near(softmax.residuals(ucla.X, ucla.y, { ...so, type: 'working' }).data, logistic.residuals(ucla.X, ucla.y, { ...lo, type: 'working' }), 'working');
    near(softmax.residuals(ucla.X, ucla.y, { ...so, type: 'deviance' }), logistic.residuals(ucla.X, ucla.y, { ...lo, type: 'deviance' }).map(Math.abs), 'deviance');
    near(softmax.residuals(ucla.X, ucla.y, so).col(1), logistic.residuals(ucla.X, ucla.y, { ...lo, type: 'response' }), 'response');
    near(softmax.hatValues(ucla.X, ucla.y, so).data, logistic.hatValues(ucla.X, ucla.y, lo), 'hat');
    near(softmax.cooksDistance(ucla.X, ucla.y, so), logistic.cooksDistance(ucla.X, ucla.y, lo), 'cooks');
    near([softmax.pearsonChiSquare(ucla.X, ucla.y, so).statistic], [logistic.pearsonChiSquare(ucla.X, ucla.y, lo).statistic], 'χ²');
  });

  it('rows of weight 0: response and working residuals, zeros elsewhere, and no effect on the others', () => {
    const weights = h.weights.map((w, i) => (i === 5 ? 0 : w));
    const fit = fitSoftmax(h.X, h.labels, { names: h.names, weights, classes, reference: 'Low' });
    const labels = h.labels.map((l, i) => (i === 7 ? 'Unknown' : l));
    const zeroAt7 = weights.map((w, i) => (i === 7 ? 0 : w));
    const fit7 = fitSoftmax(h.X, labels, { names: h.names, weights: zeroAt7, classes, reference: 'Low' });
    const response = fit.residuals(h.X, h.labels, { weights });
    const prob = fit.predict(h.X);
    expect(response.get(5, 0)).toBeCloseTo((h.labels[5] === 'Low' ? 1 : 0) - prob.get(5, 0), 14);
    expect(fit.residuals(h.X, h.labels, { weights, type: 'pearson' }).row(5)).toEqual(Float64Array.of(0, 0));
    expect(fit.residuals(h.X, h.labels, { weights, type: 'deviance' })[5]).toBe(0);
    expect(fit.hatValues(h.X, h.labels, { weights }).row(5)).toEqual(Float64Array.of(0, 0));
    expect(fit.cooksDistance(h.X, h.labels, { weights })[5]).toBe(0);
    // An unknown label on a weight-0 row (which the fit accepts): its response residuals are NaN.
    expect(Number.isNaN(fit7.residuals(h.X, labels, { weights: zeroAt7 }).get(7, 0))).toBe(true);
    expect(fit7.residuals(h.X, labels, { weights: zeroAt7, type: 'deviance' })[7]).toBe(0);
  });

  it("an aliased column dropped with singular: 'drop' changes nothing", () => {
    const fit = cases[0]!.fit();
    const doubled = h.X.map((r) => [...r, r[1]!]);
    const dropped = fitSoftmax(doubled, h.labels, { weights: h.weights, classes, reference: 'Low', singular: 'drop', onWarning: () => {} });
    expect(dropped.aliased.length).toBe(1);
    const same = (a: ArrayLike<number>, b: ArrayLike<number>) => { for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-10 * (1 + Math.abs(b[i]!))); };
    same(dropped.residuals(doubled, h.labels, { weights: h.weights, type: 'pearson' }).data, fit.residuals(h.X, h.labels, { weights: h.weights, type: 'pearson' }).data);
    same(dropped.hatValues(doubled, h.labels, { weights: h.weights }).data, fit.hatValues(h.X, h.labels, { weights: h.weights }).data);
    same(dropped.cooksDistance(doubled, h.labels, { weights: h.weights }), fit.cooksDistance(h.X, h.labels, { weights: h.weights }));
  });

  it('refuses bad options, a wrong X, y or offset', () => {
    const fit = cases[0]!.fit();
    expect(() => fit.residuals(h.X, h.labels, { type: 'partial' as never })).toThrow(/type should be/);
    expect(() => fit.residuals(h.X, h.labels, { weigths: h.weights } as never)).toThrow(/did you mean 'weights'/);
    expect(() => fit.hatValues(h.X, h.labels, { type: 'pearson' } as never)).toThrow(/unknown option 'type'/);
    expect(catchError(() => fit.cooksDistance(h.X.map((r) => r.slice(1)), h.labels)).code).toBe('BAD_SHAPE');
    expect(catchError(() => fit.pearsonChiSquare(h.X, h.labels.slice(1))).code).toBe('LENGTH_MISMATCH');
    expect(catchError(() => fit.residuals(h.X, h.labels.map((l, i) => (i === 3 ? 'Huge' : l)))).code).toBe('UNKNOWN_LABEL');
    expect(catchError(() => fit.residuals(h.X, h.labels, { offset: h.weights as never })).code).toBe('BAD_OPTION');
    expect(catchError(() => fit.hatValues(h.X.slice(0, 3), h.labels.slice(0, 3))).code).toBe('NOT_POSITIVE_DEFINITE');
  });

  it('symmetricEigen: V Λ Vᵀ = A with V orthogonal', () => {
    const n = 6;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = Math.sin(3 * i + 7 * j + 1) + (i === j ? 3 : 0);
    const { values, vectors } = symmetricEigen(A, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let a = 0;
        let identity = 0;
        for (let k = 0; k < n; k++) {
          a += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
          identity += vectors[k * n + i]! * vectors[k * n + j]!;
        }
        expect(Math.abs(a - A[i * n + j]!)).toBeLessThan(1e-14 * 8);
        expect(Math.abs(identity - (i === j ? 1 : 0))).toBeLessThan(1e-14);
      }
    }
  });
});
