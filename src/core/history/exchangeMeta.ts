import type { Exchange, ExchangeError } from '../capture/exchange';
import { HeaderArena, lazyRequest, lazyResponse } from './lazyHeaders';
import type { HeaderBytes } from './lazyHeaders';
import type { BodyInfo, Covers, Mutable, StoredExchange, StoredRequest, StoredResponse } from './storedExchange';

/*
 * The metadata of an exchange record. Parsing it is most of what opening the history costs, so it is
 * laid out for JSON.parse rather than for reading: the fixed fields as one positional array (no key
 * names, nested objects only where a part is optional), then the raw headers of the request and of
 * the response as JSON arrays, one per line, which are parsed only when something reads them
 * (lazyHeaders.ts). JSON.stringify never writes a raw newline, so the lines split without a scan of
 * their contents.
 *
 *   [id, startedAt, totalMs, upstreamHeadersMs, clientAddress, upstream,
 *    method, url, httpVersion, requestBodySize, requestBodyTruncated, requestBodyRecordedBytes,
 *    response, error, upgrade, replayOf]
 *   response = [statusCode, statusMessage, bodySize, bodyTruncated, bodyRecordedBytes, synthetic] | null
 *   error = [kind, message, code] | null
 *
 * Absent optional fields are null. Non-ASCII text is \u-escaped so the metadata is plain ASCII, which is
 * written and read back byte for byte without UTF-8 encoding or validation.
 */

/** Adding a field to an exchange must extend this codec: a missed one fails to compile here rather than vanishing on disk. */
const covered: [
  Covers<StoredExchange, 'id' | 'startedAt' | 'timings' | 'clientAddress' | 'upstream' | 'request' | 'response' | 'error' | 'upgrade' | 'replayOf'>,
  Covers<StoredExchange['timings'], 'totalMs' | 'upstreamHeadersMs'>,
  Covers<StoredRequest, 'method' | 'url' | 'httpVersion' | 'rawHeaders' | 'body'>,
  Covers<StoredResponse, 'statusCode' | 'statusMessage' | 'rawHeaders' | 'body' | 'synthetic'>,
  Covers<ExchangeError, 'kind' | 'message' | 'code'>,
  Covers<BodyInfo, 'size' | 'truncated' | 'recordedBytes'>,
] = [true, true, true, true, true, true];
void covered;

const FIELD_COUNT = 16;
const NON_ASCII = /[^\x00-\x7f]/g;

