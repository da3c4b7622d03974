/**
 * Fitting off the main thread (src/worker/): FitWorker runs fitLogistic / fitSoftmax in a Web
 * Worker (browser project) or a Node worker thread (node project, on the worker bundle that
 * test/setup/nodeWorker.ts builds from src/) and returns the same model as a fit on this thread.
 *
 * Both threads run the same WebAssembly on the same bytes, so every number must agree exactly,
 * not just to a tolerance; the models travel as toJSON() data, whose numbers round-trip exactly.
 * The reference values (R 4.2.2 glm, statsmodels MNLogit) come from the fixtures.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fitLogistic, fitSoftmax, init, LogisticFit, SoftlogitError, SoftmaxFit, type FitProgress } from '../src/index.js';
import { FitWorker, fitInWorker } from '../src/worker/index.js';
import ucla from './fixtures/ucla-admissions.json';
import fgl from './fixtures/fgl-softmax.json';

/** Agreement with R's glm (the models tests check the fits themselves; this only shows it is the right fit). */
const REFERENCE_TOL = 1e-9;

/** Undefined in the browser, where FitWorker finds the worker through Vite. */
const workerURL = inject('nodeWorkerURL');
const workerOptions = workerURL !== undefined ? { workerURL } : {};

function expectSameLogistic(actual: LogisticFit, expected: LogisticFit): void {
  expect(actual).toBeInstanceOf(LogisticFit);
  expect(actual.toJSON()).toEqual(expected.toJSON());
}

function expectSameSoftmax(actual: SoftmaxFit, expected: SoftmaxFit): void {
  expect(actual).toBeInstanceOf(SoftmaxFit);
  expect(actual.toJSON()).toEqual(expected.toJSON());
}

describe('FitWorker', () => {
  const worker = new FitWorker(workerOptions);
  beforeAll(async () => {
    await init();
  });
  afterAll(() => worker.terminate());

  it('fits UCLA admit ~ gre + gpa in the worker exactly as on this thread, with progress', async () => {
    const here: FitProgress[] = [];
    const there: FitProgress[] = [];
    const local = fitLogistic(ucla.X, ucla.y, { names: ucla.featureNames, onIteration: (p) => here.push(p) });
    let workerMs = -1;
    const remote = await worker.fitLogistic(ucla.X, ucla.y, {
      names: ucla.featureNames,
      onIteration: (p) => there.push(p),
      onTiming: (ms) => (workerMs = ms),
    });
    expectSameLogistic(remote, local);
    expect(there).toEqual(here);
    expect(there.length).toBe(remote.iterations);
    expect(there.every((p) => p.stepSize > 0 && p.stepSize <= 1 && Number.isFinite(p.deviance))).toBe(true);
    expect(workerMs).toBeGreaterThanOrEqual(0);
    ucla.expected.coefficients.forEach((b, j) => expect(remote.coefficients[j]).toBeCloseTo(b, -Math.log10(REFERENCE_TOL)));
    // The restored model predicts like the original.
    expect(Array.from(remote.predict([[660, 3.67], [800, 4]]) as Float64Array)).toEqual(Array.from(local.predict([[660, 3.67], [800, 4]]) as Float64Array));
  });

  it('fits the 6-class glass softmax in the worker exactly as on this thread, with progress', async () => {
    const here: FitProgress[] = [];
    const there: FitProgress[] = [];
    const options = { names: fgl.featureNames, classes: fgl.classes, reference: fgl.reference };
    const local = fitSoftmax(fgl.X, fgl.labels, { ...options, onIteration: (p) => here.push(p) });
    const remote = await worker.fitSoftmax(fgl.X, fgl.labels, { ...options, onIteration: (p) => there.push(p) });
    expectSameSoftmax(remote, local);
    expect(remote.classes).toEqual(fgl.classes);
    expect(there).toEqual(here);
    expect(there.length).toBe(remote.iterations);
    expect(remote.predict(fgl.X.slice(0, 5), { type: 'class' })).toEqual(local.predict(fgl.X.slice(0, 5), { type: 'class' }));
  });

  it('passes symmetric parameterization, weights and a packed design through', async () => {
    const n = ucla.y.length;
    const weights = Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const data = Float64Array.from(ucla.X.flat());
    const X = { data, nRows: n, nFeatures: 2 };
    const local = fitSoftmax(X, ucla.y, { parameterization: 'symmetric', weights });
    const remote = await worker.fitSoftmax(X, ucla.y, { parameterization: 'symmetric', weights });
    expectSameSoftmax(remote, local);
    expect(data.length).toBe(2 * n); // copied, not moved, without transfer: true
  });

  it('moves a Float64Array design with transfer: true', async () => {
    const data = Float64Array.from(ucla.X.flat());
    const local = fitLogistic({ data, nRows: ucla.y.length, nFeatures: 2 }, ucla.y);
    const remote = await worker.fitLogistic({ data, nRows: ucla.y.length, nFeatures: 2 }, ucla.y, { transfer: true });
    expectSameLogistic(remote, local);
    expect(data.length).toBe(0); // detached
  });

  it('rethrows a SoftlogitError from the worker with its code, message and details', async () => {
    const error = await worker.fitLogistic([[1], [2], [3]], [1, 1, 1]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SoftlogitError);
    let local: unknown;
    try {
      fitLogistic([[1], [2], [3]], [1, 1, 1]);
    } catch (e) {
      local = e;
    }
    expect((error as SoftlogitError).code).toBe((local as SoftlogitError).code);
    expect((error as SoftlogitError).message).toBe((local as SoftlogitError).message);
    const collinear = await worker.fitLogistic(ucla.X.map(([a, b]) => [a!, b!, 2 * a!]), ucla.y).catch((e: unknown) => e);
    expect((collinear as SoftlogitError).code).toBe('COLLINEAR');
    expect((collinear as SoftlogitError).details).toEqual({ aliased: ['x3'] });
  });

  it('hands warnings to onWarning on this thread', async () => {
    const warnings: string[] = [];
    const fit = await worker.fitLogistic(ucla.X, ucla.y, { maxIter: 1, onWarning: (m) => warnings.push(m) });
    expect(fit.converged).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/did not converge in 1 iterations/);
    expect(fit.warnings).toEqual(warnings);
  });

  it('runs several fits at once on one worker, each answered by its own promise', async () => {
    const fits = await Promise.all([
      worker.fitLogistic(ucla.X, ucla.y),
      worker.fitSoftmax(fgl.X, fgl.labels),
      worker.fitLogistic(ucla.X, ucla.y, { intercept: false }),
    ]);
    expectSameLogistic(fits[0], fitLogistic(ucla.X, ucla.y));
    expectSameSoftmax(fits[1], fitSoftmax(fgl.X, fgl.labels));
    expectSameLogistic(fits[2], fitLogistic(ucla.X, ucla.y, { intercept: false }));
  });

  it('rejects on abort, and the next call starts a fresh worker', async () => {
    const controller = new AbortController();
    const pending = worker.fitSoftmax(fgl.X, fgl.labels, { signal: controller.signal });
    controller.abort(new Error('stopped by the test'));
    await expect(pending).rejects.toThrow('stopped by the test');
    const already = worker.fitLogistic(ucla.X, ucla.y, { signal: controller.signal });
    await expect(already).rejects.toThrow('stopped by the test');
    expectSameLogistic(await worker.fitLogistic(ucla.X, ucla.y), fitLogistic(ucla.X, ucla.y));
  });
});

