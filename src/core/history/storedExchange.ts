import type { Exchange, RecordedBody, RecordedRequest, RecordedResponse } from '../capture/exchange';
import { keptLength } from '../capture/exchange';
import { lazyRequest, lazyResponse } from './lazyHeaders';
import type { HeaderBytes } from './lazyHeaders';

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

/** True when `Listed` names every key of `T`: a field added to an exchange then fails to compile where it must be handled. */
export type Covers<T, Listed extends keyof T> = [Exclude<keyof T, Listed>] extends [never] ? true : never;
const covered: [
  Covers<Exchange, 'id' | 'startedAt' | 'timings' | 'clientAddress' | 'upstream' | 'request' | 'response' | 'error' | 'upgrade' | 'replayOf'>,
  Covers<RecordedRequest, 'method' | 'url' | 'httpVersion' | 'rawHeaders' | 'body'>,
  Covers<RecordedResponse, 'statusCode' | 'statusMessage' | 'rawHeaders' | 'body' | 'synthetic'>,
] = [true, true, true];
void covered;

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function bodyInfo(body: RecordedBody): BodyInfo {
  return { size: body.size, truncated: body.truncated, recordedBytes: keptLength(body) };
}

function storedResponse(response: RecordedResponse, headers: HeaderBytes | undefined): StoredResponse {
  const { statusCode, statusMessage } = response;
  const body = bodyInfo(response.body);
  const stored: Mutable<StoredResponse> = headers ? lazyResponse(statusCode, statusMessage, body, headers) : { statusCode, statusMessage, body, rawHeaders: response.rawHeaders };
  if (response.synthetic !== undefined) stored.synthetic = response.synthetic;
  return stored;
}

function storedRequest(request: RecordedRequest, headers: HeaderBytes | undefined): StoredRequest {
  const { method, url, httpVersion } = request;
  const body = bodyInfo(request.body);
  return headers ? lazyRequest(method, url, httpVersion, body, headers) : { method, url, httpVersion, body, rawHeaders: request.rawHeaders };
}

/**
 * The exchange without its bodies. Built field by field (spreads cost more on the capture path), and
 * without fields that are present but undefined, so it equals what reading it back from disk gives.
 * With `headers` (the encoded record's bytes), the raw headers are read back from those when first
 * needed instead of keeping the captured arrays: a few hundred bytes outside the JS heap rather than
 * some thirty strings the collector copies and keeps for as long as the entry lives (see lazyHeaders.ts).
 * The usual fields are all in one literal, so the object is built with room for each of them rather
 * than growing a separate property store; entries live long, and what they weigh the collector marks.
 */
export function toStoredExchange(exchange: Exchange, headers?: HeaderBytes): StoredExchange {
  const { id, startedAt, clientAddress, upstream, timings, error } = exchange;
  const storedTimings = timings.upstreamHeadersMs === undefined ? { totalMs: timings.totalMs } : { upstreamHeadersMs: timings.upstreamHeadersMs, totalMs: timings.totalMs };
  const request = storedRequest(exchange.request, headers);
  const stored: Mutable<StoredExchange> = exchange.response
    ? { id, startedAt, timings: storedTimings, clientAddress, upstream, request, response: storedResponse(exchange.response, headers) }
    : { id, startedAt, timings: storedTimings, clientAddress, upstream, request };
  if (error) stored.error = error.code === undefined ? { kind: error.kind, message: error.message } : { kind: error.kind, message: error.message, code: error.code };
  if (exchange.upgrade !== undefined) stored.upgrade = exchange.upgrade;
  if (exchange.replayOf !== undefined) stored.replayOf = exchange.replayOf;
  return stored;
}

/** The bytes of both bodies as recorded: what an exchange record holds after its metadata. */
export function recordedBodyBytes(stored: StoredExchange): number {
  return stored.request.body.recordedBytes + (stored.response ? stored.response.body.recordedBytes : 0);
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
