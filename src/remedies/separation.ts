// Separation after a fit: decide from the fitted probabilities whether the exact LP check of
// src/diagnostics/separation.ts must run, run it, and turn its answer into the fit's
// `separation` field, `converged: false` and a warning that says what to do.
//
// When to run the LP. A criterion that cannot miss separation at a point Newton calls converged:
// let d be a recession direction (sᵢ xᵢᵀd ≥ 0 for every row, Xd ≠ 0) and g, H the gradient and
// Hessian of f = −logLik. Along d every row pulls the same way: gᵀd = −Σᵢ tᵢ |xᵢᵀd| rᵢ, with rᵢ
// the fitted probability of the outcome row i did not have, and dᵀHd = Σᵢ tᵢ (xᵢᵀd)² pᵢ(1 − pᵢ)
// ≤ Σᵢ tᵢ (xᵢᵀd)² rᵢ. By Cauchy–Schwarz in the H metric the Newton decrement λ² = gᵀH⁻¹g ≥
// (gᵀd)² / dᵀHd ≥ Σᵢ tᵢ |xᵢᵀd| rᵢ / maxᵢ |xᵢᵀd|, so the row with the largest |xᵢᵀd| has
// tᵢ rᵢ ≤ λ². So at the returned point, on separated data, some row with tᵢ > 0 has
// tᵢ min(pᵢ, 1 − pᵢ) ≤ λ², λ² computed there (≤ tol (|f| + 1) after Newton's test passed). The LP
// runs when that holds (with a safety factor, and a floor against a λ² lost in rounding), and
// whenever Newton did not converge or the final Hessian is singular. On data that are not
// separated polishing takes λ² to rounding level, so only rows with probabilities within ~1e-14
// of 0 or 1 send such fits to the LP. The softmax argument is the same with
// δ_ik = xᵢᵀ(d_cᵢ − d_k) ≥ 0: some row has mᵢ min_k p_ik ≤ λ².
import { detectSeparationBinary, detectSeparationMultinomialCounts, type SeparationResult } from '../diagnostics/separation.js';
import type { NewtonDirection } from '../objective/types.js';
import type { NewtonResult } from '../solver/newton.js';
import type { BinomialData } from '../input/binaryResponse.js';
import { forEachDesignRow, type RowSource } from '../input/design.js';
import type { MultinomialData } from '../input/softmaxResponse.js';

/**
 * Slack on the criterion above: λ² at the returned point is at most tol (|f| + 1) (polishing only
 * shrinks it), and rounding in λ² and in the fitted probabilities is far below a factor of 1000.
 * A larger factor only runs the LP on more fits that turn out not to be separated.
 */
export const SEPARATION_TRIGGER_FACTOR = 1e3;

/**
 * Floor on λ² in the criterion, relative to Newton's own bound tol (|f| + 1): a computed λ² can
 * sit below the true one when it is at rounding level; 1e-6 of the bound is far above that
 * rounding (~eps² |f|) and still far below the probabilities ordinary fits reach.
 */
export const SEPARATION_TRIGGER_FLOOR = 1e-6;

/**
 * The threshold of the criterion above: a row with tᵢ min(pᵢ, 1 − pᵢ) (softmax: mᵢ min_k p_ik) at
 * or below it sends the fit to the separation check. From λ² at the returned point
 * (`newtonDirection()` there); null when the Hessian there is singular. The fits that do not hold
 * their rows (src/shard/separation.ts) decide with it too.
 * @example
 * separationThreshold({ ok: true, direction, decrement: 1e-20 }, 100, 1e-10) // => 1.01e-11 (1000 × the floor 1e-6 × 1e-10 × 101)
 */
export function separationThreshold(finalDirection: NewtonDirection, value: number, tol: number): number | null {
  if (!finalDirection.ok) return null;
  const bound = tol * (Math.abs(value) + 1);
  return SEPARATION_TRIGGER_FACTOR * Math.min(bound, Math.max(finalDirection.decrement, SEPARATION_TRIGGER_FLOOR * bound));
}

