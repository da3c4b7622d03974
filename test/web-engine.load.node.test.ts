/**
 * The demo engine's reading of files and pasted text (examples/web/engine/): delimiter detection,
 * decimal commas in semicolon files across chunk boundaries (against the library's CSVTokenizer on
 * the same rows written with commas and points; the tokenizer's own `;` and tab delimiters are
 * tested in test/data.tokenizer.test.ts), streaming a File, reading a column again as text, and
 * cancelling.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CSVTokenizer, recordFields } from '../src/data/tokenizer.js';
import { parseCSV } from '../src/data/csv.js';
import { detectDelimiter } from '../examples/web/engine/delimiter.js';
import { readDecimalCommas } from '../examples/web/engine/decimalComma.js';
import { fileSource, loadTable, PROGRESS_ROWS, textSource, type TextSource } from '../examples/web/engine/load.js';
import { Cancelled, NO_HOOKS, type Hooks, type ProgressUpdate } from '../examples/web/engine/hooks.js';
import { rejection } from './helpers/errors.js';
import { cut } from './helpers/chunks.js';

/** Records of the chunks, read as the engine reads `;` files: `;`-separated, decimal commas made points. */
function tokenizeDecimalComma(chunks: string[]): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  const tokenizer = new CSVTokenizer(readDecimalCommas((r) => out.push({ fields: recordFields(r), line: r.line })), 'test', ';');
  for (const chunk of chunks) tokenizer.push(chunk);
  tokenizer.end();
  return out;
}

function tokenizeComma(text: string): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  const tokenizer = new CSVTokenizer((r) => out.push({ fields: recordFields(r), line: r.line }), 'test');
  tokenizer.push(text);
  tokenizer.end();
  return out;
}

describe('detectDelimiter', () => {
  it('finds comma, tab and semicolon from the header and the records after it', () => {
    expect(detectDelimiter('admit,gre,gpa\n0,380,3.61\n')).toBe(',');
    expect(detectDelimiter('admit\tgre\tgpa\n0\t380\t3,61\n')).toBe('\t');
    expect(detectDelimiter('admit;gre;gpa\n0;380;3,61\n1;660;3,67\n')).toBe(';');
  });

  it('skips separators inside quotes, also across lines', () => {
    expect(detectDelimiter('"a,b";c\n"1,2\n,3";4\n')).toBe(';');
    expect(detectDelimiter('name\tnote\n"x, y, z"\t"a,\nb,c"\n')).toBe('\t');
  });

  it('prefers the candidate that gives the same field count on every record', () => {
    // One comma in the header by accident of a name, but semicolons are consistent.
    expect(detectDelimiter('y;x (a,b);z\n1;2;3\n0;5;6\n')).toBe(';');
  });

  it('reads a single column, and a one-line text only when told it is whole', () => {
    expect(detectDelimiter('y\n1\n0\n')).toBe(',');
    expect(detectDelimiter('a\tb')).toBe(','); // may be cut off: no record seen
    expect(detectDelimiter('a\tb', true)).toBe('\t');
  });
});

/** A cell: a number in decimal notation or text with the characters semicolon files care about. */
const cell = fc.oneof(
  fc.tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^\d{0,3}$/), fc.stringMatching(/^\d{1,3}$/), fc.constantFrom('', 'e-2', 'E+10')).map(
    ([sign, whole, fraction, exponent]) => ({ number: true, text: `${sign}${whole}.${fraction}${exponent}` }),
  ),
  fc.string({ unit: fc.constantFrom('a', '1', ' ', ',', ';', '.', '"', '\n', '\r'), maxLength: 5 }).map((text) => ({ number: false, text })),
);

/**
 * Rows written twice: comma-separated with decimal points (the reference), and semicolon-separated
 * with every unquoted number's point made a comma (R's write.csv2). Numbers are quoted at random
 * (then their point stays), text when it needs it.
 */
