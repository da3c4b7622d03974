// Profile-likelihood confidence intervals of softmax fits (issue #15), against R: the roots of the
// signed root deviance of constrained VGAM refits found by uniroot at tol 1e-13, and VGAM's own
// confint(fit, method = "profile") (test/fixtures/inference/housing-profile.json, made by
// test/fixtures/generate/inference/softmax-profile.R), on MASS housing (Sat ~ Infl + Type + Cont,
// weights = Freq, K = 3). The logistic profile is tested in test/inference.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { fitLogistic, fitSoftmax, init, profileConfint, type SoftmaxFit } from '../src/index.js';
import housing from './fixtures/housing-weighted-softmax.json';
import ref from './fixtures/inference/housing-profile.json';
import ucla from './fixtures/inference/ucla-logistic.json';
import uclaProfile from './fixtures/inference/ucla-profile.json';
import { catchError } from './helpers/errors.js';
import { relativeError } from './helpers/reference.js';

/**
 * The reference ends are uniroot's roots (tol 1e-13) of VGAM deviances (vglm at epsilon 1e-13,
 * refitted from its solution); softlogit's are its own roots of its own deviances, each to
 * ~1e-11 · (|b| + se) (ROOT_TOLERANCE): measured 1.2e-11 relative at worst. 1e-8 leaves room for
 * other platforms and is far inside the 1e-6 the issue asks; a wrong class, sign or held
 * coefficient moves an end by 1e-2 or more.
 */
const PROFILE_RTOL = 1e-8;
/**
 * VGAM's confint(method = "profile") interpolates a spline through a profile grid (as
 * MASS::confint.glm does): its ends are up to 1.1e-5 of the interval's width from the roots
 * (4e-4 relative at an end near 0: 0.0075103 against 0.0075073); checked at 1e-4 of the width.
 */
const VGAM_SPLINE_WIDTH = 1e-4;

const options = { names: housing.featureNames, classes: housing.classes, weights: housing.weights };
let fit: SoftmaxFit;
const figures: string[] = [];

/** The largest relative difference between a p x K Matrix and reference rows, over the columns in `columns`. */
function worstMatrix(actual: { get(i: number, j: number): number }, expected: number[][], columns: number[]): number {
  let max = 0;
  expected.forEach((row, j) => columns.forEach((k) => { max = Math.max(max, relativeError(actual.get(j, k), row[k]!)); }));
  return max;
}

beforeAll(async () => {
  await init();
  fit = fitSoftmax(housing.X, housing.labels, options);
});

