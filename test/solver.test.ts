// The Newton solver (src/solver/newton.ts) through the Objective interface only: pure-TS objectives
// written here, and the WASM logistic objective on the UCLA fixture. Checks the stop rule (relative
// change of f below tol, then the gradient at rounding level), non-convergence reporting, step
// halving, singular Hessians, and Hessian subsampling.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fitLogistic } from '../src/models/logistic.js';
import { toRowSource } from '../src/input/design.js';
import { LogisticObjective } from '../src/objective/logistic.js';
import type { EvaluationLevel, NewtonDirection, Objective } from '../src/objective/types.js';
import { newton, type IterationProgress } from '../src/solver/newton.js';
import { DesignBuffer } from '../src/wasm/design.js';
import { getRuntime, init, type SoftlogitRuntime } from '../src/wasm/module.js';
import { logisticFixture } from './helpers/fixtures.js';
import {
  drawBinary, fitReference, invertDense, randomDesign, referenceEvaluate, relativeError, solveDense, withIntercept,
} from './helpers/reference.js';
import { mulberry32 } from './helpers/random.js';
import { FIXTURE_TOLERANCES, SAME_FIT_RTOL, SCALED_SCORE_AT_OPTIMUM } from './helpers/tolerances.js';

let runtime: SoftlogitRuntime;
const open: (() => void)[] = [];

beforeAll(async () => {
  await init();
  runtime = getRuntime('solver.test');
});

afterEach(() => {
  for (const dispose of open.splice(0)) dispose();
});

/** The solver's default tolerance in fitLogistic (src/models/options.ts). */
const TOL = 1e-10;
/**
 * The scaled score two Newton iterations from β = 0 on UCLA is ~1e-3: far from the optimum. Any
 * bound well above SCALED_SCORE_AT_OPTIMUM shows that check can fail; 1e-6 is one.
 */
const SHORT_OF_OPTIMUM = 1e-6;
/** The line search accepts f rising by 1e-13 relative (newton.ts ACCEPT_SLACK): rounding noise. */
const ACCEPT_SLACK = 1e-13;

interface Smooth {
  value: number;
  gradient: number[];
  hessian: number[][];
}

/** An Objective over a pure-TS function, recording every evaluation. */
class FunctionObjective implements Objective {
  readonly nParams: number;
  readonly calls: { point: number[]; level: EvaluationLevel; subsample: number }[] = [];
  private last: Smooth | null = null;
  private lastHessian: number[][] | null = null;
  private readonly f: (x: number[]) => Smooth;
  private readonly direction: (H: number[][], g: number[]) => NewtonDirection;

  constructor(nParams: number, f: (x: number[]) => Smooth, direction?: (H: number[][], g: number[]) => NewtonDirection) {
    this.nParams = nParams;
    this.f = f;
    this.direction = direction ?? ((H, g) => {
      const d = solveDense(H, g.map((v) => -v));
      return { ok: true, direction: Float64Array.from(d), decrement: -g.reduce((s, gj, j) => s + gj * d[j]!, 0) };
    });
  }

  evaluate(coefficients: Float64Array, level: EvaluationLevel, hessianSubsample = 1): number {
    const point = Array.from(coefficients);
    this.calls.push({ point, level, subsample: hessianSubsample });
    const r = this.f(point);
    if (level !== 'value') this.last = r;
    if (level === 'hessian') this.lastHessian = r.hessian;
    return r.value;
  }

  gradient(): Float64Array {
    return Float64Array.from(this.last!.gradient);
  }

  newtonDirection(): NewtonDirection {
    return this.direction(this.lastHessian!, this.last!.gradient);
  }

  inverseHessian(): Float64Array {
    return Float64Array.from(invertDense(this.lastHessian!).flat());
  }

  dispose(): void {}
}

/** f(x) = Σ sqrt(1 + x_j²): convex, minimum 0 at 0, and a full Newton step from |x| > 1 overshoots (x → −x³). */
function softAbs(x: number[]): Smooth {
  return {
    value: x.reduce((s, v) => s + Math.sqrt(1 + v * v), 0),
    gradient: x.map((v) => v / Math.sqrt(1 + v * v)),
    hessian: x.map((v, i) => x.map((_, j) => (i === j ? (1 + v * v) ** -1.5 : 0))),
  };
}

