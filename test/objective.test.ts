// The logistic objective f(β) = −logLik(β) + (l2/2)·Σ_{j ≠ intercept} β_j² on the WASM kernels:
// value, gradient and Hessian against the pure-TS reference and against finite differences;
// the intercept option equals an explicit column of ones; a subsampled Hessian is a scaled
// approximation while the value and the gradient stay exact. The softmax objective's separation
// criterion (min over rows of m · min_k p_k, from the kernel's last pass) against plain TS.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toRowSource } from '../src/input/design.js';
import { LogisticObjective } from '../src/objective/logistic.js';
import { SoftmaxObjective } from '../src/objective/softmax.js';
import { DesignBuffer } from '../src/wasm/design.js';
import { getRuntime, init, type SoftlogitRuntime } from '../src/wasm/module.js';
import {
  invertDense, randomDesign, referenceEvaluate, relativeError, solveDense, withIntercept,
} from './helpers/reference.js';
import { gaussian, mulberry32 } from './helpers/random.js';
import { FINITE_DIFFERENCE_RTOL, LINALG_RTOL, SUM_RTOL } from './helpers/tolerances.js';

/**
 * A subsampled Hessian (every k-th panel of 256 random homogeneous rows, scaled up) estimates the
 * whole one with a relative error of ~1/√(rows used) ≈ 5% at k = 7 here; 30% still catches a
 * missing or doubled scale factor (100% off). The lower bound 1e-6 shows it is not the exact one.
 */
const SUBSAMPLE_RTOL = 0.3;
const SUBSAMPLE_DIFFERS = 1e-6;

let runtime: SoftlogitRuntime;
const open: { dispose(): void }[] = [];

beforeAll(async () => {
  await init();
  runtime = getRuntime('objective.test');
});

afterEach(() => {
  for (const o of open.splice(0)) o.dispose();
});

interface Problem {
  X: number[][];
  successes: number[];
  trials: number[];
  offset: number[] | null;
}

/** A random problem: weights in [0, 2] (some 0), 0/1 outcomes, optional offset. */
function randomProblem(seed: number, nRows: number, nFeatures: number, withOffset = false): Problem {
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const X = randomDesign(rand, nRows, nFeatures, [1, 2, 0.5, 1.5, 1]);
  const trials = X.map(() => (rand() < 0.1 ? 0 : 2 * rand()));
  const successes = X.map((row, i) => (rand() < 1 / (1 + Math.exp(-(0.3 + row[0]! * 0.8))) ? trials[i]! : 0));
  const offset = withOffset ? X.map(() => 0.3 * normal()) : null;
  return { X, successes, trials, offset };
}

function objectiveFor(problem: Problem, intercept: boolean, l2 = 0): LogisticObjective {
  const design = DesignBuffer.copy(runtime, toRowSource(problem.X, 'objective.test'), intercept, 'objective.test');
  const objective = new LogisticObjective({
    design,
    successes: Float64Array.from(problem.successes),
    trials: Float64Array.from(problem.trials),
    offset: problem.offset ? Float64Array.from(problem.offset) : null,
    l2,
    interceptIndex: intercept ? 0 : -1,
  });
  open.push({ dispose: () => { objective.dispose(); design.free(); } });
  return objective;
}

/** Reference value, gradient and Hessian of f (with the ridge on every column but the intercept). */
function referenceObjective(problem: Problem, coef: number[], intercept: boolean, l2 = 0) {
  const full = intercept ? withIntercept(problem.X) : problem.X;
  const ev = referenceEvaluate(full, coef, problem.successes, problem.trials, problem.offset);
  const penalized = (j: number) => !(intercept && j === 0);
  const penalty = coef.reduce((s, b, j) => s + (penalized(j) ? 0.5 * l2 * b * b : 0), 0);
  return {
    value: -ev.logLik + penalty,
    valueScale: ev.logLikScale + penalty,
    gradient: ev.score.map((s, j) => -s + (penalized(j) ? l2 * coef[j]! : 0)),
    gradientScale: ev.scoreScale.map((s, j) => s + (penalized(j) ? l2 * Math.abs(coef[j]!) : 0)),
    hessian: ev.information.map((row, j) => row.map((v, k) => v + (j === k && penalized(j) ? l2 : 0))),
    hessianScale: ev.informationScale,
  };
}

