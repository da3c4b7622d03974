// Special functions for inference: the normal distribution (p-values, Wald intervals) and
// log-gamma (the binomial and multinomial coefficients in the log-likelihood). Each is accurate to
// a few ulps relative over the whole double range (checked against R and GSL in
// test/special.test.ts).

const SQRT_PI = Math.sqrt(Math.PI);
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** Below this, erfc(x) = 1 - erf(x) from the positive series loses < 1 digit; above, the continued fraction converges in < 200 terms. */
const ERFC_SERIES_LIMIT = 1.5;
/** erfc(x) < 2^-1075 (rounds to 0) beyond this: erfc(27.3) ≈ 5e-326. */
const ERFC_ZERO_BEYOND = 27.3;
/** Relative size of a term (or a continued-fraction correction) at which the sum has converged. */
const SERIES_EPSILON = 1e-17;

/**
 * erf(x) for x >= 0 by the series 2/√π e^(−x²) Σ 2ⁿ x^(2n+1) / (1·3···(2n+1)) (Abramowitz &
 * Stegun 7.1.6), whose terms are all positive, so no cancellation: accurate relative to erf(x).
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
 * The scaled complementary error function e^(x²) erfc(x) for x > 0, by the continued fraction
 * erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) (Abramowitz & Stegun 7.1.14),
 * evaluated with the modified Lentz method.
 */
function erfcScaled(x: number): number {
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
  return 1 / (SQRT_PI * f);
}

/**
 * e^(−x²/2 · k) for k = 1 or 2 without the rounding of x² (which costs x²·eps relative, 1e-13 at
 * x = 30): with x = h + l, h = round(16x)/16, x² = h² + l(x + h), where h² is exact and l(x + h) is
 * small (Cody 1993, ACM TOMS 715, the same device in R's pnorm).
 */
function expNegativeSquare(x: number, half: boolean): number {
  const h = Math.round(x * 16) / 16;
  const low = (x - h) * (x + h);
  return half ? Math.exp(-0.5 * h * h) * Math.exp(-0.5 * low) : Math.exp(-h * h) * Math.exp(-low);
}

/**
 * The logistic function σ(η) = 1/(1 + e^−η), without overflow: e^η/(1 + e^η) for η < 0.
 * @example logistic(0) // => 0.5
 */
export function logistic(eta: number): number {
  if (eta >= 0) return 1 / (1 + Math.exp(-eta));
  const e = Math.exp(eta);
  return e / (1 + e);
}

/** Complementary error function erfc(x) = 1 − erf(x), to a few ulps relative for every x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < ERFC_SERIES_LIMIT) return 1 - erfSeries(x);
  if (x > ERFC_ZERO_BEYOND) return 0;
  return expNegativeSquare(x, false) * erfcScaled(x);
}

/**
 * Upper tail of the standard normal Q(x) = 1 − Φ(x) = erfc(x/√2)/2 for x ≥ 0, without the
 * rounding of x/√2 inside the exponential.
 */
function normalUpperTail(x: number): number {
  const y = x / Math.SQRT2;
  if (y < ERFC_SERIES_LIMIT) return 0.5 - 0.5 * erfSeries(y);
  if (y > ERFC_ZERO_BEYOND) return 0;
  return 0.5 * expNegativeSquare(x, true) * erfcScaled(y);
}

/**
 * Standard normal distribution function Φ(z) (R's `pnorm`).
 * @example normalCdf(0) // => 0.5
 * @example normalCdf(-1.96) // => 0.024997895148220435
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return z < 0 ? normalUpperTail(-z) : 1 - normalUpperTail(z);
}

/**
 * Two-sided p-value of a standard normal statistic: 2 Φ(−|z|) (R's `2 * pnorm(-abs(z))`).
 * @example twoSidedNormalP(1.959963984540054) // => 0.05 (to 1e-15)
 */
export function twoSidedNormalP(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return 2 * normalUpperTail(Math.abs(z));
}

/** Φ(z) − 1/2 = erf(z/√2)/2 for |z| < 2.1, accurate relative to itself (the series has no cancellation). */
function normalCentral(z: number): number {
  const half = 0.5 * erfSeries(Math.abs(z) / Math.SQRT2);
  return z < 0 ? -half : half;
}

