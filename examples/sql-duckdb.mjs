// An in-database fit: DuckDB reads the CSV file itself and sums each Newton pass in SQL; only the
// sums (p + p(p+1)/2 numbers per pass) come back to JavaScript.
//
//   npm run build
//   npm install @duckdb/node-api      (an optional peer dependency; a devDependency in this repo)
//   node examples/sql-duckdb.mjs [file.csv or file.parquet]
//
// Without a file it fits the shipped UCLA admissions data: admit ~ gre + gpa + factor(rank).
import { fileURLToPath } from 'node:url';
import { fitLogisticSQL, init } from '../dist/sql/index.js';

const file = process.argv[2] ?? fileURLToPath(new URL('../data/binary.csv', import.meta.url));
const reader = file.endsWith('.parquet') ? 'read_parquet' : 'read_csv';
// The file name goes into a SQL string literal: double its single quotes.
const from = `(SELECT * FROM ${reader}('${file.replaceAll("'", "''")}'))`;

await init();
let passes = 0;
const fit = await fitLogisticSQL('duckdb', {
  from,
  response: 'admit',
  predictors: ['gre', 'gpa', 'rank'],
  factors: ['rank'],
  onIteration: () => passes++,
});
console.log(fit.summary());
console.log(`\n${passes} Newton iterations, each one aggregate statement in DuckDB`);
