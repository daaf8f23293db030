// The local edge driven by the REAL @ngrok/ngrok SDK: requests through the tunnel, refusals,
// recorded RPCs, reconnects, heartbeat silence, Unbind, StopTunnel, commands, reaping.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { LocalEdge } from '../../edge/localEdge';
import { Cleanup, closeSession, forward, publicRequest, sessionBuilder, startUpstream, waitForOnline, waitUntil } from './sdkHarness';
import { readAll } from '../../support/httpServers';
import type { ngrok, Upstream } from './sdkHarness';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: string[];
  readonly body: Buffer;
}

describe('local edge with the real @ngrok/ngrok SDK', function () {
  this.timeout(15_000);
  let cleanup: Cleanup;
  let edge: LocalEdge;
  let upstream: Upstream;
  let seen: Seen[];

  beforeEach(async () => {
    cleanup = new Cleanup();
    seen = [];
    edge = await LocalEdge.start();
    cleanup.add(() => edge.close());
    upstream = await startUpstream((req, res) => {
      void readAll(req).then((body) => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body });
        if (req.url === '/echo') {
          res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
          res.end(body);
        } else {
          res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Upstream': 'yes' });
          res.end(`got ${req.method} ${req.url} ${body.length}`);
        }
      });
    });
    cleanup.add(() => upstream.close());
  });

  afterEach(() => cleanup.run());

  async function online(options: Parameters<typeof sessionBuilder>[1] = {}, configure?: (b: ngrok.HttpListenerBuilder) => ngrok.HttpListenerBuilder) {
    const session = await sessionBuilder(edge, options).connect();
    closeSession(cleanup, session);
    const builder = session.httpEndpoint();
    const listener = await (configure ? configure(builder) : builder).listen(false);
    const forwarding = forward(listener, upstream.port);
    const url = listener.url() ?? '';
    return { session, listener, forwarding, url, publicUrl: edge.publicUrl(url) };
  }

  it('carries a POST to the upstream with headers and body intact and brings the response back', async () => {
    const { url, publicUrl } = await online();
    assert.match(url, /^https:\/\/[a-f0-9]{10}\.localhost$/);
    assert.equal(publicUrl, `http://${new URL(url).hostname}:${edge.publicPort}`);

    const body = Buffer.from('{"event":"push","ünïcode":true}');
    const response = await publicRequest(`${publicUrl}/hooks/github?x=1`, {
      method: 'POST',
      rawHeaders: ['X-GitHub-Event', 'push', 'content-type', 'application/json', 'X-Hub-Signature-256', 'sha256=abc', 'Content-Length', String(body.length)],
      body,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers['x-upstream'], 'yes');
    assert.equal(response.body.toString(), `got POST /hooks/github?x=1 ${body.length}`);

    const [request] = seen;
    assert.ok(request);
    assert.equal(request.url, '/hooks/github?x=1');
    assert.deepEqual(request.body, body);
    const host = new URL(publicUrl).host;
    assert.deepEqual(request.rawHeaders, [
      'Host', host,
      'X-GitHub-Event', 'push',
      'content-type', 'application/json',
      'X-Hub-Signature-256', 'sha256=abc',
      'Content-Length', String(body.length),
      'Connection', 'close',
      'X-Forwarded-For', '127.0.0.1',
      'X-Forwarded-Host', host,
      'X-Forwarded-Proto', 'https',
    ]); // prettier-ignore
  });

  it('forwards the request bytes exactly, only inserting X-Forwarded-* at the end of each head (keep-alive, chunked)', async () => {
    // A raw upstream that records every byte and answers each request with an empty 204.
    const received: Buffer[] = [];
    const raw = createNetServer((socket: Socket) => {
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        const text = Buffer.concat(received).toString('latin1');
        const answered = (socket as Socket & { answered?: number }).answered ?? 0;
        const complete = (text.match(/\r\n\r\nabc|\r\n0\r\n\r\n/g) ?? []).length;
        for (let i = answered; i < complete; i++) socket.write('HTTP/1.1 204 No Content\r\n\r\n');
        (socket as Socket & { answered?: number }).answered = complete;
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    cleanup.add(() => new Promise((resolve) => raw.close(resolve)));
    const session = await sessionBuilder(edge).connect();
    closeSession(cleanup, session);
    const listener = await session.httpEndpoint().listen(false);
    forward(listener, (raw.address() as AddressInfo).port);
    const host = new URL(edge.publicUrl(listener.url() ?? '')).host;

    const first = `POST /a HTTP/1.1\r\nHost: ${host}\r\nx-CaSe:  kept  \r\nContent-Length: 3\r\n\r\nabc`;
    const second = `PUT /b HTTP/1.1\r\nHOST: ${host}\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwxyz\r\n0\r\n\r\n`;
    const client = netConnect(edge.publicPort, '127.0.0.1');
    cleanup.add(() => client.destroy());
    const replies: Buffer[] = [];
    client.on('data', (chunk: Buffer) => replies.push(chunk));
    client.write(first);
    await waitUntil(() => Buffer.concat(replies).toString().includes('204'), 'the first 204');
    client.write(second.slice(0, 20)); // a head split across writes
    client.write(second.slice(20));
    await waitUntil(() => (Buffer.concat(replies).toString().match(/204/g) ?? []).length === 2, 'the second 204');

    const forwarded = (head: string) => head.replace(/\r\n\r\n/, `\r\nX-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Host: ${host}\r\nX-Forwarded-Proto: https\r\n\r\n`);
    assert.equal(Buffer.concat(received).toString('latin1'), forwarded(first) + forwarded(second));
  });

  it('moves a 1 MiB body each way (flow control in both directions)', async () => {
    const { publicUrl } = await online();
    const body = randomBytes(1024 * 1024);
    const response = await publicRequest(`${publicUrl}/echo`, { method: 'POST', body, rawHeaders: ['Content-Length', String(body.length)] });
    assert.equal(response.status, 200);
    assert.equal(response.body.length, body.length);
    assert.ok(response.body.equals(body), 'the echoed body differs');
    assert.ok(seen[0]?.body.equals(body), 'the upstream saw a different body');
  });

  it('accepts serverAddr localhost:PORT (DNS SAN) and the unpaced native TLS path', async () => {
    const unpaced = await LocalEdge.start({ paceHandshake: false });
    cleanup.add(() => unpaced.close());
    for (const [target, serverAddr] of [
      [edge, `localhost:${edge.serverPort}`],
      [unpaced, unpaced.serverAddr],
    ] as const) {
      const session = await sessionBuilder(target).serverAddr(serverAddr).connect();
      closeSession(cleanup, session);
      const listener = await session.httpEndpoint().listen(false);
      forward(listener, upstream.port);
      assert.equal((await publicRequest(`${target.publicUrl(listener.url() ?? '')}/tls`)).status, 200);
    }
  });

  it('refuses Auth with ERR_NGROK_105 and ERR_NGROK_108: connect() rejects with that errorCode', async () => {
    for (const code of ['ERR_NGROK_105', 'ERR_NGROK_108']) {
      edge.refuseAuth({ code, times: 1 });
      const error: unknown = await sessionBuilder(edge).connect().then(
        () => assert.fail('connect() should have been refused'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof Error);
      assert.equal((error as Error & { errorCode?: string }).errorCode, code);
      assert.match(error.message, /^failed to connect session: /);
    }
    assert.deepEqual(
      edge.records.auths.map((a) => a.refused?.code),
      ['ERR_NGROK_105', 'ERR_NGROK_108'],
    );
    // The refusal was for one Auth each: the next connect works.
    const session = await sessionBuilder(edge).connect();
    closeSession(cleanup, session);
  });

  it('refuses Bind with ERR_NGROK_324: listen() rejects with that errorCode and a custom message', async () => {
    const session = await sessionBuilder(edge).connect();
    closeSession(cleanup, session);
    edge.refuseBind({ code: 'ERR_NGROK_324', message: 'Too many endpoints (local edge).' });
    const error: unknown = await session.httpEndpoint().listen(false).then(
      () => assert.fail('listen() should have been refused'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error);
    assert.equal((error as Error & { errorCode?: string }).errorCode, 'ERR_NGROK_324');
    assert.match(error.message, /^failed to start listener: Too many endpoints \(local edge\)\./);
    edge.refuseBind(null);
    const listener = await session.httpEndpoint().listen(false);
    assert.match(listener.url() ?? '', /\.localhost$/);
  });

  it('records what the SDK sent in Auth and Bind, and honours Opts.Domain', async () => {
    const { listener, publicUrl } = await online({ heartbeatInterval: 2, heartbeatTolerance: 3 }, (b) => b.domain('my-hooks.localhost').metadata('listener-meta').trafficPolicy('{"on_http_request":[]}'));
    assert.equal(listener.url(), 'https://my-hooks.localhost');
    assert.equal(publicUrl, `http://my-hooks.localhost:${edge.publicPort}`);
    assert.equal((await publicRequest(`${publicUrl}/`)).status, 200);

    const [auth] = edge.records.auths;
    assert.ok(auth);
    assert.equal(auth.request.ClientId, '');
    assert.equal(auth.request.Extra.ClientType, 'webhook-tunnel-test');
    assert.match(auth.request.Extra.UserAgent ?? '', /^webhook-tunnel-test\/0\.0\.0 ngrok-javascript\/\S+ ngrok-rust\//);
    assert.equal(auth.request.Extra.AuthToken, 'test-token');
    assert.equal(auth.request.Extra.HeartbeatInterval, 2e9, 'heartbeatInterval(2) is seconds, sent as ns');
    assert.equal(auth.request.Extra.HeartbeatTolerance, 3e9);
    assert.equal(auth.sessionId, edge.sessions()[0]?.sessionId);

    const [bind] = edge.records.binds;
    assert.ok(bind);
    assert.equal(bind.request.Id, '');
    assert.equal(bind.request.Proto, 'https');
    assert.equal(bind.request.Opts.Domain, 'my-hooks.localhost');
    assert.equal(bind.request.Opts.TrafficPolicy, '{"on_http_request":[]}');
    assert.equal(bind.request.Extra.Metadata, 'listener-meta');
    assert.equal(bind.tunnelId, listener.id());
    assert.equal(bind.rebind, false);
    assert.deepEqual(
      edge.tunnels().map((t) => [t.id, t.url, t.state]),
      [[listener.id(), 'https://my-hooks.localhost', 'online']],
    );
  });

  for (const disruption of ['drop', 'goaway'] as const) {
    it(`${disruption === 'drop' ? 'drops the TCP connection' : 'sends GOAWAY'}: the SDK reconnects, rebinds the same id, keeps the URL, requests flow again`, async () => {
      const disconnections: string[] = [];
      const { listener, url, publicUrl, session } = await online({ onDisconnection: (_addr, error) => (disconnections.push(error), true) });
      assert.equal((await publicRequest(`${publicUrl}/before`)).status, 200);
      const sessionId = edge.sessions()[0]?.sessionId;
      assert.ok(sessionId);

      const rebound = edge.waitFor('bind', (e) => e.record.rebind);
      const started = Date.now();
      assert.equal(disruption === 'drop' ? edge.dropConnections() : edge.goAway(), 1);
      const { record } = await rebound;
      const reconnectMs = Date.now() - started;
      assert.equal(record.request.Id, listener.id());
      assert.equal(record.url, url);
      const reauth = edge.records.auths.at(-1);
      assert.equal(reauth?.request.ClientId, sessionId, 'Auth on reconnect carries the old ClientId');
      assert.match(reauth?.request.Extra.Cookie ?? '', /^cookie_/, 'and the cookie from the AuthResp');

      const after = await waitForOnline(`${publicUrl}/after`);
      assert.equal(after.body.toString(), 'got GET /after 0');
      assert.equal(listener.url(), url);
      assert.deepEqual((await session.listeners()).map((l) => l.id()), [listener.id()]);
      assert.deepEqual(disconnections, ['transport error']);
      assert.ok(reconnectMs < 2000, `rebound after ${reconnectMs} ms`);
      assert.equal(edge.sessions().length, 1);
    });
  }

  it('goes silent: the SDK reports missed heartbeats (null); after resume it sees latencies again', async () => {
    const beats: Array<number | null> = [];
    await online({ heartbeatInterval: 1, heartbeatTolerance: 1, onHeartbeat: (latency) => beats.push(latency) });
    await waitUntil(() => beats.some((b) => typeof b === 'number'), 'a first heartbeat latency');
    assert.equal(edge.goSilent(), 1);
    const silencedAt = beats.length;
    await waitUntil(() => beats.slice(silencedAt).includes(null), 'a null heartbeat', 5000);
    assert.equal(edge.sessions()[0]?.closedReason, null, 'a silent edge does not reap: the agent still sends heartbeats');
    edge.resume();
    const resumedAt = beats.length;
    await waitUntil(() => beats.slice(resumedAt).some((b) => typeof b === 'number'), 'a heartbeat latency after resume', 5000);
  });

  it('listener.close() sends Unbind (twice; the duplicate is tolerated) and the host answers 404 ERR_NGROK_3200', async () => {
    const { listener, publicUrl } = await online();
    assert.equal((await publicRequest(publicUrl)).status, 200);
    const id = listener.id();
    await listener.close();
    await waitUntil(() => edge.records.unbinds.length === 2, 'both Unbinds');
    assert.deepEqual(
      edge.records.unbinds.map((u) => [u.request.Id, u.duplicate]),
      [[id, false], [id, true]],
    );
    const gone = await publicRequest(`${publicUrl}/x`);
    assert.equal(gone.status, 404);
    assert.equal(gone.headers['ngrok-error-code'], 'ERR_NGROK_3200');
    assert.match(gone.body.toString(), /ERR_NGROK_3200/);
    assert.match(gone.body.toString(), /LOCAL test edge/);
    assert.equal(edge.tunnel(id)?.state, 'closed');
  });

  it('answers an unknown host with the 404 ERR_NGROK_3200 page', async () => {
    const response = await publicRequest(`http://nobody.localhost:${edge.publicPort}/`, { method: 'POST', body: Buffer.from('x'.repeat(10_000)) });
    assert.equal(response.status, 404);
    assert.equal(response.headers['ngrok-error-code'], 'ERR_NGROK_3200');
    assert.match(response.body.toString(), /nobody\.localhost is offline/);
  });

  it('StopTunnel: the forward() promise rejects and the host goes 404', async () => {
    const { listener, forwarding, publicUrl } = await online();
    assert.ok(edge.stopTunnel(listener.id(), { message: 'stopped for the test', errorCode: 'ERR_NGROK_3210' }));
    const error = await forwarding.settled;
    assert.ok(error, 'forward() should reject');
    assert.match(error.message, /stopped for the test/);
    assert.match(error.message, /ERR_NGROK_3210/);
    assert.equal((await publicRequest(publicUrl)).status, 404);
    assert.equal(edge.tunnel(listener.id())?.state, 'stopped');
  });

  it('StopTunnel after a reconnect: SDK 1.7.0 ignores it (forward() stays pending), the edge still stops routing', async () => {
    const { listener, forwarding, publicUrl } = await online();
    const rebound = edge.waitFor('bind', (e) => e.record.rebind);
    edge.dropConnections();
    await rebound;
    await waitForOnline(publicUrl);
    assert.ok(edge.stopTunnel(listener.id()));
    const outcome = await Promise.race([forwarding.settled.then(() => 'settled'), new Promise((resolve) => setTimeout(() => resolve('pending'), 300))]);
    assert.equal(outcome, 'pending', 'the reconnected session has no handle for StopTunnel (ngrok-rust try_reconnect leaves IncomingStreams.session unset)');
    assert.equal((await publicRequest(publicUrl)).status, 404);
  });

  it('sends Stop/Restart/Update commands and returns the agent answers', async () => {
    let stops = 0;
    await online({ onStop: () => stops++ });
    const [stop] = await edge.sendCommand({ kind: 'stop' });
    assert.deepEqual(stop?.response, {});
    const [restart] = await edge.sendCommand({ kind: 'restart' });
    assert.equal(restart?.response?.Error, 'the agent has not defined a callback for this operation');
    const [update] = await edge.sendCommand({ kind: 'update', Version: '9.9.9', PermitMajorVersion: true });
    assert.match(update?.response?.Error ?? '', /not defined a callback/);
    await waitUntil(() => stops === 1, 'the stop handler to run');
  });

  it('reaps a session whose agent called session.close() (the SDK leaves the socket open) once heartbeats stop', async () => {
    const session = await sessionBuilder(edge, { heartbeatInterval: 1, heartbeatTolerance: 1 }).connect();
    const [info] = edge.sessions();
    assert.equal(info?.heartbeatTimeoutMs, 2000, 'interval + tolerance from the Auth');
    const closed = edge.waitFor('session-closed', undefined, 6000);
    await session.close();
    const started = Date.now();
    const { reason } = await closed;
    assert.match(reason, /no heartbeat for \d+ ms/);
    assert.ok(Date.now() - started < 3500);
    assert.equal(edge.sessions().length, 0);
  });

  it('keep-alive round trips are not held up by the Nagle stall (median printed, not asserted)', async () => {
    const { publicUrl } = await online();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanup.add(() => agent.destroy());
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const started = process.hrtime.bigint();
      const response = await publicRequest(`${publicUrl}/ping`, { agent });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      assert.equal(response.status, 200);
    }
    const steady = times.slice(10).sort((a, b) => a - b);
    const median = steady[Math.floor(steady.length / 2)] ?? NaN;
    console.log(`      local edge keep-alive round trip: median ${median.toFixed(2)} ms, p90 ${steady[Math.floor(steady.length * 0.9)]?.toFixed(2)} ms over ${steady.length} requests`);
  });
});
