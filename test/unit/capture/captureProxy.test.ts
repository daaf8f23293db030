import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync, gunzipSync } from 'node:zlib';
import type { IncomingMessage } from 'node:http';
import { CaptureProxy } from '../../../src/core/capture/captureProxy';
import type { Exchange } from '../../../src/core/capture/exchange';
import { headerValue } from '../../../src/core/capture/exchange';
import { parseUpstream } from '../../../src/core/config/upstream';
import { readAll, send, startServer } from '../../support/httpServers';
import type { RunningServer } from '../../support/httpServers';

interface Harness {
  readonly proxy: CaptureProxy;
  readonly recorded: Exchange[];
  /** Resolves once `count` exchanges have been recorded. */
  waitForRecords(count: number): Promise<Exchange[]>;
}

async function startProxy(upstreamOrigin: string, options: { maxBodyBytes?: number; upstreamTimeoutMs?: number } = {}): Promise<Harness> {
  const recorded: Exchange[] = [];
  const waiters: Array<() => void> = [];
  const proxy = await CaptureProxy.start({
    upstream: parseUpstream(upstreamOrigin),
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 10_000,
    onExchange: (exchange) => {
      recorded.push(exchange);
      for (const wake of waiters.splice(0)) wake();
    },
  });
  const waitForRecords = async (count: number): Promise<Exchange[]> => {
    while (recorded.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return recorded;
  };
  return { proxy, recorded, waitForRecords };
}

/** An upstream that answers with what it received, so tests can compare both sides byte for byte. */
function echoUpstream(seen: Array<{ method: string; url: string; rawHeaders: string[]; body: Buffer }>): Promise<RunningServer> {
  return startServer((req, res) => {
    void readAll(req).then((body) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body });
      res.writeHead(201, 'Made It', ['X-Echo-Sha256', createHash('sha256').update(body).digest('hex'), 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Content-Type', 'application/octet-stream']);
      res.end(body);
    });
  });
}

