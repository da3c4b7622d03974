// 10,000 fits of varied sizes in one process (issue #7): logistic, softmax, Firth, separated data,
// singular: 'drop' and fits that throw. Every fit frees what it took, so the WebAssembly heap ends
// empty, the WebAssembly memory stops growing after the largest problem, and the JS heap stays flat.
// Node only: it reads process.memoryUsage() and forces garbage collection through node:v8 / node:vm.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitLogistic, fitSoftmax, init, SoftlogitError } from '../src/index.js';
import { getRuntime } from '../src/wasm/module.js';
import { mulberry32 } from './helpers/random.js';

const FITS = 10_000;
/** Fits before the baseline is taken: every size class has been seen, caches and JIT are warm. */
const WARM_UP = 1_000;
/**
 * JS heap growth allowed between the baseline and the end, after full GCs: the fits themselves
 * keep nothing, so what remains is V8's own bookkeeping (code, feedback vectors, inline caches),
 * a few MB at most. A leak of one 8-byte double per fit would already be 72 KB; of one small fit
 * object per fit (~2 KB), 18 MB.
 */
const JS_HEAP_GROWTH_BYTES = 8 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

beforeAll(async () => {
  await init();
});

function heapUsedAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe('10,000 fits in one process', () => {
  it('leave the WebAssembly heap empty, its memory flat, and the JS heap flat', () => {
    const runtime = getRuntime('memory.node.test');
    const rand = mulberry32(2024);
    const quiet = { onWarning: () => {} };
    let wasmBaseline = 0;
    let jsBaseline = 0;
    let errors = 0;
    const started = Date.now();
    for (let f = 0; f < FITS; f++) {
      if (f === WARM_UP) {
        wasmBaseline = runtime.heap.memoryBytes;
        jsBaseline = heapUsedAfterGc();
      }
      // the largest size class comes first, so the memory has grown to its final size by WARM_UP
      const n = f === 0 ? 3000 : 10 + Math.floor(rand() * 150);
      const q = 1 + Math.floor(rand() * 6);
      const X = Array.from({ length: n }, () => Array.from({ length: q }, () => rand() * 4 - 2));
      const y = X.map((r) => (rand() < 1 / (1 + Math.exp(-r[0]!)) ? 1 : 0));
      const kind = f % 6;
      try {
        if (kind === 0) fitLogistic(X, y, quiet);
        else if (kind === 1) fitLogistic(X, y, { firth: true, ...quiet });
        else if (kind === 2) fitSoftmax(X, y.map((v, i) => (v ? 'a' : i % 2 ? 'b' : 'c')), quiet);
        else if (kind === 3) fitLogistic(X, X.map((r) => (r[0]! > 0 ? 1 : 0)), quiet); // separated: runs the LP
        else if (kind === 4) fitLogistic(X.map((r) => [...r, r[0]!]), y, { singular: 'drop', ...quiet });
        else fitLogistic(X.map((r) => [...r, 2 * r[0]!]), y, quiet); // throws COLLINEAR
      } catch (error) {
        if (!(error instanceof SoftlogitError)) throw error;
        errors++;
      }
    }
    const elapsed = Date.now() - started;
    const jsEnd = heapUsedAfterGc();
    expect(runtime.heap.allocatedBytes).toBe(0);
    expect(runtime.heap.memoryBytes).toBe(wasmBaseline);
    expect(jsEnd - jsBaseline).toBeLessThan(JS_HEAP_GROWTH_BYTES);
    expect(errors).toBeGreaterThan(FITS / 7); // the COLLINEAR fits (and any ONE_CLASS draws) threw
    console.log(
      `memory.node.test: ${FITS} fits in ${elapsed} ms; WebAssembly memory ${runtime.heap.memoryBytes} bytes (flat), ` +
        `JS heap ${((jsEnd - jsBaseline) / 1024).toFixed(0)} KiB change after ${FITS - WARM_UP} fits`,
    );
  }, 300_000);
});
