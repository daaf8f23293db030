/**
 * HubSpot, all three versions, keyed with the app's client secret:
 * - v3 (`X-HubSpot-Signature-v3`): base64 HMAC-SHA256 of method + URI + body + `X-HubSpot-Request-Timestamp` (ms),
 *   where the URI has a fixed set of percent-escapes decoded first;
 * - v1 / v2 (`X-HubSpot-Signature` with `X-HubSpot-Signature-Version`): plain hex SHA-256 (not HMAC) of
 *   secret + body (v1) or secret + method + URI + body (v2).
 * HubSpot can send v1 and v3 together, and receivers check either, so every version present is checked and re-signed.
 */
import { checkFreshness, fail, malformed, mismatch, parseUnixMillis, pass } from './checks';
import { decodeBase64, decodeHex, hash, hmac, sameBytes } from './digest';
import type { SignedParts, SignedRequest } from './provider';
import { joinPublicUrl, needsPublicUrlMessage } from './publicUrl';
import { firstHeader, hasHeader, setHeader } from './rawHeaders';
import type { CheckResult, Scheme, VerifyContext } from './scheme';
import { SignFailure } from './scheme';

const V3 = 'X-HubSpot-Signature-v3';
const TIMESTAMP = 'X-HubSpot-Request-Timestamp';
const LEGACY = 'X-HubSpot-Signature';
const VERSION = 'X-HubSpot-Signature-Version';

/** The escapes HubSpot's validation docs say to decode in the URI before signing (v3 only). */
const V3_DECODED: ReadonlyArray<[RegExp, string]> = [
  [/%3A/gi, ':'],
  [/%2F/gi, '/'],
  [/%3F/gi, '?'],
  [/%40/gi, '@'],
  [/%21/gi, '!'],
  [/%24/gi, '$'],
  [/%27/gi, "'"],
  [/%28/gi, '('],
  [/%29/gi, ')'],
  [/%2A/gi, '*'],
  [/%2C/gi, ','],
  [/%3B/gi, ';'],
];

function v3Uri(full: string): string {
  return V3_DECODED.reduce((uri, [escaped, plain]) => uri.replace(escaped, plain), full);
}

function v3Digest(secret: string, request: SignedRequest, publicUrl: string, timestamp: string): Buffer {
  return hmac('sha256', secret, request.method.toUpperCase() + v3Uri(joinPublicUrl(publicUrl, request.url)), request.body, timestamp);
}

type LegacyVersion = 'v1' | 'v2';

function legacyVersion(request: SignedRequest): LegacyVersion | undefined {
  const version = (firstHeader(request.rawHeaders, VERSION) ?? 'v1').trim().toLowerCase();
  return version === 'v1' || version === 'v2' ? version : undefined;
}

function legacyDigest(version: LegacyVersion, secret: string, request: SignedRequest, publicUrl: string | undefined): Buffer {
  const prefix = version === 'v2' ? request.method.toUpperCase() + joinPublicUrl(publicUrl!, request.url) : '';
  return hash('sha256', secret, prefix, request.body);
}

function urlCauses(request: SignedRequest): string {
  return `the body or URL was changed, the client secret is wrong, or HubSpot called a different URL than ${joinPublicUrl(request.publicUrl!, request.url)} (check the public URL)`;
}

function verifyV3(request: SignedRequest, secret: string, context: VerifyContext): CheckResult {
  if (!request.publicUrl) return fail('needsPublicUrl', needsPublicUrlMessage('HubSpot'));
  const value = firstHeader(request.rawHeaders, V3)!;
  const timestamp = firstHeader(request.rawHeaders, TIMESTAMP);
  if (timestamp === undefined) return fail('malformedSignature', `${V3} is there but ${TIMESTAMP} is missing, and it is part of what is signed.`);
  const ms = parseUnixMillis(timestamp);
  if (ms === undefined) return malformed(TIMESTAMP, 'epoch milliseconds', timestamp);
  const digest = decodeBase64(value.trim());
  if (digest?.length !== 32) return malformed(V3, '<base64 of a 32-byte HMAC-SHA256>', value);
  if (!sameBytes(digest, v3Digest(secret, request, request.publicUrl, timestamp.trim()))) return mismatch(`The ${V3} signature`, urlCauses(request));
  return checkFreshness(`${TIMESTAMP} ${ms}`, ms, context) ?? pass();
}

