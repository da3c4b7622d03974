/**
 * The CSV scanner behind parseCSV and readCSV (src/data/tokenizer.ts) and the number reader of
 * numeric columns (plainDecimalAt in src/data/csv.ts).
 *
 * The reference for records is csv-parse 6.1.0 with `trim: true, skip_empty_lines: true`, the
 * parser softlogit used before (on text with `\r\n` and `\r` made `\n` first, as it was then
 * given); for the `;` and tab delimiters it is the tokenizer itself reading the same rows written
 * with commas; the reference for numbers is JavaScript's Number().
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/browser/esm/sync';
import { CSVTokenizer, recordFields, type CSVDelimiter, type RecordView } from '../src/data/tokenizer.js';
import { BLOCK_ROWS, Blocks, plainDecimalAt } from '../src/data/csv.js';
import { SoftlogitError } from '../src/errors.js';
import { cut } from './helpers/chunks.js';

/** Records (with their first line) of `text` fed in the given chunks. */
function tokenize(chunks: string[], delimiter?: CSVDelimiter): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  const handler = (r: RecordView) => out.push({ fields: recordFields(r), line: r.line });
  const tokenizer = delimiter === undefined ? new CSVTokenizer(handler, 'test') : new CSVTokenizer(handler, 'test', delimiter);
  for (const chunk of chunks) tokenizer.push(chunk);
  tokenizer.end();
  return out;
}

/** A cell: any text from an alphabet with the characters CSV cares about. */
const cellText = fc.string({ unit: fc.constantFrom('a', 'b', '1', ' ', ',', '"', '\n', '\r', '\t', 'é', '😀'), maxLength: 6 });
const lineEnd = fc.constantFrom('\n', '\r\n', '\r');

