// `npm run demo`: the UCLA admissions data fitted the two ways softlogit unifies — logistic
// regression (R's glm) and two-class softmax regression (R's multinom) — shown side by side, with
// the identity β = w₁ − w₀ between them; then a three-class softmax on MASS's housing data.
// Run `npm run build` first (npm ci does it); this imports the built package from ../dist.
import { readFileSync } from 'node:fs';
import {
  designMatrix, fitLogistic, fitSoftmax, init, parseCSV, softmaxToLogistic, toSymmetric,
} from '../dist/index.js';

const dataPath = (name) => new URL(`../data/${name}`, import.meta.url);
const frameOf = (name) => parseCSV(readFileSync(dataPath(name), 'utf8'));
const asX = (design) => ({ data: design.X, nRows: design.nRows, nFeatures: design.nFeatures });

/** R 4.2.2, glm(admit ~ gre + gpa, family = binomial, data = binary.csv): coef() and AIC(). */
const R_GLM = { coefficients: [-4.949378062622546, 0.002690683595964, 0.754686855962933], aic: 486.3439816848 };

/** Decimals that show every number of a column with at least `digits` significant digits (R's format). */
function decimalsFor(column, digits) {
  const needed = column.map((x) => (x === 0 ? 0 : Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))))));
  return Math.min(15, Math.max(...needed));
}

/** Right-aligned columns under headers, each column with common decimals, as R prints a matrix. */
function table(rowNames, headers, columns, digits = 7) {
  const cells = columns.map((column) => column.map((x) => x.toFixed(decimalsFor(column, digits))));
  const nameWidth = Math.max(...rowNames.map((s) => s.length));
  const widths = headers.map((h, c) => Math.max(h.length, ...cells[c].map((s) => s.length)));
  const line = (name, values) => name.padEnd(nameWidth) + values.map((v, c) => '  ' + v.padStart(widths[c])).join('');
  return [line('', headers), ...rowNames.map((name, r) => line(name, cells.map((column) => column[r])))].join('\n');
}

const maxAbs = (xs) => Math.max(...Array.from(xs, Math.abs));
const rule = (title) => `\n${'='.repeat(100)}\n${title}\n${'='.repeat(100)}\n`;

await init();

// --- 1. UCLA admissions: logistic regression ---------------------------------------------------
const ucla = designMatrix(frameOf('binary.csv'), { response: 'admit', predictors: ['gre', 'gpa'] });
const admit = ucla.response.labels; // 0/1
const logistic = fitLogistic(asX(ucla), admit, { names: ucla.names });

console.log(rule('1. UCLA admissions (data/binary.csv, 400 applicants): glm(admit ~ gre + gpa, family = binomial)'));
console.log(logistic.summary());
const beta = logistic.coefficients;
const absDiff = maxAbs(R_GLM.coefficients.map((b, j) => beta[j] - b));
console.log(
  `\nR's glm:   (Intercept) ${R_GLM.coefficients[0]}, gre ${R_GLM.coefficients[1]}, gpa ${R_GLM.coefficients[2]}, AIC ${R_GLM.aic}` +
    `\nsoftlogit: (Intercept) ${beta[0]}, gre ${beta[1]}, gpa ${beta[2]}, AIC ${logistic.aic}` +
    `\nlargest |softlogit − R| in the coefficients: ${absDiff.toExponential(1)}; in AIC: ${Math.abs(logistic.aic - R_GLM.aic).toExponential(1)}` +
    ` (R's values as printed, to 13-16 significant digits)`,
);

// --- 2. The same data as a two-class softmax -----------------------------------------------------
// multinom(cbind(admit2, admit) ~ gre + gpa) with admit2 = 1 - admit: classes 0 (rejected) and 1.
const softmax = fitSoftmax(asX(ucla), admit, { names: ucla.names, classes: [0, 1] });
const W = softmax.coefficients; // p x 2, reference form: column 0 is zero
const symmetric = softmax.withParameterization('symmetric');
const Wsym = toSymmetric(W); // the same as symmetric.coefficients
const seRef = softmax.standardErrors;
const seSym = symmetric.standardErrors;
const names = [...softmax.names];
const col = (m, k) => Array.from(m.col(k));

