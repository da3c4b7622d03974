// Special functions (src/special.ts) against reference values, and the Wald/information-criterion
// formulas (src/inference.ts) built on them.
//
// Reference values, every double printed so it round-trips:
// - R_*: R 4.2.2 (Debian), `sprintf("%.17g", pnorm(z))`, `qnorm(p)`, `2 * pnorm(-abs(z))`,
//   `lgamma(x)`, `lchoose(n, k)`.
// - MPMATH_*: Python 3.11 mpmath 1.3.0 at 60 digits, `repr(float(mp.erfc(mp.mpf(x))))` and
//   `mp.loggamma`: R has no erfc, and R's lgamma near its zeros at 1 and 2 computes log(gamma(x)),
//   which is accurate only to ~1e-16 absolute there (relative 5e-13 at x = 0.999), so the
//   relative accuracy near the zeros is checked against mpmath instead.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { akaike, bayesian, pValues, standardErrors, waldIntervals, zValues } from '../src/inference.js';
import { erfc, logChoose, logGamma, normalCdf, normalQuantile, twoSidedNormalP } from '../src/special.js';
import { relativeError } from './helpers/reference.js';
import { EPS } from './helpers/tolerances.js';

/**
 * erfc(x) = 1 − erf(x) from a positive series for x < 1.5 cancels: the relative error grows like
 * eps / erfc(x), up to ~30 eps at x = 1.5 (measured 3.6e-15 at 1.4); the same holds for Φ(z),
 * |z| < 2.12. Elsewhere the functions are within a few ulps. 1e-14 bounds both with room.
 */
