import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  detectSeparationBinary,
  detectSeparationMultinomial,
  detectSeparationMultinomialCounts,
  type SeparationResult,
} from '../src/diagnostics/separation.js';
import { maximizeOverBoxedCone, type ConeConstraints } from '../src/diagnostics/simplex.js';
import { SoftlogitError } from '../src/errors.js';
import { mulberry32 } from './helpers/random.js';

/**
 * Slack allowed when checking that a returned ray satisfies the separation inequalities
 * (2y − 1)·xᵀray ≥ 0: the ray is an LP vertex computed in double precision on columns scaled to
 * max |x| = 1, so violations are rounding noise ~1e-14 relative to |x|·|ray|; 1e-9 is far above that.
 */
const WITNESS_TOL = 1e-9;

/** Budget for the n = 1e4, p = 20 timing test (the brief asks for "well under a second"; CI machines vary, so 3x slack). */
const LARGE_PROBLEM_BUDGET_MS = 3000;

/** Row-major design from rows. */
function design(rows: number[][]): Float64Array {
  return Float64Array.from(rows.flat());
}

/** min over rows of (2y − 1)·x_iᵀray (binary, y ∈ {0, 1}), ignoring rows with weight 0. */
function minSignedMargin(X: Float64Array, p: number, y: ArrayLike<number>, ray: Float64Array, weights?: number[]): number {
  let min = Infinity;
  for (let i = 0; i < y.length; i++) {
    if (weights !== undefined && weights[i] === 0) continue;
    let eta = 0;
    for (let j = 0; j < p; j++) eta += X[i * p + j]! * ray[j]!;
    const yi = y[i]!;
    if (yi > 0) min = Math.min(min, eta);
    if (yi < 1) min = Math.min(min, -eta);
  }
  return min;
}

/** min over rows i and classes k ≠ c_i of x_iᵀ(d_{c_i} − d_k), reference-form ray (p × (K−1) row-major). */
function minPairwiseMargin(X: Float64Array, p: number, cls: Int32Array, K: number, ref: number, ray: Float64Array): number {
  const B = K - 1;
  const etaOf = (i: number, k: number): number => {
    if (k === ref) return 0;
    const b = k < ref ? k : k - 1;
    let s = 0;
    for (let j = 0; j < p; j++) s += X[i * p + j]! * ray[j * B + b]!;
    return s;
  };
  let min = Infinity;
  for (let i = 0; i < cls.length; i++) {
    for (let k = 0; k < K; k++) if (k !== cls[i]) min = Math.min(min, etaOf(i, cls[i]!) - etaOf(i, k));
  }
  return min;
}

/**
 * Independent oracle for cones in ℝ² with small integer constraint vectors a_r: the cone
 * {d : a_rᵀd ≥ 0} has its boundary rays along ±perp(a_r), and its interior (if any) contains a_r
 * itself or the sum of two boundary rays, so checking those finitely many integer candidates
 * decides separation exactly (all arithmetic is exact on small integers).
 */
function oracle2d(cons: Array<[number, number]>): 'none' | 'complete' | 'quasi-complete' {
  const base: Array<[number, number]> = [];
  for (const [a, b] of cons) base.push([a, b], [-a, -b], [-b, a], [b, -a]);
  const candidates = [...base];
  for (const u of base) for (const v of base) candidates.push([u[0] + v[0], u[1] + v[1]]);
  let quasi = false;
  for (const [d0, d1] of candidates) {
    let allPos = cons.length > 0;
    let allNonNeg = true;
    let someNonZero = false;
    for (const [a, b] of cons) {
      const v = a * d0 + b * d1;
      if (v < 0) allNonNeg = false;
      if (v <= 0) allPos = false;
      if (v !== 0) someNonZero = true;
    }
    if (allPos) return 'complete';
    if (allNonNeg && someNonZero) quasi = true;
  }
  return quasi ? 'quasi-complete' : 'none';
}

/** Solves the square system G v = h by Gaussian elimination; null when (numerically) singular. */
function solveSquare(G: number[][], h: number[]): number[] | null {
  const m = h.length;
  const a = G.map((row, i) => [...row, h[i]!]);
  for (let k = 0; k < m; k++) {
    let piv = k;
    for (let i = k + 1; i < m; i++) if (Math.abs(a[i]![k]!) > Math.abs(a[piv]![k]!)) piv = i;
    if (Math.abs(a[piv]![k]!) < 1e-10) return null;
    [a[k], a[piv]] = [a[piv]!, a[k]!];
    for (let i = 0; i < m; i++) {
      if (i === k) continue;
      const f = a[i]![k]! / a[k]![k]!;
      for (let j = k; j <= m; j++) a[i]![j] = a[i]![j]! - f * a[k]![j]!;
    }
  }
  return a.map((row, i) => row[m]! / row[i]!);
}

/**
 * max cᵀv over the polytope {v : G v ≤ h} (bounded), by enumerating every vertex: each choice of
 * m inequalities made active whose system is regular gives a candidate, kept if feasible.
 */
function maxOverVertices(G: number[][], h: number[], c: number[]): number {
  const m = c.length;
  let best = -Infinity;
  const pick: number[] = [];
  const visit = (start: number): void => {
    if (pick.length === m) {
      const v = solveSquare(pick.map((k) => G[k]!), pick.map((k) => h[k]!));
      if (v === null) return;
      for (let k = 0; k < G.length; k++) {
        if (G[k]!.reduce((s, g, j) => s + g * v[j]!, 0) > h[k]! + 1e-9) return;
      }
      best = Math.max(best, c.reduce((s, cj, j) => s + cj * v[j]!, 0));
      return;
    }
    for (let k = start; k < G.length; k++) {
      pick.push(k);
      visit(k + 1);
      pick.pop();
    }
  };
  visit(0);
  return best;
}

