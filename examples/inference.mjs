// `node examples/inference.mjs`: every inference statistic of issue #15 on the UCLA admissions
// data (logistic) and MASS's housing data (softmax), with the R / statsmodels numbers they match
// (test/inference.test.ts checks them to 1e-10). Run `npm run build` first; this imports ../dist.
import { readFileSync } from 'node:fs';
import {
  accumulate, accumulateScores, anova, combineAll, combineScores, designMatrix, fitLogistic, fitLogisticFromStatistics, fitLogisticStream, fitSoftmax,
  init, lrTest, parseCSV, profileConfint,
} from '../dist/index.js';

await init();
const frameOf = (name) => parseCSV(readFileSync(new URL(`../data/${name}`, import.meta.url), 'utf8'));
const asX = (d) => ({ data: d.X, nRows: d.nRows, nFeatures: d.nFeatures });

// admit ~ gre + gpa + factor(rank), and the smaller admit ~ gre + gpa
const ucla = frameOf('binary.csv');
const big = designMatrix(ucla, { response: 'admit', factors: ['rank'] });
const fit = fitLogistic(asX(big), big.response.labels, { names: big.names });
const small = designMatrix(ucla, { response: 'admit', predictors: ['gre', 'gpa'] });
const smallFit = fitLogistic(asX(small), small.response.labels, { names: small.names });

// 1. Likelihood-ratio tests
console.log(fit.lrTest());               // R anova(glm(admit ~ 1), fit): 41.459 on 5 df, p = 7.578e-08
console.log(lrTest(smallFit, fit));      // R anova(m1, m2, test = "Chisq"): 21.826 on 3 df, p = 7.088e-05
console.log(anova(smallFit, fit).toString());
// 2. Pseudo-R²
console.log(fit.pseudoR2);               // McFadden 0.08292 (statsmodels prsquared), Cox–Snell 0.09846, Nagelkerke 0.1380
// 3. Wald tests: all rank dummies = 0; and rank2 = rank3, gpa = 0.5 (Rβ = q)
console.log(fit.waldTest(['rank2', 'rank3', 'rank4']));            // car::linearHypothesis: 20.895 on 3 df
console.log(fit.waldTest([[0, 0, 0, 1, -1, 0], [0, 0, 1, 0, 0, 0]], [0, 0.5])); // 5.8342 on 2 df
// 5. Odds ratios with 95% intervals (R exp(cbind(coef, confint.default)))
console.log(fit.oddsRatios());
// 6. Prediction uncertainty (R predict(..., se.fit = TRUE))
const newRows = [[660, 3.67, 0, 1, 0]]; // gre, gpa, rank2, rank3, rank4
console.log(fit.predict(newRows, { type: 'response', se: true })); // 0.2922, se 0.04751, [0.2083, 0.3930]

// Softmax: Sat ~ Infl + Type + Cont on MASS housing, weights Freq
const housing = designMatrix(frameOf('housing.csv'), { response: 'Sat', weights: 'Freq', levels: {
  Sat: ['Low', 'Medium', 'High'], Infl: ['Low', 'Medium', 'High'], Type: ['Tower', 'Apartment', 'Atrium', 'Terrace'], Cont: ['Low', 'High'],
} });
const soft = fitSoftmax(asX(housing), housing.response.labels, { names: housing.names, weights: housing.weights, classes: ['Low', 'Medium', 'High'] });
console.log(soft.lrTest(), soft.pseudoR2.mcFadden);  // statsmodels MNLogit llr 178.79 on 12 df; prsquared 0.0490
console.log(soft.waldTest(['TypeApartment', 'TypeAtrium', 'TypeTerrace'])); // 60.021 on 6 df
// 4. Confidence intervals, and relative risk ratios (Stata mlogit, rrr)
console.log(soft.confint(0.95).lower.toArray(), soft.relativeRiskRatios().ratio.toArray());
console.log(soft.predict([[0, 1, 1, 0, 0, 1]], { se: true }).se.toArray()); // delta-method SEs of the 3 probabilities
// 7. summary() ends with BIC, the LR test against the null model and the pseudo-R²
console.log(fit.summary());
// 8. Robust covariance: R sandwich::vcovHC(fit, type = "HC1"), and vcovCL with clusters of 8 rows
console.log(fitLogistic(asX(big), big.response.labels, { names: big.names, covariance: 'HC1' }).standardErrors);
const cluster = Array.from({ length: big.nRows }, (_, i) => Math.floor(i / 8));
console.log(fitLogistic(asX(big), big.response.labels, { names: big.names, covariance: 'HC1', cluster }).summary().split('\n')[2]);
// … and the same sandwich from a stream (cluster labels in each batch) or from shard statistics
// (accumulateScores / combineScores at the estimate): one more pass; a cluster may span batches
const part = (r0, r1) => ({ X: { data: big.X.subarray(r0 * big.nFeatures, r1 * big.nFeatures), nRows: r1 - r0, nFeatures: big.nFeatures },
  y: big.response.labels.slice(r0, r1), cluster: cluster.slice(r0, r1) });
