// init(): before it resolves every fit throws NOT_INITIALIZED; concurrent and repeated calls share
// one promise and instantiate the module once. This file must not call init() before its first
// test: each test file gets a fresh module graph (in Node and in the browser), so the module
// below starts uninitialized. The tests run in order.
import { describe, expect, it, vi } from 'vitest';
import { fitLogistic, init, isInitialized, SoftlogitError } from '../src/index.js';
import { getRuntime } from '../src/wasm/module.js';

const X = [[1], [2], [3], [4]];
const y = [0, 1, 0, 1];

describe('init()', () => {
  it('a fit before init() throws NOT_INITIALIZED saying to call init()', () => {
    expect(isInitialized()).toBe(false);
    let thrown: unknown;
    try {
      fitLogistic(X, y);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SoftlogitError);
    expect((thrown as SoftlogitError).code).toBe('NOT_INITIALIZED');
    expect((thrown as SoftlogitError).message).toMatch(/^fitLogistic: the WebAssembly module is not loaded yet; call `await init\(\)`/);
    expect(() => getRuntime('someCaller')).toThrow(/^someCaller: .*call `await init\(\)`/);
  });

  it('concurrent and repeated calls share one promise and instantiate once; fits work after it resolves', async () => {
    const instantiate = vi.spyOn(WebAssembly, 'instantiate');
    try {
      const first = init();
      const concurrent = [init(), init(), init()];
      for (const p of concurrent) expect(p).toBe(first);
      // still loading: a fit now is still too early
      expect(() => fitLogistic(X, y)).toThrow(expect.objectContaining({ code: 'NOT_INITIALIZED' }));
      await Promise.all([first, ...concurrent]);
      expect(isInitialized()).toBe(true);
      expect(init()).toBe(first);
      await init();
      // Count softlogit's module only: in Node, the AssemblyScript loader's check for a fetch
      // Response (`typeof Response`) makes Node set up its HTTP parser, itself WebAssembly.
      const ours = instantiate.mock.calls.filter(([module]) =>
        module instanceof WebAssembly.Module && WebAssembly.Module.exports(module).some((e) => e.name === 'logisticEvaluate'));
      expect(ours).toHaveLength(1);
    } finally {
      instantiate.mockRestore();
    }
    const fit = fitLogistic([[1], [2], [3], [4], [5], [6]], [0, 1, 0, 1, 1, 1]);
    expect(fit.converged).toBe(true);
  });
});
