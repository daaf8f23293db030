import type { HistoryLog, Segment } from './historyLog';
import { encodeBaseRecord } from './historyRecords';
import type { Entry, RecordLocation } from './historyReplay';
import { SerialQueue } from './serialQueue';
import { buildBatch } from './writeBatch';
import type { PendingWrite, WriteBatch } from './writeBatch';

/** What the writer needs to know about the index it persists (whether an entry is still in it: `entry.live`). */
export interface IndexView {
  /** Oldest first. */
  entries(): Iterable<Entry>;
  /** The lowest seq still in the history. */
  liveFrom(): number;
}

type WrittenEntry = Entry & { location: RecordLocation };

/**
 * Batches up to this size are written synchronously from the event loop: into the page cache that takes
 * a few µs for a small webhook and ~60-100 µs for 256 KB. Handing such writes to the thread pool cost more
 * in the bench, not less: the hand-off each way, and bodies held until the write completes, which makes
 * them outlive young-generation collections (256 KB bodies, measured when this was chosen: capture cost
 * ~1.5× the pass-through's CPU per exchange with synchronous writes, over 2× with asynchronous ones).
 * Larger batches go to the thread pool so the extension host never stalls on a big write.
 */
const SYNC_WRITE_MAX_BYTES = 512 * 1024;
/**
 * A record this large is written as soon as it is queued (with whatever is queued before it) rather than
 * at the end of the turn. Batching saves nothing on a write that size, and holding its body a little
 * longer is expensive: if a young-generation collection runs meanwhile, the body survives it and ends up
 * in the old generation, which only a full collection frees.
 */
const WRITE_AT_ONCE_BYTES = 64 * 1024;
/** A full segment is sealed and a new one started; it is deleted once all of its entries have aged out. */
const MIN_SEGMENT_BYTES = 4 * 1024 * 1024;
const MAX_SEGMENT_BYTES = 64 * 1024 * 1024;
/**
 * Compaction (rewriting every live record) is for dead bytes that aging out does not free: deletions, a
 * lowered maxEntries. Below this it would cost more than it reclaims. It is also above what a small
 * history that only ever drops its oldest entries leaves dead in the file being appended to (under one
 * segment), so such a history never compacts.
 */
const MIN_DEAD_BYTES_TO_COMPACT = 8 * 1024 * 1024;

/**
 * Puts the index's changes on disk: appends, segment sealing and deletion, compaction, clearing, reads.
 * Records queued in one turn of the event loop go out in one write at the end of it. Every asynchronous
 * file operation runs in one queue, one at a time, so reads and compaction never see a half-done write.
 */
export class HistoryWriter {
  private readonly io = new SerialQueue();
  /**
   * Set while a task changes the file being appended to (an asynchronous append, a compaction, a clear).
   * Synchronous appends wait only for that: reads, sealing a segment and deleting old ones leave it alone.
   */
  private appendBlocked = false;
  private pending: PendingWrite<Entry>[] = [];
  private pendingBytes = 0;
  private clearPending = false;
  /** A write is armed for the end of this event-loop turn. */
  private writeScheduled = false;
  /** A write task is in the io queue and will take whatever is pending when it runs. */
  private writeQueued = false;
  private tidyQueued = false;
  private rollQueued = false;
  /** After a failed compaction, wait for this many dead bytes before trying again. */
  private retryCompactionAt = 0;
  /** maxEntries went down: what that cut off counts as dead even in the oldest segment (see `compactionDue`). */
  private boundLowered = false;
  private failure: { readonly error: unknown } | undefined;
  private closed = false;

  constructor(
    private readonly log: HistoryLog,
    private readonly index: IndexView,
  ) {}

  queue(write: PendingWrite<Entry>, bytes: number): void {
    this.pending.push(write);
    this.pendingBytes += bytes;
    if (bytes >= WRITE_AT_ONCE_BYTES) {
      this.startWrite();
      return;
    }
    if (this.writeScheduled) return;
    this.writeScheduled = true;
    // Everything recorded in this turn of the event loop goes out in one write.
    setImmediate(this.writeScheduledNow);
  }

