// `softlogit fit FILE --engine duckdb` run as a subprocess (bin/softlogit.js on the built dist/):
// DuckDB reads the file and runs the passes, and the printed model is the in-memory fit's.
// Needs `npm run build` first and @duckdb/node-api installed.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'softlogit.js');
const UCLA = join(ROOT, 'data', 'binary.csv');
const HOUSING = join(ROOT, 'data', 'housing.csv');

/**
 * The engine adds the same sums in another order (and in parallel): the MLE agrees to rounding
 * of the Newton solve, far below 1e-10 relative (the SQL tests see ~1e-13).
 */
const SAME_FIT_RTOL = 1e-10;

const temp = mkdtempSync(join(tmpdir(), 'softlogit-engine-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function cli(args: string[], bin = BIN) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: ROOT, encoding: 'utf8' });
}

interface ModelJSON {
  names: string[];
  /** Logistic models; softmax models carry `baseline` (reference form, class-major). */
  coefficients?: number[];
  baseline?: number[];
  /** Row-major, side = the number of free parameters. */
  covariance: number[];
  deviance: number;
  nullDeviance: number;
  nObs: number;
  design: unknown;
}

function fitJSON(args: string[]): ModelJSON {
  const run = cli(['fit', ...args, '--json', '--quiet']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as ModelJSON;
}

function expectClose(actual: number, expected: number) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(SAME_FIT_RTOL * Math.max(1, Math.abs(expected)));
}

function expectSameFit(engine: ModelJSON, memory: ModelJSON) {
  expect(engine.names).toEqual(memory.names);
  expect(engine.design).toEqual(memory.design);
  expect(engine.nObs).toBe(memory.nObs);
  const a = engine.coefficients ?? engine.baseline!;
  const b = memory.coefficients ?? memory.baseline!;
  expect(a.length).toBeGreaterThan(0);
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expectClose(x, b[i]!));
  const diagonal = (m: ModelJSON) => {
    const side = Math.round(Math.sqrt(m.covariance.length));
    return Array.from({ length: side }, (_, i) => Math.sqrt(m.covariance[i * side + i]!));
  };
  expect(diagonal(engine).length).toBe(a.length);
  const seA = diagonal(engine);
  const seB = diagonal(memory);
  seA.forEach((x, i) => expectClose(x, seB[i]!));
  expectClose(engine.deviance, memory.deviance);
  expectClose(engine.nullDeviance, memory.nullDeviance);
}

