import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname } from 'node:path';
import type { AddressInfo, Server, Socket } from 'node:net';
import { CaptureProxy } from '../../../src/core/capture/captureProxy';
import type { Exchange } from '../../../src/core/capture/exchange';
import { parseUpstream } from '../../../src/core/config/upstream';

/**
 * The capture proxy at the byte level: a scripted raw upstream and a raw client, for what an HTTP client
 * library would hide (pipelining, interim responses, bodies framed by the close, half-closes, bad bytes).
 */

interface RawUpstream {
  readonly origin: string;
  /** Every byte each upstream connection received, by connection. */
  readonly received: Buffer[][];
  readonly sockets: Socket[];
  close(): Promise<void>;
}

/** `answer` sees the bytes received so far on a connection and writes what it likes. */
async function rawUpstream(answer: (socket: Socket, received: Buffer, connection: number) => void): Promise<RawUpstream> {
  const received: Buffer[][] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    const index = received.length;
    const chunks: Buffer[] = [];
    received.push(chunks);
    sockets.push(socket);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      answer(socket, Buffer.concat(chunks), index);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A raw client: sends bytes, collects everything until the proxy closes or `until` is satisfied. */
function rawExchange(target: number | string, parts: Array<string | Buffer>, until: (text: string) => boolean, options: { halfClose?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = typeof target === 'number' ? connect(target, '127.0.0.1') : connect(target);
    let text = '';
    const done = (): void => {
      socket.destroy();
      resolve(text);
    };
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (until(text)) done();
    });
    socket.once('end', done);
    socket.once('error', reject);
    socket.once('connect', () => {
      for (const part of parts) socket.write(part);
      if (options.halfClose) socket.end();
    });
  });
}

const count = (text: string, what: string): number => text.split(what).length - 1;

