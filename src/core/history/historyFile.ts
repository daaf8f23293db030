import { constants, ftruncateSync, writevSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { ScanBuffers } from './chunkReader';
import { encodeSegmentRecord } from './historyRecords';
import { scanRecords } from './historyScan';
import type { RecordVisitor, ScanResult } from './historyScan';
import { MAX_GENERATION, RECORD_MAGIC, RecordKind, UNCOMMITTED_MAGIC } from './recordCodec';

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
  /** Records written into this file must carry it (see recordCodec.ts); learnt by `scan` for an existing file. */
  generation = 0;
  /**
   * Whether the file may be reused once it holds nothing live: only files whose records all share one
   * generation. A compacted log does not (its records are copied from files of any generation).
   */
  reusable = true;
  /** Bytes in the file, which a reused file has past `end` (its old content) until it grows over them. */
  private physicalEnd: number;

  private constructor(
    private currentPath: string,
    private handle: FileHandle,
    private end: number,
  ) {
    this.physicalEnd = end;
  }

  /** Opens for appending, creating the file if needed. */
  static async open(path: string): Promise<HistoryFile> {
    return HistoryFile.openWith(path, constants.O_RDWR | constants.O_CREAT);
  }

  /** Opens a file that must not exist yet, as the target of a copy (of records of any generation: not reusable). */
  static async create(path: string): Promise<HistoryFile> {
    await rm(path, { force: true });
    const file = await HistoryFile.openWith(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL);
    file.reusable = false;
    return file;
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

  async scan(visit: RecordVisitor, buffers: ScanBuffers): Promise<ScanResult> {
    const result = await scanRecords(this.handle, this.end, visit, buffers);
    this.generation = result.generation;
    this.reusable = result.firstKind !== RecordKind.base;
    return result;
  }

  /**
   * Starts the file over as a new generation, its old content left in place to be written over: writing
   * into pages the file already has costs the kernel a fraction of what growing a file does (about 13 µs
   * against 58 µs per 256 KB on the bench machine), and nothing is freed until the file is sealed. The
   * segment record written first makes every old record a leftover to readers.
   */
  restartSync(): void {
    const generation = (this.generation % MAX_GENERATION) + 1;
    const segment = encodeSegmentRecord(generation);
    // One small write within the first page: a kill cannot cut it in two.
    writeAllSync(this.handle.fd, segment.chunks, 0, segment.length);
    this.end = segment.length;
    this.generation = generation;
    this.reusable = true;
  }

  /** Cuts off what is left of the file's old content past its last record, so a sealed file holds only its own. */
  trimSync(): void {
    if (this.physicalEnd <= this.end) return;
    ftruncateSync(this.handle.fd, this.end);
    this.physicalEnd = this.end;
  }

  /** For small batches: a write to the page cache costs a few µs, far less than a hand-off to the thread pool. */
  appendSync(chunks: readonly Buffer[], length: number): number {
    const offset = this.end;
    try {
      for (const write of this.writesFor(chunks, offset, length)) writeAllSync(this.handle.fd, write.chunks, write.position, write.length);
    } catch (error) {
      // Cut a partial write off so later appends do not follow garbage.
      try {
        ftruncateSync(this.handle.fd, offset);
        this.physicalEnd = offset;
      } catch {
        // The next load resynchronizes past whatever stays.
      }
      throw error;
    }
    return this.appended(offset, length);
  }

  async append(chunks: readonly Buffer[], length: number): Promise<number> {
    const offset = this.end;
    try {
      for (const write of this.writesFor(chunks, offset, length)) await writeAll(this.handle, write.chunks, write.position, write.length);
    } catch (error) {
      await this.handle.truncate(offset).then(
        () => (this.physicalEnd = offset),
        () => undefined,
      );
      throw error;
    }
    return this.appended(offset, length);
  }

  /**
   * The writes that put a batch at `offset`: as it is into a file never reused; into a reused one, the
   * batch with its first magic zeroed, then that magic once the rest is in (see recordCodec.ts).
   */
  private writesFor(chunks: readonly Buffer[], offset: number, length: number): readonly PositionedWrite[] {
    if (this.generation === 0) return [{ chunks, position: offset, length }];
    return [
      { chunks: uncommitted(chunks), position: offset, length },
      { chunks: [RECORD_MAGIC], position: offset, length: RECORD_MAGIC.length },
    ];
  }

  private appended(offset: number, length: number): number {
    this.end = offset + length;
    this.physicalEnd = Math.max(this.physicalEnd, this.end);
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
    this.physicalEnd = length;
    // An empty file has no segment record any more: it starts again as generation 0.
    if (length === 0) {
      this.generation = 0;
      this.reusable = true;
    }
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

interface PositionedWrite {
  readonly chunks: readonly Buffer[];
  readonly position: number;
  readonly length: number;
}

/** A batch with its first magic zeroed. A batch always starts with a record's header. */
function uncommitted(chunks: readonly Buffer[]): readonly Buffer[] {
  const [head, ...rest] = chunks;
  if (!head || head.length < RECORD_MAGIC.length || !head.subarray(0, RECORD_MAGIC.length).equals(RECORD_MAGIC)) throw new Error('A history write must start with a record.');
  return [UNCOMMITTED_MAGIC, head.subarray(RECORD_MAGIC.length), ...rest];
}

function writeAllSync(fd: number, chunks: readonly Buffer[], position: number, length: number): void {
  let pending = chunks;
  for (let at = position, left = length; left > 0; ) {
    const written = writevSync(fd, pending as Buffer[], at);
    if (written <= 0) throw new Error('Could not write to the history file.');
    at += written;
    left -= written;
    if (left > 0) pending = dropBytes(pending, written);
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
