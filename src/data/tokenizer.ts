/**
 * CSV text → records, fed in chunks of any size, with the line each record starts on.
 *
 * A hand-written scanner rather than csv-parse: on the 2-core benchmark machine csv-parse reads
 * 5–8 MB/s (a 200 000 × 11 file: 19 MB in 2.5–4.3 s with `trim`, `info` and `skip_empty_lines`),
 * which puts a 194 MB file at 25–40 s before any fitting; this scanner reads the same text at
 * the rate in bench/README.md ("files"). test/data.tokenizer.test.ts checks it against csv-parse
 * (with `trim: true, skip_empty_lines: true`) on random CSV text.
 *
 * The dialect (the conventions of {@link parseCSV}):
 * - fields are separated by the delimiter: `,` (the default), `;` or a tab; records end at `\n`,
 *   `\r\n` or `\r`, or at the end of the text;
 * - a field may be quoted with `"`; inside quotes `""` is a literal quote, and delimiters and line
 *   breaks are part of the field (a `\r\n` or `\r` in a quoted field is read as `\n`);
 * - spaces and tabs around a field are dropped; inside quotes they are kept. When the delimiter is
 *   a tab only spaces are dropped: tabs separate fields, and dropping them would lose empty cells;
 * - a line that is empty or holds only blanks (spaces, and tabs unless they separate) is skipped;
 * - a quote inside an unquoted field, or anything but a separator after a closing quote, is an
 *   error, as is a quote left open at the end of the text.
 *
 * Records that straddle chunks are kept as text until the chunk that completes them arrives, so
 * memory holds one chunk plus the unfinished record.
 */
import { SoftlogitError } from '../errors.js';

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

/**
 * One record as the tokenizer hands it over, valid only during the call (it is reused for the
 * next record): field `k` is `text.slice(start[k], end[k])`, or, when it was quoted,
 * `quoted[k]` (its text without the quotes, `""` read as `"`). Numeric cells are read from
 * `text` in place, without a string per cell.
 */
export interface RecordView {
  /** The chunk of text the unquoted fields are in. */
  text: string;
  /** Number of fields. */
  count: number;
  start: Int32Array;
  end: Int32Array;
  /** The value of each quoted field; `undefined` for unquoted fields. */
  quoted: (string | undefined)[];
  /** The line the record starts on (1-based). */
  line: number;
}

/** Field `k` of a record as a string. */
export function fieldText(record: RecordView, k: number): string {
  const quoted = record.quoted[k];
  return quoted !== undefined ? quoted : record.text.slice(record.start[k]!, record.end[k]!);
}

/** The fields of a record as strings (a new array). */
export function recordFields(record: RecordView): string[] {
  return Array.from({ length: record.count }, (_, k) => fieldText(record, k));
}

/** Receives each record. */
export type RecordHandler = (record: RecordView) => void;

/**
 * The field separators the tokenizer reads: comma (CSV), semicolon (CSV where the comma is the
 * decimal mark, R's `write.csv2`) and tab (tab-separated values, cells pasted from a spreadsheet).
 */
export type CSVDelimiter = ',' | ';' | '\t';

/** Every {@link CSVDelimiter}, for checking a value that came from outside. */
export const CSV_DELIMITERS: readonly CSVDelimiter[] = [',', ';', '\t'];

/**
 * Splits CSV text into records; see the module comment for the dialect. Feed it with `push` and
 * finish with `end`; `onRecord` is called synchronously for every complete record.
 *
 * Every delimiter costs the same per character as the fixed comma did: the separator test is one
 * comparison with a number, and the blank test two whatever the delimiter (see `blankTab`).
 *
 * @example
 * const records: string[][] = [];
 * const tokenizer = new CSVTokenizer((r) => records.push([String(r.line), ...recordFields(r)]), 'parseCSV');
 * tokenizer.push('a, "b\n c"\r\n1,');
 * tokenizer.push('2\n');
 * tokenizer.end();
 * records // => [['1', 'a', 'b\n c'], ['3', '1', '2']]
 * const cells: string[][] = [];
 * const tabs = new CSVTokenizer((r) => cells.push(recordFields(r)), 'load', '\t');
 * tabs.push('a\t"b\tc"\r\n1\t\t3\n');
 * tabs.end();
 * cells // => [['a', 'b\tc'], ['1', '', '3']]
 */
export class CSVTokenizer {
  private rest = '';
  /** The line on which `rest` starts (1-based). */
  private line = 1;
  private readonly record: RecordView = { text: '', count: 0, start: new Int32Array(16), end: new Int32Array(16), quoted: [], line: 1 };
  /** The delimiter's character code. */
  private readonly separator: number;
  /**
   * The character code, besides the space, that is blank around a field: the tab, or when the tab
   * is the delimiter the space again (so the blank test stays two comparisons and drops no tab).
   */
  private readonly blankTab: number;

  /**
   * @param onRecord called with each record's fields and the line it starts on.
   * @param caller the function named in error messages.
   * @param delimiter the field separator (default `,`).
   */
  constructor(
    private readonly onRecord: RecordHandler,
    private readonly caller: string,
    delimiter: CSVDelimiter = ',',
  ) {
    this.separator = delimiter.charCodeAt(0);
    this.blankTab = delimiter === '\t' ? SPACE : TAB;
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

  /**
   * Scans `text` record by record. At the end of a chunk (`final` false) a record that may go on
   * in the next chunk is kept in `rest`, with the line it starts on.
   */
  private scan(text: string, final: boolean): void {
    const n = text.length;
    const record = this.record;
    const separator = this.separator;
    const blankTab = this.blankTab;
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
        while (i < n && ((c = text.charCodeAt(i)) === SPACE || c === blankTab)) i++;
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
          while (i < n && ((c = text.charCodeAt(i)) === SPACE || c === blankTab)) i++;
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
        while (end > start && ((c = text.charCodeAt(end - 1)) === SPACE || c === blankTab)) end--;
        if (end > start) blank = false;
        this.pushField(start, end, undefined);
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
    return new SoftlogitError('BAD_CSV', `${this.caller}: the text is not valid CSV: ${message}`, { line });
  }
}
