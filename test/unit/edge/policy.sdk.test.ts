// Traffic Policy on the local edge, driven by the REAL @ngrok/ngrok SDK: basic-auth (401),
// restrict-ips (403, IPv4 and IPv6), the legacy builder options, verify-webhook recorded only,
// a policy replaced by a new listener on the same domain, and invalid policies refused at listen().
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import type { PolicyDenial } from '../../edge/edgeRecords';
import { LocalEdge } from '../../edge/localEdge';
import type { TunnelInfo } from '../../edge/tunnelRegistry';
import { Cleanup, closeSession, forward, publicRequest, sessionBuilder, startUpstream, waitUntil } from './sdkHarness';
import { readAll } from '../../support/httpServers';
import type { ngrok, PublicResponse, Upstream } from './sdkHarness';

interface Seen {
  readonly url: string;
  readonly authorization: string | undefined;
  readonly forwardedFor: string | undefined;
}

type Policy = Readonly<Record<string, unknown>>;

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const rule = (type: string, config: object, extra: object = {}) => ({ ...extra, actions: [{ type, config }] });
const onRequest = (...rules: object[]): Policy => ({ on_http_request: rules });

describe('local edge traffic policy with the real @ngrok/ngrok SDK', function () {
  this.timeout(15_000);
  let cleanup: Cleanup;
  let edge: LocalEdge;
  let upstream: Upstream;
  let seen: Seen[];
  let logs: string[];
  let session: ngrok.Session;

  beforeEach(async () => {
    cleanup = new Cleanup();
    seen = [];
    logs = [];
    edge = await LocalEdge.start({ controlPort: 0, log: (line) => logs.push(line) });
    cleanup.add(() => edge.close());
    upstream = await startUpstream((req, res) => {
      void readAll(req).then(() => {
        seen.push({ url: req.url ?? '', authorization: req.headers.authorization, forwardedFor: req.headers['x-forwarded-for'] as string | undefined });
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(`upstream ${req.url}`);
      });
    });
    cleanup.add(() => upstream.close());
    session = await sessionBuilder(edge).connect();
    closeSession(cleanup, session);
  });

  afterEach(() => cleanup.run());

  async function listen(configure: (b: ngrok.HttpListenerBuilder) => ngrok.HttpListenerBuilder) {
    const listener = await configure(session.httpEndpoint()).listen(false);
    forward(listener, upstream.port);
    const url = listener.url() ?? '';
    return { listener, url, publicUrl: edge.publicUrl(url), tunnel: edge.tunnel(listener.id()) as TunnelInfo };
  }

  const withPolicy = (policy: Policy) => listen((b) => b.trafficPolicy(JSON.stringify(policy)));

  function get(url: string, rawHeaders: string[] = []): Promise<PublicResponse> {
    return publicRequest(url, { rawHeaders });
  }

  describe('basic-auth', () => {
    const policy = onRequest(rule('basic-auth', { realm: 'webhooks', credentials: ['dev:correct-horse', 'ci:battery-staple:x'] }));

    it('answers 401 with WWW-Authenticate without credentials or with wrong ones, and lets the right ones through', async () => {
      const { publicUrl, listener } = await withPolicy(policy);

      const none = await get(`${publicUrl}/hook`);
      assert.equal(none.status, 401);
      assert.equal(none.headers['www-authenticate'], 'Basic realm="webhooks"');
      assert.match(String(none.headers['content-type']), /^text\/html/);
      assert.match(none.body.toString(), /Authentication required[\s\S]*LOCAL test edge/);

      const denial = edge.waitFor('policy-denied');
      const wrong = await get(`${publicUrl}/hook`, ['Authorization', basic('dev', 'wrong-password')]);
      assert.equal(wrong.status, 401);
      assert.equal(wrong.headers['www-authenticate'], 'Basic realm="webhooks"');
      const { denial: recorded } = await denial;
      assert.deepEqual(
        { tunnelId: recorded.tunnelId, status: recorded.status, action: recorded.action, clientIp: recorded.clientIp, target: recorded.target },
        { tunnelId: listener.id(), status: 401, action: 'basic-auth', clientIp: '127.0.0.1', target: '/hook' } satisfies Partial<PolicyDenial>,
      );
      assert.equal((await get(`${publicUrl}/hook`, ['Authorization', 'Bearer abc'])).status, 401);
      assert.equal(seen.length, 0, 'the upstream never saw a refused request');

      const right = await get(`${publicUrl}/hook`, ['Authorization', basic('dev', 'correct-horse')]);
      assert.equal(right.status, 200);
      assert.equal(right.body.toString(), 'upstream /hook');
      // The password is everything after the first colon.
      assert.equal((await get(`${publicUrl}/second`, ['Authorization', basic('ci', 'battery-staple:x')])).status, 200);
      // The Authorization header is passed through to the upstream (ngrok documents no stripping).
      assert.deepEqual(
        seen.map((s) => [s.url, s.authorization]),
        [
          ['/hook', basic('dev', 'correct-horse')],
          ['/second', basic('ci', 'battery-staple:x')],
        ],
      );
      assert.ok(logs.some((line) => /policy: 401 for GET \/hook/.test(line)));
    });

    it('checks every request on a keep-alive connection: a later refused one is answered after the earlier ones, then the connection closes', async () => {
      const { publicUrl } = await withPolicy(policy);
      const host = new URL(publicUrl).host;
      const client: Socket = netConnect(edge.publicPort, '127.0.0.1');
      cleanup.add(() => client.destroy());
      const received: Buffer[] = [];
      client.on('data', (chunk: Buffer) => received.push(chunk));
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.write(
        `GET /one HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${basic('dev', 'correct-horse')}\r\n\r\n` +
          `POST /two HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 5\r\n\r\nhello` +
          `GET /three HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${basic('dev', 'correct-horse')}\r\n\r\n`,
      );
      await closed;
      const text = Buffer.concat(received).toString('latin1');
      const statuses = [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => m[1]);
      assert.deepEqual(statuses, ['200', '401']);
      assert.match(text, /WWW-Authenticate: Basic realm="webhooks"/);
      assert.deepEqual(seen.map((s) => s.url), ['/one']);
    });
  });

  describe('restrict-ips', () => {
    it('answers 403 ERR_NGROK_3205 when no allow CIDR matches the public client, 200 when one does', async () => {
      const blocked = await withPolicy(onRequest(rule('restrict-ips', { allow: ['10.0.0.0/8', '2001:db8::/32'] })));
      const response = await get(`${blocked.publicUrl}/x`);
      assert.equal(response.status, 403);
      assert.equal(response.headers['ngrok-error-code'], 'ERR_NGROK_3205');
      assert.match(response.body.toString(), /Request blocked by Endpoints IP Restriction[\s\S]*127\.0\.0\.1/);

      const allowed = await withPolicy(onRequest(rule('restrict-ips', { allow: ['127.0.0.0/8'] })));
      const ok = await get(`${allowed.publicUrl}/y`);
      assert.equal(ok.status, 200);
      assert.deepEqual(seen.map((s) => [s.url, s.forwardedFor]), [['/y', '127.0.0.1']]);
    });

    it('denies a matching deny CIDR even when an allow CIDR matches', async () => {
      const { publicUrl } = await withPolicy(onRequest(rule('restrict-ips', { allow: ['0.0.0.0/0', '::/0'], deny: ['127.0.0.1/32'] })));
      assert.equal((await get(`${publicUrl}/x`)).status, 403);
      assert.deepEqual(seen, []);
    });

    it('enforce: false lets a refused address through', async () => {
      const { publicUrl } = await withPolicy(onRequest(rule('restrict-ips', { allow: ['10.0.0.0/8'], enforce: false })));
      assert.equal((await get(`${publicUrl}/x`)).status, 200);
    });

    it('checks IPv6 clients on the ::1 public listener', async function () {
      const v6 = await new Promise<boolean>((resolve) => {
        const probe = netConnect(edge.publicPort, '::1');
        probe.once('connect', () => (probe.destroy(), resolve(true)));
        probe.once('error', () => resolve(false));
      });
      if (!v6) this.skip();
      const { publicUrl } = await withPolicy(onRequest(rule('restrict-ips', { allow: ['0.0.0.0/0', '::/0'], deny: ['::1/128'] })));
      const host = new URL(publicUrl).host;
      const overV6 = await publicRequest(`http://[::1]:${edge.publicPort}/six`, { rawHeaders: ['Host', host] });
      assert.equal(overV6.status, 403);
      assert.match(overV6.body.toString(), /::1/);
      const overV4 = await get(`${publicUrl}/four`);
      assert.equal(overV4.status, 200);
      assert.deepEqual(seen.map((s) => [s.url, s.forwardedFor]), [['/four', '127.0.0.1']]);
    });
  });

  describe('legacy per-option forms', () => {
    it('basicAuth(user, password) is enforced like basic-auth with realm "ngrok"', async () => {
      const { publicUrl, listener } = await listen((b) => b.basicAuth('alice', 'password123'));
      const none = await get(`${publicUrl}/a`);
      assert.equal(none.status, 401);
      assert.equal(none.headers['www-authenticate'], 'Basic realm="ngrok"');
      assert.equal((await get(`${publicUrl}/a`, ['Authorization', basic('alice', 'password124')])).status, 401);
      assert.equal((await get(`${publicUrl}/a`, ['Authorization', basic('alice', 'password123')])).status, 200);
      const policy = edge.policyOf(listener.id());
      assert.deepEqual(policy?.rules.map((r) => [r.source, r.actions.map((a) => a.kind)]), [['BasicAuth', ['basic-auth']]]);
    });

    it('allowCidr / denyCidr are enforced like restrict-ips', async () => {
      const outside = await listen((b) => b.allowCidr('10.0.0.0/8'));
      assert.equal((await get(`${outside.publicUrl}/a`)).status, 403);
      const denied = await listen((b) => b.allowCidr('0.0.0.0/0').allowCidr('::/0').denyCidr('127.0.0.1/32'));
      assert.equal((await get(`${denied.publicUrl}/b`)).status, 403);
      const inside = await listen((b) => b.allowCidr('127.0.0.0/8'));
      assert.equal((await get(`${inside.publicUrl}/c`)).status, 200);
      assert.deepEqual(seen.map((s) => s.url), ['/c']);
    });

    it('IP restriction runs before basic auth, and both combine with a traffic policy', async () => {
      const { publicUrl, listener } = await listen((b) =>
        b
          .allowCidr('127.0.0.0/8')
          .basicAuth('alice', 'password123')
          .trafficPolicy(JSON.stringify(onRequest(rule('basic-auth', { credentials: ['bob:hunter2hunter2'] })))),
      );
      assert.deepEqual(edge.policyOf(listener.id())?.rules.map((r) => r.source), ['IPRestriction', 'BasicAuth', 'TrafficPolicy']);
      // Both basic-auth actions must pass, so no single credential gets through.
      assert.equal((await get(`${publicUrl}/a`, ['Authorization', basic('alice', 'password123')])).status, 401);
      assert.equal((await get(`${publicUrl}/a`, ['Authorization', basic('bob', 'hunter2hunter2')])).status, 401);
      assert.deepEqual(seen, []);
    });
  });

  describe('recorded, not enforced', () => {
    it('verify-webhook, unknown actions and other phases are recorded with warnings; requests pass', async () => {
      const policy = {
        on_http_request: [rule('verify-webhook', { provider: 'github', secret: 'whsec' }), rule('add-headers', { headers: { 'x-a': '1' } })],
        on_http_response: [rule('remove-headers', { headers: ['server'] })],
      };
      const { publicUrl, listener } = await listen((b) => b.trafficPolicy(JSON.stringify(policy)).webhookVerification('stripe', 'sk'));
      assert.equal((await get(`${publicUrl}/unsigned`)).status, 200);
      const recorded = edge.policyOf(listener.id());
      assert.deepEqual(
        recorded?.rules.map((r) => [r.source, r.phase, r.actions.map((a) => a.kind)]),
        [
          ['WebhookVerification', 'on_http_request', ['verify-webhook']],
          ['TrafficPolicy', 'on_http_request', ['verify-webhook']],
          ['TrafficPolicy', 'on_http_request', ['ignored']],
          ['TrafficPolicy', 'on_http_response', ['ignored']],
        ],
      );
      const warnings = recorded?.warnings.join('\n') ?? '';
      assert.match(warnings, /verify-webhook \(github\) is recorded but not enforced/);
      assert.match(warnings, /action type "add-headers" is not implemented by the local edge; ignored/);
      assert.match(warnings, /on_http_response phase is recorded but not evaluated/);
      assert.ok(logs.some((line) => /policy warning: .*add-headers/.test(line)), 'the warnings are logged at Bind');
    });

    it('a rule with expressions always matches (CEL is not evaluated), with a warning', async () => {
      const policy = onRequest(rule('basic-auth', { credentials: ['dev:correct-horse'] }, { name: 'only POST', expressions: ["req.method == 'POST'"] }));
      const { publicUrl, listener } = await withPolicy(policy);
      assert.equal((await get(`${publicUrl}/get-too`)).status, 401);
      assert.match(edge.policyOf(listener.id())?.warnings.join('\n') ?? '', /rule "only POST": expressions are not evaluated .* always matching/);
      assert.ok(logs.some((line) => /policy warning: .*expressions are not evaluated/.test(line)));
    });
  });

  it('keeps enforcing after a reconnect: the SDK rebinds with the same Opts and the rebind sets the policy again', async () => {
    const { publicUrl, listener } = await withPolicy(onRequest(rule('basic-auth', { credentials: ['dev:correct-horse'] })));
    const rebound = edge.waitFor('bind', (event) => event.record.rebind && event.record.tunnelId === listener.id());
    assert.equal(edge.dropConnections(), 1);
    await rebound;
    await waitUntil(() => edge.tunnel(listener.id())?.state === 'online', 'the tunnel back online');
    assert.equal(edge.tunnel(listener.id())?.rebinds, 1);
    assert.equal((await get(`${publicUrl}/after`)).status, 401);
    assert.equal((await get(`${publicUrl}/after`, ['Authorization', basic('dev', 'correct-horse')])).status, 200);
  });

  it('a new listener on the same domain brings its own policy', async () => {
    const first = await listen((b) => b.domain('hooks.localhost').trafficPolicy(JSON.stringify(onRequest(rule('basic-auth', { credentials: ['dev:correct-horse'] })))));
    assert.equal((await get(`${first.publicUrl}/a`)).status, 401);
    await first.listener.close();
    await waitUntil(() => edge.tunnel(first.listener.id())?.state === 'closed', 'the first listener to unbind');

    const second = await listen((b) => b.domain('hooks.localhost').trafficPolicy(JSON.stringify(onRequest(rule('restrict-ips', { allow: ['127.0.0.0/8'] })))));
    assert.equal(second.publicUrl, first.publicUrl);
    assert.notEqual(second.listener.id(), first.listener.id());
    assert.equal((await get(`${second.publicUrl}/b`)).status, 200, 'no credentials needed any more');
    assert.deepEqual(edge.policyOf(second.listener.id())?.rules.flatMap((r) => r.actions.map((a) => a.kind)), ['restrict-ips']);

    await second.listener.close();
    await waitUntil(() => edge.tunnel(second.listener.id())?.state === 'closed', 'the second listener to unbind');
    const third = await listen((b) => b.domain('hooks.localhost'));
    assert.equal(third.tunnel.policy, null);
    assert.equal((await get(`${third.publicUrl}/c`)).status, 200);
  });

  describe('invalid policies are refused at listen()', () => {
    const rejectsWith = async (configure: (b: ngrok.HttpListenerBuilder) => ngrok.HttpListenerBuilder, code: string, message: RegExp) => {
      await assert.rejects(configure(session.httpEndpoint()).listen(false), (error: Error & { errorCode?: string }) => {
        assert.equal(error.errorCode, code);
        assert.match(error.message, message);
        return true;
      });
    };

    it('not JSON → ERR_NGROK_2201', async () => {
      await rejectsWith((b) => b.trafficPolicy('on_http_request:\n  - actions: []'), 'ERR_NGROK_2201', /traffic policy is invalid: it is not valid JSON/);
      await rejectsWith((b) => b.trafficPolicy('{"on_http_request": [{"actions": [}'), 'ERR_NGROK_2201', /not valid JSON/);
    });

    it('wrong shape → ERR_NGROK_2201; bad action config → ERR_NGROK_2204; wrong phase → ERR_NGROK_2202; deny without allow → ERR_NGROK_393', async () => {
      await rejectsWith((b) => b.trafficPolicy('[]'), 'ERR_NGROK_2201', /must be a JSON object/);
      await rejectsWith((b) => b.trafficPolicy(JSON.stringify({ on_http_requests: [] })), 'ERR_NGROK_2201', /unknown top-level field "on_http_requests"/);
      await rejectsWith((b) => b.trafficPolicy(JSON.stringify({ on_http_request: [{ actions: [] }] })), 'ERR_NGROK_2201', /on_http_request\[0\]\.actions must be a non-empty list/);
      await rejectsWith((b) => b.trafficPolicy(JSON.stringify(onRequest(rule('basic-auth', { credentials: ['dev:short'] })))), 'ERR_NGROK_2204', /password of user "dev" must be 8 to 128 characters/);
      await rejectsWith((b) => b.trafficPolicy(JSON.stringify(onRequest(rule('restrict-ips', { allow: ['300.0.0.0/8'] })))), 'ERR_NGROK_2204', /"300\.0\.0\.0\/8" is not a CIDR/);
      await rejectsWith((b) => b.trafficPolicy(JSON.stringify({ on_http_response: [rule('basic-auth', { credentials: ['dev:correct-horse'] })] })), 'ERR_NGROK_2202', /not supported for the on_http_response/);
      await rejectsWith((b) => b.trafficPolicy(JSON.stringify(onRequest(rule('restrict-ips', { deny: ['127.0.0.1/32'] })))), 'ERR_NGROK_393', /at least one CIDR to allow/);
      await rejectsWith((b) => b.denyCidr('127.0.0.1/32'), 'ERR_NGROK_393', /at least one CIDR to allow/);
      await rejectsWith((b) => b.basicAuth('alice', 'short'), 'ERR_NGROK_2204', /8 to 128 characters/);
      assert.deepEqual(edge.tunnels(), [], 'no tunnel was bound');
      assert.ok(edge.records.binds.every((b) => b.refused !== null));
    });
  });

  it('GET /tunnels and GET /tunnels/:id/policy on the control API show the parsed policy', async () => {
    const { listener } = await withPolicy(onRequest(rule('restrict-ips', { allow: ['127.0.0.0/8'] }, { name: 'local only' })));
    const control = `http://127.0.0.1:${edge.controlPort ?? 0}`;
    const tunnels = (await (await fetch(`${control}/tunnels`)).json()) as TunnelInfo[];
    const expected = {
      rules: [{ source: 'TrafficPolicy', phase: 'on_http_request', name: 'local only', expressions: [], actions: [{ kind: 'restrict-ips', type: 'restrict-ips', allow: ['127.0.0.0/8'], deny: [], ipPolicies: [], enforce: true }] }],
      warnings: [],
    };
    assert.deepEqual(tunnels.map((t) => [t.id, t.policy]), [[listener.id(), expected]]);
    const one = await fetch(`${control}/tunnels/${listener.id()}/policy`);
    assert.deepEqual(await one.json(), { tunnelId: listener.id(), policy: expected });
    assert.equal((await fetch(`${control}/tunnels/nope/policy`)).status, 404);
  });
});
