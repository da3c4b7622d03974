// Text cut into chunks, for the readers that must give the same records however their input is cut.

/**
 * `text` cut at the given positions (each taken modulo `text.length + 1`; repeats and order do not
 * matter), so a fast-check array of naturals becomes any cutting of the text, empty pieces included
 * at the ends.
 *
 * @example
 * cut('abcdef', [4, 2]) // => ['ab', 'cd', 'ef']
 */
export function cut(text: string, positions: number[]): string[] {
  const at = [...new Set(positions.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const p of at) {
    chunks.push(text.slice(from, p));
    from = p;
  }
  chunks.push(text.slice(from));
  return chunks;
}
