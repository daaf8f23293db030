import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import type { Upstream } from '../config/upstream';
import { CaptureConnection } from './captureConnection';
import type { ConnectionContext } from './captureConnection';
import type { Exchange } from './exchange';

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

/**
 * The in-process HTTP proxy between the tunnel (or a local sender) and the dev server, recording every call.
 * Each sender connection is pinned to a dev-server connection of its own and bytes pass through verbatim
 * (see CaptureConnection): no HTTP object model is built per call, which is what keeps recording cheaper
 * than a plain Node http proxy that records nothing.
 */
export class CaptureProxy {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly connections: Set<CaptureConnection>,
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
    const context: ConnectionContext = {
      upstream: options.upstream,
      maxBodyBytes: options.maxBodyBytes,
      upstreamTimeoutMs: options.upstreamTimeoutMs,
      record: options.onExchange,
      replayToken: randomBytes(16).toString('hex'),
    };
    const connections = new Set<CaptureConnection>();
    // Half-open: a sender may send its request and FIN (the tunnel relays a public client's half-close), and still read the answer.
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      const connection = new CaptureConnection(context, socket, () => connections.delete(connection));
      connections.add(connection);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (cause: NodeJS.ErrnoException) => {
        const why = cause.code === 'EADDRINUSE' ? `port ${options.port} is already in use; pick another in "webhookTunnel.capture.port" or use 0 for any free port` : cause.message;
        reject(new CaptureProxyError(`The capture proxy could not listen on ${host}:${options.port ?? 0}: ${why}.`, cause.code));
      });
      server.listen(options.port ?? 0, host, () => resolve());
    });
    return new CaptureProxy(server, connections, host, (server.address() as AddressInfo).port, context.replayToken);
  }

  /** Stops accepting calls and cuts the open ones, so Stop Tunnel is immediate. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const connection of this.connections) connection.destroy();
    });
    return this.closing;
  }
}