/** What a fit reports when its data are separated (no maximum likelihood estimate exists). */
export interface FitSeparation {
  /** 'complete': a direction classifies every row strictly; 'quasi-complete': some rows stay tied. */
  kind: 'complete' | 'quasi-complete';
  /**
   * +1 / −1 / 0 per coefficient: the sign in which it diverges (0: stays finite). Logistic: one per
   * `names`; softmax: p × (K − 1) row-major, columns the non-reference classes in class order.
   */
  direction: readonly number[];
  /** Names of the coefficients that diverge (softmax: `class:feature`, as R multinom's vcov). */
  coefficients: readonly string[];
}

/** Row-major copy of the design with the intercept column first when `intercept`. */
export function rowMajorDesign(source: RowSource, intercept: boolean): Float64Array {
  const p = source.nFeatures + (intercept ? 1 : 0);
  const out = new Float64Array(source.nRows * p);
  forEachDesignRow(source, intercept, (r, x) => {
    out.set(x, r * p);
  });
  return out;
}

/**
 * After a logistic Newton run: checks for separation (see the top of this file for when the LP
 * runs). When the data are separated, sets `result.converged = false`, replaces the warnings with
 * one that names the diverging coefficients and says what to do, and returns the report.
 * Returns null with a ridge (l2 > 0: the estimate is finite whatever the data).
 * `eta` (the linear predictor at the returned point) is read first and only for the criterion, so
 * it may be a view of WebAssembly memory: nothing here allocates there.
 */
export function logisticSeparation(
  caller: string,
  result: Pick<NewtonResult, 'converged' | 'value' | 'iterations'>,
  finalDirection: NewtonDirection,
  eta: Float64Array,
  data: BinomialData,
  source: RowSource,
  names: readonly string[],
  options: { intercept: boolean; tol: number; l2: number },
  warnings: string[],
): FitSeparation | null {
  if (options.l2 > 0) return null;
  const { successes: s, trials: t } = data;
  const n = t.length;
  const threshold = separationThreshold(finalDirection, result.value, options.tol);
  if (result.converged && threshold !== null && !logisticSuspicious(eta, t, data.minTrials, threshold)) return null;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = t[i]! > 0 ? Math.min(1, Math.max(0, s[i]! / t[i]!)) : 0;
  const X = rowMajorDesign(source, options.intercept);
  const check = detectSeparationBinary(X, n, names.length, y, t);
  return reportExactSeparation(caller, check, names, result, warnings, true);
}

/**
 * As {@link logisticSeparation} for a softmax fit in the reference form: `coefficients` class-major
 * (free class c, feature j at c·p + j), `data.counts` in internal order (reference first).
 * `smallestWeightedProbability` is min over rows with mᵢ > 0 of mᵢ min_k p_ik at the returned
 * point, as the kernel computed it in its last pass (SoftmaxObjective.smallestWeightedProbability).
 */
export function softmaxSeparation(
  caller: string,
  result: Pick<NewtonResult, 'converged' | 'value' | 'iterations' | 'coefficients'>,
  finalDirection: NewtonDirection,
  smallestWeightedProbability: number,
  data: MultinomialData,
  source: RowSource,
  names: readonly string[],
  options: { intercept: boolean; tol: number; l2: number },
  warnings: string[],
): FitSeparation | null {
  if (options.l2 > 0) return null;
  const K = data.classes.length;
  const p = names.length;
  const n = source.nRows;
  const threshold = separationThreshold(finalDirection, result.value, options.tol);
  if (result.converged && threshold !== null && !(smallestWeightedProbability <= threshold)) return null;
  // Counts in the user's class order, as the LP expects (reference by position).
  const counts = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) counts[i * K + data.internalOrder[k]!] = data.counts[i * K + k]!;
  }
  const X = rowMajorDesign(source, options.intercept);
  const check = detectSeparationMultinomialCounts(X, n, p, counts, K, data.referenceIndex);
  const free = data.classes.filter((_, k) => k !== data.referenceIndex).map(String);
  const labels: string[] = [];
  for (let j = 0; j < p; j++) for (let c = 0; c < K - 1; c++) labels.push(`${free[c]}:${names[j]}`);
  return reportExactSeparation(caller, check, labels, result, warnings, false);
}

/**
 * Turns an exact LP verdict into the fit's report: `converged` false, the warnings replaced by the
 * one separation warning. `labels` are in the LP's layout (softmax: p × (K − 1) row-major).
 * Returns null when the data are not separated. The streams report through it as well.
 * @example
 * const separation = reportExactSeparation('fitLogisticStream', detectSeparationBinary(X, n, p, y), names, result, warnings, true);
 * separation?.kind // => 'complete' | 'quasi-complete' (result.converged is then false)
 */
