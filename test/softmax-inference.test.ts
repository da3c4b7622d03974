// Inference on softmax fits that needs the rows again (issue #15): marginal effects on every class
// probability against Stata 11's `margins` and statsmodels' MNLogit get_margeff on anes96
// (test/fixtures/inference/anes96-margeff.json, made by
// test/fixtures/generate/inference/anes96-margeff.py).
import { beforeAll, describe, expect, it } from 'vitest';
import { fitLogistic, fitSoftmax, init, type Matrix, type SoftmaxFit } from '../src/index.js';
import anes from './fixtures/inference/anes96-margeff.json';
import { catchError } from './helpers/errors.js';

/**
 * softlogit and statsmodels (Newton to tol 1e-12, complex-step Jacobians) both sit at the exact
 * MLE: measured agreement 5.6e-12 relative at worst on the effects (1.2e-10 on a dummy effect of
 * 1e-8, i.e. 1e-18 absolute) and 2.1e-13 on the SEs. 1e-9 relative plus 1e-14 absolute.
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
