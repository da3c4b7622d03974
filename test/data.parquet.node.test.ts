/**
 * readParquet and parquetDesignSource (src/data/parquet.ts), on files written with
 * hyparquet-writer 0.17.0 in small row groups: the frame equals parseCSV's frame of the same data
 * as CSV (minus line numbers), and the design batches, one per row group, equal designMatrix's
 * rows. Node only: the files are written to a temporary directory and read by path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { designMatrix, parquetDesignSource, parseCSV, readParquet, type LabelResponse } from '../src/data/index.js';

const dir = mkdtempSync(join(tmpdir(), 'softlogit-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const y = [0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1];
const x = [1.5, null, 3, 4, 5, 6.25, 7, 8, 2, 3.5, 0.5];
const g = ['a', 'b', null, 'a', 'b', 'c', 'c', 'a', 'b', 'a', 'c'];
const k = [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2];
const CSV = `y,x,g,k\n${y.map((_, i) => [y[i], x[i] ?? 'NA', g[i] ?? 'NA', k[i]].join(',')).join('\n')}\n`;

function parquetFile(rowGroupSize: number): string {
  const path = join(dir, `data-${rowGroupSize}.parquet`);
  const bytes = parquetWriteBuffer({
    columnData: [
      { name: 'y', data: y, type: 'DOUBLE' },
      { name: 'x', data: x, type: 'DOUBLE' },
      { name: 'g', data: g, type: 'STRING' },
      { name: 'k', data: k, type: 'INT32' },
    ],
    rowGroupSize,
  });
  writeFileSync(path, new Uint8Array(bytes));
  return path;
}

describe('readParquet', () => {
  it('reads numbers, integers and text (nulls missing) as parseCSV reads the same data', async () => {
    const { lineNumbers: _lines, ...expected } = parseCSV(CSV);
    for (const size of [3, 100]) expect(await readParquet(parquetFile(size))).toEqual(expected);
    const some = await readParquet(parquetFile(3), { columns: ['k', 'g'] });
    expect(some.names).toEqual(['k', 'g']);
  });

  it('names a missing column and an unreadable file', async () => {
    await expect(readParquet(parquetFile(3), { columns: ['z'] })).rejects.toMatchObject({ code: 'UNKNOWN_COLUMN' });
    await expect(readParquet(join(dir, 'none.parquet'))).rejects.toMatchObject({ code: 'UNREADABLE', details: { code: 'ENOENT' } });
    const notParquet = join(dir, 'text.parquet');
    writeFileSync(notParquet, 'y,x\n1,2\n');
    await expect(readParquet(notParquet)).rejects.toMatchObject({ code: 'UNREADABLE' });
  });
});

describe('parquetDesignSource', () => {
  it('gives designMatrix rows, one batch per row group, with factors', async () => {
    const options = { response: 'y', factors: ['k'] };
    const expected = designMatrix(parseCSV(CSV), options);
    const design = await parquetDesignSource(parquetFile(3), options);
    expect(design.names).toEqual(expected.names);
    expect(design.droppedRows).toBe(expected.droppedRows);
    const X: number[] = [];
    const labels: (string | number)[] = [];
    let batches = 0;
    for await (const batch of design.batches()) {
      batches++;
      X.push(...batch.X.data);
      labels.push(...batch.labels);
    }
    expect(batches).toBe(4);
    expect(X).toEqual(Array.from(expected.X));
    expect(labels).toEqual((expected.response as LabelResponse).labels);
  });
});

describe('softlogit fit on a Parquet file', () => {
  it('prints what it prints for the same data as CSV, in memory and with --stream', async () => {
    const { main } = await import('../dist/cli/main.js');
    const run = async (...args: string[]) => {
      let stdout = '';
      let stderr = '';
      const status = await main(args, { out: (text: string) => void (stdout += text), err: (text: string) => void (stderr += text) });
      return { status, stdout, stderr };
    };
    const csv = join(dir, 'same.csv');
    writeFileSync(csv, CSV);
    const parquet = parquetFile(4);
    const fromCSV = await run('fit', csv, '--response', 'y', '--predictors', 'x,g', '--json');
    const fromParquet = await run('fit', parquet, '--response', 'y', '--predictors', 'x,g', '--json');
    expect(fromParquet.status).toBe(0);
    expect(fromParquet.stdout).toBe(fromCSV.stdout);
    const streamed = await run('fit', parquet, '--response', 'y', '--predictors', 'x,g', '--json', '--stream');
    expect(streamed.status).toBe(0);
    const a = JSON.parse(fromCSV.stdout) as { coefficients: number[]; design: unknown };
    const b = JSON.parse(streamed.stdout) as { coefficients: number[]; design: unknown };
    expect(b.design).toEqual(a.design);
    b.coefficients.forEach((v, j) => expect(Math.abs(v - a.coefficients[j]!)).toBeLessThan(1e-9 * (1 + Math.abs(a.coefficients[j]!))));
  });
});
