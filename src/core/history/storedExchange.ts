import type { Exchange, RecordedBody, RecordedRequest, RecordedResponse } from '../capture/exchange';

export interface BodyInfo {
  readonly size: number;
  readonly truncated: boolean;
  /** Bytes kept on disk: `size` when complete, less when truncated. */
  readonly recordedBytes: number;
}

export type StoredRequest = Omit<RecordedRequest, 'body'> & { readonly body: BodyInfo };
export type StoredResponse = Omit<RecordedResponse, 'body'> & { readonly body: BodyInfo };

/** An `Exchange` as the history index holds it: bodies are read back from disk on demand. */
export type StoredExchange = Omit<Exchange, 'request' | 'response'> & {
  readonly request: StoredRequest;
  readonly response?: StoredResponse;
};

function bodyInfo(body: RecordedBody): BodyInfo {
  return { size: body.size, truncated: body.truncated, recordedBytes: body.bytes.length };
}

export function toStoredExchange(exchange: Exchange): StoredExchange {
  const { request, response, ...rest } = exchange;
  const stored: StoredExchange = { ...rest, request: { ...request, body: bodyInfo(request.body) } };
  // An own `response: undefined` would survive in memory but not through JSON, so leave it out.
  return response ? { ...stored, response: { ...response, body: bodyInfo(response.body) } } : stored;
}

export function recordedBodyBytes(stored: StoredExchange): number {
  return stored.request.body.recordedBytes + (stored.response?.body.recordedBytes ?? 0);
}

/** Strips the `recordedBytes` that `BodyInfo` adds, so a read-back body has exactly the recorded shape. */
function recordedBody(info: BodyInfo, bytes: Buffer): RecordedBody {
  return { bytes, size: info.size, truncated: info.truncated };
}

export function withBodies(stored: StoredExchange, requestBytes: Buffer, responseBytes: Buffer): Exchange {
  const { request, response, ...rest } = stored;
  const exchange: Exchange = { ...rest, request: { ...request, body: recordedBody(request.body, requestBytes) } };
  return response ? { ...exchange, response: { ...response, body: recordedBody(response.body, responseBytes) } } : exchange;
}

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Shape only: checking every header of every record would cost more than parsing them. */
function isHeaderList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length % 2 === 0 && (value.length === 0 || typeof value[0] === 'string');
}

function isByteCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isBodyInfo(value: unknown): value is BodyInfo {
  return isFields(value) && isByteCount(value.size) && typeof value.truncated === 'boolean' && isByteCount(value.recordedBytes);
}

function isStoredRequest(value: unknown): value is StoredRequest {
  return (
    isFields(value) &&
    typeof value.method === 'string' &&
    typeof value.url === 'string' &&
    typeof value.httpVersion === 'string' &&
    isHeaderList(value.rawHeaders) &&
    isBodyInfo(value.body)
  );
}

function isStoredResponse(value: unknown): value is StoredResponse {
  return (
    isFields(value) &&
    typeof value.statusCode === 'number' &&
    typeof value.statusMessage === 'string' &&
    isHeaderList(value.rawHeaders) &&
    isBodyInfo(value.body)
  );
}

/**
 * Checks metadata read back from disk. The checksum already proves the bytes are the ones written,
 * so this only guards against records from an incompatible version of the format.
 */
export function isStoredExchange(value: unknown): value is StoredExchange {
  return (
    isFields(value) &&
    typeof value.id === 'string' &&
    typeof value.startedAt === 'number' &&
    isFields(value.timings) &&
    typeof value.timings.totalMs === 'number' &&
    typeof value.clientAddress === 'string' &&
    typeof value.upstream === 'string' &&
    isStoredRequest(value.request) &&
    (value.response === undefined || isStoredResponse(value.response))
  );
}
