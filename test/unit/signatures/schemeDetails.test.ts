// Provider quirks the generic round trip doesn't reach: URL-signing (Twilio, HubSpot), body-carried signatures
// (Mailgun), malformed headers, truncated captures and the detect-then-verify path.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { headerValue } from '../../../src/core/capture/exchange';
import type { Exchange } from '../../../src/core/capture/exchange';
import { requestFromExchange } from '../../../src/core/signatures/exchangeRequest';
import type { Verdict } from '../../../src/core/signatures/provider';
import { SignError } from '../../../src/core/signatures/provider';
import { checkSecret, sign, verify, verifyDetected } from '../../../src/core/signatures/signatures';
import { NOW, asSent, request } from './signatureFixtures';

const reasonOf = (verdict: Verdict) => (verdict.status === 'invalid' ? verdict.reason : verdict.status);
const messageOf = (verdict: Verdict) => (verdict.status === 'invalid' ? verdict.message : '');

describe('signatures: Twilio', () => {
  const form = request({ url: '/sms', body: 'Body=hi&From=%2B1555', rawHeaders: ['Content-Type', 'application/x-www-form-urlencoded'] });

  it('needs the public URL to verify or sign', () => {
    const signed = asSent(form, sign('twilio', { ...form, publicUrl: 'https://abc.ngrok.app' }, '12345'));
    assert.equal(reasonOf(verify('twilio', { ...signed, publicUrl: undefined }, '12345')), 'needsPublicUrl');
    assert.throws(() => sign('twilio', form, '12345'), (error: unknown) => SignError.is(error, 'needsPublicUrl'));
  });

  it('accepts the URL with or without the default port, and blames the URL when it differs', () => {
    const signed = asSent(form, sign('twilio', { ...form, publicUrl: 'https://abc.ngrok.app' }, '12345'));
    assert.equal(verify('twilio', { ...signed, publicUrl: 'https://abc.ngrok.app:443/' }, '12345').status, 'valid');
    const wrongHost = verify('twilio', { ...signed, publicUrl: 'https://other.ngrok.app' }, '12345');
    assert.equal(reasonOf(wrongHost), 'bodyChanged');
    assert.match(messageOf(wrongHost), /different URL than https:\/\/other\.ngrok\.app\/sms \(check the public URL\)/);
  });

  it('JSON webhooks: re-signing rewrites bodySHA256 in the URL, and a changed body is caught by the hash', () => {
    const original = '{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}';
    // bodySHA256 from Twilio's own JSON signature sample (api-snippets signature_validation_json).
    assert.equal(createHash('sha256').update(original).digest('hex'), '5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9');
    const json = request({ url: '/myapp?bodySHA256=5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9&x=1', body: original, publicUrl: 'https://example.com' });
    const edited = { ...json, body: Buffer.from('{"CallSid":"CA1","Caller":"+1"}') };
    const parts = sign('twilio', edited, '12345');
    assert.equal(parts.url, `/myapp?bodySHA256=${createHash('sha256').update(edited.body).digest('hex')}&x=1`);
    const sent = asSent(edited, parts);
    assert.equal(verify('twilio', sent, '12345').status, 'valid');
    const changed = verify('twilio', { ...sent, body: Buffer.from('{}') }, '12345');
    assert.equal(reasonOf(changed), 'bodyChanged');
    assert.match(messageOf(changed), /bodySHA256/);
  });

  it('rejects a signature that is not base64 of 20 bytes as malformed', () => {
    const bad = { ...form, publicUrl: 'https://a.example', rawHeaders: [...form.rawHeaders, 'X-Twilio-Signature', 'abc'] };
    assert.equal(reasonOf(verify('twilio', bad, '12345')), 'malformedSignature');
  });
});