  /** The entry left the index: its bytes on disk are dead from now on. */
  forget(entry: Entry): void {
    if (!entry.location) return;
    entry.location.segment.liveBytes -= entry.location.length;
  }

  /** Entries were cut off by a lowered maxEntries: reclaim their space now rather than as they age out. */
  boundWasLowered(): void {
    this.boundLowered = true;
  }

  /** Empties the log; whatever is queued after this is written after it. The index must be empty. */
  clear(): void {
    for (const segment of this.log.segments) segment.liveBytes = 0;
    this.pending = [];
    this.pendingBytes = 0;
    this.clearPending = true;
  }

  /** Reads the record of an entry, after any write queued before; undefined once the entry is gone. */
  read(entry: Entry): Promise<Buffer | undefined> {
    this.startWrite();
    return this.io.run(async () => {
      if (!entry.live) return undefined;
      if (this.closed) throw new Error('The webhook history is closed.');
      if (!entry.location) throw new Error(`The bodies of call ${entry.stored.id} could not be written to disk.`);
      return this.log.read(entry.location);
    });
  }

  /** Resolves once everything queued so far is on disk and tidied; rejects if a write since the last flush failed. */
  async flush(): Promise<void> {
    this.startWrite();
    await this.io.idle();
    await this.log.settled();
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure.error;
  }

  /** Writes what is queued, then closes the files; rejects if a write failed since the last flush. */
  async close(): Promise<void> {
    this.startWrite();
    await this.io.run(async () => {
      this.closed = true;
      await this.log.close();
    });
    if (this.failure) throw this.failure.error;
  }

  /** Queues dropping aged-out segments, and compaction, when either is due. */
  tidyIfWorthIt(): void {
    if (this.tidyQueued || this.closed) return;
    if (this.log.oldestSealed?.liveBytes !== 0 && !this.compactionDue()) return;
    this.tidyQueued = true;
    void this.io.run(async () => {
      this.tidyQueued = false;
      await this.tidy();
    });
  }

  private readonly writeScheduledNow = (): void => {
    this.writeScheduled = false;
    this.startWrite();
  };

  /** Writes what is pending: right here when that is small and nothing holds the file, otherwise as a queued task. */
  private startWrite(): void {
    if ((this.pending.length === 0 && !this.clearPending) || this.writeQueued || this.closed) return;
    this.rollIfFull();
    if (!this.appendBlocked && !this.clearPending && this.pendingBytes <= SYNC_WRITE_MAX_BYTES) {
      this.writeBatch(this.takeBatch());
      return;
    }
    this.writeQueued = true;
    void this.io.run(() => this.blockingAppends(() => this.writePending()));
  }

  private async blockingAppends(task: () => Promise<void>): Promise<void> {
    this.appendBlocked = true;
    try {
      await task();
    } finally {
      this.appendBlocked = false;
    }
  }

  private async writePending(): Promise<void> {
    this.writeQueued = false;
    if (this.closed) return;
    try {
      if (this.clearPending) {
        this.clearPending = false;
        await this.log.clear(encodeBaseRecord(0));
      }
    } catch (error) {
      this.failure ??= { error };
    }
    const batch = this.takeBatch();
    if (batch.length <= SYNC_WRITE_MAX_BYTES) this.writeBatch(batch);
    else await this.writeBatchAsync(batch);
  }

  private takeBatch(): WriteBatch<Entry> {
    const writes = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    // The file the batch goes into: nothing is awaited between here and the write.
    return buildBatch(writes, (owner) => owner.live, this.log.active.file.generation);
  }

  private writeBatch(batch: WriteBatch<Entry>): void {
    if (batch.length === 0) return;
    const segment = this.log.active;
    try {
      this.place(batch, segment, segment.file.appendSync(batch.chunks, batch.length));
    } catch (error) {
      this.failure ??= { error };
    }
    this.tidyIfWorthIt();
  }

