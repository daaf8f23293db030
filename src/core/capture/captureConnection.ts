import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Upstream } from '../config/upstream';
import { timeoutPage, unreachablePage } from './errorPages';
import type { Exchange, ExchangeError } from './exchange';
import { HeadError, parseRequestHead, parseResponseHead } from './httpHead';
import type { ResponseStart } from './inFlightExchange';
import { InFlightExchange } from './inFlightExchange';
import type { BodyFraming, FramerEvents } from './messageFramer';
import { MessageFramer, noBody } from './messageFramer';
import { takeReplayMark } from './replayMarker';
import { connectUpstream } from './upstreamLink';
import { forwardedRequestHead, requestFraming, responseFraming, responseHeadBytes } from './wireHeads';

/** What every connection needs from the proxy that owns it. */
export interface ConnectionContext {
  readonly upstream: Upstream;
  readonly maxBodyBytes: number;
  readonly upstreamTimeoutMs: number;
  readonly record: (exchange: Exchange) => void;
  /** Secret that replays put in their marker header (see replayMarker.ts). */
  readonly replayToken: string;
}

/**
 * An idle dev-server connection is closed after this long, before the dev server does it itself (Node's
 * servers close theirs after 5 s): a call arriving just as the dev server closes would otherwise fail with
 * a 502, while one arriving after our own close simply opens a fresh connection.
 */
const IDLE_LINK_MS = 4_000;

/** The dev-server connection pinned to this sender connection, and the responses read from it. */
interface Link {
  readonly socket: Socket;
  readonly framer: MessageFramer;
  /** The connection (and for https, the TLS handshake) succeeded: a failure from here on is not "unreachable". */
  connected: boolean;
  error?: NodeJS.ErrnoException;
}

/**
 * One sender connection (the tunnel's, or a local sender's) and the dev-server connection pinned to it.
 * Bytes pass between the two verbatim, in whatever pieces they arrive; two MessageFramers follow the
 * requests and responses along the way so each call is recorded, and so the proxy can answer for a dev
 * server that is down (502) or stuck (504). Requests are answered in order, as HTTP/1.1 requires, so the
 * calls awaiting a response form a queue whose head is the one the dev server is answering.
 */
export class CaptureConnection {
  private readonly requests: MessageFramer;
  private readonly clientAddress: string;
  private link: Link | undefined;
  /** The call whose request is being read from the sender. */
  private receiving: InFlightExchange | undefined;
  /** Where the bytes of that request go: the link it was sent on, or nowhere once the proxy has answered it. */
  private receivingSink: Socket | undefined;
  /** Calls sent on the current link and not yet fully answered, oldest first. */
  private readonly awaiting: InFlightExchange[] = [];
  /** The dev server is sending a 1xx interim response; the final one follows. */
  private interim = false;
  /** Someone asked for the connection to end (Connection: close, a body framed by the close, the sender's FIN). */
  private endAfterResponses = false;
  /** Upgraded (WebSocket): both directions are raw byte streams from now on. */
  private spliced = false;
  private timer: NodeJS.Timeout | undefined;
  private timerArmed = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private clientPaused = false;
  /** Bytes waiting to be written, merged while they are contiguous, so one chunk in makes one write out. */
  private outTarget: Socket | undefined;
  private outBytes: Buffer | undefined;

  constructor(
    private readonly context: ConnectionContext,
    private readonly client: Socket,
    /** `tunnel`: the ngrok listener's private socket, whose calls name their sender in X-Forwarded-For. */
    private readonly via: 'local' | 'tunnel',
    private readonly onClosed: () => void,
  ) {
    this.clientAddress = client.remoteAddress ?? '';
    this.requests = new MessageFramer(this.requestEvents);
    // Here rather than as a server option: this covers both listeners, the TCP one and the tunnel's.
    client.setNoDelay(true);
    client.on('data', this.onClientData);
    client.on('end', this.onClientEnd);
    client.on('error', () => undefined); // 'close' follows and says what matters
    client.on('close', this.onClientClose);
  }

  /** Cuts both connections; calls in flight are recorded as aborted. */
  destroy(): void {
    this.client.destroy();
  }

  // ─── the sender's side ───

  private readonly onClientData = (chunk: Buffer): void => {
    if (this.spliced) this.out(this.link?.socket, chunk);
    else this.requests.push(chunk);
    this.flushOut();
    this.maybeEnd();
    const sink = this.link?.socket;
    if (sink && sink.writableNeedDrain && !this.clientPaused) {
      this.clientPaused = true;
      this.client.pause();
      sink.once('drain', this.resumeClient);
    }
  };

