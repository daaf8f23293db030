import { encodeTombstoneRecord } from './historyRecords';
import { sealRecord } from './recordCodec';
import type { EncodedRecord } from './recordCodec';

/**
 * A record waiting for the writer; `owner` is told where its exchange landed. `liveFrom` is the
 * history's lowest live seq once the write was queued. A tombstone with no ids only carries that.
 */
export type PendingWrite<T> =
  | { readonly kind: 'exchange'; readonly id: string; readonly record: EncodedRecord; readonly owner: T; readonly liveFrom: number }
  | { readonly kind: 'tombstone'; readonly ids: readonly string[]; readonly liveFrom: number };

export interface PlacedRecord<T> {
  readonly owner: T;
  readonly record: EncodedRecord;
  readonly at: number;
}

export interface WriteBatch<T> {
  readonly chunks: readonly Buffer[];
  readonly length: number;
  readonly placed: readonly PlacedRecord<T>[];
}

/**
 * Lays queued records out as one write. Exchanges that left the history before reaching the disk are
 * not written at all (whatever removed them queued its own record, or was an eviction a later record's
 * `liveFrom` covers). Deletions are merged into a single tombstone: a tombstone only names records
 * written before it, so it may move later in the batch, except past a record that reuses one of its ids.
 * It takes the newest `liveFrom` queued before the point it lands on, which is the state it stands for.
 * Every record is sealed for the `generation` of the file the batch goes into.
 */
export function buildBatch<T>(writes: readonly PendingWrite<T>[], isLive: (owner: T) => boolean, generation: number): WriteBatch<T> {
  const chunks: Buffer[] = [];
  const placed: PlacedRecord<T>[] = [];
  let length = 0;
  let liveFrom = 0;
  let tombstone: Set<string> | undefined;

  const push = (record: EncodedRecord): number => {
    sealRecord(record, generation);
    const at = length;
    for (const chunk of record.chunks) chunks.push(chunk);
    length += record.length;
    return at;
  };
  const pushTombstone = (): void => {
    if (!tombstone) return;
    push(encodeTombstoneRecord([...tombstone], liveFrom));
    tombstone = undefined;
  };

  for (const write of writes) {
    if (write.kind === 'exchange' && isLive(write.owner)) {
      if (tombstone?.has(write.id)) pushTombstone();
      placed.push({ owner: write.owner, record: write.record, at: push(write.record) });
    } else if (write.kind === 'tombstone') {
      tombstone ??= new Set();
      for (const id of write.ids) tombstone.add(id);
    }
    liveFrom = Math.max(liveFrom, write.liveFrom);
  }
  pushTombstone();
  return { chunks, length, placed };
}
