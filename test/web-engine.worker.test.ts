/**
 * The demo engine as the page runs it: a module Worker (examples/web/engine/worker.ts) in
 * Chromium, reading a File as a stream, fitting, and answering with the protocol's messages. The
 * pure parts are tested in Node (web-engine.*.node.test.ts); this checks the shell and the
 * browser APIs it relies on (File.stream, TextDecoder, WebAssembly in a worker, transfer).
 * Node has no Web Worker: there the test is skipped.
 */
import { describe, expect, it } from 'vitest';
import type { PageToWorker, ResultMessage, WorkerToPage } from '../examples/web/protocol.js';
import uclaCSV from '../data/binary.csv?raw';
import uclaFixture from './fixtures/ucla-admissions.json' with { type: 'json' };

/** As in web-engine.fit.node.test.ts: the engine's fit is R's MLE to ~1e-10; text round trip exact. */
const FIT_RTOL = 1e-8;

/** Posts `request` and collects answers until one of `until` for its requestId arrives. */
function ask(worker: Worker, request: PageToWorker & { requestId: number }, until: WorkerToPage['type'][]): Promise<WorkerToPage[]> {
  return new Promise((resolve, reject) => {
    const seen: WorkerToPage[] = [];
    const onMessage = (event: MessageEvent<WorkerToPage>) => {
      const message = event.data;
      if (!('requestId' in message) || message.requestId !== request.requestId) return;
      seen.push(message);
      if (until.includes(message.type)) {
        worker.removeEventListener('message', onMessage);
        resolve(seen);
      }
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', (event) => reject(new Error(`worker error: ${event.message}`)), { once: true });
    worker.postMessage(request);
  });
}

describe.skipIf(typeof Worker === 'undefined')('the engine worker in a browser', () => {
  it('loads a File, fits UCLA admit ~ gre + gpa as R glm, and keeps the data after an error', async () => {
    const worker = new Worker(new URL('../examples/web/engine/worker.ts', import.meta.url), { type: 'module' });
    try {
      const file = new File([uclaCSV], 'binary.csv', { type: 'text/csv' });
      const loading = await ask(worker, { type: 'load', requestId: 1, source: { kind: 'file', file } }, ['loaded', 'error']);
      const loaded = loading.at(-1)!;
      expect(loaded).toMatchObject({ type: 'loaded', name: 'binary.csv', nRows: 400, delimiter: ',' });

      const failing = await ask(worker, { type: 'fit', requestId: 2, model: { response: 'admit', predictors: ['nope'], factors: [], parameterization: 'reference' } }, ['result', 'error']);
      expect(failing.at(-1)).toMatchObject({ type: 'error', code: 'UNKNOWN_COLUMN', dataLoaded: true });

      const fitting = await ask(worker, { type: 'fit', requestId: 3, model: { response: 'admit', predictors: ['gre', 'gpa'], factors: [], parameterization: 'reference' } }, ['result', 'error']);
      const result = fitting.at(-1) as ResultMessage;
      expect(result.type).toBe('result');
      result.logistic!.rows.forEach((row, j) => {
        expect(Math.abs(row.estimate - uclaFixture.expected.coefficients[j]!)).toBeLessThanOrEqual(FIT_RTOL * Math.max(1, Math.abs(uclaFixture.expected.coefficients[j]!)));
      });
      expect(fitting.some((m) => m.type === 'progress' && m.phase === 'fit' && m.iteration !== undefined)).toBe(true);
      expect(result.plot!.points.x).toBeInstanceOf(Float64Array);
      expect(result.plot!.points.x).toHaveLength(400);
    } finally {
      worker.terminate();
    }
  }, 120_000);
});
