/**
 * Options and arguments of the streaming fits, the shard statistics and the fits from them
 * (issue #12): every options object is checked (unknown keys, options the in-memory fits take but
 * these cannot honour, refused with the reason), and junk arguments give a SoftlogitError with a
 * code, never a TypeError; statistics that are not finite are NON_FINITE.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accumulate, combine, combineAll, fitLogisticFromStatistics, fitLogisticStream, fitSoftmaxFromStatistics, fitSoftmaxStream, init,
  newtonStep, SoftlogitError, type LogisticShard, type ShardStatistics,
} from '../src/index.js';

beforeAll(async () => {
  await init();
});

const quiet = { onWarning: () => {} };
const X = [[-1.5, 0.2], [-0.5, 1.1], [0.3, -0.7], [1.2, 0.4], [2.0, -1.3], [-2.2, 0.9], [0.8, 0.8], [-0.1, -0.2]];
const y = [0, 1, 0, 1, 1, 0, 0, 1];
const labels = ['a', 'b', 'c', 'a', 'b', 'c', 'b', 'a'];
const shard: LogisticShard = { model: 'logistic', X, y };
const logisticSource = () => [{ X: X.slice(0, 4), y: y.slice(0, 4) }, { X: X.slice(4), y: y.slice(4) }];
const softmaxSource = () => [{ X, y: labels }];
const statisticsSource = (coefficients: Float64Array, level: 'value' | 'gradient' | 'hessian') => accumulate(shard, coefficients, level);
const separatedX = [[-3], [-2], [-1], [1], [2], [3]];
const separatedY = [0, 0, 0, 1, 1, 1];
const separatedSource = () => [{ X: separatedX, y: separatedY }];
const separatedStatistics = (coefficients: Float64Array, level: 'value' | 'gradient' | 'hessian') =>
  accumulate({ model: 'softmax', X: separatedX, y: separatedY, classes: [0, 1] }, coefficients, level);

async function codeOf(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof SoftlogitError) return error.code;
    throw error;
  }
  return 'no error';
}

async function messageOf(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof SoftlogitError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

describe('options of the streaming fits and of the fits from statistics', () => {
  it("firth is refused with the reason (statistics carry no hat values), not silently dropped", async () => {
    expect(await messageOf(() => fitLogisticStream(logisticSource, { firth: true, ...quiet } as never)))
      .toMatch(/^BAD_OPTION: fitLogisticStream: option 'firth' is not supported here: Firth's bias reduction needs every row's hat value/);
    expect(await messageOf(() => fitLogisticFromStatistics(statisticsSource, { nFeatures: 2, firth: true } as never)))
      .toMatch(/^BAD_OPTION: fitLogisticFromStatistics: option 'firth' is not supported here/);
    expect(await messageOf(() => fitSoftmaxStream(softmaxSource, { firth: true } as never)))
      .toMatch(/^BAD_OPTION: fitSoftmaxStream: option 'firth' is not supported here: .*binary logistic model only/);
  });

  it("singular: 'drop' is refused with the reason; singular: 'error' (the default) is accepted", async () => {
    expect(await messageOf(() => fitLogisticStream(logisticSource, { singular: 'drop' } as never)))
      .toMatch(/^BAD_OPTION: fitLogisticStream: option singular: 'drop' is not supported here: dropping an aliased column/);
    expect(await messageOf(() => fitSoftmaxFromStatistics(statisticsSource, { nFeatures: 2, classes: [0, 1], singular: 'drop' } as never)))
      .toMatch(/^BAD_OPTION: fitSoftmaxFromStatistics: option singular: 'drop' is not supported here/);
    expect(await codeOf(() => fitLogisticStream(logisticSource, { singular: 'error', ...quiet }))).toBe('no error');
    expect(await codeOf(() => fitLogisticStream(logisticSource, { singular: 'sometimes' } as never))).toBe('BAD_OPTION');
  });

  it('per-row options (weights, offset) and threads are refused saying where they go', async () => {
    expect(await messageOf(() => fitLogisticStream(logisticSource, { weights: [1] } as never))).toMatch(/weights are per row: give them in each batch/);
    expect(await messageOf(() => fitLogisticStream(logisticSource, { offset: [1] } as never))).toMatch(/offsets are per row: give them in each batch/);
    expect(await messageOf(() => fitLogisticStream(logisticSource, { threads: 2 } as never))).toMatch(/one batch at a time on the calling thread/);
    expect(await messageOf(() => fitLogisticFromStatistics(statisticsSource, { nFeatures: 2, weights: [1] } as never))).toMatch(/in each shard/);
  });

  it('an unknown option is named with the nearest supported one', async () => {
    expect(await messageOf(() => fitLogisticStream(logisticSource, { maxiter: 3 } as never))).toMatch(/unknown option 'maxiter'; did you mean 'maxIter'\?/);
    expect(await messageOf(() => fitSoftmaxStream(softmaxSource, { refrence: 'a' } as never))).toMatch(/did you mean 'reference'\?/);
    expect(await messageOf(() => fitLogisticFromStatistics(statisticsSource, { nFeature: 2 } as never))).toMatch(/did you mean 'nFeatures'\?/);
    expect(await messageOf(() => fitLogisticStream(logisticSource, { separationCheck: 'yes' } as never))).toMatch(/separationCheck should be true or false/);
  });

  it('shard and batch keys are checked too (a misspelt weights key would fit another model)', async () => {
    expect(await messageOf(() => accumulate({ ...shard, weigths: [1] } as never, [0, 0, 0]))).toMatch(/^BAD_OPTION: accumulate: unknown option 'weigths'; did you mean 'weights'/);
    // A softmax shard takes an offset (fitSoftmax's forms); one of the wrong length is named as such.
    expect(await messageOf(() => accumulate({ model: 'softmax', X, y: labels, classes: ['a', 'b', 'c'], offset: [0] }, new Array(6).fill(0))))
      .toMatch(/^LENGTH_MISMATCH: accumulate: offset is a vector of 1 numbers; it should be 3 numbers \(one per class\)/);
    expect(await messageOf(() => accumulate({ ...shard, classes: [0, 1] } as never, [0, 0, 0]))).toMatch(/classes belong to a softmax shard/);
    expect(await messageOf(() => fitLogisticStream(() => [{ X, y, weigths: y }] as never, quiet))).toMatch(/batch 0: unknown option 'weigths'/);
  });
});

describe('bad arguments give a SoftlogitError with a code', () => {
  let stats: ShardStatistics;
  beforeAll(() => {
    stats = accumulate(shard, [0, 0, 0]);
  });

  it('combine(a, null), combineAll(null) and statistics with a missing field: BAD_STATISTICS', () => {
    expect(() => combine(stats, null as never)).toThrow(expect.objectContaining({ code: 'BAD_STATISTICS', message: expect.stringMatching(/combine: argument b/) }));
    expect(() => combine(undefined as never, stats)).toThrow(expect.objectContaining({ code: 'BAD_STATISTICS' }));
    expect(() => combineAll(null as never)).toThrow(expect.objectContaining({ code: 'BAD_STATISTICS' }));
    expect(() => combineAll([stats, { ...stats, gradient: null }])).toThrow(expect.objectContaining({ code: 'BAD_STATISTICS', message: expect.stringMatching(/element 1 .* gradient/) }));
    expect(() => combineAll([stats, 3 as never])).toThrow(expect.objectContaining({ code: 'BAD_STATISTICS' }));
  });

  it('any value in place of any argument: a result or a SoftlogitError, never a TypeError', async () => {
    const junk = fc.anything({ maxDepth: 2, withTypedArray: true, withNullPrototype: false });
    const calls: Array<(v: unknown) => unknown> = [
      (v) => accumulate(v as never, [0, 0, 0]),
      (v) => accumulate(shard, v as never),
      (v) => accumulate(shard, [0, 0, 0], v as never),
      (v) => accumulate({ model: 'logistic', X: v, y } as never, [0, 0, 0]),
      (v) => accumulate({ model: 'logistic', X, y: v } as never, [0, 0, 0]),
      (v) => accumulate({ model: 'softmax', X, y: labels, classes: v } as never, [0, 0, 0]),
      (v) => combine(v as never, stats),
      (v) => combine(stats, v as never),
      (v) => combineAll(v as never),
      (v) => combineAll([stats, v] as never),
      (v) => newtonStep(v as never, [0, 0, 0]),
      (v) => newtonStep(stats, v as never),
      (v) => newtonStep(stats, [0, 0, 0], v as never),
      (v) => fitLogisticStream(v as never, quiet),
      (v) => fitLogisticStream(() => v as never, quiet),
      (v) => fitLogisticStream(() => [v] as never, quiet),
      (v) => fitLogisticStream(() => [{ X, y: v }] as never, quiet),
      (v) => fitLogisticStream(logisticSource, v as never),
      (v) => fitSoftmaxStream(() => [{ X, y: v }] as never, quiet),
      (v) => fitSoftmaxStream(softmaxSource, v as never),
      (v) => fitLogisticFromStatistics(v as never, { nFeatures: 2, ...quiet }),
      (v) => fitLogisticFromStatistics(statisticsSource, v as never),
      (v) => fitLogisticFromStatistics(() => v as never, { nFeatures: 2, ...quiet }),
      (v) => fitSoftmaxFromStatistics(statisticsSource, v as never),
      (v) => fitLogisticStream(() => [{ X: v, y }] as never, quiet),
      (v) => fitLogisticStream(() => [{ X, y, weights: v }] as never, quiet),
      (v) => fitLogisticStream(() => [{ X, y, offset: v }] as never, quiet),
      (v) => fitSoftmaxStream(() => [{ X, y: labels, weights: v }] as never, quiet),
      // every option with any value, on separated rows so that warnings are emitted
      ...['nFeatures', 'intercept', 'names', 'maxIter', 'tol', 'l2', 'onIteration', 'onWarning', 'singular', 'onPass', 'separationCheck'].map(
        (key) => (v: unknown) => fitLogisticStream(separatedSource, { ...quiet, [key]: v } as never)),
      ...['nFeatures', 'intercept', 'names', 'maxIter', 'tol', 'l2', 'onIteration', 'onWarning', 'singular', 'classes', 'reference', 'parameterization'].map(
        (key) => (v: unknown) => fitSoftmaxFromStatistics(separatedStatistics, { nFeatures: 1, classes: [0, 1], ...quiet, [key]: v } as never)),
    ];
    await fc.assert(fc.asyncProperty(junk, fc.nat(calls.length - 1), async (value, k) => {
      try {
        await calls[k]!(value);
      } catch (error) {
        if (!(error instanceof SoftlogitError)) throw new Error(`call ${k} with ${fc.stringify(value)} threw ${String(error)}`);
      }
    }), { numRuns: 1000 });
  });

  it('a NaN Hessian (or gradient) from the statistics is NON_FINITE, not COLLINEAR', async () => {
    const withNaN = (field: 'hessian' | 'gradient') => (coefficients: Float64Array, level: 'value' | 'gradient' | 'hessian'): ShardStatistics => {
      const s = accumulate(shard, coefficients, level);
      const values = s[field] === null ? null : Float64Array.from(s[field]!);
      if (values !== null) values[1] = Number.NaN;
      return { ...s, [field]: values };
    };
    expect(await messageOf(() => fitLogisticFromStatistics(withNaN('hessian'), { nFeatures: 2, ...quiet }))).toMatch(/^NON_FINITE: .*hessian with NaN at index 1/);
    expect(await codeOf(() => fitLogisticFromStatistics(withNaN('gradient'), { nFeatures: 2, ...quiet }))).toBe('NON_FINITE');
    const nanStats = { ...stats, hessian: Float64Array.from(stats.hessian!, (v, i) => (i === 4 ? Number.NaN : v)) };
    expect(await codeOf(() => newtonStep(nanStats, [0, 0, 0]))).toBe('NON_FINITE');
  });
});
