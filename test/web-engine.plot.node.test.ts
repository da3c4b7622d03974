/**
 * The demo engine's plot helpers (examples/web/engine/plot.ts): the point sample and the range,
 * on arrays far too large for Math.min(...values).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { columnRange, mulberry32, sampleIndices } from '../examples/web/engine/plot.js';

describe('sampleIndices', () => {
  it('picks exactly min(n, m) distinct indices in [0, n), ascending', () => {
    fc.assert(
      fc.property(fc.nat(3000), fc.integer({ min: 1, max: 500 }), fc.nat(), (n, m, seed) => {
        const chosen = sampleIndices(n, m, mulberry32(seed));
        expect(chosen).toHaveLength(Math.min(n, m));
        for (let k = 0; k < chosen.length; k++) {
          expect(chosen[k]!).toBeLessThan(n);
          if (k > 0) expect(chosen[k]!).toBeGreaterThan(chosen[k - 1]!);
        }
      }),
    );
  });

  it('spreads the sample over the whole range (each tenth of 1e6 rows gets about a tenth of 5 000)', () => {
    const n = 1_000_000;
    const chosen = sampleIndices(n, 5000, mulberry32(16));
    const perTenth = new Array(10).fill(0);
    for (const i of chosen) perTenth[Math.floor(i / (n / 10))]++;
    // Binomial(5000, 0.1): sd 21; 6 sd either side of 500.
    for (const count of perTenth) expect(Math.abs(count - 500)).toBeLessThan(130);
    expect(sampleIndices(n, 5000, mulberry32(16))).toEqual(chosen); // reproducible
  });
});

describe('columnRange', () => {
  it('finds the range of a column of a million rows (where spreading into Math.min overflows the stack)', () => {
    const n = 1_000_000;
    const p = 3;
    const data = new Float64Array(n * p).map((_, k) => Math.sin(k));
    data[777_777 * p + 1] = -5;
    data[12 * p + 1] = 5;
    expect(columnRange(data, n, p, 1)).toEqual({ min: -5, max: 5 });
  });
});
