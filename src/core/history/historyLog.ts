import { constants } from 'node:fs';
import { chmod, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HISTORY_FILE_NAME, HistoryFile } from './historyFile';
import type { FileRange } from './historyFile';
import { ScanBuffers } from './chunkReader';
import type { RecordVisitor, SkippedRegion } from './historyScan';
import { copyRanges } from './logCopy';
import type { SourceRange } from './logCopy';
import { sealRecord } from './recordCodec';
import type { EncodedRecord } from './recordCodec';
import { SerialQueue } from './serialQueue';

const DIR_MODE = 0o700;
const COMPACTING_NAME = `${HISTORY_FILE_NAME}.compacting`;
const SEALED_NAME = /^history\.(\d+)\.log$/;

export interface Segment {
  readonly file: HistoryFile;
  /** Bytes of records still in the history; the rest of the file is dead weight. Kept by the writer. */
  liveBytes: number;
}

export interface SegmentLocation extends FileRange {
  readonly segment: Segment;
}

export interface LogLoad {
  readonly log: HistoryLog;
  readonly damaged: readonly SkippedRegion[];
  /** Bytes after the last intact record of the newest segment, already cut off. */
  readonly tornTail?: SkippedRegion;
}

/**
 * The log as files: `history.log`, appended to, and older segments `history.<n>.log` that were full.
 * Dropping the oldest entries, which is what a full history does on every append, costs nothing until
 * a whole segment has aged out, and then its file is kept to be written over as the next segment (one
 * such spare; any other is deleted): no live record is ever copied for it, and a steady stream of large
 * webhooks writes into pages the kernel already has instead of growing and freeing files. A single file
 * would have to be rewritten to shed its oldest records, copying everything live each time (256 MB for
 * the default 1000 entries of 256 KB webhooks), or be let grow to many times the history's size between
 * rewrites. Only deletions in the middle (and damage) leave dead bytes among live ones; compaction
 * rewrites the log for those, rarely. Segments are read and dropped oldest first, so a record never
 * outlives the tombstone or `liveFrom` that made it dead.
 */
export class HistoryLog {
  /**
   * Old segments are deleted here, off the file queue: deleting a big file frees its cached pages, which
   * takes long enough that appends waiting behind it would pile up. Nothing else touches those files.
   */
  private readonly removals = new SerialQueue();
  /**
   * The last segment to age out, kept (open, under its old name) to become the next file appended to,
   * rather than deleted now and a new file grown later: see HistoryFile.restartSync. At most one.
   */
  private spare: HistoryFile | undefined;

  private constructor(
    private readonly dir: string,
    private readonly sealed: Segment[],
    private current: Segment,
    private nextNumber: number,
  ) {}

