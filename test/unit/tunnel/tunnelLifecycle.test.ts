import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { Exchange } from '../../../src/core/capture/exchange';
import type { PublicTunnelSettings } from '../../../src/core/tunnel/captureSettings';
import { TunnelController } from '../../../src/core/tunnel/tunnelController';
import type { TunnelState } from '../../../src/core/tunnel/tunnelState';
import { LocalEdge } from '../../edge/localEdge';
import { publicRequest, waitUntil } from '../edge/sdkHarness';
import { readAll, startServer } from '../../support/httpServers';
import type { RunningServer } from '../../support/httpServers';

/** Drives the real @ngrok/ngrok SDK (through TunnelController) against the local ngrok-compatible edge. */
describe('Tunnel lifecycle against the local edge (real SDK)', function () {
  this.timeout(30_000);
  let edge: LocalEdge;
  let upstream: RunningServer;
  let controller: TunnelController;
  const received: Array<{ url: string; rawHeaders: string[]; body: Buffer }> = [];
  const recorded: Exchange[] = [];
  const states: TunnelState[] = [];

  function publicSettings(overrides: Partial<PublicTunnelSettings['session']> = {}): PublicTunnelSettings {
    return {
      session: { authtoken: 'test-token', serverAddr: edge.serverAddr, caCertificate: Buffer.from(edge.caPem), clientVersion: '9.9.9', heartbeatIntervalMs: 1000, heartbeatToleranceMs: 1000, ...overrides },
      listener: {},
      authtokenSource: 'a test',
      backoffBaseMs: 100,
    };
  }
  const captureSettings = () => ({ upstream: upstream.origin, port: 0, maxBodyBytes: 1 << 20, upstreamTimeoutMs: 5000 });
  const waitForState = (kind: TunnelState['kind'], timeoutMs = 10_000) => waitUntil(() => controller.state.kind === kind, `state ${kind}`, timeoutMs);
  const onlineUrl = (): string => {
    const state = controller.state;
    assert.equal(state.kind, 'on', JSON.stringify(state));
    return state.kind === 'on' ? state.url : '';
  };

  beforeEach(async () => {
    received.length = 0;
    recorded.length = 0;
    states.length = 0;
    edge = await LocalEdge.start();
    upstream = await startServer((req, res) => {
      void readAll(req).then((body) => {
        received.push({ url: req.url ?? '', rawHeaders: req.rawHeaders, body });
        res.writeHead(200, { 'X-Sha': createHash('sha256').update(body).digest('hex') }).end('ok');
      });
    });
    controller = new TunnelController((exchange) => recorded.push(exchange));
    controller.onDidChangeState((state) => states.push(state));
  });

  afterEach(async () => {
    await controller.stop();
    await upstream.close();
    await edge.close();
  });

  it('starts: the public URL is online, a POST reaches the dev server byte-exact and is captured, and the edge saw who we are', async () => {
    const state = await controller.start(captureSettings(), publicSettings());
    const url = onlineUrl();
    assert.match(url, /^https:\/\/[a-z0-9-]+\.localhost$/);
    assert.deepEqual(states.map((s) => s.kind), ['starting', 'starting', 'on']);
    assert.ok(state.kind === 'on' && state.route.kind === 'ngrok' && state.route.localEdge && /^http:\/\/127\.0\.0\.1:\d+$/.test(state.localUrl));

    const body = randomBytes(300 * 1024);
    const response = await publicRequest(`${edge.publicUrl(url)}/hooks/stripe?x=1`, { method: 'POST', rawHeaders: ['Stripe-Signature', 't=1,v1=abc', 'Content-Type', 'application/octet-stream'], body });
    assert.equal(response.status, 200);
    assert.equal(response.headers['x-sha'], createHash('sha256').update(body).digest('hex'));
    assert.equal(received.at(-1)?.url, '/hooks/stripe?x=1');
    assert.deepEqual(received.at(-1)?.body, body);
    await waitUntil(() => recorded.length === 1, 'the call to be captured');
    assert.equal(recorded[0]!.request.body.size, body.length);
    // The SDK reaches the proxy through its own socket; the recorded sender is the public client the edge names.
    assert.equal(recorded[0]!.clientAddress, '127.0.0.1');

    const auth = edge.records.auths.at(-1)!.request;
    assert.match(auth.Extra.UserAgent ?? '', /^webhook-tunnel\/9\.9\.9 /);
    assert.equal(auth.Extra.ClientType, 'webhook-tunnel');
    assert.equal(edge.records.binds.length, 1);
  });

  for (const code of ['ERR_NGROK_105', 'ERR_NGROK_108']) {
    it(`reports an Auth refused with ${code} with its fix, once, with no retry loop`, async () => {
      edge.refuseAuth({ code });
      const state = await controller.start(captureSettings(), publicSettings());
      assert.equal(state.kind, 'error');
      assert.ok(state.kind === 'error');
      assert.equal(state.code, code);
      assert.equal(state.fix, code === 'ERR_NGROK_105' ? 'setAuthtoken' : 'retry');
      assert.match(state.reason, code === 'ERR_NGROK_105' ? /rejected the authtoken/ : /free plan allows 3 at once/);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(edge.records.auths.length, 1, 'no retry loop');
      assert.equal(controller.state.kind, 'error');
    });
  }

  it('rides out a dropped connection: reconnecting, then online with the same URL, and requests flow again', async () => {
    await controller.start(captureSettings(), publicSettings());
    const url = onlineUrl();
    states.length = 0;
    edge.dropConnections();
    await waitUntil(() => states.some((s) => s.kind === 'reconnecting'), 'reconnecting');
    await waitForState('on');
    assert.equal(onlineUrl(), url);
    await waitUntil(async () => (await publicRequest(`${edge.publicUrl(url)}/after-drop`).catch(() => undefined))?.status === 200, 'requests to flow again');
  });

  it('rebuilds the session when the edge goes silent, within the heartbeat window, keeping the URL', async () => {
    await controller.start(captureSettings(), publicSettings());
    const url = onlineUrl();
    const firstSession = edge.records.auths.at(-1)!.sessionId;
    states.length = 0;
    const silencedAt = Date.now();
    edge.goSilent();
    await waitUntil(() => states.some((s) => s.kind === 'reconnecting'), 'the watchdog to notice', 8000);
    const noticedAfter = Date.now() - silencedAt;
    await waitForState('on', 15_000);
    assert.equal(onlineUrl(), url, 'the edge gave the same URL back');
    assert.ok(noticedAfter < 5000, `noticed after ${noticedAfter} ms (interval 1 s + tolerance 1 s)`);
    assert.ok(edge.records.auths.length >= 2);
    assert.notEqual(edge.records.auths.at(-1)!.sessionId, null);
    assert.ok(edge.records.auths.some((a) => a.sessionId !== firstSession));
    await waitUntil(async () => (await publicRequest(`${edge.publicUrl(url)}/after-silence`).catch(() => undefined))?.status === 200, 'requests to flow again', 10_000);
  });

  it('stops: the edge records Unbind and the public URL no longer reaches the dev server; a new start gets a fresh session', async () => {
    await controller.start(captureSettings(), publicSettings());
    const url = onlineUrl();
    const tunnelId = edge.records.binds.at(-1)!.tunnelId;
    await controller.stop();
    assert.equal(controller.state.kind, 'off');
    assert.ok(edge.records.unbinds.some((u) => u.request.Id === tunnelId));
    const after = await publicRequest(`${edge.publicUrl(url)}/after-stop`);
    assert.equal(after.status, 404);
    assert.equal(received.length, 0);

    // session.close() leaves the SDK's socket open (muxado GOAWAY bug): the old session lingers at the edge
    // until its heartbeats stop being answered, but nothing of it is reused by the next start.
    const oldSession = edge.records.auths.at(-1)!.sessionId;
    await controller.start(captureSettings(), publicSettings());
    assert.notEqual(edge.records.auths.at(-1)!.sessionId, oldSession);
    await waitUntil(() => edge.sessions().filter((s) => s.sessionId === oldSession).length === 0, 'the old session to be reaped by heartbeat silence', 10_000);
    assert.equal(edge.sessions().length, 1);
  });

  it('says so when the edge stops the endpoint, instead of fighting it', async () => {
    await controller.start(captureSettings(), publicSettings());
    edge.stopTunnel(edge.records.binds.at(-1)!.tunnelId!, { errorCode: 'ERR_NGROK_3004', message: 'stopped from the dashboard' });
    await waitForState('error');
    const state = controller.state;
    assert.ok(state.kind === 'error' && /ngrok stopped the endpoint: stopped from the dashboard \(ERR_NGROK_3004\)/.test(state.reason), JSON.stringify(state));
  });

  it('backs off between rebuild attempts, and Retry now skips the wait', async () => {
    await controller.start(captureSettings(), { ...publicSettings(), backoffBaseMs: 20_000 });
    const url = onlineUrl();
    // The URL reads as taken while the lost session lingers at the edge: a reason to wait and retry, not to give up.
    edge.refuseBind({ code: 'ERR_NGROK_334' });
    edge.dropConnections();
    await waitUntil(() => {
      const state = controller.state;
      return state.kind === 'reconnecting' && state.retryAt !== undefined && state.retryAt - Date.now() > 10_000;
    }, 'a rebuild attempt to fail and the next to be scheduled 20 s out', 15_000);
    const state = controller.state;
    assert.ok(state.kind === 'reconnecting' && /already online/.test(state.reason) && state.url === url, JSON.stringify(state));
    assert.ok(edge.records.binds.some((b) => b.refused?.code === 'ERR_NGROK_334'));
    edge.refuseBind(null);
    const retriedAt = Date.now();
    controller.retryNow();
    await waitForState('on', 5000);
    assert.ok(Date.now() - retriedAt < 5000);
    assert.equal(onlineUrl(), url);
  });
});
