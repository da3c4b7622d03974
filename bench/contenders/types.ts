// What every contender returns, in one coefficient layout so they can be compared entry by entry:
// binary: P = p + 1 values, intercept first; multinomial: the reference-class form (class 0 the
// reference, its coefficients 0), free classes 1..K−1 class-major, (c − 1)·P + j, intercept j = 0.
export interface FitOutput {
  coefficients: Float64Array;
  /** Standard errors in the same layout, for contenders that give them. */
  standardErrors?: Float64Array;
  /** Newton iterations, or gradient steps for first-order contenders. */
  iterations: number;
  /** Passes over the data, when the contender reports them. */
  passes?: number;
}
