/**
 * The demo engine's column facts and default model (examples/web/engine/columns.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultModel, describeColumn, distinctNumbers, LISTED_LEVELS, MAX_SORTED_LEVELS } from '../examples/web/engine/columns.js';
import type { ColumnInfo } from '../examples/web/protocol.js';

describe('distinctNumbers', () => {
  it('counts as a Set does, with −0 as 0 and NaN left out', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(-0, 0.5, NaN, 1e300, -Infinity)), { maxLength: 200 }), (list) => {
        const values = Float64Array.from(list);
        const expected = new Set(list.filter((v) => !Number.isNaN(v)).map((v) => (v === 0 ? 0 : v)));
        const { count, firstDistinct } = distinctNumbers(values, 1000);
        expect(count).toBe(expected.size);
        expect(Array.from(firstDistinct!)).toEqual([...expected]);
      }),
    );
  });

  it('counts a million values (all distinct, then 1 000 distinct)', () => {
    const n = 1_000_000;
    const all = Float64Array.from({ length: n }, (_, i) => i * 0.001);
    expect(distinctNumbers(all, 10)).toEqual({ count: n, firstDistinct: null });
    const few = Float64Array.from({ length: n }, (_, i) => (i * 7919) % 1000);
    expect(distinctNumbers(few, 1000).count).toBe(1000);
  });
});

describe('describeColumn', () => {
  it('summarizes a numeric column', () => {
    expect(describeColumn({ name: 'rank', kind: 'numeric', values: Float64Array.of(3, 1, NaN, 1, 10) }, 5)).toEqual({
      name: 'rank', kind: 'numeric', nMissing: 1, nDistinct: 3, allDistinct: false, likelyId: false,
      levels: ['1', '3', '10'], min: 1, max: 10, nonNegativeIntegers: true,
    });
  });

  it('takes all-distinct integers or text as an ID, but not all-distinct decimals or a few rows', () => {
    const ids = Float64Array.from({ length: 500 }, (_, i) => 1000 + 3 * i);
    expect(describeColumn({ name: 'id', kind: 'numeric', values: ids }, 500).likelyId).toBe(true);
    const decimals = Float64Array.from({ length: 500 }, (_, i) => i / 7);
    expect(describeColumn({ name: 'x', kind: 'numeric', values: decimals }, 500)).toMatchObject({ allDistinct: true, likelyId: false, nonNegativeIntegers: false });
    const names = Array.from({ length: 50 }, (_, i) => `P${i}`);
    expect(describeColumn({ name: 'who', kind: 'string', values: names }, 50)).toMatchObject({ kind: 'text', likelyId: true, nDistinct: 50 });
    expect(describeColumn({ name: 'who', kind: 'string', values: names.slice(0, 5) }, 5).likelyId).toBe(false);
  });

  it('lists text levels in R\'s order, and none past 10 000 distinct values', () => {
    const info = describeColumn({ name: 'g', kind: 'string', values: ['b', null, 'B', 'a', 'b'] }, 5);
    expect(info).toMatchObject({ nMissing: 1, nDistinct: 3, allDistinct: false, levels: ['B', 'a', 'b'] });
    const many = Float64Array.from({ length: MAX_SORTED_LEVELS + 1 }, (_, i) => i + 0.5);
    expect(describeColumn({ name: 'x', kind: 'numeric', values: many }, many.length).levels).toEqual([]);
  });
});

describe('describeColumn: numbers with stray words (strayText)', () => {
  /** 200 distinct numbers (100, 101, ..., 299) in rows 1–200, with `words` put at the given 1-based rows. */
  function numbersWith(words: Record<number, string>): (string | null)[] {
    const values: (string | null)[] = Array.from({ length: 200 }, (_, i) => String(100 + i));
    for (const [row, word] of Object.entries(words)) values[Number(row) - 1] = word;
    return values;
  }

  it('finds a word that sorts after the first 50 levels (the page saw only those)', () => {
    const values = numbersWith({ 150: 'zzz' });
    const info = describeColumn({ name: 'gre', kind: 'string', values }, values.length);
    // The listed levels are numbers only: a check of them (the page's, before) finds no word.
    expect(info.levels).toHaveLength(LISTED_LEVELS);
    expect(info.levels.every((level) => Number.isFinite(Number(level)))).toBe(true);
    expect(info.strayText).toEqual({ values: ['zzz'], rows: [150], count: 1, nDistinct: 1 });
  });

  it('lists at most 5 words in the order they occur, with their first rows and lines, and counts every cell', () => {
    const values = numbersWith({ 7: 'n/a?', 20: 'b', 31: 'c', 40: 'b', 90: 'd', 120: 'e', 160: 'f', 199: 'n/a?' });
    values.push(null, null); // missing cells count neither way
    const lines = Uint32Array.from(values, (_, i) => i + 2 + (i >= 100 ? 1 : 0)); // a blank line after row 100
    const info = describeColumn({ name: 'x', kind: 'string', values }, values.length, lines);
    expect(info.strayText).toEqual({
      values: ['n/a?', 'b', 'c', 'd', 'e'], rows: [7, 20, 31, 90, 120], lines: [8, 21, 32, 91, 122], count: 8, nDistinct: 6,
    });
  });

  it('takes the CSV reader\'s numbers (spaces, exponents, Inf) as numbers', () => {
    const values = numbersWith({ 1: ' 12 ', 2: '1e3', 3: '-Inf', 4: 'abc' });
    expect(describeColumn({ name: 'x', kind: 'string', values }, values.length).strayText).toMatchObject({ values: ['abc'], rows: [4], count: 1 });
  });

  it('flags one word among a few numbers (a 4-row file), but not text columns or more than 10% words', () => {
    expect(describeColumn({ name: 'gre', kind: 'string', values: ['380', 'abc', '800', '640'] }, 4).strayText).toEqual({ values: ['abc'], rows: [2], count: 1, nDistinct: 1 });
    expect(describeColumn({ name: 'g', kind: 'string', values: ['a', 'b', 'a', 'c'] }, 4).strayText).toBeUndefined();
    expect(describeColumn({ name: 'g', kind: 'string', values: ['1', 'b'] }, 2).strayText).toBeUndefined();
    const tenPercent = numbersWith(Object.fromEntries(Array.from({ length: 20 }, (_, k) => [10 * k + 1, `w${k}`])));
    expect(describeColumn({ name: 'x', kind: 'string', values: tenPercent }, 200).strayText).toMatchObject({ count: 20, nDistinct: 20 });
    const more = numbersWith(Object.fromEntries(Array.from({ length: 21 }, (_, k) => [9 * k + 1, `w${k}`])));
    expect(describeColumn({ name: 'x', kind: 'string', values: more }, 200).strayText).toBeUndefined();
  });
});

