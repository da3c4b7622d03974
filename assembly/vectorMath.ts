// e^x for x <= 0, two lanes per f64x2, without a division: musl's exp (src/math/exp.c, Szabolcs
// Nagy, 2018; the AssemblyScript std's `exp_lut` in std/assembly/util/math.ts), with a 32-entry
// table instead of 128 (512 bytes of the shipped module instead of 2 KiB) and one more degree of
// polynomial to match. x = (k/N) ln2 + r with N = 32 and |r| <= ln2/(2N) = 0.0109; 2^(k/N) comes
// from the table (its high bits in T[2i + 1], a correction in T[2i]: every fourth pair of musl's
// N = 128 table, which holds 2^(4i/128) = 2^(i/32) with the same encoding, since
// T[2i + 1] = bits(2^(i/N)) - (i << (52 - log2 N)) and 4i << 45 = i << 47) and e^r - 1 from its
// Taylor polynomial of degree 6 (truncation r^7/7! < 3.5e-18, 0.03 ulp). musl's bound for this
// scheme, 0.5 + 1.11/N ulp + the polynomial's error (+ 0.25/N without FMA), gives < 0.58 ulp.
// The fdlibm form in logistic.ts (`expNonPositive2`) needs one f64x2.div per call, the slowest
// instruction of the per-row work: this form takes about half its time (bench/kernel.ts).
// Lanes below -512 (a result below 2^-738, where scale would leave the normal range) take the
// std's scalar Math.exp instead, as musl's `specialcase` does: rare, and exact to the subnormals.

// @ts-ignore: decorator
@lazy const EXP_TABLE = memory.data<u64>([
  0x0000000000000000, 0x3FF0000000000000,
  0x3C8CD2523567F613, 0x3FEFD9B0D3158574,
  0x3C979AA65D837B6D, 0x3FEFB5586CF9890F,
  0xBC9556522A2FBD0E, 0x3FEF9301D0125B51,
  0xBC801B15EAA59348, 0x3FEF72B83C7D517B,
  0x3C9AECF73E3A2F60, 0x3FEF54873168B9AA,
  0x3C968EFDE3A8A894, 0x3FEF387A6E756238,
  0x3C82F7E16D09AB31, 0x3FEF1E9DF51FDEE1,
  0x3C834D754DB0ABB6, 0x3FEF06FE0A31B715,
  0xBC924AEDCC4B5068, 0x3FEEF1A7373AA9CB,
  0x3C859F48A72A4C6D, 0x3FEEDEA64C123422,
  0x3C4363ED60C2AC11, 0x3FEECE086061892D,
  0x3C7690CEBB7AAFB0, 0x3FEEBFDAD5362A27,
  0xBC78DEC6BD0F385F, 0x3FEEB42B569D4F82,
  0x3C9063E1E21C5409, 0x3FEEAB07DD485429,
  0xBC8C33C53BEF4DA8, 0x3FEEA47EB03A5585,
  0xBC93B3EFBF5E2228, 0x3FEEA09E667F3BCD,
  0xBC781F647E5A3ECF, 0x3FEE9F75E8EC5F74,
  0xBC7B32DCB94DA51D, 0x3FEEA11473EB0187,
  0xBC9369B6F13B3734, 0x3FEEA589994CCE13,
  0x3C8DB72FC1F0EAB4, 0x3FEEACE5422AA0DB,
  0xBC5DA9B88B6C1E29, 0x3FEEB737B0CDC5E5,
  0x3C71AFFC2B91CE27, 0x3FEEC49182A3F090,
  0xBC91BBD1D3BCBB15, 0x3FEED503B23E255D,
  0x3C8C1A7792CB3387, 0x3FEEE89F995AD3AD,
  0xBC68D6F438AD9334, 0x3FEEFF76F2FB5E47,
  0x3C736EAE30AF0CB3, 0x3FEF199BDD85529C,
  0x3C676B2C6C921968, 0x3FEF3720DCEF9069,
  0x3C74A385A63D07A7, 0x3FEF5818DCFBA487,
  0xBC82D52107B43E1F, 0x3FEF7C97337B9B5F,
  0xBC8FF7128FD391F0, 0x3FEFA4AFA2A490DA,
  0x3C8A64A931D185EE, 0x3FEFD0765B6E4540,
]);