function verifyLegacy(request: SignedRequest, secret: string): CheckResult {
  const version = legacyVersion(request);
  if (version === undefined) return malformed(VERSION, 'v1 or v2', firstHeader(request.rawHeaders, VERSION)!);
  if (version === 'v2' && !request.publicUrl) return fail('needsPublicUrl', needsPublicUrlMessage('HubSpot'));
  const value = firstHeader(request.rawHeaders, LEGACY)!;
  const digest = decodeHex(value.trim());
  if (digest?.length !== 32) return malformed(LEGACY, '<64 hex digits>', value);
  if (sameBytes(digest, legacyDigest(version, secret, request, request.publicUrl))) return pass();
  return version === 'v1' ? mismatch(`The ${LEGACY} (v1) signature`) : mismatch(`The ${LEGACY} (v2) signature`, urlCauses(request));
}

export const hubspotScheme: Scheme = {
  headers: [V3, TIMESTAMP, LEGACY, VERSION],
  signatureHeaders: [V3, LEGACY],
  coversBody: true,
  isSigned: (request) => hasHeader(request.rawHeaders, V3) || hasHeader(request.rawHeaders, LEGACY),
  missingMessage: () => `No ${V3} or ${LEGACY} header.`,
  checkSecret(secret) {
    if (secret.startsWith('pat-')) return 'That is a private app access token. HubSpot signs webhooks with the app\'s client secret.';
    return secret.length === 0 ? 'The client secret is empty.' : undefined;
  },

  verify(request, secret, context) {
    const checks: Array<[string, CheckResult]> = [];
    if (hasHeader(request.rawHeaders, V3)) checks.push(['v3', verifyV3(request, secret, context)]);
    if (hasHeader(request.rawHeaders, LEGACY)) checks.push([legacyVersion(request) ?? 'legacy', verifyLegacy(request, secret)]);
    const failed = checks.find(([, result]) => !result.ok);
    if (failed === undefined) return pass(`${checks.map(([label]) => label).join(' and ')} signature${checks.length > 1 ? 's match' : ' matches'}.`);
    const [label, result] = failed;
    // v1 covers only the body: when it holds and v3 doesn't, the body is intact and the URL or method must differ.
    const v1Held = checks.some(([other, check]) => other === 'v1' && check.ok);
    if (label === 'v3' && v1Held && !result.ok && result.reason === 'bodyChanged') {
      return fail('bodyChanged', `${result.message} The v1 signature (body only) matches, so the public URL or method probably differs from what HubSpot called.`);
    }
    return result;
  },

  sign(request, secret, context): SignedParts {
    const hasLegacy = hasHeader(request.rawHeaders, LEGACY);
    const version = legacyVersion(request) ?? 'v1';
    const needsUrl = hasHeader(request.rawHeaders, V3) || !hasLegacy || version === 'v2';
    if (needsUrl && !request.publicUrl) throw new SignFailure('needsPublicUrl', needsPublicUrlMessage('HubSpot'));
    let rawHeaders = [...request.rawHeaders];
    if (hasLegacy) rawHeaders = setHeader(rawHeaders, LEGACY, legacyDigest(version, secret, request, request.publicUrl).toString('hex'));
    if (hasHeader(request.rawHeaders, V3) || !hasLegacy) {
      const timestamp = String(context.nowMs);
      rawHeaders = setHeader(rawHeaders, TIMESTAMP, timestamp);
      rawHeaders = setHeader(rawHeaders, V3, v3Digest(secret, request, request.publicUrl!, timestamp).toString('base64'));
    }
    return { rawHeaders, body: request.body, url: request.url };
  },
};