  private readonly resumeClient = (): void => {
    if (!this.clientPaused) return;
    this.clientPaused = false;
    this.client.resume();
  };

  private readonly onClientEnd = (): void => {
    if (this.spliced) {
      this.link?.socket.end();
      return;
    }
    // A request cut short can never complete: nothing more is coming.
    if (this.receiving) {
      this.client.destroy();
      return;
    }
    this.endAfterResponses = true;
    this.maybeEnd();
  };

  private readonly onClientClose = (): void => {
    this.disarmTimer();
    clearTimeout(this.timer);
    clearTimeout(this.idleTimer);
    const left = this.awaiting.splice(0);
    if (this.receiving && !left.includes(this.receiving)) left.push(this.receiving);
    this.receiving = undefined;
    for (const exchange of left) {
      exchange.fail({
        kind: 'clientAborted',
        message: exchange.requestDone ? 'The sender closed the connection before the response was complete.' : 'The sender closed the connection before its request body was complete.',
      });
      exchange.requestDone = exchange.responseDone = true;
      this.settle(exchange);
    }
    const link = this.link;
    this.link = undefined;
    link?.socket.destroy();
    this.onClosed();
  };

  private readonly requestEvents: FramerEvents = {
    onHead: (text: string, wire: Buffer): BodyFraming | 'hold' => {
      const head = parseRequestHead(text);
      if (head.method === 'CONNECT') throw new HeadError('CONNECT is not supported: the capture proxy forwards to one dev server', 405);
      const { rawHeaders, mark } = head.facts.replayMarkerAt < 0 ? { rawHeaders: head.rawHeaders, mark: undefined } : takeReplayMark(head.rawHeaders, this.context.replayToken);
      const exchange = new InFlightExchange(head, rawHeaders, mark, this.context.maxBodyBytes);
      const link = this.link ?? this.openLink();
      this.receiving = exchange;
      this.receivingSink = link.socket;
      this.awaiting.push(exchange);
      if (this.awaiting.length === 1) this.armTimer();
      this.out(link.socket, forwardedRequestHead(head, rawHeaders, this.context.upstream.basePath, wire));
      const framing = requestFraming(head);
      // An upgrade request: what the sender sends next is HTTP again or a new protocol, as the answer decides.
      if (head.facts.upgrade && framing.kind === 'none') {
        this.requestEvents.onEnd();
        return 'hold';
      }
      return framing;
    },
    onWire: (bytes: Buffer): void => {
      if (this.receivingSink) this.out(this.receivingSink, bytes);
    },
    onPayload: (bytes: Buffer): void => {
      this.receiving?.requestBody.push(bytes);
    },
    onEnd: (): void => {
      const exchange = this.receiving;
      this.receiving = undefined;
      this.receivingSink = undefined;
      if (!exchange) return;
      exchange.requestDone = true;
      this.settle(exchange);
    },
    onMalformed: (error: HeadError): void => {
      if (this.receiving || this.awaiting.length > 0) {
        this.receiving?.fail({ kind: 'clientAborted', message: `The sender's request is not valid HTTP/1.1: ${error.message}.` });
        this.client.destroy();
        return;
      }
      const status = error.statusCode;
      this.writePlainAnswer(status, Buffer.from(`${status} ${STATUS_CODES[status] ?? ''}: ${error.message}.\n`), ['Connection', 'close']);
      this.flushOut();
      this.client.end();
      this.link?.socket.destroy();
    },
  };

  // ─── the dev server's side ───

