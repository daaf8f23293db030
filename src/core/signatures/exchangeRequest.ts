/** Adapts a captured exchange to what the verifier reads, keeping the recorded bytes and header pairs as they are. */
import type { Exchange } from '../capture/exchange';
import type { SignedRequest } from './provider';

/** `publicUrl` is the tunnel's public origin at capture time, needed by URL-signing schemes (Twilio, HubSpot). */
export function requestFromExchange(exchange: Pick<Exchange, 'request'>, publicUrl?: string): SignedRequest {
  const { method, url, rawHeaders, body } = exchange.request;
  return {
    method,
    url,
    rawHeaders,
    body: body.bytes,
    ...(publicUrl === undefined ? {} : { publicUrl }),
    ...(body.truncated ? { bodyTruncated: true } : {}),
  };
}
