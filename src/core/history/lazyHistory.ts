import type { Exchange } from '../capture/exchange';
import { Emitter } from '../util/event';
import type { Disposable, Event } from '../util/event';
import { HistoryStore } from './historyStore';
import type { HistoryChange, HistoryLoadReport, StoredExchange } from './historyStore';

/**
 * Opens the history in the background so activation never waits for the file. Calls recorded while it
 * loads are appended once it is open, and readers see an empty list until then.
 */
export class LazyHistory implements Disposable {
  private readonly changes = new Emitter<HistoryChange | { readonly kind: 'loaded' }>();
  readonly onDidChange: Event<HistoryChange | { readonly kind: 'loaded' }> = this.changes.event;
  readonly ready: Promise<{ store: HistoryStore; report: HistoryLoadReport }>;
  private store: HistoryStore | undefined;
  private readonly early: Exchange[] = [];
  private closed = false;

  constructor(dir: string, private maxEntries: number) {
    this.ready = HistoryStore.open(dir, { maxEntries }).then((opened) => {
      this.store = opened.store;
      opened.store.onDidChange((change) => this.changes.fire(change));
      for (const exchange of this.early.splice(0)) opened.store.append(exchange);
      this.changes.fire({ kind: 'loaded' });
      if (this.closed) void opened.store.close();
      return opened;
    });
  }

  entries(): readonly StoredExchange[] {
    return this.store?.entries() ?? [];
  }

  /** How many calls `entries()` would list, without building that list. */
  get size(): number {
    return this.store?.size ?? 0;
  }

  get(id: string): StoredExchange | undefined {
    return this.store?.get(id);
  }

  readonly append = (exchange: Exchange): void => {
    if (this.store) this.store.append(exchange);
    else if (this.early.push(exchange) > this.maxEntries) this.early.shift();
  };

  async readExchange(id: string): Promise<Exchange | undefined> {
    return (await this.ready).store.readExchange(id);
  }

  async delete(id: string): Promise<void> {
    await (await this.ready).store.delete(id);
  }

  async clear(): Promise<void> {
    await (await this.ready).store.clear();
  }

  setMaxEntries(maxEntries: number): void {
    this.maxEntries = maxEntries;
    this.store?.setMaxEntries(maxEntries);
    void this.ready.then(({ store }) => store.setMaxEntries(maxEntries));
  }

  /** Flushes pending writes and closes the file; safe to call more than once. */
  async close(): Promise<void> {
    this.closed = true;
    this.changes.dispose();
    await this.store?.close();
  }

  dispose(): void {
    void this.close();
  }
}
