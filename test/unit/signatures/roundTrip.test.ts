// sign → verify for every provider that can sign, and each way a check can fail, with the reason it must give.
import assert from 'node:assert/strict';
import { headerValue } from '../../../src/core/capture/exchange';
import { providerCatalogue, providerInfo } from '../../../src/core/signatures/catalogue';
import type { ProviderId, SignedRequest, Verdict } from '../../../src/core/signatures/provider';
import { SignError } from '../../../src/core/signatures/provider';
import { sign, stripSignatures, verify } from '../../../src/core/signatures/signatures';
import { NOW, asSent, request } from './signatureFixtures';

interface Case {
  readonly provider: ProviderId;
  readonly secret: string;
  /** Another secret of the right form. */
  readonly otherSecret: string;
  readonly request: SignedRequest;
  /** A secret of the wrong kind, where the scheme can tell. */
  readonly wrongFormat?: string;
  /** What a changed body does: most schemes notice; GitLab's token and Mailgun's signature don't cover it. */
  readonly tamper?: 'undetectable';
  /** Tolerance to pass when the provider sets no default but the scheme has a timestamp. */
  readonly tolerance?: number;
}

const json = '{"id":"evt_1","type":"ping","data":{"name":"Zoë ✓"}}';
const jsonHeaders = ['Host', 'localhost:3000', 'Content-Type', 'application/json; charset=utf-8', 'Content-Length', '0'];
const form = 'CallSid=CA1&From=%2B15005550006&Body=hello+there';
const formHeaders = ['Host', 'localhost:3000', 'Content-Type', 'application/x-www-form-urlencoded', 'Content-Length', '0'];
const standardSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const otherStandardSecret = 'whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldY';
const mailgunBody = '{"signature": {"timestamp": "1", "token": "t", "signature": "00"}, "event-data": {"event": "delivered", "recipient": "zoë@example.com"}}';
const linearBody = '{"action":"create","type":"Issue","data":{"title":"Ünïcode"},"webhookTimestamp":1}';

const cases: readonly Case[] = [
  { provider: 'github', secret: "It's a Secret to Everybody", otherSecret: 'another', request: request({ body: json, rawHeaders: jsonHeaders }) },
  { provider: 'stripe', secret: 'whsec_test_secret', otherSecret: 'whsec_other', wrongFormat: 'sk_test_51Hx', request: request({ body: json, rawHeaders: jsonHeaders }) },
  { provider: 'slack', secret: '8f742231b10e8888abcd99yyyzzz85a5', otherSecret: 'x', request: request({ body: form, rawHeaders: formHeaders }) },
  { provider: 'shopify', secret: 'shpss_test_secret', otherSecret: 'x', request: request({ body: json, rawHeaders: jsonHeaders }) },
  {
    provider: 'twilio',
    secret: '12345',
    otherSecret: '54321',
    wrongFormat: 'AC0123456789abcdef0123456789abcdef',
    request: request({ url: '/sms?tenant=a%20b', publicUrl: 'https://abc.ngrok.app', body: form, rawHeaders: formHeaders }),
  },
  { provider: 'circleci', secret: 'hunter123', otherSecret: 'x', request: request({ body: json, rawHeaders: jsonHeaders }) },
  { provider: 'gitlab', secret: 'glwt-token', otherSecret: 'glwt-other', tamper: 'undetectable', request: request({ body: json, rawHeaders: jsonHeaders }) },
  { provider: 'standard_webhooks', secret: standardSecret, otherSecret: otherStandardSecret, wrongFormat: 'whsec_not base64!', request: request({ body: json, rawHeaders: jsonHeaders }) },
  { provider: 'svix', secret: standardSecret, otherSecret: otherStandardSecret, wrongFormat: 'my-secret!', request: request({ body: json, rawHeaders: jsonHeaders }) },
  { provider: 'clerk', secret: standardSecret, otherSecret: otherStandardSecret, request: request({ body: json, rawHeaders: jsonHeaders }) },
  { provider: 'resend', secret: standardSecret, otherSecret: otherStandardSecret, request: request({ body: json, rawHeaders: jsonHeaders }) },
  { provider: 'brex', secret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', otherSecret: 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldY', request: request({ body: json, rawHeaders: jsonHeaders }) },
  { provider: 'pagerduty', secret: 'pd-secret', otherSecret: 'x', request: request({ body: json, rawHeaders: jsonHeaders }) },
  { provider: 'zoom', secret: 'zoom-secret-token', otherSecret: 'x', request: request({ body: json, rawHeaders: jsonHeaders }) },
  { provider: 'mailgun', secret: 'mg_signing_key', otherSecret: 'x', tamper: 'undetectable', tolerance: 300, request: request({ body: mailgunBody, rawHeaders: jsonHeaders }) },
  { provider: 'calendly', secret: 'calendly-key', otherSecret: 'x', request: request({ body: json, rawHeaders: jsonHeaders }) },
  { provider: 'mux', secret: 'mux-secret', otherSecret: 'x', request: request({ body: json, rawHeaders: jsonHeaders }) },
  { provider: 'bitbucket', secret: 'bb-secret', otherSecret: 'x', request: request({ body: json, rawHeaders: jsonHeaders }) },
  { provider: 'linear', secret: 'lin_wh_secret', otherSecret: 'x', request: request({ body: linearBody, rawHeaders: jsonHeaders }) },
  { provider: 'intercom', secret: 'ic_secret', otherSecret: 'x', request: request({ body: json, rawHeaders: jsonHeaders }) },
  {
    provider: 'hubspot',
    secret: 'a1b2c3d4-0000-4000-8000-000000000000',
    otherSecret: 'x',
    wrongFormat: 'pat-na1-11111111-2222',
    request: request({ url: '/hubspot?portal=1&path=%2Fa%3Ab', publicUrl: 'https://abc.ngrok.app', body: json, rawHeaders: jsonHeaders }),
  },
];

