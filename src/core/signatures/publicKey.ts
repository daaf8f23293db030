/**
 * Public-key schemes: verify only, since only the provider holds the private key. The "secret" is the provider's
 * public key as the user pastes it; nothing is ever fetched (an SNS SigningCertURL is named, not downloaded).
 * - SendGrid Event Webhook: ECDSA P-256 / SHA-256 over `timestamp + body`, base64 DER signature.
 * - Amazon SNS: RSA (SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2) over a canonical string of message
 *   fields, checked with the signing certificate.
 */
import type { KeyObject } from 'node:crypto';
import { X509Certificate, createPublicKey, verify as verifySignature } from 'node:crypto';
import { checkFreshness, fail, malformed, mismatch, parseUnixSeconds, pass } from './checks';
import { decodeBase64 } from './digest';
import type { SignedRequest } from './provider';
import { firstHeader, hasHeader } from './rawHeaders';
import type { CheckResult, Scheme } from './scheme';

function verifies(algorithm: string, data: Buffer, key: KeyObject, signature: Buffer, dsaEncoding?: 'der'): boolean {
  try {
    return verifySignature(algorithm, data, dsaEncoding === undefined ? key : { key, dsaEncoding }, signature);
  } catch {
    return false; // a signature that isn't even well-formed DER throws instead of failing
  }
}

// ---- SendGrid -------------------------------------------------------------------------------------------------

const SENDGRID_SIGNATURE = 'X-Twilio-Email-Event-Webhook-Signature';
const SENDGRID_TIMESTAMP = 'X-Twilio-Email-Event-Webhook-Timestamp';

/** SendGrid shows the verification key as base64 SPKI DER; a PEM of the same key is accepted too. */
function sendgridKey(secret: string): KeyObject | string {
  const problem = 'SendGrid\'s verification key is the base64 public key shown under Mail Settings → Event Webhook → Signature verification (it starts with MFkw).';
  let key: KeyObject;
  try {
    const der = secret.includes('-----BEGIN') ? undefined : decodeBase64(secret.replace(/\s+/g, ''));
    if (der === undefined && !secret.includes('-----BEGIN')) return problem;
    key = der === undefined ? createPublicKey(secret) : createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    return problem;
  }
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : `${problem} This key isn't an ECDSA P-256 public key.`;
}

export const sendgridScheme: Scheme = {
  headers: [SENDGRID_SIGNATURE, SENDGRID_TIMESTAMP],
  signatureHeaders: [SENDGRID_SIGNATURE],
  coversBody: true,
  isSigned: (request) => hasHeader(request.rawHeaders, SENDGRID_SIGNATURE),
  missingMessage: () => `No ${SENDGRID_SIGNATURE} header: SendGrid signs events only when signature verification is enabled.`,
  checkSecret(secret) {
    const key = sendgridKey(secret);
    return typeof key === 'string' ? key : undefined;
  },

  verify(request, secret, context) {
    const key = sendgridKey(secret) as KeyObject;
    const value = firstHeader(request.rawHeaders, SENDGRID_SIGNATURE)!;
    const timestamp = firstHeader(request.rawHeaders, SENDGRID_TIMESTAMP);
    if (timestamp === undefined) return fail('malformedSignature', `${SENDGRID_SIGNATURE} is there but ${SENDGRID_TIMESTAMP} is missing, and it is part of what is signed.`);
    const signature = decodeBase64(value.trim());
    if (signature === undefined) return malformed(SENDGRID_SIGNATURE, '<base64 DER ECDSA signature>', value);
    if (!verifies('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), request.body]), key, signature, 'der')) {
      return mismatch(`The ${SENDGRID_SIGNATURE} signature`, 'the body or timestamp was changed, or this is not the verification key of the sending account');
    }
    const seconds = parseUnixSeconds(timestamp);
    return (seconds === undefined ? undefined : checkFreshness(`${SENDGRID_TIMESTAMP} ${seconds}`, seconds * 1000, context)) ?? pass(`${SENDGRID_SIGNATURE} matches.`);
  },
};

// ---- Amazon SNS -----------------------------------------------------------------------------------------------

/** Fields of the string to sign, in byte order, per message type (AWS: "Verifying the signatures of Amazon SNS messages"). */
const SNS_FIELDS: Record<string, readonly string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};
const OPTIONAL_SNS_FIELDS = new Set(['Subject']);

