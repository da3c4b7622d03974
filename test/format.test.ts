// Text layout (src/format.ts) against R's own output: format(x, digits), format.pval and the
// coefficient table printCoefmat prints in summary.glm. The expected strings were printed by
// R 4.2.2 (Debian) in a C locale; the R commands are above each table. (The summaries of whole
// fits are compared with R in logistic.test.ts.)
import { describe, expect, it } from 'vitest';
import {
  formatCoefficientTable, formatColumn, formatDevianceLines, formatNumber, formatPValues, formatTable,
  significanceStars, SIGNIFICANCE_LEGEND,
} from '../src/format.js';

// R 4.2.2 (LC_ALL=C): format(x, digits = d)
const R_FORMAT: [number[], number, string[]][] = [
  [[-4.9493780626225456, 0.0026906835959640001], 4, ["-4.949378", " 0.002691"]],
  [[0.5, 12.5, 500], 5, ["  0.5", " 12.5", "500.0"]],
  [[499.97651755491535, 480.3439816848288], 5, ["499.98", "480.34"]],
  [[124.8755926044078, 4.9937273076203379], 5, ["124.8756", "  4.9937"]],
  [[486.3439816848288], 5, ["486.34"]],
  [[480.34398168479999], 7, ["480.344"]],
  [[1e-10, 1], 4, ["1e-10", "1e+00"]],
  [[123456789, 0.10000000000000001], 4, ["1.235e+08", "1.000e-01"]],
  [[5.0000000000000002e-05, 1.2299999999999999e-10], 3, ["5.00e-05", "1.23e-10"]],
  [[1e+100, -1e-100], 3, [" 1e+100", "-1e-100"]],
  [[0, 0], 4, ["0", "0"]],
  [[0, 1.5, -2.25], 4, [" 0.00", " 1.50", "-2.25"]],
  [[99.995999999999995, 1], 4, ["100", "  1"]],
  [[9996, 1], 3, ["9996", "   1"]],
  [[99999.699999999997, 2], 5, ["1e+05", "2e+00"]],
  [[0.99999000000000005], 3, ["1"]],
  [[1234567.1000000001], 7, ["1234567"]],
  [[-1, NaN, Infinity, -Infinity, 2.5], 4, ["-1.0", " NaN", " Inf", "-Inf", " 2.5"]],
  [[6.0221407599999999e+23], 4, ["6.022e+23"]],
  [[399, 397], 7, ["399", "397"]],
  [[1e-99, 1], 2, ["1e-99", "1e+00"]],
  [[1e-100, 1], 2, ["1e-100", " 1e+00"]],
  [[-0.00012300000000000001, 45.600000000000001], 3, ["-0.000123", "45.600000"]],
  [[2.2204460492503131e-16], 1, ["2e-16"]],
];
// R 4.2.2: format.pval(p, digits = 3)
const R_FORMAT_PVAL: [number[], string[]][] = [
  [[4.1500000000000001e-06, 0.0109, 0.018200000000000001], ["4.15e-06", "0.0109", "0.0182"]],
  [[0.00046500000000000003, 0.038464999999999999, 0.015388000000000001, 0.00010399999999999999], ["0.000465", "0.038465", "0.015388", "0.000104"]],
  [[9.9999999999999995e-21, 0.217, 0.69299999999999995], ["<2e-16", "0.217", "0.693"]],
  [[9.9999999999999995e-21, 0.093130000000000004, 0.2848], ["<2e-16", "0.0931", "0.2848"]],
  [[9.9999999999999995e-21, 3.0000000000000001e-17], ["<2e-16", "<2e-16"]],
  [[0.5, 1, 0.99999000000000005], ["0.5", "1.0", "1.0"]],
  [[0.00050000000000000001, 5.0000000000000002e-05], ["5e-04", "5e-05"]],
  [[1e-300, 0.01], ["<2e-16", "0.01"]],
  [[0, 0.5], ["<2e-16", "0.5"]],
  [[0.050000000000000003, NaN], ["0.05", "NA"]],
];
// R 4.2.2 (LC_ALL=C): printCoefmat(cbind(Estimate = b, 'Std. Error' = se, 'z value' = b / se,
//   'Pr(>|z|)' = 2 * pnorm(-abs(b / se))), digits = 4), as print.summary.glm calls it
const R_COEFMAT: { names: string[]; estimates: number[]; se: number[]; z: number[]; p: number[]; lines: string[] }[] = [
  {
    names: ["(Intercept)", "a", "b"],
    estimates: [2.5, -0.00012344999999999999, 123.456],
    se: [0.5, 0.0001, 50],
    z: [5, -1.2344999999999999, 2.4691200000000002],
    p: [5.7330314375838782e-07, 0.21701664672534035, 0.013544578918520301],
    lines: [
      "              Estimate Std. Error z value Pr(>|z|)    ",
      "(Intercept)  2.500e+00  5.000e-01   5.000 5.73e-07 ***",
      "a           -1.234e-04  1.000e-04  -1.234   0.2170    ",
      "b            1.235e+02  5.000e+01   2.469   0.0135 *  ",
      "---",
      "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1",
    ],
  },
  {
    names: ["x1", "x2"],
    estimates: [0.10000000000000001, 0.20000000000000001],
    se: [1, 2],
    z: [0.10000000000000001, 0.10000000000000001],
    p: [0.92034432544594202, 0.92034432544594202],
    lines: [
      "   Estimate Std. Error z value Pr(>|z|)",
      "x1      0.1        1.0     0.1     0.92",
      "x2      0.2        2.0     0.1     0.92",
    ],
  },
  {
    names: ["(Intercept)", "big"],
    estimates: [35.200000000000003, -9.9999999999999995e-08],
    se: [1.1000000000000001, 3e-09],
    z: [32, -33.333333333333329],
    p: [1.0904161207024791e-224, 1.2704546240405794e-243],
    lines: [
      "             Estimate Std. Error z value Pr(>|z|)    ",
      "(Intercept)  3.52e+01   1.10e+00   32.00   <2e-16 ***",
      "big         -1.00e-07   3.00e-09  -33.33   <2e-16 ***",
      "---",
      "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1",
    ],
  },
  {
    names: ["w"],
    estimates: [9.9999999999999995e-21],
    se: [9.9999999999999991e-22],
    z: [10],
    p: [1.5239706048321054e-23],
    lines: [
      "  Estimate Std. Error z value Pr(>|z|)    ",
      "w    1e-20      1e-21      10   <2e-16 ***",
      "---",
      "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1",
    ],
  },
  {
    names: ["(Intercept)", "gre", "gpa"],
    estimates: [-4.9493780626225412, 0.0026906835959643149, 0.75468685596293483],
    se: [1.075093072022161, 0.0010574911871842785, 0.31958563288814734],
    z: [-4.603674036623798, 2.5444028551468545, 2.3614542654583905],
    p: [4.1510199934387162e-06, 0.010946475549716032, 0.01820341707552053],
    lines: [
      "             Estimate Std. Error z value Pr(>|z|)    ",
      "(Intercept) -4.949378   1.075093  -4.604 4.15e-06 ***",
      "gre          0.002691   0.001057   2.544   0.0109 *  ",
      "gpa          0.754687   0.319586   2.361   0.0182 *  ",
      "---",
      "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1",
    ],
  },
  {
    names: ["a", "b", "c"],
    estimates: [1.5, -0.25, 0.0001],
    se: [0.5, 0.25, 0.10000000000000001],
    z: [3, -1, 0.001],
    p: [0.0026997960632601892, 0.31731050786291409, 0.99920211557217786],
    lines: [
      "  Estimate Std. Error z value Pr(>|z|)   ",
      "a   1.5000     0.5000   3.000   0.0027 **",
      "b  -0.2500     0.2500  -1.000   0.3173   ",
      "c   0.0001     0.1000   0.001   0.9992   ",
      "---",
      "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1",
    ],
  },
];

