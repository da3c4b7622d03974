// The `softlogit` command run as a subprocess (bin/softlogit.js on the built dist/): its numbers
// match the library's fit and the R/statsmodels fixtures, `fit --json` round-trips through
// `predict` and `convert`, and user errors exit 2 with one line naming the problem.
// Needs `npm run build` first (npm ci runs it). The library is imported from dist/ too, so the CLI
// is compared with the library it is built with, not with sources edited since.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  designMatrix, fitLogistic, fitSoftmax, init, LogisticFit, newDataMatrix, parseCSV, SoftlogitError, SoftmaxFit,
  toReference, toSymmetric, type Design,
} from '../dist/index.js';
import { main } from '../dist/cli/main.js';
import budworm from './fixtures/budworm-counts.json';
import endometrial from './fixtures/endometrial-firth.json';
import uclaOffset from './fixtures/ucla-admissions-offset.json';
import haireye from './fixtures/haireye-counts-softmax.json';
import housingFixture from './fixtures/housing-weighted-softmax.json';
import uclaRank from './fixtures/ucla-admissions-rank.json';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'softlogit.js');
const UCLA = join(ROOT, 'data', 'binary.csv');
const HOUSING = join(ROOT, 'data', 'housing.csv');

/** The seed: R 4.2.2 glm(admit ~ gre + gpa, binomial) on binary.csv, printed with 15-16 digits. */
const R_GLM = { coefficients: [-4.949378062622546, 0.002690683595964, 0.754686855962933], aic: 486.3439816848 };
/** The seed values are printed to 13-16 significant digits: agreement to 1e-12 relative is all they allow. */
const SEED_RTOL = 1e-12;
/** Fixtures are the MLE to ~1e-13 (two tools agree); 1e-9 / 1e-8 as in the model tests. */
const COEF_RTOL = 1e-9;
const SE_RTOL = 1e-8;
/** CSV and JSON carry shortest round-trip decimals: the CLI and the library compute the same doubles. */
const EXACT = 0;
/** The same MLE reached from two codings of the same model (level orders differ): rounding level. */
const SAME_FIT_RTOL = 1e-10;
/** A conversion is a few additions per entry; the CLI and the library add in different orders. */
const CONVERSION_RTOL = 1e-12;
/** R prints 4 significant digits in coefficient tables: a printed number is within half a unit there. */
const PRINTED_RTOL = 5e-4;
/** Housing's levels in MASS's order, as the fixture was fitted (read.csv would sort them). */
const HOUSING_LEVELS = [
  '--levels', 'Sat=Low,Medium,High',
  '--levels', 'Infl=Low,Medium,High',
  '--levels', 'Type=Tower,Apartment,Atrium,Terrace',
  '--levels', 'Cont=Low,High',
];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the command in this process (main() of dist/cli), for tests that run it many times. */
async function cliInProcess(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const status = await main(args, { out: (text) => void (stdout += text), err: (text) => void (stderr += text) });
  return { status, stdout, stderr };
}

/** Runs a command that must succeed and returns its stdout. */
function ok(...args: string[]): string {
  const run = cli(...args);
  expect(run.stderr, `softlogit ${args.join(' ')}`).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
}

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);
}

/** Reads CSV output into a header and rows of cells. */
function readCSV(text: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = text.trimEnd().split('\n').map((line) => line.split(','));
  return { header: header!, rows };
}

/** The coefficient rows of a printed table: name → numbers in the row. */
function tableRows(text: string, names: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of text.split('\n')) {
    const [first, ...rest] = line.trim().split(/\s+/);
    if (first !== undefined && names.includes(first) && !out.has(first)) out.set(first, rest.map(Number).filter((x) => !Number.isNaN(x)));
  }
  return out;
}

/** Entrywise relative agreement of two matrices given as rows (exact zeros must match exactly). */
function expectClose(actual: number[][], expected: number[][], rtol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, j) => {
    expect(row.length).toBe(expected[j]!.length);
    row.forEach((x, k) => (expected[j]![k] === 0 ? expect(x).toBe(0) : expect(relative(x, expected[j]![k]!)).toBeLessThan(rtol)));
  });
}

const asX = (d: Design) => ({ data: d.X, nRows: d.nRows, nFeatures: d.nFeatures });

