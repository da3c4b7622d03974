// fitSoftmax against R/statsmodels fixtures, the K = 2 identity with fitLogistic, the
// parameterizations and references, and bad input.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  convertCovariance, classMixingMatrix, fitLogistic, fitSoftmax, init, loadModel, Matrix, SoftlogitError, SoftmaxFit,
  softmaxToLogistic, toReference, toSymmetric,
} from '../src/index.js';
import ucla from './fixtures/ucla-admissions.json';

/** Fixtures are at the MLE to ~1e-13 (two tools agree, score ~1e-13): 1e-9 leaves room for conditioning. */
const COEF_TOL = 1e-9;
/** SEs need the Hessian inverse at the MLE: one more digit of slack than the coefficients. */
const SE_TOL = 1e-8;
/** Deviance, AIC: sums of n terms each exact to rounding. */
const DEVIANCE_TOL = 1e-10;
/** The K = 2 softmax and the logistic fit solve the same equations: agreement to rounding level. */
const IDENTITY_TOL = 1e-10;
/** Conversions are a few additions per entry. */
const CONVERSION_TOL = 1e-10;

interface SoftmaxFixture {
  name: string;
  model: string;
  intercept: boolean;
  featureNames: string[];
  X: number[][];
  labels?: (string | number)[];
  counts?: number[][];
  weights?: number[];
  classes?: (string | number)[];
  reference?: string | number;
  expected: {
    names: string[];
    coefficients: number[][];
    standardErrors: number[][];
    covariance?: number[][];
    logLik: number;
    deviance: number;
    nullDeviance: number;
    aic: number;
    bic?: number;
    dfResidual?: number;
  };
}

const modules = import.meta.glob('./fixtures/*.json', { eager: true, import: 'default' }) as Record<string, SoftmaxFixture>;
const fixtures = Object.values(modules).filter((f) => f.model === 'softmax' && Array.isArray(f.expected?.coefficients));

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);
}

function fitFixture(f: SoftmaxFixture, extra: Parameters<typeof fitSoftmax>[2] = {}): SoftmaxFit {
  const y = f.counts ? { counts: f.counts } : f.labels!;
  return fitSoftmax(f.X, y, {
    names: f.featureNames,
    intercept: f.intercept,
    ...(f.weights ? { weights: f.weights } : {}),
    ...(f.classes ? { classes: f.classes } : {}),
    ...(f.reference !== undefined ? { reference: f.reference } : {}),
    onWarning: () => {},
    ...extra,
  });
}

const uclaX = ucla.X as number[][];
const uclaY = ucla.y as number[];

beforeAll(async () => {
  await init();
});

describe('fitSoftmax against reference fits (statsmodels MNLogit newton tol 1e-12, cross-checked with VGAM)', () => {
  it('has at least three multinomial fixtures, one weighted and one with K >= 5', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(3);
    expect(fixtures.some((f) => f.weights)).toBe(true);
    expect(fixtures.some((f) => (f.classes?.length ?? f.counts?.[0]?.length ?? 0) >= 5)).toBe(true);
  });

  for (const f of fixtures) {
    it(`${f.name}: coefficients, SEs, covariance, deviance, AIC`, () => {
      const fit = fitFixture(f);
      const e = f.expected;
      expect(fit.converged).toBe(true);
      expect([...fit.names]).toEqual(e.names);
      const B = fit.baseline;
      const p = fit.names.length;
      const nFree = fit.classes.length - 1;
      for (let j = 0; j < p; j++) {
        for (let c = 0; c < nFree; c++) {
          expect(relative(B.get(j, c), e.coefficients[j]![c]!)).toBeLessThan(COEF_TOL);
          const se = Math.sqrt(fit.covariance.get(c * p + j, c * p + j));
          expect(relative(se, e.standardErrors[j]![c]!)).toBeLessThan(SE_TOL);
        }
      }
      if (e.covariance) {
        const cov = fit.covariance;
        for (let a = 0; a < cov.rows; a++) {
          for (let b = 0; b < cov.cols; b++) {
            const scale = Math.sqrt(cov.get(a, a) * cov.get(b, b));
            expect(Math.abs(cov.get(a, b) - e.covariance[a]![b]!) / scale).toBeLessThan(SE_TOL);
          }
        }
      }
      expect(relative(fit.deviance, e.deviance)).toBeLessThan(DEVIANCE_TOL);
      expect(relative(fit.nullDeviance, e.nullDeviance)).toBeLessThan(DEVIANCE_TOL);
      expect(relative(fit.aic, e.aic)).toBeLessThan(DEVIANCE_TOL);
      expect(relative(fit.logLik, e.logLik)).toBeLessThan(DEVIANCE_TOL);
      if (e.bic !== undefined) expect(relative(fit.bic, e.bic)).toBeLessThan(DEVIANCE_TOL);
      if (e.dfResidual !== undefined) expect(fit.dfResidual).toBe(e.dfResidual);
    });
  }
});

