// `node examples/inference.mjs`: every inference statistic of issue #15, numbered as the issue's
// items, on the shipped data: the UCLA admissions (data/binary.csv, logistic), MASS's housing
// (data/housing.csv, softmax with weights) and the ANES 1996 party identification
// (data/anes96.csv, softmax with 7 classes). The comments give the R / statsmodels / Stata / nnet /
// VGAM numbers the README quotes; test/examples.inference.node.test.ts runs this file and checks
// that it prints them. Run `npm run build` first; this imports ../dist.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  accumulate, accumulateScores, anova, combineAll, combineScores, designMatrix, fitLogistic, fitLogisticFromStatistics, fitLogisticStream, fitSoftmax,
  init, lrTest, parseCSV, profileConfint,
} from '../dist/index.js';
import { fitLogisticSQL } from '../dist/sql/index.js';

await init();
const frameOf = (name) => parseCSV(readFileSync(new URL(`../data/${name}`, import.meta.url), 'utf8'));
const asX = (d) => ({ data: d.X, nRows: d.nRows, nFeatures: d.nFeatures });
const section = (title) => console.log(`\n## ${title}`);

// admit ~ gre + gpa + factor(rank), and the smaller admit ~ gre + gpa
const ucla = frameOf('binary.csv');
const big = designMatrix(ucla, { response: 'admit', factors: ['rank'] });
const X = asX(big);
const y = big.response.labels;
const fit = fitLogistic(X, y, { names: big.names });
const small = designMatrix(ucla, { response: 'admit', predictors: ['gre', 'gpa'] });
const smallFit = fitLogistic(asX(small), small.response.labels, { names: small.names });

// Sat ~ Infl + Type + Cont on MASS housing, weights Freq
const housing = designMatrix(frameOf('housing.csv'), { response: 'Sat', weights: 'Freq', levels: {
  Sat: ['Low', 'Medium', 'High'], Infl: ['Low', 'Medium', 'High'], Type: ['Tower', 'Apartment', 'Atrium', 'Terrace'], Cont: ['Low', 'High'],
} });
const rows = asX(housing);
const labels = housing.response.labels;
const weights = housing.weights;
const classes = ['Low', 'Medium', 'High'];
const soft = fitSoftmax(rows, labels, { names: housing.names, weights, classes });

section('1. Likelihood-ratio tests');
console.log(fit.lrTest());               // R anova(glm(admit ~ 1), fit): 41.459 on 5 df, p = 7.578e-08
console.log(lrTest(smallFit, fit));      // R anova(m1, m2, test = "Chisq"): 21.826 on 3 df, p = 7.088e-05
console.log(anova(smallFit, fit).toString());
console.log(soft.lrTest());              // statsmodels MNLogit llr 178.79 on 12 df, llr_pvalue 7.54e-32

section('2. Pseudo-R²');
console.log(fit.pseudoR2);               // McFadden 0.08292 (statsmodels prsquared), Cox–Snell 0.09846, Nagelkerke 0.1380
console.log(soft.pseudoR2.mcFadden);     // statsmodels MNLogit prsquared 0.0490

section('3. Wald tests');
console.log(fit.waldTest(['rank2', 'rank3', 'rank4']));                          // car::linearHypothesis: 20.895 on 3 df, p = 1.107e-4
console.log(fit.waldTest([[0, 0, 0, 1, -1, 0], [0, 0, 1, 0, 0, 0]], [0, 0.5])); // rank2 = rank3 and gpa = 0.5: 5.8342 on 2 df
console.log(soft.waldTest(['TypeApartment', 'TypeAtrium', 'TypeTerrace']));     // 60.021 on 6 df

section('4. Marginal effects');
// statsmodels Logit get_margeff (test/fixtures/inference/ucla-margeff.json)
console.log(fit.marginalEffects(X).effect);                          // gre 0.00044057, gpa 0.15643, rank2 -0.13141, rank3 -0.26075, rank4 -0.30185
console.log(fit.marginalEffects(X, { at: 'mean', dummy: true }).se); // gre 0.00022816, gpa 0.069142, rank2 0.06128, …
// PID ~ logpopul + selfLR + age + educ + income on ANES 1996, 7 classes 0..6 (reference 0)
const anesDesign = designMatrix(frameOf('anes96.csv'), { response: 'PID', predictors: ['logpopul', 'selfLR', 'age', 'educ', 'income'] });
const anesX = asX(anesDesign);
const anes = fitSoftmax(anesX, anesDesign.response.labels, { names: anesDesign.names, classes: [0, 1, 2, 3, 4, 5, 6] });
console.log(anes.marginalEffects(anesX).effect.row(1)); // selfLR: -0.097799, -0.050224, …, 0.12460 (Stata margins, dydx(*))

