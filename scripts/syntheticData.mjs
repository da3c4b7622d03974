// Seeded synthetic data for the timing scripts (time-fit.mjs, time-fingerprint.mjs), so that every
// build they compare fits the same rows. Plain JavaScript: the scripts run without a build step.

/**
 * mulberry32: a small seeded generator of uniforms in [0, 1) (the same generator as
 * test/helpers/random.ts).
 * @example
 * const next = mulberry32(1); next() // => 0.6270739405881613
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * n rows of p features uniform in (−1, 1), row-major, and a logistic response with intercept −0.3
 * and slopes 0.5, −0.25, 0.5, …; `label(next, p)` (optional) draws one more value per row from the
 * row's probability p, after y.
 * @example
 * const { data, y } = logisticRows(20251203, 1000, 5);
 */
export function logisticRows(seed, n, p, label) {
  const next = mulberry32(seed);
  const data = new Float64Array(n * p);
  const y = new Float64Array(n);
  const labels = label ? new Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    let eta = -0.3;
    for (let j = 0; j < p; j++) {
      const v = 2 * next() - 1;
      data[i * p + j] = v;
      eta += v * (j % 2 === 0 ? 0.5 : -0.25);
    }
    const probability = 1 / (1 + Math.exp(-eta));
    y[i] = next() < probability ? 1 : 0;
    if (labels) labels[i] = label(next, probability);
  }
  return { data, y, labels };
}
