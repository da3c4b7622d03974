/**
 * Data layer: CSV parsing (src/data/csv.ts) and the R-style design matrix (src/data/design.ts).
 *
 * Expected design matrices are R 4.2.2's `model.matrix` output, run with `LC_ALL=C` (code point
 * collation) on the same CSV text read by `read.csv(text = ..., strip.white = TRUE,
 * na.strings = c("NA", ""))` followed by `na.omit`. All CSV text is inline so the tests run in a
 * browser too. Every comparison is exact: parsing and 0/1 coding involve no rounding.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { designMatrix, levelsOf, newDataMatrix, parseCSV } from '../src/data/index.js';
import type { Column, DataFrame, Design } from '../src/data/index.js';
import { catchError } from './helpers/errors.js';


function column(frame: DataFrame, name: string): Column {
  const j = frame.names.indexOf(name);
  if (j < 0) throw new Error(`no column ${name}`);
  return frame.columns[j]!;
}

/** Row r of a design's X as a plain array. */
function row(design: Design, r: number): number[] {
  return Array.from(design.X.subarray(r * design.nFeatures, (r + 1) * design.nFeatures));
}

/** The first 10 data rows of the UCLA admissions data (/work/shared/data/binary.csv, 400 rows). */
const UCLA_HEAD = `admit,gre,gpa,rank
0,380,3.61,3
1,660,3.67,3
1,800,4,1
1,640,3.19,4
0,520,2.93,4
1,760,3,2
1,560,2.98,1
0,400,3.08,2
1,540,3.39,3
0,700,3.92,2
`;

