/**
 * Which character separates the fields of a text: comma (CSV), tab (cells pasted from a
 * spreadsheet) or semicolon (CSV written where the comma is the decimal mark, R's `write.csv2`).
 */
import type { Delimiter } from '../protocol.js';

/** The candidates, in the order ties are broken (comma wins a tie: it is the CSV default). */
export const DELIMITERS: readonly Delimiter[] = [',', '\t', ';'];

/** Records looked at: enough to see a stable field count, few enough to be instant. */
const SAMPLE_RECORDS = 20;

/** The delimiter's name as the page shows it. */
export function delimiterName(delimiter: Delimiter): 'comma' | 'tab' | 'semicolon' {
  return delimiter === ',' ? 'comma' : delimiter === '\t' ? 'tab' : 'semicolon';
}

/**
 * The delimiter of delimited text, from its first records (quoted fields, which may hold any of
 * the candidates and line breaks, are skipped). The rule: a candidate is consistent when it
 * occurs in the header and equally often in every complete record of the sample; among the
 * consistent ones the one giving the most fields wins; when none is consistent (a ragged file,
 * reported later with its line number) the one most frequent in the header; a single column
 * (no candidate in the header) is read as comma-separated.
 *
 * @param sample the start of the text (a few KiB is plenty).
 * @param whole whether `sample` is the whole text: then its last record counts even without a
 *   line break after it (otherwise it may be cut off, and is ignored).
 * @example
 * detectDelimiter('a;b\n1,5;2\n') // => ';'
 * detectDelimiter('a\tb\n"x,y"\t2\n') // => '\t'
 * detectDelimiter('a,b\n1,2\n') // => ','
 */
export function detectDelimiter(sample: string, whole = false): Delimiter {
  const counts = countOutsideQuotes(sample, whole);
  if (counts.length === 0) return ',';
  const header = counts[0]!;
  let best: Delimiter | undefined;
  let bestCount = 0;
  DELIMITERS.forEach((delimiter, d) => {
    const inHeader = header[d]!;
    if (inHeader === 0 || inHeader <= bestCount) return;
    if (counts.every((record) => record[d] === inHeader)) {
      best = delimiter;
      bestCount = inHeader;
    }
  });
  if (best !== undefined) return best;
  let most = 0;
  DELIMITERS.forEach((delimiter, d) => {
    if (header[d]! > most) {
      most = header[d]!;
      best = delimiter;
    }
  });
  return best ?? ',';
}

/**
 * Per complete non-blank record of `sample` (at most SAMPLE_RECORDS), how often each of
 * DELIMITERS occurs outside quotes.
 */
function countOutsideQuotes(sample: string, whole: boolean): number[][] {
  const codes = DELIMITERS.map((d) => d.charCodeAt(0));
  const records: number[][] = [];
  let current = codes.map(() => 0);
  let blank = true;
  let inQuotes = false;
  for (let i = 0; i < sample.length && records.length < SAMPLE_RECORDS; i++) {
    const c = sample.charCodeAt(i);
    if (c === 34) {
      inQuotes = !inQuotes; // a doubled "" toggles twice
      blank = false;
    } else if (inQuotes) {
      continue;
    } else if (c === 10 || c === 13) {
      if (!blank) records.push(current);
      current = codes.map(() => 0);
      blank = true;
    } else {
      const d = codes.indexOf(c);
      if (d >= 0) current[d]!++;
      if (c !== 32 && c !== 9) blank = false;
      else if (d >= 0) blank = false;
    }
  }
  if (whole && !blank && !inQuotes && records.length < SAMPLE_RECORDS) records.push(current);
  return records;
}
