/**
 * Parses HTTP/1.x message heads (request line or status line, then header fields) from the bytes the
 * capture proxy forwards verbatim. It reads only what framing and recording need and keeps every header
 * name, value, order and duplicate as sent; values are decoded as latin1, as Node's own parser does.
 */
import { replayHeader } from './replayMarker';

/** Facts read from the header fields that decide how the message's body is framed and what follows it. */
export interface HeadFacts {
  /** The Content-Length value; undefined without one. */
  readonly contentLength: number | undefined;
  /** A Transfer-Encoding header was present. */
  readonly transferEncoding: boolean;
  /** Its last coding is `chunked`. */
  readonly chunked: boolean;
  /** `Connection: close`, or HTTP/1.0 without `Connection: keep-alive`: the connection ends after this message. */
  readonly closes: boolean;
  /** `Upgrade` with `Connection: upgrade`: the sender asks to switch protocols (WebSocket). */
  readonly upgrade: boolean;
  /** `Expect: 100-continue`: the sender may wait for an interim response before sending its body. */
  readonly expectContinue: boolean;
  /** Index in `rawHeaders` of the capture proxy's replay marker header, or -1 (see replayMarker.ts). */
  readonly replayMarkerAt: number;
  /** The value of the first X-Forwarded-For header (trimmed, as in `rawHeaders`); undefined without one. */
  readonly forwardedFor: string | undefined;
}

export interface RequestHead {
  readonly method: string;
  /** The request target exactly as sent: path and query. */
  readonly target: string;
  /** `1.1` or `1.0`. */
  readonly httpVersion: string;
  /** `[name, value, name, value, …]` in order, duplicates kept. */
  readonly rawHeaders: string[];
  readonly facts: HeadFacts;
}

export interface ResponseHead {
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly rawHeaders: string[];
  readonly facts: HeadFacts;
}

/** Why bytes are not an HTTP/1.x head, and the status a server answers that with. */
export class HeadError extends Error {
  override readonly name = 'HeadError';
  constructor(message: string, readonly statusCode = 400) {
    super(message);
  }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function versionOf(text: string): string | undefined {
  return text === 'HTTP/1.1' ? '1.1' : text === 'HTTP/1.0' ? '1.0' : undefined;
}

/** Lower-cased comma-separated tokens of a header value. */
function tokens(value: string): string[] {
  return value.toLowerCase().split(',').map((token) => token.trim());
}

/**
 * Reads the header lines after the first. Names are compared by length first so that the usual twenty
 * headers of a webhook cost one switch each, not a lower-casing.
 */
function parseFields(lines: string[], httpVersion: string): { rawHeaders: string[]; facts: HeadFacts } {
  const rawHeaders: string[] = [];
  let contentLength: number | undefined;
  let transferEncoding = false;
  let lastCoding = '';
  let close = false;
  let keepAlive = false;
  let connectionUpgrade = false;
  let upgrade = false;
  let expectContinue = false;
  let replayMarkerAt = -1;
  let forwardedFor: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new HeadError(`malformed header line ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) throw new HeadError(`malformed header name ${JSON.stringify(name.slice(0, 80))}`);
    const value = line.slice(colon + 1).trim();
    switch (name.length) {
      case 14:
        if (name.toLowerCase() === 'content-length') {
          if (!/^\d{1,15}$/.test(value)) throw new HeadError(`invalid Content-Length ${JSON.stringify(value.slice(0, 40))}`);
          const length = Number(value);
          if (contentLength !== undefined && contentLength !== length) throw new HeadError('conflicting Content-Length headers');
          contentLength = length;
        }
        break;
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') {
          transferEncoding = true;
          const codings = tokens(value);
          lastCoding = codings[codings.length - 1] ?? '';
        }
        break;
      case 10:
        if (name.toLowerCase() === 'connection') {
          for (const token of tokens(value)) {
            if (token === 'close') close = true;
            else if (token === 'keep-alive') keepAlive = true;
            else if (token === 'upgrade') connectionUpgrade = true;
          }
        }
        break;
      case 7:
        if (name.toLowerCase() === 'upgrade') upgrade = true;
        break;
      case 6:
        if (name.toLowerCase() === 'expect' && value.toLowerCase() === '100-continue') expectContinue = true;
        break;
      case 15:
        if (forwardedFor === undefined && name.toLowerCase() === 'x-forwarded-for') forwardedFor = value;
        break;
      case replayHeader.length:
        if (replayMarkerAt < 0 && name.toLowerCase() === replayHeader) replayMarkerAt = rawHeaders.length;
        break;
    }
    rawHeaders.push(name, value);
  }
  const closes = close || (httpVersion === '1.0' && !keepAlive);
  const facts: HeadFacts = {
    contentLength,
    transferEncoding,
    chunked: lastCoding === 'chunked',
    closes,
    upgrade: upgrade && connectionUpgrade,
    expectContinue,
    replayMarkerAt,
    forwardedFor,
  };
  return { rawHeaders, facts };
}

/** `head` is the request line through the last header line, without the blank line that ends it. */
export function parseRequestHead(head: string): RequestHead {
  const lines = head.split('\r\n');
  const line = lines[0]!;
  const firstSpace = line.indexOf(' ');
  const secondSpace = line.indexOf(' ', firstSpace + 1);
  const method = line.slice(0, firstSpace);
  const target = line.slice(firstSpace + 1, secondSpace);
  const httpVersion = versionOf(line.slice(secondSpace + 1));
  if (firstSpace <= 0 || secondSpace < 0 || !TOKEN.test(method) || target === '' || target.includes(' ') || httpVersion === undefined) {
    throw new HeadError(`the request line ${JSON.stringify(line.slice(0, 80))} is not HTTP/1.x`);
  }
  const { rawHeaders, facts } = parseFields(lines, httpVersion);
  if (facts.transferEncoding && facts.contentLength !== undefined) throw new HeadError('a request with both Transfer-Encoding and Content-Length is ambiguous');
  if (facts.transferEncoding && !facts.chunked) throw new HeadError('a request body must be chunked when Transfer-Encoding is set');
  return { method, target, httpVersion, rawHeaders, facts };
}

export function parseResponseHead(head: string): ResponseHead {
  const lines = head.split('\r\n');
  const line = lines[0]!;
  const httpVersion = versionOf(line.slice(0, 8));
  const statusCode = Number(line.slice(9, 12));
  if (httpVersion === undefined || line[8] !== ' ' || !/^\d{3}$/.test(line.slice(9, 12)) || (line.length > 12 && line[12] !== ' ')) {
    throw new HeadError(`the status line ${JSON.stringify(line.slice(0, 80))} is not HTTP/1.x`, 502);
  }
  const { rawHeaders, facts } = parseFields(lines, httpVersion);
  return { statusCode, statusMessage: line.slice(13), rawHeaders, facts };
}