export function reportExactSeparation(
  caller: string,
  check: SeparationResult,
  labels: readonly string[],
  result: Pick<NewtonResult, 'converged' | 'iterations'>,
  warnings: string[],
  logistic: boolean,
): FitSeparation | null {
  if (!check.separated || check.kind === 'none') return null;
  const direction = Array.from(check.direction);
  const separation: FitSeparation = Object.freeze({
    kind: check.kind,
    direction: Object.freeze(direction),
    coefficients: Object.freeze(labels.filter((_, i) => direction[i] !== 0)),
  });
  const newtonConverged = result.converged;
  result.converged = false;
  warnings.length = 0;
  warnings.push(separationWarning(caller, separation, labels, result.iterations, logistic, newtonConverged));
  return separation;
}

/** The warning for separated data: what was found, what the numbers mean, what to do. */
export function separationWarning(
  caller: string,
  separation: FitSeparation,
  labels: readonly string[],
  iterations: number,
  logistic: boolean,
  newtonConverged = false,
): string {
  const signed = labels
    .map((label, i) => (separation.direction[i] === 0 ? '' : `${label} → ${separation.direction[i]! > 0 ? '+∞' : '−∞'}`))
    .filter((s) => s !== '');
  const shown = signed.length > 8 ? [...signed.slice(0, 8), `… (${signed.length} in all)`] : signed;
  const what = separation.kind === 'complete'
    ? 'completely separated (exact LP check: a linear predictor classifies every row perfectly)'
    : 'quasi-completely separated (exact LP check: a linear predictor classifies the rows perfectly up to ties)';
  const stopped = newtonConverged
    ? `Newton's convergence test passed after ${iterations} iterations only because the log-likelihood flattens out along that direction`
    : `Newton stopped after ${iterations} iterations`;
  const remedies = logistic
    ? 'Use firth: true for finite bias-reduced estimates (Firth 1993), or l2 > 0 (ridge), or remove or merge the columns or categories named'
    : 'Use l2 > 0 (ridge), or merge classes, or remove or merge the columns or categories named';
  return (
    `${caller}: the data are ${what}, so the maximum likelihood estimate does not exist: ${shown.join(', ')}. ` +
    `${stopped}; the reported coefficients are not an MLE and their standard errors are meaningless. ${remedies}`
  );
}

/** min(p, 1 − p) = σ(−|η|), without underflow trouble (it may underflow to 0, which is ≤ any threshold). */
/**
 * Whether some row has tᵢ min(pᵢ, 1 − pᵢ) ≤ threshold. min(p, 1 − p) = 1 / (1 + e^|η|) ≥ e^−|η| / 2,
 * so such a row has |ηᵢ| ≥ log(tᵢ / (2 threshold)) ≥ log(tMin / (2 threshold)), tMin the smallest
 * positive tᵢ: rows below that bound are passed over with one comparison, only the others pay
 * for an exp.
 */
function logisticSuspicious(eta: Float64Array, t: Float64Array, tMin: number, threshold: number): boolean {
  const n = t.length;
  // Halved again so that rounding cannot drop a row on the bound; capped where e^−|η| is still
  // far above underflow (a zero threshold gives an infinite log: then only |η| ≥ 700 can qualify).
  const bound = Math.min(700, Math.log(tMin / (4 * threshold)));
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    if (ti > 0 && !(Math.abs(eta[i]!) < bound) && ti * tailProbability(eta[i]!) <= threshold) return true;
  }
  return false;
}

function tailProbability(eta: number): number {
  const z = Math.exp(-Math.abs(eta));
  return z / (1 + z);
}

/** A separation report read back from JSON (`fromJSON`), or null when absent or malformed. */
export function readSeparation(value: unknown): FitSeparation | null {
  if (value === null || typeof value !== 'object') return null;
  const v = value as Partial<FitSeparation>;
  if ((v.kind !== 'complete' && v.kind !== 'quasi-complete') || !Array.isArray(v.direction) || !Array.isArray(v.coefficients)) return null;
  return Object.freeze({
    kind: v.kind,
    direction: Object.freeze(v.direction.map((d) => Math.sign(Number(d)) || 0)),
    coefficients: Object.freeze(v.coefficients.map(String)),
  });
}