const batches = [part(0, 150), part(150, 400)]; // row 150 is inside cluster 18
console.log((await fitLogisticStream(() => batches, { names: big.names, covariance: 'HC1' })).standardErrors); // vcovCL, as above
const shards = batches.map((b) => ({ model: 'logistic', ...b }));
console.log((await fitLogisticFromStatistics((b, level) => combineAll(shards.map((s) => accumulate(s, b, level))), {
  nFeatures: big.nFeatures, names: big.names, covariance: 'HC1', scores: (b) => shards.map((s) => accumulateScores(s, b)).reduce(combineScores),
})).standardErrors);
// 9. Residuals and influence from the rows given again (R residuals.glm, hatvalues, cooks.distance)
console.log(fit.residuals(asX(big), big.response.labels, { type: 'pearson' }).slice(0, 2)); // -0.45678, 1.5565
console.log(fit.hatValues(asX(big), big.response.labels).slice(0, 2));                       // 0.016121, 0.010914
console.log(fit.cooksDistance(asX(big), big.response.labels).slice(0, 2));                   // 0.00057913, 0.0045043
console.log(fit.pearsonChiSquare(asX(big), big.response.labels));                            // 397.49 on 394 df, dispersion 1.0089
// 10. Profile-likelihood intervals (the roots MASS::confint.glm interpolates)
console.log(profileConfint(fit, asX(big), big.response.labels));                             // gre 0.00013758 … 0.0044358
// … and of a softmax fit: p x K matrices (VGAM confint(fit, method = "profile"): InflMedium, Medium 0.16948 … 0.72461)
const softProfile = profileConfint(soft, asX(housing), housing.response.labels, { weights: housing.weights });
console.log(softProfile.lower.get(1, 1), softProfile.upper.get(1, 1));
// 11. Average marginal effects with delta-method SEs (statsmodels get_margeff, Stata margins)
console.log(fit.marginalEffects(asX(big)));
// 12. A softmax offset per row and class (nnet::multinom with offset(O)); one shared by all classes cancels
const offset = Array.from({ length: housing.nRows }, (_, i) => [1, 2, 3].map((k) => 0.4 * Math.sin(1.7 * (i + 1) + 2.3 * k)));
console.log(fitSoftmax(asX(housing), housing.response.labels, { names: housing.names, weights: housing.weights, classes: ['Low', 'Medium', 'High'], offset }).deviance); // 3701.6109
// 13. Softmax residuals and influence (VGAM residuals, hatvalues)
const rows = asX(housing);
console.log(soft.residuals(rows, housing.response.labels, { weights: housing.weights, type: 'pearson' }).row(0)); // -3.7832, -4.2161
console.log(soft.hatValues(rows, housing.response.labels, { weights: housing.weights }).row(0));                  // 0.091091, 0.098014
console.log(soft.pearsonChiSquare(rows, housing.response.labels, { weights: housing.weights }));                  // 3368.5 on 130 df