describe('parseCSV', () => {
  it('infers numeric and string columns and records line numbers', () => {
    const frame = parseCSV('y,x,g\n1,2.5,a\n0,-1e-3,b\n');
    expect(frame.names).toEqual(['y', 'x', 'g']);
    expect(frame.nRows).toBe(2);
    expect(frame.columns.map((c) => c.kind)).toEqual(['numeric', 'numeric', 'string']);
    expect(Array.from(column(frame, 'x').values as Float64Array)).toEqual([2.5, -0.001]);
    expect(column(frame, 'g').values).toEqual(['a', 'b']);
    expect(Array.from(frame.lineNumbers!)).toEqual([2, 3]);
  });

  it('reads quoted fields holding commas, doubled quotes and line breaks', () => {
    const text = 'id,note\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,plain\n';
    const frame = parseCSV(text);
    expect(column(frame, 'note').values).toEqual(['a, b', 'say "hi"', 'two\nlines', 'plain']);
    // Row 4 starts on line 6 because row 3's quoted field spans lines 4 and 5.
    expect(Array.from(frame.lineNumbers!)).toEqual([2, 3, 4, 6]);
  });

  it('reads \\r\\n and \\r line endings and skips blank lines and a byte-order mark', () => {
    const frame = parseCSV('\uFEFFa,b\r\n1,x\r\n\r\n2,y\r3,z');
    expect(frame.names).toEqual(['a', 'b']);
    expect(Array.from(column(frame, 'a').values as Float64Array)).toEqual([1, 2, 3]);
    expect(Array.from(frame.lineNumbers!)).toEqual([2, 4, 5]);
  });

  it('trims unquoted whitespace, keeps quoted whitespace, and reads numbers with spaces', () => {
    const frame = parseCSV(' a , b \n 1 , x \n" 2 ", " y "\n');
    expect(frame.names).toEqual(['a', 'b']);
    expect(Array.from(column(frame, 'a').values as Float64Array)).toEqual([1, 2]);
    expect(column(frame, 'b').values).toEqual(['x', ' y ']);
  });

  it('reads empty cells and NA (quoted or not) as missing: NaN in numeric, null in string columns', () => {
    const frame = parseCSV('x,g\n1,a\n,NA\nNA,\n"NA",b\nNaN,"NA"\n');
    const x = column(frame, 'x');
    expect(x.kind).toBe('numeric');
    expect(Array.from(x.values as Float64Array)).toEqual([1, NaN, NaN, NaN, NaN]);
    expect(column(frame, 'g').values).toEqual(['a', null, null, 'b', null]);
  });

  it('keeps NaN as text in a string column, as R does', () => {
    expect(column(parseCSV('g\nNaN\nb\n'), 'g').values).toEqual(['NaN', 'b']);
  });

  it('reads Inf and -Inf as numbers (rejected later only if a model uses them)', () => {
    const x = column(parseCSV('x\nInf\n-Inf\n2\n'), 'x');
    expect(x.kind).toBe('numeric');
    expect(Array.from(x.values as Float64Array)).toEqual([Infinity, -Infinity, 2]);
  });

  it('makes a column with any non-numeric cell a string column, keeping the text of numbers', () => {
    const g = column(parseCSV('g\n1.0\n2\nthree\n'), 'g');
    expect(g).toEqual({ name: 'g', kind: 'string', values: ['1.0', '2', 'three'] });
  });

  it('keeps a column listed in factors as text', () => {
    const rank = column(parseCSV('rank\n3\n1\n10\n', { factors: ['rank'] }), 'rank');
    expect(rank).toEqual({ name: 'rank', kind: 'string', values: ['3', '1', '10'] });
  });

  it('names the data row, file line, column and value of a non-numeric cell in a numeric column', () => {
    const text = 'admit,gre\n0,380\n\n1,"6,60"\n1,800\n';
    const error = catchError(() => parseCSV(text, { numeric: ['gre'] }));
    expect(error.code).toBe('BAD_CSV');
    expect(error.message).toContain('"gre"');
    expect(error.message).toContain('data row 2 (line 4)');
    expect(error.message).toContain('"6,60"');
    expect(error.details).toEqual({ column: 'gre', row: 2, line: 4, value: '6,60' });
  });

  it('rejects an empty text or one with only blank lines', () => {
    for (const text of ['', '\n\n', '\uFEFF', '\r\n']) {
      const error = catchError(() => parseCSV(text));
      expect(error.code).toBe('BAD_CSV');
      expect(error.message).toMatch(/empty.*header/);
    }
  });

  it('rejects a first line of numbers as a missing header', () => {
    const error = catchError(() => parseCSV('0,380,3.61,3\n1,660,3.67,3\n'));
    expect(error.code).toBe('BAD_CSV');
    expect(error.message).toContain('header');
  });

  it('rejects empty and duplicated header names', () => {
    expect(catchError(() => parseCSV('a,,c\n1,2,3\n')).message).toContain('header field 2 is empty');
    expect(catchError(() => parseCSV('a,b,a\n1,2,3\n')).message).toContain('"a" twice');
  });

  it('rejects rows with the wrong number of fields and unclosed quotes, naming the line', () => {
    const ragged = catchError(() => parseCSV('a,b\n1,2\n3,4,5\n'));
    expect(ragged.code).toBe('BAD_CSV');
    expect(ragged.message).toContain('line 3');
    expect(catchError(() => parseCSV('a,b\n1,"2\n')).code).toBe('BAD_CSV');
  });

  it('rejects option names that are not columns, listing the columns', () => {
    const error = catchError(() => parseCSV('a,b\n1,2\n', { numeric: ['c'] }));
    expect(error.code).toBe('UNKNOWN_COLUMN');
    expect(error.message).toContain('"c"');
    expect(error.message).toContain('a, b');
    expect(catchError(() => parseCSV('a,b\n1,2\n', { numeric: ['a'], factors: ['a'] })).code).toBe('BAD_OPTION');
  });

  it('reads tab- and semicolon-separated text (options.delimiter) as the same rows written with commas', () => {
    const rows = [['y', 'x', 'g'], ['1', '2.5', '"a, b; c"'], ['0', '', ' c '], [], ['1', 'NA', '"d\te"'], ['0', ' -1e-3 ', '"line\r\nbreak"']];
    const written = (delimiter: string) => rows.map((cells) => cells.join(delimiter)).join('\r\n') + '\n';
    const expected = parseCSV(written(','));
    expect(parseCSV(written('\t'), { delimiter: '\t' })).toEqual(expected);
    expect(parseCSV(written(';'), { delimiter: ';' })).toEqual(expected);
    expect(parseCSV(written(','), { delimiter: ',' })).toEqual(expected);
    // With tabs, empty cells stay cells (a tab is not blank) and spaces are still trimmed.
    expect(parseCSV('a\tb\tc\n\t 2 \t\n', { delimiter: '\t' }).columns.map((c) => c.values)).toEqual([
      Float64Array.of(NaN),
      Float64Array.of(2),
      Float64Array.of(NaN),
    ]);
    // Numbers with a decimal comma are not converted: such a column is text.
    expect(parseCSV('y;x\n1;1,5\n', { delimiter: ';' }).columns[1]).toEqual({ name: 'x', kind: 'string', values: ['1,5'] });
  });

  it('rejects a delimiter other than comma, semicolon and tab, and a misspelt option key', () => {
    for (const delimiter of ['|', ' ', ',,', 9, null]) {
      const error = catchError(() => parseCSV('a\n1\n', { delimiter } as never));
      expect(error.code).toBe('BAD_OPTION');
      expect(error.message).toMatch(/parseCSV: options\.delimiter should be ',', ';' or '\\t'/);
    }
    expect(catchError(() => parseCSV('a\n1\n', { delimeter: ';' } as never)).details).toEqual({ option: 'delimeter', suggestion: 'delimiter' });
  });

  it('gives zero rows for a header-only file', () => {
    const frame = parseCSV('a,b\n');
    expect(frame.nRows).toBe(0);
    expect(frame.columns.every((c) => c.values.length === 0)).toBe(true);
  });

  it('reads back any table of strings written with CSV quoting', () => {
    // Cells: any text without \r (read as \n), not the missing tokens, not padded when unquoted.
    const cell = fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !s.includes('\r') && s.trim() !== 'NA');
    const table = fc.integer({ min: 1, max: 4 }).chain((nCols) => fc.array(fc.array(cell, { minLength: nCols, maxLength: nCols }), { maxLength: 6 }));
    fc.assert(
      fc.property(table, (rows) => {
        if (rows.length === 0) return;
        const names = rows[0]!.map((_, j) => `c${j}`);
        const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
        const text = [names.join(','), ...rows.map((r) => r.map(quote).join(','))].join('\n');
        const frame = parseCSV(text, { factors: names });
        names.forEach((_, j) => {
          expect(frame.columns[j]!.values).toEqual(rows.map((r) => (r[j]!.trim() === '' ? null : r[j])));
        });
      }),
    );
  });

  it('reads back any finite double written by String()', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 }), (xs) => {
        const frame = parseCSV(`x\n${xs.map(String).join('\n')}\n`);
        expect(Array.from(column(frame, 'x').values as Float64Array)).toEqual(xs.map((x) => (x === 0 ? 0 : x)));
      }),
    );
  });
});