let dir: string;
const tmp = (name: string) => join(dir, name);

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/cli/main.js is missing: run `npm run build` before the CLI tests');
  }
  dir = mkdtempSync(join(tmpdir(), 'softlogit-cli-'));
  await init();
  // Model files several tests read: admit ~ gre + gpa + factor(rank); housing with MASS's levels.
  writeFileSync(tmp('rank.json'), ok('fit', UCLA, '--response', 'admit', '--factor', 'rank', '--json'));
  writeFileSync(tmp('housing.json'), ok('fit', HOUSING, '--response', 'Sat', '--weights', 'Freq', ...HOUSING_LEVELS, '--json'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('softlogit fit (binomial)', () => {
  const uclaDesign = () => designMatrix(parseCSV(readFileSync(UCLA, 'utf8')), { response: 'admit', predictors: ['gre', 'gpa'] });

  it('prints the library summary of glm(admit ~ gre + gpa), with the seed numbers', () => {
    const out = ok('fit', UCLA, '--response', 'admit', '--predictors', 'gre,gpa');
    const design = uclaDesign();
    const fit = fitLogistic(asX(design), design.response.labels as number[], { names: design.names });
    expect(out).toContain(fit.summary());
    expect(out).toContain('Formula: admit ~ gre + gpa');
    expect(out).toContain('P(admit = 1) against reference class 0');
    const rows = tableRows(out, fit.names);
    fit.names.forEach((name, j) => {
      const [estimate, se] = rows.get(name)!;
      expect(relative(estimate!, R_GLM.coefficients[j]!)).toBeLessThan(PRINTED_RTOL);
      expect(relative(se!, fit.standardErrors[j]!)).toBeLessThan(PRINTED_RTOL);
    });
    expect(out).toMatch(/AIC: 486\.34\n/);
  });

  it('--json is the fit toJSON() plus a design block, at the seed to 1e-12', () => {
    const model = JSON.parse(ok('fit', UCLA, '--response', 'admit', '--predictors', 'gre,gpa', '--json'));
    const design = uclaDesign();
    const fit = fitLogistic(asX(design), design.response.labels as number[], { names: design.names });
    const { design: block, ...json } = model;
    expect(json).toEqual(fit.toJSON());
    expect(block).toEqual({
      response: 'admit', predictors: ['gre', 'gpa'], factors: [], intercept: true, classes: [0, 1], droppedRows: 0,
    });
    model.coefficients.forEach((b: number, j: number) => expect(relative(b, R_GLM.coefficients[j]!)).toBeLessThan(SEED_RTOL));
    expect(relative(model.aic, R_GLM.aic)).toBeLessThan(SEED_RTOL);
  });

  it('codes --factor rank as R does (rank2..rank4) and matches R glm', () => {
    const out = ok('fit', UCLA, '--response', 'admit', '--factor', 'rank', '--json');
    const model = JSON.parse(out);
    expect(model.names).toEqual(uclaRank.expected.names);
    model.coefficients.forEach((b: number, j: number) => expect(relative(b, uclaRank.expected.coefficients[j]!)).toBeLessThan(COEF_RTOL));
    const fit = LogisticFit.fromJSON(model);
    fit.standardErrors.forEach((s, j) => expect(relative(s, uclaRank.expected.standardErrors[j]!)).toBeLessThan(SE_RTOL));
    expect(model.design.factors).toEqual([{ name: 'rank', levels: ['1', '2', '3', '4'], reference: '1' }]);
    expect(ok('fit', UCLA, '--response', 'admit', '--factor', 'rank')).toContain('Factor:  rank, levels 1, 2, 3, 4 (reference 1)');
  });

  it('--reference flips the modelled class: the coefficients change sign', () => {
    const base = JSON.parse(ok('fit', UCLA, '--response', 'admit', '--json'));
    const flipped = JSON.parse(ok('fit', UCLA, '--response', 'admit', '--reference', '1', '--json'));
    expect(flipped.design.classes).toEqual([1, 0]);
    flipped.coefficients.forEach((b: number, j: number) => expect(relative(-b, base.coefficients[j])).toBeLessThan(SAME_FIT_RTOL));
  });

  it('--counts s,f is R\'s cbind(s, f): the coefficients of P(s), as glm, in the table and in --json', () => {
    // The budworm fixture's X (sexM, ldose and their product) as columns, with the counts first.
    const header = ['numdead', 'numalive', ...budworm.featureNames];
    const rows = budworm.X.map((x, i) => [budworm.successes[i], budworm.failures[i], ...x].join(','));
    writeFileSync(tmp('budworm.csv'), [header.join(','), ...rows].join('\n') + '\n');
    const { expected } = budworm;
    const model = JSON.parse(ok('fit', tmp('budworm.csv'), '--counts', 'numdead,numalive', '--json'));
    expect(model.names).toEqual(expected.names);
    model.coefficients.forEach((b: number, j: number) => expect(relative(b, expected.coefficients[j]!)).toBeLessThan(COEF_RTOL));
    LogisticFit.fromJSON(model).standardErrors.forEach((s, j) => expect(relative(s, expected.standardErrors[j]!)).toBeLessThan(SE_RTOL));
    expect(relative(model.deviance, expected.deviance)).toBeLessThan(COEF_RTOL);
    expect(model.design.classes).toEqual(['numalive', 'numdead']);
    // predict gives P(numdead), R's fitted(glm(cbind(numdead, numalive) ~ ...)) = σ(xᵀβ).
    writeFileSync(tmp('budworm.json'), JSON.stringify(model));
    const fitted = budworm.X.map((x) => 1 / (1 + Math.exp(-[1, ...x].reduce((eta, v, j) => eta + v * expected.coefficients[j]!, 0))));
    readCSV(ok('predict', tmp('budworm.json'), tmp('budworm.csv'))).rows.forEach(([p], i) =>
      expect(relative(Number(p), fitted[i]!)).toBeLessThan(COEF_RTOL),
    );

    const out = ok('fit', tmp('budworm.csv'), '--counts', 'numdead,numalive');
    expect(out).toContain('Formula: cbind(numdead, numalive) ~ sexM + ldose + sexM:ldose');
    expect(out).toContain('modelling P(numdead) against reference class numalive');
    const table = tableRows(out, expected.names);
    expected.names.forEach((name, j) => expect(relative(table.get(name)![0]!, expected.coefficients[j]!)).toBeLessThan(PRINTED_RTOL));

    // --reference numdead models P(numalive): R's cbind(numalive, numdead), every sign flipped.
    const flipped = JSON.parse(ok('fit', tmp('budworm.csv'), '--counts', 'numdead,numalive', '--reference', 'numdead', '--json'));
    flipped.coefficients.forEach((b: number, j: number) => expect(relative(-b, expected.coefficients[j]!)).toBeLessThan(COEF_RTOL));
    expect(ok('fit', tmp('budworm.csv'), '--counts', 'numdead,numalive', '--reference', 'numdead')).toContain(
      'Formula: cbind(numalive, numdead) ~',
    );
  });

  it('drops rows with a missing value and says how many, like na.omit', () => {
    const lines = readFileSync(UCLA, 'utf8').trimEnd().split('\n');
    lines[3] = lines[3]!.replace(/^(\d),(\d+)/, '$1,NA');
    lines[8] = lines[8]!.replace(/,(\d)$/, ',');
    writeFileSync(tmp('ucla-na.csv'), lines.join('\n') + '\n');
    const out = ok('fit', tmp('ucla-na.csv'), '--response', 'admit');
    expect(out).toContain('398 rows used');
    expect(out).toMatch(/\(2 observations deleted due to missingness\)\n$/);
    const json = cli('fit', tmp('ucla-na.csv'), '--response', 'admit', '--json');
    expect(json.status).toBe(0);
    expect(json.stderr).toBe('note: 2 observations deleted due to missingness\n');
    expect(JSON.parse(json.stdout).nObs).toBe(398);
    expect(cli('fit', tmp('ucla-na.csv'), '--response', 'admit', '--json', '--quiet').stderr).toBe('');
  });

  it('reports Newton progress on stderr with --trace, and nothing with --quiet', () => {
    const traced = cli('fit', UCLA, '--response', 'admit', '--trace');
    expect(traced.status).toBe(0);
    const iterations = traced.stderr.trimEnd().split('\n');
    expect(iterations.length).toBeGreaterThanOrEqual(3);
    for (const line of iterations) expect(line).toMatch(/^iteration \d+  deviance \d+\.\d+/);
    expect(iterations.at(-1)).toContain('deviance 459.44');
    expect(cli('fit', UCLA, '--response', 'admit', '--trace', '--quiet').stderr).toBe('');
  });
});

describe('softlogit fit: --firth, --offset, --threads', () => {
  /** brglm2::endometrial as a CSV file: HG ~ NV + PI + EH, quasi-separated by NV. */
  const endometrialCSV = () => {
    const file = tmp('endometrial.csv');
    const lines = [['HG', ...endometrial.featureNames].join(','), ...endometrial.X.map((x, i) => [endometrial.y[i], ...x].join(','))];
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };
  /** Agreement of two fits of one model on 1 and 2 threads: the sums are added in another order. */
  const THREADS_RTOL = 1e-12;
  /** Runs a command that must fail with exit 2 and nothing on stdout; returns its stderr. */
  const fails = (...args: string[]) => {
    const run = cli(...args);
    expect(run.status, `softlogit ${args.join(' ')}`).toBe(2);
    expect(run.stdout).toBe('');
    return run.stderr;
  };

  it('the separation warning names the command line remedies, --firth and --l2', () => {
    const run = cli('fit', endometrialCSV(), '--response', 'HG');
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^warning: fitLogistic: the data are quasi-completely separated.*NV → \+∞/);
    expect(run.stderr).toContain('Use --firth for finite bias-reduced estimates');
    expect(run.stderr).toContain('--l2 LAMBDA');
    expect(run.stderr).not.toMatch(/firth: true|l2 > 0/);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    // A separated multinomial fit: --l2 is the remedy there (--firth is binomial only).
    writeFileSync(tmp('separated3.csv'), 'y,x\na,1\na,2\nb,3\nb,4\nc,5\nc,6\na,1.5\nb,3.5\nc,5.5\n');
    const multinomial = cli('fit', tmp('separated3.csv'), '--response', 'y');
    expect(multinomial.status).toBe(0);
    expect(multinomial.stderr).toMatch(/^warning: fitSoftmax: the data are completely separated.*Use --l2 LAMBDA \(ridge\), or merge classes/);
    expect(multinomial.stderr).not.toMatch(/firth|l2 > 0/);
  });

  it('--firth gives the brglm2 fixture and the API\'s firth: true fit, with no warning', () => {
    const file = endometrialCSV();
    const model = JSON.parse(ok('fit', file, '--response', 'HG', '--firth', '--json'));
    expect(model.firth).toBe(true);
    expect(model.names).toEqual(endometrial.expected.names);
    model.coefficients.forEach((b: number, j: number) => expect(relative(b, endometrial.expected.coefficients[j]!)).toBeLessThan(COEF_RTOL));
    const design = designMatrix(parseCSV(readFileSync(file, 'utf8')), { response: 'HG' });
    const api = fitLogistic(asX(design), design.response.labels as number[], { names: design.names, firth: true });
    expect(model.coefficients).toEqual(Array.from(api.coefficients));
    const out = ok('fit', file, '--response', 'HG', '--firth');
    expect(out).toContain(api.summary());
    expect(out).toContain("Firth's bias-reduced estimates");
  });

  it('--offset COL matches R glm(admit ~ gre + gpa + factor(rank), offset = log(gpa))', () => {
    const lines = readFileSync(UCLA, 'utf8').trimEnd().split('\n');
    const text = [lines[0] + ',lgpa', ...lines.slice(1).map((line) => `${line},${Math.log(Number(line.split(',')[2]))}`)].join('\n') + '\n';
    writeFileSync(tmp('ucla-log-offset.csv'), text);
    const model = JSON.parse(ok('fit', tmp('ucla-log-offset.csv'), '--response', 'admit', '--factor', 'rank', '--offset', 'lgpa', '--json'));
    const { expected } = uclaOffset;
    expect(model.names).toEqual(expected.names);
    model.coefficients.forEach((b: number, j: number) => expect(relative(b, expected.coefficients[j]!)).toBeLessThan(COEF_RTOL));
    LogisticFit.fromJSON(model).standardErrors.forEach((s, j) => expect(relative(s, expected.standardErrors[j]!)).toBeLessThan(SE_RTOL));
    for (const key of ['deviance', 'nullDeviance', 'aic'] as const) expect(relative(model[key], expected[key])).toBeLessThan(COEF_RTOL);
  });

  it('--offset COL is glm(..., offset = COL): an offset of 0.5 gpa lowers the gpa coefficient by exactly 0.5', () => {
    const lines = readFileSync(UCLA, 'utf8').trimEnd().split('\n');
    const gpa = (line: string) => Number(line.split(',')[2]);
    const text = [lines[0] + ',half', ...lines.slice(1).map((line) => `${line},${0.5 * gpa(line)}`)].join('\n') + '\n';
    writeFileSync(tmp('ucla-offset.csv'), text);
    const model = JSON.parse(ok('fit', tmp('ucla-offset.csv'), '--response', 'admit', '--predictors', 'gre,gpa', '--offset', 'half', '--json'));
    const shifted = [R_GLM.coefficients[0]!, R_GLM.coefficients[1]!, R_GLM.coefficients[2]! - 0.5];
    model.coefficients.forEach((b: number, j: number) => expect(relative(b, shifted[j]!)).toBeLessThan(COEF_RTOL));
    expect(model.design.offset).toBe('half');
    // The library fit with the same offset: the same doubles.
    const design = designMatrix(parseCSV(text), { response: 'admit', predictors: ['gre', 'gpa'] });
    const offset = lines.slice(1).map((line) => 0.5 * gpa(line));
    const api = fitLogistic(asX(design), design.response.labels as number[], { names: design.names, offset });
    expect(model.coefficients).toEqual(Array.from(api.coefficients));
    expect(ok('fit', tmp('ucla-offset.csv'), '--response', 'admit', '--predictors', 'gre,gpa', '--offset', 'half')).toContain(
      'Formula: admit ~ gre + gpa + offset(half)',
    );
    // The offset is not a predictor by default, and predict adds it from the new data (R's predict.glm).
    expect(JSON.parse(ok('fit', tmp('ucla-offset.csv'), '--response', 'admit', '--offset', 'half', '--json')).names).toEqual([
      '(Intercept)', 'gre', 'gpa', 'rank',
    ]);
    writeFileSync(tmp('offset.json'), JSON.stringify(model));
    writeFileSync(tmp('offset-new.csv'), 'gre,gpa,half\n600,3.5,1.75\n700,3.2,NA\n500,3,2\n');
    const run = cli('predict', tmp('offset.json'), tmp('offset-new.csv'), '--type', 'link');
    expect(run.status).toBe(0);
    const expected = api.predict([[600, 3.5], [500, 3]], { type: 'link', offset: [1.75, 2] });
    expect(readCSV(run.stdout).rows.map(([v]) => v)).toEqual([String(expected[0]), 'NA', String(expected[1])]);
    writeFileSync(tmp('offset-missing.csv'), 'gre,gpa\n600,3.5\n');
    const missing = cli('predict', tmp('offset.json'), tmp('offset-missing.csv'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/offset column "half", which is not in the data/);
  });

  it('--threads 2 gives the one-thread coefficients to 1e-12 (binomial and multinomial)', () => {
    for (const args of [
      ['fit', UCLA, '--response', 'admit', '--factor', 'rank'],
      ['fit', HOUSING, '--response', 'Sat', '--weights', 'Freq', ...HOUSING_LEVELS],
    ]) {
      const one = JSON.parse(ok(...args, '--json'));
      const run = cli(...args, '--threads', '2', '--json');
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const two = JSON.parse(run.stdout);
      expect(two.names).toEqual(one.names);
      const flat = (m: { coefficients?: number[]; baseline?: number[] }) => (m.coefficients ?? m.baseline)!;
      flat(two).forEach((b, j) => expect(relative(b, flat(one)[j]!)).toBeLessThan(THREADS_RTOL));
    }
  });

  it('--max-iter N stops Newton there, and the non-convergence warning names --max-iter', () => {
    const run = cli('fit', UCLA, '--response', 'admit', '--max-iter', '2', '--json');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).converged).toBe(false);
    expect(JSON.parse(run.stdout).iterations).toBe(2);
    expect(run.stderr).toMatch(/^warning: fitLogistic: did not converge in 2 iterations .*Raise --max-iter, or check for separation\n$/);
    expect(fails('fit', UCLA, '--response', 'admit', '--max-iter', '2.5')).toMatch(/--max-iter should be a whole number/);
  });

  it('refuses what the library refuses: --firth or --offset on a multinomial fit, --firth with --l2, a bad --threads', () => {
    expect(fails('fit', UCLA, '--response', 'rank', '--firth')).toMatch(/--firth applies to binomial fits/);
    expect(fails('fit', UCLA, '--response', 'admit', '--family', 'multinomial', '--offset', 'gpa')).toMatch(/--offset applies to binomial fits/);
    expect(fails('fit', UCLA, '--response', 'admit', '--firth', '--l2', '1')).toMatch(/--firth and --l2 cannot be combined \(both penalize the likelihood\); choose one, got --l2 1\n$/);
    expect(fails('fit', UCLA, '--response', 'admit', '--threads', '1.5')).toMatch(/--threads should be a whole number in \[1, 65\], got "1.5"/);
    expect(fails('fit', UCLA, '--response', 'admit', '--threads', '0')).toMatch(/--threads should be a whole number/);
    expect(fails('fit', UCLA, '--response', 'admit', '--offset', 'gre', '--predictors', 'gre,gpa')).toMatch(/column "gre" is used twice/);
  });
});

