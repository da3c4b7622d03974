// Standard errors of predictions by the delta method: the linear predictor's xᵀΣx, and the class
// probabilities of a softmax model through their Jacobian in the free coefficients.
import { SoftlogitError } from '../errors.js';
import { describeValue } from '../input/optionKeys.js';

/**
 * The `level` option of an interval: a number in (0, 1), default 0.95.
 * @throws {SoftlogitError} `BAD_OPTION` otherwise.
 * @example levelOption(undefined, 'confint') // => 0.95
 */
export function levelOption(level: unknown, caller: string): number {
  if (level === undefined) return 0.95;
  if (typeof level !== 'number' || !(level > 0 && level < 1)) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: level should be a number in (0, 1), got ${describeValue(level)}`);
  }
  return level;
}

/**
 * levelOption for `confint`, which takes the level alone: an object such as `{ method: 'profile' }`
 * is pointed at profileConfint, which needs the rows again (a fit does not keep them).
 * @throws {SoftlogitError} `BAD_OPTION`.
 * @example confintLevel({ method: 'profile' }, 'LogisticFit.confint') // throws "… profileConfint(fit, X, y, { level })"
 */
export function confintLevel(level: unknown, caller: string): number {
  if (typeof level === 'object' && level !== null) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: takes a level (Wald); profile intervals need the rows: profileConfint(fit, X, y, { level })`);
  }
  return levelOption(level, caller);
}

/**
 * The quadratic form xᵀ Σ_block x over one p × p block of a covariance of side `n` (row-major),
 * the block of rows `r0 … r0 + p − 1` and columns `c0 … c0 + p − 1`; entries of x that are 0, and
 * the positions in `skip` (aliased coefficients, whose covariance is NaN), are left out.
 * Var(xᵀβ) = xᵀΣx for the whole covariance (r0 = c0 = 0, n = p): R's `predict(…, se.fit = TRUE)`
 * on the link scale is its square root.
 * @example quadraticForm(Float64Array.of(1, 2), Float64Array.of(1, 0, 0, 4), 2) // => 17
 */
export function quadraticForm(x: ArrayLike<number>, covariance: ArrayLike<number>, n: number, r0 = 0, c0 = 0, skip: ReadonlySet<number> | null = null): number {
  const p = x.length;
  let sum = 0;
  for (let i = 0; i < p; i++) {
    const xi = x[i]!;
    if (xi === 0 || skip?.has(i)) continue;
    let row = 0;
    for (let j = 0; j < p; j++) {
      const xj = x[j]!;
      if (xj === 0 || skip?.has(j)) continue;
      row += covariance[(r0 + i) * n + c0 + j]! * xj;
    }
    sum += xi * row;
  }
  return sum;
}

/**
 * Delta-method variances of the K class probabilities of one row: with free (non-reference)
 * classes c = 1 … K − 1 at class positions `freeClasses[c]`, ∂p_k/∂β_c = p_k (δ_{k,c} − p_c) x,
 * so Var(p_k) = Σ_{c,c'} a_kc a_kc' xᵀΣ_{cc'}x with a_kc = p_k (δ_{k,c} − p_c) and Σ_{cc'} the
 * p × p blocks of the covariance of the free coefficients (class-major). O((K − 1)² p²).
 * @param x the row with its intercept entry (p)
 * @param probabilities the row's K class probabilities
 * @param covariance p(K − 1) square, class-major
 * @param out receives the K variances
 * @example
 * // K = 2, one free class, p = 1 (intercept only), Var(β) = 1, p = (½, ½): Var(p_k) = (¼)² · 1
 * const out = new Float64Array(2);
 * softmaxProbabilityVariances([1], [0.5, 0.5], [1], [1], null, out); // out => [0.0625, 0.0625]
 */
export function softmaxProbabilityVariances(
  x: ArrayLike<number>, probabilities: ArrayLike<number>, covariance: ArrayLike<number>, freeClasses: readonly number[],
  skip: ReadonlySet<number> | null, out: Float64Array,
): void {
  const p = x.length;
  const nFree = freeClasses.length;
  const n = p * nFree;
  const blocks = new Float64Array(nFree * nFree);
  for (let c = 0; c < nFree; c++) {
    for (let d = 0; d <= c; d++) {
      const v = quadraticForm(x, covariance, n, c * p, d * p, skip);
      blocks[c * nFree + d] = v;
      blocks[d * nFree + c] = v;
    }
  }
  const K = probabilities.length;
  const a = new Float64Array(nFree);
  for (let k = 0; k < K; k++) {
    const pk = probabilities[k]!;
    for (let c = 0; c < nFree; c++) {
      const cls = freeClasses[c]!;
      a[c] = pk * ((k === cls ? 1 : 0) - probabilities[cls]!);
    }
    let sum = 0;
    for (let c = 0; c < nFree; c++) for (let d = 0; d < nFree; d++) sum += a[c]! * a[d]! * blocks[c * nFree + d]!;
    out[k] = sum;
  }
}
