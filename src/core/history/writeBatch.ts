import { encodeTombstoneRecord } from './historyRecords';
import type { EncodedRecord } from './recordCodec';

/** A record waiting for the writer; `owner` is told where its exchange landed. */
export type PendingWrite<T> =
  | { readonly kind: 'exchange'; readonly id: string; readonly record: EncodedRecord; readonly owner: T }
  | { readonly kind: 'tombstone'; readonly ids: readonly string[] };

export interface PlacedRecord<T> {
  readonly owner: T;
  readonly record: EncodedRecord;
  readonly at: number;
}

export interface WriteBatch<T> {
  readonly chunks: readonly Buffer[];
  readonly length: number;
  readonly placed: readonly PlacedRecord<T>[];
  /** How many tombstone records the batch writes (each is a dead record from the start). */
  readonly tombstones: number;
}

/**
 * Lays queued records out as one write. Deletions are merged into a single tombstone: a tombstone only
 * names records written before it, so it may move later in the batch, except past a record that reuses
 * one of its ids.
 */
export function buildBatch<T>(writes: readonly PendingWrite<T>[]): WriteBatch<T> {
  const chunks: Buffer[] = [];
  const placed: PlacedRecord<T>[] = [];
  let length = 0;
  let tombstones = 0;
  let doomed = new Set<string>();

  const push = (record: EncodedRecord): number => {
    const at = length;
    chunks.push(...record.chunks);
    length += record.length;
    return at;
  };
  const pushTombstone = (): void => {
    if (doomed.size === 0) return;
    push(encodeTombstoneRecord([...doomed]));
    tombstones++;
    doomed = new Set();
  };

  for (const write of writes) {
    if (write.kind === 'tombstone') {
      for (const id of write.ids) doomed.add(id);
      continue;
    }
    if (doomed.has(write.id)) pushTombstone();
    placed.push({ owner: write.owner, record: write.record, at: push(write.record) });
  }
  pushTombstone();
  return { chunks, length, placed, tombstones };
}
