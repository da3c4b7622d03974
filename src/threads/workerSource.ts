// The code a kernel worker runs, as a string: a Node worker thread evaluates it (`eval: true`),
// a browser starts it from a Blob URL, so no separate file has to be found or bundled.
//
// Protocol (see pool.ts):
//   { type: 'init', module, memory, control }  → instantiate the threads module on the shared
//     memory; reply { type: 'ready' }
//   { type: 'run', slot, name, args }          → result = exports[name](...args); store it in
//     control's Float64 slot, the status (1 done, 2 failed) in its Int32 slot, then add 1 to the
//     done counter (Int32 0) and wake the waiting thread. Failures also post { type: 'error' }.
//   { type: 'pack', slot, blocks, ... }        → a design copy's share of packing (see
//     ThreadTeam.packRows): for each block b in `blocks`, wait until the copying thread has
//     filled it (Int32 PACK_FILLED > b), packPanels it from its ring slot, note a NaN/infinity
//     (PACK_BAD_BLOCK = min(b)), and free the slot (Int32 PACK_SLOT_DONE + slot index += 1);
//     then finish as 'run' does. A failure still frees every slot, so the copying thread never
//     waits forever; PACK_ABORT != 0 (the copying thread failed) stops the loop.

/** Int32 index of the count of finished jobs in the control buffer. */
export const DONE_INDEX = 0;
/** Int32 index of the first job status (one per slot). */
export const STATUS_BASE = 16;
/** Byte offset of the Float64 results (one per slot). */
export const RESULT_BYTE_OFFSET = 512;
/** Most jobs in flight at once (workers per pool). */
export const MAX_SLOTS = 64;
/** Int32 index of the count of staging blocks filled so far in a pipelined design copy. */
export const PACK_FILLED = 96;
/** Int32 index of the first block holding a NaN or infinity (the block count when none). */
export const PACK_BAD_BLOCK = 97;
/** Int32 index of the abort flag of a pipelined design copy (set when reading the rows failed). */
export const PACK_ABORT = 98;
/** Int32 index of the first ring slot's count of blocks packed from it. */
export const PACK_SLOT_DONE = 100;
/** Ring slots of a pipelined design copy (Int32 PACK_SLOT_DONE .. + PACK_SLOTS − 1). */
export const PACK_SLOTS = 8;
/**
 * Loads of a shared counter a thread spins through before it sleeps in Atomics.wait (~50-100 µs).
 * Waking a sleeping thread is cheap on bare metal, but in a virtual machine the sleeping core
 * halts and its wake-up goes through the hypervisor: measured here, the pipelined copy of
 * 1e6 x 50 took 43 ms when its threads stayed awake and up to 150 ms when they slept between
 * blocks. A wait this short costs nothing on a core that has no other work.
 */
export const SPIN_LOADS = 20000;
/** Bytes of the control buffer. */
export const CONTROL_BYTES = RESULT_BYTE_OFFSET + MAX_SLOTS * 8;

const body = `
let kernels;
let i32;
let f64;
/** Returns once i32[index] > value: spins ${SPIN_LOADS} loads, then sleeps in Atomics.wait. */
function waitAbove(index, value) {
  for (let spin = 0; spin < ${SPIN_LOADS}; spin++) if (Atomics.load(i32, index) > value) return;
  for (;;) {
    const now = Atomics.load(i32, index);
    if (now > value) return;
    Atomics.wait(i32, index, now);
  }
}
function handle(message, post) {
  if (message.type === 'init') {
    const instance = new WebAssembly.Instance(message.module, { env: { memory: message.memory } });
    kernels = instance.exports;
    i32 = new Int32Array(message.control);
    f64 = new Float64Array(message.control, ${RESULT_BYTE_OFFSET}, ${MAX_SLOTS});
    post({ type: 'ready' });
    return;
  }
  if (message.type === 'pack') {
    let failure;
    const m = message;
    for (const b of m.blocks) {
      const ring = b % m.slots;
      waitAbove(${PACK_FILLED}, b);
      if (Atomics.load(i32, ${PACK_ABORT}) !== 0) break;
      if (failure === undefined) {
        try {
          const rows = Math.min(m.blockRows, m.nRows - b * m.blockRows);
          const bad = kernels.packPanels(m.staging + ring * m.slotBytes, rows, m.nCols, m.intercept, m.nColsPadded, m.dest + b * m.blockBytes);
          if (bad >= 0) {
            for (;;) {
              const first = Atomics.load(i32, ${PACK_BAD_BLOCK});
              if (first <= b || Atomics.compareExchange(i32, ${PACK_BAD_BLOCK}, first, b) === first) break;
            }
          }
        } catch (error) {
          failure = error;
        }
      }
      Atomics.add(i32, ${PACK_SLOT_DONE} + ring, 1);
      Atomics.notify(i32, ${PACK_SLOT_DONE} + ring);
    }
    if (failure !== undefined) post({ type: 'error', message: String(failure && failure.message || failure) });
    f64[m.slot] = 0;
    Atomics.store(i32, ${STATUS_BASE} + m.slot, failure === undefined ? 1 : 2);
    Atomics.add(i32, ${DONE_INDEX}, 1);
    Atomics.notify(i32, ${DONE_INDEX});
    return;
  }
  if (message.type === 'run') {
    let status = 1;
    try {
      f64[message.slot] = kernels[message.name](...message.args);
    } catch (error) {
      status = 2;
      f64[message.slot] = NaN;
      post({ type: 'error', message: String(error && error.message || error) });
    }
    Atomics.store(i32, ${STATUS_BASE} + message.slot, status);
    Atomics.add(i32, ${DONE_INDEX}, 1);
    Atomics.notify(i32, ${DONE_INDEX});
  }
}
`;

/** Source for a Node worker thread (CommonJS script, `eval: true`). */
export const NODE_WORKER_SOURCE = `${body}
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (message) => handle(message, (reply) => parentPort.postMessage(reply)));
`;

/** Source for a browser (classic) Web Worker. */
export const WEB_WORKER_SOURCE = `${body}
self.onmessage = (event) => handle(event.data, (reply) => self.postMessage(reply));
`;
