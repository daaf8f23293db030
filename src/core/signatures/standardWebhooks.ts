/**
 * Standard Webhooks (https://www.standardwebhooks.com), which Svix created and Clerk, Resend and Brex send:
 * `webhook-id`, `webhook-timestamp`, `webhook-signature` (Svix names them `svix-*`). The signature list is
 * space-separated `v1,<base64 HMAC-SHA256>` (key = base64-decoded secret after `whsec_`) and/or `v1a,<base64 Ed25519>`
 * (public key `whpk_…`, verify only), over `id + "." + timestamp + "." + body`.
 */
import type { KeyObject } from 'node:crypto';
import { createPublicKey, randomBytes, verify as verifySignature } from 'node:crypto';
import { checkFreshness, fail, judgeTimestamped, malformed, parseUnixSeconds } from './checks';
import { decodeBase64, hmac, sameBytes } from './digest';
import type { SignedParts, SignedRequest } from './provider';
import { firstHeader, hasHeader, setHeader } from './rawHeaders';
import type { CheckResult, Scheme, VerifyContext } from './scheme';
import { SignFailure } from './scheme';

/** Header prefix: the spec's `webhook-` or Svix's `svix-`. Receivers built on Svix's library accept both. */
export type HeaderFamily = 'webhook' | 'svix';

interface HeaderNames {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
}

const names = (family: HeaderFamily): HeaderNames => ({ id: `${family}-id`, timestamp: `${family}-timestamp`, signature: `${family}-signature` });

function familyOf(request: SignedRequest): HeaderFamily | undefined {
  if (hasHeader(request.rawHeaders, 'svix-signature')) return 'svix';
  return hasHeader(request.rawHeaders, 'webhook-signature') ? 'webhook' : undefined;
}

type Key = { readonly kind: 'hmac'; readonly key: Buffer } | { readonly kind: 'ed25519'; readonly key: KeyObject };

const SECRET_FORMAT = 'Standard Webhooks secrets are whsec_ followed by base64 (like whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw)';

/** The key a secret stands for, or a sentence saying why it can't be one. */
function parseSecret(secret: string): Key | string {
  if (secret.startsWith('whpk_')) {
    const raw = decodeBase64(secret.slice('whpk_'.length));
    if (raw?.length !== 32) return 'A whpk_ public key is base64 of a 32-byte Ed25519 key, and this one isn\'t.';
    return { kind: 'ed25519', key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' }) };
  }
  // The reference libraries accept the bare base64 too (Brex hands out secrets without the prefix).
  const key = decodeBase64(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  if (key === undefined) return `${SECRET_FORMAT}; this one isn't base64${secret.startsWith('whsec_') ? ' after the prefix' : ''}.`;
  return { kind: 'hmac', key };
}

interface Signatures {
  readonly v1: Buffer[];
  readonly v1a: Buffer[];
}

function parseSignatures(value: string): Signatures {
  const v1: Buffer[] = [];
  const v1a: Buffer[] = [];
  for (const entry of value.split(' ')) {
    const comma = entry.indexOf(',');
    const version = entry.slice(0, comma);
    const bytes = comma > 0 ? decodeBase64(entry.slice(comma + 1)) : undefined;
    if (bytes === undefined) continue;
    if (version === 'v1') v1.push(bytes);
    else if (version === 'v1a') v1a.push(bytes);
  }
  return { v1, v1a };
}

function ed25519Verifies(content: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verifySignature(null, content, key, signature);
  } catch {
    return false; // a signature of the wrong length throws rather than failing
  }
}

function verifyWith(request: SignedRequest, key: Key, context: VerifyContext): CheckResult {
  const headers = names(familyOf(request)!);
  const value = firstHeader(request.rawHeaders, headers.signature)!;
  const id = firstHeader(request.rawHeaders, headers.id);
  const timestamp = firstHeader(request.rawHeaders, headers.timestamp);
  if (id === undefined || timestamp === undefined) {
    const absent = id === undefined ? headers.id : headers.timestamp;
    return fail('malformedSignature', `${headers.signature} is there but ${absent} is missing, and it is part of what is signed.`);
  }
  const seconds = parseUnixSeconds(timestamp);
  if (seconds === undefined) return malformed(headers.timestamp, 'Unix seconds', timestamp);
  const signatures = parseSignatures(value);
  const content = Buffer.concat([Buffer.from(`${id}.${timestamp.trim()}.`, 'utf8'), request.body]);
  const freshness = checkFreshness(`${headers.timestamp} ${seconds}`, seconds * 1000, context);

  if (key.kind === 'hmac') {
    if (signatures.v1.length === 0) {
      if (signatures.v1a.length > 0) return fail('wrongSecretFormat', 'This message is signed with Ed25519 (v1a) only: verify it with the sender\'s whpk_ public key.');
      return malformed(headers.signature, 'v1,<base64> (space-separated if several)', value);
    }
    const expected = hmac('sha256', key.key, content);
    return judgeTimestamped(signatures.v1.some((sig) => sameBytes(sig, expected)), `The ${headers.signature} v1 signature`, freshness);
  }
  if (signatures.v1a.length === 0) {
    if (signatures.v1.length > 0) return fail('wrongSecretFormat', 'This message is signed with a shared secret (v1) only: verify it with the whsec_ secret.');
    return malformed(headers.signature, 'v1a,<base64> (space-separated if several)', value);
  }
  const matches = signatures.v1a.some((sig) => ed25519Verifies(content, key.key, sig));
  return judgeTimestamped(matches, `The ${headers.signature} v1a (Ed25519) signature`, freshness);
}

export function standardWebhooksScheme(preferred: HeaderFamily): Scheme {
  const own = names(preferred);
  const other = names(preferred === 'svix' ? 'webhook' : 'svix');
  return {
    headers: [own.id, own.timestamp, own.signature],
    signatureHeaders: [own.signature, other.signature],
    coversBody: true,
    isSigned: (request) => familyOf(request) !== undefined,
    missingMessage: () => `No ${own.signature} header.`,
    checkSecret(secret) {
      const parsed = parseSecret(secret);
      return typeof parsed === 'string' ? parsed : undefined;
    },

    verify(request, secret, context) {
      const key = parseSecret(secret);
      return typeof key === 'string' ? fail('wrongSecretFormat', key) : verifyWith(request, key, context);
    },

    sign(request, secret, context): SignedParts {
      const key = parseSecret(secret);
      if (typeof key === 'string') throw new SignFailure('wrongSecretFormat', key);
      if (key.kind !== 'hmac') throw new SignFailure('wrongSecretFormat', 'A whpk_ key is public: it verifies v1a signatures but can\'t make them. Re-signing needs the whsec_ secret.');
      const headers = names(familyOf(request) ?? preferred);
      // Keep the message id, as the sender's own retries do (a receiver that de-duplicates on it will see a repeat).
      const id = firstHeader(request.rawHeaders, headers.id) ?? `msg_${randomBytes(18).toString('base64url')}`;
      const timestamp = String(Math.floor(context.nowMs / 1000));
      const signature = hmac('sha256', key.key, `${id}.${timestamp}.`, request.body).toString('base64');
      let rawHeaders = setHeader(request.rawHeaders, headers.id, id);
      rawHeaders = setHeader(rawHeaders, headers.timestamp, timestamp);
      rawHeaders = setHeader(rawHeaders, headers.signature, `v1,${signature}`);
      return { rawHeaders, body: request.body, url: request.url };
    },
  };
}
