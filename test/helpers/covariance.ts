// Comparing two covariance matrices (p x p, row-major) on the scale of their correlations.

/**
 * max over entries of |a_ij − b_ij| / √(b_ii b_jj): the difference scaled to correlations of the
 * expected covariance b, so tiny off-diagonal entries are not judged by their own size.
 * @example worstScaled(fit.covariance.data, reference.covariance.data) <= 1e-10
 */
export function worstScaled(actual: Float64Array, expected: Float64Array): number {
  const k = Math.round(Math.sqrt(expected.length));
  let max = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    max = Math.max(max, Math.abs(actual[i * k + j]! - expected[i * k + j]!) / Math.sqrt(expected[i * k + i]! * expected[j * k + j]!));
  }
  return max;
}
