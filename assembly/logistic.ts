// Binary logistic regression over row panels: one pass computes the log-likelihood, the score
// and (optionally) the information matrix X' diag(w) X, so X is read from memory once per
// evaluation.
//
// Each row carries `successes` s and `trials` t (both already multiplied by the prior weight):
// a 0/1 response y with weight w has s = w*y, t = w; R's cbind(s, f) has s = w*s, t = w*(s + f).
// Then, with p = sigmoid(eta),
//   loglik = sum_r  -s log(1 + e^-eta) - (t - s) log(1 + e^eta)      (binomial kernel, no constant)
//   score  = X' (s - t p)
//   info   = X' diag(t p (1 - p)) X
import {
  PANEL_ROWS, COLUMN_STRIDE, panelLinearPredictor, panelTransposeTimes, panelWeightedGramUpper,
} from './panel';
import { SINGLE_COLUMN_STRIDE, rowsToSingle, panelToSingle, panelWeightedGramUpperSingle } from './sketch';
import { logSeries2 } from './vectorMath';

/**
 * One pass over the data at coefficients `coef` (nColsPadded doubles).
 * Writes eta for every row to `etaOut`; when `scoreOut` != 0 sets it to the score; when
 * `infoOut` != 0 sets its upper triangle to the information matrix, summed over the panels
 * b with b % infoPanelStride == 0 only (a row subsample; stride 1 = all rows).
 * `scratch` holds 2 * PANEL_ROWS + PANEL_ROWS * nColsPadded doubles. With `infoSingle` != 0 the
 * information is a single-precision sketch (assembly/sketch.ts; ~1e-6 relative, for early Newton
 * steps, never for the covariance). With `panelStep` > 1 the whole evaluation (log-likelihood,
 * score, information; eta) covers panels 0, panelStep, 2·panelStep, … only: a row subsample for a
 * warm start (eta of the other panels is left as it was). Returns the log-likelihood.
 */
export function logisticEvaluate(
  x: usize, nPanels: i32, nColsPadded: i32, coef: usize, offset: usize,
  successes: usize, trials: usize, etaOut: usize,
  scoreOut: usize, infoOut: usize, infoPanelStride: i32, scratch: usize, infoSingle: i32, panelStep: i32,
): f64 {
  const residual = scratch;
  const weight = scratch + (<usize>PANEL_ROWS << 3);
  const weighted = weight + (<usize>PANEL_ROWS << 3);
  const panelBytes = <usize>nColsPadded * <usize>COLUMN_STRIDE;
  if (scoreOut != 0) memory.fill(scoreOut, 0, <usize>nColsPadded << 3);
  if (infoOut != 0) memory.fill(infoOut, 0, <usize>nColsPadded * <usize>nColsPadded << 3);
  let loglik = f64x2.splat(0);
  const step = max(1, panelStep);
  for (let b = 0; b < nPanels; b += step) {
    const panel = x + <usize>b * panelBytes;
    const rowByte = <usize>b * <usize>PANEL_ROWS << 3;
    const eta = etaOut + rowByte;
    panelLinearPredictor(panel, nColsPadded, coef, offset == 0 ? 0 : offset + rowByte, eta);
    const wantInfo = infoOut != 0 && b % infoPanelStride == 0;
    loglik = f64x2.add(loglik, binomialRowTerms(eta, successes + rowByte, trials + rowByte, residual, wantInfo ? weight : 0, weight));
    if (scoreOut != 0) panelTransposeTimes(panel, nColsPadded, residual, scoreOut);
    if (wantInfo && infoSingle != 0) {
      // the residual column is free once the score has it: it takes the weights as floats; the
      // weighted panel's room takes the panel and the weighted panel as floats.
      rowsToSingle(weight, residual);
      const weightedSingle = weighted + <usize>nColsPadded * <usize>SINGLE_COLUMN_STRIDE;
      panelToSingle(panel, nColsPadded, weighted);
      panelWeightedGramUpperSingle(weighted, residual, weightedSingle, nColsPadded, infoOut, nColsPadded);
    } else if (wantInfo) {
      panelWeightedGramUpper(panel, weight, weighted, nColsPadded, infoOut, nColsPadded);
    }
  }
  return f64x2.extract_lane(loglik, 0) + f64x2.extract_lane(loglik, 1);
}

/**
 * The per-row quantities of one panel, two rows per f64x2: writes the residual s - t p to
 * `residualOut` and, when `weightOut` != 0, the weight t p (1 - p) to it; returns the two lanes'
 * sums of the log-likelihood terms -s log(1 + e^-eta) - (t - s) log(1 + e^eta) (rows with t = 0
 * add nothing). With z = e^-|eta| in (0, 1], u = 1 + z and l = log1p(z):
 *   log(1 + e^eta) = max(eta, 0) + l,   log(1 + e^-eta) = max(-eta, 0) + l,
 *   p = 1/u (eta >= 0) or z/u (eta < 0),   p (1 - p) = z / u^2,
 * so e^x never overflows and nothing cancels near p = 0 or 1 (as log1pexp and sigmoid in math.ts),
 * with one exp and one log1p per row, both vectorized below. `logScratch` holds PANEL_ROWS doubles
 * (it may be `weightOut`: each weight is written after its row's log1p is read back).
 */