function reasonOf(verdict: Verdict): string {
  return verdict.status === 'invalid' ? verdict.reason : verdict.status;
}

/** Changes one byte-level detail of the body the way an edit in the replay panel would. */
function tampered(body: Buffer): Buffer {
  return Buffer.concat([body, Buffer.from(' ', 'utf8')]);
}

describe('signatures: sign → verify round trip', () => {
  it('covers every provider that can sign', () => {
    const signing = providerCatalogue.filter((info) => info.canSign).map((info) => info.id);
    assert.deepEqual([...cases.map((c) => c.provider)].sort(), [...signing].sort());
  });

  for (const c of cases) {
    describe(c.provider, () => {
      const tolerance = c.tolerance ?? providerInfo(c.provider).toleranceSeconds;
      const options = { now: NOW, ...(c.tolerance === undefined ? {} : { toleranceSeconds: c.tolerance }) };
      const signedParts = () => sign(c.provider, c.request, c.secret, { now: NOW });
      const signed = () => asSent(c.request, signedParts());

      it('verifies what it signed', () => {
        const verdict = verify(c.provider, signed(), c.secret, options);
        assert.equal(verdict.status, 'valid', JSON.stringify(verdict));
      });

      it('sets Content-Length to the body it returns', () => {
        const parts = signedParts();
        assert.equal(headerValue(parts.rawHeaders, 'content-length'), String(parts.body.length));
        assert.equal(parts.rawHeaders.filter((_, i) => i % 2 === 0 && parts.rawHeaders[i]!.toLowerCase() === 'content-length').length, 1);
      });

      it(c.tamper === 'undetectable' ? 'cannot notice a changed body (the scheme does not cover it)' : 'rejects a changed body: bodyChanged', () => {
        const sent = signed();
        const verdict = verify(c.provider, { ...sent, body: tampered(sent.body) }, c.secret, options);
        if (c.tamper === 'undetectable') assert.equal(verdict.status, 'valid');
        else {
          assert.equal(reasonOf(verdict), 'bodyChanged');
          assert.match(verdict.status === 'invalid' ? verdict.message : '', /changed/);
        }
      });

      it(`rejects the wrong secret: ${c.provider === 'gitlab' ? 'tokenMismatch' : 'bodyChanged'}`, () => {
        const verdict = verify(c.provider, signed(), c.otherSecret, options);
        assert.equal(reasonOf(verdict), c.provider === 'gitlab' ? 'tokenMismatch' : 'bodyChanged');
        if (c.provider !== 'gitlab') assert.match(verdict.status === 'invalid' ? verdict.message : '', /secret|key|token/i);
      });

      it('rejects a request without the signature: missingSignature', () => {
        const sent = signed();
        const unsignedRequest =
          c.provider === 'mailgun' ? { ...sent, body: Buffer.from('{"event-data":{}}') } : { ...sent, rawHeaders: stripSignatures(c.provider, sent.rawHeaders) };
        assert.equal(reasonOf(verify(c.provider, unsignedRequest, c.secret, options)), 'missingSignature');
        // With no secret there is nothing to insist on.
        assert.deepEqual(verify(c.provider, unsignedRequest, undefined, options), { status: 'unsigned', provider: c.provider });
        assert.deepEqual(verify(c.provider, sent, '  ', options), { status: 'noSecret', provider: c.provider });
      });

      if (tolerance !== undefined) {
        it(`rejects a stale timestamp (> ${tolerance} s): timestampOutOfTolerance, saying by how much`, () => {
          const later = NOW + (tolerance + 90) * 1000;
          const verdict = verify(c.provider, signed(), c.secret, { ...options, now: later });
          assert.equal(reasonOf(verdict), 'timestampOutOfTolerance');
          assert.match(verdict.status === 'invalid' ? verdict.message : '', /1 min 30 s outside the/);
          // Re-signing at the later time makes it fresh again.
          const resigned = asSent(c.request, sign(c.provider, c.request, c.secret, { now: later }));
          assert.equal(verify(c.provider, resigned, c.secret, { ...options, now: later }).status, 'valid');
        });
      }

      if (c.wrongFormat !== undefined) {
        it('rejects a secret of the wrong kind: wrongSecretFormat', () => {
          assert.equal(reasonOf(verify(c.provider, signed(), c.wrongFormat!, options)), 'wrongSecretFormat');
          assert.throws(() => sign(c.provider, c.request, c.wrongFormat!), (error: unknown) => SignError.is(error, 'wrongSecretFormat'));
        });
      }

      it('re-signing an already signed request replaces its headers in place', () => {
        const once = signedParts().rawHeaders;
        const twice = sign(c.provider, { ...c.request, rawHeaders: once }, c.secret, { now: NOW + 1000 }).rawHeaders;
        assert.equal(twice.length, once.length);
        assert.deepEqual(
          twice.filter((_, i) => i % 2 === 0),
          once.filter((_, i) => i % 2 === 0),
        );
      });
    });
  }
});

