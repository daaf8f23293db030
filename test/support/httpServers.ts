import { createServer, request } from 'node:http';
import type { IncomingMessage, RequestListener, Server, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly origin: string;
  close(): Promise<void>;
}

/** A real HTTP server on an ephemeral loopback port. */
export async function startServer(handler: RequestListener): Promise<RunningServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

export interface ClientResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: Buffer;
}

/** Sends one request with raw headers (order and case kept) and an optional body, possibly in several chunks. */
export function send(url: string, options: { method?: string; rawHeaders?: string[]; body?: Buffer | Buffer[]; agent?: false }): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    // Node adds no Host header when headers are given as a raw array, so add it as a client would.
    const rawHeaders = [...(options.rawHeaders ?? [])];
    if (!rawHeaders.some((name, i) => i % 2 === 0 && name.toLowerCase() === 'host')) rawHeaders.push('Host', new URL(url).host);
    const req = request(url, { method: options.method ?? 'POST', headers: rawHeaders, agent: options.agent });
    req.once('error', reject);
    req.once('response', (res) => {
      readAll(res).then((body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body }), reject);
    });
    const parts = options.body === undefined ? [] : Array.isArray(options.body) ? options.body : [options.body];
    for (const part of parts) req.write(part);
    req.end();
  });
}
