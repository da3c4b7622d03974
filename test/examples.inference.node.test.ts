/**
 * examples/inference.mjs, the README's "Inference" section, and the references they quote: runs
 * the example against the built dist/ (`npm run build` first, as test/package.node.test.ts needs)
 * and checks, for every number the README quotes, that
 *   1. the README's Inference section quotes it in a code block whose first line names that
 *      section of the example ("// section 4"),
 *   2. the example prints, in the section of that item, a number that rounds to it (as many times
 *      as the example prints it, e.g. the clustered SEs from memory, a stream, shards and SQL),
 *   3. one of those printed numbers matches the fixture's reference value to the tolerance of that
 *      reference (the same tolerances the unit tests use), and the reference rounds to the quote.
 * So a change of the example, of the README or of the library that moves a quoted number fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import anes from './fixtures/inference/anes96-margeff.json';
import offsetRef from './fixtures/inference/housing-offset.json';
import softProfile from './fixtures/inference/housing-profile.json';
import softResiduals from './fixtures/inference/softmax-residuals.json';
import sm from './fixtures/inference/statsmodels.json';
import ucla from './fixtures/inference/ucla-logistic.json';
import uclaMargeff from './fixtures/inference/ucla-margeff.json';
import uclaProfile from './fixtures/inference/ucla-profile.json';
import uclaResiduals from './fixtures/inference/ucla-residuals.json';

const root = fileURLToPath(new URL('..', import.meta.url));

/** R's own numbers (glm refit at epsilon 1e-14; sandwich; residuals): what test/inference.test.ts asks. */
const R_TOL = 1e-10;
/** χ² tail probabilities, through pchisq of a statistic that is itself good to ~1e-14. */
const P_TOL = 1e-8;
/** statsmodels (Newton at tol 1e-12, complex-step Jacobians for the effects' SEs). */
const STATSMODELS_TOL = 1e-9;
/**
 * Stata 11's printed `margins` numbers: its MLE is ~1e-7 from the exact one, which moves the
 * effects by up to 1.3e-6 relative (selfLR, class 6).
 */
const STATA_TOL = 2e-6;
/** nnet::multinom stops its optimizer (reltol 1e-15) ~1e-7 from the exact MLE; the deviance is at its minimum. */
const NNET_TOL = 1e-6;
/** Exact profile roots (uniroot on refits at tol 1e-13), not MASS's or VGAM's spline values. */
const ROOT_TOL = 1e-8;

/** A number as the README quotes it, where the example prints it, and what it is checked against. */
interface Quote {
  /** The item of issue #15, the example's `## n.` section. */
  section: number;
  quoted: string;
  reference: number;
  tolerance: number;
  /** How many printed numbers round to it (the same statistic printed by several fit kinds). */
  times?: number;
  /** Printed only rounded (summary()), so checked to its printed digits. */
  rounded?: boolean;
}

const sqrtDiag = (m: number[][], j: number): number => Math.sqrt(m[j]![j]!);
const anesOverall = anes.statsmodels.find((c) => !c.vote && c.at === 'overall' && c.method === 'dydx')!;

