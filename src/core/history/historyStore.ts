import type { Exchange } from '../capture/exchange';
import { Emitter } from '../util/event';
import type { Event } from '../util/event';
import { HistoryLog } from './historyLog';
import { encodeExchangeRecord } from './historyRecords';
import { HistoryReplay, newEntry } from './historyReplay';
import type { Entry } from './historyReplay';
import { HistoryWriter } from './historyWriter';
import { buildLoadReport } from './loadReport';
import type { HistoryLoadReport } from './loadReport';
import { isIntactRecord, stampRecord } from './recordCodec';
import { withBodies } from './storedExchange';
import type { StoredExchange } from './storedExchange';

export type { HistoryLoadReport } from './loadReport';
export type { BodyInfo, StoredExchange } from './storedExchange';

export type HistoryChange =
  | { readonly kind: 'added'; readonly exchange: StoredExchange }
  | { readonly kind: 'removed'; readonly ids: readonly string[] }
  | { readonly kind: 'cleared' };

export interface HistoryStoreOptions {
  readonly maxEntries: number;
}

/** What a queued tombstone counts for when the writer decides whether a batch is small. */
const TOMBSTONE_BYTES = 256;

function checkMaxEntries(maxEntries: number): void {
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}.`);
}

/**
 * The captured exchanges, newest first, persisted in an append-only log (see historyLog.ts). Metadata
 * lives in memory; bodies stay on disk and are read back on demand. Changes apply to the index at once
 * and reach the disk at the end of the event-loop turn, everything of that turn in one write (see
 * historyWriter.ts), so recording costs little more than encoding the metadata and one write to the
 * page cache.
 */
export class HistoryStore {
  private readonly changes = new Emitter<HistoryChange>();
  readonly onDidChange: Event<HistoryChange> = this.changes.event;

  private newestFirst: readonly StoredExchange[] | undefined;
  private readonly writer: HistoryWriter;
  private closing: Promise<void> | undefined;

  private constructor(
    log: HistoryLog,
    private maxEntries: number,
    /** Insertion order is age: the first entry is the oldest, with the lowest seq. */
    private readonly index: Map<string, Entry>,
    private nextSeq: number,
  ) {
    this.writer = new HistoryWriter(log, {
      entries: () => this.index.values(),
      liveFrom: () => this.liveFrom(),
    });
  }

  static async open(dir: string, options: HistoryStoreOptions): Promise<{ store: HistoryStore; report: HistoryLoadReport }> {
    checkMaxEntries(options.maxEntries);
    const replay = new HistoryReplay();
    const { log, damaged, tornTail } = await HistoryLog.open(dir, (segment) => replay.visitorFor(segment));
    try {
      const { index, nextSeq } = replay.finish();
      const store = new HistoryStore(log, options.maxEntries, index, nextSeq);
      store.evictOverflow();
      store.writer.tidyIfWorthIt();
      return { store, report: buildLoadReport(store.size, damaged, tornTail) };
    } catch (error) {
      await log.close();
      throw error;
    }
  }

  get size(): number {
    return this.index.size;
  }

  /** Records the exchange. The index and listeners see it at once; the disk write follows within the turn. */
  append(exchange: Exchange): void {
    // Captures still in flight when the extension shuts down have nowhere to go.
    if (this.closing) return;
    // Encoding can throw (an oversized record): do it before anything changes.
    const { stored, record } = encodeExchangeRecord(exchange);
    // Neither a replaced nor an evicted entry needs a record: the new one supersedes the first, its liveFrom the second.
    const replaced = this.index.get(stored.id);
    const removed = replaced ? [this.removeEntry(replaced)] : [];
    if (this.index.size >= this.maxEntries) {
      for (const oldest of this.index.values()) {
        removed.push(this.removeEntry(oldest));
        if (this.index.size < this.maxEntries) break;
      }
    }
    const entry = newEntry(stored, this.nextSeq++, undefined);
    this.index.set(stored.id, entry);
    this.newestFirst = undefined;
    const liveFrom = this.liveFrom();
    stampRecord(record, { seq: entry.seq, liveFrom });
    this.writer.queue({ kind: 'exchange', id: stored.id, record, owner: entry, liveFrom }, record.length);
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
    const record = await this.writer.read(entry);
    if (!record) return undefined;
    if (!isIntactRecord(record)) throw new Error(`The recorded call ${id} is damaged on disk.`);
    const bodies = record.subarray(entry.location!.bodiesAt);
    const requestBytes = entry.stored.request.body.recordedBytes;
    return withBodies(entry.stored, bodies.subarray(0, requestBytes), bodies.subarray(requestBytes));
  }

  async delete(id: string): Promise<void> {
    this.assertOpen();
    const removed = this.removeEntries([id]);
    if (removed.length > 0) {
      this.writer.queue({ kind: 'tombstone', ids: removed, liveFrom: this.liveFrom() }, TOMBSTONE_BYTES);
      this.changes.fire({ kind: 'removed', ids: removed });
    }
    await this.flush();
  }

  async clear(): Promise<void> {
    this.assertOpen();
    for (const entry of this.index.values()) entry.live = false;
    this.index.clear();
    this.newestFirst = undefined;
    this.writer.clear();
    this.changes.fire({ kind: 'cleared' });
    await this.flush();
  }

  setMaxEntries(maxEntries: number): void {
    checkMaxEntries(maxEntries);
    this.maxEntries = maxEntries;
    const removed = this.evictOverflow();
    if (removed.length > 0) this.changes.fire({ kind: 'removed', ids: removed });
  }

  /**
   * Resolves once everything queued so far is written, and any tidying those writes called for is
   * done; rejects if a write since the last flush failed.
   */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): Promise<void> {
    this.closing ??= this.writer.close().finally(() => this.changes.dispose());
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('The webhook history is closed.');
  }

  /** The lowest seq still in the history: every record carries it, so evictions need no record of their own. */
  private liveFrom(): number {
    for (const entry of this.index.values()) return entry.seq;
    return this.nextSeq;
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

  /** Applies maxEntries; the new liveFrom is written on its own (an empty tombstone) since no append carries it. */
  private evictOverflow(): string[] {
    const removed = this.removeEntries(this.oldestIds(this.index.size - this.maxEntries));
    if (removed.length > 0) {
      this.writer.queue({ kind: 'tombstone', ids: [], liveFrom: this.liveFrom() }, TOMBSTONE_BYTES);
      this.writer.boundWasLowered();
    }
    return removed;
  }

  /** Takes entries out of the index; the caller persists that (a tombstone, or a liveFrom that covers it). */
  private removeEntries(ids: readonly string[]): string[] {
    const removed: string[] = [];
    for (const id of ids) {
      const entry = this.index.get(id);
      if (entry) removed.push(this.removeEntry(entry));
    }
    return removed;
  }

  private removeEntry(entry: Entry): string {
    const { id } = entry.stored;
    this.index.delete(id);
    entry.live = false;
    this.writer.forget(entry);
    this.newestFirst = undefined;
    return id;
  }
}
