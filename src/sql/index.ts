// softlogit/sql: logistic and softmax fits whose passes over the rows run inside a database
// (DuckDB, PostgreSQL, any engine with a `query(sql)` client); Newton's method and inference run
// here, on the sums each pass returns. `init` is re-exported: call it once before a fit.
export { init } from '../wasm/module.js';
export { fitLogisticSQL, fitSoftmaxSQL, type LogisticSqlOptions, type SoftmaxSqlOptions, type SqlFitOptions } from './fit.js';
export type { QueryClient, SqlClient } from './client.js';
export type { SqlDialect } from './text.js';