describe('FitWorker lifecycle and options', () => {
  beforeAll(async () => {
    await init();
  });

  it('rejects the call whose onIteration throws, with its error, and the worker keeps working', async () => {
    const worker = new FitWorker(workerOptions);
    try {
      const thrown = new Error('stop from onIteration');
      const call = worker.fitLogistic(ucla.X, ucla.y, { onIteration: () => { throw thrown; } });
      await expect(call).rejects.toBe(thrown);
      const warned = worker.fitLogistic(ucla.X, ucla.y, { maxIter: 1, onWarning: () => { throw new Error('from onWarning'); } });
      await expect(warned).rejects.toThrow('from onWarning');
      expectSameLogistic(await worker.fitLogistic(ucla.X, ucla.y), fitLogistic(ucla.X, ucla.y));
    } finally {
      worker.terminate();
    }
  });

  it('terminate() rejects a call still starting and a call mid-fit with TERMINATED', async () => {
    const worker = new FitWorker(workerOptions);
    const starting = worker.fitLogistic(ucla.X, ucla.y).catch((e: unknown) => e);
    worker.terminate();
    const early = await starting;
    expect(early).toBeInstanceOf(SoftlogitError);
    expect((early as SoftlogitError).code).toBe('TERMINATED');

    let firstIteration!: () => void;
    const iterating = new Promise<void>((resolve) => (firstIteration = resolve));
    const running = worker.fitSoftmax(fgl.X, fgl.labels, { onIteration: () => firstIteration() }).catch((e: unknown) => e);
    await iterating;
    worker.terminate();
    const late = await running;
    expect(late).toBeInstanceOf(SoftlogitError);
    expect((late as SoftlogitError).code).toBe('TERMINATED');
  });

  it('a call right after terminate() runs in a fresh worker', async () => {
    const worker = new FitWorker(workerOptions);
    try {
      expectSameLogistic(await worker.fitLogistic(ucla.X, ucla.y), fitLogistic(ucla.X, ucla.y));
      worker.terminate();
      expectSameSoftmax(await worker.fitSoftmax(fgl.X, fgl.labels), fitSoftmax(fgl.X, fgl.labels));
      worker.terminate();
      expectSameLogistic(await worker.fitLogistic(ucla.X, ucla.y, { intercept: false }), fitLogistic(ucla.X, ucla.y, { intercept: false }));
    } finally {
      worker.terminate();
    }
  });

  it('threads: 2 in a FitWorker starts a pool inside the worker: the same fit as one thread', async () => {
    const worker = new FitWorker(workerOptions);
    try {
      // 3000 rows: 12 panels, split across the threads.
      const X = Array.from({ length: 3000 }, (_, i) => [Math.sin(i), Math.cos(0.7 * i), (i % 13) / 13]);
      const y = X.map(([a, b, c], i) => (a! - b! + c! + Math.sin(3.1 * i) > 0 ? 1 : 0));
      const warnings: string[] = [];
      const threaded = await worker.fitLogistic(X, y, { threads: 2, onWarning: (m) => warnings.push(m) });
      const local = fitLogistic(X, y);
      /** Sums in another order: the one- and two-thread MLEs agree to rounding (threads tests). */
      const THREAD_TOL = 1e-12;
      threaded.coefficients.forEach((b, j) => expect(Math.abs(b - local.coefficients[j]!)).toBeLessThanOrEqual(THREAD_TOL * Math.abs(local.coefficients[j]!)));
      // In Node the worker starts threads; a browser page that is not cross-origin isolated says why it cannot.
      if (workerURL !== undefined) expect(warnings).toEqual([]);
      else expect(warnings.every((m) => /threads are unavailable here/.test(m))).toBe(true);
    } finally {
      worker.terminate();
    }
  });

  it('a worker script that is not there fails the call with a message saying how to ship it', async () => {
    // Node: a file that does not exist; browser: a path the test server answers with 404.
    const missing = workerURL !== undefined ? new URL('./no-such-softlogit-worker.js', workerURL).href : '/no-such-softlogit-worker.js';
    const worker = new FitWorker({ workerURL: missing });
    try {
      await expect(worker.fitLogistic(ucla.X, ucla.y)).rejects.toThrow(/copy softlogit\/worker-script .* pass its URL: new FitWorker\(\{ workerURL/);
    } finally {
      worker.terminate();
    }
  });

  it('refuses functions, unknown keys and values a worker cannot receive with BAD_OPTION, not a DOMException', async () => {
    const worker = new FitWorker(workerOptions);
    try {
      const code = async (call: Promise<unknown>) => {
        const error = await call.then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(SoftlogitError);
        return error as SoftlogitError;
      };
      const fn = await code(worker.fitLogistic(ucla.X, ucla.y, { weights: (() => 1) as never }));
      expect(fn.code).toBe('BAD_OPTION');
      expect(fn.message).toMatch(/option 'weights' cannot be sent to the worker: it is a function/);
      const nested = await code(worker.fitSoftmax(fgl.X, fgl.labels, { names: [Symbol('a')] as never }));
      expect(nested.message).toMatch(/option 'names' cannot be sent to the worker: it holds a symbol/);
      const typo = await code(worker.fitLogistic(ucla.X, ucla.y, { onIteraton: () => {} } as never));
      expect(typo.message).toMatch(/unknown option 'onIteraton'; did you mean 'onIteration'\?/);
      const other = await code(worker.fitLogistic(ucla.X, ucla.y, { reference: 0 } as never));
      expect(other.message).toMatch(/option 'reference' is not supported here: it is a fitSoftmax option/);
      const weak = await code(worker.fitLogistic(ucla.X, ucla.y, { names: new WeakMap() as never }));
      expect(weak.code).toBe('BAD_OPTION');
      expect(weak.message).toMatch(/cannot be sent to the worker/);
      const callback = await code(worker.fitLogistic(ucla.X, ucla.y, { onTiming: 5 as never }));
      expect(callback.message).toMatch(/onTiming should be a function, got 5/);
      expect(() => new FitWorker({ workerUrl: 'x' } as never)).toThrow(/unknown option 'workerUrl'; did you mean 'workerURL'\?/);
      expect(() => new FitWorker({ workerURL: 5 } as never)).toThrow(/workerURL should be a string or a URL, got 5/);
      // Still usable after every refusal.
      expectSameLogistic(await worker.fitLogistic(ucla.X, ucla.y), fitLogistic(ucla.X, ucla.y));
    } finally {
      worker.terminate();
    }
  });
});

describe('fitInWorker', () => {
  beforeAll(async () => {
    await init();
  });

  it('runs one fit of either kind in a worker it ends afterwards', async () => {
    const logistic = await fitInWorker('logistic', ucla.X, ucla.y, { ...workerOptions, names: ucla.featureNames });
    expectSameLogistic(logistic, fitLogistic(ucla.X, ucla.y, { names: ucla.featureNames }));
    const softmax = await fitInWorker('softmax', fgl.X, fgl.labels, { ...workerOptions, reference: 'Veh' });
    expectSameSoftmax(softmax, fitSoftmax(fgl.X, fgl.labels, { reference: 'Veh' }));
  });

  it('rejects an unknown kind', async () => {
    await expect(fitInWorker('probit' as 'logistic', ucla.X, ucla.y, workerOptions)).rejects.toThrow(/kind should be 'logistic' or 'softmax'/);
  });
});