interface SnsKey {
  readonly key: KeyObject;
  readonly certificate?: X509Certificate;
}

function snsKey(secret: string): SnsKey | string {
  if (/^\d{12}$/.test(secret)) {
    return 'That looks like an AWS account ID (what ngrok asks for). To verify locally, paste the signing certificate PEM that the message\'s SigningCertURL points to.';
  }
  const problem = 'Paste the SNS signing certificate as PEM (-----BEGIN CERTIFICATE-----…), downloaded from the message\'s SigningCertURL.';
  try {
    const certificate = secret.includes('BEGIN CERTIFICATE') ? new X509Certificate(secret) : undefined;
    const key = certificate?.publicKey ?? createPublicKey(secret);
    if (key.asymmetricKeyType !== 'rsa') return `${problem} This key isn't RSA.`;
    return certificate === undefined ? { key } : { key, certificate };
  } catch {
    return problem;
  }
}

type SnsMessage = Record<string, unknown>;

function snsMessage(request: SignedRequest): SnsMessage | undefined {
  try {
    const parsed: unknown = JSON.parse(request.body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as SnsMessage).Signature === 'string' ? (parsed as SnsMessage) : undefined;
  } catch {
    return undefined;
  }
}

/** The canonical string, or a failure naming what's missing. */
function snsStringToSign(message: SnsMessage): string | CheckResult {
  const fields = SNS_FIELDS[String(message.Type)];
  if (fields === undefined) return malformed('The message Type', 'Notification, SubscriptionConfirmation or UnsubscribeConfirmation', String(message.Type));
  let text = '';
  for (const field of fields) {
    const value = message[field];
    if (typeof value === 'string') text += `${field}\n${value}\n`;
    else if (!OPTIONAL_SNS_FIELDS.has(field)) return fail('malformedSignature', `The SNS message has no ${field}, which its signature covers.`);
  }
  return text;
}

function certificateNote(key: SnsKey, message: SnsMessage, nowMs: number): string {
  const notes: string[] = [];
  if (key.certificate !== undefined) {
    notes.push(`Checked with the pasted certificate for ${key.certificate.subject.replace(/\n/g, ', ')}.`);
    if (Date.parse(key.certificate.validTo) < nowMs) notes.push(`That certificate expired on ${key.certificate.validTo}.`);
  }
  const certUrl = typeof message.SigningCertURL === 'string' ? message.SigningCertURL : undefined;
  // AWS's validators only trust certificates served from sns.<region>.amazonaws.com over HTTPS.
  if (certUrl !== undefined && !/^https:\/\/sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//.test(certUrl)) {
    notes.push(`The message's SigningCertURL (${certUrl}) is not an Amazon SNS address.`);
  }
  return notes.join(' ');
}

export const snsScheme: Scheme = {
  headers: ['x-amz-sns-message-type', 'x-amz-sns-message-id', 'x-amz-sns-topic-arn'],
  signatureHeaders: [],
  coversBody: true,
  isSigned: (request) => snsMessage(request) !== undefined,
  missingMessage: () => 'No SNS Signature in the body (raw message delivery sends none).',
  checkSecret(secret) {
    const key = snsKey(secret);
    return typeof key === 'string' ? key : undefined;
  },

  verify(request, secret, context) {
    const key = snsKey(secret) as SnsKey;
    const message = snsMessage(request)!;
    const version = String(message.SignatureVersion ?? '1');
    const algorithm = version === '1' ? 'sha1' : version === '2' ? 'sha256' : undefined;
    if (algorithm === undefined) return malformed('SignatureVersion', '1 or 2', version);
    const text = snsStringToSign(message);
    if (typeof text !== 'string') return text;
    const signature = decodeBase64(String(message.Signature));
    if (signature === undefined) return malformed('The message Signature', '<base64>', String(message.Signature));
    if (!verifies(algorithm, Buffer.from(text, 'utf8'), key.key, signature)) {
      return mismatch('The SNS Signature', 'the message was changed, or the pasted certificate is not the one in its SigningCertURL');
    }
    return pass(`The SNS Signature (version ${version}) matches. ${certificateNote(key, message, context.nowMs)}`.trim());
  },
};
