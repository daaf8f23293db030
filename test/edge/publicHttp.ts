// The edge's public side: plain HTTP on a local port, routed by Host (`<name>.localhost:PORT`).
// Each public TCP connection becomes one proxy stream to the agent (keep-alive requests share it);
// unknown hosts get ngrok's ERR_NGROK_3200 page. Every request head is first put to the route's
// admission check (the tunnel's traffic policy): a refused first request is answered at once; a
// refused later one on a keep-alive connection is answered after the agent has finished the
// requests before it (the edge half-closes the proxy stream and appends its page), then the
// connection closes.
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { agentGone, badRequest, endpointOffline, renderErrorPage } from './errorPages';
import type { EdgeErrorPage } from './errorPages';
import { headerValues, HttpRequestStream, insertHeaders } from './httpRequestStream';
import type { RequestHead } from './httpRequestStream';
import type { MuxadoStream } from './muxadoStream';
import { clientAddr, clientIp, proxyPreamble } from './proxyStream';

export interface PublicRoute {
  readonly tunnelId: string;
  /** "https" or "http": the tunnel's Proto, used for X-Forwarded-Proto and the proxy header. */
  readonly proto: string;
  openStream(): MuxadoStream;
  /** Called for every request head on the connection; a page refuses that request (and ends the connection). */
  admit?(request: AdmissionRequest): EdgeErrorPage | null;
}

export interface AdmissionRequest {
  /** The TCP peer of the public port (IPv4-mapped addresses unwrapped), as in X-Forwarded-For. */
  readonly clientIp: string;
  readonly head: RequestHead;
}

export interface PublicHttpOptions {
  readonly host: string;
  readonly port: number;
  /** Add X-Forwarded-For / -Host / -Proto to every request head, as ngrok does. */
  readonly forwardedHeaders: boolean;
  route(host: string): PublicRoute | null;
}

/** How long a refused connection may keep sending before we hang up. */
const LINGER_MS = 2000;

export class PublicHttpServer {
  private constructor(
    private readonly servers: readonly Server[],
    private readonly sockets: Set<Socket>,
    readonly port: number,
  ) {}