describe('CaptureProxy', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(options?: { maxBodyBytes?: number; upstreamTimeoutMs?: number }) {
    const seen: Array<{ method: string; url: string; rawHeaders: string[]; body: Buffer }> = [];
    const upstream = await echoUpstream(seen);
    const harness = await startProxy(upstream.origin, options);
    cleanups.push(() => upstream.close(), () => harness.proxy.close());
    return { seen, upstream, ...harness };
  }

  it('forwards method, path, query, raw header names, order and duplicates, and records the exchange', async () => {
    const { proxy, seen, waitForRecords } = await setup();
    const body = Buffer.from(JSON.stringify({ action: 'opened', number: 7 }));
    const rawHeaders = ['X-GitHub-Event', 'pull_request', 'content-type', 'application/json', 'X-Dup', 'one', 'x-dup', 'two', 'Content-Length', String(body.length)];
    const response = await send(`${proxy.url}/hooks/github?delivery=abc&x=%20y`, { method: 'PUT', rawHeaders, body });

    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.method, 'PUT');
    assert.equal(seen[0]!.url, '/hooks/github?delivery=abc&x=%20y');
    const forwardedNames = seen[0]!.rawHeaders.filter((_, i) => i % 2 === 0);
    assert.deepEqual(forwardedNames.filter((name) => name.toLowerCase() !== 'connection'), ['X-GitHub-Event', 'content-type', 'X-Dup', 'x-dup', 'Content-Length', 'Host']);
    assert.deepEqual(seen[0]!.body, body);
    assert.equal(response.status, 201);
    assert.deepEqual(response.headers['set-cookie'], ['a=1', 'b=2']);
    assert.deepEqual(response.body, body);

    const [exchange] = await waitForRecords(1);
    assert.equal(exchange!.request.method, 'PUT');
    assert.equal(exchange!.request.url, '/hooks/github?delivery=abc&x=%20y');
    assert.deepEqual(exchange!.request.rawHeaders.slice(0, 8), rawHeaders.slice(0, 8));
    assert.deepEqual(exchange!.request.body.bytes, body);
    assert.equal(exchange!.response?.statusCode, 201);
    assert.equal(exchange!.response?.statusMessage, 'Made It');
    assert.deepEqual(exchange!.response?.body.bytes, body);
    assert.equal(exchange!.clientAddress, '127.0.0.1');
    assert.ok(exchange!.timings.totalMs >= 0 && exchange!.timings.upstreamHeadersMs !== undefined);
    assert.ok(Math.abs(exchange!.startedAt - Date.now()) < 10_000);
    assert.equal(exchange!.error, undefined);
  });

  it('delivers 1,000 webhooks at concurrency 50 byte-exact and records each exactly once', async function () {
    this.timeout(60_000);
    const { proxy, seen, waitForRecords } = await setup();
    const bodies = Array.from({ length: 1000 }, (_, i) => Buffer.concat([Buffer.from(`{"delivery":${i},"pad":"`), randomBytes(200 + (i % 7) * 300), Buffer.from('"}')]));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const response = await send(`${proxy.url}/hook`, { rawHeaders: ['Content-Type', 'application/json', 'Content-Length', String(body.length)], body });
        assert.equal(response.status, 201);
        assert.deepEqual(response.body, body);
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    const recorded = await waitForRecords(1000);

    const digest = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
    const expected = new Set(bodies.map(digest));
    assert.equal(seen.length, 1000);
    assert.deepEqual(new Set(seen.map((s) => digest(s.body))), expected);
    assert.equal(recorded.length, 1000);
    assert.deepEqual(new Set(recorded.map((e) => digest(e.request.body.bytes))), expected);
    assert.equal(new Set(recorded.map((e) => e.id)).size, 1000);
    for (const exchange of recorded) assert.deepEqual(exchange.response?.body.bytes, exchange.request.body.bytes);
  });

  it('forwards a body larger than maxBodyBytes whole and records it truncated with its true size', async () => {
    const { proxy, seen, waitForRecords } = await setup({ maxBodyBytes: 1000 });
    const body = randomBytes(64 * 1024 + 17);
    const response = await send(`${proxy.url}/big`, { body: [body.subarray(0, 5000), body.subarray(5000)] });
    assert.deepEqual(seen[0]!.body, body);
    assert.deepEqual(response.body, body);
    const [exchange] = await waitForRecords(1);
    assert.equal(exchange!.request.body.truncated, true);
    assert.equal(exchange!.request.body.size, body.length);
    assert.deepEqual(exchange!.request.body.bytes, body.subarray(0, 1000));
    assert.equal(exchange!.response?.body.truncated, true);
    assert.equal(exchange!.response?.body.size, body.length);
  });

  it('passes binary, gzip and chunked bodies through unchanged in both directions', async () => {
    const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const gzipped = gzipSync(Buffer.from('{"zipped":true}'.repeat(50)));
    const upstream = await startServer((req, res) => {
      void readAll(req).then((body) => {
        res.writeHead(200, { 'Content-Encoding': 'gzip', 'X-Got-Te': req.headers['transfer-encoding'] ?? 'none', 'X-Got-Sha': createHash('sha256').update(body).digest('hex') });
        // No Content-Length: the response goes out chunked, in two writes.
        res.write(gzipped.subarray(0, 10));
        res.end(gzipped.subarray(10));
      });
    });
    const { proxy, waitForRecords } = await startProxy(upstream.origin);
    cleanups.push(() => upstream.close(), () => proxy.close());

    const binary = await send(`${proxy.url}/bin`, { rawHeaders: ['Content-Type', 'application/octet-stream', 'Content-Length', '256'], body: allBytes });
    assert.equal(binary.headers['x-got-sha'], createHash('sha256').update(allBytes).digest('hex'));
    const chunked = await send(`${proxy.url}/gz`, { rawHeaders: ['Content-Encoding', 'gzip', 'Transfer-Encoding', 'chunked'], body: [gzipped.subarray(0, 7), gzipped.subarray(7)] });
    assert.equal(chunked.headers['x-got-te'], 'chunked');
    assert.equal(chunked.headers['x-got-sha'], createHash('sha256').update(gzipped).digest('hex'));
    assert.equal(chunked.headers['transfer-encoding'], 'chunked');
    assert.deepEqual(chunked.body, gzipped, 'gzip response bytes must not be decoded or re-encoded');
    assert.match(gunzipSync(chunked.body).toString(), /zipped/);

    const [first, second] = await waitForRecords(2);
    assert.deepEqual(first!.request.body.bytes, allBytes);
    assert.deepEqual(second!.request.body.bytes, gzipped);
    assert.deepEqual(second!.response?.body.bytes, gzipped);
    assert.equal(headerValue(second!.response!.rawHeaders, 'content-encoding'), 'gzip');
  });

  it('passes a WebSocket upgrade through and records the handshake', async () => {
    const upstream = await startServer((_req, res) => res.end('not a websocket'));
    upstream.server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
      const key = req.headers['sec-websocket-key'] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      if (head.length) socket.write(head);
      socket.pipe(socket); // echo every frame back
    });
    const { proxy, waitForRecords } = await startProxy(upstream.origin);
    cleanups.push(() => upstream.close(), () => proxy.close());

    const key = randomBytes(16).toString('base64');
    const echoed = await new Promise<{ accept: string; data: Buffer }>((resolve, reject) => {
      const req = request(`${proxy.url}/socket`, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' } });
      req.once('error', reject);
      req.once('upgrade', (res, socket) => {
        // A masked text frame "hello" from the client.
        const mask = Buffer.from([1, 2, 3, 4]);
        const payload = Buffer.from('hello').map((byte, i) => byte ^ mask[i % 4]!);
        socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | 5]), mask, payload]));
        socket.once('data', (data: Buffer) => {
          socket.destroy();
          resolve({ accept: String(res.headers['sec-websocket-accept']), data });
        });
      });
      req.end();
    });
    assert.equal(echoed.accept, createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64'));
    assert.equal(echoed.data.length, 11);
    assert.equal(echoed.data[0], 0x81);
    const [exchange] = await waitForRecords(1);
    assert.equal(exchange!.upgrade, true);
    assert.equal(exchange!.response?.statusCode, 101);
    assert.equal(headerValue(exchange!.request.rawHeaders, 'upgrade'), 'websocket');
  });

  it('answers 502 with an explanation when the dev server is down, and still records the call', async () => {
    const gone = await startServer(() => undefined);
    await gone.close();
    const { proxy, waitForRecords } = await startProxy(gone.origin);
    cleanups.push(() => proxy.close());
    const body = Buffer.from('{"event":"ping"}');
    const response = await send(`${proxy.url}/hook`, { rawHeaders: ['Content-Type', 'application/json'], body });
    assert.equal(response.status, 502);
    const text = response.body.toString();
    assert.match(text, new RegExp(`could not reach the dev server at ${gone.origin.replace(/\./g, '\\.')}`));
    assert.match(text, /nothing is listening there/);
    assert.match(text, /webhookTunnel\.upstream/);
    const [exchange] = await waitForRecords(1);
    assert.equal(exchange!.error?.kind, 'upstreamUnreachable');
    assert.equal(exchange!.error?.code, 'ECONNREFUSED');
    assert.deepEqual(exchange!.request.body.bytes, body);
    assert.equal(exchange!.response?.statusCode, 502);
    assert.equal(exchange!.response?.synthetic, true);
  });

  it('answers 504 when the dev server hangs past the timeout, and records it', async () => {
    const upstream = await startServer(() => undefined); // never answers
    const { proxy, waitForRecords } = await startProxy(upstream.origin, { upstreamTimeoutMs: 150 });
    cleanups.push(() => upstream.close(), () => proxy.close());
    const response = await send(`${proxy.url}/slow`, { body: Buffer.from('x') });
    assert.equal(response.status, 504);
    assert.match(response.body.toString(), /did not answer within 0\.15 s/);
    assert.match(response.body.toString(), /upstreamTimeoutSeconds/);
    const [exchange] = await waitForRecords(1);
    assert.equal(exchange!.error?.kind, 'upstreamTimeout');
    assert.equal(exchange!.response?.statusCode, 504);
    assert.ok(exchange!.timings.totalMs >= 140);
  });

  it('records a dev server that drops the connection mid-response', async () => {
    const upstream = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const { proxy, waitForRecords } = await startProxy(upstream.origin);
    cleanups.push(() => upstream.close(), () => proxy.close());
    await assert.rejects(send(`${proxy.url}/drop`, { body: Buffer.from('x') }));
    const [exchange] = await waitForRecords(1);
    assert.equal(exchange!.error?.kind, 'upstreamAborted');
    assert.equal(exchange!.response?.statusCode, 200);
    assert.equal(exchange!.response?.body.bytes.toString(), 'partial');
  });

  it('forwards under the upstream base path and stops serving on close', async () => {
    const seen: Array<{ method: string; url: string; rawHeaders: string[]; body: Buffer }> = [];
    const upstream = await echoUpstream(seen);
    const { proxy } = await startProxy(`${upstream.origin}/api/`);
    cleanups.push(() => upstream.close());
    await send(`${proxy.url}/hooks?a=1`, { method: 'GET' });
    assert.equal(seen[0]!.url, '/api/hooks?a=1');
    await proxy.close();
    await proxy.close();
    await assert.rejects(send(`${proxy.url}/after`, { method: 'GET', agent: false }), /ECONNREFUSED/);
  });
});
