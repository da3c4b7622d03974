/**
 * Threads where they cannot run: on a browser page's main thread (Atomics.wait is not allowed
 * there, and a page that is not cross-origin isolated has no SharedArrayBuffer) `initThreads`
 * gives one line of notice and resolves to 1, and fits asking for threads run on one thread —
 * never an error. In Node (the node project) the same calls start a real pool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitLogistic, init, initThreads, shutdownThreads } from '../src/index.js';
import ucla from './fixtures/ucla-admissions.json';

const onPage = typeof (globalThis as { document?: unknown }).document !== 'undefined';

describe('threads fall back to one thread where they cannot run', () => {
  beforeAll(async () => {
    await init();
  });
  afterAll(async () => {
    await shutdownThreads();
  });

  it(onPage ? 'on a page: one notice, then one-thread fits' : 'in Node: a pool of 2', async () => {
    const notices: string[] = [];
    const threads = await initThreads(2, { onWarning: (m) => notices.push(m) });
    if (onPage) {
      expect(threads).toBe(1);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/^softlogit: threads are unavailable here \(.+\); fitting on one thread$/);
    } else {
      expect(threads).toBe(2);
      expect(notices).toEqual([]);
    }
    const warnings: string[] = [];
    const fit = fitLogistic(ucla.X, ucla.y, { threads: 2, onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
    // One thread: the same numbers; two threads: the same sums in another order (1e-12, as test/threads.node.test.ts).
    const single = fitLogistic(ucla.X, ucla.y).coefficients;
    single.forEach((b, j) => expect(Math.abs(fit.coefficients[j]! - b)).toBeLessThanOrEqual(1e-12 * Math.abs(b)));
  });
});
