// Writes the large CSV files of the demo page's end-to-end test: n rows × 10 columns (a 0/1
// response y, eight numeric predictors x1..x8 uniform in (−1, 1) rounded to 4 decimals, and a
// five-level text factor grp), about 60 bytes a row. Seeded, so every run writes the same file.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mulberry32 } from '../helpers/random.js';

/** Slopes of x1..x8 and of grp b..e (a is the baseline); intercept −0.3. */
const SLOPES = [0.5, -0.25, 0.5, -0.25, 0.5, -0.25, 0.5, -0.25];
const GROUP_EFFECTS = [0, 0.2, -0.2, 0.4, -0.4];
const GROUPS = ['a', 'b', 'c', 'd', 'e'];
/** Rows written per chunk: large enough that the stream is not called a million times. */
const CHUNK_ROWS = 20_000;

/**
 * Writes `nRows` data rows (and a header) to `path`; resolves with the file's size in bytes.
 * @example
 * await writeLogisticCSV('/tmp/big.csv', 1_000_000, 16); // => about 6.0e7
 */
export async function writeLogisticCSV(path: string, nRows: number, seed: number): Promise<number> {
  const next = mulberry32(seed);
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('y,x1,x2,x3,x4,x5,x6,x7,x8,grp\n');
  for (let start = 0; start < nRows; start += CHUNK_ROWS) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(nRows, start + CHUNK_ROWS); i++) {
      const xs = SLOPES.map(() => Math.round((2 * next() - 1) * 1e4) / 1e4);
      const g = Math.floor(next() * GROUPS.length);
      const eta = -0.3 + xs.reduce((s, v, j) => s + v * SLOPES[j]!, 0) + GROUP_EFFECTS[g]!;
      const y = next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
      lines.push(`${y},${xs.join(',')},${GROUPS[g]}`);
    }
    await write(`${lines.join('\n')}\n`);
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}