/**
 * Independent oracle for any small dimension: programs (K) and (M) of the module comment solved by
 * vertex enumeration instead of the simplex method.
 */
function vertexOracle(cons: number[][], m: number): 'none' | 'complete' | 'quasi-complete' {
  const unit = (j: number, s: number, len: number): number[] => Array.from({ length: len }, (_, k) => (k === j ? s : 0));
  const boxG: number[][] = [];
  for (let j = 0; j < m; j++) boxG.push(unit(j, 1, m), unit(j, -1, m));
  const konis = maxOverVertices(
    [...cons.map((a) => a.map((v) => -v)), ...boxG],
    [...cons.map(() => 0), ...boxG.map(() => 1)],
    Array.from({ length: m }, (_, j) => cons.reduce((s, a) => s + a[j]!, 0)),
  );
  if (!(konis > 1e-7)) return 'none';
  const marginG = [
    ...cons.map((a) => [...a.map((v) => -v), 1]),
    ...boxG.map((g) => [...g, 0]),
    unit(m, 1, m + 1),
  ];
  const t = maxOverVertices(marginG, marginG.map((_, k) => (k < cons.length ? 0 : 1)), unit(m, 1, m + 1));
  return t > 1e-7 ? 'complete' : 'quasi-complete';
}

// ---------------------------------------------------------------------------------------------
// Reference data

/**
 * Endometrial cancer data, Heinze & Schemper (2002), 79 rows: NV (neovasculization), PI
 * (pulsatility index), EH (endometrium height), HG (histology grade). Transcribed from
 * Agresti's `Endometrial.dat` (github.com/alanagresti/categorical-data, the source cited by
 * brglm2 / detectseparation `?endometrial`). R: `glm(HG ~ NV + PI + EH, family = binomial,
 * method = "detect_separation")` reports (Intercept) 0, NV Inf, PI 0, EH 0 (detectseparation
 * README / `?detect_separation` example).
 */
const ENDOMETRIAL = `
0 13 1.64 0|0 16 2.26 0|0 8 3.14 0|0 34 2.68 0|0 20 1.28 0|0 5 2.31 0|0 17 1.80 0|0 10 1.68 0
0 26 1.56 0|0 17 2.31 0|0 8 2.01 0|0 7 1.89 0|0 20 3.15 0|0 10 1.23 0|0 18 1.27 0|0 16 1.76 0
0 18 2.00 0|0 8 2.64 1|0 29 0.88 1|0 12 1.27 1|0 20 1.37 1|1 38 0.97 1|1 22 1.14 1|1 7 0.88 1
1 25 0.91 1|1 15 0.58 1|0 7 0.97 1|0 28 1.50 0|0 11 1.33 0|0 19 2.37 0|0 10 1.82 0|0 10 3.13 0
0 18 1.31 0|0 14 1.92 0|0 21 1.64 0|0 11 2.01 0|0 17 1.88 0|0 25 1.93 0|0 16 2.11 0|0 19 1.29 0
0 15 1.72 0|0 33 0.75 0|0 24 1.92 0|0 48 1.84 1|0 12 1.11 1|0 19 1.61 1|0 2 1.18 1|1 22 1.44 1
1 40 1.18 1|1 5 0.93 1|1 0 1.17 1|0 21 1.19 1|0 15 1.06 1|0 29 2.02 0|0 15 2.29 0|0 12 2.33 0
0 3 2.90 0|0 20 1.70 0|0 23 1.41 0|0 12 2.25 0|0 22 1.54 0|0 42 1.97 0|0 15 1.75 0|0 13 2.16 0
0 14 2.57 0|0 19 1.37 0|0 12 3.61 0|0 13 2.04 0|0 10 2.17 0|0 12 1.69 1|1 49 0.27 1|0 6 1.84 1
0 5 1.30 1|0 17 0.96 1|1 11 1.01 1|1 21 0.98 1|0 5 0.35 1|1 19 1.02 1|0 33 0.85 1`
  .trim()
  .split(/[|\n]/)
  .map((row) => row.trim().split(/\s+/).map(Number));

/**
 * Fisher's iris data as shipped with R (`datasets::iris`, which differs from the UCI file in rows
 * 35 and 38), transcribed from github.com/BES2016Workshop/reproduciblecodeR `iris.csv` (a
 * long-format export of R's iris). Columns in species blocks of 50: setosa, versicolor, virginica.
 */
const IRIS_SL =
  '5.1 4.9 4.7 4.6 5 5.4 4.6 5 4.4 4.9 5.4 4.8 4.8 4.3 5.8 5.7 5.4 5.1 5.7 5.1 5.4 5.1 4.6 5.1 4.8 5 5 5.2 5.2 4.7 4.8 5.4 5.2 5.5 4.9 5 5.5 4.9 4.4 5.1 5 4.5 4.4 5 5.1 4.8 5.1 4.6 5.3 5 ' +
  '7 6.4 6.9 5.5 6.5 5.7 6.3 4.9 6.6 5.2 5 5.9 6 6.1 5.6 6.7 5.6 5.8 6.2 5.6 5.9 6.1 6.3 6.1 6.4 6.6 6.8 6.7 6 5.7 5.5 5.5 5.8 6 5.4 6 6.7 6.3 5.6 5.5 5.5 6.1 5.8 5 5.6 5.7 5.7 6.2 5.1 5.7 ' +
  '6.3 5.8 7.1 6.3 6.5 7.6 4.9 7.3 6.7 7.2 6.5 6.4 6.8 5.7 5.8 6.4 6.5 7.7 7.7 6 6.9 5.6 7.7 6.3 6.7 7.2 6.2 6.1 6.4 7.2 7.4 7.9 6.4 6.3 6.1 7.7 6.3 6.4 6 6.9 6.7 6.9 5.8 6.8 6.7 6.7 6.3 6.5 6.2 5.9';