/** Constants: 0 N/ln2, 1-2 -ln2/N high and low (musl's for N = 128, times 4: exact), 3 shift 1.5 * 2^52, 4-8 1/2! .. 1/6!. */
// @ts-ignore: decorator
@lazy const EXP_LUT_CONSTANTS = memory.data<f64>([
  reinterpret<f64>(0x3FF71547652B82FE) * 32, // 0 InvLn2N: 0x1.71547652b82fep0 * N
  reinterpret<f64>(0xBF962E42FEFA0000), //  1 NegLn2hiN -0x1.62e42fefa0000p-6
  reinterpret<f64>(0xBD2CF79ABC9E3B3A), //  2 NegLn2loN -0x1.cf79abc9e3b3ap-45
  reinterpret<f64>(0x4338000000000000), //  3 shift 0x1.8p52
  0.5, //  4 1/2
  1.0 / 6, //  5 1/6
  1.0 / 24, //  6 1/24
  1.0 / 120, //  7 1/120
  1.0 / 720, //  8 1/720
  -512.0, //  9 below this, the scalar exp
]);

// @ts-ignore: decorator
@inline
function lutConstant(i: i32): v128 {
  return v128.load64_splat(EXP_LUT_CONSTANTS + (<usize>i << 3));
}

/**
 * e^x in both lanes for x <= 0 or NaN (musl's exp, see above). -Infinity gives 0, NaN gives NaN.
 */
// @ts-ignore: decorator
@inline
export function expNonPositiveTable2(x: v128): v128 {
  if (v128.any_true(f64x2.lt(x, lutConstant(9)))) {
    return f64x2.replace_lane(f64x2.splat(Math.exp(f64x2.extract_lane(x, 0))), 1, Math.exp(f64x2.extract_lane(x, 1)));
  }
  const shift = lutConstant(3);
  const shifted = f64x2.add(f64x2.mul(x, lutConstant(0)), shift); // k in the low bits
  const kd = f64x2.sub(shifted, shift);
  const r = f64x2.add(f64x2.add(x, f64x2.mul(kd, lutConstant(1))), f64x2.mul(kd, lutConstant(2)));
  const index = i64x2.shl(v128.and(shifted, i64x2.splat(31)), 4); // byte offset of the pair T[2i], T[2i + 1]
  const pair0 = v128.load(EXP_TABLE + <usize>i64x2.extract_lane(index, 0));
  const pair1 = v128.load(EXP_TABLE + <usize>i64x2.extract_lane(index, 1));
  const tail = v128.shuffle<f64>(pair0, pair1, 0, 2);
  const scale = i64x2.add(v128.shuffle<f64>(pair0, pair1, 1, 3), i64x2.shl(shifted, 47));
  const r2 = f64x2.mul(r, r);
  // tail + r + r^2 (1/2 + r/6) + r^4 (1/24 + r/120 + r^2/720): musl's grouping, one term more
  const high = f64x2.add(f64x2.add(lutConstant(6), f64x2.mul(r, lutConstant(7))), f64x2.mul(r2, lutConstant(8)));
  const tmp = f64x2.add(
    f64x2.add(f64x2.add(tail, r), f64x2.mul(r2, f64x2.add(lutConstant(4), f64x2.mul(r, lutConstant(5))))),
    f64x2.mul(f64x2.mul(r2, r2), high),
  );
  return f64x2.add(scale, f64x2.mul(scale, tmp));
}