describe('formatColumn (R format(x, digits))', () => {
  it.each(R_FORMAT)('format(%j, digits = %i)', (x, digits, expected) => {
    expect(formatColumn(x, digits)).toEqual(expected);
  });

  it('formatNumber formats one number the same way', () => {
    expect(formatNumber(480.3439816848)).toBe('480.344');
    expect(formatNumber(499.97651755491535, 5)).toBe('499.98');
    expect(formatNumber(500, 5)).toBe('500');
    expect(formatNumber(Number.NaN)).toBe('NaN');
  });
});

describe('formatPValues (R format.pval(p, digits = 3))', () => {
  it.each(R_FORMAT_PVAL)('format.pval(%j)', (p, expected) => {
    expect(formatPValues(p)).toEqual(expected);
  });
});

describe('formatCoefficientTable (R printCoefmat, digits = 4)', () => {
  it.each(R_COEFMAT.map((t) => [t.names.join(', '), t] as const))('%s', (_, t) => {
    expect(formatCoefficientTable(t.names, t.estimates, t.se, t.z, t.p)).toEqual(t.lines);
  });

  it("labels t statistics 't value' and 'Pr(>|t|)' when asked", () => {
    const [header] = formatCoefficientTable(['a'], [1], [0.5], [2], [0.05], 't');
    expect(header).toMatch(/t value Pr\(>\|t\|\)/);
  });

  it('prints NaN standard errors, statistics and p-values as NaN', () => {
    const lines = formatCoefficientTable(['a', 'b'], [1, 2], [0.5, Number.NaN], [2, Number.NaN], [0.0455, Number.NaN]);
    expect(lines[2]).toMatch(/^b +2\.0 +NaN +NaN +NaN/);
  });
});

describe('deviance lines, stars, legend, table layout', () => {
  it('formats both deviances together and aligns the degrees of freedom (R print.summary.glm)', () => {
    // R: summary(glm(cbind(numdead, numalive) ~ sex * ldose, binomial)) for the budworm data
    expect(formatDevianceLines(124.8755926044078, 11, 4.9937273076203379, 8)).toEqual([
      '    Null deviance: 124.8756  on 11  degrees of freedom',
      'Residual deviance:   4.9937  on  8  degrees of freedom',
    ]);
    // R: the UCLA fit
    expect(formatDevianceLines(499.97651755491535, 399, 480.3439816848288, 397)).toEqual([
      '    Null deviance: 499.98  on 399  degrees of freedom',
      'Residual deviance: 480.34  on 397  degrees of freedom',
    ]);
  });

  it('significanceStars uses R cut points 0.001, 0.01, 0.05, 0.1', () => {
    expect([0, 0.0009, 0.001, 0.009, 0.01, 0.049, 0.05, 0.099, 0.1, 1].map(significanceStars)).toEqual([
      '***', '***', '**', '**', '*', '*', '.', '.', ' ', ' ',
    ]);
    expect(significanceStars(Number.NaN)).toBe('');
    expect(SIGNIFICANCE_LEGEND).toBe("Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1");
  });

  it('formatTable left-aligns row names and right-aligns columns under their headers', () => {
    expect(formatTable(['a', 'long'], ['x', 'value'], [['1.0', '22.5'], ['3', '-4']])).toBe(
      ['        x value', 'a     1.0     3', 'long 22.5    -4'].join('\n'),
    );
  });
});
