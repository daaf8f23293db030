import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { replayHeader, replayHeaderValue } from '../capture/replayMarker';
import type { ReplayRequest } from './replayRequest';

export interface ReplayTarget {
  /** `http://127.0.0.1:PORT` (the capture proxy) or the public URL; either way the proxy records the replay. */
  readonly baseUrl: string;
  readonly replayToken: string;
  /** Lets `*.localhost` public URLs of the local edge resolve the way browsers resolve them. */
  readonly lookup?: LookupFunction;
  readonly timeoutMs?: number;
  /** Through the public URL the edge routes by Host, so the captured one (perhaps an old address) must go. */
  readonly rewriteHost?: boolean;
}

export interface ReplayResponse {
  /** The id the replay is recorded under in the history. */
  readonly exchangeId: string;
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/** Sends the replay with the marker header, so the capture proxy records it as a new exchange linked to `replayOf`. */
export function sendReplay(target: ReplayTarget, request: ReplayRequest, replayOf: string): Promise<ReplayResponse> {
  const exchangeId = randomUUID();
  const url = new URL(request.url, target.baseUrl);
  const rawHeaders = [...request.rawHeaders, replayHeader, replayHeaderValue(target.replayToken, { replayOf, id: exchangeId })];
  const hostAt = rawHeaders.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === 'host');
  // Straight to the proxy, the captured Host goes on to the dev server as the sender's did.
  if (hostAt >= 0 && target.rewriteHost) rawHeaders[hostAt + 1] = url.host;
  else if (hostAt < 0) rawHeaders.unshift('Host', url.host);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: request.method, headers: rawHeaders, agent: false, lookup: target.lookup, timeout: target.timeoutMs ?? 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ exchangeId, statusCode: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error(`The replay got no answer from ${url.origin} within ${(target.timeoutMs ?? 60_000) / 1000} s.`)));
    req.once('error', reject);
    req.end(request.body);
  });
}