function escapeChar(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A UTF-8 length equal to the string length means ASCII; the check is far cheaper than a regular expression. */
function isAscii(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') === text.length;
}

/** JSON text made ASCII: non-ASCII can only sit inside JSON strings, where an escape means the same character. */
export function asciiJson(json: string): string {
  return isAscii(json) ? json : json.replace(NON_ASCII, escapeChar);
}

/** Encoded metadata, and where its headers lines start (see lazyHeaders.ts). */
export interface EncodedMeta {
  readonly text: string;
  readonly headersAt: number;
}

/** How many bytes of each body are recorded: the body's length when captured, its `recordedBytes` when stored. */
export interface RecordedSizes {
  readonly request: number;
  readonly response: number;
}

/**
 * Takes the exchange as captured (bodies attached) or as stored (body sizes only): the metadata is the
 * same. `recorded` is passed rather than worked out from either shape, which would make every access
 * here polymorphic on the capture path.
 */
export function encodeExchangeMeta(exchange: StoredExchange | Exchange, recorded: RecordedSizes): EncodedMeta {
  const { request, response, error } = exchange;
  const fields = [
    exchange.id,
    exchange.startedAt,
    exchange.timings.totalMs,
    exchange.timings.upstreamHeadersMs ?? null,
    exchange.clientAddress,
    exchange.upstream,
    request.method,
    request.url,
    request.httpVersion,
    request.body.size,
    request.body.truncated,
    recorded.request,
    response ? [response.statusCode, response.statusMessage, response.body.size, response.body.truncated, recorded.response, response.synthetic ?? null] : null,
    error ? [error.kind, error.message, error.code ?? null] : null,
    exchange.upgrade ?? null,
    exchange.replayOf ?? null,
  ];
  const summary = JSON.stringify(fields);
  const requestHeaders = JSON.stringify(request.rawHeaders);
  const responseHeaders = response ? JSON.stringify(response.rawHeaders) : undefined;
  const text = responseHeaders === undefined ? `${summary}\n${requestHeaders}` : `${summary}\n${requestHeaders}\n${responseHeaders}`;
  // Nearly always ASCII already, which one check of the whole text tells; otherwise each part is escaped.
  if (isAscii(text)) return { text, headersAt: summary.length + 1 };
  const parts = [summary, requestHeaders, responseHeaders].filter((part): part is string => part !== undefined).map(asciiJson);
  return { text: parts.join('\n'), headersAt: parts[0]!.length + 1 };
}

/** Recorded sizes of a stored exchange, for encoding it again. */
export function storedSizes(stored: StoredExchange): RecordedSizes {
  return { request: stored.request.body.recordedBytes, response: stored.response?.body.recordedBytes ?? 0 };
}

const isString = (value: unknown): value is string => typeof value === 'string';

function bodyInfo(size: unknown, truncated: unknown, recordedBytes: unknown): BodyInfo | undefined {
  return typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 && typeof truncated === 'boolean' && typeof recordedBytes === 'number' && Number.isSafeInteger(recordedBytes) && recordedBytes >= 0
    ? { size, truncated, recordedBytes }
    : undefined;
}

function decodeResponse(value: unknown, headers: HeaderBytes): StoredResponse | undefined {
  if (!Array.isArray(value) || value.length !== 6) return undefined;
  const statusCode: unknown = value[0];
  const statusMessage: unknown = value[1];
  const body = bodyInfo(value[2], value[3], value[4]);
  if (typeof statusCode !== 'number' || typeof statusMessage !== 'string' || !body) return undefined;
  const response: Mutable<StoredResponse> = lazyResponse(statusCode, statusMessage, body, headers);
  if (value[5] !== null) response.synthetic = value[5] === true;
  return response;
}

function decodeError(value: unknown): ExchangeError | undefined {
  if (!Array.isArray(value) || value.length !== 3) return undefined;
  const kind: unknown = value[0];
  const message: unknown = value[1];
  if (!isString(kind) || !isString(message)) return undefined;
  const error: Mutable<ExchangeError> = { kind: kind as ExchangeError['kind'], message };
  if (isString(value[2])) error.code = value[2];
  return error;
}

const NEWLINE = 0x0a;

/**
 * Reads exchange metadata back, for one load: it shares the slabs the headers are kept in (see
 * lazyHeaders.ts), and one copy of the strings that repeat from record to record.
 */
export class ExchangeMetaDecoder {
  private readonly headers = new HeaderArena();
  private readonly strings = new Map<string, string>();

  /** One string for all records that have the same value: most share their client address and upstream. */
  private shared(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }

  /**
   * The exchange whose metadata is `buffer[start, end)`, or undefined when that is not this format. The
   * record's checksum already proves the bytes are the ones written, so this only guards against a writer
   * that disagrees with this reader. Nothing returned refers to `buffer`. Fields are read by index: this
   * runs for every record while the process is still cold, where destructuring (the iterator protocol)
   * costs several times more.
   */
  decode(buffer: Buffer, start: number, end: number): StoredExchange | undefined {
    const firstBreak = buffer.indexOf(NEWLINE, start);
    if (firstBreak < 0 || firstBreak >= end) return undefined;
    let fields: unknown;
    try {
      fields = JSON.parse(buffer.toString('latin1', start, firstBreak));
    } catch {
      return undefined;
    }
    if (!Array.isArray(fields) || fields.length !== FIELD_COUNT) return undefined;
    const id: unknown = fields[0];
    const startedAt: unknown = fields[1];
    const totalMs: unknown = fields[2];
    const upstreamHeadersMs: unknown = fields[3];
    const clientAddress: unknown = fields[4];
    const upstream: unknown = fields[5];
    const method: unknown = fields[6];
    const url: unknown = fields[7];
    const httpVersion: unknown = fields[8];
    const body = bodyInfo(fields[9], fields[10], fields[11]);
    // Checked inline: the load runs this while the process is cold, where every call costs.
    if (typeof id !== 'string' || typeof startedAt !== 'number' || typeof totalMs !== 'number' || typeof clientAddress !== 'string') return undefined;
    if (typeof upstream !== 'string' || typeof method !== 'string' || typeof url !== 'string' || typeof httpVersion !== 'string' || !body) return undefined;
    const headers = this.headers.copy(buffer, firstBreak + 1, end);
    const response = fields[12] === null ? undefined : decodeResponse(fields[12], headers);
    if (fields[12] !== null && !response) return undefined;
    const timings = typeof upstreamHeadersMs === 'number' ? { upstreamHeadersMs, totalMs } : { totalMs };
    const request = lazyRequest(method, url, httpVersion, body, headers);
    // One literal per shape, so the object is built with all its fields instead of growing into a second store.
    const stored: Mutable<StoredExchange> = response
      ? { id, startedAt, timings, clientAddress: this.shared(clientAddress), upstream: this.shared(upstream), request, response }
      : { id, startedAt, timings, clientAddress: this.shared(clientAddress), upstream: this.shared(upstream), request };
    if (fields[13] !== null) {
      const error = decodeError(fields[13]);
      if (!error) return undefined;
      stored.error = error;
    }
    if (fields[14] !== null) stored.upgrade = fields[14] === true;
    if (isString(fields[15])) stored.replayOf = fields[15];
    return stored;
  }
}