const IRIS_SW =
  '3.5 3 3.2 3.1 3.6 3.9 3.4 3.4 2.9 3.1 3.7 3.4 3 3 4 4.4 3.9 3.5 3.8 3.8 3.4 3.7 3.6 3.3 3.4 3 3.4 3.5 3.4 3.2 3.1 3.4 4.1 4.2 3.1 3.2 3.5 3.6 3 3.4 3.5 2.3 3.2 3.5 3.8 3 3.8 3.2 3.7 3.3 ' +
  '3.2 3.2 3.1 2.3 2.8 2.8 3.3 2.4 2.9 2.7 2 3 2.2 2.9 2.9 3.1 3 2.7 2.2 2.5 3.2 2.8 2.5 2.8 2.9 3 2.8 3 2.9 2.6 2.4 2.4 2.7 2.7 3 3.4 3.1 2.3 3 2.5 2.6 3 2.6 2.3 2.7 3 2.9 2.9 2.5 2.8 ' +
  '3.3 2.7 3 2.9 3 3 2.5 2.9 2.5 3.6 3.2 2.7 3 2.5 2.8 3.2 3 3.8 2.6 2.2 3.2 2.8 2.8 2.7 3.3 3.2 2.8 3 2.8 3 2.8 3.8 2.8 2.8 2.6 3 3.4 3.1 3 3.1 3.1 3.1 2.7 3.2 3.3 3 2.5 3 3.4 3';
const IRIS_PL =
  '1.4 1.4 1.3 1.5 1.4 1.7 1.4 1.5 1.4 1.5 1.5 1.6 1.4 1.1 1.2 1.5 1.3 1.4 1.7 1.5 1.7 1.5 1 1.7 1.9 1.6 1.6 1.5 1.4 1.6 1.6 1.5 1.5 1.4 1.5 1.2 1.3 1.4 1.3 1.5 1.3 1.3 1.3 1.6 1.9 1.4 1.6 1.4 1.5 1.4 ' +
  '4.7 4.5 4.9 4 4.6 4.5 4.7 3.3 4.6 3.9 3.5 4.2 4 4.7 3.6 4.4 4.5 4.1 4.5 3.9 4.8 4 4.9 4.7 4.3 4.4 4.8 5 4.5 3.5 3.8 3.7 3.9 5.1 4.5 4.5 4.7 4.4 4.1 4 4.4 4.6 4 3.3 4.2 4.2 4.2 4.3 3 4.1 ' +
  '6 5.1 5.9 5.6 5.8 6.6 4.5 6.3 5.8 6.1 5.1 5.3 5.5 5 5.1 5.3 5.5 6.7 6.9 5 5.7 4.9 6.7 4.9 5.7 6 4.8 4.9 5.6 5.8 6.1 6.4 5.6 5.1 5.6 6.1 5.6 5.5 4.8 5.4 5.6 5.1 5.1 5.9 5.7 5.2 5 5.2 5.4 5.1';
const IRIS_PW =
  '0.2 0.2 0.2 0.2 0.2 0.4 0.3 0.2 0.2 0.1 0.2 0.2 0.1 0.1 0.2 0.4 0.4 0.3 0.3 0.3 0.2 0.4 0.2 0.5 0.2 0.2 0.4 0.2 0.2 0.2 0.2 0.4 0.1 0.2 0.2 0.2 0.2 0.1 0.2 0.2 0.3 0.3 0.2 0.6 0.4 0.3 0.2 0.2 0.2 0.2 ' +
  '1.4 1.5 1.5 1.3 1.5 1.3 1.6 1 1.3 1.4 1 1.5 1 1.4 1.3 1.4 1.5 1 1.5 1.1 1.8 1.3 1.5 1.2 1.3 1.4 1.4 1.7 1.5 1 1.1 1 1.2 1.6 1.5 1.6 1.5 1.3 1.3 1.3 1.2 1.4 1.2 1 1.3 1.2 1.3 1.3 1.1 1.3 ' +
  '2.5 1.9 2.1 1.8 2.2 2.1 1.7 1.8 1.8 2.5 2 1.9 2.1 2 2.4 2.3 1.8 2.2 2.3 1.5 2.3 2 2 1.8 2.1 1.8 1.8 1.8 2.1 1.6 1.9 2 2.2 1.5 1.4 2.3 2.4 1.8 1.8 2.1 2.4 2.3 1.9 2.3 2.5 2.3 1.9 2 2.3 1.8';
const IRIS = [IRIS_SL, IRIS_SW, IRIS_PL, IRIS_PW].map((s) => s.split(' ').map(Number));
const IRIS_SPECIES = Int32Array.from({ length: 150 }, (_, i) => Math.floor(i / 50));
/** Intercept + the four measurements, 150 × 5 row-major. */
const IRIS_X = Float64Array.from({ length: 150 * 5 }, (_, v) => {
  const i = Math.floor(v / 5);
  const j = v % 5;
  return j === 0 ? 1 : IRIS[j - 1]![i]!;
});

