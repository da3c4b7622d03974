// Seeded synthetic data for the benchmark: the same seed gives the same bytes on every machine
// (integer PRNG, and only +, *, sqrt, log, cos, exp, which Node evaluates identically everywhere
// it runs these benchmarks; reported figures never depend on the last bit anyway).
//
// Features: x_i0 ~ N(0, 1), x_ij = ρ x_i,j-1 + √(1 − ρ²) z_ij (an AR(1) correlation ρ^|j−k|
// between columns, every column N(0, 1)). True coefficients are drawn U(−1, 1) and scaled so that
// the linear predictor has standard deviation ETA_SD: classes overlap (no separation; fitted
// probabilities spread over (0.05, 0.95)), so Newton needs its usual handful of iterations.

/** Correlation between neighbouring columns. */
export const FEATURE_CORRELATION = 0.5;
/** Standard deviation of each linear predictor (and of each class's log-odds against the reference). */
export const ETA_SD = 1.5;

/** A row-major design with its shape, as softlogit's `fitLogistic` takes it. */
export interface Design {
  data: Float64Array;
  nRows: number;
  nFeatures: number;
}

export interface BinaryData {
  X: Design;
  /** 0/1 per row. */
  y: Float64Array;
  /** True coefficients, intercept first. */
  trueCoefficients: Float64Array;
}

export interface MultinomialData {
  X: Design;
  /** Class label 0..K-1 per row. */
  labels: Float64Array;
  nClasses: number;
  /** True coefficients (reference-class form): p+1 x (K−1), row-major, intercept row first. */
  trueCoefficients: Float64Array;
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, from PractRand):
 * uniform doubles in [0, 1) with 32 random bits.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = Number.NaN;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return z;
    }
    const u = 1 - this.uniform(); // (0, 1]
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** n x p features with the AR(1) correlation above. */
export function makeFeatures(random: Random, nRows: number, nFeatures: number): Design {
  const data = new Float64Array(nRows * nFeatures);
  const rho = FEATURE_CORRELATION;
  const innovation = Math.sqrt(1 - rho * rho);
  for (let i = 0; i < nRows; i++) {
    let previous = random.normal();
    const row = i * nFeatures;
    if (nFeatures > 0) data[row] = previous;
    for (let j = 1; j < nFeatures; j++) {
      previous = rho * previous + innovation * random.normal();
      data[row + j] = previous;
    }
  }
  return { data, nRows, nFeatures };
}

/** β'Σβ for the AR(1) correlation Σ_jk = ρ^|j−k| (the variance of xᵀβ without intercept). */
function predictorVariance(beta: ArrayLike<number>, offset: number, stride: number, nFeatures: number): number {
  let sum = 0;
  for (let j = 0; j < nFeatures; j++) {
    for (let k = 0; k < nFeatures; k++) {
      sum += beta[offset + j * stride]! * beta[offset + k * stride]! * FEATURE_CORRELATION ** Math.abs(j - k);
    }
  }
  return sum;
}

/** Slopes U(−1, 1) scaled to sd(xᵀβ) = ETA_SD, written at beta[offset + j * stride]. */
function drawSlopes(random: Random, beta: Float64Array, offset: number, stride: number, nFeatures: number): void {
  for (let j = 0; j < nFeatures; j++) beta[offset + j * stride] = 2 * random.uniform() - 1;
  const scale = ETA_SD / Math.sqrt(predictorVariance(beta, offset, stride, nFeatures));
  for (let j = 0; j < nFeatures; j++) beta[offset + j * stride] = beta[offset + j * stride]! * scale;
}

/** Binary data: y ~ Bernoulli(σ(β0 + xᵀβ)), β0 = −0.5. */
export function makeBinary(seed: number, nRows: number, nFeatures: number): BinaryData {
  const random = new Random(seed);
  const beta = new Float64Array(nFeatures + 1);
  beta[0] = -0.5;
  drawSlopes(random, beta, 1, 1, nFeatures);
  const X = makeFeatures(random, nRows, nFeatures);
  const y = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    let eta = beta[0]!;
    for (let j = 0; j < nFeatures; j++) eta += X.data[i * nFeatures + j]! * beta[j + 1]!;
    y[i] = random.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { X, y, trueCoefficients: beta };
}

/**
 * Multinomial data: class k with probability ∝ exp(x̃ᵀw_k), w_0 = 0 (the reference), the others
 * with intercepts U(−0.5, 0.5) and slopes scaled as above.
 */
export function makeMultinomial(seed: number, nRows: number, nFeatures: number, nClasses: number): MultinomialData {
  const random = new Random(seed);
  const nFree = nClasses - 1;
  const W = new Float64Array((nFeatures + 1) * nFree);
  for (let c = 0; c < nFree; c++) {
    W[c] = random.uniform() - 0.5;
    drawSlopes(random, W, nFree + c, nFree, nFeatures);
  }
  const X = makeFeatures(random, nRows, nFeatures);
  const labels = new Float64Array(nRows);
  const eta = new Float64Array(nClasses);
  for (let i = 0; i < nRows; i++) {
    let max = 0;
    eta[0] = 0;
    for (let c = 0; c < nFree; c++) {
      let e = W[c]!;
      for (let j = 0; j < nFeatures; j++) e += X.data[i * nFeatures + j]! * W[(j + 1) * nFree + c]!;
      eta[c + 1] = e;
      if (e > max) max = e;
    }
    let total = 0;
    for (let k = 0; k < nClasses; k++) total += Math.exp(eta[k]! - max);
    let u = random.uniform() * total;
    let label = nClasses - 1;
    for (let k = 0; k < nClasses; k++) {
      u -= Math.exp(eta[k]! - max);
      if (u < 0) {
        label = k;
        break;
      }
    }
    labels[i] = label;
  }
  return { X, labels, nClasses, trueCoefficients: W };
}