describe('softlogit fit --covariance / --cluster (robust standard errors)', () => {
  /**
   * The CLI in memory runs the API's fit on the same design: the same doubles (compared to 1e-12,
   * the brief's bound; measured 0). Streamed and engine fits add the same sums in another order:
   * ~1e-13 relative on the SEs (test/robust-sums.test.ts measures 1e-13 on the same data).
   */
  const SE_AGREEMENT = 1e-12;
  /** Standard errors (sqrt of the covariance's diagonal) of a model JSON or fit.toJSON(). */
  const standardErrors = (model: { covariance: number[] }) => {
    const q = Math.round(Math.sqrt(model.covariance.length));
    return Array.from({ length: q }, (_, j) => Math.sqrt(model.covariance[j * q + j]!));
  };
  const expectSameSEs = (actual: number[], expected: number[], rtol: number) => {
    expect(actual.length).toBe(expected.length);
    actual.forEach((se, j) => expect(relative(se, expected[j]!), `SE ${j}: ${se} vs ${expected[j]}`).toBeLessThanOrEqual(rtol));
  };
  const uclaFrame = () => parseCSV(readFileSync(UCLA, 'utf8'));
  /** The API's fit of admit ~ gre + gpa (+ factor(rank)) with the file's rank column as cluster labels, read apart from the CLI's design. */
  const apiLogistic = (options: { covariance: 'HC0' | 'HC1'; cluster?: boolean; factor?: boolean }) => {
    const frame = uclaFrame();
    const design = designMatrix(frame, { response: 'admit', ...(options.factor ? { factors: ['rank'] } : { predictors: ['gre', 'gpa'] }) });
    const rank = frame.columns[frame.names.indexOf('rank')]!.values as Float64Array;
    return fitLogistic(asX(design), design.response.labels as number[], {
      names: design.names, covariance: options.covariance, ...(options.cluster ? { cluster: Array.from(rank) } : {}),
    });
  };
  const cliModel = (...args: string[]) => JSON.parse(ok('fit', ...args, '--json'));

  it('HC1 and clustered HC1 / HC0 standard errors equal the API\'s (in memory: to 1e-12; --stream: to 1e-12)', () => {
    const figures: string[] = [];
    const cases: Array<[string[], Parameters<typeof apiLogistic>[0]]> = [
      [['--predictors', 'gre,gpa', '--covariance', 'HC1'], { covariance: 'HC1' }],
      [['--predictors', 'gre,gpa', '--covariance', 'HC1', '--cluster', 'rank'], { covariance: 'HC1', cluster: true }],
      [['--factor', 'rank', '--covariance', 'HC0', '--cluster', 'rank'], { covariance: 'HC0', cluster: true, factor: true }],
    ];
    for (const [args, options] of cases) {
      const api = apiLogistic(options);
      for (const mode of [[], ['--stream']]) {
        const model = cliModel(UCLA, '--response', 'admit', ...args, ...mode);
        expect(model.names).toEqual(api.names);
        expect(model.covarianceType).toBe(options.covariance);
        expect(model.clusters).toBe(options.cluster ? 4 : 0);
        const se = standardErrors(model);
        expectSameSEs(se, api.standardErrors, SE_AGREEMENT);
        figures.push(`${[...args, ...mode].join(' ')}: ${Math.max(...se.map((v, j) => relative(v, api.standardErrors[j]!))).toExponential(1)}`);
      }
    }
    console.log(`CLI robust SEs vs the API (max relative difference):\n  ${figures.join('\n  ')}`);
  });

  it('multinomial: housing clustered on Type (weights Freq) equals fitSoftmax with the same labels, in memory and --stream', () => {
    const frame = parseCSV(readFileSync(HOUSING, 'utf8'));
    const design = designMatrix(frame, { response: 'Sat', weights: 'Freq', predictors: ['Infl', 'Cont'] });
    const type = frame.columns[frame.names.indexOf('Type')]!.values as string[];
    const api = fitSoftmax(asX(design), design.response.labels, { names: design.names, weights: design.weights!, covariance: 'HC1', cluster: type });
    for (const mode of [[], ['--stream']]) {
      const model = cliModel(HOUSING, '--response', 'Sat', '--weights', 'Freq', '--covariance', 'HC1', '--cluster', 'Type', ...mode);
      expect(model.names).toEqual(api.names);
      expect(model.clusters).toBe(4);
      expectSameSEs(standardErrors(model), standardErrors(api.toJSON() as unknown as { covariance: number[] }), SE_AGREEMENT);
    }
  });

  it('the summary says which covariance it reports, and the header names the cluster column', () => {
    const out = ok('fit', UCLA, '--response', 'admit', '--predictors', 'gre,gpa', '--covariance', 'HC1', '--cluster', 'rank');
    expect(out).toContain(apiLogistic({ covariance: 'HC1', cluster: true }).summary());
    expect(out).toContain('Standard errors: cluster-robust (HC1, 4 clusters) sandwich');
    expect(out).toContain(`Data:    ${UCLA}, 400 rows used, clusters in rank`);
    expect(ok('fit', UCLA, '--response', 'admit', '--covariance', 'HC0', '--stream')).toContain('Standard errors: heteroskedasticity-consistent (HC0) sandwich');
    expect(ok('fit', UCLA, '--response', 'admit', '--covariance', 'model')).not.toContain('Standard errors:');
  });

  it('rows missing the cluster label are left out like other missing values (in memory and --stream)', () => {
    const lines = readFileSync(UCLA, 'utf8').trimEnd().split('\n');
    const missing = new Set([3, 50, 51, 399]);
    const text = [lines[0] + ',school', ...lines.slice(1).map((line, i) => `${line},${missing.has(i) ? 'NA' : `s${i % 7}`}`)].join('\n') + '\n';
    const file = tmp('ucla-school.csv');
    writeFileSync(file, text);
    const frame = parseCSV(text);
    const kept = Array.from({ length: 400 }, (_, i) => i).filter((i) => !missing.has(i));
    const design = designMatrix(frame, { response: 'admit', predictors: ['gre', 'gpa'], cluster: 'school' });
    expect(design.nRows).toBe(396);
    expect(design.droppedRowNumbers).toEqual([...missing].map((i) => i + 1));
    expect(design.cluster).toEqual(kept.map((i) => `s${i % 7}`));
    const api = fitLogistic(asX(design), design.response.labels as number[], { names: design.names, covariance: 'HC1', cluster: kept.map((i) => `s${i % 7}`) });
    for (const mode of [[], ['--stream']]) {
      const run = cli('fit', file, '--response', 'admit', '--predictors', 'gre,gpa', '--covariance', 'HC1', '--cluster', 'school', '--json', ...mode);
      expect(run.status).toBe(0);
      expect(run.stderr).toBe('note: 4 observations deleted due to missingness\n');
      const model = JSON.parse(run.stdout);
      expect(model.nObs).toBe(396);
      expect(model.clusters).toBe(7);
      expectSameSEs(standardErrors(model), api.standardErrors, SE_AGREEMENT);
    }
  });

  it('refuses what the API refuses, as usage errors naming the flags', () => {
    const fails = (...args: string[]) => {
      const run = cli('fit', UCLA, '--response', 'admit', ...args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      return run.stderr.trimEnd();
    };
    expect(fails('--covariance', 'HC3')).toBe('softlogit fit: --covariance should be one of model, HC0, HC1, got "HC3"');
    expect(fails('--cluster', 'rank')).toBe("softlogit fit: --cluster rank needs --covariance HC0 or HC1 (a cluster-robust sandwich; HC1 is R vcovCL's default)");
    expect(fails('--cluster', 'rank', '--covariance', 'model')).toMatch(/--cluster rank needs --covariance HC0 or HC1/);
    expect(fails('--covariance', 'HC1', '--firth')).toBe('softlogit fit: --covariance HC1 is the sandwich of a maximum-likelihood fit; not with --firth');
    expect(fails('--covariance', 'HC0', '--l2', '2')).toBe('softlogit fit: --covariance HC0 is the sandwich of a maximum-likelihood fit; not with --l2 2');
    expect(fails('--covariance', 'HC1', '--cluster', 'school')).toBe(
      `softlogit fit: --cluster names column "school", which is not in ${UCLA}; its columns are: admit, gre, gpa, rank`,
    );
    expect(fails('--covariance', 'HC1', '--cluster', 'admit')).toMatch(/column "admit" is used as cluster and as response/);
    expect(fails('--covariance', 'HC1', '--cluster', 'admit', '--stream')).toMatch(/column "admit" is used as cluster and as response/);
  });
});

describe('softlogit fit (multinomial)', () => {
  const housingFit = (...extra: string[]) => JSON.parse(ok('fit', HOUSING, '--response', 'Sat', '--weights', 'Freq', ...extra, '--json'));

  it('fits MASS housing (K = 3, weights Freq) to the statsmodels/VGAM fixture', () => {
    const model = housingFit(...HOUSING_LEVELS);
    const { expected } = housingFixture;
    expect(model.model).toBe('softmax');
    expect(model.names).toEqual(expected.names);
    expect(model.classes).toEqual(housingFixture.classes);
    expect(model.reference).toBe('Low');
    const fit = SoftmaxFit.fromJSON(model);
    const B = fit.baseline;
    const se = fit.standardErrors; // p x K, column 0 the reference
    expected.coefficients.forEach((row, j) =>
      row.forEach((b, c) => {
        expect(relative(B.get(j, c), b)).toBeLessThan(COEF_RTOL);
        expect(relative(se.get(j, c + 1), expected.standardErrors[j]![c]!)).toBeLessThan(SE_RTOL);
      }),
    );
    expect(relative(model.deviance, expected.deviance)).toBeLessThan(COEF_RTOL);
    expect(relative(model.aic, expected.aic)).toBeLessThan(COEF_RTOL);
  });

  it('prints the library summary, and the same model whichever order the levels are in', () => {
    const out = ok('fit', HOUSING, '--response', 'Sat', '--weights', 'Freq', ...HOUSING_LEVELS);
    const frame = parseCSV(readFileSync(HOUSING, 'utf8'));
    const design = designMatrix(frame, {
      response: 'Sat', weights: 'Freq',
      levels: { Sat: ['Low', 'Medium', 'High'], Infl: ['Low', 'Medium', 'High'], Type: ['Tower', 'Apartment', 'Atrium', 'Terrace'], Cont: ['Low', 'High'] },
    });
    const fit = fitSoftmax(asX(design), design.response.labels, { names: design.names, classes: design.response.levels, weights: design.weights! });
    expect(out).toContain(fit.summary());
    expect(out).toContain('Family:  multinomial, 3 classes (Low, Medium, High), reference Low');
    // Alphabetical levels (R's read.csv): other coefficients, the same fitted model.
    const sorted = housingFit();
    expect(sorted.classes).toEqual(['High', 'Low', 'Medium']);
    expect(sorted.names).toContain('InflLow');
    expect(relative(sorted.deviance, housingFixture.expected.deviance)).toBeLessThan(SAME_FIT_RTOL);
  });

  it('--parameterization symmetric reports W with rows summing to zero, same model', () => {
    const model = housingFit(...HOUSING_LEVELS, '--parameterization', 'symmetric');
    expect(model.parameterization).toBe('symmetric');
    const W = SoftmaxFit.fromJSON(model).coefficients;
    for (let j = 0; j < W.rows; j++) expect(Math.abs(W.row(j).reduce((a, b) => a + b, 0))).toBeLessThan(1e-14);
    expect(relative(model.deviance, housingFixture.expected.deviance)).toBeLessThan(COEF_RTOL);
  });

  it('fits per-class --counts columns (HairEyeColor, K = 4) to the fixture', () => {
    const classes = haireye.classes;
    const lines = [[...haireye.featureNames, ...classes].join(',')];
    haireye.X.forEach((x, i) => lines.push([...x, ...haireye.counts[i]!].join(',')));
    writeFileSync(tmp('haireye.csv'), lines.join('\n') + '\n');
    const model = JSON.parse(ok('fit', tmp('haireye.csv'), '--counts', classes.join(','), '--json'));
    expect(model.classes).toEqual(classes);
    expect(model.reference).toBe(haireye.reference);
    const B = SoftmaxFit.fromJSON(model).baseline;
    haireye.expected.coefficients.forEach((row, j) => row.forEach((b, c) => expect(relative(B.get(j, c), b)).toBeLessThan(COEF_RTOL)));
    expect(ok('fit', tmp('haireye.csv'), '--counts', classes.join(','))).toContain('Formula: cbind(Brown, Blue, Hazel, Green) ~ HairBrown');
  });

  it('a two-class response with --family multinomial is the logistic model (β = w1 − w0)', () => {
    const logistic = JSON.parse(ok('fit', UCLA, '--response', 'admit', '--json'));
    const softmax = JSON.parse(ok('fit', UCLA, '--response', 'admit', '--family', 'multinomial', '--json'));
    expect(softmax.model).toBe('softmax');
    const beta = SoftmaxFit.fromJSON(softmax).toLogistic().coefficients;
    beta.forEach((b, j) => expect(relative(b, logistic.coefficients[j])).toBeLessThan(SAME_FIT_RTOL));
  });
});

describe('column and command names that are Object.prototype names', () => {
  /** constructor, __proto__, toString, hasOwnProperty, ...: what a plain-object lookup finds on every object. */
  const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
  /** 40 rows of y (0/1), g (a/b/c), w (1..3), x, made by a fixed LCG: not separated, every level present. */
  const rows = (() => {
    let state = 12345;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    return Array.from({ length: 40 }, (_, i) => {
      const x = Math.round(next() * 100) / 10;
      const y = next() < 0.3 + 0.05 * x ? 1 : 0;
      return { y: i < 2 ? i : y, g: 'abc'[i % 3]!, w: 1 + (i % 3), x };
    });
  })();
  const csv = (y: string, g: string, w: string, x: string) =>
    [`${y},${g},${w},${x}`, ...rows.map((r) => `${r.y ? 'yes' : 'no'},${r.g},${r.w},${r.x}`)].join('\n') + '\n';

  it('renaming columns to prototype names changes only the names: --levels, --factor, --weights, --predictors, --response', async () => {
    writeFileSync(tmp('plain.csv'), csv('y', 'g', 'w', 'x'));
    const plain = JSON.parse(ok('fit', tmp('plain.csv'), '--response', 'y', '--weights', 'w', '--levels', 'g=c,a,b', '--levels', 'y=yes,no', '--json'));
    expect(plain.names).toEqual(['(Intercept)', 'ga', 'gb', 'x']);
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(PROTOTYPE_NAMES, { minLength: 4, maxLength: 4 }), async ([y, g, w, x]) => {
        const file = tmp('prototype-names.csv');
        writeFileSync(file, csv(y!, g!, w!, x!));
        const run = await cliInProcess(
          'fit', file, '--response', y!, '--weights', w!, '--predictors', `${g},${x}`, '--factor', g!,
          '--levels', `${g}=c,a,b`, '--levels', `${y}=yes,no`, '--json',
        );
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        const model = JSON.parse(run.stdout);
        expect(model.names).toEqual(['(Intercept)', `${g}a`, `${g}b`, x]);
        expect(model.coefficients).toEqual(plain.coefficients);
        expect(model.design.factors).toEqual([{ name: g, levels: ['c', 'a', 'b'], reference: 'c' }]);
        expect(model.design.classes).toEqual(['yes', 'no']);
      }),
      { numRuns: 25 },
    );
  });

  it('a command named like a prototype member is an unknown command', async () => {
    for (const name of PROTOTYPE_NAMES) {
      const run = await cliInProcess(name, 'x');
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/unknown command/);
    }
  });
});

