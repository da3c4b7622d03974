/**
 * csvDesignSource (src/data/stream.ts): the batches of one pass over a file, put together, are
 * exactly designMatrix(parseCSV(text)) (every value is copied or 0/1-coded, so the comparison is
 * exact), whatever the batch size, with missing values, factors, given levels, weights, offset and
 * no intercept; and `softlogit fit --stream` prints what the in-memory fit prints.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csvDesignSource, designMatrix, frameDesignSource, parseCSV, type CSVDesignOptions, type LabelResponse } from '../src/data/index.js';
import { rejection } from './helpers/errors.js';
import { SoftlogitError } from '../src/errors.js';
import { main } from '../dist/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'softlogit-stream-design-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function file(text: string): string {
  const path = join(dir, `data-${files++}.csv`);
  writeFileSync(path, text);
  return path;
}

/** One pass of the source, concatenated. */
async function collect(path: string, options: CSVDesignOptions) {
  const source = await csvDesignSource(path, options);
  const X: number[] = [];
  const labels: (string | number)[] = [];
  const weights: number[] = [];
  const offset: number[] = [];
  const cluster: (string | number)[] = [];
  for await (const batch of source.batches()) {
    expect(batch.X.nFeatures).toBe(source.nFeatures);
    expect(batch.X.data.length).toBe(batch.X.nRows * batch.X.nFeatures);
    X.push(...batch.X.data);
    labels.push(...batch.labels);
    if (batch.weights) weights.push(...batch.weights);
    if (batch.offset) offset.push(...batch.offset);
    if (batch.cluster) cluster.push(...batch.cluster);
  }
  return { source, X, labels, weights, offset, cluster };
}

/** The same text through parseCSV and designMatrix. */
function inMemory(text: string, options: CSVDesignOptions) {
  const { batchRows: _batchRows, ...designOptions } = options;
  return designMatrix(parseCSV(text), designOptions);
}

async function expectSame(text: string, options: CSVDesignOptions): Promise<void> {
  const expected = inMemory(text, options);
  const got = await collect(file(text), options);
  expect(got.source.names).toEqual(expected.names);
  expect(got.source.nRows).toBe(expected.nRows);
  expect(got.source.droppedRows).toBe(expected.droppedRows);
  expect(got.source.factors).toEqual(expected.factors);
  expect(got.source.predictors).toEqual(expected.predictors);
  expect(got.source.classes).toEqual((expected.response as LabelResponse).levels);
  expect(got.X).toEqual(Array.from(expected.X));
  expect(got.labels).toEqual((expected.response as LabelResponse).labels);
  expect(got.weights).toEqual(expected.weights ? Array.from(expected.weights) : []);
  expect(got.offset).toEqual(expected.offset ? Array.from(expected.offset) : []);
  expect(got.cluster).toEqual(expected.cluster ?? []);
}

const TEXT = `y,x,g,rank,w,off
a,1.5,u,1,1,0.5
b,2,v,2,2,NA
a,,u,3,1,0
c,4,w,1,0.5,1
b,5,NA,2,1,2
a,6,v,3,3,-1
c,7,u,10,1,0
b,8,w,2,2,1
`;

