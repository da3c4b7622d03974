// Separation reported by the fits (issue #7): on separated data fitLogistic and fitSoftmax return
// converged: false with `separation` from the exact LP check (src/diagnostics/separation.ts) and a
// warning that says what to do; on data that are not separated they report nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fitLogistic, fitSoftmax, init, loadModel, LogisticFit, SoftmaxFit, type LogisticOptions, type SoftmaxOptions,
} from '../src/index.js';
import { allFixtures, fixtureResponse, logisticFixtures } from './helpers/fixtures.js';
import { mulberry32 } from './helpers/random.js';
import endometrial from './fixtures/endometrial-firth.json';
import iris from './fixtures/iris-separation.json';

beforeAll(async () => {
  await init();
});

const quiet = { onWarning: () => {} };

function logistic(X: number[][], y: number[], options: LogisticOptions = {}): LogisticFit {
  return fitLogistic(X, y, { ...quiet, ...options });
}

function softmax(X: number[][], y: (string | number)[], options: SoftmaxOptions = {}): SoftmaxFit {
  return fitSoftmax(X, y, { ...quiet, ...options });
}

/**
 * Overlapping data (n rows, two Gaussian features, y from a logistic model) plus a 0/1 column
 * `group` that is 1 on `nGroup` rows that all have y = 1: quasi-complete separation (the group's
 * coefficient → +∞, as NV in endometrial), with everything else an ordinary fit.
 */
function quasiSeparated(n: number, nGroup: number, seed: number): { X: number[][]; y: number[] } {
  const rand = mulberry32(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rand() * 4 - 2;
    const b = rand() * 4 - 2;
    const group = i < nGroup ? 1 : 0;
    const yi = group ? 1 : rand() < 1 / (1 + Math.exp(-(0.5 * a - b))) ? 1 : 0;
    X.push([a, b, group]);
    y.push(yi);
  }
  return { X, y };
}

describe('fitLogistic on separated data', () => {
  it('endometrial (HG ~ NV + PI + EH): quasi-complete, NV → +∞, converged false, warning points to firth', () => {
    const fit = logistic(endometrial.X, endometrial.y, { names: endometrial.featureNames });
    expect(fit.converged).toBe(false);
    expect(fit.separation).not.toBeNull();
    expect(fit.separation!.kind).toBe(endometrial.expected.separation);
    expect(fit.separation!.direction).toEqual([0, 1, 0, 0]);
    expect(fit.separation!.coefficients).toEqual(['NV']);
    expect(fit.warnings).toHaveLength(1);
    expect(fit.warnings[0]).toMatch(/quasi-completely separated/);
    expect(fit.warnings[0]).toMatch(/NV → \+∞/);
    expect(fit.warnings[0]).toMatch(/firth: true/);
    expect(fit.summary()).toMatch(/did not converge/);
  });

  it('complete separation: x < 0 → 0, x > 0 → 1', () => {
    const X = [[-3], [-2], [-1], [1], [2], [3]];
    const fit = logistic(X, [0, 0, 0, 1, 1, 1]);
    expect(fit.converged).toBe(false);
    expect(fit.separation).toMatchObject({ kind: 'complete', direction: [0, 1], coefficients: ['x1'] });
  });

  it('quasi-complete separation with a tied boundary row holding both outcomes', () => {
    const X = [[-2], [-1], [0], [0], [1], [2]];
    const fit = logistic(X, [0, 0, 0, 1, 1, 1]);
    expect(fit.converged).toBe(false);
    expect(fit.separation?.kind).toBe('quasi-complete');
    expect(fit.separation?.coefficients).toEqual(['x1']);
  });

  it('is caught when Newton itself passes its convergence test (one coefficient drifting off)', () => {
    // Large n makes |f| large, so Newton's relative test passes while the group coefficient is only
    // moderately large: the criterion in src/models/separation.ts must still send it to the LP.
    const { X, y } = quasiSeparated(3000, 40, 7);
    const fit = logistic(X, y, { names: ['a', 'b', 'group'] });
    expect(fit.converged).toBe(false);
    expect(fit.separation).toMatchObject({ kind: 'quasi-complete', coefficients: ['group'] });
    // and the same with a loose tolerance, where Newton stops earliest
    const loose = logistic(X, y, { names: ['a', 'b', 'group'], tol: 1e-4 });
    expect(loose.converged).toBe(false);
    expect(loose.separation?.coefficients).toEqual(['group']);
    expect(loose.warnings[0]).toMatch(/convergence test passed/);
  });

  it('zero-weight rows do not count: the rows that overlap get weight 0 → separated', () => {
    const X = [[-2], [-1], [1], [2], [0.5], [-0.5]];
    const y = [0, 0, 1, 1, 0, 1];
    expect(logistic(X, y).separation).toBeNull();
    const fit = logistic(X, y, { weights: [1, 1, 1, 1, 0, 0] });
    expect(fit.separation?.kind).toBe('complete');
    expect(fit.converged).toBe(false);
  });

  it('binomial counts: a row with both outcomes at the boundary makes it quasi-complete', () => {
    const X = [[-1], [0], [1]];
    const fit = fitLogistic(X, { successes: [0, 2, 3], failures: [4, 1, 0] }, quiet);
    expect(fit.separation?.kind).toBe('quasi-complete');
    expect(fit.converged).toBe(false);
  });

  it('with a ridge (l2 > 0) or Firth the estimate is finite: no separation report, converged', () => {
    const ridge = logistic(endometrial.X, endometrial.y, { names: endometrial.featureNames, l2: 1 });
    expect(ridge.separation).toBeNull();
    expect(ridge.converged).toBe(true);
    const firth = logistic(endometrial.X, endometrial.y, { names: endometrial.featureNames, firth: true });
    expect(firth.separation).toBeNull();
    expect(firth.converged).toBe(true);
  });

  it('toJSON / fromJSON / loadModel carry the separation report', () => {
    const fit = logistic(endometrial.X, endometrial.y, { names: endometrial.featureNames });
    const text = JSON.stringify(fit);
    const back = LogisticFit.fromJSON(text);
    expect(back.separation).toEqual(fit.separation);
    expect(back.converged).toBe(false);
    const loaded = loadModel(JSON.parse(text)) as LogisticFit;
    expect(loaded.separation?.coefficients).toEqual(['NV']);
  });

  it('data that are not separated report nothing (every ML logistic fixture)', () => {
    for (const f of logisticFixtures()) {
      const options: LogisticOptions = { names: f.featureNames, intercept: f.intercept, ...quiet };
      if (f.weights) options.weights = f.weights;
      const fit = fitLogistic(f.X, fixtureResponse(f), options);
      expect(fit.separation, f.name).toBeNull();
      expect(fit.converged, f.name).toBe(true);
    }
  });
});

