/**
 * A small dense revised-simplex solver for the one family of linear programs the separation check
 * needs: maximize a linear objective over a polyhedral cone intersected with a box,
 *
 * ```text
 *   maximize  cᵀz   over z ∈ ℝᵐ
 *   subject to  a_rᵀz ≥ 0          r = 0 … nConstraints − 1   (the cone)
 *               −1 ≤ z_j ≤ 1
 * ```
 *
 * z = 0 is always feasible and the box keeps the optimum finite, so the problem always has an
 * optimal solution. nConstraints can be large (one per observation) while m is small (the number
 * of coefficients), so the solver works on the LP dual, which has only m equality rows:
 *
 * ```text
 *   minimize  Σ_j μ⁺_j + Σ_j μ⁻_j
 *   subject to  −Σ_r λ_r a_r + μ⁺ − μ⁻ = c,   λ, μ⁺, μ⁻ ≥ 0
 * ```
 *
 * This is the "dual find" program of Konis (2007, §4.4) / `safeBinaryRegression::separator`, with
 * its starting basis (μ⁺_j when c_j ≥ 0, else μ⁻_j): the basis matrix is diag(±1), primal feasible,
 * so no phase 1 is needed. The primal point z is read off as the simplex multipliers
 * y = c_Bᵀ B⁻¹, and the reduced cost of λ_r is a_rᵀy: z is feasible exactly when no λ_r or μ prices
 * out, which makes every returned z feasible whatever happened to optimality.
 *
 * Pivoting: Dantzig's rule on reduced costs normalised by ‖a_r‖, the ratio test preferring the
 * largest pivot among ties; after a run of degenerate pivots it switches to Bland's rule (which
 * cannot cycle) until a pivot makes progress. Degeneracy is also broken up front by a tiny
 * deterministic perturbation of c ({@link PERTURBATION}). B⁻¹ is explicit (m × m), updated by
 * each pivot and recomputed by Gauss–Jordan with partial pivoting every {@link REFACTOR_EVERY}
 * pivots and before optimality is declared.
 *
 * Pricing is "sifting" (the CPLEX name for it; a column-generation scheme for LPs with far more
 * columns than rows): the simplex runs on a working set of λ columns, and only when that restricted
 * problem is optimal is every constraint evaluated (O(nConstraints · m)) and the most violated
 * ones, up to {@link SIFTING_BATCH}, added. The working set only grows, so the method ends; it ends
 * with a full pass at the final z that finds no violated constraint.
 *
 * References: K. Konis (2007), *Linear programming algorithms for detecting separated data in
 * binary logistic regression models*, DPhil thesis, University of Oxford, ch. 4; V. Chvátal (1983),
 * *Linear Programming*, ch. 3 (Bland's rule) and ch. 7 (revised simplex); R. E. Bixby et al.
 * (1992), Very large-scale linear programming: a case study in combining interior point and
 * simplex methods, *Operations Research* 40(5) (sifting).
 *
 * @module
 */

/**
 * Reduced-cost optimality tolerance, on reduced costs divided by ‖a_r‖ (i.e. on the distance by
 * which z violates a normalised constraint). The callers scale every column of the design to
 * max |x| = 1 and z lives in [−1, 1], so reduced costs are O(1) and rounding in them is
 * ~m·ε ≈ 1e-14; 1e-9 is far above that noise yet far below any margin that matters.
 */
export const OPTIMALITY_TOL = 1e-9;

/**
 * Smallest entry of B⁻¹a_q accepted as a pivot in the ratio test. Pivoting on smaller entries
 * multiplies rounding in B⁻¹ by more than 1e9; entries of B⁻¹a_q are O(1) for the scaled problems
 * solved here, so anything below 1e-9 is treated as zero.
 */
export const PIVOT_TOL = 1e-9;

