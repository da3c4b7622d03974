// The code a kernel worker runs, as a string: a Node worker thread evaluates it (`eval: true`),
// a browser starts it from a Blob URL, so no separate file has to be found or bundled.
//
// Protocol (see pool.ts):
//   { type: 'init', module, memory, control }  → instantiate the threads module on the shared
//     memory; reply { type: 'ready' }
//   { type: 'run', slot, name, args }          → result = exports[name](...args); store it in
//     control's Float64 slot, the status (1 done, 2 failed) in its Int32 slot, then add 1 to the
//     done counter (Int32 0) and wake the waiting thread. Failures also post { type: 'error' }.

/** Int32 index of the count of finished jobs in the control buffer. */
export const DONE_INDEX = 0;
/** Int32 index of the first job status (one per slot). */
export const STATUS_BASE = 16;
/** Byte offset of the Float64 results (one per slot). */
export const RESULT_BYTE_OFFSET = 512;
/** Most jobs in flight at once (workers per pool). */
export const MAX_SLOTS = 64;
/** Bytes of the control buffer. */
export const CONTROL_BYTES = RESULT_BYTE_OFFSET + MAX_SLOTS * 8;

const body = `
let kernels;
let i32;
let f64;
function handle(message, post) {
  if (message.type === 'init') {
    const instance = new WebAssembly.Instance(message.module, { env: { memory: message.memory } });
    kernels = instance.exports;
    i32 = new Int32Array(message.control);
    f64 = new Float64Array(message.control, ${RESULT_BYTE_OFFSET}, ${MAX_SLOTS});
    post({ type: 'ready' });
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
