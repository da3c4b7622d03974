// Fitting in a Node worker thread with softlogit's FitWorker (from the built package: run
// `npm run build` first). The main thread stays free while the worker fits; progress arrives
// through onIteration, and the fit comes back as a LogisticFit / SoftmaxFit that predicts.
//
//   node examples/worker.mjs
import { readFileSync } from 'node:fs';
import { parseCSV, designMatrix } from '../dist/index.js';
import { FitWorker } from '../dist/worker/index.js';

const csv = readFileSync(new URL('../data/binary.csv', import.meta.url), 'utf8');
const design = designMatrix(parseCSV(csv), { response: 'admit', predictors: ['gre', 'gpa', 'rank'], factors: ['rank'] });
const X = { data: design.X, nRows: design.nRows, nFeatures: design.nFeatures };

const worker = new FitWorker();
let ticks = 0;
const timer = setInterval(() => ticks++, 1); // the main thread keeps running meanwhile
try {
  const logistic = await worker.fitLogistic(X, design.response.labels, {
    names: design.names,
    onIteration: ({ iteration, deviance, stepSize }) => console.log(`iteration ${iteration}: deviance ${deviance.toFixed(6)}, step ${stepSize}`),
  });
  console.log(logistic.summary());

  const softmax = await worker.fitSoftmax(X, design.response.labels, { names: design.names, parameterization: 'symmetric' });
  console.log(softmax.summary());
  console.log(`main-thread timer ticked ${ticks} times during the fits`);
} finally {
  clearInterval(timer);
  worker.terminate();
}