/** The pure-TS logistic objective −logLik on a problem with a ones column. */
function logisticSmooth(X: number[][], y: number[]): (b: number[]) => Smooth {
  const trials = y.map(() => 1);
  return (b) => {
    const ev = referenceEvaluate(X, b, y, trials);
    return { value: -ev.logLik, gradient: ev.score.map((s) => -s), hessian: ev.information };
  };
}

/** The WASM logistic objective on a fixture-shaped problem (intercept added). */
function wasmObjective(X: number[][], successes: number[], trials: number[]): LogisticObjective {
  const design = DesignBuffer.copy(runtime, toRowSource(X, 'solver.test'), true, 'solver.test');
  const objective = new LogisticObjective({
    design, successes: Float64Array.from(successes), trials: Float64Array.from(trials), offset: null, l2: 0, interceptIndex: 0,
  });
  open.push(() => { objective.dispose(); design.free(); });
  return objective;
}

/** max_j |score_j| / Σ_i |x_ij| t_i at `coef`, in compensated pure-TS arithmetic. */
function scaledScore(Xfull: number[][], coef: ArrayLike<number>, successes: number[], trials: number[]): number {
  const ev = referenceEvaluate(Xfull, Array.from(coef), successes, trials);
  return Math.max(...ev.score.map((s, j) => Math.abs(s) / ev.scoreMagnitude[j]!));
}

const ucla = logisticFixture('ucla-admissions');
const uclaY = ucla.y!;
const uclaOnes = uclaY.map(() => 1);

describe('stop rule', () => {
  it('UCLA: stops with the score at rounding level (max |Xᵀ(y − p)|_j / Σ|x_ij| ≤ 1e-12), reproducing R', () => {
    const objective = wasmObjective(ucla.X, uclaY, uclaOnes);
    const progress: IterationProgress[] = [];
    const result = newton(objective, new Float64Array(3), { maxIter: 50, tol: TOL, onIteration: (p) => progress.push(p) });
    expect(result.converged).toBe(true);
    expect(result.reason).toBeUndefined();
    const score = scaledScore(withIntercept(ucla.X), result.coefficients, uclaY, uclaOnes);
    expect(score).toBeLessThanOrEqual(SCALED_SCORE_AT_OPTIMUM);
    // the relative change of f over the last counted iteration is below tol (R's deviance rule)
    const [before, last] = progress.slice(-2).map((p) => p.value) as [number, number];
    expect(Math.abs(before - last) / (Math.abs(last) + 0.1)).toBeLessThanOrEqual(TOL);
    for (let j = 0; j < 3; j++) expect(relativeError(result.coefficients[j]!, ucla.expected.coefficients[j]!)).toBeLessThanOrEqual(FIXTURE_TOLERANCES.ucla.coefficients);
  });

  it('the scaled-score check does fail for a point short of the optimum (two iterations)', () => {
    const objective = wasmObjective(ucla.X, uclaY, uclaOnes);
    const result = newton(objective, new Float64Array(3), { maxIter: 2, tol: TOL });
    expect(result.converged).toBe(false);
    expect(scaledScore(withIntercept(ucla.X), result.coefficients, uclaY, uclaOnes)).toBeGreaterThan(SHORT_OF_OPTIMUM);
  });

  it.each([[1], [2], [3]])('random problem %i: the gradient at the returned point is at rounding level', (seed) => {
    const rand = mulberry32(seed);
    const X = randomDesign(rand, 500 + 200 * seed, 4, [1, 10, 0.1, 100], [0, 5, 0, -50]);
    const y = drawBinary(rand, withIntercept(X), [0.2, 0.5, -1, 8, 0.01]);
    const ones = y.map(() => 1);
    const objective = wasmObjective(X, y, ones);
    const result = newton(objective, new Float64Array(5), { maxIter: 50, tol: TOL });
    expect(result.converged).toBe(true);
    expect(scaledScore(withIntercept(X), result.coefficients, y, ones)).toBeLessThanOrEqual(SCALED_SCORE_AT_OPTIMUM);
    const ref = fitReference(withIntercept(X), y, ones);
    for (let j = 0; j < 5; j++) expect(relativeError(result.coefficients[j]!, ref.coefficients[j]!)).toBeLessThanOrEqual(SAME_FIT_RTOL);
  });

  it('leaves the objective evaluated (exact Hessian) at the returned coefficients', () => {
    const rand = mulberry32(9);
    const X = withIntercept(randomDesign(rand, 80, 2));
    const y = drawBinary(rand, X, [0.5, 1, -1]);
    const objective = new FunctionObjective(3, logisticSmooth(X, y));
    const result = newton(objective, new Float64Array(3), { maxIter: 50, tol: TOL });
    const last = objective.calls.at(-1)!;
    expect(last.level).toBe('hessian');
    expect(last.subsample).toBe(1);
    expect(last.point).toEqual(Array.from(result.coefficients));
  });

  it('does not modify the start vector', () => {
    const start = Float64Array.of(3, -2);
    newton(new FunctionObjective(2, softAbs), start, { maxIter: 50, tol: TOL });
    expect(Array.from(start)).toEqual([3, -2]);
  });
});