/** Column facts for defaultModel, with what matters set and the rest plausible. */
function column(name: string, facts: Partial<ColumnInfo>): ColumnInfo {
  return { name, kind: 'numeric', nMissing: 0, nDistinct: 50, allDistinct: false, likelyId: false, levels: [], min: 0, max: 1, ...facts };
}

describe('defaultModel', () => {
  it('takes the first categorical column as response (UCLA admit ~ gre + gpa + rank)', () => {
    const { model, note } = defaultModel([column('admit', { nDistinct: 2 }), column('gre', { nDistinct: 26 }), column('gpa', { nDistinct: 132 }), column('rank', { nDistinct: 4 })]);
    expect(model).toEqual({ response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: [], parameterization: 'reference', plotPredictor: 'gre' });
    expect(note).toBe('Response admit (2 classes).');
  });

  it('else the last (iris: Species), past ID columns and leaving them out', () => {
    const { model, note } = defaultModel([
      column('X', { allDistinct: true, likelyId: true, nDistinct: 150 }),
      column('Sepal.Length', { nDistinct: 35 }),
      column('Petal.Width', { nDistinct: 22 }),
      column('Species', { kind: 'text', nDistinct: 3 }),
    ]);
    expect(model).toMatchObject({ response: 'Species', predictors: ['Sepal.Length', 'Petal.Width'] });
    expect(note).toMatch(/Left out: X \(all values distinct: an ID\?\)/);
  });

  it('uses a Freq column as weights, and leaves out constant columns and text with many levels', () => {
    const { model, note } = defaultModel([
      column('Sat', { kind: 'text', nDistinct: 3 }),
      column('Infl', { kind: 'text', nDistinct: 3 }),
      column('city', { kind: 'text', nDistinct: 400 }),
      column('one', { nDistinct: 1 }),
      column('Freq', { nDistinct: 40, min: 0 }),
    ]);
    expect(model).toEqual({ response: 'Sat', predictors: ['Infl'], factors: [], parameterization: 'reference', weights: 'Freq', plotPredictor: 'Infl' });
    expect(note).toMatch(/city \(400 levels\), one \(one value\)/);
    expect(note).toMatch(/Freq is used as case weights/);
  });

  it('says so when no column looks categorical', () => {
    const { model, note } = defaultModel([column('a', { nDistinct: 300 }), column('b', { nDistinct: 300 })]);
    expect(model.response).toBe('a');
    expect(note).toMatch(/choose one/);
  });
});
