// The code a kernel worker runs, as a string: a Node worker thread evaluates it (`eval: true`),
// a browser starts it from a Blob URL, so no separate file has to be found or bundled. Being a
// string it can import nothing, so it instantiates the module with `new WebAssembly.Instance`, not
// the AssemblyScript loader the calling thread uses (wasm/module.ts): the threads build imports
// only its memory, and the worker calls two kernels by name with numbers.
//
// Protocol (see pool.ts). Worker w always uses slot w of the control buffer.
//   { type: 'init', module, memory, control, slot } → instantiate the threads module on the
//     shared memory; reply { type: 'ready' }
//   a kernel call: the calling thread writes [name index (JOB_NAMES), argument count, ...args]
//     into the slot's job record, adds 1 to the slot's job counter (Int32 JOB_SEQ + slot) and
//     posts { type: 'poke' }. The worker runs every job it has not run yet: result =
//     exports[name](...args) into the slot's Float64 result, the status (1 done, 2 failed) into
//     its Int32 status, then adds 1 to the done counter (Int32 DONE_INDEX) and wakes the waiting
//     thread. It then stays awake for IDLE_SPIN_MS watching the job counter, so the next pass of
//     a fit (a fraction of a millisecond later) starts at once, without a message; a poke for a
//     job it has already run returns at once. Failures also post { type: 'error' }.
//   a chunked kernel pass: the job record holds [name index, −1, nChunks, argument count,
//     scratch argument index, the worker's scratch address]; the chunks' argument lists are in the
//     chunk table (CHUNK_TABLE_BYTE_OFFSET, CHUNK_ARGS doubles each). The worker (and the calling
//     thread) takes chunk c = Atomics.add(Int32 CHUNK_NEXT, 1) until c ≥ nChunks, runs
//     exports[name](...chunk c's arguments, with its own scratch) and writes the result to chunk
//     result c (CHUNK_RESULT_BYTE_OFFSET). A core slowed by the host thus takes fewer chunks, and
//     each chunk's sums land in the chunk's own buffers whoever ran it: the caller adds them in
//     chunk order, so the result does not depend on the schedule.
//   { type: 'pack', blocks, ... }              → a design copy's share of packing (see
//     ThreadTeam.packRows): for each block b in `blocks`, wait until the copying thread has
//     filled it (Int32 PACK_FILLED > b), packPanels it from its ring slot, note a NaN/infinity
//     (PACK_BAD_BLOCK = min(b)), and free the slot (Int32 PACK_SLOT_DONE + slot index += 1);
//     then finish as a kernel call does. A failure still frees every slot, so the copying thread
//     never waits forever; PACK_ABORT != 0 (the copying thread failed) stops the loop.

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
/** Int32 index of slot 0's job counter (one per slot, after the results). */
export const JOB_SEQ = (RESULT_BYTE_OFFSET + MAX_SLOTS * 8) / 4;
/** Byte offset of slot 0's job record (JOB_DOUBLES Float64 values per slot). */
export const JOB_BYTE_OFFSET = RESULT_BYTE_OFFSET + MAX_SLOTS * 8 + MAX_SLOTS * 4;
/** Float64 values of a job record: the name index, the argument count and up to 14 arguments (softmaxEvaluate's 14). */
export const JOB_DOUBLES = 16;
/** The kernels a job can name, by index. */
export const JOB_NAMES = ['logisticEvaluate', 'softmaxEvaluate'] as const;
/**
 * Milliseconds a thread spins on a shared counter before it sleeps in Atomics.wait. Waking a
 * sleeping thread is cheap on bare metal, but in a virtual machine the sleeping core halts and
 * its wake-up goes through the hypervisor: measured here, the pipelined copy of 1e6 x 50 took
 * 43 ms when its threads stayed awake and up to 150 ms when they slept between blocks.
 */
export const SPIN_MS = 2;
/**
 * Milliseconds a worker stays awake after a job, watching for the next one: the passes of a
 * Newton fit follow one another within a fraction of a millisecond, and a worker woken by a
 * message for each pass started its share up to 2-5 ms late (n = 1e6, p = 50, 8 passes a fit).
 */
export const IDLE_SPIN_MS = 3;
/** Int32 index of the next chunk to take in a chunked kernel pass. */
export const CHUNK_NEXT = 99;
/**
 * Most chunks of a chunked kernel pass (see ThreadTeam.split: a pass is cut into at most this many,
 * whatever the thread count).
 */
