/**
 * Delimited text → records, fed in chunks of any size: the library's CSV scanner
 * (src/data/tokenizer.ts, `CSVTokenizer`) with the field separator as a parameter, so the page
 * reads comma-, tab- (spreadsheet paste) and semicolon-separated text. The records it hands over
 * are the library's `RecordView`, so the library's `FrameBuilder` turns them into typed columns
 * with exactly `parseCSV`'s conventions (missing cells, numeric inference, header checks).
 *
 * Why a copy rather than the library's class: `CSVTokenizer` hard-codes the comma, and it also
 * drops tabs around fields, which for tab-separated text would eat empty cells. Giving the
 * library's class a `separator` argument would let this file go (the dialect is the same).
 *
 * Differences from `CSVTokenizer`, all caused by the separator:
 * - around a field only spaces are dropped when the separator is a tab (tabs separate);
 * - with `decimalComma` (for semicolon files, as R's `read.csv2`), an unquoted field that is a
 *   number written with a decimal comma (`-1,5`, `,25`, `3,0e-2`) is handed over with a point.
 */
import { SoftlogitError } from '../../../src/errors.js';
import type { RecordHandler, RecordView } from '../../../src/data/tokenizer.js';
import type { Delimiter } from '../protocol.js';

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

/** A number with a decimal comma: digits, a comma, digits, an optional exponent. */
const DECIMAL_COMMA_NUMBER = /^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$/;

/**
 * Splits delimited text into records; feed it with `push`, finish with `end`. `onRecord` is
 * called synchronously for every complete record (blank lines are skipped).
 *
 * @example
 * const rows: string[][] = [];
 * const t = new DelimitedTokenizer((r) => rows.push(recordFields(r)), '\t', 'load');
 * t.push('a\t"b\tc"\r\n1\t');
 * t.push('\n');
 * t.end();
 * rows // => [['a', 'b\tc'], ['1', '']]
 */
export class DelimitedTokenizer {
  private rest = '';
  /** The line on which `rest` starts (1-based). */
  private line = 1;
  private readonly record: RecordView = { text: '', count: 0, start: new Int32Array(16), end: new Int32Array(16), quoted: [], line: 1 };
  private readonly separator: number;
  /** Whether a tab is whitespace around a field (not when it is the separator). */
  private readonly tabIsSpace: boolean;

  /**
   * @param onRecord receives each record (valid only during the call).
   * @param delimiter the field separator.
   * @param caller the function named in error messages.
   * @param decimalComma read unquoted `1,5` as `1.5` (only sensible when the delimiter is not a comma).
   */
  constructor(
    private readonly onRecord: RecordHandler,
    delimiter: Delimiter,
    private readonly caller: string,
    private readonly decimalComma = false,
  ) {
    this.separator = delimiter.charCodeAt(0);
    this.tabIsSpace = delimiter !== '\t';
  }

  /** Reads the complete records of `chunk` (after what is left of earlier chunks). */
  push(chunk: string): void {
    this.scan(this.rest.length > 0 ? this.rest + chunk : chunk, false);
  }

  /** Reads what is left as the last record. @throws {SoftlogitError} `BAD_CSV` for an open quote. */
  end(): void {
    this.scan(this.rest, true);
    this.rest = '';
  }

  private isSpace(c: number): boolean {
    return c === SPACE || (c === TAB && this.tabIsSpace);
  }

