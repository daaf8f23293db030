/**
 * The public vocabulary of webhook signature checking: which providers exist, what a request looks like to a
 * verifier, and the verdicts it returns. Plain Node; the schemes themselves live one family per module.
 */

/**
 * Provider ids. Where ngrok's `verify-webhook` action knows the provider, the id is ngrok's (so a tunnel's traffic
 * policy and a local check name it the same way); `standard_webhooks` and `resend` are not in ngrok's list.
 */
export type ProviderId =
  | 'github'
  | 'stripe'
  | 'slack'
  | 'shopify'
  | 'twilio'
  | 'circleci'
  | 'gitlab'
  | 'standard_webhooks'
  | 'svix'
  | 'clerk'
  | 'resend'
  | 'brex'
  | 'pagerduty'
  | 'zoom'
  | 'mailgun'
  | 'calendly'
  | 'mux'
  | 'bitbucket'
  | 'linear'
  | 'intercom'
  | 'hubspot'
  | 'sendgrid'
  | 'sns';

/** What a verifier needs of a request: exactly the bytes and header pairs the capture proxy recorded. */
export interface SignedRequest {
  readonly method: string;
  /** Path and query as the sender wrote them. */
  readonly url: string;
  /** `[name, value, name, value, …]` in arrival order, case kept. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  /** `scheme://host[:port]` of the public side, for schemes that sign the URL the sender called (Twilio, HubSpot). */
  readonly publicUrl?: string;
  /** The recorded body is only a prefix of what was sent, so nothing that covers the body can be checked. */
  readonly bodyTruncated?: boolean;
}

export type VerdictReason =
  /** The provider's signature header (or body field) is absent. */
  | 'missingSignature'
  /** The signature doesn't match this content: the body was changed or the secret is wrong (indistinguishable). */
  | 'bodyChanged'
  /** Signature fine, but the signed timestamp is outside the tolerance window. */
  | 'timestampOutOfTolerance'
  /** The secret can't be the kind this provider uses (a Stripe `sk_` key, a non-base64 Standard Webhooks secret…). */
  | 'wrongSecretFormat'
  /** A signature is present but not in the provider's format, or a part it depends on (timestamp, id) is missing. */
  | 'malformedSignature'
  /** The scheme signs the public URL the sender called, and none was given. */
  | 'needsPublicUrl'
  /** A plain shared token (GitLab) differs from the secret. */
  | 'tokenMismatch'
  /** Only part of the body was recorded, so a signature over it can't be checked. */
  | 'bodyTruncated';

export type Verdict =
  | { readonly status: 'valid'; readonly provider: ProviderId; readonly detail?: string }
  | { readonly status: 'invalid'; readonly provider: ProviderId; readonly reason: VerdictReason; readonly message: string }
  /** No provider signature at all (and, for a named provider, no secret to insist on one). */
  | { readonly status: 'unsigned'; readonly provider?: ProviderId }
  /** Signed, but there is no secret for the provider: nothing was verified. */
  | { readonly status: 'noSecret'; readonly provider: ProviderId };

export interface VerifyOptions {
  /** Current time in epoch milliseconds (`Date.now()` when absent); tests pass it to stay deterministic. */
  readonly now?: number;
  /** Overrides the provider's default tolerance for signed timestamps, in seconds. */
  readonly toleranceSeconds?: number;
}

export interface SignOptions {
  /** Epoch milliseconds to stamp into timestamped schemes (`Date.now()` when absent). */
  readonly now?: number;
}

/**
 * What to send after re-signing. Usually only headers change; two schemes reach further:
 * Mailgun carries its signature in the body, and Twilio's JSON webhooks carry the body's hash in the URL.
 */
export interface SignedParts {
  /** The request's headers with signature (and timestamp) headers replaced in place, Content-Length matching `body`. */
  readonly rawHeaders: string[];
  readonly body: Buffer;
  /** Path and query to send. */
  readonly url: string;
}

export type SignErrorReason =
  /** A public-key scheme: only the provider holds the private key. */
  | 'verifyOnly'
  | 'wrongSecretFormat'
  | 'needsPublicUrl'
  | 'bodyTruncated'
  /** The scheme keeps its signature in the body (Mailgun) and this body has no place for it. */
  | 'noSignatureField';

/** Thrown by `sign` when it can't produce a valid signature; `message` says why in plain words. */
export class SignError extends Error {
  constructor(
    readonly reason: SignErrorReason,
    readonly provider: ProviderId,
    message: string,
  ) {
    super(message);
    this.name = 'SignError';
  }

  static is(value: unknown, reason?: SignErrorReason): value is SignError {
    return value instanceof SignError && (reason === undefined || value.reason === reason);
  }
}
