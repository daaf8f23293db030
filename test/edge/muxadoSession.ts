// The server side of a muxado session over one transport (the agent's TLS connection):
// demultiplexes frames into streams, opens even-numbered streams, sends GOAWAY, and works around
// the agent's Nagle stall (see AckPolicy).
import type { Duplex } from 'node:stream';
import { ErrorCode, Flag, FrameDecoder, FrameError, FrameType, goAwayFrame, rstFrame, wndIncFrame } from './muxadoFrame';
import type { Frame } from './muxadoFrame';
import { DEFAULT_WINDOW, MuxadoStream } from './muxadoStream';
import type { StreamHost } from './muxadoStream';

/**
 * How the edge makes its kernel ACK the agent's segments at once. The SDK leaves Nagle on, so
 * when it writes two small frames back to back the second waits for the ACK of the first, which
 * Linux delays by up to 40 ms. Any write from us carries that ACK.
 * - `every-read`: after each socket read that made us write nothing, write a no-op WNDINC(0);
 * - `syn-and-wndinc`: answer each SYN and each agent WNDINC with WNDINC(0) (the protocol notes' variant);
 * - `off`: no workaround (about 40 ms per RPC and per request).
 */
export type AckPolicy = 'every-read' | 'syn-and-wndinc' | 'off';

export interface GoAwayInfo {
  readonly lastStreamId: number;
  readonly code: number;
  readonly message: string;
}

export interface MuxadoSessionHandlers {
  /** The agent opened a stream (SYN). */
  stream(stream: MuxadoStream): void;
  /** The session ended: transport closed, protocol error, GOAWAY, or close(). Called once. */
  closed(reason: string): void;
  /** The agent sent GOAWAY (the session closes right after). */
  goAway?(info: GoAwayInfo): void;
}

export interface MuxadoSessionOptions {
  readonly window?: number;
  readonly ackPolicy?: AckPolicy;
}

export class MuxadoSession {
  private readonly streams = new Map<number, MuxadoStream>();
  private readonly decoder = new FrameDecoder();
  private readonly window: number;
  private readonly ackPolicy: AckPolicy;
  private nextLocalId = 2;
  private lastRemoteId = 0;
  private wroteDuringRead = false;
  private isClosed = false;
  private sentGoAway = false;
  private readonly host: StreamHost;

  constructor(
    private readonly transport: Duplex,
    private readonly handlers: MuxadoSessionHandlers,
    options: MuxadoSessionOptions = {},
  ) {
    this.window = options.window ?? DEFAULT_WINDOW;
    this.ackPolicy = options.ackPolicy ?? 'every-read';
    const isAlive = () => !this.isClosed;
    this.host = {
      writeFrame: (frame) => this.writeFrame(frame),
      whenDrained: (callback) => this.transport.once('drain', callback),
      forget: (stream) => {
        if (this.streams.get(stream.id) === stream) this.streams.delete(stream.id);
      },
      get alive() {
        return isAlive();
      },
    };
    transport.on('data', (chunk: Buffer) => this.onData(chunk));
    transport.once('end', () => this.close('the agent closed the connection (EOF)'));
    transport.once('close', () => this.close('the connection closed'));
    transport.on('error', (error: Error) => this.close(`transport error: ${error.message}`));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /** Opens an edge-side (even id) stream. Its first DATA frame carries SYN. */
  openStream(): MuxadoStream {
    if (this.isClosed) throw new Error('muxado session is closed');
    if (this.sentGoAway) throw new Error('muxado session has sent GOAWAY');
    const id = this.nextLocalId;
    this.nextLocalId += 2;
    const stream = new MuxadoStream(this.host, id, { window: this.window, openedLocally: true });
    this.streams.set(id, stream);
    return stream;
  }

  /** Sends GOAWAY. The SDK treats it as the end of the session and reconnects. */
  goAway(code: number = ErrorCode.None, message = ''): void {
    if (this.isClosed) return;
    this.sentGoAway = true;
    this.writeFrame(goAwayFrame(this.lastRemoteId, code, message));
  }

  /** Ends the session: destroys every stream and the transport. */
  close(reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const stream of [...this.streams.values()]) stream.destroy();
    this.streams.clear();
    this.transport.destroy();
    this.handlers.closed(reason);
  }

  writeFrame(frame: Buffer): boolean {
    if (this.isClosed || this.transport.destroyed) return false;
    this.wroteDuringRead = true;
    return this.transport.write(frame);
  }

  private onData(chunk: Buffer): void {
    if (this.isClosed) return;
    this.wroteDuringRead = false;
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      const code = error instanceof FrameError ? error.code : ErrorCode.Protocol;
      this.writeFrame(goAwayFrame(this.lastRemoteId, code, 'invalid frame'));
      this.close(`protocol error from the agent: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    let lastStreamId = 0;
    for (const frame of frames) {
      if (this.isClosed) return;
      this.handleFrame(frame);
      if (frame.streamId !== 0) lastStreamId = frame.streamId;
    }
    if (this.ackPolicy === 'every-read' && !this.wroteDuringRead && lastStreamId !== 0) this.writeFrame(wndIncFrame(lastStreamId, 0));
  }

  private handleFrame(frame: Frame): void {
    const { type, flags, streamId, body } = frame;
    if (type === FrameType.GoAway) {
      const info = { lastStreamId: body.readUInt32BE(0), code: body.readUInt32BE(4), message: body.subarray(8).toString('utf8') };
      this.handlers.goAway?.(info);
      this.close(`the agent sent GOAWAY (code ${info.code}${info.message ? `: ${info.message}` : ''})`);
      return;
    }
    let stream = this.streams.get(streamId);
    if ((flags & Flag.Syn) !== 0) {
      if (stream || streamId % 2 === 0 || streamId <= this.lastRemoteId) {
        this.writeFrame(rstFrame(streamId, ErrorCode.Protocol));
        return;
      }
      this.lastRemoteId = streamId;
      if (this.sentGoAway) {
        this.writeFrame(rstFrame(streamId, ErrorCode.RemoteGoneAway));
        return;
      }
      stream = new MuxadoStream(this.host, streamId, { window: this.window, openedLocally: false });
      this.streams.set(streamId, stream);
      this.handlers.stream(stream);
      if (this.ackPolicy === 'syn-and-wndinc') this.writeFrame(wndIncFrame(streamId, 0));
    }
    switch (type) {
      case FrameType.Data:
        if (stream) stream.receiveData(body, flags);
        else if (body.length > 0) this.writeFrame(rstFrame(streamId, ErrorCode.StreamClosed)); // as the SDK does
        return;
      case FrameType.WndInc:
        stream?.receiveWndInc(body.readUInt32BE(0) & 0x7fffffff);
        if (this.ackPolicy === 'syn-and-wndinc') this.writeFrame(wndIncFrame(streamId, 0));
        return;
      case FrameType.Rst:
        stream?.receiveRst(body.readUInt32BE(0));
        return;
    }
  }
}
