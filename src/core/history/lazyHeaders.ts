import type { BodyInfo, StoredRequest, StoredResponse } from './storedExchange';

/*
 * The raw headers of a loaded exchange are most of its metadata, and nothing needs them to list the
 * history. So a loaded exchange keeps their bytes (outside the JS heap, where collections do not copy
 * them) and parses them the first time something reads `rawHeaders`; the accessor then turns itself
 * into the plain array. Spreading, JSON.stringify and deep equality all read through it.
 *
 * Every object shares the same two accessors and finds its bytes under a non-enumerable symbol (which
 * spreading, JSON and deep equality skip): an accessor of its own, a getter in an object literal, would
 * put each object in dictionary mode, several times larger and slower.
 */

/**
 * Request headers as a JSON array, then a newline and the response's when there was a response:
 * `bytes[start, end)`. Where one line ends is looked up only when a header is read.
 */
export interface HeaderBytes {
  readonly bytes: Buffer;
  readonly start: number;
  readonly end: number;
}

const NEWLINE = 0x0a;
const SLAB_BYTES = 256 * 1024;

/**
 * Places header bytes in shared slabs: one Buffer per exchange would cost a heap object and an allocation
 * each, for as long as the exchange stays in the history. Loading copies them out of a reused read
 * buffer; capturing encodes each record's head straight into one. A slab lives as long as any exchange
 * that points into it.
 */
export class HeaderArena {
  private slab = Buffer.alloc(0);
  private used = 0;

  /** `length` bytes of a slab, for the caller to fill. */
  reserve(length: number): HeaderBytes {
    if (this.used + length > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, length));
      this.used = 0;
    }
    const start = this.used;
    this.used += length;
    return { bytes: this.slab, start, end: start + length };
  }

  copy(from: Buffer, start: number, end: number): HeaderBytes {
    const place = this.reserve(end - start);
    from.copy(place.bytes, place.start, start, end);
    return place;
  }
}

const source = Symbol('rawHeaders bytes');
type LazyOwner = { [source]?: HeaderBytes };

/** Where the request's line ends: the first newline, or the end when there is no response line. */
function requestEnd(bytes: HeaderBytes): number {
  const newline = bytes.bytes.indexOf(NEWLINE, bytes.start);
  return newline >= 0 && newline < bytes.end ? newline : bytes.end;
}

function settle(owner: LazyOwner, pick: (bytes: HeaderBytes) => [number, number]): string[] {
  const bytes = owner[source];
  let value: unknown;
  try {
    value = bytes ? JSON.parse(bytes.bytes.toString('latin1', ...pick(bytes))) : undefined;
  } catch {
    value = undefined;
  }
  // Shape only: the record's checksum already vouches for the bytes.
  const rawHeaders = Array.isArray(value) && value.length % 2 === 0 && (value.length === 0 || typeof value[0] === 'string') ? (value as string[]) : [];
  Object.defineProperty(owner, 'rawHeaders', { value: rawHeaders, writable: true, enumerable: true, configurable: true });
  owner[source] = undefined;
  return rawHeaders;
}

const requestAccessor: PropertyDescriptor = {
  get(this: LazyOwner): string[] {
    return settle(this, (bytes) => [bytes.start, requestEnd(bytes)]);
  },
  enumerable: true,
  configurable: true,
};

const responseAccessor: PropertyDescriptor = {
  get(this: LazyOwner): string[] {
    return settle(this, (bytes) => [requestEnd(bytes) + 1, bytes.end]);
  },
  enumerable: true,
  configurable: true,
};

/** Makes the source non-enumerable (spreading and deep equality skip it); the object keeps its fast shape. */
const hidden: PropertyDescriptor = { enumerable: false };

/*
 * The source is written in the object literal itself, so it takes an in-object slot: added afterwards it
 * would need a separate property store for every object. The accessor adds no field (accessors live in
 * the map all these objects share), so a lazy object costs no more than a plain one.
 */

export function lazyRequest(method: string, url: string, httpVersion: string, body: BodyInfo, bytes: HeaderBytes): StoredRequest {
  const owner = Object.defineProperty({ method, url, httpVersion, body, [source]: bytes }, source, hidden);
  return Object.defineProperty(owner, 'rawHeaders', requestAccessor) as unknown as StoredRequest;
}

export function lazyResponse(statusCode: number, statusMessage: string, body: BodyInfo, bytes: HeaderBytes): StoredResponse {
  const owner = Object.defineProperty({ statusCode, statusMessage, body, [source]: bytes }, source, hidden);
  return Object.defineProperty(owner, 'rawHeaders', responseAccessor) as unknown as StoredResponse;
}
