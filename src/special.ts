// Special functions for inference: the normal distribution (p-values, Wald intervals) and
// log-gamma (the binomial and multinomial coefficients in the log-likelihood).

const SQRT_PI = Math.sqrt(Math.PI);
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** Below this, erfc(x) = 1 - erf(x) from the positive series loses < 1 digit; above, the continued fraction converges in < 200 terms. */
const ERFC_SERIES_LIMIT = 1.5;
/** Relative size of a term (or a continued-fraction correction) at which the sum has converged. */
const SERIES_EPSILON = 1e-17;

/**
 * erf(x) for x >= 0 by the series 2/√π e^(−x²) Σ 2ⁿ x^(2n+1) / (1·3···(2n+1)) (Abramowitz &
 * Stegun 7.1.6), whose terms are all positive, so no cancellation.
 */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && term > SERIES_EPSILON * sum; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / SQRT_PI) * Math.exp(-x * x) * sum;
}

/**
 * erfc(x) for x > 0 by the continued fraction e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
 * (Abramowitz & Stegun 7.1.14), evaluated with the modified Lentz method.
 */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < SERIES_EPSILON * 10) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** Complementary error function erfc(x) = 1 − erf(x), to about 1e-15 relative for every x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < ERFC_SERIES_LIMIT) return 1 - erfSeries(x);
  if (x > 27) return 0;
  return erfcContinuedFraction(x);
}

/**
 * Standard normal distribution function Φ(z) = erfc(−z/√2)/2.
 * @example normalCdf(0) // => 0.5
 */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * Two-sided p-value of a standard normal statistic: 2 Φ(−|z|) (R's `2 * pnorm(-abs(z))`).
 * @example twoSidedNormalP(1.959963984540054) // => 0.05 (to 1e-15)
 */
export function twoSidedNormalP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/**
 * Standard normal quantile Φ⁻¹(p) for 0 < p < 1 (R's `qnorm`): the Abramowitz & Stegun 26.2.23
 * start (error < 4.5e-4) refined by Halley steps on Φ, which converge cubically to machine
 * precision in two or three steps.
 * @example normalQuantile(0.975) // => 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return Number.NaN;
  }
  const q = p < 0.5 ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  let z = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 6; i++) {
    const error = normalCdf(z) - q;
    const density = Math.exp(-0.5 * z * z - HALF_LOG_TWO_PI);
    const u = error / density;
    const step = u / (1 + 0.5 * z * u);
    z -= step;
    if (Math.abs(step) <= 1e-16 * Math.abs(z)) break;
  }
  return p < 0.5 ? z : -z;
}

// Stirling series coefficients B_2k / (2k (2k − 1)) for log Γ (A&S 6.1.41).
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156];
/** Arguments are shifted up to at least this before the Stirling series, which is then accurate to < 1e-16. */
const STIRLING_MIN = 15;

/**
 * log Γ(x) for x > 0: the Stirling series after shifting x up to ≥ 15 with the recurrence
 * Γ(x + 1) = x Γ(x).
 * @example logGamma(5) // => Math.log(24)
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : Number.NaN;
  let shift = 0;
  let product = 1;
  while (x < STIRLING_MIN) {
    product *= x;
    x += 1;
    shift++;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  let series = 0;
  let power = inv;
  for (const c of STIRLING) {
    series += c * power;
    power *= inv2;
  }
  const value = (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series;
  return shift > 0 ? value - Math.log(product) : value;
}

/**
 * log of the binomial coefficient C(n, k) = Γ(n + 1) / (Γ(k + 1) Γ(n − k + 1)), for real n ≥ k ≥ 0.
 * @example logChoose(5, 2) // => Math.log(10)
 */
export function logChoose(n: number, k: number): number {
  if (k === 0 || k === n) return 0;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}
