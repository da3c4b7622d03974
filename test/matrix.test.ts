// The small dense Cholesky of src/matrix.ts (the p × p systems solved in TypeScript: the offset
// start of fitLogistic, the Wald test, Firth's log det), against A x = b and a known factor.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { choleskyInPlace, solveLowerInPlace, solveLowerTransposedInPlace } from '../src/matrix.js';
import { LINALG_RTOL } from './helpers/tolerances.js';

describe('choleskyInPlace and the triangular solves', () => {
  it('factor the worked example in place, leaving the upper triangle alone', () => {
    const a = Float64Array.of(4, 7, 2, 5);
    expect(choleskyInPlace(a, 2)).toBe(-1);
    expect(Array.from(a)).toEqual([2, 7, 1, 2]);
    const b = Float64Array.of(2, 5);
    solveLowerInPlace(a, 2, b);
    expect(Array.from(b)).toEqual([1, 2]);
    solveLowerTransposedInPlace(a, 2, b);
    expect(Array.from(b)).toEqual([0, 1]);
  });

  it('solve A x = b for A = M Mᵀ + I', () => {
    const size = fc.integer({ min: 1, max: 6 });
    // entries on a grid of 0.1 in [−3, 3]: no subnormals, A's condition number stays moderate
    const entry = fc.integer({ min: -30, max: 30 }).map((v) => v / 10);
    fc.assert(fc.property(size.chain((n) => fc.tuple(
      fc.constant(n),
      fc.array(entry, { minLength: n * n, maxLength: n * n }),
      fc.array(entry, { minLength: n, maxLength: n }),
    )), ([n, m, b]) => {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let sum = i === j ? 1 : 0;
        for (let k = 0; k < n; k++) sum += m[i * n + k]! * m[j * n + k]!;
        a[i * n + j] = sum;
      }
      const l = Float64Array.from(a);
      expect(choleskyInPlace(l, n)).toBe(-1);
      const x = Float64Array.from(b);
      solveLowerInPlace(l, n, x);
      solveLowerTransposedInPlace(l, n, x);
      for (let i = 0; i < n; i++) {
        let ax = 0;
        let scale = 0;
        for (let j = 0; j < n; j++) {
          ax += a[i * n + j]! * x[j]!;
          scale += Math.abs(a[i * n + j]! * x[j]!);
        }
        expect(Math.abs(ax - b[i]!)).toBeLessThanOrEqual(LINALG_RTOL * (scale + Math.abs(b[i]!)));
      }
    }));
  });

  it('return the column whose pivot fails: not positive, or below the relative floor', () => {
    // [[1, 1], [1, 1]]: the second pivot is exactly 0
    expect(choleskyInPlace(Float64Array.of(1, 1, 1, 1), 2)).toBe(1);
    expect(choleskyInPlace(Float64Array.of(-1, 0, 0, 1), 2)).toBe(0);
    // second pivot 1e-14 of its diagonal: positive, but below a floor of 1e-12
    const nearlyDependent = () => Float64Array.of(1, 0, 1, 1 + 1e-14);
    expect(choleskyInPlace(nearlyDependent(), 2)).toBe(-1);
    expect(choleskyInPlace(nearlyDependent(), 2, 1e-12)).toBe(1);
  });
});