const twoWays = fc.integer({ min: 1, max: 4 }).chain((nCols) =>
  fc.tuple(
    fc.array(fc.array(fc.tuple(cell, fc.boolean()), { minLength: nCols, maxLength: nCols }), { minLength: 1, maxLength: 6 }),
    fc.array(fc.constantFrom('\n', '\r\n'), { minLength: 6, maxLength: 6 }),
  ),
).map(([rows, ends]) => {
  const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;
  const write = (delimiter: string, asWritten: (c: { number: boolean; text: string }, quoted: boolean) => string) =>
    rows.map((cells, r) => cells.map(([c, q]) => {
      const quoted = c.number ? q : q || /[,;"\n\r]/.test(c.text) || c.text !== c.text.trim() || c.text.trim() === '';
      return quoted ? quote(c.text) : asWritten(c, quoted);
    }).join(delimiter) + ends[r]).join('');
  return {
    comma: write(',', (c) => c.text),
    semicolon: write(';', (c) => (c.number ? c.text.replace('.', ',') : c.text)),
  };
});

describe('readDecimalCommas', () => {
  it('reads write.csv2 text, in any chunks, as the library reads the same rows written with commas and points', () => {
    fc.assert(
      fc.property(twoWays, fc.array(fc.nat(200), { maxLength: 8 }), ({ comma, semicolon }, positions) => {
        expect(tokenizeDecimalComma(cut(semicolon, positions))).toEqual(tokenizeComma(comma));
      }),
      { numRuns: 300 },
    );
  });

  it('makes decimal commas points only in unquoted numbers', () => {
    const rows = tokenizeDecimalComma(['x;y;z\n-1,5;"2,5";a,b\n,25;3,0e-2;1\n']).map((r) => r.fields);
    expect(rows).toEqual([['x', 'y', 'z'], ['-1.5', '2,5', 'a,b'], ['.25', '3.0e-2', '1']]);
  });
});

describe('loadTable', () => {
  it('reads the shipped CSV files into the frame parseCSV gives', async () => {
    for (const path of ['data/binary.csv', 'data/housing.csv']) {
      const text = readFileSync(path, 'utf8');
      const table = await loadTable(textSource(text, path, 1000), NO_HOOKS);
      expect(table.delimiter).toBe(',');
      expect(table.frame).toEqual(parseCSV(text));
      expect(table.preview).toHaveLength(5);
    }
  });

  it('reads the same numbers from tab- and semicolon-separated text (decimal comma with semicolons)', async () => {
    const text = readFileSync('data/binary.csv', 'utf8');
    const expected = parseCSV(text);
    const tabbed = await loadTable(textSource(text.replace(/,/g, '\t'), 'pasted', 777), NO_HOOKS);
    expect(tabbed.delimiter).toBe('\t');
    expect(tabbed.frame).toEqual(expected);
    const semicolon = await loadTable(textSource(text.replace(/,/g, ';').replace(/\./g, ','), 'csv2', 777), NO_HOOKS);
    expect(semicolon.delimiter).toBe(';');
    expect(semicolon.decimalComma).toBe(true);
    expect(semicolon.frame).toEqual(expected);
  });

  it('streams a File whose multi-byte characters are split between byte chunks', async () => {
    const text = 'grupo,y\nÅsa😀,1\nbjörn,0\nÅsa😀,0\n';
    const bytes = new TextEncoder().encode(text);
    const oneByteAtATime = {
      size: bytes.length,
      name: 'utf8.csv',
      stream: () => new ReadableStream<Uint8Array>({
        start(controller) {
          for (const b of bytes) controller.enqueue(Uint8Array.of(b));
          controller.close();
        },
      }),
    } as unknown as File;
    const table = await loadTable(fileSource(oneByteAtATime), NO_HOOKS);
    expect(table.frame).toEqual(parseCSV(text));
    expect(table.name).toBe('utf8.csv');
    // A real File too (Node 20 has File).
    const file = new File([bytes], 'real.csv');
    expect((await loadTable(fileSource(file), NO_HOOKS)).frame).toEqual(parseCSV(text));
  });

  it('reads a column again as text when text turns up after many numbers', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i % 2},${i % 7}`);
    rows.push('1,seven');
    const text = `y,code\n${rows.join('\n')}\n`;
    const table = await loadTable(textSource(text, 'late text', 4096), NO_HOOKS);
    expect(table.frame.columns[1]!.kind).toBe('string');
    expect(table.frame).toEqual(parseCSV(text));
  });

  it('names empty header fields as R does (a file from write.csv)', async () => {
    const table = await loadTable(textSource('"",y,X\n"1",0,2\n"2",1,3\n', 'r'), NO_HOOKS);
    expect(table.frame.names).toEqual(['X.1', 'y', 'X']);
    expect(table.renamed).toEqual([{ field: 1, name: 'X.1' }]);
  });

  it('reports BAD_CSV with the line for a ragged row', async () => {
    const error = await rejection(loadTable(textSource('a;b\n1;2\n3\n', 'ragged'), NO_HOOKS));
    expect(error.code).toBe('BAD_CSV');
    expect(error.message).toMatch(/line 3 has 1 field/);
  });

  it(`reports progress every ${PROGRESS_ROWS} rows and stops at a cancel`, async () => {
    const n = 3 * PROGRESS_ROWS + 10;
    const text = `y,x\n${'0,1.5\n1,2.5\n'.repeat(n / 2)}`;
    const seen: ProgressUpdate[] = [];
    const hooks: Hooks = { progress: (u) => seen.push(u), pause: () => Promise.resolve(), cancelled: () => false };
    const source: TextSource = textSource(text, 'big', 64 * 1024);
    const table = await loadTable(source, hooks);
    expect(table.frame.nRows).toBe(n);
    const rows = seen.map((u) => u.rowsRead!);
    expect(rows.length).toBeGreaterThanOrEqual(3); // after ~50k and ~100k rows, and at the end
    for (let k = 1; k < rows.length; k++) expect(rows[k]! - rows[k - 1]!).toBeLessThan(PROGRESS_ROWS + 10_000);
    expect(seen.at(-1)).toEqual({ phase: 'read', rowsRead: n, bytesRead: text.length, totalBytes: text.length });

    let pauses = 0;
    const cancelling: Hooks = { progress: () => {}, pause: async () => { pauses++; }, cancelled: () => pauses >= 2 };
    await expect(loadTable(source, cancelling)).rejects.toBeInstanceOf(Cancelled);
    expect(pauses).toBe(2);
  });
});
