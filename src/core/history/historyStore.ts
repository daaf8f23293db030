import type { Exchange } from '../capture/exchange';
import { Emitter } from '../util/event';
import type { Event } from '../util/event';
import { HistoryFile } from './historyFile';
import type { FileRange } from './historyFile';
import { decodeHistoryRecord, encodeExchangeRecord } from './historyRecords';
import type { HistoryRecord } from './historyRecords';
import type { ScanResult } from './historyScan';
import { buildLoadReport } from './loadReport';
import type { HistoryLoadReport } from './loadReport';
import { isIntactRecord } from './recordCodec';
import { SerialQueue } from './serialQueue';
import { withBodies } from './storedExchange';
import type { StoredExchange } from './storedExchange';
import { buildBatch } from './writeBatch';
import type { PendingWrite } from './writeBatch';

export type { HistoryLoadReport } from './loadReport';
export type { BodyInfo, StoredExchange } from './storedExchange';

export type HistoryChange =
  | { readonly kind: 'added'; readonly exchange: StoredExchange }
  | { readonly kind: 'removed'; readonly ids: readonly string[] }
  | { readonly kind: 'cleared' };

export interface HistoryStoreOptions {
  readonly maxEntries: number;
}

interface RecordLocation extends FileRange {
  readonly bodiesAt: number;
}

interface Entry {
  readonly stored: StoredExchange;
  /** Unset until the record is on disk (and forever if writing it failed). */
  location?: RecordLocation;
}

type WrittenEntry = Entry & { location: RecordLocation };

/** Below this, rewriting the file would cost more than the few dead records it reclaims. */
const MIN_DEAD_RECORDS_TO_COMPACT = 8;