  private async writeBatchAsync(batch: WriteBatch<Entry>): Promise<void> {
    const segment = this.log.active;
    try {
      this.place(batch, segment, await segment.file.append(batch.chunks, batch.length));
    } catch (error) {
      this.failure ??= { error };
    }
    this.tidyIfWorthIt();
  }

  private place(batch: WriteBatch<Entry>, segment: Segment, base: number): void {
    for (const { owner, record, at } of batch.placed) {
      owner.location = { segment, offset: base + at, length: record.length, bodiesAt: record.bodiesAt };
      // Removed while an asynchronous write was in flight: dead on arrival.
      if (owner.live) segment.liveBytes += record.length;
    }
  }

  /** Records still queued will be live on disk too: without them a backlog would look like dead weight. */
  private expectedLiveBytes(): number {
    return this.log.liveBytes + this.pendingBytes;
  }

  /** Seals the current file once it is full, in a task of its own: appends go on meanwhile (see HistoryLog.roll). */
  private rollIfFull(): void {
    if (this.rollQueued || !this.shouldRoll()) return;
    this.rollQueued = true;
    void this.io.run(async () => {
      this.rollQueued = false;
      if (this.closed || !this.shouldRoll()) return;
      try {
        await this.log.roll();
      } catch (error) {
        this.failure ??= { error };
      }
    });
  }

  /**
   * Half the live bytes: a history that only ages out then keeps at most about one and a half times what
   * is live on disk. Within bounds, so that small histories do not churn through files and large ones do
   * not delete hundreds of megabytes at once.
   */
  private shouldRoll(): boolean {
    const size = this.log.active.file.size;
    return size > 0 && size >= Math.min(MAX_SEGMENT_BYTES, Math.max(MIN_SEGMENT_BYTES, this.expectedLiveBytes() / 2));
  }

  /**
   * Whether rewriting the log is worth it. The oldest sealed segment does not count: the history drops
   * entries from that end, so its dead bytes go with it soon (at once if none of it is live). Counting
   * them would compact a history that only ever ages out, once per segment, copying everything live.
   * Right after maxEntries went down they do count: whoever lowered it expects the disk to follow now.
   */
  private compactionDue(): boolean {
    const oldest = this.log.oldestSealed;
    const agingOut = oldest && !this.boundLowered ? oldest.file.size - oldest.liveBytes : 0;
    const dead = this.log.totalBytes - this.log.liveBytes - agingOut;
    return dead >= Math.max(this.expectedLiveBytes(), MIN_DEAD_BYTES_TO_COMPACT, this.retryCompactionAt);
  }

  /** Drops segments whose entries have all gone, oldest first, then compacts if dead bytes still call for it. */
  private async tidy(): Promise<void> {
    if (this.closed) return;
    while (this.log.oldestSealed?.liveBytes === 0) this.log.dropOldest();
    const due = this.compactionDue();
    this.boundLowered = false;
    if (due) await this.blockingAppends(() => this.compact());
  }

  private async compact(): Promise<void> {
    const order = new Map(this.log.segments.map((segment, i) => [segment, i]));
    const live = [...this.index.entries()]
      .filter((entry): entry is WrittenEntry => entry.location !== undefined)
      .sort((a, b) => order.get(a.location.segment)! - order.get(b.location.segment)! || a.location.offset - b.location.offset);
    try {
      const ranges = live.map(({ location }) => ({ file: location.segment.file, offset: location.offset, length: location.length }));
      const offsets = await this.log.compact(encodeBaseRecord(this.index.liveFrom()), ranges);
      const segment = this.log.active;
      for (const [i, entry] of live.entries()) {
        entry.location = { ...entry.location, segment, offset: offsets[i]! };
        // Entries removed while the copy ran were copied anyway, as dead bytes.
        if (entry.live) segment.liveBytes += entry.location.length;
      }
      this.retryCompactionAt = 0;
    } catch {
      // A failed rewrite leaves the log as it was; retry once twice as much is dead.
      this.retryCompactionAt = (this.log.totalBytes - this.log.liveBytes) * 2;
    }
  }
}