describe('Logistic is softmax with two classes (UCLA admissions, R glm epsilon 1e-14)', () => {
  const expectedAic = 486.3439816848;

  function checkSameModel(soft: SoftmaxFit): void {
    const logistic = fitLogistic(uclaX, uclaY, { names: ['gre', 'gpa'] });
    const beta = softmaxToLogistic(soft.coefficients);
    const asLogistic = soft.toLogistic();
    for (let j = 0; j < 3; j++) {
      expect(relative(beta[j]!, logistic.coefficients[j]!)).toBeLessThan(IDENTITY_TOL);
      expect(relative(asLogistic.coefficients[j]!, logistic.coefficients[j]!)).toBeLessThan(IDENTITY_TOL);
      expect(relative(asLogistic.standardErrors[j]!, logistic.standardErrors[j]!)).toBeLessThan(IDENTITY_TOL);
      expect(relative(beta[j]!, ucla.expected.coefficients[j]!)).toBeLessThan(IDENTITY_TOL);
    }
    expect(relative(soft.deviance, logistic.deviance)).toBeLessThan(1e-12);
    expect(relative(soft.nullDeviance, logistic.nullDeviance)).toBeLessThan(1e-12);
    expect(relative(soft.aic, expectedAic)).toBeLessThan(1e-12);
    expect(relative(asLogistic.aic, logistic.aic)).toBeLessThan(1e-12);
    expect(asLogistic.dfResidual).toBe(logistic.dfResidual);
    expect(asLogistic.dfNull).toBe(logistic.dfNull);
  }

  it('labels admit: softmaxToLogistic(W) equals the logistic β, SEs, deviance and AIC', () => {
    checkSameModel(fitSoftmax(uclaX, uclaY, { names: ['gre', 'gpa'] }));
  });

  it('counts [admit2, admit] (multinom(cbind(admit2, admit) ~ gre + gpa)) gives the same model', () => {
    const counts = uclaY.map((a) => [1 - a, a]);
    checkSameModel(fitSoftmax(uclaX, { counts }, { names: ['gre', 'gpa'] }));
  });

  it('symmetric form is [−β/2 | β/2] and the reference form is [0 | β]', () => {
    const logistic = fitLogistic(uclaX, uclaY, { names: ['gre', 'gpa'] });
    const sym = fitSoftmax(uclaX, uclaY, { names: ['gre', 'gpa'], parameterization: 'symmetric' });
    const ref = sym.withParameterization('reference');
    for (let j = 0; j < 3; j++) {
      const b = logistic.coefficients[j]!;
      expect(relative(sym.coefficients.get(j, 1), b / 2)).toBeLessThan(IDENTITY_TOL);
      expect(relative(sym.coefficients.get(j, 0), -b / 2)).toBeLessThan(IDENTITY_TOL);
      expect(ref.coefficients.get(j, 0)).toBe(0);
      expect(relative(ref.coefficients.get(j, 1), b)).toBeLessThan(IDENTITY_TOL);
      // SE of w₂ = β/2 is se(β)/2 in the symmetric form.
      expect(relative(sym.standardErrors.get(j, 1), logistic.standardErrors[j]! / 2)).toBeLessThan(IDENTITY_TOL);
    }
  });

  it('reference = 1 flips the sign: β = −(free column)', () => {
    const fit = fitSoftmax(uclaX, uclaY, { names: ['gre', 'gpa'], reference: 1 });
    const logistic = fitLogistic(uclaX, uclaY, { names: ['gre', 'gpa'] });
    expect(fit.reference).toBe(1);
    for (let j = 0; j < 3; j++) {
      expect(relative(fit.coefficients.get(j, 0), -logistic.coefficients[j]!)).toBeLessThan(IDENTITY_TOL);
      expect(relative(fit.toLogistic().coefficients[j]!, logistic.coefficients[j]!)).toBeLessThan(IDENTITY_TOL);
    }
  });
});