describe('profile-likelihood intervals of a softmax fit (MASS housing, K = 3)', () => {
  it('reference form: the roots of constrained vglm refits to 1e-8, VGAM confint(method = "profile") to its spline accuracy', () => {
    const ci = profileConfint(fit, housing.X, housing.labels, { weights: housing.weights });
    expect(ci.level).toBe(0.95);
    const lower = worstMatrix(ci.lower, ref.reference95.lower, [1, 2]);
    const upper = worstMatrix(ci.upper, ref.reference95.upper, [1, 2]);
    figures.push(`reference form vs uniroot roots: lower ${lower.toExponential(1)}, upper ${upper.toExponential(1)}`);
    expect(lower).toBeLessThan(PROFILE_RTOL);
    expect(upper).toBeLessThan(PROFILE_RTOL);
    // The reference class's column is fixed at 0, reported as [0, 0] as confint() does.
    for (let j = 0; j < 7; j++) expect([ci.lower.get(j, 0), ci.upper.get(j, 0)]).toEqual([0, 0]);
    // VGAM's rows follow coef(): (Intercept):1, (Intercept):2, x1:1, …; its linear predictor c is class c + 1.
    let vgam = 0;
    for (let j = 0; j < 7; j++) for (let c = 0; c < 2; c++) {
      const width = ci.upper.get(j, c + 1) - ci.lower.get(j, c + 1);
      vgam = Math.max(vgam, Math.abs(ci.lower.get(j, c + 1) - ref.vgam95.lower[j * 2 + c]!) / width, Math.abs(ci.upper.get(j, c + 1) - ref.vgam95.upper[j * 2 + c]!) / width);
    }
    figures.push(`reference form vs VGAM confint(method = "profile"): ${vgam.toExponential(1)} of the width`);
    expect(vgam).toBeLessThan(VGAM_SPLINE_WIDTH);
    // Not the Wald interval: the profile one is asymmetric about the estimate.
    expect(worstMatrix(fit.confint().lower, ref.reference95.lower, [1, 2])).toBeGreaterThan(1e-4);
  });

  it('symmetric form: each w_jk = β_jk − mean_l β_jl profiled on its hyperplane, to 1e-8 of the constrained vglm roots', () => {
    const symmetric = fitSoftmax(housing.X, housing.labels, { ...options, parameterization: 'symmetric' });
    const ci = profileConfint(symmetric, housing.X, housing.labels, { weights: housing.weights });
    const lower = worstMatrix(ci.lower, ref.symmetric95.lower, [0, 1, 2]);
    const upper = worstMatrix(ci.upper, ref.symmetric95.upper, [0, 1, 2]);
    figures.push(`symmetric form vs uniroot roots: lower ${lower.toExponential(1)}, upper ${upper.toExponential(1)}`);
    expect(lower).toBeLessThan(PROFILE_RTOL);
    expect(upper).toBeLessThan(PROFILE_RTOL);
    // The option chooses the form whatever the fit's.
    const asked = profileConfint(fit, housing.X, housing.labels, { weights: housing.weights, parameterization: 'symmetric' });
    expect(worstMatrix(asked.lower, ci.lower.toArray(), [0, 1, 2])).toBeLessThan(1e-12);
  });

  it('the 1681 households as rows give the intervals of the 72 weighted rows', () => {
    const X: number[][] = [];
    const y: string[] = [];
    housing.X.forEach((row, i) => { for (let r = 0; r < housing.weights[i]!; r++) { X.push(row); y.push(housing.labels[i]!); } });
    const expanded = fitSoftmax(X, y, { names: housing.featureNames, classes: housing.classes });
    const ci = profileConfint(expanded, X, y, { level: 0.9 });
    const weighted = profileConfint(fit, housing.X, housing.labels, { weights: housing.weights, level: 0.9 });
    expect(worstMatrix(ci.lower, weighted.lower.toArray(), [1, 2])).toBeLessThan(PROFILE_RTOL);
    expect(worstMatrix(ci.upper, weighted.upper.toArray(), [1, 2])).toBeLessThan(PROFILE_RTOL);
  });

  it('with two classes it is the logistic profile (R MASS::confint.glm roots), also with an offset', () => {
    const names = ucla.names.slice(1);
    const soft = fitSoftmax(ucla.X, ucla.y, { names });
    const ci = profileConfint(soft, ucla.X, ucla.y);
    expect(worstMatrix(ci.lower, uclaProfile.exact95.lower.map((v) => [0, v]), [1])).toBeLessThan(PROFILE_RTOL);
    expect(worstMatrix(ci.upper, uclaProfile.exact95.upper.map((v) => [0, v]), [1])).toBeLessThan(PROFILE_RTOL);
    const o = ucla.y.map((_, i) => 0.3 * Math.sin(i));
    const offset = o.map((v, i) => [Math.cos(i), Math.cos(i) + v]);
    const logit = profileConfint(fitLogistic(ucla.X, ucla.y, { names, offset: o }), ucla.X, ucla.y, { offset: o });
    const withOffset = profileConfint(fitSoftmax(ucla.X, ucla.y, { names, offset }), ucla.X, ucla.y, { offset });
    expect(worstMatrix(withOffset.lower, Array.from(logit.lower, (v) => [0, v]), [1])).toBeLessThan(PROFILE_RTOL);
    expect(worstMatrix(withOffset.upper, Array.from(logit.upper, (v) => [0, v]), [1])).toBeLessThan(PROFILE_RTOL);
  });

  it("confint({ method: 'profile' }) points at profileConfint; what profileConfint refuses", () => {
    for (const f of [fit, fitLogistic(ucla.X, ucla.y)]) {
      const error = catchError(() => f.confint({ method: 'profile' } as never));
      expect(error.code).toBe('BAD_OPTION');
      expect(error.message).toMatch(/profileConfint\(fit, X, y, \{ level \}\)/);
    }
    expect(catchError(() => profileConfint(fitSoftmax(housing.X, housing.labels, { ...options, l2: 1 }), housing.X, housing.labels, { weights: housing.weights })).code).toBe('BAD_MODEL');
    expect(catchError(() => profileConfint(fit, housing.X.map((r) => r.slice(1)), housing.labels)).code).toBe('BAD_SHAPE');
    expect(catchError(() => profileConfint(fit, housing.X, housing.labels, { weigths: housing.weights } as never)).message).toMatch(/did you mean 'weights'/);
    expect(catchError(() => profileConfint(fit, housing.X, housing.labels, { parameterization: 'baseline' as never })).code).toBe('BAD_OPTION');
    expect(catchError(() => profileConfint({} as SoftmaxFit, housing.X, housing.labels)).code).toBe('BAD_MODEL');
  });

  it('prints the agreement figures', () => {
    console.log(`softmax profile intervals (max relative difference):\n  ${figures.join('\n  ')}`);
  });
});