/** A CSV text written from cells: quoted when needed (or at random), padded at random. */
const csvText = fc
  .integer({ min: 1, max: 4 })
  .chain((nCols) =>
    fc.array(
      fc.tuple(
        fc.array(fc.tuple(cellText, fc.boolean(), fc.constantFrom('', ' ', '\t ')), { minLength: nCols, maxLength: nCols }),
        lineEnd,
        fc.boolean(),
      ),
      { minLength: 1, maxLength: 6 },
    ),
  )
  .map((rows) =>
    rows
      .map(([cells, end, blankAfter]) => {
        const fields = cells.map(([text, quote, pad]) => {
          const needsQuotes = /[,"\n\r]/.test(text) || text !== text.trim() || text.trim() === '';
          return quote || needsQuotes ? `${pad}"${text.replace(/"/g, '""')}"${pad}` : text;
        });
        return fields.join(',') + end + (blankAfter ? end : '');
      })
      .join(''),
  );

describe('CSVTokenizer', () => {
  it('splits records as csv-parse does (trim, skip_empty_lines), with the line each starts on', () => {
    fc.assert(
      fc.property(csvText, (text) => {
        const normalized = text.replace(/\r\n?/g, '\n');
        const expected = parse(normalized, { trim: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as {
          record: string[];
          info: { lines: number };
        }[];
        const records = tokenize([text]);
        expect(records.map((r) => r.fields)).toEqual(expected.map((e) => e.record));
        const newlines = (fields: string[]) => fields.join('').split('\n').length - 1;
        expect(records.map((r) => r.line)).toEqual(expected.map((e) => e.info.lines - newlines(e.record)));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same records however the text is cut into chunks', () => {
    fc.assert(
      fc.property(csvText, fc.array(fc.nat(), { maxLength: 8 }), (text, positions) => {
        expect(tokenize(cut(text, positions))).toEqual(tokenize([text]));
      }),
      { numRuns: 300 },
    );
  });

  it('counts a \\r\\n cut between two chunks as one line break', () => {
    expect(tokenize(['a,b\r', '\n1,2\r', '\n3,4'])).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', '2'], line: 2 },
      { fields: ['3', '4'], line: 3 },
    ]);
  });

  it('rejects an unclosed quote, a quote inside an unquoted field and text after a closing quote, naming the line', () => {
    for (const [text, line] of [['a\n"x\n\n', 2], ['a,b\n1,x"y\n', 2], ['a\n\n"x"y\n', 3]] as const) {
      let error: unknown;
      try {
        tokenize([text]);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SoftlogitError);
      expect((error as SoftlogitError).code).toBe('BAD_CSV');
      expect((error as SoftlogitError).details).toEqual({ line });
      expect((error as SoftlogitError).message).toContain(`line ${line}`);
    }
  });
});

/** Cells with every character the three delimiters and quoting care about. */
const delimitedCell = fc.string({ unit: fc.constantFrom('a', '1', ' ', ',', ';', '\t', '"', '\n', '\r', 'é', '😀'), maxLength: 5 });

/**
 * Rows of cells and their line ends: a cell is quoted when it needs to be under any of the three
 * delimiters (or at random) and padded with spaces at random; an empty cell may stay unquoted.
 */
const delimitedRows = fc.integer({ min: 1, max: 4 }).chain((nCols) =>
  fc.tuple(
    fc.array(fc.array(fc.tuple(delimitedCell, fc.boolean(), fc.constantFrom('', ' ', '  ')), { minLength: nCols, maxLength: nCols }), { minLength: 1, maxLength: 6 }),
    fc.array(lineEnd, { minLength: 6, maxLength: 6 }),
  ),
);

/** The rows written with `delimiter`. */
function writeDelimited([rows, ends]: [[string, boolean, string][][], string[]], delimiter: string): string {
  return rows
    .map((cells, r) =>
      cells
        .map(([text, quote, pad]) => {
          const needsQuotes = /[,;\t"\n\r]/.test(text) || text !== text.trim() || (text !== '' && text.trim() === '');
          return quote || needsQuotes ? `${pad}"${text.replace(/"/g, '""')}"${pad}` : `${pad}${text}${pad}`;
        })
        .join(delimiter) + ends[r],
    )
    .join('');
}

describe('CSVTokenizer with the ; and tab delimiters', () => {
  for (const delimiter of [';', '\t'] as const) {
    it(`reads ${JSON.stringify(delimiter)}-separated rows, in any chunks, as it reads the same rows comma-separated`, () => {
      fc.assert(
        fc.property(delimitedRows, fc.array(fc.nat(200), { maxLength: 8 }), (rows, positions) => {
          const expected = tokenize([writeDelimited(rows, ',')]);
          expect(tokenize(cut(writeDelimited(rows, delimiter), positions), delimiter)).toEqual(expected);
        }),
        { numRuns: 300 },
      );
    });

    it(`keeps a quoted field holding ${JSON.stringify(delimiter)}, commas, quotes and CRLF, split at every position`, () => {
      const d = delimiter;
      const text = `id${d}note${d}x\r\n1${d}"a${d}b, ""q""\r\nsecond line"${d} 2 \r\n\r\n3${d}plain${d}"4"\r\n`;
      const whole = tokenize([text], d);
      expect(whole).toEqual([
        { fields: ['id', 'note', 'x'], line: 1 },
        { fields: ['1', `a${d}b, "q"\nsecond line`, '2'], line: 2 },
        { fields: ['3', 'plain', '4'], line: 5 },
      ]);
      for (let at = 0; at <= text.length; at++) expect(tokenize([text.slice(0, at), text.slice(at)], d)).toEqual(whole);
    });
  }

  it('keeps empty tab-separated cells: tabs separate and are not trimmed, spaces are', () => {
    expect(tokenize(['a\tb\tc\n1\t\t3\n\t\t\n \t x \t\n'], '\t').map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
      ['', '', ''],
      ['', 'x', ''],
    ]);
    // With the comma (and the semicolon) a tab is blank around a field, as before.
    expect(tokenize(['a,\tb\t\n'], ',').map((r) => r.fields)).toEqual([['a', 'b']]);
    expect(tokenize(['a;\tb\t\n'], ';').map((r) => r.fields)).toEqual([['a', 'b']]);
  });

  it('reads a comma as an ordinary character with another delimiter, also after a closing quote', () => {
    expect(tokenize(['a,b;c\n'], ';').map((r) => r.fields)).toEqual([['a,b', 'c']]);
    expect(tokenize(['1,5\t2\n'], '\t').map((r) => r.fields)).toEqual([['1,5', '2']]);
    for (const [text, delimiter] of [['"a",b\n', ';'], ['"a";b\n', '\t'], ['"a"\tb\n', ',']] as const) {
      let error: unknown;
      try {
        tokenize([text], delimiter);
      } catch (e) {
        error = e;
      }
      expect((error as SoftlogitError).code).toBe('BAD_CSV');
      expect((error as SoftlogitError).message).toMatch(/after the closing quote of field 1 on line 1/);
    }
  });
});

describe('plainDecimalAt', () => {
  it('equals Number() on every plain decimal of at most 15 digits, in place inside a longer text', () => {
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), minLength: 0, maxLength: 15 });
    const decimal = fc
      .tuple(fc.constantFrom('', '-', '+'), digits, fc.option(digits, { nil: undefined }))
      .map(([sign, whole, fraction]) => `${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}`)
      .filter((s) => /\d/.test(s) && s.replace(/\D/g, '').length <= 15);
    fc.assert(
      fc.property(decimal, (s) => {
        const text = `x,${s},y`;
        expect(Object.is(plainDecimalAt(text, 2, 2 + s.length), Number(s))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves everything else to the general path', () => {
    for (const s of ['', '-', '.', '1e5', '1234567890123456', '1.2.3', ' 1', 'NA', 'Inf', '0x10', '1_0']) {
      expect(plainDecimalAt(s, 0, s.length)).toBeUndefined();
    }
  });
});

describe('Blocks (the growing columns of parseCSV and readCSV)', () => {
  it('joins what was written, in one resizable buffer or in separate blocks', () => {
    for (const resizable of [true, false]) {
      for (const n of [0, 5, BLOCK_ROWS, 2 * BLOCK_ROWS + 3]) {
        const store = new Blocks(Float64Array, resizable);
        let block = store.block;
        for (let i = 0; i < n; i++) {
          if (i > 0 && i % BLOCK_ROWS === 0) block = store.next();
          block[i % BLOCK_ROWS] = i + 0.5;
        }
        const joined = store.join(n);
        expect(joined.length).toBe(n);
        expect(joined.every((v, i) => v === i + 0.5)).toBe(true);
      }
    }
  });
});