describe('parameterizations and reference classes of one fit', () => {
  const housing = fixtures.find((f) => f.name === 'housing-weighted-softmax')!;

  it('refitting under another reference equals toReference of the first fit, and so does the covariance map', () => {
    const base = fitFixture(housing);
    const other = fitFixture(housing, { reference: 'High' });
    const K = base.classes.length;
    const highIndex = base.classes.indexOf('High');
    const mapped = toReference(base.coefficients, highIndex);
    const refit = other.coefficients;
    for (let i = 0; i < mapped.data.length; i++) {
      expect(Math.abs(mapped.data[i]! - refit.data[i]!)).toBeLessThan(CONVERSION_TOL * (1 + Math.abs(refit.data[i]!)));
    }
    const C = classMixingMatrix(K, { form: 'baseline', reference: 0 }, { form: 'baseline', reference: highIndex });
    const covMapped = convertCovariance(base.covariance, C);
    const covRefit = other.covariance;
    for (let i = 0; i < covRefit.data.length; i++) {
      expect(Math.abs(covMapped.data[i]! - covRefit.data[i]!)).toBeLessThan(1e-9 * (1 + Math.abs(covRefit.data[i]!)));
    }
    expect(relative(other.deviance, base.deviance)).toBeLessThan(1e-12);
  });

  it('the symmetric form has rows summing to zero and predicts the same probabilities', () => {
    const ref = fitFixture(housing);
    const sym = ref.withParameterization('symmetric');
    const W = sym.coefficients;
    for (let j = 0; j < W.rows; j++) {
      let sum = 0;
      for (let k = 0; k < W.cols; k++) sum += W.get(j, k);
      expect(Math.abs(sum)).toBeLessThan(1e-12);
    }
    const a = ref.predict(housing.X);
    const b = sym.predict(housing.X);
    for (let i = 0; i < a.data.length; i++) expect(Math.abs(a.data[i]! - b.data[i]!)).toBeLessThan(1e-14);
    for (let r = 0; r < a.rows; r++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.get(r, k);
      expect(Math.abs(s - 1)).toBeLessThan(1e-14);
    }
  });

  it('with l2 > 0 the symmetric solution is unique: every reference gives the same symmetric W', () => {
    const l2 = 0.5;
    const a = fitFixture(housing, { l2, parameterization: 'symmetric' });
    const b = fitFixture(housing, { l2, parameterization: 'symmetric', reference: 'Medium' });
    for (let i = 0; i < a.coefficients.data.length; i++) {
      expect(Math.abs(a.coefficients.data[i]! - b.coefficients.data[i]!)).toBeLessThan(1e-10);
    }
    // Penalized score equation on the full W: Xᵀ(Y − P) = l2 · W for every non-intercept row.
    const X = housing.X;
    const P = a.predict(X);
    const W = a.coefficients;
    const K = W.cols;
    const levels = a.classes;
    for (let j = 1; j < W.rows; j++) {
      for (let k = 0; k < K; k++) {
        let score = 0;
        X.forEach((row, i) => {
          const w = housing.weights![i]!;
          const y = housing.labels![i] === levels[k] ? 1 : 0;
          score += w * row[j - 1]! * (y - P.get(i, k));
        });
        expect(Math.abs(score - l2 * W.get(j, k))).toBeLessThan(1e-8);
      }
    }
  });

  it('toJSON / loadModel restores a model with identical predictions', () => {
    const fit = fitFixture(housing, { parameterization: 'symmetric' });
    const restored = loadModel(JSON.stringify(fit)) as SoftmaxFit;
    expect(restored).toBeInstanceOf(SoftmaxFit);
    expect(restored.parameterization).toBe('symmetric');
    expect(Array.from(restored.predict(housing.X).data)).toEqual(Array.from(fit.predict(housing.X).data));
    expect(restored.predict(housing.X.slice(0, 5), { type: 'class' })).toEqual(fit.predict(housing.X.slice(0, 5), { type: 'class' }));
    expect(restored.summary()).toBe(fit.summary());
  });

  it('predict link / class / prob agree', () => {
    const fit = fitFixture(housing);
    const link = fit.predict(housing.X, { type: 'link' });
    const classes = fit.predict(housing.X, { type: 'class' });
    const prob = fit.predict(housing.X, { type: 'prob' });
    for (let r = 0; r < link.rows; r++) {
      let best = 0;
      for (let k = 1; k < link.cols; k++) if (prob.get(r, k) > prob.get(r, best)) best = k;
      expect(classes[r]).toBe(fit.classes[best]);
      expect(link.get(r, 0)).toBe(0); // reference class Low has zero score in the reference form
    }
  });

  it('summary() is laid out like R multinom with standard errors', () => {
    const text = fitFixture(housing).summary();
    expect(text).toContain('Coefficients:');
    expect(text).toContain('Std. Errors:');
    expect(text).toMatch(/Residual Deviance: 3470\.\d+/);
    expect(text).toMatch(/AIC: 3498\.\d+/);
    expect(text).toMatch(/^Medium /m);
  });
});

