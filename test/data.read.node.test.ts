/**
 * readCSV and readCSVHeader (src/data/csv.ts) on files and streams: the same frames as parseCSV
 * on the same text, whatever the chunking, with columns inferred numeric then found to hold text
 * read again from a file and refused from a stream. Expected frames come from parseCSV, whose own
 * conventions test/data.test.ts checks against R's read.csv.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCSV, readCSV, readCSVHeader } from '../src/data/index.js';
import { rejection } from './helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'softlogit-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}


/** More than one block of rows (65 536), so joining blocks is exercised. */
const N_LARGE = 70_001;

describe('readCSV', () => {
  it('reads a file, a file: URL, a Node stream and a web stream into the frame parseCSV makes of the text', async () => {
    const text = '\uFEFFy,x,g\r\n1,2.5,a\n0,-1e-3,"b, c"\n\n1,NA,\n0,.25,a\n';
    const expected = parseCSV(text);
    const path = file('small.csv', text);
    expect(await readCSV(path)).toEqual(expected);
    expect(await readCSV(pathToFileURL(path))).toEqual(expected);
    expect(await readCSV(Readable.from([Buffer.from(text)]))).toEqual(expected);
    expect(await readCSV(new Blob([text]).stream())).toEqual(expected);
  });

  it('decodes UTF-8 split anywhere between chunks, and gives the same frame for any chunking', async () => {
    const text = 'name,x\n"é, 😀",1\nß,2\n😀😀,3\n';
    const bytes = new TextEncoder().encode(text);
    const expected = parseCSV(text);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 6 }), async (cuts) => {
        const at = [0, ...[...new Set(cuts)].sort((a, b) => a - b), bytes.length];
        const chunks = at.slice(1).map((end, k) => bytes.subarray(at[k]!, end));
        expect(await readCSV(chunks)).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('joins blocks of rows: a file of more than 65 536 rows reads as parseCSV reads its text', async () => {
    const lines = ['i,x,g'];
    for (let i = 0; i < N_LARGE; i++) lines.push(`${i},${(i * 0.37).toFixed(3)},${i % 3 === 0 ? 'NA' : `g${i % 5}`}`);
    const text = lines.join('\n') + '\n';
    const frame = await readCSV(file('large.csv', text));
    expect(frame.nRows).toBe(N_LARGE);
    expect(frame).toEqual(parseCSV(text));
    expect(frame.lineNumbers![N_LARGE - 1]).toBe(N_LARGE + 1);
  });

  it('reads a column again as text when a file shows text below numbers, as parseCSV does', async () => {
    const text = 'x,g\n1,1.0\n2,2\n3,three\n';
    const frame = await readCSV(file('retype.csv', text));
    expect(frame.columns[1]).toEqual({ name: 'g', kind: 'string', values: ['1.0', '2', 'three'] });
    expect(frame).toEqual(parseCSV(text));
  });

  it('refuses such a column from a stream, naming it, the row and the line, and reads it when told how', async () => {
    const text = 'x,g\n1,1.0\n2,2\n3,three\n';
    const error = await rejection(readCSV([text]));
    expect(error.code).toBe('BAD_CSV');
    expect(error.details).toEqual({ column: 'g', row: 3, line: 4, value: 'three' });
    expect(error.message).toContain("options.factors: ['g']");
    expect((await readCSV([text], { factors: ['g'] })).columns[1]!.values).toEqual(['1.0', '2', 'three']);
  });

  it('keeps only the columns asked for, in header order, and checks their names', async () => {
    const frame = await readCSV(['a,b,c\n1,x,3\n2,y,4\n'], { columns: ['c', 'a'] });
    expect(frame.names).toEqual(['a', 'c']);
    expect(frame.columns.map((c) => Array.from(c.values as Float64Array))).toEqual([[1, 2], [3, 4]]);
    const unknown = await rejection(readCSV(['a,b\n1,2\n'], { columns: ['z'] }));
    expect(unknown.code).toBe('UNKNOWN_COLUMN');
    expect(unknown.message).toContain('a, b');
  });

  it('names the line of a ragged row and of a bad cell in a required numeric column', async () => {
    const ragged = await rejection(readCSV(file('ragged.csv', 'a,b\n1,2\n\n3\n')));
    expect(ragged.code).toBe('BAD_CSV');
    expect(ragged.details).toEqual({ line: 4, fields: 1, expected: 2 });
    const typo = await rejection(readCSV(file('typo.csv', 'a,b\n1,2\n3,x4\n'), { numeric: ['b'] }));
    expect(typo.details).toEqual({ column: 'b', row: 2, line: 3, value: 'x4' });
  });

  it('reports a missing file as UNREADABLE, and refuses a source or a chunk of another type', async () => {
    const missing = await rejection(readCSV(join(dir, 'missing.csv')));
    expect(missing.code).toBe('UNREADABLE');
    expect(missing.details).toEqual({ code: 'ENOENT', path: join(dir, 'missing.csv') });
    expect(missing.message).toContain('no such file');
    expect((await rejection(readCSV(dir))).details?.['code']).toBe('EISDIR');
    expect((await rejection(readCSV(['a,b\n', 5 as never]))).message).toContain('chunk 1');
    expect((await rejection(readCSV(42 as never))).code).toBe('BAD_OPTION');
    expect((await rejection(readCSV([''], { colums: ['a'] } as never))).code).toBe('BAD_OPTION');
  });
});

describe('readCSV with a delimiter', () => {
  it('reads a tab-separated file and a semicolon-separated stream, split anywhere, as parseCSV reads them', async () => {
    const text = 'y\tx\tg\r\n1\t2.5\t"a\tb"\n0\t\t c \n';
    const expected = parseCSV(text, { delimiter: '\t' });
    expect(expected.columns[2]!.values).toEqual(['a\tb', 'c']);
    expect(await readCSV(file('tabs.tsv', text), { delimiter: '\t' })).toEqual(expected);
    const semicolons = text.replace(/\t/g, ';');
    const chunks = Array.from(semicolons, (c) => c); // one character a chunk
    expect(await readCSV(chunks, { delimiter: ';' })).toEqual(parseCSV(semicolons, { delimiter: ';' }));
    expect((await rejection(readCSV(chunks, { delimiter: '|' } as never))).code).toBe('BAD_OPTION');
  });
});

describe('readCSVHeader', () => {
  it('returns the names of the first non-blank line without reading the rest', async () => {
    expect(await readCSVHeader(file('header.csv', '\n a ,"b, c"\n1,2\n'))).toEqual(['a', 'b, c']);
    // The rest is never read: an unclosed quote further down is not reported.
    expect(await readCSVHeader(['x,y\n', '1,"2\n'])).toEqual(['x', 'y']);
    expect((await rejection(readCSVHeader(['\n\n']))).code).toBe('BAD_CSV');
  });

  it('splits the names at options.delimiter', async () => {
    expect(await readCSVHeader(['a;"b;', 'c";d,e\n1;2;3\n'], { delimiter: ';' })).toEqual(['a', 'b;c', 'd,e']);
    expect(await readCSVHeader(file('header.tsv', 'a b\t c\n'), { delimiter: '\t' })).toEqual(['a b', 'c']);
    expect((await rejection(readCSVHeader(['a\n'], { delimiter: '|' } as never))).code).toBe('BAD_OPTION');
    expect((await rejection(readCSVHeader(['a\n'], { columns: ['a'] } as never))).code).toBe('BAD_OPTION');
  });
});

describe('closing the source', () => {
  it('closes a stream read only in part: a header read, an error in the text', async () => {
    let closed = 0;
    let reachedEnd = false;
    const source = () => ({
      *[Symbol.iterator]() {
        try {
          yield 'a,b\n';
          yield '1,2,3\n';
          yield '4,5\n';
          reachedEnd = true;
        } finally {
          closed++;
        }
      },
    });
    expect(await readCSVHeader(source())).toEqual(['a', 'b']);
    expect(closed).toBe(1);
    await expect(readCSV(source())).rejects.toMatchObject({ code: 'BAD_CSV', details: { line: 2, fields: 3, expected: 2 } });
    expect(closed).toBe(2);
    expect(reachedEnd).toBe(false);
  });
});
