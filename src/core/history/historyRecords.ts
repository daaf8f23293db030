import type { Exchange } from '../capture/exchange';
import { encodeRecord, RecordKind } from './recordCodec';
import type { EncodedRecord, RecordHeader } from './recordCodec';
import { isStoredExchange, recordedBodyBytes, toStoredExchange } from './storedExchange';
import type { StoredExchange } from './storedExchange';

/** What the records of the log mean: an exchange (metadata as JSON, then both bodies raw) or a deletion. */
export type HistoryRecord =
  | { readonly kind: 'exchange'; readonly stored: StoredExchange }
  | { readonly kind: 'tombstone'; readonly ids: readonly string[] };

export function encodeExchangeRecord(exchange: Exchange): { stored: StoredExchange; record: EncodedRecord } {
  const stored = toStoredExchange(exchange);
  const bodies = [exchange.request.body.bytes];
  if (exchange.response) bodies.push(exchange.response.body.bytes);
  return { stored, record: encodeRecord(RecordKind.exchange, JSON.stringify(stored), bodies) };
}

export function encodeTombstoneRecord(ids: readonly string[]): EncodedRecord {
  return encodeRecord(RecordKind.tombstone, JSON.stringify({ ids }), []);
}

/** Interprets a checksummed record; undefined when its content does not match its kind. */
export function decodeHistoryRecord(header: RecordHeader, metaText: string): HistoryRecord | undefined {
  let meta: unknown;
  try {
    meta = JSON.parse(metaText);
  } catch {
    return undefined;
  }
  if (header.kind === RecordKind.exchange) {
    return isStoredExchange(meta) && recordedBodyBytes(meta) === header.bodiesLength ? { kind: 'exchange', stored: meta } : undefined;
  }
  if (typeof meta !== 'object' || meta === null || !('ids' in meta)) return undefined;
  const { ids } = meta;
  return isIdList(ids) ? { kind: 'tombstone', ids } : undefined;
}

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((id) => typeof id === 'string');
}