const QUOTES: Quote[] = [
  { section: 1, quoted: '41.459', reference: ucla.lrNull.statistic[0]!, tolerance: R_TOL },
  { section: 1, quoted: '7.578e-8', reference: ucla.lrNull.pValue[0]!, tolerance: P_TOL },
  { section: 1, quoted: '21.826', reference: ucla.lrSmallLarge.statistic[0]!, tolerance: R_TOL },
  { section: 1, quoted: '7.088e-5', reference: ucla.lrSmallLarge.pValue[0]!, tolerance: P_TOL },
  { section: 1, quoted: '178.79', reference: sm.housing.llrExact, tolerance: STATSMODELS_TOL },
  { section: 1, quoted: '7.54e-32', reference: sm.housing.llrPvalueExact, tolerance: P_TOL },
  { section: 2, quoted: '0.08292', reference: ucla.pseudoR2.mcFadden[0]!, tolerance: R_TOL },
  { section: 2, quoted: '0.09846', reference: ucla.pseudoR2.coxSnell[0]!, tolerance: R_TOL },
  { section: 2, quoted: '0.1380', reference: ucla.pseudoR2.nagelkerke[0]!, tolerance: R_TOL },
  { section: 2, quoted: '-249.99', reference: ucla.pseudoR2.logLikNull[0]!, tolerance: R_TOL },
  // statsmodels' prsquared divides by the logLik of its own null fit, 2.4e-10 from the exact one
  { section: 2, quoted: '0.0490', reference: 1 - sm.housing.llf / sm.housing.llnullExact, tolerance: STATSMODELS_TOL },
  { section: 3, quoted: '20.895', reference: ucla.waldRank.statistic[0]!, tolerance: R_TOL },
  { section: 3, quoted: '1.107e-4', reference: ucla.waldRank.pValue[0]!, tolerance: P_TOL },
  { section: 3, quoted: '5.8342', reference: ucla.waldGeneral.statistic[0]!, tolerance: R_TOL },
  { section: 3, quoted: '60.021', reference: sm.housing.waldType.statistic, tolerance: STATSMODELS_TOL },
  // 4. Marginal effects: UCLA against statsmodels, anes96 against Stata's printed numbers and statsmodels
  ...['0.00044057', '0.15643', '-0.13141', '-0.26075', '-0.30185'].map((quoted, j) => ({
    section: 4, quoted, reference: uclaMargeff.cases[0]!.effect[j]!, tolerance: STATSMODELS_TOL,
  })),
  { section: 4, quoted: '0.00022816', reference: uclaMargeff.cases[1]!.se[0]!, tolerance: STATSMODELS_TOL },
  { section: 4, quoted: '0.069142', reference: uclaMargeff.cases[1]!.se[1]!, tolerance: STATSMODELS_TOL },
  { section: 4, quoted: '-0.097799', reference: anes.stata.dydx_overall.effect[1]![0]!, tolerance: STATA_TOL },
  { section: 4, quoted: '-0.050224', reference: anes.stata.dydx_overall.effect[1]![1]!, tolerance: STATA_TOL },
  { section: 4, quoted: '0.12460', reference: anes.stata.dydx_overall.effect[1]![6]!, tolerance: STATA_TOL },
  { section: 4, quoted: '0.12460', reference: (anesOverall.effect as number[][])[1]![6]!, tolerance: STATSMODELS_TOL },
  // 5. Robust covariance: R sandwich; the clustered SEs from memory, a stream, shards and DuckDB
  { section: 5, quoted: '1.1453', reference: sqrtDiag(ucla.sandwich.HC1, 0), tolerance: R_TOL },
  { section: 5, quoted: '0.0011097', reference: sqrtDiag(ucla.sandwich.HC1, 1), tolerance: R_TOL },
  { section: 5, quoted: '0.34732', reference: sqrtDiag(ucla.sandwich.HC1, 2), tolerance: R_TOL },
  { section: 5, quoted: '0.36626', reference: sqrtDiag(ucla.sandwich.CLrank, 0), tolerance: R_TOL, times: 4 },
  { section: 5, quoted: '0.00040171', reference: sqrtDiag(ucla.sandwich.CLrank, 1), tolerance: R_TOL, times: 4 },
  { section: 5, quoted: '0.11906', reference: sqrtDiag(ucla.sandwich.CLrank, 2), tolerance: R_TOL, times: 4 },
  // 6. Profile-likelihood intervals: the exact roots (MASS's and VGAM's splines are 1e-5 off)
  { section: 6, quoted: '0.00013758', reference: uclaProfile.exact95.lower[1]!, tolerance: ROOT_TOL },
  { section: 6, quoted: '0.0044358', reference: uclaProfile.exact95.upper[1]!, tolerance: ROOT_TOL },
  { section: 6, quoted: '0.16948', reference: softProfile.reference95.lower[1]![1]!, tolerance: ROOT_TOL },
  { section: 6, quoted: '0.72461', reference: softProfile.reference95.upper[1]![1]!, tolerance: ROOT_TOL },
  // 7. Residuals and influence: R's residuals.glm / hatvalues / cooks.distance, VGAM for softmax
  { section: 7, quoted: '-0.45678', reference: uclaResiduals.plain.pearson[0]!, tolerance: R_TOL },
  { section: 7, quoted: '1.5565', reference: uclaResiduals.plain.pearson[1]!, tolerance: R_TOL },
  { section: 7, quoted: '0.016121', reference: uclaResiduals.plain.hat[0]!, tolerance: R_TOL },
  { section: 7, quoted: '0.010914', reference: uclaResiduals.plain.hat[1]!, tolerance: R_TOL },
  { section: 7, quoted: '0.00057913', reference: uclaResiduals.plain.cooks[0]!, tolerance: R_TOL },
  { section: 7, quoted: '0.0045043', reference: uclaResiduals.plain.cooks[1]!, tolerance: R_TOL },
  { section: 7, quoted: '397.49', reference: uclaResiduals.plain.pearsonChiSquare[0]!, tolerance: R_TOL },
  { section: 7, quoted: '1.0089', reference: uclaResiduals.plain.dispersion[0]!, tolerance: R_TOL },
  { section: 7, quoted: '-3.7832', reference: softResiduals.housing.pearson[0]![0]!, tolerance: R_TOL },
  { section: 7, quoted: '-4.2161', reference: softResiduals.housing.pearson[0]![1]!, tolerance: R_TOL },
  { section: 7, quoted: '0.091091', reference: softResiduals.housing.hat[0]![0]!, tolerance: R_TOL },
  { section: 7, quoted: '0.098014', reference: softResiduals.housing.hat[0]![1]!, tolerance: R_TOL },
  { section: 7, quoted: '3368.5', reference: softResiduals.housing.pearsonChiSquare[0]!, tolerance: R_TOL },
  // 8. Prediction uncertainty: R predict(…, se.fit = TRUE) at the first new row
  { section: 8, quoted: '0.29217', reference: ucla.predict.response[0]!, tolerance: R_TOL },
  { section: 8, quoted: '0.047508', reference: ucla.predict.responseSe[0]!, tolerance: R_TOL },
  { section: 8, quoted: '0.20832', reference: ucla.predict.lower[0]!, tolerance: R_TOL },
  { section: 8, quoted: '0.39303', reference: ucla.predict.upper[0]!, tolerance: R_TOL },
  // 9. Odds ratios: R exp(coef)
  { section: 9, quoted: '2.2345', reference: ucla.oddsRatios.oddsRatio[2]!, tolerance: R_TOL },
  // 10. Softmax offset: nnet::multinom(… + offset(O))
  { section: 10, quoted: '3701.6109', reference: offsetRef.deviance[0]!, tolerance: NNET_TOL },
  // 11. summary(): BIC and the LR test
  { section: 11, quoted: '494.47', reference: sm.ucla.bic, tolerance: STATSMODELS_TOL, rounded: true },
  { section: 11, quoted: '41.459', reference: ucla.lrNull.statistic[0]!, tolerance: R_TOL, rounded: true },
];

