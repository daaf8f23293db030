// The local edge's Traffic Policy parsing and evaluation, without the SDK: accepted shapes,
// refusals, CIDR families, Basic credentials, rebinds replacing the policy, and halting a request stream.
import assert from 'node:assert/strict';
import { renderErrorPage } from '../../edge/errorPages';
import { HttpRequestStream, insertHeaders } from '../../edge/httpRequestStream';
import type { BindRequest, HttpOpts } from '../../edge/protocol';
import { evaluatePolicy, matchesCidrs, parseCidr, policyFromOpts } from '../../edge/trafficPolicy';
import type { PolicyParseResult, TunnelPolicy } from '../../edge/trafficPolicy';
import { TunnelRegistry } from '../../edge/tunnelRegistry';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const parse = (opts: HttpOpts): PolicyParseResult => policyFromOpts(opts);
const policyOf = (document: unknown, opts: HttpOpts = {}): TunnelPolicy => {
  const result = parse({ ...opts, TrafficPolicy: JSON.stringify(document) });
  if (!result.ok) throw new Error(`refused: ${result.code} ${result.message}`);
  if (!result.policy) throw new Error('no policy');
  return result.policy;
};
const refusal = (opts: HttpOpts): { code: string; message: string } => {
  const result = parse(opts);
  assert.equal(result.ok, false, 'expected a refusal');
  return result as { code: string; message: string };
};
const status = (policy: TunnelPolicy, clientIp: string, authorization: string[] = []) => {
  const verdict = evaluatePolicy(policy, { clientIp, authorization });
  return verdict.allowed ? 200 : verdict.page.status;
};

