/**
 * The one entry point for webhook signatures: verify a captured request, re-sign an edited one for replay, strip
 * signatures, and check a secret's form. Provider specifics live in the scheme modules; this layer owns the rules
 * every provider shares (secret trimming, the order of checks, Content-Length, truncated bodies).
 */
import { providerInfo } from './catalogue';
import { detectProvider } from './detect';
import type { ProviderId, SignedParts, SignedRequest, SignOptions, Verdict, VerdictReason, VerifyOptions } from './provider';
import { SignError } from './provider';
import { removeHeaders, withContentLength } from './rawHeaders';
import { SignFailure } from './scheme';
import { schemes } from './schemes';

function invalid(provider: ProviderId, reason: VerdictReason, message: string): Verdict {
  return { status: 'invalid', provider, reason, message };
}

/** Pasted secrets often carry a trailing newline or spaces, which no provider's secret contains. */
function normalise(secret: string | undefined): string | undefined {
  const trimmed = secret?.trim();
  return trimmed === '' ? undefined : trimmed;
}

const truncatedMessage =
  'Only the start of the body was recorded, so its signature can\'t be checked. Raise webhookTunnel.history.maxBodyBytes to record whole bodies.';

/**
 * Checks `request` against `provider`'s scheme. Without a secret the answer is `unsigned` or `noSecret`; with one, a
 * missing signature is `invalid` (the receiver, holding the same secret, would reject it).
 */
export function verify(provider: ProviderId, request: SignedRequest, secret: string | undefined, options: VerifyOptions = {}): Verdict {
  const scheme = schemes[provider];
  const key = normalise(secret);
  if (key === undefined) return scheme.isSigned(request) ? { status: 'noSecret', provider } : { status: 'unsigned', provider };
  if (request.bodyTruncated && scheme.coversBody) return invalid(provider, 'bodyTruncated', truncatedMessage);
  if (!scheme.isSigned(request)) return invalid(provider, 'missingSignature', scheme.missingMessage(request));
  const problem = scheme.checkSecret(key);
  if (problem !== undefined) return invalid(provider, 'wrongSecretFormat', problem);
  const result = scheme.verify(request, key, {
    nowMs: options.now ?? Date.now(),
    toleranceSeconds: options.toleranceSeconds ?? providerInfo(provider).toleranceSeconds,
  });
  if (!result.ok) return invalid(provider, result.reason, result.message);
  return result.detail === undefined ? { status: 'valid', provider } : { status: 'valid', provider, detail: result.detail };
}

/** Detects the provider from the request, then verifies with the secret `secretFor` has for it. */
export function verifyDetected(request: SignedRequest, secretFor: (provider: ProviderId) => string | undefined, options: VerifyOptions = {}): Verdict {
  const detected = detectProvider(request.rawHeaders, request.body);
  return detected === undefined ? { status: 'unsigned' } : verify(detected.provider, request, secretFor(detected.provider), options);
}

/**
 * Signs `request` as `provider` would: fresh timestamps where the scheme has them, signature headers replaced where
 * they were (appended when absent), Content-Length matching the body. Throws `SignError` when it can't.
 */
export function sign(provider: ProviderId, request: SignedRequest, secret: string, options: SignOptions = {}): SignedParts {
  const scheme = schemes[provider];
  const name = providerInfo(provider).name;
  if (scheme.sign === undefined) {
    throw new SignError('verifyOnly', provider, `${name} signs with its private key, so a changed request can't be re-signed. Replay it unchanged, or strip the signature.`);
  }
  if (request.bodyTruncated && scheme.coversBody) throw new SignError('bodyTruncated', provider, truncatedMessage);
  const key = normalise(secret);
  const problem = key === undefined ? 'The secret is empty.' : scheme.checkSecret(key);
  if (problem !== undefined) throw new SignError('wrongSecretFormat', provider, problem);
  let parts: SignedParts;
  try {
    parts = scheme.sign(request, key!, { nowMs: options.now ?? Date.now() });
  } catch (error: unknown) {
    if (error instanceof SignFailure) throw new SignError(error.reason, provider, error.message);
    throw error;
  }
  return { ...parts, rawHeaders: withContentLength(parts.rawHeaders, parts.body.length) };
}

/** The headers without `provider`'s signature headers (body-carried signatures, Mailgun's and SNS's, stay). */
export function stripSignatures(provider: ProviderId, rawHeaders: readonly string[]): string[] {
  return removeHeaders(rawHeaders, schemes[provider].signatureHeaders);
}

/** Why `secret` can't be `provider`'s kind of secret, or undefined when it could be (for input validation). */
export function checkSecret(provider: ProviderId, secret: string): string | undefined {
  const key = normalise(secret);
  return key === undefined ? 'The secret is empty.' : schemes[provider].checkSecret(key);
}
