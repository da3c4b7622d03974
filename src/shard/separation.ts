// Separation in fits that do not hold their rows (src/shard/fit.ts, src/stream/).
//
// The in-memory fits (src/remedies/separation.ts) run the exact LP check of
// src/diagnostics/separation.ts whenever the returned point shows the symptom that cannot miss
// separation: some row with tᵢ min(pᵢ, 1 − pᵢ) ≤ λ² (times a safety factor), λ² the Newton
// decrement there. The fits here decide the same way, from `smallestWeightedProbability`, which
// accumulate sums (as a minimum) with the other statistics. Then:
//   - a stream can be read again: one more pass collects the rows and the LP decides exactly
//     (src/stream/), and the verdict is reported as the in-memory fit reports it;
//   - shard statistics hold no rows, so the LP cannot run: when Newton also converged only
//     linearly (its decrement shrinking by a constant factor to the end, see LINEAR_RATE) or the
//     Hessian is singular, the fit reports those symptoms with converged: false, names the
//     coefficients whose variances exploded since the start point, and says how to confirm.
import type { NewtonResult } from '../solver/newton.js';

/**
 * A coefficient is named as diverging, in the symptom warning, when its variance at the returned
 * point is more than this many times its variance at the start point (the inverse Hessians there):
 * its standard error grew a thousandfold. On separated data the rows that pull a coefficient off
 * reach probabilities within ~1e-10 of 0 or 1, so their information p(1 − p) vanishes: the ratio
 * measured 5e8 (quasi-complete, 1000 rows) to 1e17 (complete) on the test families
 * (test/stream-separation.test.ts). An ordinary fit only trades the start's p̄(1 − p̄) for its own
 * pᵢ(1 − pᵢ): 20 at slopes of 4 per standard deviation, 1.2 at 0.5. A large finite MLE (nearly
 * separated data) can pass it too (measured 7e8), which is why the decision rests on the
 * decrements (LINEAR_RATE), not on this ratio.
 */
export const VARIANCE_INFLATION_LIMIT = 1e6;

/**
 * Whether the returned point shows the symptom that must be checked: Newton did not converge,
 * the Hessian there is singular, or some row's weighted tail probability is at or below the
 * threshold (unknown — statistics made elsewhere — counts as shown).
 * @example
 * separationSuspected({ converged: true }, 1e-9, 1e-12) // => true (a row's tail is below the threshold)
 * separationSuspected({ converged: true }, 1e-9, 0.01) // => false
 */
export function separationSuspected(
  result: Pick<NewtonResult, 'converged'>, threshold: number | null, smallestWeightedProbability: number | undefined,
): boolean {
  return !result.converged || threshold === null || smallestWeightedProbability === undefined || smallestWeightedProbability <= threshold;
}

/**
 * Newton's decrement λ² shrinking by at least this factor per iteration, iteration after iteration,
 * is linear convergence: the signature of a log-likelihood that flattens out along a direction
 * (separation), where each full step moves the diverging coefficients by about the same amount and
 * λ², the gap to the supremum, shrinks by about e⁻¹ ≈ 0.37 (measured 0.37 to 0.4 at the end of
 * every separated run of the test families). Near a finite MLE Newton converges quadratically:
 * the last ratios fall to 1e-2, 1e-4 and below (measured on ordinary and nearly separated data,
 * slopes up to 160, whose variances also exploded). 0.1 sits between the two.
 */
export const LINEAR_RATE = 0.1;

/** The last this-many iterations must all shrink λ² by no more than LINEAR_RATE for the run to count as linear. */
export const LINEAR_TAIL = 3;

/** What the statistics show at the returned point. */
export interface SeparationSymptoms {
  /** min tᵢ min(pᵢ, 1 − pᵢ) when it is at or below the threshold (null: not shown or unknown). */
  probability: number | null;
  /** The ratios λ²ₖ / λ²ₖ₋₁ of the last iterations when they show linear convergence (else null). */
  linear: number[] | null;
  /** Coefficients whose variance grew more than VARIANCE_INFLATION_LIMIT times: index, ratio. */
  inflated: Array<{ index: number; ratio: number }>;
  /** The Hessian at the returned point is singular (infinite standard errors). */
  singular: boolean;
}

/**
 * The ratios of the last LINEAR_TAIL decrements to their predecessors when every one of them is at
 * least LINEAR_RATE (linear convergence), else null.
 * @example
 * linearConvergence([1, 0.37, 0.14, 0.05]) // => [0.37, 0.378…, 0.357…]
 * linearConvergence([1, 0.3, 1e-3, 1e-7]) // => null (quadratic at the end)
 */
export function linearConvergence(decrements: readonly number[]): number[] | null {
  if (decrements.length < LINEAR_TAIL + 1) return null;
  const ratios: number[] = [];
  for (let k = decrements.length - LINEAR_TAIL; k < decrements.length; k++) {
    const ratio = decrements[k]! / decrements[k - 1]!;
    if (!(ratio >= LINEAR_RATE)) return null;
    ratios.push(ratio);
  }
  return ratios;
}