const TAIL_RTOL = 1e-14;
/** Quantiles and log Γ are computed to a few ulps (measured ≤ 7e-16 against R and mpmath). */
const FEW_ULPS = 8 * EPS;
const R_PNORM: [number, number][] = [
  [-37.5, 4.6053530095819552e-308],
  [-30, 4.9067139271481872e-198],
  [-20, 2.7536241186062337e-89],
  [-10, 7.6198530241605269e-24],
  [-8.3000000000000007, 5.2055697448902552e-17],
  [-5, 2.8665157187919391e-07],
  [-3, 0.0013498980316300946],
  [-2.5, 0.0062096653257761349],
  [-2.1213203435596424, 0.016947426762344647],
  [-1.96, 0.024997895148220428],
  [-1.5, 0.066807201268858071],
  [-1, 0.15865525393145705],
  [-0.5, 0.30853753872598694],
  [-1.0000000000000001e-05, 0.49999601057719606],
  [-9.9999999999999998e-201, 0.5],
  [0, 0.5],
  [1.0000000000000001e-05, 0.500003989422804],
  [0.5, 0.69146246127401301],
  [1, 0.84134474606854293],
  [1.5, 0.93319279873114191],
  [1.96, 0.97500210485177963],
  [2.5, 0.99379033467422384],
  [3, 0.9986501019683699],
  [5, 0.99999971334842808],
  [8, 0.99999999999999933],
  [8.3000000000000007, 1],
  [10, 1],
  [20, 1],
];
const R_QNORM: [number, number][] = [
  [1e-300, -37.047096299361201],
  [1e-100, -21.273453560965319],
  [9.9999999999999995e-21, -9.2623400897984052],
  [1e-10, -6.3613409024040557],
  [1.0000000000000001e-05, -4.2648907939228256],
  [0.001, -3.0902323061678132],
  [0.01, -2.3263478740408408],
  [0.025000000000000001, -1.9599639845400538],
  [0.050000000000000003, -1.6448536269514726],
  [0.10000000000000001, -1.2815515655446008],
  [0.20000000000000001, -0.84162123357291418],
  [0.25, -0.67448975019608171],
  [0.29999999999999999, -0.52440051270804067],
  [0.40000000000000002, -0.25334710313579978],
  [0.45000000000000001, -0.12566134685507399],
  [0.48999999999999999, -0.025068908258711057],
  [0.499, -0.0025066308995717666],
  [0.4999999, -2.5066282747031068e-07],
  [0.5, 0],
  [0.50000009999999995, 2.5066282733116488e-07],
  [0.501, 0.0025066308995717666],
  [0.51000000000000001, 0.025068908258711057],
  [0.59999999999999998, 0.25334710313579978],
  [0.69999999999999996, 0.52440051270804067],
  [0.75, 0.67448975019608171],
  [0.80000000000000004, 0.84162123357291441],
  [0.90000000000000002, 1.2815515655446008],
  [0.94999999999999996, 1.6448536269514715],
  [0.97499999999999998, 1.9599639845400536],
  [0.98999999999999999, 2.3263478740408408],
  [0.999, 3.0902323061678132],
  [0.99999999989999999, 6.3613408896974208],
];
const R_TWO_SIDED: [number, number][] = [
  [-4.6036000000000001, 4.1524966595506531e-06],
  [2.5444, 0.010946565037121419],
  [2.3614000000000002, 0.018206081338584226],
  [0, 1],
  [0.5, 0.61707507745197387],
  [1.959963984540054, 0.050000000000000024],
  [3.2905267314918945, 0.0010000000000000015],
  [8, 1.244192114854357e-15],
  [30, 9.8134278542963744e-198],
  [38, 0],
];
const R_LGAMMA: [number, number][] = [
  [1e-300, 690.77552789821368],
  [1e-10, 23.025850929882736],
  [0.001, 6.9071788853838534],
  [0.10000000000000001, 2.252712651734206],
  [0.29999999999999999, 1.0957979948180756],
  [0.5, 0.57236494292470008],
  [0.75, 0.20328095143129538],
  [1.25, -0.098271836421813197],
  [1.5, -0.12078223763524518],
  [2.5, 0.28468287047291918],
  [3, 0.69314718055994529],
  [3.5, 1.2009736023470743],
  [5, 3.1780538303479458],
  [7.25, 7.0521854507385395],
  [10, 12.801827480081469],
  [14.5, 23.86276584168909],
  [14.999000000000001, 25.188546870546926],
  [15, 25.191221182738683],
  [15.5, 26.536914491115613],
  [20, 39.339884187199495],
  [50.5, 146.51925549072064],
  [100, 359.1342053695754],
  [171, 706.57306224578747],
  [171.5, 709.14316303092835],
  [1000, 5905.2204232091808],
  [100000, 1051287.7089736569],
  [10000000000, 220258509288.81058],
  [1.0000000000000001e+300, 6.8977552789821374e+302],
];
const MPMATH_ERFC: [number, number][] = [
  [1e-300, 1.0],
  [1e-10, 0.999999999887162],
  [0.001, 0.9988716212090307],
  [0.1, 0.887537083981715],
  [0.5, 0.4795001221869535],
  [0.9, 0.20309178757716786],
  [1.0, 0.15729920705028513],
  [1.2, 0.08968602177036464],
  [1.4, 0.0477148802373512],
  [1.49, 0.03510213515679579],
  [1.5, 0.033894853524689274],
  [1.51, 0.03272325187128836],
  [2.0, 0.004677734981047266],
  [3.0, 2.209049699858544e-05],
  [5.0, 1.537459794428035e-12],
  [10.0, 2.088487583762545e-45],
  [15.0, 7.212994172451207e-100],
  [20.0, 5.395865611607901e-176],
  [26.0, 5.663192408856143e-296],
  [26.5, 2.2109076642637343e-307],
  [27.0, 5.23705e-319],
  [-1e-10, 1.000000000112838],
  [-0.5, 1.5204998778130465],
  [-1.0, 1.8427007929497148],
  [-1.5, 1.9661051464753108],
  [-3.0, 1.9999779095030015],
  [-6.0, 2.0],
];
const MPMATH_LGAMMA: [number, number][] = [
  [0.9, 0.06637623973474295],
  [0.99, 0.005854806764709781],
  [0.999, 0.0005780385328913802],
  [0.999999, 5.772164873855652e-07],
  [1.0, 0.0],
  [1.000001, -5.772148423874147e-07],
  [1.001, -0.0005763935982833062],
  [1.01, -0.005690307946069651],
  [1.1, -0.049872441259839764],
  [1.5, -0.12078223763524522],
  [1.9, -0.03898427592308336],
  [1.99, -0.004195529088791668],
  [1.999, -0.0004224618006921073],
  [1.999999, -4.227840125965854e-07],
  [2.0, 0.0],
  [2.000001, 4.2278465762452923e-07],
  [2.001, 0.000423106734800117],
  [2.01, 0.004260022907098346],
  [2.1, 0.04543773854448518],
  [2.4999, 0.28461255726068263],
];

