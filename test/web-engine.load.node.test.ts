/**
 * The demo engine's reading of files and pasted text (examples/web/engine/): delimiter detection,
 * the delimited tokenizer across chunk boundaries (against the library's CSVTokenizer on the same
 * rows written with commas), streaming a File, reading a column again as text, and cancelling.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CSVTokenizer, recordFields } from '../src/data/tokenizer.js';
import { parseCSV } from '../src/data/csv.js';
import { detectDelimiter } from '../examples/web/engine/delimiter.js';
import { DelimitedTokenizer } from '../examples/web/engine/tokenizer.js';
import { fileSource, loadTable, PROGRESS_ROWS, textSource, type TextSource } from '../examples/web/engine/load.js';
import { Cancelled, NO_HOOKS, type Hooks, type ProgressUpdate } from '../examples/web/engine/hooks.js';
import type { Delimiter } from '../examples/web/protocol.js';
import { rejection } from './helpers/errors.js';

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

function tokenizeDelimited(chunks: string[], delimiter: Delimiter, decimalComma = false): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  const tokenizer = new DelimitedTokenizer((r) => out.push({ fields: recordFields(r), line: r.line }), delimiter, 'test', decimalComma);
  for (const chunk of chunks) tokenizer.push(chunk);
  tokenizer.end();
  return out;
}

function tokenizeLibrary(text: string): { fields: string[]; line: number }[] {
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

/** Cells with every character the delimiters and quoting care about. */
const cellText = fc.string({ unit: fc.constantFrom('a', '1', ' ', ',', ';', '\t', '"', '\n', '\r', 'é', '😀'), maxLength: 5 });

/** Rows of cells written with `delimiter`, quoted when the cell needs it (for either delimiter) or at random. */
function write(rows: [string, boolean, string][][], ends: string[], delimiter: string): string {
  return rows
    .map((cells, r) =>
      cells
        .map(([text, quote, pad]) => {
          const needsQuotes = /[,;\t"\n\r]/.test(text) || text !== text.trim() || text.trim() === '';
          return quote || needsQuotes ? `${pad}"${text.replace(/"/g, '""')}"${pad}` : text;
        })
        .join(delimiter) + ends[r],
    )
    .join('');
}

const table = fc.integer({ min: 1, max: 4 }).chain((nCols) =>
  fc.tuple(
    fc.array(fc.array(fc.tuple(cellText, fc.boolean(), fc.constantFrom('', ' ', '  ')), { minLength: nCols, maxLength: nCols }), { minLength: 1, maxLength: 6 }),
    fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 6, maxLength: 6 }),
    fc.array(fc.nat(200), { maxLength: 8 }),
  ),
);

describe('DelimitedTokenizer', () => {
  for (const delimiter of [',', '\t', ';'] as const) {
    it(`reads ${JSON.stringify(delimiter)}-separated rows in any chunks as the library reads them comma-separated`, () => {
      fc.assert(
        fc.property(table, ([rows, ends, positions]) => {
          const expected = tokenizeLibrary(write(rows, ends, ','));
          const text = write(rows, ends, delimiter);
          expect(tokenizeDelimited(cut(text, positions), delimiter)).toEqual(expected);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('keeps a quoted field with separators, quotes and CRLF split at every position', () => {
    const text = 'id\tnote\r\n1\t"a\tb ""q""\r\nsecond line"\r\n2\tplain\r\n';
    const whole = tokenizeDelimited([text], '\t');
    expect(whole).toEqual([
      { fields: ['id', 'note'], line: 1 },
      { fields: ['1', 'a\tb "q"\nsecond line'], line: 2 },
      { fields: ['2', 'plain'], line: 4 },
    ]);
    for (let at = 0; at <= text.length; at++) expect(tokenizeDelimited([text.slice(0, at), text.slice(at)], '\t')).toEqual(whole);
  });

  it('keeps empty tab-separated cells (tabs are not trimmed as white space)', () => {
    expect(tokenizeDelimited(['a\tb\tc\n1\t\t3\n\t\t\n'], '\t').map((r) => r.fields)).toEqual([['a', 'b', 'c'], ['1', '', '3'], ['', '', '']]);
  });

  it('reads decimal commas as points when asked, and only in unquoted numbers', () => {
    const rows = tokenizeDelimited(['x;y;z\n-1,5;"2,5";a,b\n,25;3,0e-2;1\n'], ';', true).map((r) => r.fields);
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
