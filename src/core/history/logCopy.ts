import type { HistoryFile } from './historyFile';

export interface SourceRange {
  readonly file: HistoryFile;
  readonly offset: number;
  readonly length: number;
}

const COPY_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * Appends the ranges to `target` in order and returns where each one starts there. Touching ranges are
 * read as one, and the copy is written in buffer-sized pieces, so live data moves in long runs rather
 * than record by record.
 */
export async function copyRanges(target: HistoryFile, ranges: readonly SourceRange[]): Promise<number[]> {
  const offsets: number[] = [];
  let next = target.size;
  for (const range of ranges) {
    offsets.push(next);
    next += range.length;
  }
  const buffer = Buffer.allocUnsafe(COPY_BUFFER_BYTES);
  let filled = 0;
  const writeOut = async (): Promise<void> => {
    if (filled > 0) await target.append([buffer.subarray(0, filled)], filled);
    filled = 0;
  };
  for (const { file, offset, length } of coalesce(ranges)) {
    for (let done = 0; done < length; ) {
      if (filled === buffer.length) await writeOut();
      const part = Math.min(buffer.length - filled, length - done);
      await file.read({ offset: offset + done, length: part }, buffer.subarray(filled, filled + part));
      filled += part;
      done += part;
    }
  }
  await writeOut();
  return offsets;
}

function coalesce(ranges: readonly SourceRange[]): SourceRange[] {
  const merged: SourceRange[] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && last.file === range.file && last.offset + last.length === range.offset) merged[merged.length - 1] = { ...last, length: last.length + range.length };
    else merged.push(range);
  }
  return merged;
}