describe('signatures: HubSpot', () => {
  const secret = 'a1b2c3d4-0000-4000-8000-000000000000';
  const body = '[{"eventId":1,"subscriptionType":"contact.creation"}]';

  it('v3 signs the URI with HubSpot\'s listed escapes decoded', () => {
    const req = request({ url: '/hook?path=%2Fa%3Ab&q=%20x', body, publicUrl: 'https://abc.ngrok.app' });
    const ts = String(NOW);
    const expected = createHmac('sha256', secret).update(`POSThttps://abc.ngrok.app/hook?path=/a:b&q=%20x${body}${ts}`).digest('base64');
    const signed = sign('hubspot', req, secret, { now: NOW });
    assert.equal(headerValue(signed.rawHeaders, 'x-hubspot-signature-v3'), expected);
    assert.equal(headerValue(signed.rawHeaders, 'x-hubspot-request-timestamp'), ts);
  });

  it('checks every version sent, and points at the URL when only v3 fails', () => {
    const req = request({ url: '/hook', body, publicUrl: 'https://abc.ngrok.app', rawHeaders: ['X-HubSpot-Signature', '00', 'X-HubSpot-Signature-Version', 'v1', 'X-HubSpot-Signature-v3', 'x', 'X-HubSpot-Request-Timestamp', '1'] });
    const sent = asSent(req, sign('hubspot', req, secret, { now: NOW }));
    const both = verify('hubspot', sent, secret, { now: NOW });
    assert.deepEqual(both, { status: 'valid', provider: 'hubspot', detail: 'v3 and v1 signatures match.' });
    const elsewhere = verify('hubspot', { ...sent, publicUrl: 'https://old.ngrok.app' }, secret, { now: NOW });
    assert.equal(reasonOf(elsewhere), 'bodyChanged');
    assert.match(messageOf(elsewhere), /v1 signature \(body only\) matches, so the public URL or method probably differs/);
  });

  it('reports a v3 signature without its timestamp as malformed', () => {
    const req = request({ body, publicUrl: 'https://a.example', rawHeaders: ['X-HubSpot-Signature-v3', 'AAAA'] });
    assert.equal(reasonOf(verify('hubspot', req, secret)), 'malformedSignature');
  });
});

describe('signatures: Mailgun (signature in the body)', () => {
  it('re-signs JSON in place: fresh timestamp and token, every other byte kept', () => {
    const body = '{\n  "signature": {\n    "token": "old",\n    "timestamp": "1",\n    "signature": "00"\n  },\n  "event-data": {"event": "opened"}\n}';
    const parts = sign('mailgun', request({ body }), 'key', { now: NOW });
    const text = parts.body.toString();
    assert.match(text, new RegExp(`^\\{\\n  "signature": \\{\\n    "token": "[0-9a-f]{50}",\\n    "timestamp": "${NOW / 1000}",\\n    "signature": "[0-9a-f]{64}"\\n  \\},\\n  "event-data": \\{"event": "opened"\\}\\n\\}$`));
    const verdict = verify('mailgun', asSent(request({ body }), parts), 'key', { now: NOW });
    assert.equal(verdict.status === 'valid' && verdict.detail?.includes('not the event data'), true);
  });

  it('re-signs the legacy form fields in place', () => {
    const body = 'recipient=a%40b.example&event=delivered&timestamp=1&token=old&signature=00&message-id=%3Cx%40y%3E';
    const req = request({ body, rawHeaders: ['Content-Type', 'application/x-www-form-urlencoded'] });
    const parts = sign('mailgun', req, 'key', { now: NOW });
    const fields = new URLSearchParams(parts.body.toString());
    assert.equal(fields.get('timestamp'), String(NOW / 1000));
    assert.match(parts.body.toString(), /^recipient=a%40b\.example&event=delivered&timestamp=\d+&token=[0-9a-f]{50}&signature=[0-9a-f]{64}&message-id=%3Cx%40y%3E$/);
    assert.equal(verify('mailgun', asSent(req, parts), 'key', { now: NOW }).status, 'valid');
  });

  it('says why it can\'t sign or read a body without the fields', () => {
    assert.throws(() => sign('mailgun', request({ body: '{"event-data":{}}' }), 'key'), (error: unknown) => SignError.is(error, 'noSignatureField'));
    const multipart = request({ body: '--x\r\n', rawHeaders: ['Content-Type', 'multipart/form-data; boundary=x'] });
    assert.match(messageOf(verify('mailgun', multipart, 'key')), /multipart/);
  });
});