describe('designMatrix', () => {
  it('codes the UCLA admissions head like R: admit ~ gre + gpa + factor(rank)', () => {
    const design = designMatrix(parseCSV(UCLA_HEAD), { response: 'admit', factors: ['rank'] });
    expect(design.names).toEqual(['gre', 'gpa', 'rank2', 'rank3', 'rank4']);
    expect(design.nRows).toBe(10);
    expect(design.nFeatures).toBe(5);
    expect(design.intercept).toBe(true);
    // R: model.matrix(admit ~ gre + gpa + rank, d) with d$rank <- factor(d$rank), intercept dropped.
    const expected = [
      [380, 3.61, 0, 1, 0],
      [660, 3.67, 0, 1, 0],
      [800, 4.0, 0, 0, 0],
      [640, 3.19, 0, 0, 1],
      [520, 2.93, 0, 0, 1],
      [760, 3.0, 1, 0, 0],
      [560, 2.98, 0, 0, 0],
      [400, 3.08, 1, 0, 0],
      [540, 3.39, 0, 1, 0],
      [700, 3.92, 1, 0, 0],
    ];
    expected.forEach((values, r) => expect(row(design, r)).toEqual(values));
    expect(design.response).toEqual({ kind: 'labels', labels: [0, 1, 1, 1, 0, 1, 1, 0, 1, 0], levels: [0, 1] });
    expect(design.factors).toEqual([{ name: 'rank', levels: ['1', '2', '3', '4'], reference: '1' }]);
    expect(design.droppedRows).toBe(0);
    expect(design.weights).toBeUndefined();
  });

  it('drops rows with a missing value in a used column and counts them (na.omit)', () => {
    const text = 'admit,gre,gpa,rank,note\n0,380,3.61,3,x\n1,,3.67,3,\n1,800,NA,1,y\n1,640,3.19,NA,z\n0,520,2.93,4,\n1,760,3,2,w\n';
    const design = designMatrix(parseCSV(text), { response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: ['rank'] });
    expect(design.droppedRows).toBe(3);
    expect(design.droppedRowNumbers).toEqual([2, 3, 4]);
    expect(design.nRows).toBe(3);
    expect(design.names).toEqual(['gre', 'gpa', 'rank3', 'rank4']);
    expect(row(design, 0)).toEqual([380, 3.61, 1, 0]);
    expect(row(design, 1)).toEqual([520, 2.93, 0, 1]);
    expect(row(design, 2)).toEqual([760, 3, 0, 0]);
    // Level 1 occurred only in a dropped row: it is dropped too, so 2 is the reference.
    expect(design.factors).toEqual([{ name: 'rank', levels: ['2', '3', '4'], reference: '2' }]);
  });

  it('codes string columns as factors with levels in code point order, like R under LC_COLLATE=C', () => {
    const text = 'y,color,x\nyes,red,1.5\nno,blue,2\nyes,green,NA\nmaybe,blue,0.5\nno,Red,3\n,red,1\nyes, red ,4\nno,green,2.5\n';
    const design = designMatrix(parseCSV(text), { response: 'y' });
    // R: model.matrix(y ~ color + x, na.omit(e)), rows 1 2 4 5 7 8 kept.
    expect(design.names).toEqual(['colorblue', 'colorgreen', 'colorred', 'x']);
    expect(design.droppedRowNumbers).toEqual([3, 6]);
    const expected = [
      [0, 0, 1, 1.5],
      [1, 0, 0, 2],
      [1, 0, 0, 0.5],
      [0, 0, 0, 3],
      [0, 0, 1, 4],
      [0, 1, 0, 2.5],
    ];
    expected.forEach((values, r) => expect(row(design, r)).toEqual(values));
    expect(design.response).toEqual({
      kind: 'labels',
      labels: ['yes', 'no', 'maybe', 'no', 'yes', 'no'],
      levels: ['maybe', 'no', 'yes'],
    });
    expect(design.factors).toEqual([{ name: 'color', levels: ['Red', 'blue', 'green', 'red'], reference: 'Red' }]);
  });

  it('codes every level of the first factor when there is no intercept, like R: y ~ x + f + g - 1', () => {
    const frame = parseCSV('y,x,f,g\n0,1.5,a,u\n1,2,b,v\n0,3,c,u\n1,4,a,v\n');
    const design = designMatrix(frame, { response: 'y', intercept: false });
    // R: colnames(model.matrix(~ x + f + g - 1, d)) is x fa fb fc gv.
    expect(design.names).toEqual(['x', 'fa', 'fb', 'fc', 'gv']);
    expect(row(design, 0)).toEqual([1.5, 1, 0, 0, 0]);
    expect(row(design, 3)).toEqual([4, 1, 0, 0, 1]);
    expect(design.intercept).toBe(false);
    expect(design.factors.map((f) => f.reference)).toEqual([null, 'u']);
  });

  it('reads a response given as counts columns', () => {
    const frame = parseCSV('dose,dead,alive,unsure\n1,2,8,0\n2,NA,5,1\n3,6,4,0\n4,9,1,2\n');
    const design = designMatrix(frame, { counts: ['dead', 'alive', 'unsure'] });
    expect(design.names).toEqual(['dose']);
    expect(design.droppedRowNumbers).toEqual([2]);
    expect(Array.from(design.X)).toEqual([1, 3, 4]);
    expect(design.response.kind).toBe('counts');
    if (design.response.kind !== 'counts') return;
    expect(design.response.nClasses).toBe(3);
    expect(design.response.classNames).toEqual(['dead', 'alive', 'unsure']);
    expect(Array.from(design.response.counts)).toEqual([2, 8, 0, 6, 4, 0, 9, 1, 2]);
  });

  it('reads weights, drops rows with a missing weight, and rejects negative weights', () => {
    const frame = parseCSV('y,x,w\n0,1,2\n1,2,NA\n1,3,0\n0,4,1.5\n');
    const design = designMatrix(frame, { response: 'y', weights: 'w' });
    expect(design.names).toEqual(['x']);
    expect(Array.from(design.weights!)).toEqual([2, 0, 1.5]);
    expect(design.droppedRowNumbers).toEqual([2]);
    const error = catchError(() => designMatrix(parseCSV('y,x,w\n0,1,2\n1,2,-1\n'), { response: 'y', weights: 'w' }));
    expect(error.code).toBe('BAD_WEIGHTS');
    expect(error.message).toContain('data row 2 (line 3)');
  });

  it('reads an offset column: not a predictor, its missing rows dropped, text refused; new data need it too', () => {
    const frame = parseCSV('y,x,off,g\n0,1,0.5,a\n1,2,NA,b\n1,3,-1,a\n0,4,2,b\n');
    const design = designMatrix(frame, { response: 'y', offset: 'off' });
    expect(design.names).toEqual(['x', 'gb']);
    expect(Array.from(design.offset!)).toEqual([0.5, -1, 2]);
    expect(design.offsetColumn).toBe('off');
    expect(design.droppedRowNumbers).toEqual([2]);
    expect(designMatrix(frame, { response: 'y' }).offset).toBeUndefined();
    expect(catchError(() => designMatrix(frame, { response: 'y', offset: 'g' })).code).toBe('BAD_OPTION');
    expect(catchError(() => designMatrix(frame, { response: 'y', offset: 'x', predictors: ['x'] })).code).toBe('BAD_OPTION');
    expect(catchError(() => designMatrix(frame, { response: 'y', offset: 'z' })).code).toBe('UNKNOWN_COLUMN');
    const coded = newDataMatrix(parseCSV('g,x,off\nb,1,3\na,2,NA\na,5,4\n'), design);
    expect(Array.from(coded.offset!)).toEqual([3, 4]);
    expect(Array.from(coded.rows)).toEqual([0, 2]);
    expect(catchError(() => newDataMatrix(parseCSV('g,x\nb,1\n'), design)).code).toBe('UNKNOWN_COLUMN');
  });

  it('allows an intercept-only model (no predictors)', () => {
    const design = designMatrix(parseCSV('y,x\n0,1\n1,2\n'), { response: 'y', predictors: [] });
    expect(design.nFeatures).toBe(0);
    expect(design.X.length).toBe(0);
    expect(design.nRows).toBe(2);
  });

  it('rejects unknown column names, listing the columns there are', () => {
    const frame = parseCSV(UCLA_HEAD);
    for (const options of [{ response: 'admitted' }, { response: 'admit', predictors: ['gre', 'ranks'] }, { response: 'admit', factors: ['Rank'] }, { response: 'admit', weights: 'w' }]) {
      const error = catchError(() => designMatrix(frame, options));
      expect(error.code).toBe('UNKNOWN_COLUMN');
      expect(error.message).toContain('admit, gre, gpa, rank');
    }
  });

  it('rejects a response with a single distinct value, naming the column and the value', () => {
    const error = catchError(() => designMatrix(parseCSV('y,x\n1,1\n1,2\n0,NA\n'), { response: 'y' }));
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.message).toContain('"y"');
    expect(error.message).toContain('(1)');
  });

  it('rejects a declared response level with no rows (EMPTY_CLASS, as fitSoftmax), also when its rows were dropped', () => {
    const frame = parseCSV('y,x\na,1\nb,2\na,3\nc,NA\n');
    for (const levels of [['a', 'b', 'c'], ['c', 'b', 'a'], ['a', 'b', 'd']]) {
      const error = catchError(() => designMatrix(frame, { response: 'y', levels: new Map([['y', levels]]) }));
      expect(error.code).toBe('EMPTY_CLASS');
      const absent = levels.includes('d') ? 'd' : 'c';
      expect(error.message).toBe(
        `designMatrix: class "${absent}" of response "y" has no observations in the 3 rows used, so its coefficients have no finite MLE; drop it from the levels of "y"`,
      );
      expect(error.details).toEqual({ column: 'y', classes: [absent] });
    }
    // Numeric labels: the level is written as R writes it.
    const numeric = catchError(() => designMatrix(parseCSV('y,x\n0,1\n1,2\n'), { response: 'y', levels: { y: ['0', '1', '1e+05'] } }));
    expect(numeric.code).toBe('EMPTY_CLASS');
    expect(numeric.message).toContain('class "1e+05" of response "y"');
    // A predictor's unused declared levels are still dropped (droplevels), not an error.
    expect(designMatrix(frame, { response: 'y', levels: { x: ['1', '2', '3', '4'] } }).names).toEqual(['x2', 'x3']);
  });

  it('rejects a frame left empty after dropping missing values', () => {
    const error = catchError(() => designMatrix(parseCSV('y,x\n1,NA\nNA,2\n'), { response: 'y' }));
    expect(error.code).toBe('EMPTY_INPUT');
    expect(catchError(() => designMatrix(parseCSV('y,x\n'), { response: 'y' })).code).toBe('EMPTY_INPUT');
  });

  it('rejects a factor with a single level among the rows used', () => {
    const error = catchError(() => designMatrix(parseCSV('y,g\n0,a\n1,a\nNA,b\n1,a\n'), { response: 'y' }));
    expect(error.code).toBe('BAD_OPTION');
    expect(error.message).toContain('"g"');
  });

  it('rejects an infinite value in a used column, but not in an unused column or a dropped row', () => {
    const unused = parseCSV('y,x,z\n0,1,Inf\n1,2,1\n0,3,1\n1,4,2\n');
    expect(designMatrix(unused, { response: 'y', predictors: ['x'] }).nRows).toBe(4);
    const frame = parseCSV('y,x,z\n0,1,1\n1,Inf,NA\n0,3,1\n1,4,2\n');
    expect(designMatrix(frame, { response: 'y', predictors: ['x', 'z'] }).nRows).toBe(3);
    const error = catchError(() => designMatrix(frame, { response: 'y', predictors: ['x'] }));
    expect(error.code).toBe('NON_FINITE');
    expect(error.message).toContain('"x" holds Infinity at data row 2 (line 3)');
  });

  it('rejects inconsistent options', () => {
    const frame = parseCSV('y,a,b,x\n0,1,2,3\n1,2,1,4\n');
    expect(catchError(() => designMatrix(frame, {})).code).toBe('BAD_OPTION');
    expect(catchError(() => designMatrix(frame, { response: 'y', counts: ['a', 'b'] })).code).toBe('BAD_OPTION');
    expect(catchError(() => designMatrix(frame, { counts: ['a'] })).code).toBe('BAD_OPTION');
    expect(catchError(() => designMatrix(frame, { response: 'y', predictors: ['x', 'y'] })).code).toBe('BAD_OPTION');
    expect(catchError(() => designMatrix(frame, { response: 'y', predictors: ['x', 'x'] })).code).toBe('BAD_OPTION');
    const text = parseCSV('y,a,b\n0,1,u\n1,2,v\n');
    expect(catchError(() => designMatrix(text, { counts: ['a', 'b'] })).code).toBe('BAD_COUNTS');
    expect(catchError(() => designMatrix(text, { response: 'y', weights: 'b' })).code).toBe('BAD_WEIGHTS');
    expect(catchError(() => designMatrix(parseCSV('a,b\n1,-2\n3,4\n'), { counts: ['a', 'b'] })).code).toBe('BAD_COUNTS');
  });

  it('gives each row exactly one level of every factor: reference rows have all-zero indicators', () => {
    const levels = fc.constantFrom('a', 'b', 'c', 'd');
    fc.assert(
      fc.property(fc.array(fc.tuple(levels, fc.integer({ min: 0, max: 1 })), { minLength: 2, maxLength: 30 }), (rows) => {
        const distinctLevels = new Set(rows.map(([g]) => g));
        const distinctY = new Set(rows.map(([, y]) => y));
        fc.pre(distinctLevels.size >= 2 && distinctY.size === 2);
        const frame = parseCSV(`y,g\n${rows.map(([g, y]) => `${y},${g}`).join('\n')}\n`);
        const design = designMatrix(frame, { response: 'y' });
        const reference = design.factors[0]!.reference;
        expect(design.nFeatures).toBe(distinctLevels.size - 1);
        rows.forEach(([g], r) => {
          const indicators = row(design, r);
          expect(indicators.reduce((s, v) => s + v, 0)).toBe(g === reference ? 0 : 1);
          if (g !== reference) expect(design.names[indicators.indexOf(1)]).toBe(`g${g}`);
        });
      }),
    );
  });
});