/**
 * Standard normal quantile Φ⁻¹(p) for 0 < p < 1 (R's `qnorm`): the Abramowitz & Stegun 26.2.23
 * start (error < 4.5e-4) refined by Halley steps, which converge cubically to machine precision in
 * two or three steps. In the centre (1/4 ≤ p ≤ 3/4) the steps solve Φ(z) − 1/2 = p − 1/2 (both
 * sides exact or relatively accurate), so z is accurate relative to itself even near p = 1/2.
 * @example normalQuantile(0.975) // => 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return Number.NaN;
  }
  if (p === 0.5) return 0;
  const central = p >= 0.25 && p <= 0.75;
  const target = central ? p - 0.5 : Math.min(p, 1 - p); // exact: Sterbenz's lemma
  const q = p < 0.5 ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  let z = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  if (central && p > 0.5) z = -z;
  for (let i = 0; i < 8; i++) {
    // central: solve Φ(z) − 1/2 = p − 1/2 for z of either sign; tails: Φ(z) = q for z < 0.
    const error = central ? normalCentral(z) - target : normalUpperTail(-z) - target;
    const density = Math.exp(-0.5 * z * z - HALF_LOG_TWO_PI);
    const u = error / density;
    const step = u / (1 + 0.5 * z * u);
    z -= step;
    if (Math.abs(step) <= 1e-16 * Math.abs(z)) break;
  }
  return central || p < 0.5 ? z : -z;
}

/** Euler's constant γ = −Γ'(1). */
const EULER_GAMMA = 0.5772156649015328606;
/** ζ(2) … ζ(7); ζ(k) for k ≥ 8 is summed directly (DLMF 25.6.1, 25.2.1; Apéry's constant for ζ(3)). */
const ZETA_2_TO_7 = [Math.PI ** 2 / 6, 1.2020569031595942854, Math.PI ** 4 / 90, 1.0369277551433699263, Math.PI ** 6 / 945, 1.0083492773819228268];
/** Terms of log Γ(1 + ε) = −γε + Σ_{k≥2} (−1)^k ζ(k) ε^k / k (DLMF 5.7.3); 60 reach 2^-60 at |ε| = 1/2. */
const LOG_GAMMA_SERIES_TERMS = 60;
let logGammaSeries: Float64Array | undefined;

/** Coefficients c_k = (−1)^k ζ(k) / k, k = 2 … LOG_GAMMA_SERIES_TERMS + 1 (computed once). */
function logGammaCoefficients(): Float64Array {
  if (logGammaSeries) return logGammaSeries;
  const c = new Float64Array(LOG_GAMMA_SERIES_TERMS);
  for (let k = 2; k < LOG_GAMMA_SERIES_TERMS + 2; k++) {
    let zeta = ZETA_2_TO_7[k - 2];
    if (zeta === undefined) {
      // ζ(k) − 1 = Σ_{n≥2} n^−k: below 200^-8 / 7 ≈ 6e-20 after n = 200 for every k ≥ 8.
      let tail = 0;
      for (let n = 200; n >= 2; n--) tail += n ** -k;
      zeta = 1 + tail;
    }
    c[k - 2] = ((k % 2 === 0 ? 1 : -1) * zeta) / k;
  }
  logGammaSeries = c;
  return c;
}

/** log Γ(1 + ε) for |ε| ≤ 1/2 by the Taylor series at 1: accurate relative to itself, exactly 0 at ε = 0. */
function logGammaNearOne(epsilon: number): number {
  if (epsilon === 0) return 0; // +0, not the −0 of 0 · (−γ)
  const c = logGammaCoefficients();
  let sum = 0;
  for (let k = c.length - 1; k >= 0; k--) sum = sum * epsilon + c[k]!;
  return epsilon * (-EULER_GAMMA + epsilon * sum);
}

// Stirling series coefficients B_2k / (2k (2k − 1)) for log Γ (A&S 6.1.41).
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156];
/** From here up the Stirling series (7 terms) is accurate to < 1e-16 relative. */
const STIRLING_MIN = 15;

/**
 * log Γ(x) for x > 0 (R's `lgamma`), to a few ulps relative, also near its zeros at 1 and 2:
 * the Taylor series at 1 for x in (0, 2.5) (with log Γ(x) = log Γ(x + 1) − log x below 1/2 and
 * log Γ(x) = log(x − 1) + log Γ(x − 1) above 3/2), the recurrence down into [1.5, 2.5) below 15,
 * and the Stirling series from 15 up.
 * @example logGamma(5) // => Math.log(24)
 * @example logGamma(1) // => 0
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : Number.NaN;
  if (x === Infinity) return Infinity;
  if (x < 0.5) return logGammaNearOne(x) - Math.log(x);
  if (x < 1.5) return logGammaNearOne(x - 1);
  if (x < 2.5) return Math.log1p(x - 2) + logGammaNearOne(x - 2);
  if (x < STIRLING_MIN) {
    // log Γ(x) = log[(x − 1)(x − 2)⋯(x − K)] + log Γ(x − K), with x − K in [1.5, 2.5) (exact).
    let product = 1;
    let y = x;
    while (y >= 2.5) {
      y -= 1;
      product *= y;
    }
    return Math.log(product) + logGamma(y);
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  let series = 0;
  let power = inv;
  for (const c of STIRLING) {
    series += c * power;
    power *= inv2;
  }
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series;
}

/**
 * log of the binomial coefficient C(n, k) = Γ(n + 1) / (Γ(k + 1) Γ(n − k + 1)), for real n ≥ k ≥ 0.
 * @example logChoose(5, 2) // => Math.log(10)
 */
export function logChoose(n: number, k: number): number {
  if (k === 0 || k === n) return 0;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}
