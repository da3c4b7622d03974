/**
 * Numbers written with a decimal comma (`-1,5`), as in semicolon-separated files from R's
 * `write.csv2` or a spreadsheet in a locale whose decimal mark is the comma. The library's
 * tokenizer (src/data/tokenizer.ts, `CSVTokenizer` with the `;` delimiter) splits the fields; this
 * hands each unquoted number on with a decimal point, so the library's `FrameBuilder` reads it
 * as a number. Quoted fields stay as written (R's `read.csv2` does the same only for numbers).
 */
import type { RecordHandler, RecordView } from '../../../src/data/tokenizer.js';

const COMMA = 44;

/** A number with a decimal comma: digits, a comma, digits, an optional exponent. */
const DECIMAL_COMMA_NUMBER = /^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$/;

/**
 * Wraps a record handler so that every unquoted field that is a number with a decimal comma
 * reaches it with a point instead (`,25` → `.25`, `3,0e-2` → `3.0e-2`); other fields are left
 * alone (`a,b`, `"2,5"`). The changed field is set as the record's `quoted` value, which readers
 * of a `RecordView` take in place of its text (the tokenizer clears it for the next record).
 *
 * @example
 * const rows: string[][] = [];
 * const t = new CSVTokenizer(readDecimalCommas((r) => rows.push(recordFields(r))), 'load', ';');
 * t.push('x;y;z\n-1,5;"2,5";a,b\n');
 * t.end();
 * rows // => [['x', 'y', 'z'], ['-1.5', '2,5', 'a,b']]
 */
export function readDecimalCommas(onRecord: RecordHandler): RecordHandler {
  return (record: RecordView): void => {
    const { text, start, end, quoted } = record;
    for (let k = 0; k < record.count; k++) {
      if (quoted[k] !== undefined) continue;
      const withPoint = withDecimalPoint(text, start[k]!, end[k]!);
      if (withPoint !== undefined) quoted[k] = withPoint;
    }
    onRecord(record);
  };
}

/** `text[from, to)` with its decimal comma made a point when it is such a number; else undefined. */
function withDecimalPoint(text: string, from: number, to: number): string | undefined {
  // Cheap test first (within the field only): most fields hold no comma at all.
  let k = from;
  while (k < to && text.charCodeAt(k) !== COMMA) k++;
  if (k === to) return undefined;
  const field = text.slice(from, to);
  return DECIMAL_COMMA_NUMBER.test(field) ? field.replace(',', '.') : undefined;
}