/**
 * A step θ at most this large counts as a degenerate pivot (no progress), and ratios within this
 * (relative) distance of the smallest count as ties. The perturbed basic values are ≥ ~1e-10
 * (see {@link PERTURBATION}), so 1e-12 separates genuine steps from rounding.
 */
export const DEGENERATE_STEP = 1e-12;

/** Consecutive degenerate pivots after which Bland's rule takes over (guards against cycling). */
export const BLAND_AFTER = 50;

/**
 * Pivots between fresh recomputations of B⁻¹. Each rank-one update adds O(ε · cond(B)) error; 64
 * keeps the drift negligible while the O(m³) refactorisation stays cheap next to the pivots it is
 * amortised over (64 · O(m² + working set · m)).
 */
export const REFACTOR_EVERY = 64;

/**
 * Largest negative basic value accepted in the final (freshly factorised) basis. A more negative
 * value means the dual solution, and so the optimality certificate, is not trustworthy.
 */
export const FEASIBILITY_TOL = 1e-9;

/**
 * Size of the deterministic perturbation of the objective (the dual's right-hand side) that breaks
 * degeneracy: c'_j = c_j ± PERTURBATION · (1 + |c_j|) · u_j / m with u_j ∈ [0.5, 1), pushed away from
 * 0. Without it the dual is badly degenerate (c_j = 0 for symmetric data, ties in integer data,
 * columns of zeros) and the simplex can stall for thousands of pivots. Feasibility of the returned z does
 * not depend on c; optimality is lost by at most 2·Σ_j |c'_j − c_j| ≤ 2e-8 · (1 + mean |c_j|) in the
 * objective: below the 1e-7 thresholds the separation check applies to scaled quantities, yet far
 * above the rounding in the basic values (O(1) · ε · cond(B)).
 */
export const PERTURBATION = 1e-8;

/**
 * Most constraints added to the working set per full pass (at least 4·m are always allowed). Larger
 * batches mean fewer O(nConstraints · m) passes, smaller ones cheaper pivots; a few hundred keeps
 * both small for m ≤ 100.
 */
export const SIFTING_BATCH = 256;

/** Pivot below which Gauss–Jordan declares the basis matrix singular (entries are ±1 or ≤ 1 in size). */
const SINGULAR_TOL = 1e-13;

/**
 * A finite set of homogeneous linear constraints a_rᵀz ≥ 0 on z ∈ ℝᵐ, given implicitly so that
 * structured problems (one constraint per observation and class pair) never build the dense
 * nConstraints × m matrix.
 */
export interface ConeConstraints {
  /** m, the number of variables. */
  readonly nVariables: number;
  /** The number of constraints. */
  readonly nConstraints: number;
  /** Writes a_rᵀz into `out[r]` for r = indices[0 … count − 1] (`out` has length nConstraints). */
  evaluate(z: Float64Array, out: Float64Array, indices: Int32Array, count: number): void;
  /** Writes a_r densely into `out` (length nVariables), overwriting it. */
  constraint(r: number, out: Float64Array): void;
}

/** What {@link maximizeOverBoxedCone} returns. */
export interface BoxedConeSolution {
  /** An optimal vertex z* (length m); feasible (to OPTIMALITY_TOL) in every case. */
  z: Float64Array;
  /** The optimal value cᵀz* (with the unperturbed c). */
  value: number;
  /** a_rᵀz* for every constraint (all ≥ −OPTIMALITY_TOL·‖a_r‖). */
  constraintValues: Float64Array;
  /** Simplex pivots performed. */
  pivots: number;
}

