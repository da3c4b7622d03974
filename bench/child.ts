// One plain-JavaScript task of the benchmark in a fresh process (see bench/tasks.ts for why):
//   node build/bench/child.js '<TaskSpec as JSON>'
// prints RESULT_MARK and the TaskResult as JSON on stdout.
import { RESULT_MARK, runTask, type TaskSpec } from './tasks.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as TaskSpec;
const result = await runTask(spec);
process.stdout.write(`\n${RESULT_MARK}${JSON.stringify(result)}\n`);