describe('non-convergence is reported', () => {
  it('maxIter: 1 stops after one iteration with converged false and reason maxIter', () => {
    const objective = wasmObjective(ucla.X, uclaY, uclaOnes);
    const result = newton(objective, new Float64Array(3), { maxIter: 1, tol: TOL });
    expect(result).toMatchObject({ iterations: 1, converged: false, reason: 'maxIter' });
  });

  it('maxIter: 0 returns the start with converged false', () => {
    const objective = wasmObjective(ucla.X, uclaY, uclaOnes);
    const result = newton(objective, Float64Array.of(-1, 0, 0), { maxIter: 0, tol: TOL });
    expect(result).toMatchObject({ iterations: 0, converged: false, reason: 'maxIter' });
    expect(Array.from(result.coefficients)).toEqual([-1, 0, 0]);
  });

  it('fitLogistic with maxIter: 1 warns (onWarning and fit.warnings), never silently', () => {
    const onWarning = vi.fn();
    const fit = fitLogistic(ucla.X, uclaY, { maxIter: 1, onWarning });
    expect(fit.converged).toBe(false);
    expect(fit.iterations).toBe(1);
    expect(onWarning).toHaveBeenCalledTimes(1);
    expect(onWarning.mock.calls[0]![0]).toMatch(/did not converge in 1 iteration/);
    expect(fit.warnings).toHaveLength(1);
    expect(fit.summary()).toMatch(/did not converge/);
  });

  it('fitLogistic with maxIter: 1 and no onWarning writes the warning with console.warn', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      fitLogistic(ucla.X, uclaY, { maxIter: 1 });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/did not converge/);
    } finally {
      warn.mockRestore();
    }
  });

  it('a converged fit raises no warning', () => {
    const onWarning = vi.fn();
    const fit = fitLogistic(ucla.X, uclaY, { onWarning });
    expect(fit.converged).toBe(true);
    expect(onWarning).not.toHaveBeenCalled();
    expect(fit.warnings).toEqual([]);
  });

  it('reports a failed line search (no decrease along the direction) as reason lineSearch', () => {
    // An objective whose "Newton direction" points uphill.
    const uphill = new FunctionObjective(1, softAbs, (_H, g) => ({ ok: true, direction: Float64Array.of(g[0]!), decrement: 1 }));
    const result = newton(uphill, Float64Array.of(2), { maxIter: 50, tol: TOL });
    expect(result).toMatchObject({ converged: false, reason: 'lineSearch', iterations: 0 });
    expect(result.coefficients[0]).toBe(2);
  });

  it('returns the aliased parameter when the Hessian is singular', () => {
    const singular = new FunctionObjective(3, softAbs, () => ({ ok: false, aliased: 2 }));
    const result = newton(singular, new Float64Array(3), { maxIter: 50, tol: TOL });
    expect(result).toMatchObject({ converged: false, aliased: 2 });
  });
});