describe('softlogit predict', () => {
  it('round-trips a logistic --json model: probabilities, classes and links as the library predicts', () => {
    const fit = LogisticFit.fromJSON(readFileSync(tmp('rank.json'), 'utf8'));
    const design = designMatrix(parseCSV(readFileSync(UCLA, 'utf8')), { response: 'admit', factors: ['rank'] });
    const X = asX(design);
    const prob = readCSV(ok('predict', tmp('rank.json'), UCLA));
    expect(prob.header).toEqual(['prob']);
    expect(prob.rows).toHaveLength(400);
    const expected = fit.predict(X);
    prob.rows.forEach(([p], i) => expect(Math.abs(Number(p) - expected[i]!)).toBe(EXACT));
    const link = readCSV(ok('predict', tmp('rank.json'), UCLA, '--type', 'link'));
    const eta = fit.predict(X, { type: 'link' });
    link.rows.forEach(([v], i) => expect(Number(v)).toBe(eta[i]));
    const cls = readCSV(ok('predict', tmp('rank.json'), UCLA, '--type', 'class'));
    expect(cls.header).toEqual(['class']);
    cls.rows.forEach(([c], i) => expect(c).toBe(expected[i]! > 0.5 ? '1' : '0'));
  });

  it('round-trips a softmax model: one column per class, class labels', () => {
    const fit = SoftmaxFit.fromJSON(readFileSync(tmp('housing.json'), 'utf8'));
    const frame = parseCSV(readFileSync(HOUSING, 'utf8'));
    const X = asX(newDataMatrix(frame, JSON.parse(readFileSync(tmp('housing.json'), 'utf8')).design));
    const prob = readCSV(ok('predict', tmp('housing.json'), HOUSING));
    expect(prob.header).toEqual(['Low', 'Medium', 'High']);
    const P = fit.predict(X);
    prob.rows.forEach((row, i) => row.forEach((p, k) => expect(Number(p)).toBe(P.get(i, k))));
    const cls = readCSV(ok('predict', tmp('housing.json'), HOUSING, '--type', 'class'));
    expect(cls.rows.map(([c]) => c)).toEqual(fit.predict(X, { type: 'class' }));
  });

  it('codes new data with the training levels, NA for a missing predictor, in row order', () => {
    writeFileSync(tmp('new.csv'), 'rank,gpa,gre,extra\n4,3.5,600,x\n1,NA,700,y\n2,3.9,"800",z\n');
    const run = cli('predict', tmp('rank.json'), tmp('new.csv'));
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('note: 1 row has a missing predictor value; predicted as NA\n');
    const { rows } = readCSV(run.stdout);
    const fit = LogisticFit.fromJSON(readFileSync(tmp('rank.json'), 'utf8'));
    const expected = fit.predict([[600, 3.5, 0, 0, 1], [800, 3.9, 1, 0, 0]]);
    expect(rows.map(([p]) => p)).toEqual([String(expected[0]), 'NA', String(expected[1])]);
  });

  it('rejects a level the model was not fitted with, naming row and column', () => {
    writeFileSync(tmp('new-level.csv'), 'gre,gpa,rank\n600,3.5,4\n700,3.2,5\n');
    const run = cli('predict', tmp('rank.json'), tmp('new-level.csv'));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/column "rank" holds "5" at data row 2 \(line 3\).*levels \(1, 2, 3, 4\)/);
  });
});

