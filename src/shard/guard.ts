// A fit from a stream or from shard statistics reads its rows many times (once per pass or
// evaluation, once more for the separation check or the sandwich's score sums) and trusts that it
// reads the same rows each time. SourceGuard checks that trust on every read: the row count, the
// weight total and the rows' fingerprint (src/shard/fingerprint.ts) must equal those of the first
// read, or the fit stops with SOURCE_CHANGED instead of mixing statistics of different data into a
// wrong "converged" MLE (or a sandwich of other rows' scores around this fit's information).
import { SoftlogitError } from '../errors.js';
import { formatFingerprint, type RowFingerprint } from './fingerprint.js';

/**
 * Weight totals of the same rows summed in another order (other batches, another tree of
 * combines) differ by rounding: at most n·eps·Σ|w| in the worst case, ~√n·eps typically, so
 * 1e-8 relative holds up to ~4e7 rows even in the worst case. It only has to catch gross changes
 * (a missing batch); the fingerprint, an exact integer sum, catches the subtle ones.
 */
export const WEIGHT_TOTAL_RTOL = 1e-8;

/**
 * What one read summed: its row count, weight total and (when known) the rows with non-zero
 * weight and the fingerprint. What a read does not know is not compared (an SQL engine's score
 * sums have neither).
 */
export interface RowsSummary {
  nRows: number;
  nInformative?: number | undefined;
  weightSum: number;
  fingerprint?: RowFingerprint | undefined;
}

export class SourceGuard {
  private firstRead: RowsSummary | null = null;
  private reads = 0;

  /** What the first read summed (null before it): the rows every later read must give. */
  get first(): RowsSummary | null {
    return this.firstRead;
  }

  /**
   * @param unit what one read is called in messages ('pass' for a stream, 'evaluation' for a
   *   statistics source)
   * @param rule what the source must do, for the message
   */
  constructor(
    private readonly caller: string,
    private readonly unit: 'pass' | 'evaluation',
    private readonly rule: string,
  ) {}

  /**
   * Records one read and compares it with the first.
   * @param read the read in messages when it is not the source's own (default `pass 3`,
   *   `evaluation 3`): e.g. 'the score round (option scores)'
   * @throws {SoftlogitError} `SOURCE_CHANGED` naming what differs.
   * @example
   * const guard = new SourceGuard('fitLogisticStream', 'pass', 'every call of source() must yield the same rows');
   * guard.observe({ nRows: 200, nInformative: 200, weightSum: 200 });
   * guard.observe({ nRows: 100, nInformative: 100, weightSum: 100 }); // throws SOURCE_CHANGED
   */
  observe(summary: RowsSummary, read?: string): void {
    this.reads++;
    const first = this.firstRead;
    if (first === null) {
      this.firstRead = { nRows: summary.nRows, nInformative: summary.nInformative, weightSum: summary.weightSum, fingerprint: summary.fingerprint };
      return;
    }
    const describe = (s: RowsSummary) => `${s.nRows} rows (${s.nInformative === undefined ? '' : `${s.nInformative} with non-zero weight, `}weight total ${s.weightSum})`;
    const informativeDiffer = summary.nInformative !== undefined && first.nInformative !== undefined && summary.nInformative !== first.nInformative;
    let difference: string | null = null;
    if (summary.nRows !== first.nRows || informativeDiffer ||
        !(Math.abs(summary.weightSum - first.weightSum) <= WEIGHT_TOTAL_RTOL * Math.abs(first.weightSum))) {
      difference = `${describe(summary)} against ${describe(first)}`;
    } else if (summary.fingerprint !== undefined && first.fingerprint !== undefined &&
        (summary.fingerprint[0] !== first.fingerprint[0] || summary.fingerprint[1] !== first.fingerprint[1])) {
      difference = `the same number of rows and weight total, but rows of other content (row fingerprint ${formatFingerprint(summary.fingerprint)} against ${formatFingerprint(first.fingerprint)})`;
    }
    if (difference === null) return;
    throw new SoftlogitError(
      'SOURCE_CHANGED',
      `${this.caller}: the ${this.unit === 'pass' ? 'source' : 'statistics source'} did not give the same rows at ${read ?? `${this.unit} ${this.reads}`} as at ${this.unit} 1: ` +
        `${difference}. ${this.rule}; otherwise the fit mixes statistics of different data and its "MLE" is wrong`,
      { [this.unit]: this.reads, nRows: summary.nRows, firstNRows: first.nRows },
    );
  }
}
