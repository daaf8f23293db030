/**
 * The contract each provider family module implements. Schemes know nothing of provider ids (Svix, Clerk and
 * Resend share one); the facade in `signatures.ts` adds the id, the secret checks and the Content-Length.
 */
import type { SignedParts, SignedRequest, VerdictReason } from './provider';

export type CheckResult =
  | { readonly ok: true; readonly detail?: string }
  | { readonly ok: false; readonly reason: VerdictReason; readonly message: string };

export interface VerifyContext {
  /** Epoch milliseconds. */
  readonly nowMs: number;
  /** `undefined`: the scheme's timestamp (if any) is not checked. */
  readonly toleranceSeconds: number | undefined;
}

export interface SignContext {
  /** Epoch milliseconds. */
  readonly nowMs: number;
}

export interface Scheme {
  /** Every header the scheme reads or writes, canonical case (for the catalogue). */
  readonly headers: readonly string[];
  /** Headers that carry a signature or token: what `stripSignatures` removes. */
  readonly signatureHeaders: readonly string[];
  /** Whether the signature needs the body bytes (false for a plain token). */
  readonly coversBody: boolean;
  /** Whether the request carries any of this scheme's signature at all. */
  isSigned(request: SignedRequest): boolean;
  /** Sentence that explains a missing signature to the user. */
  missingMessage(request: SignedRequest): string;
  /** A problem with the secret's form, or undefined when it could be right. */
  checkSecret(secret: string): string | undefined;
  /** Called only for signed requests with a well-formed secret. */
  verify(request: SignedRequest, secret: string, context: VerifyContext): CheckResult;
  /** Absent for verify-only (public-key) schemes. Throws `SignFailure` when it can't sign this request. */
  sign?(request: SignedRequest, secret: string, context: SignContext): SignedParts;
}

/** A scheme's reason for refusing to sign; the facade turns it into a `SignError` naming the provider. */
export class SignFailure extends Error {
  constructor(
    readonly reason: 'wrongSecretFormat' | 'needsPublicUrl' | 'noSignatureField',
    message: string,
  ) {
    super(message);
    this.name = 'SignFailure';
  }
}