describe('CaptureProxy at the byte level', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function proxyFor(origin: string): Promise<{ proxy: CaptureProxy; recorded: Exchange[]; records(n: number): Promise<Exchange[]> }> {
    const recorded: Exchange[] = [];
    const proxy = await CaptureProxy.start({ upstream: parseUpstream(origin), maxBodyBytes: 1 << 20, upstreamTimeoutMs: 5_000, onExchange: (exchange) => recorded.push(exchange) });
    cleanups.push(() => proxy.close());
    const records = async (n: number): Promise<Exchange[]> => {
      for (let i = 0; i < 200 && recorded.length < n; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(recorded.length, n, `expected ${n} recorded exchanges`);
      return recorded;
    };
    return { proxy, recorded, records };
  }

  it('passes request heads through byte for byte, odd spacing and case included, even when they arrive a byte at a time', async () => {
    const upstream = await rawUpstream((socket, received) => {
      if (received.includes('\r\n\r\nhi')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    cleanups.push(() => upstream.close());
    const { proxy, records } = await proxyFor(upstream.origin);
    const request = 'POST /x?q=%20 HTTP/1.1\r\nhost: a\r\nX-Odd:   spaced  \r\nx-odd: again\r\ncontent-length: 2\r\n\r\nhi';
    const answer = await rawExchange(proxy.port, [...Buffer.from(request)].map((byte) => Buffer.from([byte])), (text) => text.endsWith('ok'));
    assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/);
    assert.equal(Buffer.concat(upstream.received[0]!).toString('latin1'), request);
    const [exchange] = await records(1);
    assert.deepEqual(exchange!.request.rawHeaders, ['host', 'a', 'X-Odd', 'spaced', 'x-odd', 'again', 'content-length', '2']);
    assert.equal(exchange!.request.body.bytes.toString(), 'hi');
  });

  it('answers pipelined requests in order and records each once', async () => {
    const upstream = await rawUpstream((socket, received) => {
      const requests = count(received.toString(), 'HTTP/1.1\r\n');
      if (requests === 3) for (const name of ['one', 'two', 'three']) socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${name.length}\r\n\r\n${name}`);
    });
    cleanups.push(() => upstream.close());
    const { proxy, records } = await proxyFor(upstream.origin);
    const request = (path: string): string => `POST ${path} HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n${path.slice(1)}`;
    const answer = await rawExchange(proxy.port, [request('/1') + request('/2') + request('/3')], (text) => text.endsWith('three'));
    assert.equal(count(answer, 'HTTP/1.1 200 OK'), 3);
    const recorded = await records(3);
    assert.deepEqual(recorded.map((exchange) => `${exchange.request.url} ${exchange.request.body.bytes} → ${exchange.response?.body.bytes}`), ['/1 1 → one', '/2 2 → two', '/3 3 → three']);
  });

  it('relays the dev server’s 100 Continue, and bodiless answers to HEAD, 204 and 304 on one connection', async () => {
    const upstream = await rawUpstream((socket, received) => {
      const text = received.toString();
      if (text.endsWith('100-continue\r\n\r\n')) socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      if (text.endsWith('\r\n\r\npayload')) socket.write('HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone');
      if (text.endsWith('HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n');
      if (text.endsWith('GET /204 HTTP/1.1\r\nHost: a\r\n\r\n')) socket.write('HTTP/1.1 204 No Content\r\n\r\n');
      if (text.endsWith('GET /304 HTTP/1.1\r\nHost: a\r\n\r\n')) socket.write('HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n');
    });
    cleanups.push(() => upstream.close());
    const { proxy, records } = await proxyFor(upstream.origin);
    const socket = connect(proxy.port, '127.0.0.1');
    cleanups.push(async () => void socket.destroy());
    let text = '';
    const waitFor = (what: string): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (text.includes(what)) {
            socket.off('data', onData);
            resolve();
          }
        };
        const onData = (chunk: Buffer): void => {
          text += chunk.toString('latin1');
          check();
        };
        socket.on('data', onData);
        check();
      });
    socket.write('POST /c HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\nExpect: 100-continue\r\n\r\n');
    await waitFor('100 Continue');
    socket.write('payload');
    await waitFor('done');
    socket.write('HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n');
    await waitFor('1234\r\n\r\n');
    socket.write('GET /204 HTTP/1.1\r\nHost: a\r\n\r\n');
    await waitFor('204 No Content');
    socket.write('GET /304 HTTP/1.1\r\nHost: a\r\n\r\n');
    await waitFor('304 Not Modified');
    const recorded = await records(4);
    assert.deepEqual(recorded.map((exchange) => `${exchange.request.method} ${exchange.response?.statusCode}`), ['POST 201', 'HEAD 200', 'GET 204', 'GET 304']);
    assert.equal(recorded[0]!.request.body.bytes.toString(), 'payload');
    assert.equal(upstream.received.length, 1, 'one dev-server connection carried them all');
  });

  it('relays a response framed by the close, then closes the sender’s connection', async () => {
    const upstream = await rawUpstream((socket, received) => {
      if (received.toString().endsWith('\r\n\r\n')) socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nno length, just the close');
    });
    cleanups.push(() => upstream.close());
    const { proxy, records } = await proxyFor(upstream.origin);
    const answer = await rawExchange(proxy.port, ['GET /stream HTTP/1.1\r\nHost: a\r\n\r\n'], () => false);
    assert.match(answer, /\r\n\r\nno length, just the close$/);
    const [exchange] = await records(1);
    assert.equal(exchange!.response?.body.bytes.toString(), 'no length, just the close');
    assert.equal(exchange!.error, undefined);
  });

  it('reconnects when the dev server closed the kept-alive connection between two calls', async () => {
    const upstream = await rawUpstream((socket, received) => {
      if (received.toString().endsWith('\r\n\r\n')) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
    });
    cleanups.push(() => upstream.close());
    const { proxy, records } = await proxyFor(upstream.origin);
    const socket = connect(proxy.port, '127.0.0.1');
    cleanups.push(async () => void socket.destroy());
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.write('GET /1 HTTP/1.1\r\nHost: a\r\n\r\n');
    await records(1);
    // The dev server has closed its side by now; the sender's connection stays usable.
    await new Promise((resolve) => setTimeout(resolve, 30));
    socket.write('GET /2 HTTP/1.1\r\nHost: a\r\n\r\n');
    const recorded = await records(2);
    assert.equal(count(text, '200 OK'), 2);
    assert.equal(upstream.received.length, 2);
    assert.deepEqual(recorded.map((exchange) => exchange.error), [undefined, undefined]);
  });

  it('still answers a sender that half-closes after its request', async () => {
    const upstream = await rawUpstream((socket, received) => {
      if (received.toString().endsWith('\r\n\r\nbody')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nthere');
    });
    cleanups.push(() => upstream.close());
    const { proxy, records } = await proxyFor(upstream.origin);
    const answer = await rawExchange(proxy.port, ['POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody'], () => false, { halfClose: true });
    assert.match(answer, /\r\n\r\nthere$/);
    assert.equal((await records(1))[0]!.error, undefined);
  });

  it('refuses bytes that are not HTTP/1.1, and CONNECT, with a reason, never bothering the dev server', async () => {
    const upstream = await rawUpstream(() => undefined);
    cleanups.push(() => upstream.close());
    const { proxy, recorded } = await proxyFor(upstream.origin);
    const garbage = await rawExchange(proxy.port, ['HELLO THERE\r\n\r\n'], () => false);
    assert.match(garbage, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(garbage, /request line "HELLO THERE" is not HTTP\/1\.x/);
    const tunnel = await rawExchange(proxy.port, ['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'], () => false);
    assert.match(tunnel, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    assert.equal(upstream.received.length, 0);
    assert.equal(recorded.length, 0);
  });

  it('answers 502 for a dev server that answers with something other than HTTP, and records why', async () => {
    const upstream = await rawUpstream((socket, received) => {
      if (received.toString().endsWith('\r\n\r\n')) socket.write('SSH-2.0-OpenSSH\r\n\r\n');
    });
    cleanups.push(() => upstream.close());
    const { proxy, records } = await proxyFor(upstream.origin);
    const answer = await rawExchange(proxy.port, ['GET / HTTP/1.1\r\nHost: a\r\n\r\n'], (text) => text.includes('not valid HTTP'));
    assert.match(answer, /^HTTP\/1\.1 502 Bad Gateway\r\n/);
    const [exchange] = await records(1);
    assert.equal(exchange!.response?.synthetic, true);
    assert.match(exchange!.error?.message ?? '', /not valid HTTP\/1\.1: the status line "SSH-2\.0-OpenSSH" is not HTTP\/1\.x/);
  });

  it('opens a Unix socket only this user can reach for the tunnel, and records its calls from X-Forwarded-For', async function () {
    if (process.platform === 'win32') this.skip();
    const upstream = await rawUpstream((socket, received) => {
      if (received.toString().endsWith('\r\n\r\n')) socket.write('HTTP/1.1 204 No Content\r\n\r\n');
    });
    cleanups.push(() => upstream.close());
    const { proxy, records } = await proxyFor(upstream.origin);
    const path = await proxy.tunnelAddress();
    assert.equal(await proxy.tunnelAddress(), path, 'one socket per proxy');
    assert.equal(statSync(dirname(path)).mode & 0o077, 0, 'the folder is private to the user');
    const answer = await rawExchange(path, ['POST /hook HTTP/1.1\r\nHost: x.ngrok.app\r\nX-Forwarded-For: 203.0.113.9, 10.0.0.1\r\nContent-Length: 0\r\n\r\n'], (text) => text.includes('\r\n\r\n'));
    assert.match(answer, /^HTTP\/1\.1 204 No Content/);
    const local = await rawExchange(proxy.port, ['GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 198.51.100.1\r\n\r\n'], (text) => text.includes('\r\n\r\n'));
    assert.match(local, /^HTTP\/1\.1 204/);
    const [viaTunnel, viaLoopback] = await records(2);
    assert.equal(viaTunnel!.clientAddress, '203.0.113.9');
    assert.equal(viaLoopback!.clientAddress, '127.0.0.1', 'a local sender cannot claim another address');
    await proxy.close();
    assert.throws(() => statSync(dirname(path)), /ENOENT/, 'closing removes the socket and its folder');
  });
});