describe('designMatrix with Object.prototype names as column names', () => {
  /** constructor, __proto__, toString, hasOwnProperty, ...: names a plain-object lookup would find on every object. */
  const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
  const levels = fc.constantFrom('a', 'b', 'c');

  it('codes a factor, response, weights and numeric column so named like any other, levels given as a Map or a record', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(PROTOTYPE_NAMES, { minLength: 4, maxLength: 4 }),
        fc.array(fc.tuple(levels, fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: -5, max: 5 })), {
          minLength: 3,
          maxLength: 20,
        }),
        fc.boolean(),
        ([yName, gName, wName, xName], rows, asMap) => {
          fc.pre(new Set(rows.map(([g]) => g)).size === 3 && new Set(rows.map(([, y]) => y)).size === 2);
          const text = [`${yName},${gName},${wName},${xName}`, ...rows.map(([g, y, w, x]) => `${y},${g},${w},${x}`)].join('\n');
          const order = ['c', 'a', 'b'];
          const given = asMap ? new Map([[gName!, order]]) : Object.fromEntries([[gName!, order]]);
          const design = designMatrix(parseCSV(text), { response: yName!, weights: wName!, levels: given });
          expect(design.names).toEqual([`${gName}a`, `${gName}b`, xName]);
          expect(design.factors).toEqual([{ name: gName, levels: order, reference: 'c' }]);
          rows.forEach(([g, , , x], r) => expect(row(design, r)).toEqual([g === 'a' ? 1 : 0, g === 'b' ? 1 : 0, x]));
          expect(Array.from(design.weights!)).toEqual(rows.map(([, , w]) => w));
          expect(design.response).toEqual({ kind: 'labels', labels: rows.map(([, y]) => y), levels: [0, 1] });
        },
      ),
    );
  });

  it('orders response levels and reads counts columns so named', () => {
    for (const name of PROTOTYPE_NAMES) {
      const frame = parseCSV(`${name},x\nno,1\nyes,2\nno,3\n`);
      const design = designMatrix(frame, { response: name, levels: new Map([[name, ['yes', 'no']]]) });
      expect(design.response).toEqual({ kind: 'labels', labels: ['no', 'yes', 'no'], levels: ['yes', 'no'] });
      const counts = designMatrix(parseCSV(`${name},other,x\n1,2,0\n3,4,1\n`), { counts: [name, 'other'] });
      expect(counts.response).toEqual({ kind: 'counts', counts: Float64Array.of(1, 2, 3, 4), nClasses: 2, classNames: [name, 'other'] });
    }
  });

  it('refuses a levels record whose prototype was set by a __proto__ key in an object literal', () => {
    const frame = parseCSV('y,g\n0,a\n1,b\n0,b\n');
    const error = catchError(() => designMatrix(frame, { response: 'y', levels: { __proto__: ['b', 'a'] } as Record<string, string[]> }));
    expect(error.code).toBe('BAD_OPTION');
    expect(error.message).toMatch(/use a Map/);
  });
});

