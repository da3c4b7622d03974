/**
 * arrowDesignSource (src/data/arrow.ts) against apache-arrow 21.2.0: the coded batches of a
 * table or of record batches are exactly designMatrix's rows for the same data written as CSV
 * (dictionary columns dummy-coded as CSV text columns, nulls dropped as NA), and a streamed fit
 * over them equals fitLogistic / fitSoftmax on that design.
 */
import { describe, expect, it } from 'vitest';
import { RecordBatch, tableFromArrays, tableFromJSON, vectorFromArray, Float64, Int32, Utf8, Dictionary } from 'apache-arrow';
import {
  arrowDesignSource, designMatrix, fitLogistic, fitLogisticStream, fitSoftmax, fitSoftmaxStream, init,
  logisticBatches, parseCSV, softmaxBatches, type CSVDesignSource, type LabelResponse,
} from '../src/index.js';

/** Streamed and in-memory fits add the same sums in another order. */
const FIT_TOLERANCE = 1e-9;

const ROWS = [
  { y: 'no', x: 1.5, g: 'u', k: 1 },
  { y: 'yes', x: 2, g: 'v', k: 2 },
  { y: 'no', x: null, g: 'u', k: 3 },
  { y: 'yes', x: 4, g: 'w', k: 1 },
  { y: 'no', x: 5, g: null, k: 2 },
  { y: 'yes', x: 6, g: 'v', k: 3 },
  { y: 'no', x: 7, g: 'u', k: 2 },
  { y: 'yes', x: 8.5, g: 'w', k: 1 },
  { y: 'no', x: 3, g: 'w', k: 3 },
  { y: 'yes', x: 2.5, g: 'u', k: 2 },
];

const CSV = `y,x,g,k\n${ROWS.map((r) => [r.y, r.x ?? 'NA', r.g ?? 'NA', r.k].join(',')).join('\n')}\n`;

async function collect(design: CSVDesignSource) {
  const X: number[] = [];
  const labels: (string | number)[] = [];
  for await (const batch of design.batches()) {
    X.push(...batch.X.data);
    labels.push(...batch.labels);
  }
  return { X, labels };
}

describe('arrowDesignSource', () => {
  it('codes a table as designMatrix codes the same data read from CSV, dictionaries as factors', async () => {
    const table = tableFromJSON(ROWS);
    const options = { response: 'y', factors: ['k'] };
    const expected = designMatrix(parseCSV(CSV), options);
    const design = await arrowDesignSource(table, options);
    expect(design.names).toEqual(expected.names);
    expect(design.factors).toEqual(expected.factors);
    expect(design.droppedRows).toBe(expected.droppedRows);
    const got = await collect(design);
    expect(got.X).toEqual(Array.from(expected.X));
    expect(got.labels).toEqual((expected.response as LabelResponse).labels);
  });

  it('reads record batches one by one, again on every pass, with integer, float and dictionary columns', async () => {
    const batch = (from: number, to: number) =>
      new RecordBatch({
        y: vectorFromArray(ROWS.slice(from, to).map((r) => (r.y === 'yes' ? 1 : 0)), new Int32()),
        x: vectorFromArray(ROWS.slice(from, to).map((r) => r.x), new Float64()),
        g: vectorFromArray(ROWS.slice(from, to).map((r) => r.g), new Dictionary(new Utf8(), new Int32())),
      });
    let passes = 0;
    const source = function* () {
      passes++;
      yield batch(0, 4);
      yield batch(4, 10);
    };
    const design = await arrowDesignSource(source, { response: 'y', predictors: ['g', 'x'] });
    const expected = designMatrix(parseCSV(CSV.replace(/\nno,/g, '\n0,').replace(/\nyes,/g, '\n1,')), { response: 'y', predictors: ['g', 'x'] });
    expect(design.names).toEqual(['gv', 'gw', 'x']);
    expect((await collect(design)).X).toEqual(Array.from(expected.X));
    expect(design.classes).toEqual([0, 1]);
    expect(passes).toBe(2);
  });

  it('gives the fits of the in-memory design: logistic and softmax', async () => {
    await init();
    const table = tableFromArrays({
      y: ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'a', 'c', 'b'],
      x: Float64Array.of(0.1, 1.2, 2.1, 0.5, 0.9, 1.8, 1.4, 0.3, 2.6, 0.2, 1.1, 1.9),
      g: ['p', 'q', 'p', 'q', 'p', 'q', 'q', 'p', 'p', 'q', 'q', 'p'],
    });
    const design = await arrowDesignSource(table, { response: 'y' });
    const memory = designMatrix(parseCSV(`y,x,g\n${table.toArray().map((r) => `${r.y},${r.x},${r.g}`).join('\n')}\n`), { response: 'y' });
    const X = { data: memory.X, nRows: memory.nRows, nFeatures: memory.nFeatures };
    const softmax = await fitSoftmaxStream(softmaxBatches(design), { names: design.names, nFeatures: design.nFeatures, classes: design.classes });
    const softmaxMemory = fitSoftmax(X, (memory.response as LabelResponse).labels, { names: memory.names });
    expect(softmax.baseline.data.length).toBe(softmaxMemory.baseline.data.length);
    softmax.baseline.data.forEach((v, k) => expect(Math.abs(v - softmaxMemory.baseline.data[k]!)).toBeLessThan(FIT_TOLERANCE));

    const two = await arrowDesignSource(table, { response: 'g' });
    const logistic = await fitLogisticStream(logisticBatches(two), { names: two.names, nFeatures: two.nFeatures });
    const twoMemory = designMatrix(parseCSV(`y,x,g\n${table.toArray().map((r) => `${r.y},${r.x},${r.g}`).join('\n')}\n`), { response: 'g' });
    const logisticMemory = fitLogistic(
      { data: twoMemory.X, nRows: twoMemory.nRows, nFeatures: twoMemory.nFeatures },
      (twoMemory.response as LabelResponse).labels.map((l) => (l === 'q' ? 1 : 0)),
      { names: twoMemory.names },
    );
    logistic.coefficients.forEach((v, j) => expect(Math.abs(v - logisticMemory.coefficients[j]!)).toBeLessThan(FIT_TOLERANCE));
    logistic.standardErrors.forEach((v, j) => expect(Math.abs(v - logisticMemory.standardErrors[j]!)).toBeLessThan(FIT_TOLERANCE));
  });

  it('refuses other sources and column types, and a three-class response for a logistic fit', async () => {
    await expect(arrowDesignSource(42 as never, { response: 'y' })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    const dates = tableFromArrays({ y: Float64Array.of(0, 1), d: [new Date(0), new Date(1)] });
    await expect(arrowDesignSource(dates, { response: 'y' })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    const three = await arrowDesignSource(tableFromArrays({ y: ['a', 'b', 'c'], x: Float64Array.of(1, 2, 3) }), { response: 'y' });
    expect(() => logisticBatches(three)).toThrow(expect.objectContaining({ code: 'BAD_RESPONSE' }));
  });
});
