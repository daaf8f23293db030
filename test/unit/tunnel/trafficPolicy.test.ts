import assert from 'node:assert/strict';
import { buildEffectiveConfig } from '../../../src/core/config/effectiveConfig';
import { trafficPolicyInputOf } from '../../../src/core/config/policyInput';
import { readTunnelToml } from '../../../src/core/config/tunnelToml';
import { validateForStart } from '../../../src/core/config/validateForStart';
import { composeTrafficPolicy } from '../../../src/core/tunnel/trafficPolicy';
import type { PolicyDocument } from '../../../src/core/tunnel/trafficPolicyTypes';

const basicAuth = { credentials: [{ username: 'dev', password: 'correcthorse' }] };
const ipRestrictions = { allow: ['140.82.112.0/20', '2606:50c0::/32'], deny: ['140.82.115.0/24'] };
const webhookVerification = { provider: 'github', secret: 'gh-secret' };

const restrictIps = { type: 'restrict-ips', config: { enforce: true, allow: ['140.82.112.0/20', '2606:50c0::/32'], deny: ['140.82.115.0/24'] } };
const basicAuthAction = { type: 'basic-auth', config: { credentials: ['dev:correcthorse'], enforce: true } };
const verifyWebhook = { type: 'verify-webhook', config: { provider: 'github', secret: 'gh-secret', enforce: true } };
const ours = (...actions: object[]) => ({ on_http_request: [{ name: 'Webhook Tunnel protections', actions }] });