// ---------------------------------------------------------------------------------------------

describe('reference data transcription', () => {
  it('endometrial: 79 rows, 30 high grade, 13 with NV = 1 (all high grade)', () => {
    expect(ENDOMETRIAL).toHaveLength(79);
    expect(ENDOMETRIAL.every((r) => r.length === 4)).toBe(true);
    expect(ENDOMETRIAL.filter((r) => r[3] === 1)).toHaveLength(30);
    const nv = ENDOMETRIAL.filter((r) => r[0] === 1);
    expect(nv).toHaveLength(13);
    expect(nv.every((r) => r[3] === 1)).toBe(true);
  });

  it('iris: per-species column sums equal R `aggregate(. ~ Species, iris, sum)`', () => {
    // R 4.x: setosa 250.3 171.4 73.1 12.3; versicolor 296.8 138.5 213.0 66.3; virginica 329.4 148.7 277.6 101.3
    const expected = [
      [250.3, 171.4, 73.1, 12.3],
      [296.8, 138.5, 213.0, 66.3],
      [329.4, 148.7, 277.6, 101.3],
    ];
    for (let s = 0; s < 3; s++) {
      for (let j = 0; j < 4; j++) {
        expect(IRIS[j]).toHaveLength(150);
        const sum = IRIS[j]!.slice(50 * s, 50 * s + 50).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(expected[s]![j]!, 8);
      }
    }
  });
});

describe('maximizeOverBoxedCone', () => {
  it('solves a small LP to its vertex', () => {
    // maximize z0 + z1 s.t. z0 - z1 >= 0, box: optimum (1, 1), value 2
    const cone: ConeConstraints = {
      nVariables: 2,
      nConstraints: 1,
      evaluate: (z, out) => {
        out[0] = z[0]! - z[1]!;
      },
      constraint: (_r, out) => {
        out[0] = 1;
        out[1] = -1;
      },
    };
    const s = maximizeOverBoxedCone(cone, Float64Array.of(1, 1));
    expect(s.value).toBeCloseTo(2, 12);
    expect(Array.from(s.z)).toEqual([1, 1]);
  });

  it('returns 0 when the cone is a single point', () => {
    // z0 >= 0, -z0 >= 0 → z0 = 0
    const cone: ConeConstraints = {
      nVariables: 1,
      nConstraints: 2,
      evaluate: (z, out) => {
        out[0] = z[0]!;
        out[1] = -z[0]!;
      },
      constraint: (r, out) => {
        out[0] = r === 0 ? 1 : -1;
      },
    };
    expect(maximizeOverBoxedCone(cone, Float64Array.of(0)).value).toBe(0);
  });
});