  private openLink(): Link {
    const socket = connectUpstream(this.context.upstream);
    const link: Link = { socket, framer: new MessageFramer(this.responseEvents), connected: false };
    this.link = link;
    socket.once(this.context.upstream.protocol === 'https:' ? 'secureConnect' : 'connect', () => (link.connected = true));
    socket.on('data', (chunk: Buffer) => this.onLinkData(link, chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => (link.error ??= error));
    socket.on('close', () => this.onLinkClose(link));
    return link;
  }

  private onLinkData(link: Link, chunk: Buffer): void {
    if (link !== this.link) return;
    link.framer.push(chunk);
    this.flushOut();
    this.maybeEnd();
    if (this.client.writableNeedDrain && !link.socket.isPaused()) {
      link.socket.pause();
      this.client.once('drain', () => link.socket.resume());
    }
  }

  private onLinkClose(link: Link): void {
    if (link !== this.link) return;
    if (this.spliced) {
      this.flushOut();
      this.client.end();
      return;
    }
    // A body framed by the close is complete now (onEnd records it); anything else still awaited is lost.
    link.framer.finish();
    if (this.awaiting.length === 0) {
      this.link = undefined;
      this.resumeClient();
      this.flushOut();
      this.maybeEnd();
      return;
    }
    this.loseLink(link, (exchange) => this.closedLinkError(link, exchange));
    this.flushOut();
  }

  /** Why a call still awaiting its answer lost it when the link closed. */
  private closedLinkError(link: Link, exchange: InFlightExchange): ExchangeError {
    const { origin } = this.context.upstream;
    const code = link.error?.code;
    const cause = link.error ? `: ${link.error.message}` : '';
    if (exchange.response) return { kind: 'upstreamAborted', message: `The dev server closed the connection mid-response${cause}.`, code };
    if (!link.connected) return { kind: 'upstreamUnreachable', message: `Could not reach the dev server at ${origin}: ${link.error?.message ?? 'the connection closed'}`, code };
    return { kind: 'upstreamAborted', message: `The dev server at ${origin} closed the connection without answering${cause}.`, code };
  }

  private readonly responseEvents: FramerEvents = {
    onHead: (text: string, wire: Buffer): BodyFraming | 'hold' => {
      const exchange = this.awaiting[0];
      const head = parseResponseHead(text);
      if (!exchange) throw new HeadError('the dev server sent a response nobody asked for', 502);
      this.out(this.client, wire);
      if (head.statusCode === 101) {
        this.switchProtocols(exchange, head.statusMessage, head.rawHeaders);
        return noBody;
      }
      if (head.statusCode < 200) {
        this.interim = true;
        return noBody;
      }
      this.disarmTimer();
      exchange.markResponseHead({ statusCode: head.statusCode, statusMessage: head.statusMessage, rawHeaders: head.rawHeaders });
      const framing = responseFraming(head, exchange.head.method);
      if (head.facts.closes || exchange.head.facts.closes || framing.kind === 'untilClose') this.endAfterResponses = true;
      return framing;
    },
    onWire: (bytes: Buffer): void => {
      this.out(this.client, bytes);
    },
    onPayload: (bytes: Buffer): void => {
      this.awaiting[0]?.responseBody.push(bytes);
    },
    onEnd: (): void => {
      if (this.interim) {
        this.interim = false;
        return;
      }
      const exchange = this.awaiting.shift();
      if (!exchange) return;
      exchange.responseDone = true;
      this.settle(exchange);
      if (this.awaiting.length > 0) this.armTimer();
      else this.armIdleTimer();
      // The dev server declined an upgrade: the sender's bytes are HTTP again.
      if (exchange.head.facts.upgrade) this.requests.release('http');
    },
    onMalformed: (error: HeadError): void => {
      const link = this.link;
      if (!link) return;
      this.loseLink(link, () => ({
        kind: 'upstreamAborted',
        message: `The dev server at ${this.context.upstream.origin} sent a response that is not valid HTTP/1.1: ${error.message}.`,
      }));
    },
  };

  /** 101: the handshake is recorded and both directions become raw streams (the frames are not recorded). */
  private switchProtocols(exchange: InFlightExchange, statusMessage: string, rawHeaders: readonly string[]): void {
    this.disarmTimer();
    this.awaiting.shift();
    exchange.markResponseHead({ statusCode: 101, statusMessage, rawHeaders });
    exchange.upgraded = true;
    exchange.requestDone = exchange.responseDone = true;
    this.settle(exchange);
    this.spliced = true;
    const link = this.link!;
    link.framer.passRaw();
    this.receivingSink = link.socket;
    this.requests.passRaw();
  }

  // ─── answering for the dev server ───

  /** The link is gone: calls whose answer had begun are cut; the others get the proxy's 502 or 504. */
  private loseLink(link: Link, why: (exchange: InFlightExchange) => ExchangeError): void {
    if (link !== this.link) return;
    this.link = undefined;
    this.disarmTimer();
    link.socket.destroy();
    if (this.receivingSink === link.socket) this.receivingSink = undefined;
    this.resumeClient();
    let cut = false;
    for (const exchange of this.awaiting.splice(0)) {
      const error = why(exchange);
      if (exchange.response) {
        exchange.fail(error);
        exchange.responseDone = true;
        this.settle(exchange);
        cut = true;
      } else if (!cut) this.answerForDevServer(exchange, error);
      else {
        // Queued behind a cut response: the sender's connection goes, so there is no one to answer.
        exchange.fail(error);
        exchange.responseDone = true;
        this.settle(exchange);
      }
    }
    if (cut) {
      this.flushOut();
      this.client.destroy();
    }
  }

  private readonly onTimeout = (): void => {
    if (!this.timerArmed || !this.link) return;
    this.timerArmed = false;
    const { upstream, upstreamTimeoutMs } = this.context;
    this.loseLink(this.link, () => ({ kind: 'upstreamTimeout', message: `The dev server at ${upstream.origin} did not answer within ${upstreamTimeoutMs} ms.` }));
    this.flushOut();
    this.maybeEnd();
  };

  /** Writes the proxy's own response; the sender's body keeps being read (and recorded) to its end. */
  private answerForDevServer(exchange: InFlightExchange, error: ExchangeError): void {
    exchange.fail(error);
    const { upstream, upstreamTimeoutMs } = this.context;
    const [statusCode, text] =
      error.kind === 'upstreamTimeout'
        ? [504, timeoutPage(upstream, upstreamTimeoutMs)]
        : [502, error.kind === 'upstreamUnreachable' ? unreachablePage(upstream, error.code) : `502 Bad Gateway: ${error.message}\n`];
    const bytes = Buffer.from(text);
    const extraHeaders = ['X-Webhook-Tunnel-Error', error.kind];
    // A sender waiting for 100 Continue will not send its body now: the connection cannot be reused.
    if (exchange.head.facts.closes || (!exchange.requestDone && exchange.head.facts.expectContinue)) {
      extraHeaders.push('Connection', 'close');
      this.endAfterResponses = true;
    }
    exchange.response = { ...this.writePlainAnswer(statusCode, bytes, extraHeaders), synthetic: true };
    exchange.syntheticBody = { bytes, size: bytes.length, truncated: false };
    exchange.responseDone = true;
    this.settle(exchange);
  }

  /** Writes a plain-text answer of the proxy's own: Content-Type and Content-Length, then `extraHeaders`. */
  private writePlainAnswer(statusCode: number, body: Buffer, extraHeaders: readonly string[]): ResponseStart {
    const statusMessage = STATUS_CODES[statusCode] ?? '';
    const rawHeaders = ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(body.length), ...extraHeaders];
    this.out(this.client, responseHeadBytes(statusCode, statusMessage, rawHeaders));
    this.out(this.client, body);
    return { statusCode, statusMessage, rawHeaders };
  }

