import type { Exchange, RecordedBody } from '../capture/exchange';
import { headerValue } from '../capture/exchange';
import { redactHeaders } from './redaction';

/** The subset of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) that this writes. */
export interface Har {
  readonly log: {
    readonly version: '1.2';
    readonly creator: { readonly name: string; readonly version: string };
    readonly entries: readonly HarEntry[];
  };
}

interface NameValue {
  readonly name: string;
  readonly value: string;
}

export interface HarEntry {
  readonly startedDateTime: string;
  readonly time: number;
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly httpVersion: string;
    readonly cookies: readonly NameValue[];
    readonly headers: readonly NameValue[];
    readonly queryString: readonly NameValue[];
    readonly postData?: { readonly mimeType: string; readonly text: string; readonly comment?: string };
    readonly headersSize: -1;
    readonly bodySize: number;
    readonly comment?: string;
  };
  readonly response: {
    readonly status: number;
    readonly statusText: string;
    readonly httpVersion: string;
    readonly cookies: readonly NameValue[];
    readonly headers: readonly NameValue[];
    readonly content: { readonly size: number; readonly mimeType: string; readonly text?: string; readonly encoding?: 'base64'; readonly comment?: string };
    readonly redirectURL: string;
    readonly headersSize: -1;
    readonly bodySize: number;
  };
  readonly cache: Record<string, never>;
  readonly timings: { readonly send: number; readonly wait: number; readonly receive: number };
  readonly comment?: string;
  /** Custom fields start with an underscore, as the spec allows. */
  readonly _webhookTunnel: { readonly id: string; readonly replayOf?: string; readonly error?: string; readonly clientAddress: string };
}

function pairs(rawHeaders: readonly string[]): NameValue[] {
  const out: NameValue[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out.push({ name: rawHeaders[i]!, value: rawHeaders[i + 1]! });
  return out;
}

function isUtf8Text(bytes: Buffer): boolean {
  return !bytes.includes(0) && Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
}

function truncationNote(body: RecordedBody): string | undefined {
  return body.truncated ? `Truncated by Webhook Tunnel: ${body.bytes.length} of ${body.size} bytes recorded.` : undefined;
}

function entry(exchange: Exchange, baseUrl: string, includeSecrets: boolean): HarEntry {
  const { request, response } = exchange;
  const url = new URL(request.url, baseUrl);
  const requestHeaders = includeSecrets ? request.rawHeaders : redactHeaders(request.rawHeaders);
  const responseHeaders = response ? (includeSecrets ? response.rawHeaders : redactHeaders(response.rawHeaders)) : [];
  const requestType = headerValue(request.rawHeaders, 'content-type') ?? 'application/octet-stream';
  const responseType = response ? (headerValue(response.rawHeaders, 'content-type') ?? '') : '';
  const wait = exchange.timings.upstreamHeadersMs ?? exchange.timings.totalMs;
  const requestText = isUtf8Text(request.body.bytes);
  const responseText = response ? isUtf8Text(response.body.bytes) : true;
  return {
    startedDateTime: new Date(exchange.startedAt).toISOString(),
    time: exchange.timings.totalMs,
    request: {
      method: request.method,
      url: url.toString(),
      httpVersion: `HTTP/${request.httpVersion}`,
      cookies: [],
      headers: pairs(requestHeaders),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      ...(request.body.size > 0 && {
        postData: {
          mimeType: requestType,
          // HAR's postData has no encoding field: binary bodies go as base64 and the comment says so.
          text: requestText ? request.body.bytes.toString('utf8') : request.body.bytes.toString('base64'),
          comment: [requestText ? undefined : 'Body is base64-encoded binary.', truncationNote(request.body)].filter(Boolean).join(' ') || undefined,
        },
      }),
      headersSize: -1,
      bodySize: request.body.size,
    },
    response: {
      status: response?.statusCode ?? 0,
      statusText: response?.statusMessage ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(responseHeaders),
      content: {
        size: response?.body.size ?? 0,
        mimeType: responseType,
        ...(response && response.body.size > 0 && (responseText ? { text: response.body.bytes.toString('utf8') } : { text: response.body.bytes.toString('base64'), encoding: 'base64' as const })),
        ...(response && truncationNote(response.body) && { comment: truncationNote(response.body) }),
      },
      redirectURL: headerValue(response?.rawHeaders ?? [], 'location') ?? '',
      headersSize: -1,
      bodySize: response?.body.size ?? -1,
    },
    cache: {},
    timings: { send: 0, wait, receive: Math.max(0, exchange.timings.totalMs - wait) },
    ...(exchange.error && { comment: exchange.error.message }),
    _webhookTunnel: { id: exchange.id, replayOf: exchange.replayOf, error: exchange.error?.kind, clientAddress: exchange.clientAddress },
  };
}

/** Oldest first, as browsers list them. Signature and credential headers are redacted unless `includeSecrets`. */
export function toHar(exchanges: readonly Exchange[], options: { baseUrl: string; version: string; includeSecrets?: boolean }): Har {
  const ordered = [...exchanges].sort((a, b) => a.startedAt - b.startedAt);
  return { log: { version: '1.2', creator: { name: 'Webhook Tunnel', version: options.version }, entries: ordered.map((e) => entry(e, options.baseUrl, options.includeSecrets === true)) } };
}
