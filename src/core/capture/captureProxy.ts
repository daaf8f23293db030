import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  private tunnelDoor: Promise<{ readonly server: Server; readonly dir: string; readonly path: string }> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly connections: Set<CaptureConnection>,
    private readonly accept: (via: 'local' | 'tunnel') => (socket: Socket) => void,
    readonly host: string,
    readonly port: number,
    /** What replays put in their marker header; only code in this process knows it. */
    readonly replayToken: string,
  ) {}

  /** `http://127.0.0.1:PORT`: the address local senders send to. */
  get url(): string {
    return `http://${this.hostAndPort}`;
  }

  /** `127.0.0.1:PORT`, brackets around an IPv6 host. */
  private get hostAndPort(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
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
    const accept =
      (via: 'local' | 'tunnel') =>
      (socket: Socket): void => {
        const connection = new CaptureConnection(context, socket, via, () => connections.delete(connection));
        connections.add(connection);
      };
    // Half-open: a sender may send its request and FIN (the tunnel relays a public client's half-close), and still read the answer.
    const server = createServer({ allowHalfOpen: true }, accept('local'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (cause: NodeJS.ErrnoException) => {
        const why = cause.code === 'EADDRINUSE' ? `port ${options.port} is already in use; pick another in "webhookTunnel.capture.port" or use 0 for any free port` : cause.message;
        reject(new CaptureProxyError(`The capture proxy could not listen on ${host}:${options.port ?? 0}: ${why}.`, cause.code));
      });
      server.listen(options.port ?? 0, host, () => resolve());
    });
    return new CaptureProxy(server, connections, accept, host, (server.address() as AddressInfo).port, context.replayToken);
  }

  /**
   * Where the ngrok listener forwards to. On Linux and macOS, a Unix socket in a folder only this user can
   * enter: a local hop through it costs the SDK and this process less than TCP loopback, and no other local
   * process can pass its calls off as the tunnel's (whose sender address comes from X-Forwarded-For).
   * On Windows, and if the socket cannot be made, the proxy's TCP address.
   */
  async tunnelAddress(): Promise<string> {
    if (process.platform === 'win32') return this.hostAndPort;
    this.tunnelDoor ??= (async () => {
      const dir = await mkdtemp(join(tmpdir(), 'webhook-tunnel-'));
      const path = join(dir, 'tunnel.sock');
      const server = createServer({ allowHalfOpen: true }, this.accept('tunnel'));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(path, () => resolve());
        });
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
      return { server, dir, path };
    })();
    try {
      return (await this.tunnelDoor).path;
    } catch {
      this.tunnelDoor = undefined;
      return this.hostAndPort;
    }
  }

  /** Stops accepting calls and cuts the open ones, so Stop Tunnel is immediate. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const door = await this.tunnelDoor?.catch(() => undefined);
      const closed = [this.server, ...(door ? [door.server] : [])].map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      for (const connection of this.connections) connection.destroy();
      await Promise.all(closed);
      if (door) await rm(door.dir, { recursive: true, force: true });
    })();
    return this.closing;
  }
}
