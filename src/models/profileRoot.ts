// The root finding of profile-likelihood intervals (profileConfint): each end of an interval is
// a root of the signed root deviance z(b) = sign(b − θ̂)√(D(b) − D̂) at ±Φ⁻¹((1 + level)/2).
import { SoftlogitError } from '../errors.js';
import { describeValue } from '../input/optionKeys.js';

/**
 * The end of an interval is solved to |Δb| ≤ this · (|b| + se): the signed root z(b) is known to
 * ~1e-11 (deviances of refits at tol 1e-13, within ~1e-13 relative of ~500 to ~3500, divided by
 * 2z ≈ 4), so bisection-safe secant steps stop well inside the 1e-6 the tests ask and far inside
 * the ~1e-5 of the spline interpolation of MASS::confint.glm and VGAM's profile confint.
 */
export const ROOT_TOLERANCE = 1e-11;

/**
 * The root of z(b) = target on the side of `center` (where z = 0) that target's sign points to:
 * bracketed from center + target · scale (the Wald end), the distance doubled until z passes the
 * target, then the Illinois variant of regula falsi on g(b) = side · (z(b) − target), which keeps
 * the bracket and converges superlinearly; it stops when the bracket or the step is within
 * ROOT_TOLERANCE · (|b| + scale).
 * @throws {SoftlogitError} `BAD_MODEL` when z does not reach the target within 2^60 Wald
 *   distances (separation) or the iteration does not converge.
 * @example solveEnd((b) => b - 1, 1, 1.96, 1, 'profileConfint', 'x') // => 2.96
 */
export function solveEnd(z: (b: number) => number, center: number, target: number, scale: number, caller: string, name: string): number {
  const side = Math.sign(target);
  let inner = center;
  let gInner = -Math.abs(target); // z(center) = 0
  let distance = Math.abs(target) * scale;
  let outer = center + side * distance;
  let gOuter = side * (z(outer) - target);
  for (let k = 0; gOuter < 0; k++) {
    if (k === 60) throw new SoftlogitError('BAD_MODEL', `${caller}: the profile of ${name} does not reach the level on the ${side < 0 ? 'lower' : 'upper'} side (separation?)`);
    inner = outer;
    gInner = gOuter;
    distance *= 2;
    outer = center + side * distance;
    gOuter = side * (z(outer) - target);
  }
  // Illinois regula falsi on g(b) = side · (z(b) − target), g(inner) < 0 ≤ g(outer).
  let kept = 0;
  for (let iter = 0; iter < 200; iter++) {
    const b = outer - (gOuter * (outer - inner)) / (gOuter - gInner);
    if (Math.abs(outer - inner) <= ROOT_TOLERANCE * (Math.abs(b) + scale)) return b;
    const g = side * (z(b) - target);
    if (g === 0) return b;
    if (g < 0) {
      inner = b;
      gInner = g;
      if (kept === 1) gOuter /= 2;
      kept = 1;
    } else {
      const step = Math.abs(b - outer);
      outer = b;
      gOuter = g;
      if (kept === -1) gInner /= 2;
      kept = -1;
      if (step <= ROOT_TOLERANCE * (Math.abs(b) + scale)) return b;
    }
  }
  throw new SoftlogitError('BAD_MODEL', `${caller}: the profile root of ${name} did not converge; got ${describeValue(outer)}`);
}