describe('composeTrafficPolicy', () => {
  it('sets no policy when nothing is on', () => {
    assert.deepEqual(composeTrafficPolicy({}), { document: {}, json: '', warnings: [] });
  });

  it('basic-auth alone', () => {
    const composed = composeTrafficPolicy({ basicAuth: { credentials: [{ username: 'dev', password: 'correcthorse' }, { username: 'ops', password: 'pass:with:colons' }] } });
    assert.deepEqual(composed.document, ours({ type: 'basic-auth', config: { credentials: ['dev:correcthorse', 'ops:pass:with:colons'], enforce: true } }));
    assert.equal(composed.json, '{"on_http_request":[{"name":"Webhook Tunnel protections","actions":[{"type":"basic-auth","config":{"credentials":["dev:correcthorse","ops:pass:with:colons"],"enforce":true}}]}]}');
    assert.deepEqual(composed.warnings, []);
  });

  it('restrict-ips alone', () => {
    const composed = composeTrafficPolicy({ ipRestrictions });
    assert.deepEqual(composed.document, ours(restrictIps));
    assert.deepEqual(composed.warnings, []);
  });

  it('restrict-ips with only a deny list allows everyone else (ngrok needs an allow match)', () => {
    assert.deepEqual(composeTrafficPolicy({ ipRestrictions: { allow: [], deny: ['203.0.113.0/24'] } }).document, ours({ type: 'restrict-ips', config: { enforce: true, allow: ['0.0.0.0/0', '::/0'], deny: ['203.0.113.0/24'] } }));
  });

  it('restrict-ips warns when the allow list leaves out a whole IP family', () => {
    const v4 = composeTrafficPolicy({ ipRestrictions: { allow: ['140.82.112.0/20'], deny: [] } });
    assert.deepEqual(v4.document, ours({ type: 'restrict-ips', config: { enforce: true, allow: ['140.82.112.0/20'] } }));
    assert.deepEqual(v4.warnings, ['The IP allow list has only IPv4 ranges, so every client that connects over IPv6 gets 403. Add the sender\'s IPv6 ranges too (or ::/0 to let all IPv6 through).']);
    assert.match(composeTrafficPolicy({ ipRestrictions: { allow: ['2606:50c0::/32'], deny: [] } }).warnings[0]!, /only IPv6 ranges/);
  });

  it('verify-webhook alone, and without a secret for providers that need none', () => {
    assert.deepEqual(composeTrafficPolicy({ webhookVerification }).document, ours(verifyWebhook));
    assert.deepEqual(composeTrafficPolicy({ webhookVerification: { provider: 'sns' } }).document, ours({ type: 'verify-webhook', config: { provider: 'sns', enforce: true } }));
  });

  it('all three in one rule: IPs first, then credentials, then the signature', () => {
    const composed = composeTrafficPolicy({ basicAuth, ipRestrictions, webhookVerification });
    assert.deepEqual(composed.document, ours(restrictIps, basicAuthAction, verifyWebhook));
    assert.deepEqual(JSON.parse(composed.json), composed.document);
    assert.deepEqual(composed.warnings, []);
  });

  it('adds PRX\'s circuit_breaker and compression as their Traffic Policy actions', () => {
    assert.deepEqual(composeTrafficPolicy({ basicAuth, circuitBreaker: 0.5, compression: true }).document, {
      on_http_request: [{ name: 'Webhook Tunnel protections', actions: [basicAuthAction, { type: 'circuit-breaker', config: { error_threshold: 0.5 } }] }],
      on_http_response: [{ name: 'Webhook Tunnel compression', actions: [{ type: 'compress-response', config: { algorithms: ['gzip', 'br', 'deflate', 'compress'] } }] }],
    });
  });

  it('merges the user\'s policy after ours, phase by phase', () => {
    const userPolicy: PolicyDocument = {
      on_http_request: [{ expressions: ["req.url.path.startsWith('/admin')"], actions: [{ type: 'deny' }] }],
      on_http_response: [{ actions: [{ type: 'add-headers', config: { headers: { 'x-served-by': 'ngrok' } } }] }],
      on_tcp_connect: [{ actions: [{ type: 'restrict-ips', config: { allow: ['10.0.0.0/8'] } }] }],
    };
    const composed = composeTrafficPolicy({ webhookVerification, compression: true, userPolicy });
    assert.deepEqual(composed.document, {
      on_http_request: [{ name: 'Webhook Tunnel protections', actions: [verifyWebhook] }, userPolicy.on_http_request![0]],
      on_http_response: [{ name: 'Webhook Tunnel compression', actions: [{ type: 'compress-response', config: { algorithms: ['gzip', 'br', 'deflate', 'compress'] } }] }, userPolicy.on_http_response![0]],
      on_tcp_connect: userPolicy.on_tcp_connect,
    });
    assert.deepEqual(Object.keys(composed.document), ['on_http_request', 'on_http_response', 'on_tcp_connect']);
    assert.deepEqual(composeTrafficPolicy({ userPolicy }).document, userPolicy);
  });

  it('warns when the policy has more rules than ngrok\'s free plan allows (5)', () => {
    const rule = { actions: [{ type: 'log' }] };
    const five: PolicyDocument = { on_http_request: [rule, rule, rule], on_http_response: [rule, rule] };
    assert.deepEqual(composeTrafficPolicy({ userPolicy: five }).warnings, []);
    const composed = composeTrafficPolicy({ basicAuth, userPolicy: five });
    assert.equal(composed.document.on_http_request?.length, 4);
    assert.deepEqual(composed.warnings, [
      'The traffic policy has 6 rules (1 from Webhook Tunnel, 5 from your policy file); ngrok\'s free plan allows 5 per policy, so on a free account the endpoint won\'t start (ERR_NGROK_15004). Merge rules in your policy file, or upgrade.',
    ]);
  });

  it('composes what a TOML file with all three protections asks for, end to end', () => {
    const read = readTunnelToml(
      [
        '[tunnel.ngrok]',
        'basic_auth = ["dev:${PW}"]',
        '[tunnel.ngrok.ip_restrictions]',
        'allow_cidrs = ["140.82.112.0/20", "2606:50C0::/32"]',
        'deny_cidrs = ["140.82.115.0/24"]',
        '[tunnel.ngrok.verify_webhook]',
        'provider = "github"',
        'secret = "${GH}"',
      ].join('\n'),
      'webhook-tunnel.toml',
      { PW: 'correcthorse', GH: 'gh-secret' },
    );
    const effective = buildEffectiveConfig({ toml: read });
    assert.deepEqual(validateForStart(effective), []);
    assert.deepEqual(composeTrafficPolicy(trafficPolicyInputOf(effective)).document, ours(restrictIps, basicAuthAction, verifyWebhook));
  });
});