describe('softlogit convert', () => {
  it('gives the library conversions of W with their SEs (reference, symmetric)', () => {
    const fit = SoftmaxFit.fromJSON(readFileSync(tmp('housing.json'), 'utf8'));
    const symmetric = JSON.parse(ok('convert', tmp('housing.json'), '--to', 'symmetric', '--json'));
    expect(symmetric.columns).toEqual(['Low', 'Medium', 'High']);
    expectClose(symmetric.coefficients, toSymmetric(fit.coefficients).toArray(), CONVERSION_RTOL);
    const libSE = fit.withParameterization('symmetric').standardErrors;
    symmetric.standardErrors.forEach((row: number[], j: number) =>
      row.forEach((s, k) => expect(relative(s, libSE.get(j, k))).toBeLessThan(SAME_FIT_RTOL)),
    );
    const medium = JSON.parse(ok('convert', tmp('housing.json'), '--to', 'reference', '--reference', 'Medium', '--json'));
    expect(medium.reference).toBe('Medium');
    expectClose(medium.coefficients, toReference(fit.coefficients, 1).toArray(), CONVERSION_RTOL);
    medium.standardErrors.forEach((row: number[]) => expect(row[1]).toBe(0));
    const text = ok('convert', tmp('housing.json'), '--to', 'symmetric');
    expect(text).toContain('symmetric form (each row sums to zero)');
    expect(text).toContain('Std. Errors:');
  });

  it('--to logistic on a two-class softmax gives the glm coefficients and SEs', () => {
    writeFileSync(tmp('ucla2.json'), ok('fit', UCLA, '--response', 'admit', '--predictors', 'gre,gpa', '--family', 'multinomial', '--json'));
    const result = JSON.parse(ok('convert', tmp('ucla2.json'), '--to', 'logistic', '--json'));
    expect(result.columns).toEqual(['1']);
    result.coefficients.forEach(([b]: number[], j: number) => expect(relative(b, R_GLM.coefficients[j]!)).toBeLessThan(SEED_RTOL));
    const glm = JSON.parse(ok('fit', UCLA, '--response', 'admit', '--predictors', 'gre,gpa', '--json'));
    const se = LogisticFit.fromJSON(glm).standardErrors;
    result.standardErrors.forEach(([s]: number[], j: number) => expect(relative(s, se[j]!)).toBeLessThan(SAME_FIT_RTOL));
    expect(ok('convert', tmp('ucla2.json'), '--to', 'logistic')).toMatch(/gre\s+0\.002691\s+0\.001057\s+2\.544/);
  });

  it('a logistic model converts to the two-class W = [−β/2 | β/2]', () => {
    const result = JSON.parse(ok('convert', tmp('rank.json'), '--to', 'symmetric', '--json'));
    const beta = LogisticFit.fromJSON(readFileSync(tmp('rank.json'), 'utf8')).coefficients;
    expect(result.columns).toEqual(['0', '1']);
    result.coefficients.forEach(([w0, w1]: number[], j: number) => {
      expect(w1).toBe(beta[j]! / 2);
      expect(w0).toBe(-beta[j]! / 2);
    });
  });
});

