import { constants } from 'node:fs';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { scanRecords } from './historyScan';
import type { ScanResult } from './historyScan';
import type { RecordHeader } from './recordCodec';

export const HISTORY_FILE_NAME = 'history.log';
const COMPACTING_SUFFIX = '.compacting';
/** Captured requests can hold secrets: keep them private to the user. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const COPY_CHUNK_BYTES = 4 * 1024 * 1024;

export interface FileRange {
  readonly offset: number;
  readonly length: number;
}

/**
 * The log file itself: positional appends, random reads, and the atomic rewrite used by compaction.
 * Callers serialize access; nothing here guards against overlapping calls.
 */
export class HistoryFile {
  private constructor(
    private readonly path: string,
    private handle: FileHandle,
    private end: number,
  ) {}

  static async open(dir: string): Promise<HistoryFile> {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    // mkdir leaves an existing folder's mode alone; the folder is ours alone, so tighten it.
    await chmod(dir, DIR_MODE).catch(() => undefined);
    const path = join(dir, HISTORY_FILE_NAME);
    // A leftover from a compaction that never reached its rename; the log itself is still whole.
    await rm(path + COMPACTING_SUFFIX, { force: true });
    const handle = await open(path, constants.O_RDWR | constants.O_CREAT, FILE_MODE);
    try {
      await handle.chmod(FILE_MODE);
      const { size } = await handle.stat();
      return new HistoryFile(path, handle, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get size(): number {
    return this.end;
  }

  scan<T>(decode: (header: RecordHeader, metaText: string) => T | undefined): Promise<ScanResult<T>> {
    return scanRecords(this.handle, this.end, decode);
  }

  async append(chunks: readonly Buffer[], length: number): Promise<number> {
    const offset = this.end;
    try {
      await writeAll(this.handle, chunks, offset, length);
    } catch (error) {
      // Cut a partial write off so later appends do not follow garbage.
      await this.handle.truncate(offset).catch(() => undefined);
      throw error;
    }
    this.end = offset + length;
    return offset;
  }

  async read(range: FileRange): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(range.length);
    let filled = 0;
    while (filled < range.length) {
      const { bytesRead } = await this.handle.read(buffer, filled, range.length - filled, range.offset + filled);
      if (bytesRead === 0) throw new Error(`The history file ends before the record at offset ${range.offset}.`);
      filled += bytesRead;
    }
    return buffer;
  }

  async truncate(length: number): Promise<void> {
    await this.handle.truncate(length);
    this.end = length;
  }

  /**
   * Replaces the file with only the given ranges, in order, and returns their new offsets. The copy is
   * written and fsynced beside the log, then renamed over it, so a crash leaves either file whole.
   */
  async rewrite(ranges: readonly FileRange[]): Promise<number[]> {
    const temporary = this.path + COMPACTING_SUFFIX;
    await rm(temporary, { force: true });
    const target = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, FILE_MODE);
    const offsets: number[] = [];
    let written = 0;
    try {
      const buffer = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
      for (const { offset, length } of coalesce(ranges)) {
        for (let done = 0; done < length; ) {
          const { bytesRead } = await this.handle.read(buffer, 0, Math.min(buffer.length, length - done), offset + done);
          if (bytesRead === 0) throw new Error('The history file ended while it was being compacted.');
          await writeAll(target, [buffer.subarray(0, bytesRead)], written, bytesRead);
          done += bytesRead;
          written += bytesRead;
        }
      }
      await target.sync();
    } catch (error) {
      await target.close();
      await rm(temporary, { force: true });
      throw error;
    }
    await target.close();

    await this.handle.close();
    let renamed = false;
    try {
      await rename(temporary, this.path);
      renamed = true;
    } finally {
      // Whichever file now has the name is whole; keep appending to it.
      this.handle = await open(this.path, constants.O_RDWR);
      if (!renamed) await rm(temporary, { force: true }).catch(() => undefined);
    }
    await syncDirectory(this.path);
    this.end = written;

    let next = 0;
    for (const range of ranges) {
      offsets.push(next);
      next += range.length;
    }
    return offsets;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** Merges touching ranges so compaction copies long runs instead of record by record. */
function coalesce(ranges: readonly FileRange[]): FileRange[] {
  const merged: FileRange[] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && last.offset + last.length === range.offset) merged[merged.length - 1] = { offset: last.offset, length: last.length + range.length };
    else merged.push(range);
  }
  return merged;
}

async function writeAll(handle: FileHandle, chunks: readonly Buffer[], position: number, length: number): Promise<void> {
  let pending = chunks;
  let at = position;
  let left = length;
  while (left > 0) {
    const { bytesWritten } = await handle.writev(pending, at);
    if (bytesWritten <= 0) throw new Error('Could not write to the history file.');
    at += bytesWritten;
    left -= bytesWritten;
    pending = dropBytes(pending, bytesWritten);
  }
}

function dropBytes(chunks: readonly Buffer[], count: number): readonly Buffer[] {
  const rest: Buffer[] = [];
  let skip = count;
  for (const chunk of chunks) {
    if (skip >= chunk.length) skip -= chunk.length;
    else {
      rest.push(skip > 0 ? chunk.subarray(skip) : chunk);
      skip = 0;
    }
  }
  return rest;
}

/** Makes the rename itself durable. Windows cannot open folders for syncing, and does not need to. */
async function syncDirectory(filePath: string): Promise<void> {
  const handle = await open(dirname(filePath), constants.O_RDONLY).catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}
