// Verify-only schemes with keys made here: SendGrid (ECDSA P-256), Amazon SNS (RSA with a pasted certificate) and
// Standard Webhooks v1a (Ed25519). Nothing is fetched; the "secret" is always the public key as a user pastes it.
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { generateKeyPairSync, randomBytes, sign as signBytes } from 'node:crypto';
import * as der from '../../edge/der';
import type { Verdict } from '../../../src/core/signatures/provider';
import { SignError } from '../../../src/core/signatures/provider';
import { sign, verify } from '../../../src/core/signatures/signatures';
import { NOW, request } from './signatureFixtures';

const reasonOf = (verdict: Verdict) => (verdict.status === 'invalid' ? verdict.reason : verdict.status);

describe('signatures: SendGrid (ECDSA)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spkiBase64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const body = '[{"email":"zoë@example.com","event":"delivered","timestamp":1700000000}]';
  const signed = (timestamp: string, payload = body) =>
    request({
      body: payload,
      rawHeaders: [
        'Content-Type', 'application/json',
        'X-Twilio-Email-Event-Webhook-Signature', signBytes('sha256', Buffer.from(timestamp + body), { key: privateKey, dsaEncoding: 'der' }).toString('base64'),
        'X-Twilio-Email-Event-Webhook-Timestamp', timestamp,
      ],
    });

  it('verifies with the base64 key SendGrid shows, or its PEM', () => {
    assert.equal(verify('sendgrid', signed('1700000000'), spkiBase64).status, 'valid');
    assert.equal(verify('sendgrid', signed('1700000000'), publicKey.export({ type: 'spki', format: 'pem' }).toString()).status, 'valid');
  });

  it('rejects a changed body, a missing timestamp, and other keys', () => {
    assert.equal(reasonOf(verify('sendgrid', signed('1700000000', body.replace('delivered', 'bounce')), spkiBase64)), 'bodyChanged');
    const noTimestamp = { ...signed('1700000000'), rawHeaders: signed('1700000000').rawHeaders.slice(0, 4) };
    assert.equal(reasonOf(verify('sendgrid', noTimestamp, spkiBase64)), 'malformedSignature');
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    assert.equal(reasonOf(verify('sendgrid', signed('1700000000'), otherKey)), 'bodyChanged');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    assert.equal(reasonOf(verify('sendgrid', signed('1700000000'), p384)), 'wrongSecretFormat');
    assert.equal(reasonOf(verify('sendgrid', signed('1700000000'), 'not a key')), 'wrongSecretFormat');
  });

  it('checks the timestamp only when asked (SendGrid\'s SDK sets no window)', () => {
    assert.equal(verify('sendgrid', signed('1700000000'), spkiBase64, { now: NOW }).status, 'valid');
    assert.equal(reasonOf(verify('sendgrid', signed('1700000000'), spkiBase64, { now: NOW, toleranceSeconds: 600 })), 'timestampOutOfTolerance');
  });
});