describe('user errors: exit 2, one line naming the problem', () => {
  /** Runs a failing command: exit 2, nothing on stdout, one stderr line, no stack trace. */
  function fails(...args: string[]): string {
    const run = cli(...args);
    expect(run.status, `softlogit ${args.join(' ')}`).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    return lines[0]!;
  }

  it('a missing data or model file', () => {
    expect(fails('fit', tmp('nope.csv'), '--response', 'admit')).toMatch(/cannot read data file .*nope\.csv: no such file/);
    expect(fails('predict', tmp('nope.json'), UCLA)).toMatch(/cannot read model file .*nope\.json: no such file/);
  });

  it('an unknown column, listing the columns there are', () => {
    expect(fails('fit', UCLA, '--response', 'admitted')).toBe(
      `softlogit fit: --response names column "admitted", which is not in ${UCLA}; its columns are: admit, gre, gpa, rank`,
    );
    expect(fails('fit', UCLA, '--response', 'admit', '--predictors', 'gre,GPA')).toMatch(/--predictors names column "GPA"/);
    expect(fails('fit', UCLA, '--response', 'admit', '--weights', 'w')).toMatch(/--weights names column "w"/);
  });

  it('a constant response', () => {
    writeFileSync(tmp('constant.csv'), 'y,x\n1,0.5\n1,0.7\n1,0.1\n');
    expect(fails('fit', tmp('constant.csv'), '--response', 'y')).toMatch(/response "y" has a single value \(1\)/);
  });

  it('a non-numeric cell in a numeric column, naming row, line and column', () => {
    const lines = readFileSync(UCLA, 'utf8').split('\n');
    lines[5] = lines[5]!.replace(/,([\d.]+),(\d)$/, ',3.x,$2');
    writeFileSync(tmp('typo.csv'), lines.join('\n'));
    expect(fails('fit', tmp('typo.csv'), '--response', 'admit')).toBe(
      'softlogit fit: readCSV: column "gpa" must be numeric, but data row 5 (line 6) holds "3.x" (if "gpa" is categorical, say --factor gpa)',
    );
    writeFileSync(tmp('weights.csv'), 'y,x,w\n0,1,1\n1,2,heavy\n0,3,1\n1,1,2\n');
    expect(fails('fit', tmp('weights.csv'), '--response', 'y', '--weights', 'w')).toMatch(/column "w" must be numeric, but data row 2 \(line 3\) holds "heavy"/);
    writeFileSync(tmp('predict-typo.csv'), 'gre,gpa,rank\n600,3.5,4\n700,abc,1\n');
    expect(fails('predict', tmp('rank.json'), tmp('predict-typo.csv'))).toMatch(/column "gpa" must be numeric, but data row 2 \(line 3\) holds "abc"/);
  });

  it('bad usage: options, choices, arguments, commands', () => {
    expect(fails('fit', UCLA)).toMatch(/--response COLUMN .* or --counts/);
    expect(fails('fit', UCLA, '--response', 'admit', '--counts', 'a,b')).toMatch(/either --response or --counts/);
    expect(fails('fit', UCLA, '--response', 'admit', '--bogus')).toMatch(/Unknown option '--bogus' \(see softlogit fit --help\)$/);
    expect(fails('fit', UCLA, '--response', 'admit', '--frith')).toMatch(/Unknown option '--frith'; did you mean '--firth'\?/);
    expect(fails('fit', UCLA, '--response', 'admit', '--thread', '2')).toMatch(/Unknown option '--thread'; did you mean '--threads'\?/);
    expect(fails('fit', UCLA, '--response', 'admit', '--wieghts', 'w')).toMatch(/did you mean '--weights'\?/);
    expect(fails('fit', UCLA, '--response', 'admit', '--no-intercpt')).toMatch(/did you mean '--no-intercept'\?/);
    expect(fails('fit', UCLA, '--respone', 'admit')).toMatch(/did you mean '--response'\?/);
    expect(fails('predict', tmp('rank.json'), UCLA, '--tpye', 'class')).toMatch(/did you mean '--type'\?/);
    expect(fails('convert', tmp('rank.json'), '--To', 'symmetric')).toMatch(/did you mean '--to'\?/);
    expect(fails('fit', UCLA, '--response', 'admit', '--family', 'poisson')).toMatch(/--family should be one of binomial, multinomial, got "poisson"/);
    expect(fails('fit', UCLA, '--response', 'admit', '--l2=-1')).toMatch(/--l2 should be a number/);
    expect(fails('fit', UCLA, '--response', 'rank', '--family', 'binomial')).toMatch(/needs a response with two classes, but rank has 4/);
    expect(fails('fit', UCLA, '--response', 'admit', '--reference', '2')).toMatch(/--reference "2" is not one of the classes \(0, 1\)/);
    expect(fails('fit', UCLA, '--response', 'admit', '--levels', 'rank')).toMatch(/--levels should look like COLUMN=LEVEL1,LEVEL2/);
    expect(fails('fit', UCLA, '--response', 'admit', '--levels', 'rank=1,2,3')).toMatch(/column "rank" holds "4" .*not one of its levels \(1, 2, 3\)/);
    expect(fails('fit')).toMatch(/needs a data file/);
    expect(fails('predict', tmp('rank.json'))).toMatch(/needs a data file/);
    expect(fails('convert', tmp('rank.json'))).toMatch(/--to reference, --to symmetric or --to logistic/);
    expect(fails('convert', tmp('housing.json'), '--to', 'logistic')).toMatch(/needs a model with two classes, but .* has 3/);
    expect(fails('frobnicate')).toMatch(/unknown command "frobnicate"/);
    writeFileSync(tmp('not-a-model.json'), '{"model": "tree"}');
    expect(fails('predict', tmp('not-a-model.json'), UCLA)).toMatch(/expected a softlogit model/);
    writeFileSync(tmp('broken.json'), '{"model": ');
    expect(fails('convert', tmp('broken.json'), '--to', 'symmetric')).toMatch(/is not valid JSON/);
  });

  it('a declared response level that never occurs is EMPTY_CLASS, never a silently smaller model', () => {
    const empty = /class "2" of response "admit" has no observations in the 400 rows used, so its coefficients have no finite MLE/;
    expect(fails('fit', UCLA, '--response', 'admit', '--levels', 'admit=0,1,2')).toMatch(empty);
    expect(fails('fit', UCLA, '--response', 'admit', '--levels', 'admit=0,1,2', '--json')).toMatch(empty);
    expect(fails('fit', UCLA, '--response', 'admit', '--levels', 'admit=0,1,2', '--family', 'binomial')).toMatch(empty);
    expect(fails('fit', UCLA, '--response', 'admit', '--levels', 'admit=0,1,2', '--reference', '2')).toMatch(empty);
    expect(fails('fit', UCLA, '--response', 'admit', '--levels', 'admit=2,0,1', '--family', 'multinomial')).toMatch(empty);
    // A --reference that is not a class at all is a usage error; a counts column of zeros and a
    // class whose rows all have weight 0 are the API's EMPTY_CLASS.
    expect(fails('fit', UCLA, '--response', 'admit', '--reference', 'yes')).toMatch(/--reference "yes" is not one of the classes \(0, 1\)/);
    writeFileSync(tmp('zero-class.csv'), 'a,b,c,x\n1,2,0,1\n2,1,0,2\n3,1,0,3\n1,3,0,4\n');
    expect(fails('fit', tmp('zero-class.csv'), '--counts', 'a,b,c')).toMatch(/fitSoftmax: class 'c' \(string\) has no observations/);
    writeFileSync(tmp('zero-weight.csv'), 'y,x,w\na,1,1\nb,2,1\nc,3,0\na,4,1\nb,1,1\nc,2,0\n');
    expect(fails('fit', tmp('zero-weight.csv'), '--response', 'y', '--weights', 'w')).toMatch(/fitSoftmax: class 'c' \(string\) has no observations \(with non-zero weight\)/);
  });

  it('a fit that cannot be done (collinear columns) is a data error too', () => {
    writeFileSync(tmp('collinear.csv'), 'y,a,b\n0,1,2\n1,2,4\n0,3,6\n1,4,8\n0,2,4\n1,3,6\n');
    expect(fails('fit', tmp('collinear.csv'), '--response', 'y')).toMatch(/column 'b' is a linear combination/);
  });

  it('help and version succeed', () => {
    expect(ok('--help')).toContain('Usage: softlogit COMMAND');
    expect(ok('fit', '--help')).toContain('--response COLUMN');
    for (const option of [/--firth +binomial: Firth/, /--offset COLUMN +binomial: known log-odds/, /--threads N +run the passes/]) {
      expect(ok('fit', '--help')).toMatch(option);
    }
    expect(ok('--version')).toMatch(/^softlogit \d+\.\d+\.\d+\n$/);
  });
});

