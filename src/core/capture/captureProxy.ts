import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent, createServer } from 'node:http';
import type { Server } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Upstream } from '../config/upstream';
import type { Exchange } from './exchange';
import type { ForwardContext } from './forwardRequest';
import { forwardRequest } from './forwardRequest';
import { forwardUpgrade } from './forwardUpgrade';

export interface CaptureProxyOptions {
  readonly upstream: Upstream;
  /** Interface to listen on; loopback by default so only this machine (and the tunnel) can reach it. */
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly maxBodyBytes: number;
  readonly upstreamTimeoutMs: number;
  /** Called once per completed exchange, after the sender has its response. */
  readonly onExchange: (exchange: Exchange) => void;
}

export class CaptureProxyError extends Error {
  override readonly name = 'CaptureProxyError';
  constructor(message: string, readonly code: string | undefined) {
    super(message);
  }
}

/** The in-process HTTP proxy between the tunnel (or a local sender) and the dev server, recording every call. */
export class CaptureProxy {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly agent: HttpAgent,
    /** Spliced WebSocket connections: the server no longer tracks them, so close() must. */
    private readonly upgradedSockets: Set<Duplex>,
    readonly host: string,
    readonly port: number,
    /** What replays put in their marker header; only code in this process knows it. */
    readonly replayToken: string,
  ) {}

  /** `http://127.0.0.1:PORT`: the address local senders (and the tunnel listener) forward to. */
  get url(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  static async start(options: CaptureProxyOptions): Promise<CaptureProxy> {
    const host = options.host ?? '127.0.0.1';
    const agentOptions = { keepAlive: true, maxFreeSockets: 64, scheduling: 'lifo' as const };
    const agent = options.upstream.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    const context: ForwardContext = {
      upstream: options.upstream,
      agent,
      maxBodyBytes: options.maxBodyBytes,
      upstreamTimeoutMs: options.upstreamTimeoutMs,
      record: options.onExchange,
      replayToken: randomBytes(16).toString('hex'),
    };
    const server = createServer({ keepAlive: true });
    // Webhook senders may stream large bodies slowly; the upstream timeout is what bounds a stuck call.
    server.requestTimeout = 0;
    server.on('request', (req, res) => forwardRequest(context, req, res));
    const upgradedSockets = new Set<Duplex>();
    const track = (socket: Duplex): void => {
      upgradedSockets.add(socket);
      socket.once('close', () => upgradedSockets.delete(socket));
    };
    server.on('upgrade', (req, socket: Duplex, head: Buffer) => forwardUpgrade(context, req, socket, head, track));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (cause: NodeJS.ErrnoException) => {
        const why = cause.code === 'EADDRINUSE' ? `port ${options.port} is already in use; pick another in "webhookTunnel.capture.port" or use 0 for any free port` : cause.message;
        reject(new CaptureProxyError(`The capture proxy could not listen on ${host}:${options.port ?? 0}: ${why}.`, cause.code));
      });
      server.listen(options.port ?? 0, host, () => resolve());
    });
    return new CaptureProxy(server, agent, upgradedSockets, host, (server.address() as AddressInfo).port, context.replayToken);
  }

  /** Stops accepting calls and cuts the open ones, so Stop Tunnel is immediate. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      for (const socket of this.upgradedSockets) socket.destroy();
      this.agent.destroy();
    });
    return this.closing;
  }
}