  /** As CSVTokenizer's scan: a record that may go on in the next chunk is kept in `rest`. */
  private scan(text: string, final: boolean): void {
    const n = text.length;
    const record = this.record;
    const separator = this.separator;
    record.text = text;
    let i = 0;
    let line = this.line;
    while (i < n) {
      const recordStart = i;
      const recordLine = line;
      record.count = 0;
      record.quoted.length = 0;
      let blank = true;
      let incomplete = false;
      for (;;) {
        let c = 0;
        while (i < n && this.isSpace((c = text.charCodeAt(i)))) i++;
        if (i < n && c === QUOTE) {
          blank = false;
          const quoteLine = line;
          let value = '';
          let from = i + 1;
          for (;;) {
            const q = text.indexOf('"', from);
            if (q < 0 || (q + 1 >= n && !final)) {
              // No closing quote yet, or a quote at the chunk's end that may be the first of "".
              if (final) throw this.error(`a quoted field opened on line ${quoteLine} is never closed`, quoteLine);
              incomplete = true;
              break;
            }
            value += text.slice(from, q);
            if (text.charCodeAt(q + 1) === QUOTE) {
              value += '"';
              from = q + 2;
              continue;
            }
            i = q + 1;
            break;
          }
          if (incomplete) break;
          if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            value = value.replace(/\r\n?/g, '\n');
            for (let k = 0; k < value.length; k++) if (value.charCodeAt(k) === LF) line++;
          }
          while (i < n && this.isSpace((c = text.charCodeAt(i)))) i++;
          this.pushField(-1, -1, value);
          if (i >= n) {
            if (!final) incomplete = true;
            break;
          }
          c = text.charCodeAt(i);
          if (c === separator) {
            i++;
            continue;
          }
          if (c === LF || c === CR) {
            if (c === CR && i + 1 >= n && !final) {
              incomplete = true; // a \r\n split between chunks
              break;
            }
            i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
            line++;
            break;
          }
          throw this.error(`unexpected ${JSON.stringify(text[i])} after the closing quote of field ${record.count} on line ${line}`, line);
        }
        const start = i;
        while (i < n) {
          c = text.charCodeAt(i);
          if (c === separator || c === LF || c === CR) break;
          if (c === QUOTE) {
            throw this.error(`a quote inside the unquoted field ${record.count + 1} on line ${line}; quote the whole field and double the quote ("")`, line);
          }
          i++;
        }
        let end = i;
        while (end > start && this.isSpace(text.charCodeAt(end - 1))) end--;
        if (end > start) blank = false;
        this.pushField(start, end, this.decimalComma ? withDecimalPoint(text, start, end) : undefined);
        if (i >= n) {
          if (!final) incomplete = true;
          break;
        }
        c = text.charCodeAt(i);
        if (c === separator) {
          blank = false;
          i++;
          continue;
        }
        if (c === CR && i + 1 >= n && !final) {
          incomplete = true;
          break;
        }
        i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
        line++;
        break;
      }
      if (incomplete) {
        this.rest = text.slice(recordStart);
        this.line = recordLine;
        return;
      }
      if (!blank) {
        record.line = recordLine;
        this.onRecord(record);
      }
    }
    this.rest = '';
    this.line = line;
  }

  private pushField(start: number, end: number, quoted: string | undefined): void {
    const record = this.record;
    const k = record.count++;
    if (k === record.start.length) {
      const grown = (old: Int32Array) => {
        const next = new Int32Array(old.length * 2);
        next.set(old);
        return next;
      };
      record.start = grown(record.start);
      record.end = grown(record.end);
    }
    record.start[k] = start;
    record.end[k] = end;
    if (quoted !== undefined) record.quoted[k] = quoted;
  }

  private error(message: string, line: number): SoftlogitError {
    return new SoftlogitError('BAD_CSV', `${this.caller}: the text is not valid delimited text: ${message}`, { line });
  }
}

/** `text[start, end)` with its decimal comma made a point when it is such a number; else undefined. */
function withDecimalPoint(text: string, start: number, end: number): string | undefined {
  // Cheap test first (within the field only): most fields hold no comma at all.
  let k = start;
  while (k < end && text.charCodeAt(k) !== COMMA) k++;
  if (k === end) return undefined;
  const field = text.slice(start, end);
  return DECIMAL_COMMA_NUMBER.test(field) ? field.replace(',', '.') : undefined;
}
