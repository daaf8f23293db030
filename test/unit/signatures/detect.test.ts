// detectProvider on realistic deliveries: the real GitHub payloads from octokit/webhooks with GitHub's header set,
// then one typical header set per provider, and the look-alikes that must not be confused.
import assert from 'node:assert/strict';
import { detectProvider } from '../../../src/core/signatures/detect';
import { sign, verify } from '../../../src/core/signatures/signatures';
import { NOW, asSent, githubFixtures, githubHeaders, request } from './signatureFixtures';

describe('signatures: detectProvider', () => {
  const fixtures = githubFixtures();

  it('has the six GitHub fixtures', () => {
    assert.deepEqual(fixtures.map((f) => f.event).sort(), ['issues', 'ping', 'pull_request', 'push', 'release', 'workflow_run']);
  });

  for (const fixture of fixtures) {
    it(`GitHub ${fixture.file}: detected as github/${fixture.event}, signed and verified byte for byte`, () => {
      const req = request({ body: fixture.body, rawHeaders: githubHeaders(fixture.event, fixture.body) });
      assert.deepEqual(detectProvider(req.rawHeaders, req.body), { provider: 'github', eventType: fixture.event });
      const sent = asSent(req, sign('github', req, 'fixture-secret', { now: NOW }));
      // Signatures are appended after GitHub's own headers; nothing else moves.
      assert.deepEqual(sent.rawHeaders.slice(0, req.rawHeaders.length), req.rawHeaders);
      assert.equal(verify('github', sent, 'fixture-secret').status, 'valid');
      // Re-serialising the JSON (what a framework's body parser hands an app) is a different body.
      const reparsed = Buffer.from(JSON.stringify(JSON.parse(fixture.body.toString('utf8'))));
      const verdict = verify('github', { ...sent, body: reparsed }, 'fixture-secret');
      assert.equal(verdict.status === 'invalid' && verdict.reason, 'bodyChanged');
    });
  }

  const typical: Array<[string, string[], ReturnType<typeof detectProvider>]> = [
    ['GitLab', ['X-Gitlab-Event', 'Push Hook', 'X-Gitlab-Token', 't', 'X-Gitlab-Instance', 'https://gitlab.com'], { provider: 'gitlab', eventType: 'Push Hook' }],
    ['Bitbucket', ['X-Event-Key', 'repo:push', 'X-Hook-UUID', 'u', 'X-Hub-Signature', 'sha256=00'], { provider: 'bitbucket', eventType: 'repo:push' }],
    ['Stripe', ['Stripe-Signature', 't=1,v1=00', 'User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)'], { provider: 'stripe' }],
    ['Slack', ['X-Slack-Request-Timestamp', '1', 'X-Slack-Signature', 'v0=00'], { provider: 'slack' }],
    ['Shopify', ['X-Shopify-Topic', 'orders/create', 'X-Shopify-Hmac-Sha256', 'AA==', 'X-Shopify-Shop-Domain', 's.myshopify.com'], { provider: 'shopify', eventType: 'orders/create' }],
    ['Twilio', ['X-Twilio-Signature', 'AA==', 'I-Twilio-Idempotency-Token', 'x'], { provider: 'twilio' }],
    ['SendGrid (not Twilio)', ['X-Twilio-Email-Event-Webhook-Signature', 'MEU=', 'X-Twilio-Email-Event-Webhook-Timestamp', '1'], { provider: 'sendgrid' }],
    ['CircleCI', ['circleci-event-type', 'workflow-completed', 'circleci-signature', 'v1=00'], { provider: 'circleci', eventType: 'workflow-completed' }],
    ['Svix', ['svix-id', 'msg_1', 'svix-timestamp', '1', 'svix-signature', 'v1,AA=='], { provider: 'svix' }],
    ['Standard Webhooks', ['webhook-id', 'msg_1', 'webhook-timestamp', '1', 'webhook-signature', 'v1,AA=='], { provider: 'standard_webhooks' }],
    ['PagerDuty', ['X-PagerDuty-Signature', 'v1=00', 'X-Webhook-Id', 'w'], { provider: 'pagerduty' }],
    ['Zoom', ['x-zm-request-timestamp', '1', 'x-zm-signature', 'v0=00'], { provider: 'zoom' }],
    ['Calendly', ['Calendly-Webhook-Signature', 't=1,v1=00'], { provider: 'calendly' }],
    ['Mux', ['Mux-Signature', 't=1,v1=00'], { provider: 'mux' }],
    ['Linear', ['Linear-Delivery', 'd', 'Linear-Event', 'Issue', 'Linear-Signature', '00'], { provider: 'linear', eventType: 'Issue' }],
    ['Intercom (sha1 X-Hub-Signature alone)', ['X-Hub-Signature', 'sha1=00'], { provider: 'intercom' }],
    ['HubSpot', ['X-HubSpot-Signature-v3', 'AA==', 'X-HubSpot-Request-Timestamp', '1'], { provider: 'hubspot' }],
    ['Amazon SNS', ['x-amz-sns-message-type', 'Notification', 'x-amz-sns-topic-arn', 'arn:aws:sns:us-east-1:1:t'], { provider: 'sns', eventType: 'Notification' }],
    ['GitHub legacy SHA-1 only (still GitHub, not Intercom)', ['X-GitHub-Event', 'ping', 'X-Hub-Signature', 'sha1=00'], { provider: 'github', eventType: 'ping' }],
    ['nothing a provider sends', ['Host', 'x', 'User-Agent', 'curl/8.5.0', 'X-Hub-Signature-256', 'sha256=00'], undefined],
  ];
  for (const [name, rawHeaders, expected] of typical) {
    it(name, () => assert.deepEqual(detectProvider(rawHeaders), expected));
  }

  it('is case-insensitive about header names', () => {
    assert.deepEqual(detectProvider(['x-github-event', 'push']), { provider: 'github', eventType: 'push' });
    assert.deepEqual(detectProvider(['STRIPE-SIGNATURE', 't=1,v1=00']), { provider: 'stripe' });
  });

  it('reads the event from well-known body fields when given the body', () => {
    const stripe = Buffer.from('{"id":"evt_1","type":"payment_intent.succeeded"}');
    assert.deepEqual(detectProvider(['Stripe-Signature', 't=1,v1=00'], stripe), { provider: 'stripe', eventType: 'payment_intent.succeeded' });
    const pagerduty = Buffer.from('{"event":{"id":"1","event_type":"incident.triggered"}}');
    assert.deepEqual(detectProvider(['X-PagerDuty-Signature', 'v1=00'], pagerduty), { provider: 'pagerduty', eventType: 'incident.triggered' });
    assert.deepEqual(detectProvider(['Stripe-Signature', 't=1,v1=00'], Buffer.from('not json')), { provider: 'stripe' });
  });

  it('finds Mailgun only from its body (it signs no header)', () => {
    const json = Buffer.from('{"signature":{"timestamp":"1","token":"t","signature":"00"},"event-data":{"event":"delivered"}}');
    assert.deepEqual(detectProvider(['Content-Type', 'application/json'], json), { provider: 'mailgun', eventType: 'delivered' });
    const form = Buffer.from('timestamp=1&token=t&signature=00&event=opened');
    assert.deepEqual(detectProvider(['Content-Type', 'application/x-www-form-urlencoded'], form), { provider: 'mailgun' });
    assert.equal(detectProvider(['Content-Type', 'application/json'], Buffer.from('{"signature":"x"}')), undefined);
    assert.equal(detectProvider(['Content-Type', 'application/json']), undefined);
  });
});
