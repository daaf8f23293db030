// The provider catalogue the UI reads, and the byte-exact JSON member editing that Mailgun and Linear re-signing use.
import assert from 'node:assert/strict';
import { providerCatalogue, providerIds, providerInfo } from '../../../src/core/signatures/catalogue';
import { objectMembers, parseJson, replaceSpans } from '../../../src/core/signatures/jsonMembers';
import { checkSecret } from '../../../src/core/signatures/signatures';

describe('signatures: provider catalogue', () => {
  it('lists every provider once, verify-only exactly for the public-key schemes', () => {
    assert.equal(new Set(providerIds).size, providerCatalogue.length);
    assert.deepEqual(providerCatalogue.filter((info) => !info.canSign).map((info) => info.id), ['sendgrid', 'sns']);
    assert.deepEqual(providerCatalogue.filter((info) => info.needsPublicUrl).map((info) => info.id), ['twilio', 'hubspot']);
  });

  it('names the headers each scheme uses, straight from the scheme', () => {
    assert.deepEqual(providerInfo('github').headers, ['X-Hub-Signature-256', 'X-Hub-Signature']);
    assert.deepEqual(providerInfo('slack').headers, ['X-Slack-Signature', 'X-Slack-Request-Timestamp']);
    assert.deepEqual(providerInfo('mailgun').headers, []);
    for (const info of providerCatalogue) assert.ok(info.name.length > 0 && info.scheme.length > 0 && info.secret.hint.length > 0, info.id);
  });

  it('gives the tolerances the providers\' own libraries use', () => {
    const tolerances = Object.fromEntries(providerCatalogue.filter((info) => info.toleranceSeconds !== undefined).map((info) => [info.id, info.toleranceSeconds]));
    assert.deepEqual(tolerances, {
      stripe: 300, slack: 300, standard_webhooks: 300, svix: 300, clerk: 300, resend: 300, brex: 300, zoom: 300, calendly: 180, mux: 300, linear: 60, hubspot: 300,
    });
  });

  it('secret patterns agree with checkSecret on typical good and bad secrets', () => {
    const samples: Array<[Parameters<typeof checkSecret>[0], string, boolean]> = [
      ['stripe', 'whsec_5f8a9c', true],
      ['stripe', 'sk_test_abc', false],
      ['svix', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', true],
      ['svix', 'whsec_not base64', false],
      ['sendgrid', 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==', true],
      ['sendgrid', 'SG.apikey', false],
    ];
    for (const [provider, secret, good] of samples) {
      const pattern = providerInfo(provider).secret.pattern;
      assert.ok(pattern !== undefined, provider);
      assert.equal(new RegExp(pattern).test(secret), good, `${provider} pattern: ${secret}`);
      assert.equal(checkSecret(provider, secret) === undefined, good, `${provider} checkSecret: ${secret}`);
    }
  });
});

describe('signatures: JSON members, byte for byte', () => {
  const text = '{ "a" : "x{\\"}", "nested": {"k": [1, {"z": "]"}], "t": 5}, "a": 2 ,"é": true }';
  const bytes = Buffer.from(text, 'utf8');

  it('finds values past strings with braces and escapes; a repeated name means its last value, as JSON.parse reads it', () => {
    const members = objectMembers(bytes)!;
    assert.deepEqual([...members.keys()], ['a', 'nested', 'é']);
    assert.equal(parseJson(bytes, members.get('a')!), 2);
    const nested = objectMembers(bytes, members.get('nested')!.start)!;
    assert.deepEqual(parseJson(bytes, nested.get('k')!), [1, { z: ']' }]);
    assert.equal(parseJson(bytes, members.get('é')!), true);
  });

  it('replaces only the given values', () => {
    const members = objectMembers(bytes)!;
    const nested = objectMembers(bytes, members.get('nested')!.start)!;
    const edited = replaceSpans(bytes, [
      { span: nested.get('t')!, json: '1768478400' },
      { span: members.get('é')!, json: 'false' },
    ]);
    assert.equal(edited.toString('utf8'), text.replace('"t": 5', '"t": 1768478400').replace('"é": true', '"é": false'));
  });

  it('gives up on what is not a well-formed object', () => {
    for (const bad of ['', '[1]', '{"a":1', '{"a" 1}', '{"a":"x}', '{a:1}', '{"a":1,}']) assert.equal(objectMembers(Buffer.from(bad)), undefined, bad);
    assert.deepEqual(objectMembers(Buffer.from(' {} ')), new Map());
  });
});