describe('detectSeparationBinary', () => {
  it('complete separation: x < 0 → 0, x > 0 → 1', () => {
    const X = design([[1, -2], [1, -1], [1, 1], [1, 2]]);
    const r = detectSeparationBinary(X, 4, 2, [0, 0, 1, 1]);
    expect(r.separated).toBe(true);
    expect(r.kind).toBe('complete');
    expect(Array.from(r.direction)).toEqual([0, 1]);
    expect(Array.from(r.ray)).toEqual([0, 1]);
  });

  it('complete separation in the negative direction, and scale-free ray', () => {
    const X = design([[1, -2000], [1, -1000], [1, 1000], [1, 3000]]);
    const r = detectSeparationBinary(X, 4, 2, [1, 1, 0, 0]);
    expect(r.kind).toBe('complete');
    expect(r.direction[1]).toBe(-1);
    expect(Math.max(...Array.from(r.ray, Math.abs))).toBe(1);
    expect(minSignedMargin(X, 2, [1, 1, 0, 0], r.ray)).toBeGreaterThan(0);
  });

  it('quasi-complete separation: one tied x at the boundary holds both classes', () => {
    const X = design([[1, -2], [1, -1], [1, 0], [1, 0], [1, 1], [1, 2]]);
    const y = [0, 0, 0, 1, 1, 1];
    const r = detectSeparationBinary(X, 6, 2, y);
    expect(r.separated).toBe(true);
    expect(r.kind).toBe('quasi-complete');
    expect(Array.from(r.direction)).toEqual([0, 1]);
    expect(minSignedMargin(X, 2, y, r.ray)).toBeGreaterThanOrEqual(-WITNESS_TOL);
  });

  it('quasi-complete separation through a success fraction: one binomial row with both outcomes', () => {
    const X = design([[1, -2], [1, -1], [1, 0], [1, 1], [1, 2]]);
    const r = detectSeparationBinary(X, 5, 2, [0, 0, 0.5, 1, 1]);
    expect(r.kind).toBe('quasi-complete');
    expect(Array.from(r.direction)).toEqual([0, 1]);
  });

  it('overlapping classes are not separated', () => {
    const X = design([[1, -2], [1, -1], [1, 0], [1, 1], [1, 2]]);
    const r = detectSeparationBinary(X, 5, 2, [0, 1, 0, 1, 1]);
    expect(r).toEqual({ separated: false, kind: 'none', direction: new Int8Array(2), ray: new Float64Array(2) });
  });

  it('endometrial (HG ~ NV + PI + EH): quasi-separated, NV → +Inf, the rest finite, as detect_separation', () => {
    const X = design(ENDOMETRIAL.map((r) => [1, r[0]!, r[1]!, r[2]!]));
    const y = ENDOMETRIAL.map((r) => r[3]!);
    const r = detectSeparationBinary(X, 79, 4, y);
    expect(r.separated).toBe(true);
    expect(r.kind).toBe('quasi-complete');
    expect(Array.from(r.direction)).toEqual([0, 1, 0, 0]);
    expect(Array.from(r.ray)).toEqual([0, 1, 0, 0]);
  });

  it('endometrial without NV is not separated (glm converges to finite estimates)', () => {
    const X = design(ENDOMETRIAL.map((r) => [1, r[1]!, r[2]!]));
    const r = detectSeparationBinary(X, 79, 3, ENDOMETRIAL.map((r) => r[3]!));
    expect(r.kind).toBe('none');
  });

  it('iris, setosa vs the rest on all four measurements: complete', () => {
    const y = Array.from(IRIS_SPECIES, (s) => (s === 0 ? 1 : 0));
    const r = detectSeparationBinary(IRIS_X, 150, 5, y);
    expect(r.kind).toBe('complete');
    expect(minSignedMargin(IRIS_X, 5, y, r.ray)).toBeGreaterThan(0);
  });

  it('iris, versicolor vs virginica on all four measurements: not separated', () => {
    const rows = IRIS_X.slice(50 * 5);
    const y = Array.from({ length: 100 }, (_, i) => (i < 50 ? 0 : 1));
    expect(detectSeparationBinary(rows, 100, 5, y).kind).toBe('none');
  });

  it('a duplicated column does not create a false separation through the null space', () => {
    const base = [[-2, 0], [-1, 1], [0, 0], [1, 1], [2, 0], [3, 1]];
    const X = design(base.map(([x]) => [1, x!, x!, 2 * x! + 1]));
    const y = base.map(([, c]) => c!);
    const r = detectSeparationBinary(X, 6, 4, y);
    expect(r.kind).toBe('none');
    expect(Array.from(r.direction)).toEqual([0, 0, 0, 0]);
  });

  it('with a duplicated column, the direction is reported on the first copy only (as R drops aliased columns)', () => {
    const X = design([[1, -2, -2], [1, -1, -1], [1, 1, 1], [1, 2, 2]]);
    const r = detectSeparationBinary(X, 4, 3, [0, 0, 1, 1]);
    expect(r.kind).toBe('complete');
    expect(Array.from(r.direction)).toEqual([0, 1, 0]);
  });

  it('a column of zeros is ignored', () => {
    const X = design([[1, 0, -1], [1, 0, 1], [1, 0, 2], [1, 0, -3]]);
    expect(detectSeparationBinary(X, 4, 3, [0, 1, 0, 1]).kind).toBe('none');
  });

  it('a row with weight 0 is ignored: the separation it would break stands', () => {
    const X = design([[1, -2], [1, -1], [1, 1], [1, 2], [1, -3]]);
    const y = [0, 0, 1, 1, 1];
    expect(detectSeparationBinary(X, 5, 2, y).kind).toBe('none');
    const r = detectSeparationBinary(X, 5, 2, y, [1, 1, 1, 1, 0]);
    expect(r.kind).toBe('complete');
    expect(Array.from(r.direction)).toEqual([0, 1]);
  });

  it('intercept only: both classes → not separated; one class → complete (intercept → ±∞)', () => {
    const ones = Float64Array.of(1, 1, 1);
    expect(detectSeparationBinary(ones, 3, 1, [0, 1, 1]).kind).toBe('none');
    const allOnes = detectSeparationBinary(ones, 3, 1, [1, 1, 1]);
    expect(allOnes.kind).toBe('complete');
    expect(Array.from(allOnes.direction)).toEqual([1]);
    expect(Array.from(detectSeparationBinary(ones, 3, 1, [0, 0, 0]).direction)).toEqual([-1]);
  });

  it('no features: nothing can diverge', () => {
    expect(detectSeparationBinary(new Float64Array(0), 3, 0, [0, 1, 1]).kind).toBe('none');
  });

  it('more features than rows: separated (n ≤ p with a full-rank design is always separable)', () => {
    const X = design([[1, 0.3, -1.2], [1, 2.1, 0.4]]);
    expect(detectSeparationBinary(X, 2, 3, [0, 1]).kind).toBe('complete');
  });

  it('rejects bad input with SoftlogitError codes', () => {
    const X = design([[1, 0], [1, 1]]);
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof SoftlogitError ? e.code : 'not a SoftlogitError';
      }
      return undefined;
    };
    expect(code(() => detectSeparationBinary(X, 3, 2, [0, 1, 1]))).toBe('BAD_SHAPE');
    expect(code(() => detectSeparationBinary(X, 2, 2, [0]))).toBe('LENGTH_MISMATCH');
    expect(code(() => detectSeparationBinary(X, 2, 2, [0, 2]))).toBe('BAD_RESPONSE');
    expect(code(() => detectSeparationBinary(X, 2, 2, [0, NaN]))).toBe('BAD_RESPONSE');
    expect(code(() => detectSeparationBinary(X, 2, 2, [0, 1], [1, -1]))).toBe('BAD_WEIGHTS');
    expect(code(() => detectSeparationBinary(X, 2, 2, [0, 1], [1]))).toBe('LENGTH_MISMATCH');
    expect(code(() => detectSeparationBinary(X, 2, 2, [0, 1], [0, 0]))).toBe('EMPTY_INPUT');
    expect(code(() => detectSeparationBinary(new Float64Array(0), 0, 2, []))).toBe('EMPTY_INPUT');
    expect(code(() => detectSeparationBinary(Float64Array.of(1, NaN, 1, 1), 2, 2, [0, 1]))).toBe('NON_FINITE');
    // a non-finite value in a row with weight 0 is ignored with the row
    expect(code(() => detectSeparationBinary(Float64Array.of(1, NaN, 1, 1, 1, 2), 3, 2, [0, 1, 0], [0, 1, 1]))).toBe(
      undefined,
    );
    expect(code(() => detectSeparationMultinomial(X, 2, 2, Int32Array.of(0, 1), 1, 0))).toBe('BAD_OPTION');
    expect(code(() => detectSeparationMultinomial(X, 2, 2, Int32Array.of(0, 1), 2, 2))).toBe('BAD_REFERENCE');
    expect(code(() => detectSeparationMultinomial(X, 2, 2, Int32Array.of(0, 3), 2, 0))).toBe('BAD_RESPONSE');
    expect(code(() => detectSeparationMultinomialCounts(X, 2, 2, [1, 1, 1], 2, 0))).toBe('LENGTH_MISMATCH');
    expect(code(() => detectSeparationMultinomialCounts(X, 2, 2, [1, 1, 1, -1], 2, 0))).toBe('BAD_COUNTS');
  });
});

