/**
 * One call that passed through the capture proxy: what the sender sent, what the dev server answered
 * (or why it could not), and when. Bodies are raw bytes, never re-encoded, so recording stays cheap and exact.
 */

/** A recorded body: at most `maxBodyBytes` of it is kept; `size` is what really passed. */
export interface RecordedBody {
  readonly bytes: Buffer;
  /**
   * The kept bytes in the pieces they arrived in, when there were several: the history store writes them
   * as they are, and `bytes` joins them only if something asks for it (on the capture path nothing does).
   */
  readonly pieces?: readonly Buffer[];
  /** Bytes that passed through the proxy, which is more than `bytes.length` when truncated. */
  readonly size: number;
  readonly truncated: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path and query exactly as the sender wrote them. */
  readonly url: string;
  readonly httpVersion: string;
  /** Header names and values as received, in order, duplicates kept: `[name, value, name, value, …]`. */
  readonly rawHeaders: readonly string[];
  readonly body: RecordedBody;
}

export interface RecordedResponse {
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly rawHeaders: readonly string[];
  readonly body: RecordedBody;
  /** Answered by the proxy itself (502/504), not by the dev server. */
  readonly synthetic?: boolean;
}

export type ExchangeErrorKind =
  /** The dev server refused or could not be reached. */
  | 'upstreamUnreachable'
  /** The dev server did not answer within the configured timeout. */
  | 'upstreamTimeout'
  /** The dev server closed the connection mid-response. */
  | 'upstreamAborted'
  /** The sender went away before the exchange completed. */
  | 'clientAborted';

export interface ExchangeError {
  readonly kind: ExchangeErrorKind;
  readonly message: string;
  /** The Node error code, for example `ECONNREFUSED`. */
  readonly code?: string;
}

export interface ExchangeTimings {
  /** From the request's arrival until the dev server's response headers. */
  readonly upstreamHeadersMs?: number;
  /** From the request's arrival until the response was fully sent back. */
  readonly totalMs: number;
}

export interface Exchange {
  readonly id: string;
  /** Epoch milliseconds when the request arrived. */
  readonly startedAt: number;
  readonly timings: ExchangeTimings;
  /** The sender's address as the proxy saw it (the tunnel's, when one is in front). */
  readonly clientAddress: string;
  /** The dev server the call was forwarded to, as a URL origin. */
  readonly upstream: string;
  readonly request: RecordedRequest;
  readonly response?: RecordedResponse;
  readonly error?: ExchangeError;
  /** Set when the call was a protocol upgrade (WebSocket) passed through as a raw stream. */
  readonly upgrade?: boolean;
  /** Id of the exchange this one replays. */
  readonly replayOf?: string;
}

/** Reads the first value of a header from raw header pairs, case-insensitively. */
export function headerValue(rawHeaders: readonly string[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === wanted) return rawHeaders[i + 1];
  }
  return undefined;
}

/** How many bytes of a body were kept (`bytes.length`), without joining its pieces. */
export function keptLength(body: RecordedBody): number {
  if (!body.pieces) return body.bytes.length;
  let length = 0;
  for (const piece of body.pieces) length += piece.length;
  return length;
}
