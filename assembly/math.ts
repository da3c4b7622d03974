// Numerically careful scalar helpers: the one reviewed home for them (STYLE.md, "Numerics").

// Thresholds for log(1 + e^x), after Maechler (2012), "Accurately Computing log(1 - exp(-|a|))",
// CRAN Rmpfr vignette, eq. (10): below -37, e^x is below half an ulp of 1, so log1p(e^x) = e^x
// to double precision; above 18, log1p(e^x) = x + e^-x to double precision; above 33.3,
// e^-x is below half an ulp of x and the result is x itself.
const LOG1PEXP_SMALL: f64 = -37.0;
const LOG1PEXP_MEDIUM: f64 = 18.0;
const LOG1PEXP_LARGE: f64 = 33.3;

/** log(1 + e^x) without overflow or cancellation, for any finite x. */
// @ts-ignore: decorator
@inline
export function log1pexp(x: f64): f64 {
  if (x <= LOG1PEXP_SMALL) return Math.exp(x);
  if (x <= LOG1PEXP_MEDIUM) return Math.log1p(Math.exp(x));
  if (x <= LOG1PEXP_LARGE) return x + Math.exp(-x);
  return x;
}

/** The logistic function 1 / (1 + e^-x), evaluated so that e^|x| never overflows. */
// @ts-ignore: decorator
@inline
export function sigmoid(x: f64): f64 {
  if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1.0 + e);
}