/** A self-signed RSA certificate like the ones at an SNS SigningCertURL (Node can't write certificates, DER by hand). */
function snsCertificate(): { certificatePem: string; privateKey: KeyObject; publicKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const algorithm = der.sequence(der.objectIdentifier('1.2.840.113549.1.1.11'), der.tlv(0x05, Buffer.alloc(0))); // sha256WithRSAEncryption, NULL
  const name = der.sequence(der.set(der.sequence(der.objectIdentifier('2.5.4.3'), der.utf8String('sns.amazonaws.com'))));
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)),
    der.unsignedInteger(randomBytes(8)),
    algorithm,
    name,
    der.sequence(der.time(new Date(NOW - 86_400_000)), der.time(new Date(NOW + 365 * 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const certificate = der.sequence(tbs, algorithm, der.bitString(signBytes('sha256', tbs, privateKey)));
  const lines = certificate.toString('base64').match(/.{1,64}/g) ?? [];
  return {
    certificatePem: `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`,
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('signatures: Amazon SNS (RSA, pasted certificate)', () => {
  const { certificatePem, privateKey, publicKeyPem } = snsCertificate();
  // The string-to-sign example from AWS's "Verifying the signatures of Amazon SNS messages", written out literally
  // so the scheme's canonical form is checked against the documentation, not against itself.
  const documentedStringToSign =
    'Message\nMy Test Message\nMessageId\n4d4dc071-ddbf-465d-bba8-08f81c89da64\nSubject\nMy subject\nTimestamp\n2019-01-31T04:37:04.321Z\n' +
    'TopicArn\narn:aws:sns:us-east-2:123456789012:s4-MySNSTopic-1G1WEFCOXTC0P\nType\nNotification\n';
  const message = (version: string, overrides: Record<string, string> = {}) => ({
    Type: 'Notification',
    MessageId: '4d4dc071-ddbf-465d-bba8-08f81c89da64',
    TopicArn: 'arn:aws:sns:us-east-2:123456789012:s4-MySNSTopic-1G1WEFCOXTC0P',
    Subject: 'My subject',
    Message: 'My Test Message',
    Timestamp: '2019-01-31T04:37:04.321Z',
    SignatureVersion: version,
    Signature: signBytes(version === '1' ? 'sha1' : 'sha256', Buffer.from(documentedStringToSign), privateKey).toString('base64'),
    SigningCertURL: 'https://sns.us-east-2.amazonaws.com/SimpleNotificationService-0000.pem',
    UnsubscribeURL: 'https://sns.us-east-2.amazonaws.com/?Action=Unsubscribe',
    ...overrides,
  });
  const snsRequest = (body: object) =>
    request({ body: JSON.stringify(body, null, 2), rawHeaders: ['x-amz-sns-message-type', 'Notification', 'Content-Type', 'text/plain; charset=UTF-8'] });

  it('verifies SignatureVersion 1 (SHA1withRSA) and 2 (SHA256withRSA) against the documented string to sign', () => {
    const v1 = verify('sns', snsRequest(message('1')), certificatePem, { now: NOW });
    assert.equal(v1.status, 'valid');
    assert.match(v1.status === 'valid' ? (v1.detail ?? '') : '', /certificate for CN=sns\.amazonaws\.com/);
    assert.equal(verify('sns', snsRequest(message('2')), publicKeyPem, { now: NOW }).status, 'valid');
  });

  it('verifies a SubscriptionConfirmation (its own field list)', () => {
    const fields = {
      Type: 'SubscriptionConfirmation',
      MessageId: '3d891288-136d-417f-bc05-901c108273ee',
      Token: '233',
      TopicArn: 'arn:aws:sns:us-east-2:123456789012:s4-MySNSTopic-1G1WEFCOXTC0P',
      Message: 'You have chosen to subscribe',
      SubscribeURL: 'https://sns.us-east-2.amazonaws.com/?Action=ConfirmSubscription&Token=233',
      Timestamp: '2019-01-31T19:25:13.719Z',
    };
    const text = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'].map((k) => `${k}\n${fields[k as keyof typeof fields]}\n`).join('');
    const body = { ...fields, SignatureVersion: '2', Signature: signBytes('sha256', Buffer.from(text), privateKey).toString('base64') };
    assert.equal(verify('sns', snsRequest(body), certificatePem, { now: NOW }).status, 'valid');
  });

  it('rejects a changed message and names the problem with odd certificates and versions', () => {
    assert.equal(reasonOf(verify('sns', snsRequest(message('1', { Message: 'My Test Message!' })), certificatePem)), 'bodyChanged');
    assert.equal(reasonOf(verify('sns', snsRequest(message('3')), certificatePem)), 'malformedSignature');
    const elsewhere = verify('sns', snsRequest(message('1', { SigningCertURL: 'https://evil.example/cert.pem' })), certificatePem);
    assert.match(elsewhere.status === 'valid' ? (elsewhere.detail ?? '') : '', /not an Amazon SNS address/);
  });

  it('explains the secret it needs (an account ID is what ngrok asks for, not a key)', () => {
    const accountId = verify('sns', snsRequest(message('1')), '123456789012');
    assert.equal(reasonOf(accountId), 'wrongSecretFormat');
    assert.match(accountId.status === 'invalid' ? accountId.message : '', /account ID/);
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.equal(reasonOf(verify('sns', snsRequest(message('1')), ecKey)), 'wrongSecretFormat');
  });

  it('a raw-delivery message has no signature; SNS cannot be re-signed', () => {
    assert.equal(reasonOf(verify('sns', request({ body: '{"hello":"world"}' }), certificatePem)), 'missingSignature');
    assert.throws(() => sign('sns', snsRequest(message('1')), certificatePem), (error: unknown) => SignError.is(error, 'verifyOnly'));
  });
});

describe('signatures: Standard Webhooks v1a (Ed25519)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const whpk = `whpk_${Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64')}`;
  const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
  const ts = String(NOW / 1000);
  const body = '{"type":"user.created"}';
  const v1a = signBytes(null, Buffer.from(`${id}.${ts}.${body}`), privateKey).toString('base64');
  const withSignature = (signature: string) => request({ body, rawHeaders: ['webhook-id', id, 'webhook-timestamp', ts, 'webhook-signature', signature] });

  it('verifies v1a with the whpk_ public key', () => {
    assert.equal(verify('standard_webhooks', withSignature(`v1a,${v1a}`), whpk, { now: NOW }).status, 'valid');
    assert.equal(reasonOf(verify('standard_webhooks', { ...withSignature(`v1a,${v1a}`), body: Buffer.from('{}') }, whpk, { now: NOW })), 'bodyChanged');
  });

  it('says which kind of secret the message needs', () => {
    const hmacOnly = verify('standard_webhooks', withSignature(`v1a,${v1a}`), 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', { now: NOW });
    assert.equal(reasonOf(hmacOnly), 'wrongSecretFormat');
    assert.match(hmacOnly.status === 'invalid' ? hmacOnly.message : '', /whpk_/);
    assert.equal(reasonOf(verify('standard_webhooks', withSignature('v1,AAAA'), whpk, { now: NOW })), 'wrongSecretFormat');
    assert.throws(() => sign('standard_webhooks', withSignature(`v1a,${v1a}`), whpk), (error: unknown) => SignError.is(error, 'wrongSecretFormat'));
  });
});
