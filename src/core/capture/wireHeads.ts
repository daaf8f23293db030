import type { BodyFraming } from './messageFramer';
import { noBody } from './messageFramer';
import type { RequestHead, ResponseHead } from './httpHead';

/**
 * The head to send the dev server: the sender's bytes untouched, unless the upstream has a base path to
 * put in front of the target or the head carries the replay marker (which must not reach the dev server).
 */
export function forwardedRequestHead(head: RequestHead, rawHeaders: readonly string[], basePath: string, wire: Buffer): Buffer {
  if (basePath === '' && head.facts.replayMarkerAt < 0) return wire;
  return headBytes(`${head.method} ${basePath}${head.target} HTTP/${head.httpVersion}`, rawHeaders);
}

/** A response head the proxy writes itself (502, 504, 400…). */
export function responseHeadBytes(statusCode: number, statusMessage: string, rawHeaders: readonly string[]): Buffer {
  return headBytes(`HTTP/1.1 ${statusCode} ${statusMessage}`, rawHeaders);
}

function headBytes(firstLine: string, rawHeaders: readonly string[]): Buffer {
  let text = `${firstLine}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) text += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return Buffer.from(`${text}\r\n`, 'latin1');
}

export function requestFraming(head: RequestHead): BodyFraming {
  if (head.facts.chunked) return { kind: 'chunked' };
  const length = head.facts.contentLength ?? 0;
  return length > 0 ? { kind: 'length', bytes: length } : noBody;
}

/** RFC 9112 §6.3, in its order: no body for HEAD, 1xx, 204 and 304; then chunked, then length, then until close. */
export function responseFraming(head: ResponseHead, requestMethod: string): BodyFraming {
  const status = head.statusCode;
  if (requestMethod === 'HEAD' || status < 200 || status === 204 || status === 304) return noBody;
  if (head.facts.chunked) return { kind: 'chunked' };
  if (head.facts.transferEncoding) return { kind: 'untilClose' };
  const length = head.facts.contentLength;
  if (length === undefined) return { kind: 'untilClose' };
  return length > 0 ? { kind: 'length', bytes: length } : noBody;
}