describe('step halving and progress', () => {
  it('halves an overshooting Newton step and still converges (f = Σ√(1 + x²) from x = 2)', () => {
    const progress: IterationProgress[] = [];
    const objective = new FunctionObjective(2, softAbs);
    const result = newton(objective, Float64Array.of(2, -1.5), { maxIter: 100, tol: TOL, onIteration: (p) => progress.push(p) });
    expect(result.converged).toBe(true);
    expect(progress[0]!.stepSize).toBeLessThan(1);
    // f = Σ√(1 + x²) ≈ n + ‖x‖²/2 near 0: converged to the relative tol means ‖x‖ ≲ √(tol·n)
    expect(Math.max(...Array.from(result.coefficients, Math.abs))).toBeLessThan(Math.sqrt(TOL * 2));
  });

  it('reports iterations 1, 2, … with non-increasing values and step sizes in (0, 1]', () => {
    const progress: IterationProgress[] = [];
    const objective = wasmObjective(ucla.X, uclaY, uclaOnes);
    const result = newton(objective, new Float64Array(3), { maxIter: 50, tol: TOL, onIteration: (p) => progress.push(p) });
    expect(progress.map((p) => p.iteration)).toEqual(Array.from({ length: result.iterations }, (_, k) => k + 1));
    for (let k = 1; k < progress.length; k++) expect(progress[k]!.value).toBeLessThanOrEqual(progress[k - 1]!.value * (1 + ACCEPT_SLACK));
    for (const p of progress) {
      expect(p.stepSize).toBeGreaterThan(0);
      expect(p.stepSize).toBeLessThanOrEqual(1);
      expect(p.decrement).toBeGreaterThanOrEqual(0);
    }
  });

  it('converges on a pure-TS logistic objective to the reference fit', () => {
    const rand = mulberry32(17);
    const X = withIntercept(randomDesign(rand, 150, 3));
    const y = drawBinary(rand, X, [-0.5, 1, 0.3, -2]);
    const result = newton(new FunctionObjective(4, logisticSmooth(X, y)), new Float64Array(4), { maxIter: 50, tol: TOL });
    const ref = fitReference(X, y, y.map(() => 1));
    expect(result.converged).toBe(true);
    for (let j = 0; j < 4; j++) expect(relativeError(result.coefficients[j]!, ref.coefficients[j]!)).toBeLessThanOrEqual(SAME_FIT_RTOL);
  });
});