export const MAX_CHUNKS = 64;
/** Float64 values per chunk in the chunk table: a kernel's argument list (16 at most: softmaxEvaluate's). */
export const CHUNK_ARGS = 16;
/** Byte offset of the chunk table (MAX_CHUNKS argument lists). */
export const CHUNK_TABLE_BYTE_OFFSET = JOB_BYTE_OFFSET + MAX_SLOTS * JOB_DOUBLES * 8;
/** Byte offset of the chunks' results (one Float64 per chunk). */
export const CHUNK_RESULT_BYTE_OFFSET = CHUNK_TABLE_BYTE_OFFSET + MAX_CHUNKS * CHUNK_ARGS * 8;
/** Bytes of the control buffer. */
export const CONTROL_BYTES = CHUNK_RESULT_BYTE_OFFSET + MAX_CHUNKS * 8;

const body = `
const NAMES = ${JSON.stringify(JOB_NAMES)};
let kernels;
let i32;
let f64;
let jobs;
let slot;
let chunkTable;
let chunkResults;
/** Jobs of this slot run so far. */
let seen = 0;
/** Spins until i32[index] > value (true) or \`ms\` milliseconds have passed (false). */
function spinAbove(index, value, ms) {
  const until = performance.now() + ms;
  for (;;) {
    for (let k = 0; k < 1000; k++) if (Atomics.load(i32, index) > value) return true;
    if (performance.now() > until) return false;
  }
}
/** Returns once i32[index] > value: spins ${SPIN_MS} ms, then sleeps in Atomics.wait. */
function waitAbove(index, value) {
  if (spinAbove(index, value, ${SPIN_MS})) return;
  for (;;) {
    const now = Atomics.load(i32, index);
    if (now > value) return;
    Atomics.wait(i32, index, now);
  }
}
function finish(status) {
  Atomics.store(i32, ${STATUS_BASE} + slot, status);
  Atomics.add(i32, ${DONE_INDEX}, 1);
  Atomics.notify(i32, ${DONE_INDEX});
}
/** Runs the slot's pending job, and the next ones while they come within ${IDLE_SPIN_MS} ms. */
function runJobs(post) {
  if (!(Atomics.load(i32, ${JOB_SEQ} + slot) > seen)) return;
  do {
    seen = Atomics.load(i32, ${JOB_SEQ} + slot);
    const at = slot * ${JOB_DOUBLES};
    const args = [];
    for (let a = 0; a < jobs[at + 1]; a++) args.push(jobs[at + 2 + a]);
    let status = 1;
    try {
      if (jobs[at + 1] < 0) f64[slot] = runChunks(kernels[NAMES[jobs[at]]], jobs[at + 2], jobs[at + 3], jobs[at + 4], jobs[at + 5]);
      else f64[slot] = kernels[NAMES[jobs[at]]](...args);
    } catch (error) {
      status = 2;
      f64[slot] = NaN;
      post({ type: 'error', message: String(error && error.message || error) });
    }
    finish(status);
  } while (spinAbove(${JOB_SEQ} + slot, seen, ${IDLE_SPIN_MS}));
}
/** Takes chunks of a chunked pass until none is left; returns how many this thread ran. */
function runChunks(kernel, nChunks, nArgs, scratchIndex, scratch) {
  let ran = 0;
  for (;;) {
    const c = Atomics.add(i32, ${CHUNK_NEXT}, 1);
    if (c >= nChunks) return ran;
    const args = [];
    for (let a = 0; a < nArgs; a++) args.push(chunkTable[c * ${CHUNK_ARGS} + a]);
    args[scratchIndex] = scratch;
    chunkResults[c] = kernel(...args);
    ran++;
  }
}
function handle(message, post) {
  if (message.type === 'init') {
    const instance = new WebAssembly.Instance(message.module, { env: { memory: message.memory } });
    kernels = instance.exports;
    i32 = new Int32Array(message.control);
    f64 = new Float64Array(message.control, ${RESULT_BYTE_OFFSET}, ${MAX_SLOTS});
    jobs = new Float64Array(message.control, ${JOB_BYTE_OFFSET}, ${MAX_SLOTS * JOB_DOUBLES});
    chunkTable = new Float64Array(message.control, ${CHUNK_TABLE_BYTE_OFFSET}, ${MAX_CHUNKS * CHUNK_ARGS});
    chunkResults = new Float64Array(message.control, ${CHUNK_RESULT_BYTE_OFFSET}, ${MAX_CHUNKS});
    slot = message.slot;
    post({ type: 'ready' });
    return;
  }
  if (message.type === 'poke') {
    runJobs(post);
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
    f64[slot] = 0;
    finish(failure === undefined ? 1 : 2);
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
