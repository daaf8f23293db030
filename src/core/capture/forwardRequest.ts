import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import type { Upstream } from '../config/upstream';
import { BodyRecorder } from './bodyRecorder';
import { unreachablePage, timeoutPage } from './errorPages';
import type { Exchange, ExchangeError, RecordedResponse } from './exchange';
import { endToEndHeaders } from './headers';
import { takeReplayMark } from './replayMarker';

/** What every forwarded call needs from the proxy that owns it. */
export interface ForwardContext {
  readonly upstream: Upstream;
  readonly agent: Agent;
  readonly maxBodyBytes: number;
  readonly upstreamTimeoutMs: number;
  readonly record: (exchange: Exchange) => void;
  /** Secret that replays put in their marker header (see replayMarker.ts). */
  readonly replayToken: string;
}

/**
 * Streams one request to the dev server and its response back, recording both on the side.
 * Nothing waits for a whole body: chunks are forwarded as they arrive and the recorder only keeps references.
 */
export function forwardRequest(context: ForwardContext, req: IncomingMessage, res: ServerResponse): void {
  const { upstream } = context;
  const startedAt = Date.now();
  const t0 = performance.now();
  const { rawHeaders: requestHeaders, mark } = takeReplayMark(req.rawHeaders, context.replayToken);
  const requestBody = new BodyRecorder(context.maxBodyBytes);
  const responseBody = new BodyRecorder(context.maxBodyBytes);
  let upstreamHeadersMs: number | undefined;
  let responseHead: Omit<RecordedResponse, 'body'> | undefined;
  let syntheticBody: RecordedResponse['body'] | undefined;
  let error: ExchangeError | undefined;
  let requestSettled = false;
  let responseSettled = false;

  const settle = (): void => {
    if (!requestSettled || !responseSettled) return;
    context.record({
      id: mark?.id ?? randomUUID(),
      startedAt,
      timings: { upstreamHeadersMs, totalMs: performance.now() - t0 },
      clientAddress: req.socket.remoteAddress ?? '',
      upstream: upstream.origin,
      request: { method: req.method ?? 'GET', url: req.url ?? '/', httpVersion: req.httpVersion, rawHeaders: requestHeaders, body: requestBody.finish() },
      response: responseHead && { ...responseHead, body: syntheticBody ?? responseBody.finish() },
      error,
      replayOf: mark?.replayOf,
    });
  };

  req.on('data', requestBody.push);
  req.once('end', () => { requestSettled = true; settle(); });
  req.once('close', () => {
    if (requestSettled) return;
    requestSettled = true;
    error ??= { kind: 'clientAborted', message: 'The sender closed the connection before its request body was complete.' };
    settle();
  });

  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstreamRequest = send({
    hostname: upstream.hostname,
    port: upstream.port,
    method: req.method,
    path: upstream.basePath + (req.url ?? '/'),
    headers: endToEndHeaders(requestHeaders),
    agent: context.agent,
  });

  /** The proxy answers for the dev server; the sender's body keeps draining so the capture holds all of it. */
  const answerForUpstream = (statusCode: number, statusMessage: string, text: string, failure: ExchangeError): void => {
    error = failure;
    req.unpipe(upstreamRequest);
    req.resume();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const bytes = Buffer.from(text);
    const rawHeaders = ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(bytes.length), 'X-Webhook-Tunnel-Error', failure.kind];
    responseHead = { statusCode, statusMessage, rawHeaders, synthetic: true };
    syntheticBody = { bytes, size: bytes.length, truncated: false };
    res.writeHead(statusCode, statusMessage, rawHeaders);
    res.end(bytes);
  };

  const timer = setTimeout(() => {
    answerForUpstream(504, 'Gateway Timeout', timeoutPage(upstream, context.upstreamTimeoutMs), {
      kind: 'upstreamTimeout',
      message: `The dev server at ${upstream.origin} did not answer within ${context.upstreamTimeoutMs} ms.`,
    });
    upstreamRequest.destroy();
  }, context.upstreamTimeoutMs);

  upstreamRequest.on('error', (cause: NodeJS.ErrnoException) => {
    clearTimeout(timer);
    if (error) return; // already answered (timeout) or the sender left
    if (upstreamHeadersMs !== undefined) {
      error = { kind: 'upstreamAborted', message: `The dev server closed the connection mid-response: ${cause.message}`, code: cause.code };
      res.destroy();
      return;
    }
    answerForUpstream(502, 'Bad Gateway', unreachablePage(upstream, cause.code), {
      kind: 'upstreamUnreachable',
      message: `Could not reach the dev server at ${upstream.origin}: ${cause.message}`,
      code: cause.code,
    });
  });

  upstreamRequest.on('response', (upstreamResponse) => {
    clearTimeout(timer);
    upstreamHeadersMs = performance.now() - t0;
    responseHead = {
      statusCode: upstreamResponse.statusCode ?? 502,
      statusMessage: upstreamResponse.statusMessage ?? '',
      rawHeaders: upstreamResponse.rawHeaders,
    };
    res.writeHead(responseHead.statusCode, responseHead.statusMessage, endToEndHeaders(upstreamResponse.rawHeaders));
    upstreamResponse.on('data', responseBody.push);
    upstreamResponse.once('error', (cause: NodeJS.ErrnoException) => {
      error ??= { kind: 'upstreamAborted', message: `The dev server closed the connection mid-response: ${cause.message}`, code: cause.code };
      res.destroy();
    });
    upstreamResponse.pipe(res);
  });

  res.once('close', () => {
    clearTimeout(timer);
    if (!res.writableFinished) {
      error ??= { kind: 'clientAborted', message: 'The sender closed the connection before the response was complete.' };
      upstreamRequest.destroy();
    }
    responseSettled = true;
    settle();
  });

  req.pipe(upstreamRequest);
}
