// The agent-facing TLS port. Besides plain TLS termination it can pace the handshake to dodge a
// Nagle stall inside it: the SDK (rustls) writes its TLS 1.3 middlebox ChangeCipherSpec and its
// Finished in two writes, with Nagle on, so the Finished waits ~40 ms for our delayed ACK of the
// CCS. When pacing, the edge sends ServerHello (+CCS) at once but holds the encrypted rest of its
// first flight until the client's CCS arrives; that send then carries the ACK, and the client's
// Finished goes out immediately. The cost is a JS stream between TCP and TLS.
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createSecureContext, createServer as createTlsServer, TLSSocket } from 'node:tls';
import type { Server as TlsServer } from 'node:tls';

export interface AgentTlsListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly keyPem: string;
  readonly certPem: string;
  /** Hold the encrypted part of the server's first flight until the client speaks again. */
  readonly paceHandshake: boolean;
  /** A TLS session is up. `remote` is the TCP peer ("ip:port"). */
  onSecure(socket: TLSSocket, remote: string): void;
  onHandshakeError(message: string): void;
}

/** Give up holding after this long (a client that does not send a CCS first). */
const HOLD_LIMIT_MS = 20;
const TLS_APPLICATION_DATA = 0x17;

export class AgentTlsListener {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: NetServer | TlsServer,
    readonly port: number,
  ) {}

  static async start(options: AgentTlsListenerOptions): Promise<AgentTlsListener> {
    let listener: AgentTlsListener | null = null;
    const track = (socket: Socket) => {
      listener?.sockets.add(socket);
      socket.once('close', () => listener?.sockets.delete(socket));
    };
    let server: NetServer | TlsServer;
    if (options.paceHandshake) {
      const secureContext = createSecureContext({ key: options.keyPem, cert: options.certPem, minVersion: 'TLSv1.2' });
      server = createNetServer({ noDelay: true }, (tcp) => {
        track(tcp);
        const remote = `${tcp.remoteAddress ?? '?'}:${tcp.remotePort ?? 0}`;
        const tlsSocket = new TLSSocket(pacedTransport(tcp), { isServer: true, secureContext });
        tlsSocket.once('secure', () => options.onSecure(tlsSocket, remote));
        let secure = false;
        tlsSocket.once('secure', () => (secure = true));
        tlsSocket.on('error', (error: Error) => {
          if (!secure) options.onHandshakeError(error.message);
          tcp.destroy();
        });
      });
    } else {
      server = createTlsServer({ key: options.keyPem, cert: options.certPem, minVersion: 'TLSv1.2', noDelay: true }, (socket) => {
        options.onSecure(socket, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`);
      });
      server.on('connection', track);
      server.on('tlsClientError', (error: Error) => options.onHandshakeError(error.message));
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    listener = new AgentTlsListener(server, (server.address() as AddressInfo).port);
    return listener;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A Duplex over the TCP socket that paces the server's first flight (see the file comment). */
function pacedTransport(tcp: Socket): Duplex {
  let phase: 'first-flight' | 'holding' | 'open' = 'first-flight';
  let clientChunks = 0;
  let held: Buffer[] = [];
  const release = () => {
    if (phase !== 'holding') return;
    phase = 'open';
    if (!tcp.destroyed) tcp.write(Buffer.concat(held));
    held = [];
  };
  const transport = new Duplex({
    read: () => void tcp.resume(),
    write(chunk: Buffer, _encoding, callback) {
      if (phase === 'holding') {
        held.push(chunk);
        return callback();
      }
      if (phase === 'first-flight') {
        const split = firstRecordOfType(chunk, TLS_APPLICATION_DATA);
        if (split >= 0) {
          if (split > 0) tcp.write(chunk.subarray(0, split));
          held.push(chunk.subarray(split));
          phase = 'holding';
          setTimeout(release, HOLD_LIMIT_MS).unref();
          return callback();
        }
      }
      if (tcp.write(chunk)) callback();
      else tcp.once('drain', () => callback());
    },
    final(callback) {
      release();
      tcp.end();
      callback();
    },
    destroy(error, callback) {
      tcp.destroy();
      callback(error);
    },
  });
  tcp.on('data', (chunk: Buffer) => {
    // The client's CCS (or anything after its ClientHello) arrived: the held flight now carries its ACK.
    if (++clientChunks > 1 && phase === 'first-flight') phase = 'open';
    release();
    if (!transport.push(chunk)) tcp.pause();
  });
  tcp.once('end', () => transport.push(null));
  tcp.once('close', () => transport.destroy());
  tcp.on('error', (error) => transport.destroy(error));
  return transport;
}

/** Offset of the first complete-header TLS record of `type` in `chunk`, or -1. */
function firstRecordOfType(chunk: Buffer, type: number): number {
  let offset = 0;
  while (offset + 5 <= chunk.length) {
    if (chunk[offset] === type) return offset;
    offset += 5 + chunk.readUInt16BE(offset + 3);
  }
  return -1;
}