describe('the data-layer additions the CLI uses', () => {
  it('designMatrix levels: R factor(x, levels = ...) order, first level the reference', () => {
    const frame = parseCSV('y,g\nb,lo\na,hi\nb,mid\na,lo\n');
    const design = designMatrix(frame, { response: 'y', levels: { g: ['lo', 'mid', 'hi'], y: ['b', 'a'] } });
    expect(design.names).toEqual(['gmid', 'ghi']);
    expect(design.response).toEqual({ kind: 'labels', labels: ['b', 'a', 'b', 'a'], levels: ['b', 'a'] });
    const error = (() => {
      try {
        designMatrix(frame, { response: 'y', levels: { g: ['lo', 'hi'] } });
      } catch (e) {
        return e as SoftlogitError;
      }
      return undefined;
    })();
    expect(error?.code).toBe('UNKNOWN_LABEL');
  });

  it('newDataMatrix codes new rows with the fitted levels, keeping unused ones', () => {
    const design = designMatrix(parseCSV('y,rank,x\n0,1,5\n1,2,6\n1,3,7\n0,3,8\n'), { response: 'y', factors: ['rank'] });
    const coded = newDataMatrix(parseCSV('x,rank\n1,3\nNA,1\n2,3\n'), design);
    expect(coded.names).toEqual(['rank2', 'rank3', 'x']);
    expect(Array.from(coded.X)).toEqual([0, 1, 1,  0, 1, 2]);
    expect(Array.from(coded.rows)).toEqual([0, 2]);
    expect(coded.droppedRowNumbers).toEqual([2]);
  });
});
