// One shard of a distributed fit, in its own process (started by main.mjs with child_process.fork).
// It makes (or would load) its rows once, keeps them, and answers each request of the driver:
//   { coefficients, level }  →  accumulate(shard, coefficients, level)   (the map of one Newton pass)
// Messages use fork's 'advanced' serialization, so Float64Arrays travel as they are.
import { accumulate, init } from '../../dist/index.js';
import { makeRows } from './data.mjs';

const index = Number(process.argv[2]);
const count = Number(process.argv[3]);
const rows = makeRows(index, count);
await init();

process.on('message', (request) => {
  if (request.type === 'stop') {
    process.disconnect();
    return;
  }
  try {
    const statistics = accumulate({ model: 'logistic', ...rows }, request.coefficients, request.level);
    process.send({ id: request.id, statistics });
  } catch (error) {
    process.send({ id: request.id, error: String(error?.message ?? error) });
  }
});
process.send({ type: 'ready', nRows: rows.X.nRows });
