/**
 * Reading a File (as a stream of bytes) or pasted text into the library's typed columns, in
 * chunks, with progress and a chance to cancel between chunks. The text is never held whole
 * (for a File): memory is the columns plus one chunk.
 *
 * The records come from the library's `CSVTokenizer` (with the detected delimiter; numbers with a
 * decimal comma made points in semicolon files, ./decimalComma.ts) and go into the library's
 * `FrameBuilder`, so a comma-separated file gives exactly the frame `parseCSV` would (same missing
 * cells, numeric inference and header checks; test/web-engine.load.node.test.ts compares them).
 */
import { FrameBuilder, ReadAgainAsText, type DataFrame } from '../../../src/data/csv.js';
import { CSVTokenizer, fieldText, recordFields, type RecordView } from '../../../src/data/tokenizer.js';
import type { Delimiter } from '../protocol.js';
import { readDecimalCommas } from './decimalComma.js';
import { detectDelimiter } from './delimiter.js';
import { checkpoint, type Hooks } from './hooks.js';

/** Text chunk size read from a File: large enough that per-chunk costs vanish, small for memory. */
export const FILE_CHUNK_BYTES = 1 << 20;
/** Characters of pasted text handed to the tokenizer at a time (as parseCSV's chunking). */
export const TEXT_CHUNK_CHARS = 1 << 20;
/** Progress is reported (and a cancel looked for) at least every this many rows. */
export const PROGRESS_ROWS = 50_000;
/** Data rows kept as text for the page's preview table. */
export const PREVIEW_ROWS = 5;

/** A piece of the input: its text and how much of the input (bytes or characters) has been read. */
export interface TextChunk {
  text: string;
  bytesRead: number;
}

/** Something that can be read from the start, as often as needed (a column may need a second read). */
export interface TextSource {
  name: string;
  /** Size in the unit of `bytesRead`: bytes of a file, characters of text. */
  totalBytes: number;
  open(): AsyncIterable<TextChunk>;
}

/**
 * A File (or Blob) read as UTF-8 through `stream()`, decoded chunk by chunk (a multi-byte
 * character split between chunks is kept for the next one; a leading byte-order mark is dropped).
 */
export function fileSource(file: Blob & { name?: string }, name = file.name ?? 'file'): TextSource {
  return {
    name,
    totalBytes: file.size,
    async *open() {
      const decoder = new TextDecoder('utf-8');
      const reader = file.stream().getReader();
      let bytesRead = 0;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          bytesRead += value.byteLength;
          const text = decoder.decode(value, { stream: true });
          if (text.length > 0) yield { text, bytesRead };
        }
        const last = decoder.decode();
        if (last.length > 0) yield { text: last, bytesRead };
      } finally {
        reader.releaseLock();
      }
    },
  };
}

/** Pasted text, handed over in TEXT_CHUNK_CHARS pieces (a leading byte-order mark is dropped). */
export function textSource(text: string, name: string, chunkChars = TEXT_CHUNK_CHARS): TextSource {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return {
    name,
    totalBytes: body.length,
    async *open() {
      for (let at = 0; at < body.length; at += chunkChars) {
        yield { text: body.slice(at, at + chunkChars), bytesRead: Math.min(body.length, at + chunkChars) };
      }
    },
  };
}

/** The data as read. */
export interface LoadedTable {
  name: string;
  frame: DataFrame;
  delimiter: Delimiter;
  /** Whether numbers were read with a decimal comma (semicolon files). */
  decimalComma: boolean;
  /** Header names that were empty and got a name (R's read.csv calls such a column X). */
  renamed: { field: number; name: string }[];
  /** The first data rows as text. */
  preview: string[][];
  totalBytes: number;
}

/**
 * Reads `source` into typed columns. The delimiter is detected from the first chunk; a column
 * that looks numeric and turns out to hold text further down is read again (the source is read
 * from the start once more) as text, as `parseCSV` does.
 *
 * @throws {SoftlogitError} `BAD_CSV` as parseCSV (empty text, bad header, ragged rows, open
 *   quotes); `Cancelled` (./hooks.ts) when `hooks.cancelled()` turns true.
 * @example
 * const table = await loadTable(textSource('y;x\n0;1,5\n1;2\n', 'pasted'), NO_HOOKS);
 * table.delimiter // => ';'
 * table.frame.columns[1].values // => Float64Array [1.5, 2]
 */
export async function loadTable(source: TextSource, hooks: Hooks): Promise<LoadedTable> {
  const caller = 'load';
  const asText = new Set<string>();
  for (;;) {
    let delimiter: Delimiter | undefined;
    let tokenizer: CSVTokenizer | undefined;
    const builder = new FrameBuilder({}, caller, asText, true);
    const preview: string[][] = [];
    const renamed: { field: number; name: string }[] = [];
    let records = 0;
    const add = (record: RecordView): void => {
      if (records === 0) nameEmptyHeaderFields(record, renamed);
      else if (records <= PREVIEW_ROWS) preview.push(recordFields(record));
      records++;
      builder.add(record);
    };
    let reported = 0;
    let bytesRead = 0;
    try {
      for await (const chunk of source.open()) {
        if (tokenizer === undefined) {
          delimiter = detectDelimiter(chunk.text, chunk.bytesRead >= source.totalBytes);
          tokenizer = new CSVTokenizer(delimiter === ';' ? readDecimalCommas(add) : add, caller, delimiter);
        }
        // A stream may hand over one huge chunk (Node's Blob.stream() gives a whole in-memory
        // file at once): feed it in pieces, so progress and cancel still come every PROGRESS_ROWS.
        const text = chunk.text;
        const bytesBefore = bytesRead;
        for (let at = 0; at < text.length; at += TEXT_CHUNK_CHARS) {
          const end = Math.min(text.length, at + TEXT_CHUNK_CHARS);
          tokenizer.push(end - at === text.length ? text : text.slice(at, end));
          bytesRead = Math.round(bytesBefore + ((chunk.bytesRead - bytesBefore) * end) / text.length);
          if (builder.rows - reported >= PROGRESS_ROWS) {
            reported = builder.rows;
            hooks.progress({ phase: 'read', rowsRead: builder.rows, bytesRead, totalBytes: source.totalBytes });
            await checkpoint(hooks);
          }
        }
      }
      delimiter ??= ',';
      tokenizer ??= new CSVTokenizer(add, caller, delimiter);
      tokenizer.end();
      const frame = builder.finish();
      hooks.progress({ phase: 'read', rowsRead: frame.nRows, bytesRead, totalBytes: source.totalBytes });
      return { name: source.name, frame, delimiter, decimalComma: delimiter === ';', renamed, preview, totalBytes: source.totalBytes };
    } catch (error) {
      if (!(error instanceof ReadAgainAsText)) throw error;
      asText.add(error.column);
    }
  }
}

/**
 * Gives each empty header field a name, as R's read.csv does (`X`, then `X.1`, ...), so a file
 * written by R's write.csv (an empty name over the row names) loads; the row names column is
 * then all distinct and left out of the default model as an ID.
 */
function nameEmptyHeaderFields(record: RecordView, renamed: { field: number; name: string }[]): void {
  const names = new Set(recordFields(record));
  for (let k = 0; k < record.count; k++) {
    if (fieldText(record, k) !== '') continue;
    let name = 'X';
    for (let suffix = 1; names.has(name); suffix++) name = `X.${suffix}`;
    names.add(name);
    record.quoted[k] = name;
    renamed.push({ field: k + 1, name });
  }
}
