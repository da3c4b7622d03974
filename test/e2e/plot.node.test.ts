/**
 * The demo page's plot helpers (examples/web/plot.ts) that need no DOM: markers that stay distinct
 * beyond the palette's eight colours, ranges of a million values (spreading them into Math.min
 * overflowed the stack at 200,000 rows), tick values, and the sample note.
 */
import { describe, expect, it } from 'vitest';
import { colorOf, finiteRange, niceTicks, OKABE_ITO, sampleNote, shapeOf, SHAPES } from '../../examples/web/plot.js';

describe('demo plot helpers', () => {
  it('gives 64 classes 64 different colour × shape pairs, and the first eight differ in both', () => {
    const pairs = new Set(Array.from({ length: OKABE_ITO.length * SHAPES.length }, (_, k) => `${colorOf(k)}|${shapeOf(k)}`));
    expect(pairs.size).toBe(64);
    for (let a = 0; a < 8; a++) {
      for (let b = a + 1; b < 8; b++) {
        expect(colorOf(a)).not.toBe(colorOf(b));
        expect(shapeOf(a)).not.toBe(shapeOf(b));
      }
    }
  });

  it('finds the range of a million values without spreading them', () => {
    const xs = Float64Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i) * 3);
    expect(finiteRange([xs, [7, -9]])).toEqual([-9, 7]);
  });

  it('puts ticks on round values, with 0 exactly 0', () => {
    expect(niceTicks(-1, 1, 10)).toEqual([-1, -0.8, -0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(220, 800, 6)).toEqual([300, 400, 500, 600, 700, 800]);
  });

  it('says how many rows the points are', () => {
    expect(sampleNote(5000, 1_000_000)).toBe('5,000 of 1,000,000 rows shown');
    expect(sampleNote(400, 400)).toBe('all 400 rows shown');
  });
});
