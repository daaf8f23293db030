import assert from 'node:assert/strict';
import { composeTrafficPolicy } from '../../../src/core/tunnel/trafficPolicy';
import { maskTrafficPolicy, renderMaskedTrafficPolicy, secretMask } from '../../../src/core/tunnel/trafficPolicyMask';

describe('maskTrafficPolicy', () => {
  const { document } = composeTrafficPolicy({
    basicAuth: { credentials: [{ username: 'dev', password: 'correcthorse' }, { username: 'ops', password: "${secrets.get('tunnel','ops')}" }] },
    ipRestrictions: { allow: ['140.82.112.0/20', '::/0'], deny: [] },
    webhookVerification: { provider: 'github', secret: 'gh-secret' },
    userPolicy: { on_http_request: [{ actions: [{ type: 'oauth', config: { provider: 'google', client_id: 'id', client_secret: 'oauth-secret' } }] }] },
  });

  it('replaces passwords and secrets, keeping user names, CEL references and everything else', () => {
    assert.equal(secretMask, '••••••');
    assert.deepEqual(maskTrafficPolicy(document), {
      on_http_request: [
        {
          name: 'Webhook Tunnel protections',
          actions: [
            { type: 'restrict-ips', config: { enforce: true, allow: ['140.82.112.0/20', '::/0'] } },
            { type: 'basic-auth', config: { credentials: ['dev:••••••', "ops:${secrets.get('tunnel','ops')}"], enforce: true } },
            { type: 'verify-webhook', config: { provider: 'github', secret: '••••••', enforce: true } },
          ],
        },
        { actions: [{ type: 'oauth', config: { provider: 'google', client_id: 'id', client_secret: '••••••' } }] },
      ],
    });
  });

  it('leaves the original untouched and renders indented JSON without any secret', () => {
    const rendered = renderMaskedTrafficPolicy(document);
    assert.equal(JSON.stringify(document).includes('correcthorse'), true);
    for (const secret of ['correcthorse', 'gh-secret', 'oauth-secret']) assert.equal(rendered.includes(secret), false, secret);
    assert.match(rendered, /^\{\n {2}"on_http_request": \[/);
  });
});
