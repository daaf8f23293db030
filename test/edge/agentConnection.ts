// One agent connection (TLS + muxado): dispatches the agent's typed streams (heartbeat, Auth,
// Bind, Unbind, labeled bind) to the edge, echoes heartbeats unless told to go silent, and reaps
// the connection when heartbeats stop arriving. The SDK's session.close() never closes its socket
// (muxado 0.5.3 fails to encode its GOAWAY), so heartbeat silence is the only sign it is gone.
import type { TLSSocket } from 'node:tls';
import { ErrorCode } from './muxadoFrame';
import { MuxadoSession } from './muxadoSession';
import type { AckPolicy } from './muxadoSession';
import type { MuxadoStream } from './muxadoStream';
import { StreamType } from './protocol';
import type { AuthRequest, CommandResponse, StopTunnelCommand } from './protocol';
import { sendCommand, sendStopTunnel, serveRpc } from './rpc';
import type { AgentCommand, RpcHandler } from './rpc';
import { StreamReader } from './streamReader';

/** What the edge does with the agent's RPCs; the answers are the JSON bodies to send back. */
export interface AgentRpcHandlers {
  auth(connection: AgentConnection, request: unknown): object | Promise<object>;
  bind(connection: AgentConnection, request: unknown): object | Promise<object>;
  unbind(connection: AgentConnection, request: unknown): object | Promise<object>;
  bindLabel(connection: AgentConnection, request: unknown): object | Promise<object>;
  closed(connection: AgentConnection, reason: string): void;
}

export interface AgentConnectionOptions {
  readonly connectionId: string;
  /** The TCP peer, "ip:port". */
  readonly remoteAddress: string;
  readonly ackPolicy: AckPolicy;
  /** Fixed reap timeout; when undefined, the Auth's HeartbeatInterval + HeartbeatTolerance. */
  readonly reapAfterMs: number | undefined;
  readonly silent: boolean;
  readonly commandTimeoutMs: number;
}

/** Used until Auth says otherwise: the SDK's defaults, 10 s interval + 15 s tolerance. */
const DEFAULT_REAP_MS = 25_000;

export class AgentConnection {
  readonly connectionId: string;
  readonly remoteAddress: string;
  readonly connectedAt = Date.now();
  /** The ClientId given in the AuthResp, once Auth succeeded. */
  sessionId: string | null = null;
  authRequest: AuthRequest | null = null;
  cookie = '';
  /** While true, heartbeat ids are swallowed instead of echoed. */
  silent: boolean;
  lastHeartbeatAt = Date.now();
  heartbeatsReceived = 0;
  closedReason: string | null = null;
  readonly tunnelIds = new Set<string>();
  private readonly session: MuxadoSession;
  private reapAfterMs: number;
  private reapTimer: NodeJS.Timeout;

  constructor(
    socket: TLSSocket,
    private readonly handlers: AgentRpcHandlers,
    private readonly options: AgentConnectionOptions,
  ) {
    this.connectionId = options.connectionId;
    this.remoteAddress = options.remoteAddress;
    this.silent = options.silent;
    this.reapAfterMs = options.reapAfterMs ?? DEFAULT_REAP_MS;
    socket.setNoDelay(true);
    this.session = new MuxadoSession(
      socket,
      {
        stream: (stream) => this.onStream(stream),
        closed: (reason) => this.onClosed(reason),
      },
      { ackPolicy: options.ackPolicy },
    );
    this.reapTimer = setTimeout(() => this.reap(), this.reapAfterMs);
    this.reapTimer.unref();
  }

  get closed(): boolean {
    return this.session.closed;
  }

  get heartbeatTimeoutMs(): number {
    return this.reapAfterMs;
  }

  /** Remembers the Auth and, unless the reap timeout is fixed, derives it from the heartbeat settings. */
  authenticated(sessionId: string, request: AuthRequest, cookie: string): void {
    this.sessionId = sessionId;
    this.authRequest = request;
    this.cookie = cookie;
    const { HeartbeatInterval: interval, HeartbeatTolerance: tolerance } = request.Extra;
    if (this.options.reapAfterMs === undefined && typeof interval === 'number' && typeof tolerance === 'number') {
      this.reapAfterMs = Math.max(100, Math.round((interval + tolerance) / 1e6));
      this.rearm();
    }
  }

  /** Opens an edge-side stream (proxy streams). */
  openStream(): MuxadoStream {
    return this.session.openStream();
  }

  command(command: AgentCommand): Promise<CommandResponse> {
    return sendCommand(this.session, command, this.options.commandTimeoutMs);
  }

  stopTunnel(command: StopTunnelCommand): void {
    sendStopTunnel(this.session, command);
  }

  /** Sends GOAWAY; the transport is closed `closeAfterMs` later (the agent reconnects at once). */
  goAway(code: number, message: string, closeAfterMs: number): void {
    this.session.goAway(code, message);
    setTimeout(() => this.close('closed after GOAWAY'), closeAfterMs).unref();
  }

  /** Drops the TCP connection without a word, as a network failure would. */
  close(reason: string): void {
    this.session.close(reason);
  }

  private rearm(): void {
    clearTimeout(this.reapTimer);
    const since = Date.now() - this.lastHeartbeatAt;
    this.reapTimer = setTimeout(() => this.reap(), Math.max(0, this.reapAfterMs - since));
    this.reapTimer.unref();
  }

  private reap(): void {
    if (this.closed) return;
    const silence = Date.now() - this.lastHeartbeatAt;
    if (silence < this.reapAfterMs) return this.rearm();
    this.close(`no heartbeat for ${silence} ms (limit ${this.reapAfterMs} ms): the agent is gone or called session.close()`);
  }

  private onClosed(reason: string): void {
    clearTimeout(this.reapTimer);
    this.closedReason = reason;
    this.handlers.closed(this, reason);
  }

  private onStream(stream: MuxadoStream): void {
    const reader = new StreamReader(stream);
    stream.on('error', () => undefined); // resets are reported through close; nothing to add
    void this.dispatch(stream, reader).catch(() => stream.reset(ErrorCode.Internal));
  }

  private async dispatch(stream: MuxadoStream, reader: StreamReader): Promise<void> {
    const prefix = await reader.readExactly(4);
    if (!prefix) return;
    const type = prefix.readUInt32BE(0);
    const rpc = (handler: (connection: AgentConnection, request: unknown) => object | Promise<object>): Promise<void> => {
      const bound: RpcHandler = (request) => handler(this, request);
      return serveRpc(stream, reader, bound);
    };
    switch (type) {
      case StreamType.Heartbeat:
        return this.echoHeartbeats(stream, reader);
      case StreamType.Auth:
        return rpc((c, r) => this.handlers.auth(c, r));
      case StreamType.Bind:
        return rpc((c, r) => this.handlers.bind(c, r));
      case StreamType.Unbind:
        return rpc((c, r) => this.handlers.unbind(c, r));
      case StreamType.StartTunnelWithLabel:
        return rpc((c, r) => this.handlers.bindLabel(c, r));
      default:
        stream.reset(ErrorCode.StreamRefused);
    }
  }

  private async echoHeartbeats(stream: MuxadoStream, reader: StreamReader): Promise<void> {
    for (;;) {
      const id = await reader.readExactly(4);
      if (!id) return;
      this.heartbeatsReceived++;
      this.lastHeartbeatAt = Date.now();
      if (!this.silent && !stream.destroyed) stream.write(id);
    }
  }
}
