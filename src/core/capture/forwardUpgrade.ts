import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { emptyBody } from './bodyRecorder';
import { unreachablePage } from './errorPages';
import type { ExchangeError, RecordedResponse } from './exchange';
import type { ForwardContext } from './forwardRequest';
import { responseHead } from './headers';

/**
 * Passes a protocol upgrade (WebSocket) through: the handshake is forwarded with its `Connection`/`Upgrade`
 * headers intact, then both sockets are spliced. The exchange records the handshake, not the frames.
 */
export function forwardUpgrade(context: ForwardContext, req: IncomingMessage, client: Duplex, head: Buffer, track: (socket: Duplex) => void): void {
  const { upstream } = context;
  const startedAt = Date.now();
  const t0 = performance.now();
  track(client);

  const record = (response: RecordedResponse | undefined, error?: ExchangeError): void => {
    const elapsed = performance.now() - t0;
    context.record({
      id: randomUUID(),
      startedAt,
      timings: { upstreamHeadersMs: response && !response.synthetic ? elapsed : undefined, totalMs: elapsed },
      clientAddress: req.socket.remoteAddress ?? '',
      upstream: upstream.origin,
      request: { method: req.method ?? 'GET', url: req.url ?? '/', httpVersion: req.httpVersion, rawHeaders: req.rawHeaders, body: emptyBody },
      response,
      error,
      upgrade: true,
    });
  };

  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  // Upgraded sockets are never returned to a pool, so no agent.
  const upstreamRequest = send({
    hostname: upstream.hostname,
    port: upstream.port,
    method: req.method,
    path: upstream.basePath + (req.url ?? '/'),
    headers: [...req.rawHeaders],
    agent: false,
  });

  upstreamRequest.on('upgrade', (upstreamResponse, upstreamSocket, upstreamHead) => {
    track(upstreamSocket);
    const statusCode = upstreamResponse.statusCode ?? 101;
    const statusMessage = upstreamResponse.statusMessage ?? 'Switching Protocols';
    client.write(responseHead(statusCode, statusMessage, upstreamResponse.rawHeaders));
    if (upstreamHead.length > 0) client.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    upstreamSocket.pipe(client).pipe(upstreamSocket);
    const closeBoth = (): void => {
      client.destroy();
      upstreamSocket.destroy();
    };
    client.once('error', closeBoth).once('close', closeBoth);
    upstreamSocket.once('error', closeBoth).once('close', closeBoth);
    record({ statusCode, statusMessage, rawHeaders: upstreamResponse.rawHeaders, body: emptyBody });
  });

  // The dev server declined the upgrade: relay its ordinary answer.
  upstreamRequest.on('response', (upstreamResponse) => {
    const statusCode = upstreamResponse.statusCode ?? 502;
    const statusMessage = upstreamResponse.statusMessage ?? '';
    const chunks: Buffer[] = [];
    upstreamResponse.on('data', (chunk: Buffer) => chunks.push(chunk));
    upstreamResponse.once('end', () => {
      const bytes = Buffer.concat(chunks);
      const headers = withoutFraming(upstreamResponse.rawHeaders);
      headers.push('Content-Length', String(bytes.length), 'Connection', 'close');
      client.end(Buffer.concat([Buffer.from(responseHead(statusCode, statusMessage, headers)), bytes]));
      const kept = bytes.subarray(0, context.maxBodyBytes);
      record({ statusCode, statusMessage, rawHeaders: upstreamResponse.rawHeaders, body: { bytes: kept, size: bytes.length, truncated: kept.length < bytes.length } });
    });
  });

  upstreamRequest.on('error', (cause: NodeJS.ErrnoException) => {
    const text = Buffer.from(unreachablePage(upstream, cause.code));
    const rawHeaders = ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(text.length), 'Connection', 'close'];
    client.end(Buffer.concat([Buffer.from(responseHead(502, 'Bad Gateway', rawHeaders)), text]));
    record(
      { statusCode: 502, statusMessage: 'Bad Gateway', rawHeaders, body: { bytes: text, size: text.length, truncated: false }, synthetic: true },
      { kind: 'upstreamUnreachable', message: `Could not reach the dev server at ${upstream.origin}: ${cause.message}`, code: cause.code },
    );
  });

  client.once('error', () => upstreamRequest.destroy());
  upstreamRequest.end();
}

/** The relayed body is re-framed with a Content-Length, so the original framing headers must go. */
function withoutFraming(rawHeaders: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const lower = rawHeaders[i]!.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection') continue;
    kept.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  return kept;
}