describe('detectSeparationMultinomial', () => {
  it('iris, three species on all four measurements: quasi-complete (setosa splits off, versicolor/virginica overlap)', () => {
    const r = detectSeparationMultinomial(IRIS_X, 150, 5, IRIS_SPECIES, 3, 0);
    expect(r.separated).toBe(true);
    expect(r.kind).toBe('quasi-complete');
    expect(r.direction).toHaveLength(10);
    expect(minPairwiseMargin(IRIS_X, 5, IRIS_SPECIES, 3, 0, r.ray)).toBeGreaterThanOrEqual(-WITNESS_TOL);
    // Versicolor and virginica cannot be told apart along the ray: their columns coincide.
    for (let j = 0; j < 5; j++) expect(r.ray[j * 2]).toBeCloseTo(r.ray[j * 2 + 1]!, 9);
    expect(r.direction.some((d) => d !== 0)).toBe(true);
  });

  it('iris, setosa vs versicolor only (two classes as multinomial): complete, like the binary check', () => {
    const X = IRIS_X.slice(0, 100 * 5);
    const cls = IRIS_SPECIES.slice(0, 100);
    const multi = detectSeparationMultinomial(X, 100, 5, cls, 2, 0);
    const bin = detectSeparationBinary(X, 100, 5, cls);
    expect(multi.kind).toBe('complete');
    expect(multi).toEqual(bin);
  });

  it('three classes in disjoint x ranges: complete', () => {
    const X = design([[1, -2], [1, -1], [1, 0.5], [1, 1], [1, 2], [1, 3]]);
    const cls = Int32Array.of(0, 0, 1, 1, 2, 2);
    for (const ref of [0, 1, 2]) {
      const r = detectSeparationMultinomial(X, 6, 2, cls, 3, ref);
      expect(r.kind).toBe('complete');
      expect(minPairwiseMargin(X, 2, cls, 3, ref, r.ray)).toBeGreaterThan(0);
    }
  });

  it('overlapping classes: not separated, for every reference', () => {
    const X = design([[1, 0], [1, 0], [1, 0], [1, 1], [1, 1], [1, 1]]);
    const cls = Int32Array.of(0, 1, 2, 0, 1, 2);
    for (const ref of [0, 1, 2]) expect(detectSeparationMultinomial(X, 6, 2, cls, 3, ref).kind).toBe('none');
  });

  it('a class with no observations is a separation (its coefficients go to -Inf)', () => {
    const X = design([[1, 0], [1, 0], [1, 1], [1, 1]]);
    const cls = Int32Array.of(0, 1, 0, 1);
    const r = detectSeparationMultinomial(X, 4, 2, cls, 3, 0);
    // classes 0 and 1 overlap, so the separation is quasi-complete
    expect(r.kind).toBe('quasi-complete');
    expect(minPairwiseMargin(X, 2, cls, 3, 0, r.ray)).toBeGreaterThanOrEqual(-WITNESS_TOL);
    // layout [feature][class 1, class 2]: class 1 stays finite, class 2's intercept goes to -Inf
    expect([r.direction[0], r.direction[2]]).toEqual([0, 0]);
    expect(r.direction[1]).toBe(-1);
  });

  it('zero weights and collinear columns behave as in the binary check', () => {
    const X = design([[1, -2, -4], [1, -1, -2], [1, 1, 2], [1, 2, 4], [1, 1.5, 3]]);
    const cls = Int32Array.of(0, 0, 1, 1, 0);
    expect(detectSeparationMultinomial(X, 5, 3, cls, 2, 0).kind).toBe('none');
    const r = detectSeparationMultinomial(X, 5, 3, cls, 2, 0, [1, 1, 1, 1, 0]);
    expect(r.kind).toBe('complete');
    expect(Array.from(r.direction)).toEqual([0, 1, 0]);
  });
});