describe('property: reference and parameterization never change the model', () => {
  it('probabilities and deviance are invariant, covariance maps agree with refits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 ** 31 - 2 }),
        fc.nat(3),
        (K, p, seed, refPick) => {
          let state = seed || 1;
          const rand = () => ((state = (state * 48271) % 2147483647) / 2147483647);
          const n = 60 * K;
          const X = Array.from({ length: n }, () => Array.from({ length: p }, () => rand() * 2 - 1));
          // Labels drawn from a softmax with moderate coefficients: classes overlap (no separation).
          const labels = X.map((row) => {
            const scores = Array.from({ length: K }, (_, k) => 0.4 * k * row[0]! - 0.2 * k);
            const max = Math.max(...scores);
            const e = scores.map((s) => Math.exp(s - max));
            let u = rand() * e.reduce((a, b) => a + b, 0);
            for (let k = 0; k < K; k++) if ((u -= e[k]!) <= 0) return k;
            return K - 1;
          });
          for (let k = 0; k < K; k++) labels[k] = k; // every class present
          const reference = refPick % K;
          const a = fitSoftmax(X, labels, { onWarning: () => {} });
          const b = fitSoftmax(X, labels, { reference, parameterization: 'symmetric', onWarning: () => {} });
          if (!a.converged || !b.converged) return;
          expect(Math.abs(a.deviance - b.deviance)).toBeLessThan(1e-9 * a.deviance);
          const pa = a.predict(X);
          const pb = b.predict(X);
          for (let i = 0; i < pa.data.length; i++) expect(Math.abs(pa.data[i]! - pb.data[i]!)).toBeLessThan(1e-9);
          const sym = toSymmetric(a.coefficients);
          for (let i = 0; i < sym.data.length; i++) expect(Math.abs(sym.data[i]! - b.coefficients.data[i]!)).toBeLessThan(1e-8);
          const C = classMixingMatrix(K, { form: 'baseline', reference: 0 }, { form: 'baseline', reference });
          const mapped = convertCovariance(a.covariance, C);
          const refit = b.covariance;
          for (let i = 0; i < refit.data.length; i++) {
            expect(Math.abs(mapped.data[i]! - refit.data[i]!)).toBeLessThan(1e-8 * (1 + Math.abs(refit.data[i]!)));
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('fitSoftmax bad input', () => {
  const X = [[1], [2], [3], [4], [5], [6]];
  const expectCode = (fn: () => unknown, code: string, pattern?: RegExp) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(SoftlogitError);
      expect((error as SoftlogitError).code).toBe(code);
      if (pattern) expect((error as Error).message).toMatch(pattern);
      return;
    }
    throw new Error(`expected a SoftlogitError ${code}`);
  };

  it('fewer than two classes present', () => {
    expectCode(() => fitSoftmax(X, ['a', 'a', 'a', 'a', 'a', 'a']), 'ONE_CLASS', /at least two classes/);
    expectCode(() => fitSoftmax(X, ['a', 'b', 'a', 'a', 'a', 'a'], { weights: [1, 0, 1, 1, 1, 1] }), 'ONE_CLASS');
  });
  it('a declared class with no observations is an error (not dropped)', () => {
    expectCode(() => fitSoftmax(X, ['a', 'b', 'a', 'b', 'a', 'b'], { classes: ['a', 'b', 'c'] }), 'EMPTY_CLASS', /'c' \(string\)/);
  });
  it('counts with a negative or non-finite entry', () => {
    expectCode(() => fitSoftmax(X, { counts: [[1, 0], [0, 1], [1, -1], [1, 1], [0, 2], [2, 0]] }), 'BAD_COUNTS', /row 2/);
    expectCode(() => fitSoftmax(X, { counts: [[1, 0], [0, 1], [1, NaN], [1, 1], [0, 2], [2, 0]] }), 'BAD_COUNTS');
    expectCode(() => fitSoftmax(X, { counts: [[1, 0], [0, 1], [1, Infinity], [1, 1], [0, 2], [2, 0]] }), 'BAD_COUNTS');
  });
  it('labels not in classes', () => {
    expectCode(() => fitSoftmax(X, ['a', 'b', 'z', 'b', 'a', 'b'], { classes: ['a', 'b'] }), 'UNKNOWN_LABEL', /'z' \(string\)/);
  });
  it('a reference not among the classes', () => {
    expectCode(() => fitSoftmax(X, ['a', 'b', 'a', 'b', 'a', 'b'], { reference: 'q' }), 'BAD_REFERENCE', /'q' \(string\)/);
  });
  it('length mismatch, bad parameterization', () => {
    expectCode(() => fitSoftmax(X, ['a', 'b']), 'LENGTH_MISMATCH');
    expectCode(() => fitSoftmax(X, ['a', 'b', 'a', 'b', 'a', 'b'], { parameterization: 'glmnet' as never }), 'BAD_OPTION');
  });
  it('a 3-class model refuses toLogistic', () => {
    const fit = fitSoftmax([[0.1], [0.5], [0.2], [0.9], [0.3], [0.7], [0.4], [0.8], [0.6]], [0, 1, 2, 0, 1, 2, 2, 1, 0]);
    expectCode(() => fit.toLogistic(), 'BAD_SHAPE');
    expect(new Matrix(1, 1).rows).toBe(1);
  });
});