describe('fit --engine duckdb', () => {
  it('fits binary.csv with a factor as the in-memory fit does (coefficients, SEs, deviance)', () => {
    const args = [UCLA, '--response', 'admit', '--factor', 'rank'];
    expectSameFit(fitJSON([...args, '--engine', 'duckdb']), fitJSON(args));
  });

  it('prints the same summary as the in-memory fit', () => {
    const args = ['fit', UCLA, '--response', 'admit', '--predictors', 'gre,gpa', '--quiet'];
    const memory = cli(args);
    const engine = cli([...args, '--engine', 'duckdb']);
    expect(engine.status).toBe(0);
    expect(engine.stdout).toBe(memory.stdout);
  });

  it('reads CSV as the in-memory fit does: yes/no as text, NA and empty cells missing', () => {
    // DuckDB's own CSV sniffing would make yes/no a BOOLEAN and a column with NA text.
    const lines = readFileSync(UCLA, 'utf8').trim().split('\n');
    const rows = lines.slice(1).map((line, i) => {
      const cells = line.split(',');
      cells[0] = cells[0] === '1' ? 'yes' : 'no';
      if (i % 50 === 3) cells[1] = 'NA';
      if (i % 70 === 5) cells[2] = '';
      return cells.join(',');
    });
    const path = join(temp, 'text-response.csv');
    writeFileSync(path, [lines[0], ...rows].join('\n') + '\n');
    const args = ['fit', path, '--response', 'admit', '--reference', 'yes', '--factor', 'rank', '--quiet'];
    const memory = cli(args);
    expect(memory.status).toBe(0);
    expect(memory.stdout).toContain('observations deleted due to missingness');
    const engine = cli([...args, '--engine', 'duckdb']);
    expect(engine.stderr).toBe('');
    expect(engine.stdout).toBe(memory.stdout);
  });

  it('fits a weighted multinomial model with text factors and a chosen reference', () => {
    const args = [HOUSING, '--response', 'Sat', '--weights', 'Freq', '--reference', 'Low'];
    expectSameFit(fitJSON([...args, '--engine', 'duckdb']), fitJSON(args));
  });

  it('reads a Parquet file and a path with a single quote in it', () => {
    const dir = join(temp, "it's here");
    mkdirSync(dir);
    copyFileSync(UCLA, join(dir, 'admissions.csv'));
    const args = ['--response', 'admit', '--factor', 'rank'];
    const memory = fitJSON([UCLA, ...args]);
    expectSameFit(fitJSON([join(dir, 'admissions.csv'), ...args, '--engine', 'duckdb']), memory);
    const parquet = join(dir, 'admissions.parquet');
    const convert = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `
        import { DuckDBInstance } from '@duckdb/node-api';
        const db = await DuckDBInstance.create(':memory:');
        const c = await db.connect();
        const quote = (path) => "'" + path.replaceAll("'", "''") + "'";
        await c.run('COPY (SELECT * FROM read_csv_auto(' + quote(process.argv[1]) + ')) TO ' + quote(process.argv[2]) + ' (FORMAT PARQUET)');
      `, UCLA, parquet],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(convert.stderr).toBe('');
    expectSameFit(fitJSON([parquet, ...args, '--engine', 'duckdb']), memory);
  });

  it('--covariance HC1 --cluster: the in-memory fit\'s robust SEs and summary (binomial, multinomial, a factor that is also the cluster)', () => {
    const robust = (...args: string[]) => [...args, '--covariance', 'HC1'];
    for (const args of [
      robust(UCLA, '--response', 'admit', '--predictors', 'gre,gpa', '--cluster', 'rank'),
      robust(UCLA, '--response', 'admit', '--factor', 'rank', '--cluster', 'rank'),
      robust(UCLA, '--response', 'admit', '--predictors', 'gre,gpa'),
      robust(HOUSING, '--response', 'Sat', '--weights', 'Freq', '--cluster', 'Type'),
    ]) {
      const memory = fitJSON(args);
      const engine = fitJSON([...args, '--engine', 'duckdb']);
      expect((engine as unknown as { covarianceType: string }).covarianceType).toBe('HC1');
      expect((engine as unknown as { clusters: number }).clusters).toBe((memory as unknown as { clusters: number }).clusters);
      expectSameFit(engine, memory);
    }
    const printed = cli(['fit', UCLA, '--response', 'admit', '--predictors', 'gre,gpa', '--covariance', 'HC0', '--cluster', 'rank', '--engine', 'duckdb']);
    expect(printed.stdout).toContain('Standard errors: cluster-robust (HC0, 4 clusters) sandwich');
    expect(printed.stdout).toContain('clusters in rank');
  });

  it('--cluster: rows with a NULL label are left out, as the in-memory fit leaves them out', () => {
    const lines = readFileSync(UCLA, 'utf8').trim().split('\n');
    const path = join(temp, 'school.csv');
    writeFileSync(path, [lines[0] + ',school', ...lines.slice(1).map((line, i) => `${line},${i % 97 === 3 ? 'NA' : `s${i % 7}`}`)].join('\n') + '\n');
    const args = ['fit', path, '--response', 'admit', '--predictors', 'gre,gpa', '--covariance', 'HC1', '--cluster', 'school', '--quiet'];
    const memory = cli(args);
    expect(memory.stdout).toContain('5 observations deleted due to missingness');
    const engine = cli([...args, '--engine', 'duckdb']);
    expect(engine.stderr).toBe('');
    expect(engine.stdout).toBe(memory.stdout);
  });

  it.each([['--firth'], ['--threads', '2'], ['--stream'], ['--levels', 'rank=4,3,2,1']])('refuses %s as a usage error', (...flagArgs) => {
    const run = cli(['fit', UCLA, '--response', 'admit', '--engine', 'duckdb', ...flagArgs]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`cannot be combined with ${flagArgs[0]}`);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses an unknown engine and an unknown column', () => {
    const engine = cli(['fit', UCLA, '--response', 'admit', '--engine', 'sqlite']);
    expect(engine.status).toBe(2);
    expect(engine.stderr).toContain('--engine');
    const column = cli(['fit', UCLA, '--response', 'admitted', '--engine', 'duckdb']);
    expect(column.status).toBe(2);
    expect(column.stderr).toContain('admitted');
  });

  it('says in one line how to install @duckdb/node-api when it is missing', () => {
    // A copy of the package whose node_modules has everything but @duckdb.
    const pkg = join(temp, 'without-duckdb');
    mkdirSync(join(pkg, 'node_modules'), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'bin'), join(pkg, 'bin'), { recursive: true });
    copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
      if (entry !== '@duckdb' && entry !== '.bin') symlinkSync(join(ROOT, 'node_modules', entry), join(pkg, 'node_modules', entry));
    }
    writeFileSync(join(pkg, 'node_modules', '.keep'), '');
    const run = cli(['fit', UCLA, '--response', 'admit', '--engine', 'duckdb'], join(pkg, 'bin', 'softlogit.js'));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('npm install @duckdb/node-api');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    // The same copy fits without --engine: only the engine path needs DuckDB.
    expect(cli(['fit', UCLA, '--response', 'admit', '--quiet'], join(pkg, 'bin', 'softlogit.js')).status).toBe(0);
  });
});