/** The Hessian the objective holds, recovered by inverting its inverseHessian() (pure TS). */
function hessianOf(objective: LogisticObjective): number[][] {
  const p = objective.nParams;
  const inv = objective.inverseHessian();
  return invertDense(Array.from({ length: p }, (_, i) => Array.from(inv.subarray(i * p, (i + 1) * p))));
}

const shapes: [nRows: number, nFeatures: number, intercept: boolean, offset: boolean, l2: number][] = [
  [40, 1, true, false, 0],
  [300, 3, true, true, 0],
  [257, 4, false, false, 0],
  [600, 5, true, false, 2.5],
  [120, 2, false, true, 0.7],
];

describe('LogisticObjective against the reference', () => {
  it.each(shapes)('%i rows x %i features (intercept %s, offset %s, l2 %s): value, gradient, Hessian', (nRows, nFeatures, intercept, withOffset, l2) => {
    const problem = randomProblem(nRows + nFeatures, nRows, nFeatures, withOffset);
    const objective = objectiveFor(problem, intercept, l2);
    const p = nFeatures + (intercept ? 1 : 0);
    expect(objective.nParams).toBe(p);
    const coef = Array.from({ length: p }, (_, j) => 0.2 * (j + 1) * (j % 2 ? -1 : 1));
    const value = objective.evaluate(Float64Array.from(coef), 'hessian');
    const ref = referenceObjective(problem, coef, intercept, l2);
    expect(Math.abs(value - ref.value)).toBeLessThanOrEqual(SUM_RTOL * ref.valueScale);
    const g = objective.gradient();
    for (let j = 0; j < p; j++) expect(Math.abs(g[j]! - ref.gradient[j]!)).toBeLessThanOrEqual(SUM_RTOL * ref.gradientScale[j]!);
    const H = hessianOf(objective);
    const scale = Math.max(...ref.hessian.flat().map(Math.abs));
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < p; k++) expect(Math.abs(H[j]![k]! - ref.hessian[j]![k]!)).toBeLessThanOrEqual(LINALG_RTOL * scale);
    }
    // the Newton direction solves H d = −g and its decrement is −gᵀd
    const step = objective.newtonDirection();
    if (!step.ok) throw new Error('unexpected singular Hessian');
    const d = solveDense(ref.hessian, ref.gradient.map((v) => -v));
    for (let j = 0; j < p; j++) expect(relativeError(step.direction[j]!, d[j]!)).toBeLessThanOrEqual(LINALG_RTOL);
    const decrement = -ref.gradient.reduce((s, gj, j) => s + gj * d[j]!, 0);
    expect(relativeError(step.decrement, decrement)).toBeLessThanOrEqual(LINALG_RTOL);
  });

  it("level 'value' computes the same value as 'hessian' and does not touch the gradient", () => {
    const problem = randomProblem(7, 300, 3);
    const objective = objectiveFor(problem, true);
    const a = Float64Array.of(0.1, 0.2, -0.3, 0.4);
    const b = Float64Array.of(-0.5, 0.1, 0.1, 0.1);
    const full = objective.evaluate(a, 'hessian');
    const gradientAtA = objective.gradient().slice();
    const valueOnly = objective.evaluate(b, 'value');
    expect(objective.gradient()).toEqual(gradientAtA);
    expect(objective.evaluate(a, 'value')).toBe(full);
    expect(valueOnly).toBe(objective.evaluate(b, 'gradient'));
  });

  it('value and gradient agree with the reference at random points (property)', () => {
    const problem = randomProblem(11, 200, 3, true);
    const objective = objectiveFor(problem, true, 0.3);
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }), (coef) => {
        const value = objective.evaluate(Float64Array.from(coef), 'gradient');
        const ref = referenceObjective(problem, coef, true, 0.3);
        expect(Math.abs(value - ref.value)).toBeLessThanOrEqual(SUM_RTOL * ref.valueScale);
        const g = objective.gradient();
        for (let j = 0; j < 4; j++) expect(Math.abs(g[j]! - ref.gradient[j]!)).toBeLessThanOrEqual(SUM_RTOL * ref.gradientScale[j]! + 1e-300);
      }),
      { numRuns: 100 },
    );
  });
});