describe('detectSeparationMultinomialCounts', () => {
  it('rows with counts in several classes contribute the constraints of each', () => {
    const X = design([[1, -1], [1, 0], [1, 1]]);
    // x = -1 all class 0, x = 1 all class 2, x = 0 has classes 0 and 2 → quasi-complete (and class 1 empty)
    const counts = [4, 0, 0, 2, 0, 3, 0, 0, 5];
    const r = detectSeparationMultinomialCounts(X, 3, 2, counts, 3, 0);
    expect(r.kind).toBe('quasi-complete');
    // same as expanding the counts into one row per observed class
    const Xe = design([[1, -1], [1, 0], [1, 0], [1, 1]]);
    const expanded = detectSeparationMultinomial(Xe, 4, 2, Int32Array.of(0, 0, 2, 2), 3, 0);
    expect(r.kind).toBe(expanded.kind);
  });

  it('one-hot counts equal the class-index form', () => {
    const cls = IRIS_SPECIES;
    const counts = Array.from({ length: 150 * 3 }, (_, v) => (cls[Math.floor(v / 3)] === v % 3 ? 1 : 0));
    expect(detectSeparationMultinomialCounts(IRIS_X, 150, 5, counts, 3, 1)).toEqual(
      detectSeparationMultinomial(IRIS_X, 150, 5, cls, 3, 1),
    );
  });
});

