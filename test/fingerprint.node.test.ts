/**
 * The rows fingerprint on the threaded copy: ThreadTeam.packRows fills its staging blocks on this
 * thread and hands them to workers to pack; DesignBuffer.copy's onBlock hook hashes each block on
 * this thread as it is filled, before the hand-off. The result must be the scalar reference's
 * (test/helpers/fingerprintReference.ts), as on one thread (test/fingerprint.test.ts). Node only:
 * the pool runs on worker_threads here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, initThreads, shutdownThreads } from '../src/index.js';
import type { RowSource } from '../src/input/design.js';
import { RowHasher } from '../src/shard/fingerprint.js';
import { threadTeam } from '../src/threads/pool.js';
import { DesignBuffer } from '../src/wasm/design.js';
import { fingerprintRowsReference } from './helpers/fingerprintReference.js';
import { mulberry32 } from './helpers/random.js';

beforeAll(async () => {
  await init();
  await initThreads(2);
});

afterAll(async () => {
  await shutdownThreads();
});

describe('fingerprint on the threaded copy', () => {
  it('hashes the team\'s staging blocks into the reference fingerprint, X read once', () => {
    const rand = mulberry32(3);
    // 5000 rows: 5 staging blocks of 4 panels, the last one short; 1 and 300 rows: one block.
    for (const [n, p] of [[5000, 7], [1, 4], [300, 0], [5000, 10]] as const) {
      const X = Float64Array.from({ length: n * p }, () => (rand() < 0.05 ? -0 : rand() - 0.5));
      const extras = [{ values: Float64Array.from({ length: n }, () => rand()), width: 1 }, { values: Float64Array.from({ length: 2 * n }, () => rand()), width: 2 }];
      let reads = 0;
      const source: RowSource = {
        nRows: n, nFeatures: p,
        fillRows: (r0, r1, target) => { reads += r1 - r0; target.set(X.subarray(r0 * p, r1 * p)); },
      };
      const team = threadTeam(2, 'test', () => {});
      expect(team).not.toBeNull();
      const hasher = new RowHasher(team!.runtime, p, n, extras, 'test');
      try {
        DesignBuffer.copy(team!.runtime, source, true, 'test', team!, hasher.hashBlock).free();
        expect(reads).toBe(n);
        const reference = fingerprintRowsReference({ ...source, fillRows: (r0, r1, target) => target.set(X.subarray(r0 * p, r1 * p)) }, extras);
        expect(hasher.result(), `n ${n}, p ${p}`).toEqual(reference);
      } finally {
        hasher.free();
        team!.dispose();
      }
    }
  });
});
