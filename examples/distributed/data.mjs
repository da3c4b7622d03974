// The rows of the example: N_ROWS synthetic rows of a logistic model, cut into `count` shards.
// Each shard process makes only its own rows (as a node of a cluster would read only its
// partition); main.mjs makes all of them once more to check the distributed fit in memory.
export const N_ROWS = 200_000;
export const N_FEATURES = 5;
export const NAMES = ['age', 'income', 'tenure', 'visits', 'noise'];

/** Deterministic per row, so any split of the rows gives the same data set. */
function row(i, x) {
  let seed = (i * 2654435761) >>> 0;
  const uniform = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) + 0.5) / 4294967296;
  for (let j = 0; j < N_FEATURES; j++) x[j] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const eta = -0.4 + 0.7 * x[0] - 0.5 * x[1] + 0.25 * x[2] + 0.1 * x[3];
  return uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
}

/** Rows of shard `index` of `count`: { X: { data, nRows, nFeatures }, y }. */
export function makeRows(index, count) {
  const start = Math.floor((index * N_ROWS) / count);
  const end = Math.floor(((index + 1) * N_ROWS) / count);
  const n = end - start;
  const data = new Float64Array(n * N_FEATURES);
  const y = new Float64Array(n);
  const x = new Float64Array(N_FEATURES);
  for (let i = 0; i < n; i++) {
    y[i] = row(start + i, x);
    data.set(x, i * N_FEATURES);
  }
  return { X: { data, nRows: n, nFeatures: N_FEATURES }, y };
}