describe('finite differences', () => {
  it.each(shapes)('%i rows x %i features (intercept %s, offset %s, l2 %s): gradient and Hessian match central differences', (nRows, nFeatures, intercept, withOffset, l2) => {
    const problem = randomProblem(3 * nRows + nFeatures, nRows, nFeatures, withOffset);
    const objective = objectiveFor(problem, intercept, l2);
    const p = objective.nParams;
    const coef = Float64Array.from({ length: p }, (_, j) => 0.3 - 0.15 * j);
    objective.evaluate(coef, 'hessian');
    const gradient = objective.gradient().slice();
    const H = hessianOf(objective);
    const gradientScale = Math.max(1, ...Array.from(gradient, Math.abs));
    const hessianScale = Math.max(...H.flat().map(Math.abs));
    for (let j = 0; j < p; j++) {
      const h = 1e-5 * (1 + Math.abs(coef[j]!));
      const plus = coef.slice();
      const minus = coef.slice();
      plus[j] = plus[j]! + h;
      minus[j] = minus[j]! - h;
      const fPlus = objective.evaluate(plus, 'gradient');
      const gPlus = objective.gradient().slice();
      const fMinus = objective.evaluate(minus, 'gradient');
      const gMinus = objective.gradient().slice();
      const h2 = plus[j]! - minus[j]!; // the step actually taken, after rounding
      expect(Math.abs((fPlus - fMinus) / h2 - gradient[j]!)).toBeLessThanOrEqual(FINITE_DIFFERENCE_RTOL * gradientScale);
      for (let k = 0; k < p; k++) {
        expect(Math.abs((gPlus[k]! - gMinus[k]!) / h2 - H[k]![j]!)).toBeLessThanOrEqual(FINITE_DIFFERENCE_RTOL * hessianScale);
      }
    }
  });
});

describe('intercept option', () => {
  it.each([[0], [1.5]])('equals an explicit column of ones (l2 = %s, intercept not penalized either way)', (l2) => {
    const problem = randomProblem(21, 333, 3, true);
    const implicit = objectiveFor(problem, true, l2);
    const explicitProblem = { ...problem, X: withIntercept(problem.X) };
    const design = DesignBuffer.copy(runtime, toRowSource(explicitProblem.X, 't'), false, 't');
    const explicit = new LogisticObjective({
      design,
      successes: Float64Array.from(problem.successes),
      trials: Float64Array.from(problem.trials),
      offset: Float64Array.from(problem.offset!),
      l2,
      interceptIndex: 0,
    });
    open.push({ dispose: () => { explicit.dispose(); design.free(); } });
    const coef = Float64Array.of(0.4, -0.2, 0.1, 0.3);
    // The panels hold the same numbers, so every result is identical, not just close.
    expect(implicit.evaluate(coef, 'hessian')).toBe(explicit.evaluate(coef, 'hessian'));
    expect(implicit.gradient()).toEqual(explicit.gradient());
    expect(implicit.inverseHessian()).toEqual(explicit.inverseHessian());
    expect(implicit.newtonDirection()).toEqual(explicit.newtonDirection());
  });
});

describe('hessianSubsample', () => {
  // 6 full panels and a partial one: 7 panels of 256 rows.
  const nRows = 256 * 6 + 100;

  it.each([2, 3, 7, 50])('stride %i: value and gradient exact; Hessian = (nPanels / panels used) x the subsample information', (stride) => {
    const problem = randomProblem(31 + stride, nRows, 3);
    const objective = objectiveFor(problem, true);
    const coef = Float64Array.of(0.2, 0.5, -0.3, 0.1);
    const exactValue = objective.evaluate(coef, 'hessian', 1);
    const exactGradient = objective.gradient().slice();
    const exactHessian = hessianOf(objective);
    const value = objective.evaluate(coef, 'hessian', stride);
    expect(value).toBe(exactValue);
    expect(objective.gradient()).toEqual(exactGradient);
    const nPanels = 7;
    const effective = Math.min(stride, nPanels);
    const used = Math.ceil(nPanels / effective);
    const inSubsample = (i: number) => Math.floor(i / 256) % effective === 0;
    const sub = referenceEvaluate(withIntercept(problem.X), Array.from(coef), problem.successes, problem.trials, null, inSubsample);
    const H = hessianOf(objective);
    const scale = Math.max(...exactHessian.flat().map(Math.abs));
    for (let j = 0; j < 4; j++) {
      for (let k = 0; k < 4; k++) {
        expect(Math.abs(H[j]![k]! - (nPanels / used) * sub.information[j]![k]!)).toBeLessThanOrEqual(LINALG_RTOL * scale);
      }
    }
    // An approximation, not the exact Hessian (the subsample differs from the whole) …
    expect(Math.abs(H[1]![1]! - exactHessian[1]![1]!)).toBeGreaterThan(SUBSAMPLE_DIFFERS * scale);
    // … of the right size on the diagonal.
    for (let j = 0; j < 4; j++) expect(relativeError(H[j]![j]!, exactHessian[j]![j]!)).toBeLessThan(SUBSAMPLE_RTOL);
  });

  it('stride 1 and strides beyond one panel give the exact Hessian when there is one panel', () => {
    const problem = randomProblem(41, 200, 2);
    const objective = objectiveFor(problem, true);
    const coef = Float64Array.of(0.1, 0.2, 0.3);
    objective.evaluate(coef, 'hessian', 1);
    const exact = objective.inverseHessian();
    objective.evaluate(coef, 'hessian', 4);
    expect(objective.inverseHessian()).toEqual(exact);
  });
});