describe('signatures: malformed headers say what was expected', () => {
  const cases: Array<[Parameters<typeof verify>[0], string[], RegExp]> = [
    ['github', ['X-Hub-Signature-256', 'abc'], /X-Hub-Signature-256 should look like sha256=<64 hex digits>, but is "abc"/],
    ['shopify', ['X-Shopify-Hmac-Sha256', 'not base64!'], /<base64 of 32 bytes>/],
    ['stripe', ['Stripe-Signature', 'v1=abcd'], /t=<unix seconds>,v1=<64 hex digits>/],
    ['slack', ['X-Slack-Signature', 'v0=abcd'], /X-Slack-Request-Timestamp is missing/],
    ['slack', ['X-Slack-Signature', 'abcd', 'X-Slack-Request-Timestamp', '1'], /v0=<64 hex digits>/],
    ['zoom', ['x-zm-signature', 'v0=00', 'x-zm-request-timestamp', '2024-01-01'], /Unix seconds/],
    ['svix', ['svix-signature', 'v1,AAAA', 'svix-timestamp', '1'], /svix-id is missing/],
    ['intercom', ['X-Hub-Signature', 'sha256=00'], /sha1=<40 hex digits>/],
  ];
  for (const [provider, rawHeaders, message] of cases) {
    it(`${provider}: ${rawHeaders[1]}`, () => {
      const verdict = verify(provider, request({ body: '{}', rawHeaders }), provider === 'svix' ? 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' : 'whsec_x');
      assert.equal(reasonOf(verdict), 'malformedSignature');
      assert.match(messageOf(verdict), message);
    });
  }
});

describe('signatures: truncated captures, secrets, detection', () => {
  const exchange = (truncated: boolean, rawHeaders: string[]): Pick<Exchange, 'request'> => ({
    request: { method: 'POST', url: '/hook', httpVersion: '1.1', rawHeaders, body: { bytes: Buffer.from('{"a":'), size: 9000, truncated } },
  });

  it('won\'t judge a signature over a body that was only partly recorded', () => {
    const headers = ['X-Hub-Signature-256', `sha256=${'0'.repeat(64)}`];
    assert.equal(reasonOf(verify('github', requestFromExchange(exchange(true, headers)), 's')), 'bodyTruncated');
    assert.equal(reasonOf(verify('github', requestFromExchange(exchange(false, headers)), 's')), 'bodyChanged');
    assert.throws(() => sign('github', requestFromExchange(exchange(true, headers)), 's'), (error: unknown) => SignError.is(error, 'bodyTruncated'));
    // GitLab's token doesn't cover the body, so truncation doesn't matter there.
    assert.equal(verify('gitlab', requestFromExchange(exchange(true, ['X-Gitlab-Token', 's'])), 's').status, 'valid');
  });

  it('trims pasted secrets and validates their form for the UI', () => {
    const req = request({ body: 'x' });
    const sent = asSent(req, sign('github', req, 'secret'));
    assert.equal(verify('github', sent, 'secret\n').status, 'valid');
    assert.match(checkSecret('stripe', 'sk_live_abc') ?? '', /API key/);
    assert.equal(checkSecret('stripe', ' whsec_abc '), undefined);
    assert.match(checkSecret('standard_webhooks', 'whsec_%%%') ?? '', /isn't base64 after the prefix/);
    assert.equal(checkSecret('github', '   '), 'The secret is empty.');
  });

  it('verifyDetected: unsigned without a provider, noSecret without a secret, else the verdict', () => {
    assert.deepEqual(verifyDetected(request({ body: '{}' }), () => 's'), { status: 'unsigned' });
    const req = request({ body: '{}', rawHeaders: ['X-GitHub-Event', 'ping'] });
    const sent = asSent(req, sign('github', req, 's'));
    assert.deepEqual(verifyDetected(sent, () => undefined), { status: 'noSecret', provider: 'github' });
    assert.equal(verifyDetected(sent, (provider) => (provider === 'github' ? 's' : undefined)).status, 'valid');
  });
});
