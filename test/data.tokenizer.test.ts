/**
 * The CSV scanner behind parseCSV and readCSV (src/data/tokenizer.ts) and the number reader of
 * numeric columns (plainDecimalAt in src/data/csv.ts).
 *
 * The reference for records is csv-parse 6.1.0 with `trim: true, skip_empty_lines: true`, the
 * parser softlogit used before (on text with `\r\n` and `\r` made `\n` first, as it was then
 * given); the reference for numbers is JavaScript's Number().
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/browser/esm/sync';
import { CSVTokenizer, recordFields } from '../src/data/tokenizer.js';
import { BLOCK_ROWS, Blocks, plainDecimalAt } from '../src/data/csv.js';
import { SoftlogitError } from '../src/errors.js';

/** Records (with their first line) of `text` fed in the given chunks. */
function tokenize(chunks: string[]): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  const tokenizer = new CSVTokenizer((r) => out.push({ fields: recordFields(r), line: r.line }), 'test');
  for (const chunk of chunks) tokenizer.push(chunk);
  tokenizer.end();
  return out;
}

/** `text` cut at the given positions. */
function cut(text: string, positions: number[]): string[] {
  const at = [...new Set(positions.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const p of at) {
    chunks.push(text.slice(from, p));
    from = p;
  }
  chunks.push(text.slice(from));
  return chunks;
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