describe('rowSubsample (the warm start) with a Hessian stride of its own', () => {
  // 6 full panels and a partial one: 7 panels of 256 rows; the row subsample takes panels 0, 2,
  // 4, 6 and its Hessian every 4th panel of the design: 0 and 4.
  const nRows = 256 * 6 + 100;

  it('value and gradient are the subsample\'s; the Hessian is the full objective\'s at the same stride, bit for bit', () => {
    const problem = randomProblem(53, nRows, 3);
    const objective = objectiveFor(problem, true);
    expect(objective.rowBlocks).toBe(7);
    const coef = Float64Array.of(0.2, 0.5, -0.3, 0.1);
    const sub = objective.rowSubsample(2);
    const value = sub.evaluate(coef, 'hessian', 1);
    const gradient = objective.gradient().slice();
    const own = objective.inverseHessian();
    expect(sub.evaluate(coef, 'hessian', 4)).toBe(value);
    expect(objective.gradient()).toEqual(gradient);
    const thinned = objective.inverseHessian();
    expect(thinned).not.toEqual(own);
    objective.evaluate(coef, 'hessian', 4);
    expect(objective.inverseHessian()).toEqual(thinned);
    // the subsample's own panels: the same with stride 1 or its own step
    sub.evaluate(coef, 'hessian', 2);
    expect(objective.inverseHessian()).toEqual(own);
  });

  it('refuses a Hessian stride that is not a multiple of the step', () => {
    const objective = objectiveFor(randomProblem(54, nRows, 2), true);
    expect(() => objective.rowSubsample(2).evaluate(Float64Array.of(0, 0, 0), 'hessian', 3)).toThrow(RangeError);
  });
});

describe('a column X\'WX cannot hold (issue #12): rescaled internally, reported as given', () => {
  /**
   * Column 1 times 2^-560 (exact): the information of that column (~2^-1120) underflows, so the design
   * rescales it by a power of two (also exact) and the system converts at its edges. The value is
   * then the same sums in the same order as for the unscaled design, and gradient, direction and
   * covariance are the unscaled ones times powers of two: equal to rounding (measured 0 to 1e-16).
   */
  const EXACT_RTOL = 1e-14;
  const FACTOR = 2 ** -560;

  it('value, gradient, Newton direction and inverse Hessian transform exactly', () => {
    const problem = randomProblem(41, 300, 2);
    const scaled = { ...problem, X: problem.X.map(([a, b]) => [a!, b! * FACTOR]) };
    const base = objectiveFor(problem, true);
    const tiny = objectiveFor(scaled, true);
    const coef = [0.2, -0.4, 0.7];
    const units = [1, 1, FACTOR]; // β of the scaled column is β / FACTOR
    const valueBase = base.evaluate(Float64Array.from(coef), 'hessian');
    const valueTiny = tiny.evaluate(Float64Array.from(coef, (b, j) => b / units[j]!), 'hessian');
    expect(relativeError(valueTiny, valueBase)).toBeLessThanOrEqual(EXACT_RTOL);
    const gBase = base.gradient();
    const gTiny = tiny.gradient();
    for (let j = 0; j < 3; j++) expect(relativeError(gTiny[j]! / units[j]!, gBase[j]!)).toBeLessThanOrEqual(EXACT_RTOL);
    const dBase = base.newtonDirection();
    const dTiny = tiny.newtonDirection();
    if (!dBase.ok || !dTiny.ok) throw new Error('expected full rank');
    for (let j = 0; j < 3; j++) expect(relativeError(dTiny.direction[j]! * units[j]!, dBase.direction[j]!)).toBeLessThanOrEqual(EXACT_RTOL);
    expect(relativeError(dTiny.decrement, dBase.decrement)).toBeLessThanOrEqual(EXACT_RTOL);
    const vBase = base.inverseHessian();
    const vTiny = tiny.inverseHessian();
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) {
        // the variance of β / 2^-560 (~2^1120) is beyond a double: Infinity, as R's would be
        if (j === 2 && k === 2) expect(vTiny[8]).toBe(Infinity);
        else expect(relativeError(vTiny[j * 3 + k]! * units[j]! * units[k]!, vBase[j * 3 + k]!)).toBeLessThanOrEqual(EXACT_RTOL);
      }
    }
  });
});