/** Half a unit in the last quoted digit: '7.578e-8' → 5e-12, '0.1380' → 5e-5. */
function halfLastDigit(quoted: string): number {
  const [mantissa, exponent = '0'] = quoted.toLowerCase().split('e');
  const decimals = mantissa!.includes('.') ? mantissa!.split('.')[1]!.length : 0;
  return 0.5 * 10 ** (Number(exponent) - decimals);
}

/** True when `value` rounds to the quoted number (a relative slack of 1e-9 for the quote's own rounding). */
function roundsTo(value: number, quoted: string): boolean {
  return Math.abs(value - Number(quoted)) <= halfLastDigit(quoted) * (1 + 1e-9);
}

const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi;

let sections: Map<number, string[]>;
/** The README Inference section's code blocks by the example section their first line names. */
let readmeBlocks: Map<number, string>;

beforeAll(() => {
  if (!existsSync(join(root, 'dist/index.js')) || !existsSync(join(root, 'dist/sql/index.js'))) {
    throw new Error('examples/inference.mjs imports dist/: run `npm run build` first');
  }
  const run = spawnSync(process.execPath, [join(root, 'examples/inference.mjs')], { cwd: root, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  sections = new Map();
  for (const part of run.stdout.split(/^## /m).slice(1)) {
    const n = Number(part.slice(0, part.indexOf('.')));
    const body = part.slice(part.indexOf('\n'));
    sections.set(n, Array.from(body.matchAll(NUMBER), (m) => m[0]));
  }
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  const readme = text.slice(text.indexOf('\n## Inference'), text.indexOf('\n## Command line'));
  readmeBlocks = new Map();
  for (const [, block] of readme.matchAll(/^```\w*\n([\s\S]*?)^```/gm)) {
    const label = /sections? (\d+)(?: and (\d+))?/.exec(block!.split('\n')[0]!);
    expect(label, `a README code block names its example section: ${block!.slice(0, 80)}`).not.toBeNull();
    for (const n of label!.slice(1).filter(Boolean)) readmeBlocks.set(Number(n), (readmeBlocks.get(Number(n)) ?? '') + block);
  }
}, 60_000);

describe('examples/inference.mjs and the README Inference section', () => {
  it('prints one section for each of the 11 items of issue #15, and the README has an example of each', () => {
    expect([...sections.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect([...readmeBlocks.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it.each(QUOTES.map((q) => [q.section, q.quoted, q] as const))('section %i: %s', (section, quoted, q) => {
    const escaped = quoted.replace(/[.+-]/g, '\\$&');
    expect(readmeBlocks.get(section), `README quotes ${quoted} in a block of section ${section}`).toMatch(new RegExp(`(^|[^\\d.])${escaped}(?![\\d])`));
    const printed = sections.get(section)!.filter((v) => roundsTo(Number(v), quoted));
    expect(printed.length, `section ${section} prints a number that rounds to ${quoted}`).toBeGreaterThanOrEqual(q.times ?? 1);
    expect(roundsTo(q.reference, quoted), `the reference ${q.reference} rounds to ${quoted}`).toBe(true);
    // A number printed rounded (summary(), the anova table) is checked to its own last digit.
    for (const value of printed) {
      const tolerance = Math.max(q.tolerance, halfLastDigit(value) * (1 + 1e-9) / Math.abs(q.reference));
      expect(Math.abs(Number(value) - q.reference) / Math.abs(q.reference), `${value} vs reference ${q.reference}`).toBeLessThanOrEqual(tolerance);
    }
    if (!q.rounded) expect(printed.some((v) => Math.abs(Number(v) - q.reference) <= q.tolerance * Math.abs(q.reference)), 'one printed to full precision').toBe(true);
  });
});