describe('signatures: sign keeps the request as it was', () => {
  it('replaces a signature header where it was, in the sender\'s case, and drops a duplicate', () => {
    const req = request({
      body: '{"changed":true}',
      rawHeaders: ['host', 'x', 'x-hub-signature-256', 'sha256=old', 'Content-Length', '5', 'X-HUB-SIGNATURE-256', 'sha256=dup', 'Accept', '*/*'],
    });
    const { rawHeaders } = sign('github', req, 's');
    assert.deepEqual(rawHeaders.filter((_, i) => i % 2 === 0), ['host', 'x-hub-signature-256', 'Content-Length', 'Accept']);
    assert.match(rawHeaders[3]!, /^sha256=[0-9a-f]{64}$/);
    assert.equal(rawHeaders[5], '16');
  });

  it('refreshes GitHub\'s legacy SHA-1 header too when the sender included it', () => {
    const req = request({ body: 'x', rawHeaders: ['X-Hub-Signature', 'sha1=old', 'X-Hub-Signature-256', 'sha256=old'] });
    const { rawHeaders } = sign('github', req, 's');
    assert.match(headerValue(rawHeaders, 'x-hub-signature')!, /^sha1=[0-9a-f]{40}$/);
    const legacyOnly = { ...req, rawHeaders: ['X-Hub-Signature', headerValue(rawHeaders, 'x-hub-signature')!] };
    const verdict = verify('github', legacyOnly, 's');
    assert.equal(verdict.status === 'valid' && verdict.detail?.includes('legacy SHA-1'), true);
  });

  it('leaves a chunked request chunked instead of adding Content-Length', () => {
    const req = request({ body: 'abc', rawHeaders: ['Transfer-Encoding', 'chunked'] });
    assert.equal(headerValue(sign('github', req, 's').rawHeaders, 'content-length'), undefined);
  });

  it('refuses the public-key providers with a reason', () => {
    for (const provider of ['sendgrid', 'sns'] as const) {
      assert.throws(() => sign(provider, request({ body: '{}' }), 'k'), (error: unknown) => SignError.is(error, 'verifyOnly') && error.provider === provider);
    }
  });

  it('sets fresh timestamps: Stripe t=, Slack, Zoom, Standard Webhooks, HubSpot (ms), Linear (ms, body and header)', () => {
    const seconds = String(NOW / 1000);
    const stripe = sign('stripe', request({ body: json }), 'whsec_x', { now: NOW }).rawHeaders;
    assert.match(headerValue(stripe, 'stripe-signature')!, new RegExp(`^t=${seconds},v1=[0-9a-f]{64}$`));
    assert.equal(headerValue(sign('slack', request({ body: form }), 's', { now: NOW }).rawHeaders, 'x-slack-request-timestamp'), seconds);
    assert.equal(headerValue(sign('zoom', request({ body: json }), 's', { now: NOW }).rawHeaders, 'x-zm-request-timestamp'), seconds);
    const standard = sign('standard_webhooks', request({ body: json }), standardSecret, { now: NOW }).rawHeaders;
    assert.equal(headerValue(standard, 'webhook-timestamp'), seconds);
    assert.match(headerValue(standard, 'webhook-id')!, /^msg_[A-Za-z0-9_-]{24}$/);
    const hubspot = sign('hubspot', request({ body: json, publicUrl: 'https://h.example' }), 's', { now: NOW }).rawHeaders;
    assert.equal(headerValue(hubspot, 'x-hubspot-request-timestamp'), String(NOW));
    const linear = sign('linear', request({ body: linearBody, rawHeaders: ['Linear-Timestamp', '1'] }), 's', { now: NOW });
    assert.equal(headerValue(linear.rawHeaders, 'linear-timestamp'), String(NOW));
    assert.equal(linear.body.toString(), linearBody.replace('"webhookTimestamp":1', `"webhookTimestamp":${NOW}`));
  });

  it('says how far out a stale timestamp is', () => {
    const sent = asSent(request({ body: json }), sign('stripe', request({ body: json }), 'whsec_x', { now: NOW }));
    const verdict = verify('stripe', sent, 'whsec_x', { now: NOW + 2 * 3600_000 + 5 * 60_000 });
    assert.equal(verdict.status === 'invalid' && verdict.message.startsWith('The timestamp (Stripe-Signature t=1768478400) is 2 h 5 min old: 2 h outside the 5 min tolerance.'), true, JSON.stringify(verdict));
    const future = verify('stripe', sent, 'whsec_x', { now: NOW - 600_000 });
    assert.equal(future.status === 'invalid' && future.message.includes('10 min in the future'), true);
    assert.equal(verify('stripe', sent, 'whsec_x', { now: NOW + 3600_000, toleranceSeconds: 7200 }).status, 'valid');
  });

  it('a changed body that is also stale is reported as changed, mentioning the timestamp', () => {
    const sent = asSent(request({ body: json }), sign('slack', request({ body: json }), 's', { now: NOW }));
    const verdict = verify('slack', { ...sent, body: Buffer.from('{}') }, 's', { now: NOW + 3600_000 });
    assert.equal(verdict.status === 'invalid' && verdict.reason, 'bodyChanged');
    assert.match(verdict.status === 'invalid' ? verdict.message : '', /body was changed or the secret is wrong\. Its timestamp is also outside/);
  });
});
