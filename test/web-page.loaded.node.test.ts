/**
 * The demo page's message for numeric columns with stray words (examples/web/ui/loaded.ts), from
 * the engine's `ColumnInfo.strayText` (found in examples/web/engine/columns.ts).
 */
import { describe, expect, it } from 'vitest';
import { strayTextMessage } from '../examples/web/ui/loaded.js';
import type { ColumnInfo, LoadedMessage } from '../examples/web/protocol.js';

function loaded(columns: Partial<ColumnInfo>[]): LoadedMessage {
  return { columns: columns.map((c) => ({ name: 'c', kind: 'text', nMissing: 0, nDistinct: 2, allDistinct: false, likelyId: false, levels: [], ...c })) } as LoadedMessage;
}

describe('strayTextMessage', () => {
  it('names each flagged column, its words with their rows and lines, and how many more cells', () => {
    const message = strayTextMessage(loaded([
      { name: 'gre', strayText: { values: ['abc'], rows: [2], lines: [3], count: 1, nDistinct: 1 } },
      { name: 'group' },
      { name: 'dose', strayText: { values: ['zzz', 'n/a?'], rows: [150, 1200], count: 7, nDistinct: 3 } },
    ]))!;
    expect(message.columns).toEqual(['gre', 'dose']);
    expect(message.text).toBe(
      'Column gre holds numbers but also "abc" (data row 2, line 3 of the file): as it is, it would be dummy-coded as a factor with one level per value.\n' +
        'Column dose holds numbers but also "zzz" (data row 150), "n/a?" (data row 1,200) and 5 more text cells: as it is, it would be dummy-coded as a factor with one level per value.\n' +
        'Fix the file and open it again, untick the column, or press Fit to use it as a factor.',
    );
  });

  it('says nothing when no column is flagged', () => {
    expect(strayTextMessage(loaded([{ name: 'group' }, { name: 'x', kind: 'numeric' }]))).toBeUndefined();
  });
});