  /** Opens the log and hands every intact record to the visitor for its segment, oldest segment first. */
  static async open(dir: string, visitorFor: (segment: Segment) => RecordVisitor): Promise<LogLoad> {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    // mkdir leaves an existing folder's mode alone; the folder is ours alone, so tighten it (only if needed, see HistoryFile.open).
    if (((await stat(dir)).mode & 0o777) !== DIR_MODE) await chmod(dir, DIR_MODE).catch(() => undefined);
    // A leftover from a compaction that never reached its rename; the log itself is still whole.
    await rm(join(dir, COMPACTING_NAME), { force: true });
    const numbers = (await readdir(dir))
      .map((name) => SEALED_NAME.exec(name)?.[1])
      .filter((digits): digits is string => digits !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const files: HistoryFile[] = [];
    try {
      for (const number of numbers) files.push(await HistoryFile.open(join(dir, sealedName(number))));
      files.push(await HistoryFile.open(join(dir, HISTORY_FILE_NAME)));
      const segments = files.map((file): Segment => ({ file, liveBytes: 0 }));
      const damaged: SkippedRegion[] = [];
      let tornTail: SkippedRegion | undefined;
      const buffers = new ScanBuffers();
      for (const [i, segment] of segments.entries()) {
        const scan = await segment.file.scan(visitorFor(segment), buffers);
        const last = scan.skipped.at(-1);
        const end = scan.leftoverFrom ?? segment.file.size;
        // Only the segment being appended to can have been cut off mid-write.
        const torn = i === segments.length - 1 && last !== undefined && last.offset + last.length === end;
        if (torn) tornTail = last;
        damaged.push(...(torn ? scan.skipped.slice(0, -1) : scan.skipped));
        // Appending after a torn tail would bury new records behind garbage; a reused file's old content
        // (left by a crash, or sealed before trimming) is not part of the log.
        if (torn || scan.leftoverFrom !== undefined) await segment.file.truncate(scan.validEnd);
      }
      const current = segments.pop()!;
      const log = new HistoryLog(dir, segments, current, (numbers.at(-1) ?? 0) + 1);
      return { log, damaged, ...(tornTail ? { tornTail } : {}) };
    } catch (error) {
      await Promise.all(files.map((file) => file.close().catch(() => undefined)));
      throw error;
    }
  }

  /** Oldest first, the one being appended to last. */
  get segments(): readonly Segment[] {
    return [...this.sealed, this.current];
  }

  get active(): Segment {
    return this.current;
  }

  get oldestSealed(): Segment | undefined {
    return this.sealed[0];
  }

  get totalBytes(): number {
    return this.sealed.reduce((sum, segment) => sum + segment.file.size, this.current.file.size);
  }

  /** Bytes of live records on disk, over all segments. */
  get liveBytes(): number {
    return this.sealed.reduce((sum, segment) => sum + segment.liveBytes, this.current.liveBytes);
  }

  read(location: SegmentLocation): Promise<Buffer> {
    return location.segment.file.read(location);
  }

  /**
   * Seals the current file under the next segment number and starts an empty one. Appends may go on
   * into the current file meanwhile: it stays open under its new name (on Windows too, where libuv
   * opens files with FILE_SHARE_DELETE, which allows renaming them), so sealing never holds up
   * recording. A crash in between leaves no `history.log`, which the next open simply creates.
   */
  async roll(): Promise<void> {
    const full = this.current;
    const activePath = join(this.dir, HISTORY_FILE_NAME);
    // The spare is made a new generation before it takes the active name: a crash at any point after
    // leaves its old records as leftovers, never as records of the log.
    let spare = this.spare;
    this.spare = undefined;
    try {
      spare?.restartSync();
    } catch {
      if (spare) this.discard(spare);
      spare = undefined;
    }
    await full.file.rename(join(this.dir, sealedName(this.nextNumber++)));
    let next: HistoryFile;
    try {
      if (spare) await spare.rename(activePath);
      next = spare ?? (await HistoryFile.open(activePath));
    } catch (error) {
      if (spare) this.discard(spare);
      await full.file.rename(activePath).catch(() => undefined);
      throw error;
    }
    // Synchronously, with no append in between: what the sealed file holds past its last record goes.
    try {
      full.file.trimSync();
    } catch {
      // The next load stops at those leftovers all the same, and cuts them off.
    }
    this.sealed.push(full);
    this.current = { file: next, liveBytes: 0 };
  }

  /** Drops the oldest segment, which the caller knows holds nothing live: kept as the spare, or deleted. */
  dropOldest(): void {
    const oldest = this.sealed.shift();
    if (!oldest) return;
    // A file left behind by a crash is all dead records, which the next load skips and drops again.
    if (!this.spare && oldest.file.reusable) this.spare = oldest.file;
    else this.discard(oldest.file);
  }

  /** Resolves once old segments handed over for deletion are gone. */
  settled(): Promise<void> {
    return this.removals.idle();
  }

  private discard(file: HistoryFile): void {
    // A file left behind is all dead records, which the next load skips and drops again.
    void this.removals.run(() => file.remove().catch(() => undefined));
  }

  /**
   * Replaces the whole log with `base` followed by the given ranges, in order, and returns where each
   * range now starts. The copy is written and fsynced beside the log, then renamed over `history.log`;
   * its base record makes any older segment that a crash leaves behind count for nothing.
   */
  async compact(base: EncodedRecord, ranges: readonly SourceRange[]): Promise<number[]> {
    const target = await HistoryFile.create(join(this.dir, COMPACTING_NAME));
    sealRecord(base, target.generation);
    let offsets: number[];
    try {
      await target.append(base.chunks, base.length);
      offsets = await copyRanges(target, ranges);
      await target.sync();
    } catch (error) {
      await target.remove().catch(() => undefined);
      throw error;
    }
    await this.current.file.replaceWith(target);
    await syncDirectory(this.dir);
    for (const segment of this.sealed.splice(0)) this.discard(segment.file);
    this.current = { file: target, liveBytes: 0 };
    return offsets;
  }

  /**
   * Empties the log. The base record goes first and stays until the older segments are gone, so a
   * crash halfway through still leaves an empty history.
   */
  async clear(base: EncodedRecord): Promise<void> {
    sealRecord(base, this.current.file.generation);
    await this.current.file.append(base.chunks, base.length);
    // All of them deleted, the spare too: with the base record gone, nothing would make their records dead.
    for (const segment of this.sealed.splice(0)) this.discard(segment.file);
    if (this.spare) this.discard(this.spare);
    this.spare = undefined;
    await this.removals.idle();
    await this.current.file.truncate(0);
    this.current.liveBytes = 0;
  }

  async close(): Promise<void> {
    await this.removals.idle();
    // The spare stays on disk: the next load finds nothing live in it and makes it the spare again.
    const files = [...this.sealed, this.current].map((segment) => segment.file);
    if (this.spare) files.push(this.spare);
    this.spare = undefined;
    await Promise.all(files.map((file) => file.close()));
  }
}

function sealedName(number: number): string {
  return `history.${number}.log`;
}

/** Makes a rename durable. Windows cannot open folders for syncing, and does not need to. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY).catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}