/** Checks f against [x, f(x)] pairs with relative tolerance rtol (absolute below 1e-300, i.e. 0). */
function checkTable(f: (x: number) => number, table: [number, number][], rtol: number): void {
  for (const [x, want] of table) {
    const got = f(x);
    const error = want === 0 ? Math.abs(got) : relativeError(got, want);
    if (!(error <= rtol)) throw new Error(`f(${x}) = ${got}, expected ${want} (relative error ${error.toExponential(2)} > ${rtol})`);
  }
}

describe('normal distribution', () => {
  it('normalCdf matches R pnorm from −37.5 to 20 (including subnormal results)', () => {
    checkTable(normalCdf, R_PNORM, TAIL_RTOL);
  });

  it('erfc matches mpmath from 1e-300 to 27 and for negative arguments', () => {
    checkTable(erfc, MPMATH_ERFC, TAIL_RTOL);
  });

  it('twoSidedNormalP matches R 2 * pnorm(-abs(z)), including the UCLA z values', () => {
    checkTable(twoSidedNormalP, R_TWO_SIDED, TAIL_RTOL);
  });

  it('normalQuantile matches R qnorm from 1e-300 to 1 − 1e-10, also near 1/2', () => {
    checkTable(normalQuantile, R_QNORM, FEW_ULPS);
  });

  it('normalQuantile(0.975) is the 1.959963984540054 of confint.default', () => {
    expect(relativeError(normalQuantile(0.975), 1.959963984540054)).toBeLessThanOrEqual(2 * EPS);
  });

  it('handles the ends and NaN: Φ(±∞), Φ⁻¹(0), Φ⁻¹(1), erfc far out', () => {
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(Number.NaN)).toBeNaN();
    expect(twoSidedNormalP(Infinity)).toBe(0);
    expect(twoSidedNormalP(Number.NaN)).toBeNaN();
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(Number.NaN)).toBeNaN();
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(0.5)).toBe(0);
    for (const bad of [-0.1, 1.1, Number.NaN]) expect(normalQuantile(bad)).toBeNaN();
  });

  it('Φ(z) + Φ(−z) = 1 and 2Φ(−|z|) is the two-sided p-value (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -40, max: 40, noNaN: true }), (z) => {
        expect(Math.abs(normalCdf(z) + normalCdf(-z) - 1)).toBeLessThanOrEqual(2 * EPS);
        expect(relativeError(twoSidedNormalP(z), 2 * normalCdf(-Math.abs(z)))).toBeLessThanOrEqual(2 * EPS);
      }),
      { numRuns: 1000 },
    );
  });

  it('Φ(Φ⁻¹(p)) = p to a few ulps relative, for p from 1e-300 to 1 − 1e-12 (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1 - 1e-12, noNaN: true }), (p) => {
        const z = normalQuantile(p);
        // Compare the smaller tail, Φ(−|z|) with min(p, 1 − p) (1 − p is exact for p ≥ 1/2);
        // φ(z)·z/Φ(−|z|) ≈ z² amplifies the quantile's relative error.
        const back = normalCdf(-Math.abs(z));
        const amplification = 1 + Math.abs(z) * Math.abs(z) + Math.abs(z);
        expect(relativeError(back, Math.min(p, 1 - p))).toBeLessThanOrEqual(TAIL_RTOL * amplification);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('logGamma and logChoose', () => {
  it('logGamma matches R lgamma from 1e-300 to 1e300', () => {
    checkTable(logGamma, R_LGAMMA, FEW_ULPS);
  });

  it('logGamma is accurate relative to itself near its zeros at 1 and 2 (mpmath)', () => {
    checkTable(logGamma, MPMATH_LGAMMA, FEW_ULPS);
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
  });

  it('logGamma: Γ(n) = (n − 1)! for integers, and the edge values', () => {
    let logFactorial = 0;
    for (let n = 1; n <= 170; n++) {
      expect(relativeError(logGamma(n), logFactorial)).toBeLessThanOrEqual(FEW_ULPS);
      logFactorial += Math.log(n);
    }
    expect(logGamma(0)).toBe(Infinity);
    expect(logGamma(Infinity)).toBe(Infinity);
    expect(logGamma(-1)).toBeNaN();
    expect(logGamma(Number.NaN)).toBeNaN();
  });

  it('log Γ(x + 1) = log Γ(x) + log x (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (x) => {
        const lhs = logGamma(x + 1);
        const rhs = logGamma(x) + Math.log(x);
        // both sides are sums of terms up to |log Γ(x)| + |log x| in size; and x + 1 is rounded,
        // which moves log Γ by up to |ψ(x + 1)|·ulp(x + 1), with |ψ(x + 1)| < |log(x + 1)| + 1.
        const scale = Math.abs(logGamma(x)) + Math.abs(Math.log(x)) + Math.abs(lhs);
        const rounding = EPS * (x + 1) * (Math.abs(Math.log(x + 1)) + 1);
        expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(8 * EPS * scale + rounding);
      }),
      { numRuns: 1000 },
    );
  });

  it('logChoose matches R lchoose', () => {
    expect(logChoose(5, 2)).toBeCloseTo(Math.log(10), 14);
    expect(relativeError(logChoose(20, 7), 11.258291246564649)).toBeLessThanOrEqual(FEW_ULPS);
    expect(relativeError(logChoose(100, 50), 66.783841652017415)).toBeLessThanOrEqual(FEW_ULPS);
    expect(relativeError(logChoose(1e6, 3e5), 610857.25568464189)).toBeLessThanOrEqual(FEW_ULPS);
    expect(relativeError(logChoose(7, 3), 3.5553480614894135)).toBeLessThanOrEqual(FEW_ULPS);
    expect(logChoose(9, 0)).toBe(0);
    expect(logChoose(9, 9)).toBe(0);
    expect(logChoose(1, 1)).toBe(0);
  });
});

