import { constants, ftruncateSync, writevSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { scanRecords } from './historyScan';
import type { ScanBuffers } from './chunkReader';
import type { RecordVisitor, ScanResult } from './historyScan';

/** The log file being appended to; older segments sit beside it (see historyLog.ts). */
export const HISTORY_FILE_NAME = 'history.log';
/** Captured requests can hold secrets: keep them private to the user. */
const FILE_MODE = 0o600;

export interface FileRange {
  readonly offset: number;
  readonly length: number;
}

/**
 * One file of the log: positional appends (synchronous for small batches, see historyWriter.ts), random
 * reads, a scan. Callers serialize access; nothing here guards against overlapping calls.
 */
export class HistoryFile {
  private constructor(
    private currentPath: string,
    private handle: FileHandle,
    private end: number,
  ) {}

  /** Opens for appending, creating the file if needed. */
  static async open(path: string): Promise<HistoryFile> {
    return HistoryFile.openWith(path, constants.O_RDWR | constants.O_CREAT);
  }

  /** Opens a file that must not exist yet, as the target of a copy. */
  static async create(path: string): Promise<HistoryFile> {
    await rm(path, { force: true });
    return HistoryFile.openWith(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL);
  }

  private static async openWith(path: string, flags: number): Promise<HistoryFile> {
    const handle = await open(path, flags, FILE_MODE);
    try {
      const { size, mode } = await handle.stat();
      // The mode given to open only applies to a new file. Changed only when wrong: a metadata write can
      // wait on the file system's journal, for long while a burst of captured bodies is written back.
      if ((mode & 0o777) !== FILE_MODE) await handle.chmod(FILE_MODE);
      return new HistoryFile(path, handle, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get size(): number {
    return this.end;
  }

  scan(visit: RecordVisitor, buffers: ScanBuffers): Promise<ScanResult> {
    return scanRecords(this.handle, this.end, visit, buffers);
  }

  /** For small batches: a write to the page cache costs a few µs, far less than a hand-off to the thread pool. */
  appendSync(chunks: readonly Buffer[], length: number): number {
    const offset = this.end;
    try {
      let pending = chunks;
      for (let at = offset, left = length; left > 0; ) {
        const written = writevSync(this.handle.fd, pending as Buffer[], at);
        if (written <= 0) throw new Error('Could not write to the history file.');
        at += written;
        left -= written;
        if (left > 0) pending = dropBytes(pending, written);
      }
    } catch (error) {
      // Cut a partial write off so later appends do not follow garbage.
      try {
        ftruncateSync(this.handle.fd, offset);
      } catch {
        // The next load resynchronizes past whatever stays.
      }
      throw error;
    }
    this.end = offset + length;
    return offset;
  }

  async append(chunks: readonly Buffer[], length: number): Promise<number> {
    const offset = this.end;
    try {
      await writeAll(this.handle, chunks, offset, length);
    } catch (error) {
      await this.handle.truncate(offset).catch(() => undefined);
      throw error;
    }
    this.end = offset + length;
    return offset;
  }

  async read(range: FileRange, into?: Buffer): Promise<Buffer> {
    const buffer = into ?? Buffer.allocUnsafe(range.length);
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

  sync(): Promise<void> {
    return this.handle.sync();
  }

  /** Gives the file a new name, which nothing has yet; it stays open (see HistoryLog.roll). */
  async rename(path: string): Promise<void> {
    await rename(this.currentPath, path);
    this.currentPath = path;
  }

  /**
   * Gives the file another name, replacing whatever has it (see `replaceWith`). Closed around the rename,
   * which is the safe way on Windows; reopened under whichever name it has afterwards.
   */
  private async moveTo(path: string): Promise<void> {
    await this.handle.close();
    try {
      await rename(this.currentPath, path);
      this.currentPath = path;
    } finally {
      // Whichever name the file now has, keep a handle on it.
      this.handle = await open(this.currentPath, constants.O_RDWR);
    }
  }

  /**
   * Puts `other` in this file's place by renaming it over this one. This file is closed first (Windows
   * will not rename over an open file) and must not be used after; on failure it is reopened and `other` removed.
   */
  async replaceWith(other: HistoryFile): Promise<void> {
    await this.handle.close();
    try {
      await other.moveTo(this.currentPath);
    } catch (error) {
      this.handle = await open(this.currentPath, constants.O_RDWR);
      await other.remove().catch(() => undefined);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  async remove(): Promise<void> {
    await this.handle.close();
    await rm(this.currentPath, { force: true });
  }
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
    if (left > 0) pending = dropBytes(pending, bytesWritten);
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