describe('csvDesignSource', () => {
  it('gives designMatrix rows, names, levels and counts, for every batch size', async () => {
    for (const batchRows of [1, 2, 3, 7, 100]) {
      await expectSame(TEXT, { response: 'y', factors: ['rank'], weights: 'w', offset: 'off', batchRows });
      await expectSame(TEXT, { response: 'y', predictors: ['g', 'x'], intercept: false, batchRows });
      await expectSame(TEXT, { response: 'y', predictors: ['rank', 'x'], factors: ['rank'], levels: { rank: ['3', '2', '1', '10'], y: ['c', 'b', 'a'] }, batchRows });
    }
  });

  it('cluster labels: the kept rows\' labels, rows missing one dropped, no predictor unless named (as designMatrix)', async () => {
    for (const batchRows of [1, 3, 100]) {
      await expectSame(TEXT, { response: 'y', cluster: 'g', batchRows });
      await expectSame(TEXT, { response: 'y', cluster: 'rank', weights: 'w', batchRows });
      await expectSame(TEXT, { response: 'y', cluster: 'rank', factors: ['rank'], batchRows });
      await expectSame(TEXT, { response: 'y', cluster: 'g', predictors: ['g', 'x'], batchRows });
    }
    const byG = inMemory(TEXT, { response: 'y', cluster: 'g' });
    expect(byG.predictors).toEqual(['x', 'rank', 'w', 'off']);
    expect(byG.cluster).toEqual(['u', 'w', 'v', 'u', 'w']); // rows 2, 3, 5 miss off, x and g: dropped
    expect(byG.droppedRowNumbers).toEqual([2, 3, 5]);
    expect(inMemory(TEXT, { response: 'y', cluster: 'rank', factors: ['rank'] }).predictors).toEqual(['x', 'g', 'rank', 'w', 'off']);
    expect(() => inMemory(TEXT, { response: 'y', cluster: 'w', weights: 'w' })).toThrow(/used as cluster and as response, counts, weights or offset/);
  });

  it('agrees with designMatrix on random tables with missing cells', async () => {
    const cell = fc.oneof(fc.constantFrom('NA', '', 'p', 'q'), fc.integer({ min: -3, max: 3 }).map(String));
    const table = fc.array(fc.tuple(fc.constantFrom('0', '1', '2'), cell, fc.integer({ min: -5, max: 5 }).map(String), cell), { minLength: 1, maxLength: 25 });
    await fc.assert(
      fc.asyncProperty(table, fc.integer({ min: 1, max: 8 }), async (rows, batchRows) => {
        const text = `y,a,b,c\n${rows.map((r) => r.join(',')).join('\n')}\n`;
        const options: CSVDesignOptions = { response: 'y', predictors: ['a', 'b', 'c'], factors: ['b'], batchRows };
        let expected: unknown;
        try {
          expected = inMemory(text, options);
        } catch (error) {
          expected = error;
        }
        if (expected instanceof SoftlogitError) {
          await expect(collect(file(text), options)).rejects.toMatchObject({ code: expected.code });
        } else {
          await expectSame(text, options);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('reads a column as text when text appears below numbers in a later batch', async () => {
    await expectSame('y,g\n0,1\n1,2\n0,1\n1,x\n0,x\n', { response: 'y', batchRows: 2 });
  });

  it('counts the data row of an error in a later batch from the start of the file, with its line', async () => {
    const text = 'y,x\n0,1\n1,2\n0,3\n1,Inf\n0,5\n';
    const expected = (() => {
      try {
        inMemory(text, { response: 'y' });
      } catch (error) {
        return error as SoftlogitError;
      }
      throw new Error('designMatrix should refuse Inf');
    })();
    const error = await collect(file(text), { response: 'y', batchRows: 2 }).then(
      () => undefined,
      (e: unknown) => e as SoftlogitError,
    );
    expect(error?.code).toBe('NON_FINITE');
    expect(error?.details).toEqual(expected.details);
    expect(error?.message).toContain('data row 4 (line 5)');
    expect(expected.message).toContain('data row 4 (line 5)');
  });

  it('reports what designMatrix reports: a single-valued response, negative weights, an unknown column', async () => {
    await expect(collect(file('y,x\n1,1\n1,2\n'), { response: 'y' })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(collect(file('y,x,w\n0,1,1\n1,2,-1\n'), { response: 'y', weights: 'w' })).rejects.toMatchObject({ code: 'BAD_WEIGHTS' });
    await expect(collect(file('y,x\n0,1\n1,2\n'), { response: 'y', predictors: ['z'] })).rejects.toMatchObject({ code: 'UNKNOWN_COLUMN' });
    await expect(collect(file('y,x\n0,1\n'), { response: 'y', counts: ['x'] } as never)).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });
});

describe('csvDesignSource with a delimiter', () => {
  it('reads a tab- or semicolon-separated file as the same rows written with commas', async () => {
    const rows = ['y,x,g', '0,1.5,a', '1,,b', '1,2,"c, d"', '0,-1,a', '1,3,b'];
    const options: CSVDesignOptions = { response: 'y', factors: ['g'], batchRows: 2 };
    const expected = await collect(file(rows.join('\n')), options);
    for (const delimiter of ['\t', ';'] as const) {
      const text = rows.map((r) => r.replace(/,(?! d)/g, delimiter)).join('\n');
      const got = await collect(file(text), { ...options, delimiter });
      expect(got.source.names).toEqual(expected.source.names);
      expect(got.source.droppedRows).toBe(1);
      expect({ X: got.X, labels: got.labels }).toEqual({ X: expected.X, labels: expected.labels });
    }
  });

  it('takes the delimiter only where there is text to split', async () => {
    const error = await rejection(frameDesignSource(parseCSV('y,x\n0,1\n1,2\n'), { response: 'y', delimiter: ';' }));
    expect(error.code).toBe('BAD_OPTION');
    expect(error.message).toMatch(/unknown option 'delimiter'/);
    expect((await rejection(csvDesignSource(file('y,x\n0,1\n1,2\n'), { response: 'y', delimiter: '|' } as never))).code).toBe('BAD_OPTION');
  });
});

describe('softlogit fit --stream', () => {
  async function run(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const status = await main(args, { out: (text) => void (stdout += text), err: (text) => void (stderr += text) });
    return { status, stdout, stderr };
  }

  it('prints the in-memory fit of the same file: binomial with a factor, multinomial with weights', async () => {
    const path = file(TEXT.replace(/^y,/, 'y,').replace(/\nc,/g, '\na,'));
    for (const args of [
      [path, '--response', 'y', '--predictors', 'x,rank', '--factor', 'rank', '--offset', 'off'],
      [file(TEXT), '--response', 'y', '--weights', 'w', '--predictors', 'x'],
    ]) {
      const memory = await run('fit', ...args, '--json');
      const streamed = await run('fit', ...args, '--json', '--stream');
      expect(streamed.status).toBe(0);
      const a = JSON.parse(memory.stdout) as Record<string, unknown>;
      const b = JSON.parse(streamed.stdout) as Record<string, unknown>;
      expect(b['design']).toEqual(a['design']);
      expect(b['names']).toEqual(a['names']);
      const close = (u: number[], v: number[]) => u.forEach((x, k) => expect(Math.abs(x - v[k]!)).toBeLessThan(1e-8 * (1 + Math.abs(v[k]!))));
      const flat = (m: Record<string, unknown>) => (m['coefficients'] ?? m['baseline']) as number[];
      close(flat(b).flat(), flat(a).flat());
    }
  });

  it('refuses flags a streamed fit cannot honour', async () => {
    const result = await run('fit', file(TEXT), '--response', 'y', '--stream', '--l2', '1');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--stream cannot be combined with --l2');
  });

  it('names a column missing from the file as the in-memory fit does', async () => {
    const path = file(TEXT);
    const memory = await run('fit', path, '--response', 'y', '--predictors', 'x,z');
    const streamed = await run('fit', path, '--response', 'y', '--predictors', 'x,z', '--stream');
    expect(streamed.status).toBe(2);
    expect(streamed.stderr).toBe(memory.stderr);
    expect(streamed.stderr).toContain('--predictors names column "z"');
  });
});