// @ts-ignore: decorator
@inline
export function binomialRowTerms(eta: usize, successes: usize, trials: usize, residualOut: usize, weightOut: usize, logScratch: usize): v128 {
  const zero = f64x2.splat(0); // all-zero bits: V8 makes it with one xor
  const one = expConstant(11);
  let sum = zero;
  // Three loops, not one: exp and log1p are each a long dependency chain, and short loop bodies
  // let the CPU overlap more iterations (on the benchmark machine 8.5 ns/row, against 13.4 with one
  // loop and 9.4 with two).
  // z = e^-|eta| goes to residualOut, l = log1p(z) to logScratch, then both are read back.
  for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 16) {
    v128.store(residualOut + o, expNonPositive2(f64x2.neg(f64x2.abs(v128.load(eta + o)))));
  }
  for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 16) {
    const z = v128.load(residualOut + o);
    v128.store(logScratch + o, log1pUnit2(z, f64x2.add(one, z)));
  }
  for (let o: usize = 0; o < <usize>COLUMN_STRIDE; o += 16) {
    const e = v128.load(eta + o);
    const s = v128.load(successes + o);
    const t = v128.load(trials + o);
    const z = v128.load(residualOut + o);
    const l = v128.load(logScratch + o);
    const q = f64x2.div(one, f64x2.add(one, z));
    const term = f64x2.add(
      f64x2.add(f64x2.mul(t, l), f64x2.mul(s, f64x2.pmax(f64x2.neg(e), zero))),
      f64x2.mul(f64x2.sub(t, s), f64x2.pmax(e, zero)),
    );
    sum = f64x2.sub(sum, v128.bitselect(term, zero, f64x2.ne(t, zero)));
    const zq = f64x2.mul(z, q);
    const nonNegative = f64x2.ge(e, zero);
    const prob = v128.bitselect(q, zq, nonNegative);
    const complement = v128.bitselect(zq, q, nonNegative); // 1 − p, without the cancellation of 1 − p
    // s − t p as s (1 − p) − (t − s) p: when p rounds to 1, s − t p would lose every digit of a
    // row of large weight (t = 1e16, 1 − p = 1e-16), which then dominates the score.
    v128.store(residualOut + o, f64x2.sub(f64x2.mul(s, complement), f64x2.mul(f64x2.sub(t, s), prob)));
    if (weightOut != 0) v128.store(weightOut + o, f64x2.mul(f64x2.mul(t, zq), q));
  }
  return sum;
}

// Vectorized exp and log1p for the ranges binomialRowTerms needs. Both follow the scalar
// fdlibm/musl algorithms (the AssemblyScript std's `exp` at shrink level >= 1 and its `log1p`),
// constants and all, with branches replaced by per-lane selects; errors stay below 1 ulp
// (checked against the host's Math by bench/kernels). Constants are read from a static table with
// v128.load64_splat (one instruction) rather than written as v128.const, which V8 rebuilds from
// general registers at every use.

/** fdlibm exp constants, then helpers. */
const EXP_CONSTANTS = memory.data<f64>([
  reinterpret<f64>(0x3FE62E42FEE00000), //  0 ln2_hi  6.93147180369123816490e-01
  reinterpret<f64>(0x3DEA39EF35793C76), //  1 ln2_lo  1.90821492927058770002e-10
  reinterpret<f64>(0x3FF71547652B82FE), //  2 invln2  1.44269504088896338700e+00
  reinterpret<f64>(0x3FC555555555553E), //  3 P1  1.66666666666666019037e-01
  reinterpret<f64>(0xBF66C16C16BEBD93), //  4 P2 -2.77777777770155933842e-03
  reinterpret<f64>(0x3F11566AAF25DE2C), //  5 P3  6.61375632143793436117e-05
  reinterpret<f64>(0xBEBBBD41C5D26BF1), //  6 P4 -1.65339022054652515390e-06
  reinterpret<f64>(0x3E66376972BEA4D0), //  7 P5  4.13813679705723846039e-08
  -800.0, //  8 clamp: below -745.13 exp underflows to 0 anyway; keeps k in range
  6755399441055744.0, //  9 1.5 * 2^52: added to an integer-valued double, leaves it in the low bits
  0.5, // 10
  1.0, // 11
  2.0, // 12
]);

// @ts-ignore: decorator
@inline
function expConstant(i: i32): v128 {
  return v128.load64_splat(EXP_CONSTANTS + (<usize>i << 3));
}

