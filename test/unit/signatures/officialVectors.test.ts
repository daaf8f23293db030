// Every official test vector in /work/shared/design/webhook-signatures.md §3 (V1–V8), run through the public API
// exactly as a captured request would be, plus the doc's §4 derived vectors for providers implemented here.
import assert from 'node:assert/strict';
import { headerValue } from '../../../src/core/capture/exchange';
import { sign, verify } from '../../../src/core/signatures/signatures';
import { request } from './signatureFixtures';

describe('signatures: official vectors', () => {
  it('V1 GitHub: X-Hub-Signature-256 for "Hello, World!"', () => {
    const req = request({
      body: 'Hello, World!',
      rawHeaders: ['X-Hub-Signature-256', 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'],
    });
    assert.equal(verify('github', req, "It's a Secret to Everybody").status, 'valid');
    const resigned = sign('github', { ...req, rawHeaders: [] }, "It's a Secret to Everybody");
    assert.deepEqual(resigned.rawHeaders.slice(0, 2), ['X-Hub-Signature-256', 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17']);
  });

  it('V2 Slack: the slash-command worked example', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const req = request({
      body,
      rawHeaders: [
        'Content-Type', 'application/x-www-form-urlencoded',
        'X-Slack-Request-Timestamp', '1531420618',
        'X-Slack-Signature', 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      ],
    });
    assert.deepEqual(verify('slack', req, '8f742231b10e8888abcd99yyyzzz85a5', { now: 1531420618_000 }), { status: 'valid', provider: 'slack', detail: 'The X-Slack-Signature signature matches.' });
    const resigned = sign('slack', req, '8f742231b10e8888abcd99yyyzzz85a5', { now: 1531420618_000 });
    assert.deepEqual(resigned.rawHeaders.slice(0, 6), req.rawHeaders);
  });

  describe('V3 Twilio: URL + sorted POST params, HMAC-SHA1', () => {
    const form = (caller: string) =>
      request({
        url: '/myapp.php?foo=1&bar=2',
        publicUrl: 'https://mycompany.com',
        // Deliberately not in sorted order: the scheme sorts.
        body: `To=%2B18005551212&From=${encodeURIComponent(caller)}&Digits=1234&Caller=${encodeURIComponent(caller)}&CallSid=CA1234567890ABCDE`,
        rawHeaders: ['Content-Type', 'application/x-www-form-urlencoded'],
      });
    const withSignature = (caller: string, signature: string) => {
      const req = form(caller);
      return { ...req, rawHeaders: [...req.rawHeaders, 'X-Twilio-Signature', signature] };
    };

    it('current docs example (+12349013030) → 0/KCTR6DLpKmkAf8muzZqo1nDgQ=', () => {
      assert.equal(verify('twilio', withSignature('+12349013030', '0/KCTR6DLpKmkAf8muzZqo1nDgQ='), '12345').status, 'valid');
      const signed = sign('twilio', form('+12349013030'), '12345');
      assert.equal(headerValue(signed.rawHeaders, 'x-twilio-signature'), '0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    });

    it('older variant (+14158675309, twilio-java tests) → RSOYDt4T1cUTdK1PDd93/VVr8B8=', () => {
      assert.equal(verify('twilio', withSignature('+14158675309', 'RSOYDt4T1cUTdK1PDd93/VVr8B8='), '12345').status, 'valid');
    });

    it('not a vector: the Frontline placeholder Np1nax6uFoY6qpfT5l9jWwJeit0= does not reproduce, as the doc warns', () => {
      const req = withSignature('+12349013030', 'Np1nax6uFoY6qpfT5l9jWwJeit0=');
      const verdict = verify('twilio', { ...req, url: '/myapp' }, '12345');
      assert.equal(verdict.status === 'invalid' && verdict.reason, 'bodyChanged');
    });
  });

  it('V4 CircleCI: all four documented bodies', () => {
    const vectors: Array<[string, string, string]> = [
      ['hello world', 'secret', '734cc62f32841568f45715aeb9f4d7891324e6d948e4c6c60c0621cdac48623a'],
      ['lalala', 'another-secret', 'daa220016c8f29a8b214fbfc3671aeec2145cfb1e6790184ffb38b6d0425fa00'],
      ['an-important-request-payload', 'hunter123', '9be2242094a9a8c00c64306f382a7f9d691de910b4a266f67bd314ef18ac49fa'],
      ['foo', 'secret', '773ba44693c7553d6ee20f61ea5d2757a9a4f4a44d2841ae4e95b52e4cd62db4'],
    ];
    for (const [body, secret, v1] of vectors) {
      // CircleCI's header is a versioned list; an unknown future version must not disturb the v1 check.
      const req = request({ body, rawHeaders: ['circleci-signature', `v1=${v1},v2=ffff`] });
      assert.equal(verify('circleci', req, secret).status, 'valid', body);
      assert.equal(sign('circleci', { ...req, rawHeaders: [] }, secret).rawHeaders[1], `v1=${v1}`, body);
    }
  });

  it('V5 Standard Webhooks: the reference libraries\' "sign function works" vector', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const headers = ['webhook-id', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp', '1614265330'];
    const req = request({ body: '{"test": 2432232314}', rawHeaders: [...headers, 'webhook-signature', 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='] });
    assert.equal(verify('standard_webhooks', req, secret, { now: 1614265330_000 }).status, 'valid');
    const signed = sign('standard_webhooks', { ...req, rawHeaders: headers }, secret, { now: 1614265330_000 });
    assert.deepEqual(signed.rawHeaders.slice(0, 6), [...headers, 'webhook-signature', 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=']);
    // The same message under Svix's header names, and the providers built on it.
    const svixReq = { ...req, rawHeaders: req.rawHeaders.map((item) => item.replace(/^webhook-/, 'svix-')) };
    for (const provider of ['svix', 'clerk', 'resend'] as const) assert.equal(verify(provider, svixReq, secret, { now: 1614265330_000 }).status, 'valid', provider);
    assert.equal(verify('brex', req, 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', { now: 1614265330_000 }).status, 'valid');
  });

  it('V6 SendGrid: the sendgrid-nodejs eventwebhook test (ECDSA, verify only)', () => {
    const key = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
    const req = request({
      body: '{"category":"example_payload","event":"test_event","message_id":"message_id"}',
      rawHeaders: [
        'X-Twilio-Email-Event-Webhook-Signature', 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=',
        'X-Twilio-Email-Event-Webhook-Timestamp', '1588788367',
      ],
    });
    assert.equal(verify('sendgrid', req, key).status, 'valid');
    const tampered = verify('sendgrid', { ...req, body: Buffer.from('{"category":"example_payload","event":"test_event","message_id":"message_iD"}') }, key);
    assert.equal(tampered.status === 'invalid' && tampered.reason, 'bodyChanged');
  });

  const hubspotSecret = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';

  it('V7 HubSpot v1: SHA-256 of secret + body', () => {
    const body =
      '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
    const rawHeaders = ['X-HubSpot-Signature', '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de', 'X-HubSpot-Signature-Version', 'v1'];
    const req = request({ body, rawHeaders });
    assert.equal(verify('hubspot', req, hubspotSecret).status, 'valid');
    assert.deepEqual(sign('hubspot', req, hubspotSecret).rawHeaders.slice(0, 4), rawHeaders);
  });

  it('V8 HubSpot v2: SHA-256 of secret + method + URI (GET, no body)', () => {
    const rawHeaders = ['X-HubSpot-Signature', 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e', 'X-HubSpot-Signature-Version', 'v2'];
    const req = request({ method: 'GET', url: '/webhook_uri', publicUrl: 'https://www.example.com', rawHeaders });
    assert.equal(verify('hubspot', req, hubspotSecret).status, 'valid');
    const noUrl = verify('hubspot', { ...req, publicUrl: undefined }, hubspotSecret);
    assert.equal(noUrl.status === 'invalid' && noUrl.reason, 'needsPublicUrl');
  });
});

describe('signatures: extra published and derived vectors', () => {
  it('Twilio api-snippets (+14158675310) → GvWf1cFY/Q7PnoempGyD5oXAezc= (official sample, not in the doc)', () => {
    const req = request({
      url: '/myapp.php?foo=1&bar=2',
      publicUrl: 'https://mycompany.com',
      body: 'CallSid=CA1234567890ABCDE&Caller=%2B14158675310&Digits=1234&From=%2B14158675310&To=%2B18005551212',
      rawHeaders: ['Content-Type', 'application/x-www-form-urlencoded', 'X-Twilio-Signature', 'GvWf1cFY/Q7PnoempGyD5oXAezc='],
    });
    assert.equal(verify('twilio', req, '12345').status, 'valid');
  });

  // §4 of the design doc: made for regression only, NOT official. Body and ts shared by all rows.
  const body = '{"id":"evt_test","type":"test"}';
  const now = 1700000000_000;

  it('derived: Stripe, Shopify, Intercom', () => {
    const stripe = request({ body, rawHeaders: ['Stripe-Signature', 't=1700000000,v1=9ca4a5d6fc7523e3ddb785627bef0cc19cfffc7aa1415b13015c02264523a031'] });
    assert.equal(verify('stripe', stripe, 'whsec_test_secret', { now }).status, 'valid');
    assert.equal(sign('stripe', stripe, 'whsec_test_secret', { now }).rawHeaders[1], stripe.rawHeaders[1]);
    const shopify = request({ body, rawHeaders: ['X-Shopify-Hmac-Sha256', 'DeFQlkdU/laBcp81dJu9EyMIIOH+o2cghtd8jCNghKw='] });
    assert.equal(verify('shopify', shopify, 'shpss_test_secret').status, 'valid');
    const intercom = request({ body, rawHeaders: ['X-Hub-Signature', 'sha1=2294985e773ee5528bc545e5696d15454c9e3a84'] });
    assert.equal(verify('intercom', intercom, 'ic_secret').status, 'valid');
  });

  it('derived: Mailgun (signs timestamp + token)', () => {
    const mailgun = request({
      body: '{"signature":{"timestamp":"1700000000","token":"tok123","signature":"817b91c2b14163dd297ac4572a5b68bd51a1f7505cb1278856878c7ad968aab8"},"event-data":{"event":"delivered"}}',
    });
    assert.equal(verify('mailgun', mailgun, 'mg_signing_key', { now }).status, 'valid');
  });
});