/**
 * The symptoms of separation visible in summed statistics, or null when they do not add up to it:
 * a suspected point (see separationSuspected) reached by linearly converging Newton iterations
 * (see LINEAR_RATE), or with a singular Hessian. Variances more than VARIANCE_INFLATION_LIMIT
 * times the start's name the diverging coefficients; on their own they do not decide (a finite
 * but large MLE inflates them too).
 * @param covariance the inverse Hessian at the returned point (NaN when singular)
 * @param startCovariance the inverse Hessian at the start point
 * @param decrements λ² of every Newton iteration, in order
 * @example
 * separationSymptoms(true, 1e-9, 1e-14, Float64Array.of(1e8), Float64Array.of(4), [1, 0.4, 0.15, 0.06])
 * // => { probability: 1e-14, linear: [0.4, 0.375, 0.4], inflated: [{ index: 0, ratio: 2.5e7 }], singular: false }
 */
export function separationSymptoms(
  suspected: boolean,
  threshold: number | null,
  smallestWeightedProbability: number | undefined,
  covariance: Float64Array,
  startCovariance: Float64Array,
  decrements: readonly number[],
): SeparationSymptoms | null {
  if (!suspected) return null;
  const n = Math.round(Math.sqrt(covariance.length));
  const singular = threshold === null || covariance.some((v) => !Number.isFinite(v));
  const linear = linearConvergence(decrements);
  if (!singular && linear === null) return null;
  const inflated: Array<{ index: number; ratio: number }> = [];
  if (!singular) {
    for (let j = 0; j < n; j++) {
      const ratio = covariance[j * n + j]! / startCovariance[j * n + j]!;
      if (ratio > VARIANCE_INFLATION_LIMIT) inflated.push({ index: j, ratio });
    }
  }
  const probability = smallestWeightedProbability !== undefined && threshold !== null && smallestWeightedProbability <= threshold
    ? smallestWeightedProbability : null;
  return { probability, linear, inflated, singular };
}

/**
 * The warning for a fit from statistics that shows the symptoms of separation: what was seen,
 * that it cannot be confirmed without the rows, and what to do.
 * @param labels one per coefficient, in the coefficient vector's order
 * @example
 * symptomWarning('fitLogisticFromStatistics', symptoms, ['(Intercept)', 'x1'], coefficients, covariance, result, true)
 * // => 'fitLogisticFromStatistics: the fit shows the symptoms of separation …: x1 = 26.19 (SE 3.4e+5, …)'
 */
export function symptomWarning(
  caller: string,
  symptoms: SeparationSymptoms,
  labels: readonly string[],
  coefficients: Float64Array,
  covariance: Float64Array,
  result: Pick<NewtonResult, 'converged' | 'iterations'>,
  logistic: boolean,
): string {
  const n = labels.length;
  const seen: string[] = [];
  if (symptoms.probability !== null) {
    seen.push(`fitted probabilities at 0 or 1 (the smallest weighted min(p, 1 − p) is ${symptoms.probability.toExponential(1)}, at the level of the Newton decrement)`);
  }
  if (symptoms.linear !== null) {
    seen.push(`Newton's decrement shrinking by a constant factor (${symptoms.linear.map((r) => r.toFixed(2)).join(', ')} over the last ${symptoms.linear.length} iterations: linear, not quadratic, convergence, as along a direction in which the log-likelihood only flattens out)`);
  }
  if (symptoms.singular) seen.push('a singular Hessian at the returned point (infinite standard errors)');
  if (symptoms.inflated.length > 0) {
    const worst = [...symptoms.inflated].sort((a, b) => b.ratio - a.ratio);
    const shown = worst.slice(0, 8).map(({ index, ratio }) =>
      `${labels[index]} = ${coefficients[index]!.toPrecision(4)} (SE ${Math.sqrt(covariance[index * n + index]!).toExponential(1)}, variance ${ratio.toExponential(0)} times the start's)`);
    if (worst.length > 8) shown.push(`… (${worst.length} in all)`);
    seen.push(`standard errors that exploded along the diverging coefficients: ${shown.join(', ')}`);
  }
  const stopped = result.converged
    ? `Newton's convergence test passed after ${result.iterations} iterations, as it does when the log-likelihood flattens out along a direction of separation`
    : `Newton stopped after ${result.iterations} iterations without converging`;
  const remedies = logistic ? 'use l2 > 0 (ridge) for finite estimates, or remove or merge the columns named' : 'use l2 > 0 (ridge), or merge classes, or remove or merge the columns named';
  return (
    `${caller}: the fit shows the symptoms of separation (no finite maximum likelihood estimate): ${seen.join('; ')}. ${stopped}; ` +
    'the reported coefficients are probably not an MLE and their standard errors are meaningless. Statistics hold no rows, so the exact check cannot run here: ' +
    `confirm with detectSeparation${logistic ? 'Binary' : 'Multinomial'} on the rows, or fit${logistic ? 'Logistic' : 'Softmax'}Stream (which runs it on an extra pass); ${remedies}`
  );
}