function checkMaxEntries(maxEntries: number): void {
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}.`);
}

/**
 * The captured exchanges, newest first, persisted in an append-only log. Metadata lives in memory;
 * bodies stay on disk and are read back on demand. Changes apply to the index at once and reach the
 * disk in coalesced batches, so recording costs little more than encoding the metadata.
 */
export class HistoryStore {
  private readonly changes = new Emitter<HistoryChange>();
  readonly onDidChange: Event<HistoryChange> = this.changes.event;

  /** Insertion order is age: the first entry is the oldest. */
  private readonly index = new Map<string, Entry>();
  private newestFirst: readonly StoredExchange[] | undefined;

  /** Every file operation goes through here, so reads and compaction never see a half-done write. */
  private readonly io = new SerialQueue();
  private pending: PendingWrite<Entry>[] = [];
  private truncatePending = false;
  private writeQueued = false;
  private compaction: Promise<void> | undefined;
  /** After a failed compaction, wait for this many dead records before trying again. */
  private retryCompactionAt = 0;
  /** Records in the file that no longer count: removed exchanges, tombstones, damaged runs. */
  private deadRecords = 0;
  private writeFailure: { readonly error: unknown } | undefined;
  private closing: Promise<void> | undefined;
  private fileClosed = false;

  private constructor(
    private readonly file: HistoryFile,
    private maxEntries: number,
  ) {}

  static async open(dir: string, options: HistoryStoreOptions): Promise<{ store: HistoryStore; report: HistoryLoadReport }> {
    checkMaxEntries(options.maxEntries);
    const file = await HistoryFile.open(dir);
    try {
      const sizeOnDisk = file.size;
      const scan = await file.scan(decodeHistoryRecord);
      // Appending after a torn tail would bury new records behind garbage.
      if (scan.validEnd < sizeOnDisk) await file.truncate(scan.validEnd);
      const store = new HistoryStore(file, options.maxEntries);
      store.restore(scan);
      const evicted = store.removeEntries(store.oldestIds(store.size - store.maxEntries));
      if (evicted.length > 0 || store.deadRecords > store.compactionThreshold()) await store.compactSoon();
      return { store, report: buildLoadReport(store.size, scan.skipped, sizeOnDisk) };
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  get size(): number {
    return this.index.size;
  }

  /** Records the exchange. The index and listeners see it at once; the disk write is queued. */
  append(exchange: Exchange): void {
    // Captures still in flight when the extension shuts down have nowhere to go.
    if (this.closing) return;
    const { stored, record } = encodeExchangeRecord(exchange);
    const removed = this.removeEntries(this.index.has(stored.id) ? [stored.id] : []);
    removed.push(...this.removeEntries(this.oldestIds(this.index.size + 1 - this.maxEntries)));
    const entry: Entry = { stored };
    this.index.set(stored.id, entry);
    this.newestFirst = undefined;
    this.queueWrite({ kind: 'exchange', id: stored.id, record, owner: entry });
    if (removed.length > 0) this.changes.fire({ kind: 'removed', ids: removed });
    this.changes.fire({ kind: 'added', exchange: stored });
  }

  /** Newest first. */
  entries(): readonly StoredExchange[] {
    this.newestFirst ??= [...this.index.values()].map((entry) => entry.stored).reverse();
    return this.newestFirst;
  }

  get(id: string): StoredExchange | undefined {
    return this.index.get(id)?.stored;
  }

  /** The exchange with its bodies read back from disk; undefined once it is no longer in the history. */
  async readExchange(id: string): Promise<Exchange | undefined> {
    const entry = this.index.get(id);
    if (!entry) return undefined;
    // Queued behind the write of this very record, if that is still pending.
    return this.io.run(async () => {
      if (this.index.get(id) !== entry) return undefined;
      if (this.fileClosed) throw new Error('The webhook history is closed.');
      const { location } = entry;
      if (!location) throw new Error(`The bodies of call ${id} could not be written to disk.`);
      const record = await this.file.read(location);
      if (!isIntactRecord(record)) throw new Error(`The recorded call ${id} is damaged on disk.`);
      const bodies = record.subarray(location.bodiesAt);
      const requestBytes = entry.stored.request.body.recordedBytes;
      return withBodies(entry.stored, bodies.subarray(0, requestBytes), bodies.subarray(requestBytes));
    });
  }

  async delete(id: string): Promise<void> {
    this.assertOpen();
    const removed = this.removeEntries([id]);
    if (removed.length > 0) this.changes.fire({ kind: 'removed', ids: removed });
    await this.flush();
  }

  async clear(): Promise<void> {
    this.assertOpen();
    this.index.clear();
    this.newestFirst = undefined;
    // Nothing queued before the clear matters once the file is emptied.
    this.pending = [];
    this.truncatePending = true;
    this.scheduleWrite();
    this.changes.fire({ kind: 'cleared' });
    await this.flush();
  }

  setMaxEntries(maxEntries: number): void {
    checkMaxEntries(maxEntries);
    this.maxEntries = maxEntries;
    const removed = this.removeEntries(this.oldestIds(this.index.size - maxEntries));
    if (removed.length > 0) this.changes.fire({ kind: 'removed', ids: removed });
    this.compactIfWorthIt();
  }

  /**
   * Resolves once everything queued so far is written, and any compaction those writes called for is
   * done; rejects if a write since the last flush failed.
   */
  async flush(): Promise<void> {
    await this.io.idle();
    await this.compaction;
    const failure = this.writeFailure;
    this.writeFailure = undefined;
    if (failure) throw failure.error;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    await this.io.run(async () => {
      this.fileClosed = true;
      await this.file.close();
    });
    this.changes.dispose();
    if (this.writeFailure) throw this.writeFailure.error;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('The webhook history is closed.');
  }

  private restore(scan: ScanResult<HistoryRecord>): void {
    for (const { value, offset, length, bodiesAt } of scan.records) {
      if (value.kind === 'exchange') {
        if (this.index.delete(value.stored.id)) this.deadRecords++;
        this.index.set(value.stored.id, { stored: value.stored, location: { offset, length, bodiesAt } });
      } else {
        for (const id of value.ids) if (this.index.delete(id)) this.deadRecords++;
        this.deadRecords++;
      }
    }
    const last = scan.skipped.at(-1);
    const tornTail = last !== undefined && last.offset >= scan.validEnd;
    this.deadRecords += scan.skipped.length - (tornTail ? 1 : 0);
  }

  private oldestIds(count: number): string[] {
    const ids: string[] = [];
    if (count <= 0) return ids;
    for (const id of this.index.keys()) {
      ids.push(id);
      if (ids.length === count) break;
    }
    return ids;
  }

  private removeEntries(ids: readonly string[]): string[] {
    const removed: string[] = [];
    for (const id of ids) {
      const entry = this.index.get(id);
      if (!entry) continue;
      this.index.delete(id);
      removed.push(id);
      // A record still queued is counted when it is written.
      if (entry.location) this.deadRecords++;
    }
    if (removed.length === 0) return removed;
    this.newestFirst = undefined;
    this.queueWrite({ kind: 'tombstone', ids: removed });
    return removed;
  }

  private queueWrite(write: PendingWrite<Entry>): void {
    this.pending.push(write);
    this.scheduleWrite();
  }

  /** One queued task drains everything pending when it runs, which is what batches a burst of appends. */
  private scheduleWrite(): void {
    if (this.writeQueued) return;
    this.writeQueued = true;
    void this.io.run(() => this.writePending());
  }

  private async writePending(): Promise<void> {
    this.writeQueued = false;
    const writes = this.pending;
    const truncate = this.truncatePending;
    this.pending = [];
    this.truncatePending = false;
    if (this.fileClosed) return;
    try {
      if (truncate) {
        await this.file.truncate(0);
        this.deadRecords = 0;
      }
      if (writes.length > 0) {
        const batch = buildBatch(writes);
        const base = await this.file.append(batch.chunks, batch.length);
        for (const { owner, record, at } of batch.placed) {
          owner.location = { offset: base + at, length: record.length, bodiesAt: record.bodiesAt };
          if (this.index.get(owner.stored.id) !== owner) this.deadRecords++;
        }
        this.deadRecords += batch.tombstones;
      }
    } catch (error) {
      this.writeFailure ??= { error };
    }
    this.compactIfWorthIt();
  }

  private compactionThreshold(): number {
    return Math.max(MIN_DEAD_RECORDS_TO_COMPACT, Math.floor(this.maxEntries / 2), this.retryCompactionAt);
  }

  private compactIfWorthIt(): void {
    if (this.compaction || this.closing || this.deadRecords <= this.compactionThreshold()) return;
    void this.compactSoon();
  }

  private compactSoon(): Promise<void> {
    this.compaction ??= this.io.run(async () => {
      try {
        await this.compact();
      } finally {
        this.compaction = undefined;
      }
    });
    return this.compaction;
  }

  private async compact(): Promise<void> {
    if (this.fileClosed) return;
    const live = [...this.index.values()]
      .filter((entry): entry is WrittenEntry => entry.location !== undefined)
      .sort((a, b) => a.location.offset - b.location.offset);
    try {
      const offsets = await this.file.rewrite(live.map((entry) => entry.location));
      for (const [i, entry] of live.entries()) entry.location = { ...entry.location, offset: offsets[i]! };
      // Entries removed while the copy ran were copied anyway; their tombstones are still queued.
      this.deadRecords = live.filter((entry) => this.index.get(entry.stored.id) !== entry).length;
      this.retryCompactionAt = 0;
    } catch {
      // A failed rewrite leaves the log as it was; retry once twice as much is dead.
      this.retryCompactionAt = this.deadRecords * 2;
    }
  }
}