describe('hessianSubsample', () => {
  it('early subsampled Hessians reach the same MLE, finishing on the exact Hessian', () => {
    const rand = mulberry32(23);
    const X = randomDesign(rand, 256 * 12 + 30, 3);
    const y = drawBinary(rand, withIntercept(X), [0.3, 1, -0.5, 0.25]);
    const ones = y.map(() => 1);
    const exact = newton(wasmObjective(X, y, ones), new Float64Array(4), { maxIter: 50, tol: TOL });
    const objective = wasmObjective(X, y, ones);
    const sub = newton(objective, new Float64Array(4), { maxIter: 50, tol: TOL, hessianSubsample: 4 });
    expect(sub.converged).toBe(true);
    for (let j = 0; j < 4; j++) expect(relativeError(sub.coefficients[j]!, exact.coefficients[j]!)).toBeLessThanOrEqual(SAME_FIT_RTOL);
    // the objective's final Hessian is the exact one at the returned point
    const covariance = objective.inverseHessian();
    objective.evaluate(sub.coefficients, 'hessian', 1);
    expect(objective.inverseHessian()).toEqual(covariance);
  });

  // A subsample that sees a tenth of the curvature takes steps ten times too long: the first one is
  // halved. One that sees three times the curvature takes full steps a third as long: λ² shrinks
  // by only ~(2/3)² per step, linearly. Either way, from the first such step on every Hessian must
  // be exact (before issue #12 the solver went on with the subsample, at linear speed, until λ²
  // fell below 1e-6 |f|).
  for (const { scale, halved, maxSubsampled } of [
    { scale: 1 / 10, halved: true, maxSubsampled: 2 },
    { scale: 3, halved: false, maxSubsampled: 3 },
  ]) it(`hands over to the exact Hessian for good once subsampled steps stop being Newton-like (Hessian × ${scale}; issue #12)`, () => {
    const rand = mulberry32(31);
    const X = withIntercept(randomDesign(rand, 200, 2));
    const y = drawBinary(rand, X, [0.2, 1.5, -1]);
    const exactSmooth = logisticSmooth(X, y);
    let subsample = 1;
    const objective = new FunctionObjective(3, (b) => {
      const r = exactSmooth(b);
      return subsample > 1 ? { ...r, hessian: r.hessian.map((row) => row.map((v) => v * scale)) } : r;
    });
    const evaluate = objective.evaluate.bind(objective);
    objective.evaluate = (coefficients, level, hessianSubsample = 1) => {
      subsample = hessianSubsample;
      return evaluate(coefficients, level, hessianSubsample);
    };
    const exact = newton(new FunctionObjective(3, exactSmooth), new Float64Array(3), { maxIter: 50, tol: TOL });
    const steps: IterationProgress[] = [];
    const result = newton(objective, new Float64Array(3), { maxIter: 50, tol: TOL, hessianSubsample: 4, onIteration: (p) => steps.push(p) });
    expect(result.converged).toBe(true);
    expect(steps[0]!.stepSize < 1).toBe(halved);
    const subsamples = objective.calls.filter((c) => c.level === 'hessian').map((c) => c.subsample);
    const firstExact = subsamples.indexOf(1);
    expect(subsamples.slice(firstExact).every((k) => k === 1)).toBe(true);
    // the start and the first step's trial (and the second's, when it takes λ² to tell): no more
    expect(subsamples.filter((k) => k > 1).length).toBeLessThanOrEqual(maxSubsampled);
    // and exact Newton's iterations, give or take the halved step
    expect(result.iterations).toBeLessThanOrEqual(exact.iterations + 2);
    for (let j = 0; j < 3; j++) expect(relativeError(result.coefficients[j]!, exact.coefficients[j]!)).toBeLessThanOrEqual(SAME_FIT_RTOL);
  });

  it('keeps the subsample while its steps are Newton-like (well-conditioned data: the speed it is there for)', () => {
    // 40,000 rows, 157 panels: fitLogistic would subsample every 2nd; each subsampled step gains
    // digits of λ² at a growing rate, so only the final passes need the exact Hessian.
    const rand = mulberry32(37);
    const X = randomDesign(rand, 40_000, 5);
    const y = drawBinary(rand, withIntercept(X), [-0.5, 1, -0.5, 0.25, 0.8, -1]);
    const objective = wasmObjective(X, y, y.map(() => 1));
    const calls: number[] = [];
    const evaluate = objective.evaluate.bind(objective);
    objective.evaluate = (coefficients, level, hessianSubsample = 1) => {
      if (level === 'hessian') calls.push(hessianSubsample);
      return evaluate(coefficients, level, hessianSubsample);
    };
    const result = newton(objective, new Float64Array(6), { maxIter: 50, tol: TOL, hessianSubsample: 2 });
    expect(result.converged).toBe(true);
    const subsampled = calls.filter((k) => k > 1).length;
    expect(subsampled).toBeGreaterThanOrEqual(result.iterations - 1);
    expect(calls.length - subsampled).toBeLessThanOrEqual(2);
  });

  it('passes the subsample to the objective in early iterations and 1 at the end', () => {
    const rand = mulberry32(29);
    const X = withIntercept(randomDesign(rand, 100, 2));
    const y = drawBinary(rand, X, [0.1, 2, -1]);
    const objective = new FunctionObjective(3, logisticSmooth(X, y));
    newton(objective, new Float64Array(3), { maxIter: 50, tol: TOL, hessianSubsample: 5 });
    const hessianCalls = objective.calls.filter((c) => c.level === 'hessian');
    expect(hessianCalls[0]!.subsample).toBe(5);
    expect(hessianCalls.at(-1)!.subsample).toBe(1);
  });
});