section('5. Robust covariance');
// R sqrt(diag(sandwich::vcovHC(fit, type = "HC1"))): intercept 1.1453, gre 0.0011097, gpa 0.34732, …
console.log(fitLogistic(X, y, { names: big.names, covariance: 'HC1' }).standardErrors);
// Clustered on rank: R sqrt(diag(vcovCL(fit, cluster = ~rank, type = "HC1"))): intercept 0.36626, gre 0.00040171, gpa 0.11906, …
const byRank = ucla.columns[ucla.names.indexOf('rank')].values;
console.log(fitLogistic(X, y, { names: big.names, covariance: 'HC1', cluster: byRank }).standardErrors);
// The same sandwich from a stream (cluster labels in each batch) or from shard statistics
// (accumulateScores / combineScores at the estimate): one more pass; a cluster spans both batches.
const part = (r0, r1) => ({ X: { data: big.X.subarray(r0 * big.nFeatures, r1 * big.nFeatures), nRows: r1 - r0, nFeatures: big.nFeatures },
  y: y.slice(r0, r1), cluster: Array.from(byRank).slice(r0, r1) });
const batches = [part(0, 150), part(150, 400)];
console.log((await fitLogisticStream(() => batches, { names: big.names, covariance: 'HC1' })).standardErrors); // as above
const shards = batches.map((b) => ({ model: 'logistic', ...b }));
console.log((await fitLogisticFromStatistics((b, level) => combineAll(shards.map((s) => accumulate(s, b, level))), {
  nFeatures: big.nFeatures, names: big.names, covariance: 'HC1', scores: (b) => shards.map((s) => accumulateScores(s, b)).reduce(combineScores),
})).standardErrors);
// … and in DuckDB (opened by softlogit/sql when @duckdb/node-api is installed), a GROUP BY rank
const csv = fileURLToPath(new URL('../data/binary.csv', import.meta.url)).replaceAll("'", "''");
console.log((await fitLogisticSQL('duckdb', { from: `(SELECT * FROM read_csv('${csv}'))`, response: 'admit', predictors: ['gre', 'gpa', 'rank'],
  factors: ['rank'], covariance: 'HC1', cluster: 'rank' })).standardErrors);

section('6. Confidence intervals');
console.log(fit.confint(0.9));           // R confint.default(fit, level = 0.9)
console.log(soft.confint(0.95).lower);   // p x K, statsmodels MNLogit conf_int
console.log(profileConfint(fit, X, y));  // the roots MASS::confint.glm interpolates: gre 0.00013758 … 0.0044358
const softProfile = profileConfint(soft, rows, labels, { weights });
console.log(softProfile.lower.get(1, 1), softProfile.upper.get(1, 1)); // VGAM profile, InflMedium, Medium: 0.16948 … 0.72461

section('7. Residuals and influence');
console.log(fit.residuals(X, y, { type: 'pearson' }).slice(0, 2)); // R residuals(m, "pearson"): -0.45678, 1.5565
console.log(fit.hatValues(X, y).slice(0, 2));                       // R hatvalues(m): 0.016121, 0.010914
console.log(fit.cooksDistance(X, y).slice(0, 2));                   // R cooks.distance(m): 0.00057913, 0.0045043
console.log(fit.pearsonChiSquare(X, y));                            // 397.49 on 394 df, dispersion 1.0089
console.log(soft.residuals(rows, labels, { weights, type: 'pearson' }).row(0)); // VGAM: -3.7832, -4.2161
console.log(soft.hatValues(rows, labels, { weights }).row(0));                  // VGAM hatvalues: 0.091091, 0.098014
console.log(soft.pearsonChiSquare(rows, labels, { weights }));                  // 3368.5 on 130 df, dispersion 25.91

section('8. Prediction uncertainty');
console.log(fit.predict([[660, 3.67, 0, 1, 0]], { type: 'response', se: true })); // R predict(se.fit = TRUE): 0.29217, se 0.047508, [0.20832, 0.39303]
console.log(soft.predict([[0, 1, 1, 0, 0, 1]], { se: true }).se.toArray());      // delta-method SEs of the 3 probabilities

section('9. Odds ratios and relative risk ratios');
console.log(fit.oddsRatios());                        // R exp(cbind(coef(fit), confint.default(fit))): gpa 2.2345
console.log(soft.relativeRiskRatios().ratio.toArray()); // Stata mlogit, rrr

section('10. Softmax offset');
// One offset per row and class (nnet::multinom(Sat ~ Infl + Type + Cont + offset(O)), weights Freq)
const offset = Array.from({ length: housing.nRows }, (_, i) => [1, 2, 3].map((k) => 0.4 * Math.sin(1.7 * (i + 1) + 2.3 * k)));
console.log(fitSoftmax(rows, labels, { names: housing.names, weights, classes, offset }).deviance); // nnet 3701.6109

section('11. summary()');
console.log(fit.summary()); // … BIC: 494.47, LR test against the null model: Chisq = 41.459 on 5 df