describe('local edge traffic policy: parsing and evaluation', () => {
  it('has no policy when the Bind asks for none (SDK nulls, empty strings)', () => {
    assert.deepEqual(parse({}), { ok: true, policy: null });
    assert.deepEqual(parse({ TrafficPolicy: null, BasicAuth: null, IPRestriction: null, WebhookVerification: null }), { ok: true, policy: null });
    assert.deepEqual(parse({ TrafficPolicy: '  ' }), { ok: true, policy: null });
    assert.deepEqual(parse({ TrafficPolicy: '{}' }), { ok: true, policy: null });
  });

  it('normalizes basic-auth and restrict-ips with their defaults', () => {
    const policy = policyOf({
      on_http_request: [
        { name: 'ips', actions: [{ type: 'restrict-ips', config: { allow: ['10.0.0.0/8', '2001:db8::/32', '192.168.1.7'] } }] },
        { actions: [{ type: 'basic-auth', config: { credentials: ['a:12345678', 'b:pass:with:colons'] } }] },
      ],
    });
    assert.deepEqual(policy, {
      rules: [
        { source: 'TrafficPolicy', phase: 'on_http_request', name: 'ips', expressions: [], actions: [{ kind: 'restrict-ips', type: 'restrict-ips', allow: ['10.0.0.0/8', '2001:db8::/32', '192.168.1.7'], deny: [], ipPolicies: [], enforce: true }] },
        {
          source: 'TrafficPolicy',
          phase: 'on_http_request',
          name: null,
          expressions: [],
          actions: [{ kind: 'basic-auth', type: 'basic-auth', realm: 'ngrok', enforce: true, credentials: [{ username: 'a', password: '12345678' }, { username: 'b', password: 'pass:with:colons' }] }],
        },
      ],
      warnings: [],
    });
  });

  it('reads the older inbound/outbound names as on_http_request/on_http_response', () => {
    const policy = policyOf({ inbound: [{ actions: [{ type: 'restrict-ips', config: { allow: ['127.0.0.1/32'] } }] }], outbound: [] });
    assert.equal(policy.rules[0]?.phase, 'on_http_request');
    assert.match(policy.warnings.join('\n'), /"inbound" is the older name of on_http_request/);
    assert.equal(status(policy, '127.0.0.2'), 403);
  });

  it('refuses what ngrok would refuse, with a code and a reason', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      ['not json', 'ERR_NGROK_2201', /not valid JSON/],
      [null, 'ERR_NGROK_2201', /must be a JSON object/],
      [{ on_http_request: {} }, 'ERR_NGROK_2201', /on_http_request must be a list of rules/],
      [{ on_http_request: ['x'] }, 'ERR_NGROK_2201', /on_http_request\[0\] must be an object/],
      [{ on_http_request: [{ expressions: 'x', actions: [{ type: 'deny' }] }] }, 'ERR_NGROK_2201', /expressions must be a list of strings/],
      [{ on_http_request: [{ actions: [{ config: {} }] }] }, 'ERR_NGROK_2201', /actions\[0\] must be an object with a "type"/],
      [{ on_http_request: [{ actions: [{ type: 'basic-auth', config: [] }] }] }, 'ERR_NGROK_2201', /config must be an object/],
      [{ on_tcp_connect: [{ actions: [{ type: 'verify-webhook', config: { provider: 'github' } }] }] }, 'ERR_NGROK_2202', /'verify-webhook' is not supported for the on_tcp_connect/],
      [{ on_http_request: [{ actions: [{ type: 'basic-auth', config: {} }] }] }, 'ERR_NGROK_2204', /credentials must be a non-empty list/],
      [{ on_http_request: [{ actions: [{ type: 'basic-auth', config: { credentials: ['nocolon'] } }] }] }, 'ERR_NGROK_2204', /must look like "username:password"/],
      [{ on_http_request: [{ actions: [{ type: 'basic-auth', config: { credentials: ['u:1234567'] } }] }] }, 'ERR_NGROK_2204', /8 to 128 characters \(got 7\)/],
      [{ on_http_request: [{ actions: [{ type: 'basic-auth', config: { credentials: Array.from({ length: 11 }, (_, i) => `u${i}:12345678`) } }] }] }, 'ERR_NGROK_2204', /at most 10/],
      [{ on_http_request: [{ actions: [{ type: 'basic-auth', config: { credentials: ['u:12345678'], realm: 'a"b' } }] }] }, 'ERR_NGROK_2204', /realm/],
      [{ on_http_request: [{ actions: [{ type: 'basic-auth', config: { credentials: ['u:12345678'], enforce: 'yes' } }] }] }, 'ERR_NGROK_2204', /enforce must be true or false/],
      [{ on_http_request: [{ actions: [{ type: 'restrict-ips', config: {} }] }] }, 'ERR_NGROK_2204', /at least one entry/],
      [{ on_http_request: [{ actions: [{ type: 'restrict-ips', config: { allow: ['10.0.0.0/33'] } }] }] }, 'ERR_NGROK_2204', /"10\.0\.0\.0\/33" is not a CIDR/],
      [{ on_http_request: [{ actions: [{ type: 'restrict-ips', config: { allow: '10.0.0.0/8' } }] }] }, 'ERR_NGROK_2204', /allow must be a list of CIDR strings/],
      [{ on_http_request: [{ actions: [{ type: 'restrict-ips', config: { deny: ['::1/128'] } }] }] }, 'ERR_NGROK_393', /at least one CIDR to allow/],
      [{ on_http_request: [{ actions: [{ type: 'verify-webhook', config: { secret: 's' } }] }] }, 'ERR_NGROK_2204', /provider is required/],
    ];
    for (const [document, code, message] of cases) {
      const refused = refusal({ TrafficPolicy: typeof document === 'string' ? document : JSON.stringify(document) });
      assert.equal(refused.code, code, JSON.stringify(document));
      assert.match(refused.message, message, JSON.stringify(document));
      assert.match(refused.message, code === 'ERR_NGROK_2201' ? /^The traffic policy is invalid: / : /./);
    }
    assert.equal(refusal({ IPRestriction: { allow_cidrs: ['nope'] } }).code, 'ERR_NGROK_2204');
    assert.equal(refusal({ IPRestriction: { deny_cidrs: ['10.0.0.0/8'] } }).code, 'ERR_NGROK_393');
    assert.equal(refusal({ BasicAuth: { credentials: [] } }).code, 'ERR_NGROK_2204');
  });

  it('accepts the legacy option forms as the SDK sends them', () => {
    const result = parse({
      IPRestriction: { allow_cidrs: ['10.0.0.0/8', '192.168.0.0/16'], deny_cidrs: ['10.1.2.3/32'] },
      BasicAuth: { credentials: [{ username: 'alice', cleartext_password: 'password123' }, { username: 'bob', hashed_password: 'aGFzaA==' }] },
      WebhookVerification: { provider: 'github', secret: 'secret' },
    });
    assert.ok(result.ok && result.policy);
    const { policy } = result;
    assert.deepEqual(policy.rules.map((r) => [r.source, r.actions[0]?.kind]), [
      ['IPRestriction', 'restrict-ips'],
      ['BasicAuth', 'basic-auth'],
      ['WebhookVerification', 'verify-webhook'],
    ]);
    assert.match(policy.warnings.join('\n'), /user "bob" has no cleartext_password/);
    assert.match(policy.warnings.join('\n'), /verify-webhook \(github\) is recorded but not enforced/);
    assert.equal(status(policy, '10.1.2.3', [basic('alice', 'password123')]), 403);
    assert.equal(status(policy, '10.1.2.4'), 401);
    assert.equal(status(policy, '10.1.2.4', [basic('alice', 'password123')]), 200);
  });

  it('matches CIDRs by family, as ngrok does (::/0 is not an IPv4 rule), and unwraps IPv4-mapped clients', () => {
    assert.deepEqual(parseCidr('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    assert.deepEqual(parseCidr('::1'), { address: '::1', prefix: 128, family: 'ipv6' });
    for (const bad of ['', '10.0.0.0/', '10.0.0.0/-1', '10.0.0/8', '::1/129', 'localhost/8', '10.0.0.0/8/8']) assert.equal(parseCidr(bad), null, bad);
    assert.equal(matchesCidrs(['::/0'], '127.0.0.1'), false);
    assert.equal(matchesCidrs(['0.0.0.0/0'], '::1'), false);
    assert.equal(matchesCidrs(['0.0.0.0/0', '::/0'], '::1'), true);
    assert.equal(matchesCidrs(['127.0.0.0/8'], '127.255.0.1'), true);
    assert.equal(matchesCidrs(['fd00::/8'], 'fd12::5'), true);
    assert.equal(matchesCidrs(['127.0.0.0/8'], 'not an ip'), false);

    const v6only = policyOf({ on_http_request: [{ actions: [{ type: 'restrict-ips', config: { allow: ['::/0'] } }] }] });
    assert.equal(status(v6only, '127.0.0.1'), 403, 'an IPv4 client needs an IPv4 allow rule');
    assert.equal(status(v6only, '::1'), 200);
    const local = policyOf({ on_http_request: [{ actions: [{ type: 'restrict-ips', config: { allow: ['127.0.0.0/8'] } }] }] });
    assert.equal(status(local, '::ffff:127.0.0.1'), 200);
  });

  it('checks Basic credentials strictly: scheme, one header, exact user and password', () => {
    const policy = policyOf({ on_http_request: [{ actions: [{ type: 'basic-auth', config: { realm: 'r', credentials: ['dev:correct-horse', 'ünï:pässwörd-1'] } }] }] });
    assert.equal(status(policy, '1.2.3.4', [basic('dev', 'correct-horse')]), 200);
    assert.equal(status(policy, '1.2.3.4', [`bAsIc   ${Buffer.from('dev:correct-horse').toString('base64')}`]), 200);
    assert.equal(status(policy, '1.2.3.4', [basic('ünï', 'pässwörd-1')]), 200);
    assert.equal(status(policy, '1.2.3.4', [basic('Dev', 'correct-horse')]), 401);
    assert.equal(status(policy, '1.2.3.4', [basic('dev', 'correct-horse ')]), 401);
    assert.equal(status(policy, '1.2.3.4', [basic('dev', 'correct-horse'), basic('dev', 'correct-horse')]), 401);
    assert.equal(status(policy, '1.2.3.4', [`Bearer ${Buffer.from('dev:correct-horse').toString('base64')}`]), 401);
    assert.equal(status(policy, '1.2.3.4', [`Basic ${Buffer.from('devcorrect-horse').toString('base64')}`]), 401);
    const verdict = evaluatePolicy(policy, { clientIp: '1.2.3.4', authorization: [] });
    assert.ok(!verdict.allowed);
    assert.equal(verdict.reason, 'no credentials (on_http_request rule (unnamed))');
    const page = renderErrorPage(verdict.page).toString('latin1');
    assert.match(page, /^HTTP\/1\.1 401 Unauthorized\r\n/);
    assert.match(page, /\r\nWWW-Authenticate: Basic realm="r"\r\n/);
    assert.doesNotMatch(page, /Ngrok-Error-Code/);
  });

  it('stops at the first enforcing failure, in rule order; enforce: false continues', () => {
    const policy = policyOf({
      on_http_request: [
        { actions: [{ type: 'restrict-ips', config: { allow: ['10.0.0.0/8'], enforce: false } }] },
        { actions: [{ type: 'basic-auth', config: { credentials: ['u:12345678'] } }, { type: 'restrict-ips', config: { allow: ['127.0.0.0/8'] } }] },
      ],
    });
    assert.equal(status(policy, '127.0.0.1'), 401);
    assert.equal(status(policy, '192.0.2.1'), 401, 'basic-auth comes first in the second rule');
    assert.equal(status(policy, '192.0.2.1', [basic('u', '12345678')]), 403);
    assert.equal(status(policy, '127.0.0.1', [basic('u', '12345678')]), 200);
  });

  it('a rebind (same tunnel Id) replaces the Opts and the policy; a Bind without a policy clears it', () => {
    const registry = new TunnelRegistry('localhost', () => 'name');
    const request = (id: string, opts: HttpOpts): BindRequest => ({ Id: id, Proto: 'https', ForwardsTo: 'x', ForwardsProto: '', Opts: opts, Extra: {} });
    const authOpts: HttpOpts = { TrafficPolicy: JSON.stringify({ on_http_request: [{ actions: [{ type: 'basic-auth', config: { credentials: ['u:12345678'] } }] }] }) };
    const first = registry.bind(request('', authOpts), 'c1', 's1', policyOf(JSON.parse(authOpts.TrafficPolicy ?? '')));
    assert.ok(first.ok);
    assert.equal(first.tunnel.policy?.rules[0]?.actions[0]?.kind, 'basic-auth');
    registry.detach('c1');
    const ipOpts: HttpOpts = { IPRestriction: { allow_cidrs: ['127.0.0.0/8'] } };
    const parsed = parse(ipOpts);
    assert.ok(parsed.ok);
    const again = registry.bind(request(first.tunnel.id, ipOpts), 'c2', 's1', parsed.policy);
    assert.ok(again.ok && again.rebind);
    assert.deepEqual(again.tunnel.opts, ipOpts);
    assert.equal(registry.get(first.tunnel.id)?.policy?.rules[0]?.source, 'IPRestriction');
    registry.detach('c2');
    const bare = registry.bind(request(first.tunnel.id, {}), 'c3', 's1');
    assert.ok(bare.ok);
    assert.equal(registry.get(first.tunnel.id)?.policy, null);
  });

  it('a request stream halts at a refused head: that request and everything after it are dropped', () => {
    let n = 0;
    const stream = new HttpRequestStream((head) => (++n === 2 ? null : insertHeaders(head.raw, [['X-N', String(n)]])));
    const first = 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc';
    const second = 'GET /b HTTP/1.1\r\nHost: x\r\n\r\n';
    const out = stream.push(Buffer.from(first + second.slice(0, 10), 'latin1'));
    assert.equal(out.toString('latin1'), 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nX-N: 1\r\n\r\nabc');
    assert.equal(stream.halted, false);
    assert.equal(stream.push(Buffer.from(second.slice(10) + 'GET /c HTTP/1.1\r\n\r\n', 'latin1')).length, 0);
    assert.equal(stream.halted, true);
    assert.equal(stream.requests, 2);
    assert.equal(stream.push(Buffer.from('more bytes')).length, 0);
    assert.equal(stream.flush().length, 0);
  });
});