  // ─── bookkeeping ───

  private settle(exchange: InFlightExchange): void {
    if (!exchange.complete) return;
    // A tunnel call's public sender as the edge names it: the first X-Forwarded-For entry (only the tunnel's socket is trusted with it).
    const clientAddress = this.via === 'tunnel' ? (exchange.head.facts.forwardedFor?.split(',')[0]?.trim() ?? '') : this.clientAddress;
    const record = exchange.take(clientAddress, this.context.upstream.origin);
    if (record) this.context.record(record);
  }

  /** The timeout covers the call the dev server is answering now: from its request until its response head. */
  private armTimer(): void {
    this.timerArmed = true;
    if (this.timer) this.timer.refresh();
    // Unref'd: an idle sender connection must not keep a process alive.
    else this.timer = setTimeout(this.onTimeout, this.context.upstreamTimeoutMs).unref();
  }

  private disarmTimer(): void {
    this.timerArmed = false;
  }

  private armIdleTimer(): void {
    if (this.idleTimer) this.idleTimer.refresh();
    else this.idleTimer = setTimeout(this.onLinkIdle, IDLE_LINK_MS).unref();
  }

  private readonly onLinkIdle = (): void => {
    const link = this.link;
    if (!link || this.awaiting.length > 0 || this.receiving || this.spliced || !link.framer.idle) return;
    this.link = undefined;
    link.socket.destroy();
  };

  /** Ends the sender's connection once nothing is owed to it, when that was asked for. */
  private maybeEnd(): void {
    if (!this.endAfterResponses || this.awaiting.length > 0 || this.spliced) return;
    const waitingForBody = this.receiving !== undefined && this.receivingSink !== undefined;
    if (waitingForBody) return;
    this.flushOut();
    if (!this.client.writableEnded) this.client.end();
    const link = this.link;
    this.link = undefined;
    link?.socket.destroy();
  }

  private out(target: Socket | undefined, bytes: Buffer): void {
    if (!target || bytes.length === 0) return;
    const pending = this.outBytes;
    if (pending && this.outTarget === target && pending.buffer === bytes.buffer && pending.byteOffset + pending.length === bytes.byteOffset) {
      this.outBytes = Buffer.from(pending.buffer, pending.byteOffset, pending.length + bytes.length);
      return;
    }
    this.flushOut();
    this.outTarget = target;
    this.outBytes = bytes;
  }

  private flushOut(): void {
    const target = this.outTarget;
    const bytes = this.outBytes;
    if (!target || !bytes) return;
    this.outTarget = this.outBytes = undefined;
    if (!target.destroyed && !target.writableEnded) target.write(bytes);
  }
}
