import type { Exchange, RecordedBody } from '../capture/exchange';
import { keptLength } from '../capture/exchange';
import { asciiJson, encodeExchangeMeta } from './exchangeMeta';
import { HeaderArena } from './lazyHeaders';
import { encodeRecord, HEADER_SIZE, RecordKind, recordHeadSize, sealRecord, stampRecord } from './recordCodec';
import type { EncodedRecord } from './recordCodec';
import { toStoredExchange } from './storedExchange';
import type { StoredExchange } from './storedExchange';

/**
 * The records of the log: an exchange (metadata, then both bodies raw), a deletion, the base that a
 * compacted log starts with, or the segment record that a reused file starts with. Evicting the oldest
 * entries writes nothing: every record carries `liveFrom` (see recordCodec.ts). Reading them back is
 * historyReplay.ts.
 */

/** Where captured exchanges' record heads are encoded: the index reads their raw headers back from there. */
const recordHeads = new HeaderArena();

/**
 * The record, and the exchange as the index keeps it, whose raw headers are read back from the record's
 * own bytes when first needed. The caller stamps the record (`stampRecord`) once it knows seq and
 * liveFrom; the writer seals it (`sealRecord`) for the file it goes to.
 */
export function encodeExchangeRecord(exchange: Exchange): { stored: StoredExchange; record: EncodedRecord } {
  const meta = encodeExchangeMeta(exchange, { request: keptLength(exchange.request.body), response: exchange.response ? keptLength(exchange.response.body) : 0 });
  const bodies = [...piecesOf(exchange.request.body)];
  if (exchange.response) bodies.push(...piecesOf(exchange.response.body));
  const place = recordHeads.reserve(recordHeadSize(meta.text));
  const record = encodeRecord(RecordKind.exchange, meta.text, bodies, place.bytes.subarray(place.start, place.end));
  const stored = toStoredExchange(exchange, { bytes: place.bytes, start: place.start + HEADER_SIZE + meta.headersAt, end: place.end });
  return { stored, record };
}

/** A body's bytes as written: the pieces it arrived in, never joined just to be written. */
function piecesOf(body: RecordedBody): readonly Buffer[] {
  return body.pieces ?? [body.bytes];
}

/** With no ids, a tombstone only records a new `liveFrom`: entries evicted without an append to carry it. Sealed by buildBatch. */
export function encodeTombstoneRecord(ids: readonly string[], liveFrom: number): EncodedRecord {
  return stampRecord(encodeRecord(RecordKind.tombstone, asciiJson(JSON.stringify(ids)), []), { seq: 0, liveFrom });
}

/** Sealed by HistoryLog for the file it heads (`clear`, `compact`). */
export function encodeBaseRecord(liveFrom: number): EncodedRecord {
  return stampRecord(encodeRecord(RecordKind.base, '', []), { seq: 0, liveFrom });
}

/** The first record of a reused log file: from here on, only records of `generation` belong to the file. */
export function encodeSegmentRecord(generation: number): EncodedRecord {
  return sealRecord(stampRecord(encodeRecord(RecordKind.segment, '', []), { seq: 0, liveFrom: 0 }), generation);
}

/** The ids a tombstone names, or undefined when its metadata is not a list of them. */
export function decodeTombstoneIds(buffer: Buffer, start: number, end: number): string[] | undefined {
  let ids: unknown;
  try {
    ids = JSON.parse(buffer.toString('latin1', start, end));
  } catch {
    return undefined;
  }
  return Array.isArray(ids) && ids.every((id) => typeof id === 'string') ? (ids as string[]) : undefined;
}