console.log(rule('2. The same model as a two-class softmax, multinom(cbind(admit2, admit) ~ gre + gpa): W = [w0 | w1], side by side'));
console.log(
  table(
    names,
    ['glm beta', 'W ref: w0', 'W ref: w1', 'W sym: w0', 'W sym: w1', 'w1 - w0 (sym)'],
    [Array.from(beta), col(W, 0), col(W, 1), col(Wsym, 0), col(Wsym, 1), Array.from(softmaxToLogistic(Wsym))],
  ),
);
console.log('\nStandard errors:');
console.log(
  table(
    names,
    ['glm beta', 'W ref: w0', 'W ref: w1', 'W sym: w0', 'W sym: w1'],
    [Array.from(logistic.standardErrors), col(seRef, 0), col(seRef, 1), col(seSym, 0), col(seSym, 1)],
  ),
);
const fromReference = softmaxToLogistic(W);
const fromSymmetric = softmaxToLogistic(symmetric.coefficients);
const diffRef = maxAbs(fromReference.map((b, j) => b - beta[j]));
const diffSym = maxAbs(fromSymmetric.map((b, j) => b - beta[j]));
console.log(
  `\nIdentity β = w1 − w0 (second column minus first), two independent Newton fits:` +
    `\n  largest |β − (w1 − w0)|: ${diffRef.toExponential(1)} (reference form), ${diffSym.toExponential(1)} (symmetric form)` +
    `\n  largest |SE(β) − SE(w1 in the reference form)|: ${maxAbs(col(seRef, 1).map((s, j) => s - logistic.standardErrors[j])).toExponential(1)}` +
    `\n  symmetric SEs are half of β's: w = ±β/2` +
    `\n  deviance ${logistic.deviance} vs ${softmax.deviance}; AIC ${logistic.aic} vs ${softmax.aic}`,
);

// --- 3. Three classes: MASS housing ---------------------------------------------------------------
// 72 rows, each a cell of the table with its count Freq (1681 households): weights = Freq.
// Levels in MASS's order (R's read.csv would sort them alphabetically instead).
const housing = designMatrix(frameOf('housing.csv'), {
  response: 'Sat',
  weights: 'Freq',
  levels: {
    Sat: ['Low', 'Medium', 'High'],
    Infl: ['Low', 'Medium', 'High'],
    Type: ['Tower', 'Apartment', 'Atrium', 'Terrace'],
    Cont: ['Low', 'High'],
  },
});
const housingFit = fitSoftmax(asX(housing), housing.response.labels, {
  names: housing.names,
  classes: housing.response.levels,
  weights: housing.weights,
});
console.log(rule('3. Three classes: MASS housing (data/housing.csv), multinom(Sat ~ Infl + Type + Cont, weights = Freq)'));
console.log(housingFit.summary());
console.log('\nThe same W in the symmetric form (rows features, columns classes; each row sums to zero):');
const Whousing = housingFit.withParameterization('symmetric').coefficients;
console.log(table([...housingFit.names], housingFit.classes.map(String), housingFit.classes.map((_, k) => col(Whousing, k)), 4));

console.log(`
From the command line (bin/softlogit.js, or npx softlogit once installed):
  softlogit fit data/binary.csv --response admit --predictors gre,gpa
  softlogit fit data/binary.csv --response admit --predictors gre,gpa --family multinomial --parameterization symmetric
  softlogit fit data/housing.csv --response Sat --weights Freq --levels Sat=Low,Medium,High \\
      --levels Infl=Low,Medium,High --levels Type=Tower,Apartment,Atrium,Terrace --levels Cont=Low,High`);