/** musl log constants (src/math/log.c, from fdlibm's e_log.c). */
// @ts-ignore: decorator
@lazy const LOG_CONSTANTS = memory.data<f64>([
  reinterpret<f64>(0x3FE62E42FEE00000), //  0 ln2_hi 6.93147180369123816490e-01
  reinterpret<f64>(0x3DEA39EF35793C76), //  1 ln2_lo 1.90821492927058770002e-10
  reinterpret<f64>(0x3FE5555555555593), //  2 Lg1 6.666666666666735130e-01
  reinterpret<f64>(0x3FD999999997FA04), //  3 Lg2 3.999999999940941908e-01
  reinterpret<f64>(0x3FD2492494229359), //  4 Lg3 2.857142874366239149e-01
  reinterpret<f64>(0x3FCC71C51D8E78AF), //  5 Lg4 2.222219843214978396e-01
  reinterpret<f64>(0x3FC7466496CB03DE), //  6 Lg5 1.818357216161805012e-01
  reinterpret<f64>(0x3FC39A09D078C69F), //  7 Lg6 1.531383769920937332e-01
  reinterpret<f64>(0x3FC2F112DF3E5244), //  8 Lg7 1.479819860511658591e-01
  0.5, //  9
  1.0, // 10
  2.0, // 11
  reinterpret<f64>(0x4338000000000000), // 12 1.5 * 2^52: an integer in its low bits, minus it, is that integer as a double
]);

// @ts-ignore: decorator
@inline
function logConstant(i: i32): v128 {
  return v128.load64_splat(LOG_CONSTANTS + (<usize>i << 3));
}

/**
 * musl's R = Lg1 z + Lg2 z² + … + Lg7 z⁷ of log(1 + f) = 2 atanh(s), s = f / (2 + f), z = s²,
 * w = z², summed as log.c and log1p.c sum it (odd and even terms apart, then t2 + t1). Shared by
 * logNormal2 and logistic.ts's log1pUnit2: the same constants and operations, so each stays bit for
 * bit what it was with its own copy.
 */
// @ts-ignore: decorator
@inline
export function logSeries2(z: v128, w: v128): v128 {
  const t1 = f64x2.mul(w, f64x2.add(logConstant(3), f64x2.mul(w, f64x2.add(logConstant(5), f64x2.mul(w, logConstant(7))))));
  const t2 = f64x2.mul(z, f64x2.add(logConstant(2), f64x2.mul(w, f64x2.add(logConstant(4), f64x2.mul(w, f64x2.add(logConstant(6), f64x2.mul(w, logConstant(8))))))));
  return f64x2.add(t2, t1);
}

/**
 * log(x) in both lanes for positive normal x (musl's log.c, the std's Math.log at shrink level
 * >= 1, with the high-word arithmetic done on all 64 bits): x = 2^k (1 + f) with 1 + f in
 * [sqrt(2)/2, sqrt(2)), then log(1 + f) = 2 atanh(s), s = f / (2 + f), from fdlibm's polynomial;
 * error below 1 ulp, bit for bit the std's result. NaN gives NaN; zero, negative, subnormal or
 * infinite x are not handled (softmaxEvaluate takes logs of sums of exps that include exp(0) = 1: x >= 1).
 */
// @ts-ignore: decorator
@inline
export function logNormal2(x: v128): v128 {
  // musl: hx += 0x3ff00000 - 0x3fe6a09e; k = (hx >> 20) - 0x3ff; hx = (hx & 0xfffff) + 0x3fe6a09e
  const bits = i64x2.add(x, i64x2.splat((<i64>(0x3FF00000 - 0x3FE6A09E)) << 32));
  const k = i64x2.sub(i64x2.shr_u(bits, 52), i64x2.splat(0x3FF));
  const m = i64x2.add(v128.and(bits, i64x2.splat(0x000FFFFFFFFFFFFF)), i64x2.splat((<i64>0x3FE6A09E) << 32));
  const f = f64x2.sub(m, logConstant(10));
  const dk = f64x2.sub(i64x2.add(k, logConstant(12)), logConstant(12));
  const hfsq = f64x2.mul(f64x2.mul(logConstant(9), f), f);
  const s = f64x2.div(f, f64x2.add(logConstant(11), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const r = logSeries2(z, w);
  const log = f64x2.add(
    f64x2.add(f64x2.sub(f64x2.add(f64x2.mul(s, f64x2.add(hfsq, r)), f64x2.mul(dk, logConstant(1))), hfsq), f),
    f64x2.mul(dk, logConstant(0)),
  );
  return v128.bitselect(x, log, f64x2.ne(x, x)); // NaN stays NaN (its bits would make a number above)
}