/**
 * Maximizes cᵀz subject to a_rᵀz ≥ 0 for all r and −1 ≤ z_j ≤ 1, by the revised simplex method
 * on the dual (see the module comment).
 *
 * Cost: O(m² + working set · m) per pivot, plus O(nConstraints · m) per full pass; typically a
 * few · m pivots and a handful of passes.
 *
 * @param cone the constraints a_r.
 * @param objective c, length m.
 * @throws {Error} if the pivot limit is hit or the basis becomes numerically singular: internal
 *   failures, not caller errors.
 *
 * @example
 * // maximize z0 + z1 subject to z0 - z1 >= 0 and the box: optimum z = (1, 1), value 2
 * const cone = {
 *   nVariables: 2, nConstraints: 1,
 *   evaluate: (z: Float64Array, out: Float64Array) => { out[0] = z[0]! - z[1]!; },
 *   constraint: (_r: number, out: Float64Array) => { out[0] = 1; out[1] = -1; },
 * };
 * maximizeOverBoxedCone(cone, Float64Array.of(1, 1)).value // => 2
 */
export function maximizeOverBoxedCone(
  cone: ConeConstraints,
  objective: Float64Array,
): BoxedConeSolution {
  const m = cone.nVariables;
  const n = cone.nConstraints;
  if (objective.length !== m) {
    throw new Error(`maximizeOverBoxedCone: objective has length ${objective.length}, expected ${m}`);
  }
  // Variable numbering: λ_r = r (0 ≤ r < n), μ⁺_j = n + j, μ⁻_j = n + m + j.
  const nTotal = n + 2 * m;
  const costOf = (q: number): number => (q < n ? 0 : 1);

  const norms = new Float64Array(n);
  const column = new Float64Array(m);
  for (let r = 0; r < n; r++) {
    cone.constraint(r, column);
    let s = 0;
    for (let j = 0; j < m; j++) s += column[j]! * column[j]!;
    norms[r] = s > 0 ? Math.sqrt(s) : 1;
  }

  // The right-hand side the simplex works with (see PERTURBATION): deterministic, a golden-ratio
  // sequence so that no two variables get the same shift.
  const rhs = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const c = objective[j]!;
    const u = 0.5 + 0.5 * (((j + 1) * 0.6180339887498949) % 1);
    const shift = (PERTURBATION * (1 + Math.abs(c)) * u) / m;
    rhs[j] = c >= 0 ? c + shift : c - shift;
  }

  const basis = new Int32Array(m);
  const position = new Int32Array(nTotal).fill(-1);
  const binv = new Float64Array(m * m);
  const xB = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const c = rhs[j]!;
    if (c >= 0) {
      basis[j] = n + j;
      binv[j * m + j] = 1;
      xB[j] = c;
    } else {
      basis[j] = n + m + j;
      binv[j * m + j] = -1;
      xB[j] = -c;
    }
    position[basis[j]!] = j;
  }

  /** Writes the dual-LP column of variable q into `out`. */
  const dualColumn = (q: number, out: Float64Array): void => {
    if (q < n) {
      cone.constraint(q, out);
      for (let j = 0; j < m; j++) out[j] = -out[j]!;
    } else {
      out.fill(0);
      if (q < n + m) out[q - n] = 1;
      else out[q - n - m] = -1;
    }
  };

  const bMatrix = new Float64Array(m * m);
  /** Recomputes B⁻¹ and x_B = B⁻¹c' from the current basis (Gauss–Jordan, partial pivoting). */
  const refactor = (): void => {
    // bMatrix holds B row-major; binv starts as I and receives the same row operations.
    for (let i = 0; i < m; i++) {
      dualColumn(basis[i]!, column);
      for (let j = 0; j < m; j++) bMatrix[j * m + i] = column[j]!;
    }
    binv.fill(0);
    for (let i = 0; i < m; i++) binv[i * m + i] = 1;
    for (let k = 0; k < m; k++) {
      let piv = k;
      let best = Math.abs(bMatrix[k * m + k]!);
      for (let i = k + 1; i < m; i++) {
        const v = Math.abs(bMatrix[i * m + k]!);
        if (v > best) {
          best = v;
          piv = i;
        }
      }
      if (best < SINGULAR_TOL) throw new Error('maximizeOverBoxedCone: basis matrix became singular');
      if (piv !== k) {
        for (let j = 0; j < m; j++) {
          let t = bMatrix[k * m + j]!;
          bMatrix[k * m + j] = bMatrix[piv * m + j]!;
          bMatrix[piv * m + j] = t;
          t = binv[k * m + j]!;
          binv[k * m + j] = binv[piv * m + j]!;
          binv[piv * m + j] = t;
        }
      }
      const inv = 1 / bMatrix[k * m + k]!;
      for (let j = 0; j < m; j++) {
        bMatrix[k * m + j] = bMatrix[k * m + j]! * inv;
        binv[k * m + j] = binv[k * m + j]! * inv;
      }
      for (let i = 0; i < m; i++) {
        if (i === k) continue;
        const f = bMatrix[i * m + k]!;
        if (f === 0) continue;
        for (let j = 0; j < m; j++) {
          bMatrix[i * m + j] = bMatrix[i * m + j]! - f * bMatrix[k * m + j]!;
          binv[i * m + j] = binv[i * m + j]! - f * binv[k * m + j]!;
        }
      }
    }
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += binv[i * m + j]! * rhs[j]!;
      xB[i] = s;
    }
  };

  // The working set of λ columns (sifting). Small problems start with every constraint in it.
  const batch = Math.max(SIFTING_BATCH, 4 * m);
  const all = new Int32Array(n);
  for (let r = 0; r < n; r++) all[r] = r;
  const work = new Int32Array(n);
  const inWork = new Uint8Array(n);
  let workSize = 0;
  if (n <= 2 * batch) {
    work.set(all);
    inWork.fill(1);
    workSize = n;
  }
  const violatedScore = new Float64Array(n);
  const violatedIndex = new Int32Array(n);

  const y = new Float64Array(m);
  const reduced = new Float64Array(n);
  const alpha = new Float64Array(m);
  const maxPivots = 10_000 + 200 * m;
  let pivots = 0;
  let sinceRefactor = 0;
  let degenerateRun = 0;

  for (;;) {
    // Simplex multipliers y = c_Bᵀ B⁻¹: the current primal point z.
    y.fill(0);
    for (let i = 0; i < m; i++) {
      const cb = costOf(basis[i]!);
      if (cb === 0) continue;
      for (let j = 0; j < m; j++) y[j] = y[j]! + cb * binv[i * m + j]!;
    }

    // Pricing on the working set: the reduced cost of λ_r is a_rᵀy, of μ⁺_j 1 − y_j, of μ⁻_j 1 + y_j.
    // Bland's rule takes the lowest-numbered candidate (every λ before every μ).
    const bland = degenerateRun >= BLAND_AFTER;
    let entering = -1;
    let bestScore = -OPTIMALITY_TOL;
    cone.evaluate(y, reduced, work, workSize);
    for (let k = 0; k < workSize; k++) {
      const r = work[k]!;
      if (position[r] !== -1) continue;
      const score = reduced[r]! / norms[r]!;
      if (bland) {
        if (score < -OPTIMALITY_TOL && (entering === -1 || r < entering)) entering = r;
      } else if (score < bestScore) {
        bestScore = score;
        entering = r;
      }
    }
    for (let q = n; q < nTotal && !(bland && entering !== -1); q++) {
      if (position[q] !== -1) continue;
      const score = q < n + m ? 1 - y[q - n]! : 1 + y[q - n - m]!;
      if (score < bestScore) {
        bestScore = score;
        entering = q;
        if (bland) break;
      }
    }

    if (entering === -1) {
      // The working set is optimal: check every constraint at this y.
      if (workSize < n) {
        cone.evaluate(y, reduced, all, n);
        let nViolated = 0;
        for (let r = 0; r < n; r++) {
          if (inWork[r] === 1) continue;
          const score = reduced[r]! / norms[r]!;
          if (score < -OPTIMALITY_TOL) {
            violatedScore[nViolated] = score;
            violatedIndex[nViolated] = r;
            nViolated++;
          }
        }
        if (nViolated > 0) {
          // Add the `batch` most violated (all of them if fewer).
          let cut = Infinity;
          if (nViolated > batch) {
            const sorted = violatedScore.slice(0, nViolated).sort();
            cut = sorted[batch - 1]!;
          }
          for (let k = 0; k < nViolated && workSize < n; k++) {
            if (violatedScore[k]! > cut) continue;
            const r = violatedIndex[k]!;
            inWork[r] = 1;
            work[workSize++] = r;
          }
          continue;
        }
      }
      if (sinceRefactor === 0) break;
      refactor();
      sinceRefactor = 0;
      continue;
    }
    if (pivots >= maxPivots) {
      throw new Error(`maximizeOverBoxedCone: no optimum after ${pivots} pivots (m = ${m}, constraints = ${n})`);
    }

    // alpha = B⁻¹ (column of the entering variable)
    dualColumn(entering, column);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += binv[i * m + j]! * column[j]!;
      alpha[i] = s;
    }

    // Ratio test, two passes: the smallest ratio, then among (near-)ties the largest pivot
    // (Dantzig mode) or the smallest basic variable index (Bland mode).
    let theta = Infinity;
    for (let i = 0; i < m; i++) {
      const a = alpha[i]!;
      if (a > PIVOT_TOL) {
        const ratio = Math.max(xB[i]!, 0) / a;
        if (ratio < theta) theta = ratio;
      }
    }
    if (theta === Infinity) {
      // An unbounded dual would mean an infeasible primal, impossible since z = 0 is feasible.
      throw new Error('maximizeOverBoxedCone: dual unbounded (numerical breakdown)');
    }
    const tieBound = theta + DEGENERATE_STEP * (1 + theta);
    let leaving = -1;
    for (let i = 0; i < m; i++) {
      const a = alpha[i]!;
      if (a <= PIVOT_TOL || Math.max(xB[i]!, 0) / a > tieBound) continue;
      if (leaving === -1) leaving = i;
      else if (bland ? basis[i]! < basis[leaving]! : a > alpha[leaving]!) leaving = i;
    }
    const step = Math.max(xB[leaving]!, 0) / alpha[leaving]!;

    // Pivot: update x_B, B⁻¹ and the basis.
    for (let i = 0; i < m; i++) {
      if (i !== leaving) xB[i] = xB[i]! - step * alpha[i]!;
    }
    xB[leaving] = step;
    const pivotInv = 1 / alpha[leaving]!;
    const pRow = leaving * m;
    for (let j = 0; j < m; j++) binv[pRow + j] = binv[pRow + j]! * pivotInv;
    for (let i = 0; i < m; i++) {
      if (i === leaving) continue;
      const f = alpha[i]!;
      if (f === 0) continue;
      const row = i * m;
      for (let j = 0; j < m; j++) binv[row + j] = binv[row + j]! - f * binv[pRow + j]!;
    }
    position[basis[leaving]!] = -1;
    basis[leaving] = entering;
    position[entering] = leaving;

    pivots++;
    sinceRefactor++;
    degenerateRun = step <= DEGENERATE_STEP ? degenerateRun + 1 : 0;
    if (sinceRefactor >= REFACTOR_EVERY) {
      refactor();
      sinceRefactor = 0;
    }
  }

  for (let i = 0; i < m; i++) {
    if (xB[i]! < -FEASIBILITY_TOL) {
      throw new Error(`maximizeOverBoxedCone: final basis infeasible (x_B[${i}] = ${xB[i]})`);
    }
  }
  // `reduced` holds a_rᵀy for every r: either the working set is everything, or the last full pass
  // ran at this y and found nothing to add.
  let value = 0;
  for (let j = 0; j < m; j++) value += objective[j]! * y[j]!;
  return { z: y, value, constraintValues: reduced, pivots };
}