  static async start(options: PublicHttpOptions): Promise<PublicHttpServer> {
    const sockets = new Set<Socket>();
    const make = () =>
      createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        handleConnection(socket, options);
      });
    const main = make();
    await listen(main, options.port, options.host);
    const port = (main.address() as AddressInfo).port;
    const servers = [main];
    if (options.host === '127.0.0.1') {
      // Browsers and curl try ::1 first for *.localhost; answer there too when we can.
      const v6 = make();
      if (await listen(v6, port, '::1').then(() => true, () => false)) servers.push(v6);
    }
    return new PublicHttpServer(servers, sockets, port);
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The host a request is for: its single Host header, or the authority of an absolute-form target. */
function requestHost(head: RequestHead): string | EdgeErrorPage {
  if (/^https?:\/\//i.test(head.target)) return new URL(head.target).host;
  const hosts = headerValues(head, 'host');
  if (hosts.length !== 1 || hosts[0] === '') return badRequest(hosts.length === 0 ? 'The request has no Host header, so the edge cannot tell which tunnel it is for.' : 'The request has more than one Host header.');
  return hosts[0] ?? '';
}

function handleConnection(socket: Socket, options: PublicHttpOptions): void {
  const ip = clientIp(socket.remoteAddress);
  let route: PublicRoute | null = null;
  let refusal: EdgeErrorPage | null = null;
  let proto = 'https';
  let admitted = 0; // request heads let through to the agent
  const requests = new HttpRequestStream((head) => {
    if (!route && !refusal) {
      const host = requestHost(head);
      if (typeof host !== 'string') refusal = host;
      else {
        route = options.route(host);
        if (!route) refusal = endpointOffline(host.replace(/:\d+$/, ''));
        else proto = route.proto;
      }
    }
    if (refusal) return null;
    const denied = (route as PublicRoute | null)?.admit?.({ clientIp: ip, head }) ?? null;
    if (denied) {
      refusal = denied;
      return null;
    }
    admitted++;
    if (!options.forwardedHeaders) return head.raw;
    const host = headerValues(head, 'host')[0] ?? '';
    return insertHeaders(head.raw, [
      ['X-Forwarded-For', ip],
      ...(host !== '' ? [['X-Forwarded-Host', host] as const] : []),
      ['X-Forwarded-Proto', proto === 'http' ? 'http' : 'https'],
    ]);
  });

  let stream: MuxadoStream | null = null;
  let held: Buffer[] = []; // bytes before the first head completed (blank lines)
  const refuse = (page: EdgeErrorPage) => {
    socket.off('data', onClientData);
    socket.end(renderErrorPage(page));
    socket.resume(); // read and drop the rest of what the client sends, then hang up
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };

  /** A later request was refused: forward nothing more, let the agent finish, then answer it (see relay). */
  const stopForwarding = (opened: MuxadoStream) => {
    socket.off('data', onClientData);
    socket.resume(); // drop whatever else the client sends
    if (!opened.destroyed && !opened.writableEnded) opened.end();
  };

  const onClientData = (chunk: Buffer) => {
    const out = requests.push(chunk);
    if (stream) {
      if (out.length > 0 && !stream.write(out)) socket.pause();
      if (requests.halted) stopForwarding(stream);
      return;
    }
    if (refusal && admitted === 0) return refuse(refusal);
    if (requests.requests === 0) {
      if (requests.raw) return refuse(badRequest('The request head is not valid HTTP/1.x or is larger than 64 KiB.'));
      held.push(out);
      return;
    }
    const current = route as PublicRoute | null;
    if (!current) return refuse(badRequest('No route.'));
    let opened: MuxadoStream;
    try {
      opened = current.openStream();
    } catch {
      return refuse(agentGone(current.tunnelId));
    }
    stream = opened;
    const preamble = proxyPreamble({ Id: current.tunnelId, ClientAddr: clientAddr(socket.remoteAddress, socket.remotePort), Proto: current.proto, EdgeType: '', PassthroughTLS: false });
    const first = Buffer.concat([preamble, ...held, out]);
    held = [];
    if (!opened.write(first)) socket.pause();
    relay(socket, opened, requests, () => refusal);
    if (requests.halted) stopForwarding(opened);
  };
  socket.on('data', onClientData);
  socket.on('error', () => undefined);
  socket.once('end', () => {
    if (!stream && !socket.destroyed) socket.end();
  });
}

/**
 * Copies bytes both ways with backpressure; FIN ↔ end; an abrupt close on one side closes the other.
 * `refused()` is the page for a later request the edge did not forward: it follows the agent's answers.
 */
function relay(socket: Socket, stream: MuxadoStream, requests: HttpRequestStream, refused: () => EdgeErrorPage | null): void {
  let responseBytes = 0;
  let streamEnded = false;
  stream.on('error', () => undefined);
  stream.on('drain', () => socket.resume());
  stream.on('data', (chunk: Buffer) => {
    responseBytes += chunk.length;
    if (!socket.write(chunk)) stream.pause();
  });
  socket.on('drain', () => stream.resume());
  stream.once('end', () => {
    streamEnded = true;
    const page = requests.halted ? refused() : null;
    if (responseBytes === 0 && socket.writable) socket.end(renderErrorPage(agentGone('this tunnel')));
    else if (page && socket.writable) socket.end(renderErrorPage(page));
    else socket.end();
  });
  stream.once('close', () => {
    if (streamEnded) return;
    if (responseBytes === 0 && socket.writable) socket.end(renderErrorPage(agentGone('this tunnel')));
    else socket.destroy();
  });
  socket.once('end', () => {
    if (!stream.destroyed && !stream.writableEnded) stream.end(requests.flush());
  });
  socket.once('close', () => {
    if (!stream.destroyed && !(stream.writableFinished && streamEnded)) stream.destroy();
  });
}