describe('memory', () => {
  it('dispose() returns every byte the objective took', () => {
    const before = runtime.heap.allocatedBytes;
    const problem = randomProblem(51, 700, 4, true);
    const design = DesignBuffer.copy(runtime, toRowSource(problem.X, 't'), true, 't');
    const objective = new LogisticObjective({
      design,
      successes: Float64Array.from(problem.successes),
      trials: Float64Array.from(problem.trials),
      offset: Float64Array.from(problem.offset!),
      l2: 0,
      interceptIndex: 0,
    });
    expect(runtime.heap.allocatedBytes).toBeGreaterThan(before);
    objective.evaluate(new Float64Array(5), 'hessian');
    objective.dispose();
    design.free();
    expect(runtime.heap.allocatedBytes).toBe(before);
  });
});

describe('SoftmaxObjective: the separation criterion from the kernel', () => {
  /** min over rows with m > 0 of m · min_k p_k, in plain TS (reference class 0 has η = 0). */
  function referenceTail(X: number[][], counts: number[][], B: number[][]): number {
    let tail = Infinity;
    X.forEach((row, i) => {
      const m = counts[i]!.reduce((a, b) => a + b, 0);
      if (!(m > 0)) return;
      const eta = [0, ...B.map((b) => b.reduce((s, bj, j) => s + bj * (j === 0 ? 1 : row[j - 1]!), 0))];
      const max = Math.max(...eta);
      const sum = eta.reduce((s, e) => s + Math.exp(e - max), 0);
      const smallest = Math.min(...eta.map((e) => Math.exp(e - max) / sum));
      tail = Math.min(tail, m * smallest);
    });
    return tail;
  }

  it.each([[300, 3, 4], [700, 2, 3], [40, 5, 6]])('%i rows x %i features, %i classes: min over rows of m · min_k p_k, at the last point evaluated', (nRows, nFeatures, K) => {
    const rand = mulberry32(nRows * 13 + K);
    const X = randomDesign(rand, nRows, nFeatures, [1, 2, 0.5, 1.5, 1]);
    // weights in [0, 3], some rows 0 (they do not count), one class per row
    const counts = X.map(() => {
      const row = new Array<number>(K).fill(0);
      row[Math.floor(rand() * K)] = rand() < 0.1 ? 0 : 3 * rand();
      return row;
    });
    const design = DesignBuffer.copy(runtime, toRowSource(X, 'objective.test'), true, 'objective.test');
    const objective = new SoftmaxObjective({ design, nClasses: K, counts: Float64Array.from(counts.flat()), l2: 0, interceptIndex: 0 });
    open.push({ dispose: () => { objective.dispose(); design.free(); } });
    expect(objective.smallestWeightedProbability()).toBe(Infinity);
    for (const scale of [0.3, 4]) {
      const B = Array.from({ length: K - 1 }, (_, c) => Array.from({ length: nFeatures + 1 }, (_, j) => scale * Math.sin(3 * c + j + 1)));
      objective.evaluate(Float64Array.from(B.flat()), 'value');
      const expected = referenceTail(X, counts, B);
      expect(Math.abs(objective.smallestWeightedProbability() - expected)).toBeLessThanOrEqual(SUM_RTOL * expected);
    }
  });
});
