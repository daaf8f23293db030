import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ownCopy } from '../util/ownCopy';
import { BodyRecorder } from './bodyRecorder';
import type { Exchange, ExchangeError, RecordedBody } from './exchange';
import type { RequestHead } from './httpHead';
import type { ReplayMark } from './replayMarker';

/** The response as far as it is known: the dev server's head, or the proxy's own 502/504. */
export interface ResponseStart {
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly rawHeaders: readonly string[];
  readonly synthetic?: boolean;
}

/** One call on its way through a connection: what has arrived of both sides, until it can be recorded. */
export class InFlightExchange {
  readonly startedAt = Date.now();
  private readonly t0 = performance.now();
  readonly requestBody: BodyRecorder;
  readonly responseBody: BodyRecorder;
  requestDone = false;
  responseDone = false;
  response: ResponseStart | undefined;
  syntheticBody: RecordedBody | undefined;
  upstreamHeadersMs: number | undefined;
  error: ExchangeError | undefined;
  upgraded = false;
  private recorded = false;

  constructor(
    readonly head: RequestHead,
    /** The request's headers as recorded: the replay marker, if any, removed. */
    readonly rawHeaders: readonly string[],
    readonly mark: ReplayMark | undefined,
    maxBodyBytes: number,
  ) {
    this.requestBody = new BodyRecorder(maxBodyBytes);
    this.responseBody = new BodyRecorder(maxBodyBytes);
  }

  get complete(): boolean {
    return this.requestDone && this.responseDone;
  }

  markResponseHead(response: ResponseStart): void {
    this.response = response;
    this.upstreamHeadersMs = performance.now() - this.t0;
  }

  /** The first failure is the one that explains the call; later ones are its consequences. */
  fail(error: ExchangeError): void {
    this.error ??= error;
  }

  /**
   * Builds the record once; later calls return undefined. The record outlives the call (the history keeps
   * it), so the strings it keeps that were cut from a head are copied: as views they would keep that whole
   * head alive (see ownCopy). Raw headers are not: the history keeps them as bytes, not as these strings.
   */
  take(clientAddress: string, upstreamOrigin: string): Exchange | undefined {
    if (this.recorded) return undefined;
    this.recorded = true;
    const { head, response, mark } = this;
    return {
      id: mark ? ownCopy(mark.id) : randomUUID(),
      startedAt: this.startedAt,
      timings: { upstreamHeadersMs: this.upstreamHeadersMs, totalMs: performance.now() - this.t0 },
      clientAddress: ownCopy(clientAddress),
      upstream: upstreamOrigin,
      request: { method: head.method, url: ownCopy(head.target), httpVersion: head.httpVersion, rawHeaders: this.rawHeaders, body: this.requestBody.finish() },
      response: response && { ...response, statusMessage: ownCopy(response.statusMessage), body: this.syntheticBody ?? this.responseBody.finish() },
      error: this.error,
      ...(this.upgraded ? { upgrade: true } : {}),
      replayOf: mark && ownCopy(mark.replayOf),
    };
  }
}