describe('fitSoftmax on separated data', () => {
  it('iris (Species ~ all four features): quasi-complete, converged false, warning', () => {
    const fit = softmax(iris.X, iris.labels, { names: iris.featureNames, classes: iris.classes, reference: iris.reference });
    expect(fit.converged).toBe(false);
    expect(fit.separation?.kind).toBe(iris.expected.separation);
    const p = iris.featureNames.length + 1;
    expect(fit.separation!.direction).toHaveLength(p * (iris.classes.length - 1));
    expect(fit.separation!.coefficients.length).toBeGreaterThan(0);
    for (const name of fit.separation!.coefficients) expect(name).toMatch(/^(versicolor|virginica):/);
    expect(fit.warnings[0]).toMatch(/quasi-completely separated/);
    expect(fit.warnings[0]).toMatch(/l2 > 0/);
  });

  it('iris setosa vs the rest (K = 3 labels merged to 2) is completely separated', () => {
    const labels = iris.labels.map((l) => (l === 'setosa' ? 'setosa' : 'other'));
    const fit = softmax(iris.X, labels, { names: iris.featureNames, reference: 'setosa' });
    expect(fit.separation?.kind).toBe('complete');
    // the K = 2 model as a logistic one carries it with feature names
    const asLogistic = fit.toLogistic();
    expect(asLogistic.separation?.kind).toBe('complete');
    for (const name of asLogistic.separation!.coefficients) expect(iris.featureNames.concat('(Intercept)')).toContain(name);
  });

  it('iris versicolor vs virginica alone is not separated', () => {
    const rows = iris.labels.map((l, i) => [l, i] as const).filter(([l]) => l !== 'setosa');
    const fit = softmax(rows.map(([, i]) => iris.X[i]!), rows.map(([l]) => l), { names: iris.featureNames });
    expect(fit.separation).toBeNull();
    expect(fit.converged).toBe(true);
  });

  it('three classes in disjoint x ranges: complete; JSON round trip keeps it', () => {
    const X = [[-3], [-2], [-0.5], [0.5], [2], [3]];
    const fit = softmax(X, ['a', 'a', 'b', 'b', 'c', 'c']);
    expect(fit.separation?.kind).toBe('complete');
    expect(fit.converged).toBe(false);
    const back = SoftmaxFit.fromJSON(JSON.stringify(fit));
    expect(back.separation).toEqual(fit.separation);
  });

  it('softmax fixtures that are not separated report nothing', () => {
    for (const [file, f] of Object.entries(allFixtures)) {
      if (f.model !== 'softmax' || file === 'iris-separation.json') continue;
      const g = f as unknown as {
        X: number[][]; labels?: (string | number)[]; counts?: number[][]; weights?: number[]; featureNames: string[];
        intercept: boolean; classes?: (string | number)[]; reference?: string | number;
      };
      const options: SoftmaxOptions = { names: g.featureNames, intercept: g.intercept, ...quiet };
      if (g.weights) options.weights = g.weights;
      if (g.classes) options.classes = g.classes;
      if (g.reference !== undefined) options.reference = g.reference;
      const fit = fitSoftmax(g.X, g.labels ?? { counts: g.counts! }, options);
      expect(fit.separation, file).toBeNull();
      expect(fit.converged, file).toBe(true);
    }
  });
});
