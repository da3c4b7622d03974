// A short pure-TypeScript reference for binary logistic regression, written for clarity rather
// than speed: the kernels, the objective and the fits are checked against it. Sums are
// compensated (Neumaier), so the reference is at least as accurate as the code under test and
// the tolerances measure the latter's rounding.
//
// Conventions (as assembly/logistic.ts): row i has weighted successes sᵢ and weighted trials tᵢ;
// η = Xβ (+ offset), p = σ(η);
//   logLik = Σᵢ −sᵢ log(1 + e^−ηᵢ) − (tᵢ − sᵢ) log(1 + e^ηᵢ)
//   score  = Xᵀ(s − t∘p),  information = Xᵀ diag(t∘p∘(1 − p)) X.
// X here is the full design: include a column of ones yourself when there is an intercept.
import { gaussian } from './random.js';

/** Compensated (Neumaier) sum and the sum of absolute values (the scale of its rounding error). */
export class Sum {
  private sum = 0;
  private compensation = 0;
  /** Σ|terms|. */
  abs = 0;
  add(x: number): void {
    const t = this.sum + x;
    this.compensation += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
    this.abs += Math.abs(x);
  }
  get value(): number {
    return this.sum + this.compensation;
  }
}

/** log(1 + e^x) by the textbook split (independent of the kernels' thresholds). */
export function log1pexpRef(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** σ(x) = 1 / (1 + e^−x), evaluated on the side where e^(∓x) cannot overflow. */
export function sigmoidRef(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export interface ReferenceEvaluation {
  eta: number[];
  logLik: number;
  /** Σᵢ |logLik term i|: the scale of the log-likelihood's rounding error. */
  logLikScale: number;
  score: number[];
  /** Σᵢ |xᵢⱼ (sᵢ − tᵢpᵢ)| per column. */
  scoreScale: number[];
  /** Σᵢ |xᵢⱼ| tᵢ per column: the size of the score's terms before they cancel. */
  scoreMagnitude: number[];
  information: number[][];
  /** Σᵢ |xᵢⱼ xᵢₖ| wᵢ per entry. */
  informationScale: number[][];
}

/** Log-likelihood, score and information at `coef`, with rows restricted to `rows` when given. */
export function referenceEvaluate(
  X: readonly (readonly number[])[],
  coef: readonly number[],
  successes: readonly number[],
  trials: readonly number[],
  offset?: readonly number[] | null,
  rows?: (i: number) => boolean,
): ReferenceEvaluation {
  const n = X.length;
  const p = coef.length;
  const eta: number[] = [];
  const logLik = new Sum();
  const score = Array.from({ length: p }, () => new Sum());
  const magnitude = new Array<number>(p).fill(0);
  const info = Array.from({ length: p }, () => Array.from({ length: p }, () => new Sum()));
  for (let i = 0; i < n; i++) {
    const row = X[i]!;
    const e = new Sum();
    for (let j = 0; j < p; j++) e.add(row[j]! * coef[j]!);
    if (offset) e.add(offset[i]!);
    const etaI = e.value;
    eta.push(etaI);
    if (rows && !rows(i)) continue;
    const s = successes[i]!;
    const t = trials[i]!;
    if (t !== 0) logLik.add(-s * log1pexpRef(-etaI) - (t - s) * log1pexpRef(etaI));
    const prob = sigmoidRef(etaI);
    const residual = s - t * prob;
    const weight = t * sigmoidRef(etaI) * sigmoidRef(-etaI);
    for (let j = 0; j < p; j++) {
      score[j]!.add(row[j]! * residual);
      magnitude[j] = magnitude[j]! + Math.abs(row[j]!) * t;
      for (let k = 0; k < p; k++) info[j]![k]!.add(row[j]! * weight * row[k]!); // (x w) x: 0 rather than ∞·0 when |x| is huge and w = 0
    }
  }
  return {
    eta,
    logLik: logLik.value,
    logLikScale: logLik.abs,
    score: score.map((s) => s.value),
    scoreScale: score.map((s) => s.abs),
    scoreMagnitude: magnitude,
    information: info.map((r) => r.map((s) => s.value)),
    informationScale: info.map((r) => r.map((s) => s.abs)),
  };
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is not modified). */
export function solveDense(A: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const m = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k] = m[r]![k]! - f * m[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/** A⁻¹ column by column with `solveDense`. */
export function invertDense(A: readonly (readonly number[])[]): number[][] {
  const n = A.length;
  const columns = Array.from({ length: n }, (_, j) => solveDense(A, Array.from({ length: n }, (_, i) => (i === j ? 1 : 0))));
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => columns[j]![i]!));
}

/** Product of two dense matrices. */
export function multiply(A: readonly (readonly number[])[], B: readonly (readonly number[])[]): number[][] {
  return A.map((row) => B[0]!.map((_, j) => row.reduce((s, a, k) => s + a * B[k]![j]!, 0)));
}

/** Prepends a column of ones. */
export function withIntercept(X: readonly (readonly number[])[]): number[][] {
  return X.map((row) => [1, ...row]);
}

export interface ReferenceFitOptions {
  offset?: readonly number[] | null;
  /** Ridge strength; column j is penalized when penalized[j] (default: none). */
  l2?: number;
  penalized?: readonly boolean[];
}

export interface ReferenceFit {
  coefficients: number[];
  /** Inverse of (information + l2 on penalized diagonal) at the estimate. */
  covariance: number[][];
  logLik: number;
  iterations: number;
}

/**
 * Newton's method with step halving on −logLik + (l2/2) Σ_penalized β², from β = 0, until the step
 * is below 1e-13 of the coefficients (that step is taken too); throws if that takes over 100 steps.
 */
export function fitReference(
  X: readonly (readonly number[])[],
  successes: readonly number[],
  trials: readonly number[],
  options: ReferenceFitOptions = {},
): ReferenceFit {
  const p = X[0]!.length;
  const l2 = options.l2 ?? 0;
  const penalized = options.penalized ?? new Array<boolean>(p).fill(false);
  const offset = options.offset ?? null;
  const objective = (b: number[]) => {
    const ev = referenceEvaluate(X, b, successes, trials, offset);
    let pen = 0;
    for (let j = 0; j < p; j++) if (penalized[j]) pen += 0.5 * l2 * b[j]! ** 2;
    const gradient = ev.score.map((s, j) => -s + (penalized[j] ? l2 * b[j]! : 0));
    const hessian = ev.information.map((row, j) => row.map((v, k) => v + (j === k && penalized[j] ? l2 : 0)));
    return { value: -ev.logLik + pen, gradient, hessian, logLik: ev.logLik };
  };
  let beta = new Array<number>(p).fill(0);
  let current = objective(beta);
  for (let iter = 1; iter <= 100; iter++) {
    const step = solveDense(current.hessian, current.gradient.map((g) => -g));
    let t = 1;
    let trial = beta.map((b, j) => b + step[j]!);
    let next = objective(trial);
    while (next.value > current.value + 1e-14 * Math.abs(current.value) && t > 1e-10) {
      t /= 2;
      trial = beta.map((b, j) => b + t * step[j]!);
      next = objective(trial);
    }
    // Newton converges quadratically: a step of 1e-13 means the next one is at rounding level.
    const small = step.every((d, j) => Math.abs(d) <= 1e-13 * (1 + Math.abs(beta[j]!)));
    beta = trial;
    current = next;
    if (small) {
      return { coefficients: beta, covariance: invertDense(current.hessian), logLik: current.logLik, iterations: iter };
    }
  }
  throw new Error('fitReference: no convergence in 100 Newton steps');
}

/** Largest |a − b| / |b| (|a − b| where b = 0) over two equally long arrays. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, relativeError(actual[i]!, expected[i]!));
  return worst;
}

/** Normwise relative error max|actualᵢ − expectedᵢ| / max|expectedᵢ| (not finite when expected is all zero). */
export function normwiseRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < actual.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
  }
  return diff / scale;
}

/** |a − b| / |b|, or |a − b| when b = 0; NaN anywhere gives Infinity (so comparisons fail). */
export function relativeError(actual: number, expected: number): number {
  if (Number.isNaN(actual) || Number.isNaN(expected)) return Infinity;
  if (actual === expected) return 0;
  const diff = Math.abs(actual - expected);
  return expected === 0 ? diff : diff / Math.abs(expected);
}

/** Random n x p design with entries N(0, 1)·scale[j] + shift[j]. */
export function randomDesign(
  uniform: () => number,
  nRows: number,
  nFeatures: number,
  scale: readonly number[] = [],
  shift: readonly number[] = [],
): number[][] {
  const normal = gaussian(uniform);
  return Array.from({ length: nRows }, () =>
    Array.from({ length: nFeatures }, (_, j) => normal() * (scale[j] ?? 1) + (shift[j] ?? 0)),
  );
}

/** 0/1 responses drawn from the logistic model with coefficients `coef` (X includes any ones column). */
export function drawBinary(uniform: () => number, X: readonly (readonly number[])[], coef: readonly number[]): number[] {
  return X.map((row) => (uniform() < sigmoidRef(row.reduce((s, x, j) => s + x * coef[j]!, 0)) ? 1 : 0));
}