describe('inference formulas', () => {
  it('standardErrors are the square roots of the covariance diagonal', () => {
    expect(Array.from(standardErrors(Float64Array.of(4, 1, 1, 9), 2))).toEqual([2, 3]);
  });

  it('zValues = β / se and pValues = 2Φ(−|z|)', () => {
    expect(Array.from(zValues([2, -3], [4, 1.5]))).toEqual([0.5, -2]);
    const p = pValues([0, 1.959963984540054, -1.959963984540054]);
    expect(p[0]).toBe(1);
    expect(relativeError(p[1]!, 0.05)).toBeLessThanOrEqual(TAIL_RTOL);
    expect(p[2]).toBe(p[1]);
  });

  it('waldIntervals are β ± Φ⁻¹((1 + level)/2)·se (R confint.default)', () => {
    const [[lo, hi]] = waldIntervals([1], [2], 0.95) as [[number, number]];
    expect(relativeError(lo, 1 - 2 * 1.9599639845400536)).toBeLessThanOrEqual(4 * EPS);
    expect(relativeError(hi, 1 + 2 * 1.9599639845400536)).toBeLessThanOrEqual(4 * EPS);
    const [[lo90]] = waldIntervals([0], [1], 0.9) as [[number, number]];
    expect(relativeError(lo90, -1.6448536269514715)).toBeLessThanOrEqual(4 * EPS); // R: qnorm(0.95)
  });

  it('akaike = −2 logLik + 2k and bayesian = −2 logLik + k log n (UCLA, R AIC/BIC)', () => {
    // R: logLik(fit) = -240.1719908424144, AIC 486.34398168482880, BIC(fit) = 498.31837532615276.
    expect(relativeError(akaike(-240.1719908424144, 3), 486.3439816848288)).toBeLessThanOrEqual(2 * EPS);
    expect(relativeError(bayesian(-240.1719908424144, 3, 400), 498.31837532615276)).toBeLessThanOrEqual(2 * EPS);
  });
});