/**
 * e^x for x <= 0 in both lanes (fdlibm exp): x = k ln2 + r with |r| <= ln2/2, e^r from the
 * rational form 1 + r + r c / (2 - c), c = r - r^2 (P1 + ... + r^8 P5), times 2^k applied as
 * 2^k1 * 2^k2 (k1 = floor(k/2), k2 = k - k1, each a normal power of two, so a subnormal result is
 * rounded once, as scalbn does).
 */
// @ts-ignore: decorator
@inline
export function expNonPositive2(x: v128): v128 {
  x = f64x2.pmax(x, expConstant(8)); // pmax, not max: one instruction; x is never NaN here
  // k = (int)(x / ln2 - 0.5): fdlibm's (int)(invln2 * x + copysign(0.5, x)) for x <= 0; in the
  // ranges where fdlibm sets k = 0 or k = -1 directly, this formula gives the same k.
  const k = f64x2.trunc(f64x2.sub(f64x2.mul(x, expConstant(2)), expConstant(10)));
  const hi = f64x2.sub(x, f64x2.mul(k, expConstant(0)));
  const lo = f64x2.mul(k, expConstant(1));
  const r = f64x2.sub(hi, lo);
  const rr = f64x2.mul(r, r);
  const r4 = f64x2.mul(rr, rr);
  const poly = f64x2.add(
    f64x2.mul(rr, expConstant(3)),
    f64x2.mul(r4, f64x2.add(
      f64x2.add(expConstant(4), f64x2.mul(rr, expConstant(5))),
      f64x2.mul(r4, f64x2.add(expConstant(6), f64x2.mul(rr, expConstant(7)))),
    )),
  );
  const c = f64x2.sub(r, poly);
  const y = f64x2.add(expConstant(11), f64x2.add(f64x2.sub(f64x2.div(f64x2.mul(r, c), f64x2.sub(expConstant(12), c)), lo), hi));
  const k1 = f64x2.floor(f64x2.mul(k, expConstant(10)));
  const k2 = f64x2.sub(k, k1);
  return f64x2.mul(f64x2.mul(y, powerOfTwo2(k1)), powerOfTwo2(k2));
}

/** 2^k for integer-valued k in [-1022, 1023] in both lanes, built from the exponent bits. */
// @ts-ignore: decorator
@inline
function powerOfTwo2(k: v128): v128 {
  const bits = f64x2.add(k, expConstant(9)); // low mantissa bits: k, two's complement
  return i64x2.shl(i64x2.add(bits, i64x2.splat(1023)), 52);
}

/** musl log1p constants (its polynomial's, Lg1-Lg7, are vectorMath.ts's: logSeries2). */
const LOG1P_CONSTANTS = memory.data<f64>([
  reinterpret<f64>(0x3FE62E42FEE00000), //  0 ln2_hi 6.93147180369123816490e-01
  reinterpret<f64>(0x3DEA39EF35793C76), //  1 ln2_lo 1.90821492927058770002e-10
  reinterpret<f64>(0x3FDA827A00000000), //  2 musl's split (high word 0x3FDA827A), 0.41421353816986084
  0.5, //  3
  1.0, //  4
  2.0, //  5
]);

// @ts-ignore: decorator
@inline
function log1pConstant(i: i32): v128 {
  return v128.load64_splat(LOG1P_CONSTANTS + (<usize>i << 3));
}

/**
 * log(1 + x) for 0 <= x <= 1 in both lanes, given u = 1 + x (musl log1p, bit for bit): below the
 * split, f = x and k = 0; from it on, f = u/2 - 1, k = 1 and c = (x - (u - 1)) / u corrects the
 * rounding of u. Then log(1 + f) = 2 atanh(s), s = f / (2 + f), from musl's polynomial.
 */
// @ts-ignore: decorator
@inline
export function log1pUnit2(x: v128, u: v128): v128 {
  const one = log1pConstant(4);
  const halve = f64x2.ge(x, log1pConstant(2));
  const f = v128.bitselect(f64x2.sub(f64x2.mul(u, log1pConstant(3)), one), x, halve);
  const c = v128.and(f64x2.div(f64x2.sub(x, f64x2.sub(u, one)), u), halve);
  const dk = v128.and(one, halve);
  const hfsq = f64x2.mul(f64x2.mul(log1pConstant(3), f), f);
  const s = f64x2.div(f, f64x2.add(log1pConstant(5), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const r = logSeries2(z, w);
  return f64x2.add(
    f64x2.add(
      f64x2.sub(
        f64x2.add(f64x2.mul(s, f64x2.add(hfsq, r)), f64x2.add(f64x2.mul(dk, log1pConstant(1)), c)),
        hfsq,
      ),
      f,
    ),
    f64x2.mul(dk, log1pConstant(0)),
  );
}