describe('levelsOf', () => {
  it('sorts numeric levels numerically and writes them like R as.character', () => {
    // R 4.2.2: levels(factor(c(1e5, 2, 0.0001, 0.0012, 123456, -0.5, 0.1 + 0.2, 0.3, 1e15, 1e-20, 1/3)))
    const values = Float64Array.of(1e5, 2, 0.0001, 0.0012, 123456, -0.5, 0.1 + 0.2, 0.3, 1e15, 1e-20, 1 / 3, NaN);
    expect(levelsOf({ name: 'v', kind: 'numeric', values })).toEqual([
      '-0.5', '1e-20', '1e-04', '0.0012', '0.3', '0.333333333333333', '2', '1e+05', '123456', '1e+15',
    ]);
    // R 4.2.2: as.character() of each value.
    const more = Float64Array.of(123456789012345678, 1e16, 3333333333.333333, 5e-324, 0.00012345678901234567, 299792458);
    expect(levelsOf({ name: 'v', kind: 'numeric', values: more })).toEqual([
      '4.94065645841247e-324', '0.000123456789012346', '299792458', '3333333333.33333', '1e+16', '123456789012345680',
    ]);
  });

  it('sorts string levels by code point, including characters beyond U+FFFF', () => {
    const values = ['b', 'B', null, 'a', 'A', '_', '\u{1F600}', '\uFF01', 'a'];
    // Code points: A 41, B 42, _ 5F, a 61, b 62, U+FF01, U+1F600.
    expect(levelsOf({ name: 'g', kind: 'string', values })).toEqual(['A', 'B', '_', 'a', 'b', '\uFF01', '\u{1F600}']);
  });

  it('looks only at the given rows', () => {
    expect(levelsOf({ name: 'g', kind: 'string', values: ['c', 'a', 'b'] }, [0, 2])).toEqual(['b', 'c']);
  });
});
