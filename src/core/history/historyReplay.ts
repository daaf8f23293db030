import { ExchangeMetaDecoder } from './exchangeMeta';
import type { Segment, SegmentLocation } from './historyLog';
import { decodeTombstoneIds } from './historyRecords';
import type { RecordVisitor } from './historyScan';
import { HEADER_SIZE, RecordKind } from './recordCodec';
import { recordedBodyBytes } from './storedExchange';
import type { StoredExchange } from './storedExchange';

export interface RecordLocation extends SegmentLocation {
  /** Where the bodies start, from the start of the record. */
  readonly bodiesAt: number;
}

export interface Entry {
  readonly stored: StoredExchange;
  readonly seq: number;
  /** Unset until the record is on disk (and forever if writing it failed). */
  location: RecordLocation | undefined;
  /** False once the entry left the history (evicted, deleted, replaced, cleared): a flag is cheaper than an index lookup. */
  live: boolean;
}

/** Every entry is made here, so they all share one shape. */
export function newEntry(stored: StoredExchange, seq: number, location: RecordLocation | undefined): Entry {
  return { stored, seq, location, live: true };
}

export interface ReplayedHistory {
  /** Oldest first (ascending seq), as the store keeps it. */
  readonly index: Map<string, Entry>;
  readonly nextSeq: number;
}

/**
 * Rebuilds the index from the records of every segment, oldest first, as the scan reads them: a later
 * record of the same id replaces the earlier one, a tombstone removes the ids it names, a base record
 * removes everything before it, and whatever is older than the newest `liveFrom` was evicted. Also
 * counts each segment's live bytes.
 */
export class HistoryReplay {
  private readonly index = new Map<string, Entry>();
  private readonly decoder = new ExchangeMetaDecoder();
  private liveFrom = 0;
  private lastSeq = 0;
  private inOrder = true;

  visitorFor(segment: Segment): RecordVisitor {
    return (header, buffer, metaAt, offset) => {
      const metaEnd = metaAt + header.metaLength;
      if (header.kind === RecordKind.exchange) {
        const stored = this.decoder.decode(buffer, metaAt, metaEnd);
        if (!stored || recordedBodyBytes(stored) !== header.bodiesLength) return false;
        const bodiesAt = HEADER_SIZE + header.metaLength;
        const location = { segment, offset, length: bodiesAt + header.bodiesLength, bodiesAt };
        this.index.delete(stored.id);
        this.index.set(stored.id, newEntry(stored, header.seq, location));
        if (header.seq <= this.lastSeq) this.inOrder = false;
        else this.lastSeq = header.seq;
      } else if (header.kind === RecordKind.tombstone) {
        const ids = decodeTombstoneIds(buffer, metaAt, metaEnd);
        if (!ids) return false;
        for (const id of ids) this.index.delete(id);
      } else if (header.kind === RecordKind.base) {
        if (header.bodiesLength !== 0) return false;
        this.index.clear();
      } else if (header.bodiesLength !== 0 || offset !== 0) {
        // A segment record heads its file and carries nothing else.
        return false;
      }
      if (header.liveFrom > this.liveFrom) this.liveFrom = header.liveFrom;
      return true;
    };
  }

  finish(): ReplayedHistory {
    let index = this.index;
    for (const [id, entry] of index) if (entry.seq < this.liveFrom) index.delete(id);
    // Only a log written by something else could be out of order; age order is what eviction relies on.
    if (!this.inOrder) index = new Map([...index].sort(([, a], [, b]) => a.seq - b.seq));
    for (const { location } of index.values()) location!.segment.liveBytes += location!.length;
    return { index, nextSeq: Math.max(this.lastSeq + 1, this.liveFrom) };
  }
}