describe('properties (fast-check)', () => {
  const smallInt = fc.integer({ min: -3, max: 3 });

  it('classes tied at spanning points are never separated', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.tuple(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 5, maxLength: 5 }), fc.boolean()), {
          maxLength: 30,
        }),
        fc.boolean(),
        (p, extra, asFraction) => {
          // Tie points (1, 0, …), (1, e_1), …, (1, e_{p−1}) each carry both classes, so every
          // direction β must have x_tᵀβ = 0 on a basis of ℝᵖ: β = 0.
          const rows: number[][] = [];
          const y: number[] = [];
          for (let t = 0; t < p; t++) {
            const x = Array.from({ length: p }, (_, j) => (j === 0 || j === t ? 1 : 0));
            if (asFraction) {
              rows.push(x);
              y.push(0.5);
            } else {
              rows.push(x, x);
              y.push(0, 1);
            }
          }
          for (const [v, label] of extra) {
            rows.push([1, ...v.slice(0, p - 1)]);
            y.push(label ? 1 : 0);
          }
          const r = detectSeparationBinary(design(rows), rows.length, p, y);
          expect(r.kind).toBe('none');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('labels from sign(x·b) with a margin → complete, direction = sign(b)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0.5, max: 2, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 6 }),
        fc.array(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 6, maxLength: 6 }), { maxLength: 60 }),
        (bSpec, points) => {
          const p = bSpec.length;
          const b = bSpec.map(([mag, neg]) => (neg ? -mag : mag));
          const rows: number[][] = [];
          const y: number[] = [];
          // anchors sign(b_j)·e_j (label 1) pin every coordinate's sign
          for (let j = 0; j < p; j++) {
            rows.push(Array.from({ length: p }, (_, k) => (k === j ? Math.sign(b[j]!) : 0)));
            y.push(1);
          }
          for (const pt of points) {
            const x = pt.slice(0, p);
            const eta = x.reduce((s, v, j) => s + v * b[j]!, 0);
            if (Math.abs(eta) < 0.1) continue;
            rows.push(x);
            y.push(eta > 0 ? 1 : 0);
          }
          const X = design(rows);
          const r = detectSeparationBinary(X, rows.length, p, y);
          expect(r.kind).toBe('complete');
          expect(Array.from(r.direction)).toEqual(b.map(Math.sign));
          expect(minSignedMargin(X, p, y, r.ray)).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('binary: agrees with an exact 2-D oracle on small integer data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(smallInt, smallInt, fc.constantFrom(0, 1, 0.5)), { minLength: 1, maxLength: 8 }),
        (data) => {
          const X = design(data.map(([a, b]) => [a, b]));
          const y = data.map(([, , v]) => v);
          const cons: Array<[number, number]> = [];
          for (const [a, b, v] of data) {
            if (v > 0) cons.push([a, b]);
            if (v < 1) cons.push([-a, -b]);
          }
          const r = detectSeparationBinary(X, data.length, 2, y);
          expect(r.kind).toBe(oracle2d(cons));
          if (r.separated) expect(minSignedMargin(X, 2, y, r.ray)).toBeGreaterThanOrEqual(-WITNESS_TOL);
          if (r.kind === 'complete') expect(minSignedMargin(X, 2, y, r.ray)).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('multinomial (3 classes, one feature): agrees with the exact 2-D oracle for every reference', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(smallInt, fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 2 }),
        (data, ref) => {
          const X = Float64Array.from(data.map(([x]) => x));
          const cls = Int32Array.from(data.map(([, c]) => c));
          // constraint vectors in (d_a, d_b) for the two non-reference classes a < b
          const blocks = [0, 1, 2].filter((k) => k !== ref);
          const cons: Array<[number, number]> = [];
          for (const [x, c] of data) {
            for (let k = 0; k < 3; k++) {
              if (k === c) continue;
              const v: [number, number] = [0, 0];
              blocks.forEach((cl, bi) => {
                v[bi] = (cl === c ? x : 0) - (cl === k ? x : 0);
              });
              cons.push(v);
            }
          }
          const r = detectSeparationMultinomial(X, data.length, 1, cls, 3, ref);
          expect(r.kind).toBe(oracle2d(cons));
          if (r.separated) expect(minPairwiseMargin(X, 1, cls, 3, ref, r.ray)).toBeGreaterThanOrEqual(-WITNESS_TOL);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('binary, up to 3 features: agrees with a vertex-enumeration oracle', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.array(
          fc.tuple(fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 3, maxLength: 3 }), fc.constantFrom(0, 1, 0.5)),
          { minLength: 1, maxLength: 7 },
        ),
        (p, intercept, data) => {
          const rows = data.map(([x]) => (intercept ? [1, ...x.slice(0, p - 1)] : x.slice(0, p)));
          const y = data.map(([, v]) => v);
          const cons: number[][] = [];
          rows.forEach((x, i) => {
            if (y[i]! > 0) cons.push(x);
            if (y[i]! < 1) cons.push(x.map((v) => -v));
          });
          expect(detectSeparationBinary(design(rows), rows.length, p, y).kind).toBe(vertexOracle(cons, p));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('multinomial, 3 classes, intercept + 1 feature: agrees with a vertex-enumeration oracle', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 2 }),
        (data, ref) => {
          const rows = data.map(([x]) => [1, x]);
          const cls = Int32Array.from(data.map(([, c]) => c));
          const blocks = [0, 1, 2].filter((k) => k !== ref);
          const cons: number[][] = [];
          rows.forEach((x, i) => {
            const c = cls[i]!;
            for (let k = 0; k < 3; k++) {
              if (k === c) continue;
              // variable layout [feature][block]
              const a = [0, 0, 0, 0];
              for (let j = 0; j < 2; j++) {
                blocks.forEach((cl, b) => {
                  a[j * 2 + b] = (cl === c ? x[j]! : 0) - (cl === k ? x[j]! : 0);
                });
              }
              cons.push(a);
            }
          });
          const r = detectSeparationMultinomial(design(rows), rows.length, 2, cls, 3, ref);
          expect(r.kind).toBe(vertexOracle(cons, 4));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('any data: the ray is a witness, binary equals 2-class multinomial, the kind ignores the reference', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.array(smallInt, { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 2 })), {
          minLength: 1,
          maxLength: 25,
        }),
        (p, data) => {
          const X = design(data.map(([x]) => [1, ...x.slice(0, p - 1)]));
          const n = data.length;
          const cls = Int32Array.from(data.map(([, c]) => c));
          const y = Array.from(cls, (c) => (c === 2 ? 1 : 0));
          const bin = detectSeparationBinary(X, n, p, y);
          if (bin.separated) expect(minSignedMargin(X, p, y, bin.ray)).toBeGreaterThanOrEqual(-WITNESS_TOL);
          if (bin.kind === 'complete') expect(minSignedMargin(X, p, y, bin.ray)).toBeGreaterThan(0);
          expect(detectSeparationMultinomial(X, n, p, Int32Array.from(y), 2, 0)).toEqual(bin);
          const kinds = [0, 1, 2].map((ref) => detectSeparationMultinomial(X, n, p, cls, 3, ref));
          expect(kinds[1]!.kind).toBe(kinds[0]!.kind);
          expect(kinds[2]!.kind).toBe(kinds[0]!.kind);
          for (const [ref, r] of kinds.entries()) {
            if (r.separated) expect(minPairwiseMargin(X, p, cls, 3, ref, r.ray)).toBeGreaterThanOrEqual(-WITNESS_TOL);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('size: n = 10 000, p = 20', () => {
  const n = 10_000;
  const p = 20;
  const rand = mulberry32(20240601);
  const X = new Float64Array(n * p);
  const b = Array.from({ length: p }, () => rand() * 2 - 1);
  for (let i = 0; i < n; i++) {
    X[i * p] = 1;
    for (let j = 1; j < p; j++) X[i * p + j] = (rand() * 2 - 1) * (j % 3 === 0 ? 100 : 1);
  }
  const eta = (i: number): number => {
    let s = 0;
    for (let j = 0; j < p; j++) s += X[i * p + j]! * b[j]! / (j % 3 === 0 && j > 0 ? 100 : 1);
    return s;
  };
  const time = (label: string, f: () => SeparationResult): SeparationResult => {
    const t0 = performance.now();
    const r = f();
    const ms = performance.now() - t0;
    console.log(`separation n=${n} p=${p} ${label}: ${r.kind} in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(LARGE_PROBLEM_BUDGET_MS);
    return r;
  };

  it('logistic labels (overlap): none', () => {
    const y = Array.from({ length: n }, (_, i) => (rand() < 1 / (1 + Math.exp(-eta(i))) ? 1 : 0));
    expect(time('overlapping', () => detectSeparationBinary(X, n, p, y)).kind).toBe('none');
  });

  it('labels = sign(x·b): complete', () => {
    const y = Array.from({ length: n }, (_, i) => (eta(i) > 0 ? 1 : 0));
    const r = time('separable', () => detectSeparationBinary(X, n, p, y));
    expect(r.kind).toBe('complete');
    expect(minSignedMargin(X, p, y, r.ray)).toBeGreaterThan(0);
  });

  it('overlap plus a quasi-separating binary column: quasi-complete on that column', () => {
    // column 1 becomes a 0/1 indicator; every row with indicator 1 gets y = 1
    const Xq = X.slice();
    const y = Array.from({ length: n }, (_, i) => (rand() < 1 / (1 + Math.exp(-eta(i))) ? 1 : 0));
    for (let i = 0; i < n; i++) {
      Xq[i * p + 1] = i % 50 === 0 ? 1 : 0;
      if (i % 50 === 0) y[i] = 1;
    }
    const r = time('quasi-separable', () => detectSeparationBinary(Xq, n, p, y));
    expect(r.kind).toBe('quasi-complete');
    expect(r.direction[1]).toBe(1);
    expect(Array.from(r.direction).filter((d) => d !== 0)).toEqual([1]);
  });
});
