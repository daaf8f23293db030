/**
 * The simplest family: an HMAC of the raw body bytes in one header, no timestamp. GitHub, Shopify, CircleCI,
 * PagerDuty, Bitbucket, Intercom (and, with a timestamp on top, Linear in `linear.ts`).
 */
import { fail, malformed, mismatch, pass } from './checks';
import type { DigestEncoding, HashAlgorithm } from './digest';
import { decode, hmac, sameBytes } from './digest';
import type { SignedParts, SignedRequest } from './provider';
import { firstHeader, hasHeader, setHeader } from './rawHeaders';
import type { CheckResult, Scheme } from './scheme';

export interface BodyHmacVariant {
  readonly header: string;
  readonly algorithm: HashAlgorithm;
  readonly encoding: DigestEncoding;
  /**
   * `sha256` for `sha256=<digest>`, `v1` for a comma-separated `v1=<digest>[,v1=…]` list (several during a secret
   * rotation); absent for a bare digest.
   */
  readonly key?: string;
  /** Said on success, e.g. that only a legacy header was there. */
  readonly note?: string;
}

export interface BodyHmacConfig {
  /** In order of preference: verify checks the first one present; sign rewrites every one present (or the first). */
  readonly variants: readonly [BodyHmacVariant, ...BodyHmacVariant[]];
  readonly missing: string;
}

const DIGEST_BYTES: Record<HashAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64 };

function digestShape(variant: BodyHmacVariant): string {
  const bytes = DIGEST_BYTES[variant.algorithm];
  const digest = variant.encoding === 'hex' ? `<${bytes * 2} hex digits>` : `<base64 of ${bytes} bytes>`;
  return variant.key === undefined ? digest : `${variant.key}=${digest}`;
}

/** The decodable digests in a header value; undefined when none is in the expected form. */
export function parseDigests(value: string, variant: BodyHmacVariant): Buffer[] | undefined {
  const texts =
    variant.key === undefined
      ? [value.trim()]
      : value
          .split(',')
          .map((entry) => entry.trim().split('='))
          .filter(([key]) => key === variant.key)
          .map((parts) => parts.slice(1).join('='));
  const digests = texts.map((text) => decode(text, variant.encoding)).filter((digest): digest is Buffer => digest !== undefined);
  return digests.length > 0 ? digests : undefined;
}

export function formatDigest(variant: BodyHmacVariant, digest: Buffer): string {
  const text = digest.toString(variant.encoding);
  return variant.key === undefined ? text : `${variant.key}=${text}`;
}

export function bodyHmacScheme(config: BodyHmacConfig): Scheme {
  const headers = config.variants.map((variant) => variant.header);
  const present = (request: SignedRequest) => config.variants.filter((variant) => hasHeader(request.rawHeaders, variant.header));

  return {
    headers,
    signatureHeaders: headers,
    coversBody: true,
    isSigned: (request) => present(request).length > 0,
    missingMessage: () => config.missing,
    checkSecret: (secret) => (secret.length === 0 ? 'The secret is empty.' : undefined),

    verify(request, secret): CheckResult {
      const variant = present(request)[0];
      if (variant === undefined) return fail('missingSignature', config.missing);
      const value = firstHeader(request.rawHeaders, variant.header)!;
      const digests = parseDigests(value, variant);
      if (digests === undefined) return malformed(variant.header, digestShape(variant), value);
      const expected = hmac(variant.algorithm, secret, request.body);
      if (!digests.some((digest) => sameBytes(digest, expected))) return mismatch(`The ${variant.header} signature`);
      const rotation = digests.length > 1 ? ` (one of ${digests.length} signatures; the sender is rotating secrets)` : '';
      return pass(`${variant.header} matches${rotation}.${variant.note === undefined ? '' : ` ${variant.note}`}`);
    },

    sign(request, secret): SignedParts {
      const found = present(request);
      const targets = found.length > 0 ? found : [config.variants[0]];
      let rawHeaders = [...request.rawHeaders];
      for (const variant of targets) {
        rawHeaders = setHeader(rawHeaders, variant.header, formatDigest(variant, hmac(variant.algorithm, secret, request.body)));
      }
      return { rawHeaders, body: request.body, url: request.url };
    },
  };
}

export const githubScheme = bodyHmacScheme({
  variants: [
    { header: 'X-Hub-Signature-256', algorithm: 'sha256', encoding: 'hex', key: 'sha256' },
    // Still sent next to the SHA-256 header; older receivers check only this one, so re-signing refreshes both.
    {
      header: 'X-Hub-Signature',
      algorithm: 'sha1',
      encoding: 'hex',
      key: 'sha1',
      note: 'Only the legacy SHA-1 header was sent; GitHub recommends X-Hub-Signature-256.',
    },
  ],
  missing: 'No X-Hub-Signature-256 header: GitHub signs deliveries only when the webhook has a secret.',
});

export const shopifyScheme = bodyHmacScheme({
  variants: [{ header: 'X-Shopify-Hmac-Sha256', algorithm: 'sha256', encoding: 'base64' }],
  missing: 'No X-Shopify-Hmac-Sha256 header.',
});

export const circleciScheme = bodyHmacScheme({
  // A versioned list; receivers check only the version they know (v1), so later versions are ignored here too.
  variants: [{ header: 'circleci-signature', algorithm: 'sha256', encoding: 'hex', key: 'v1' }],
  missing: 'No circleci-signature header: CircleCI signs only when the webhook has a secret token.',
});

export const pagerdutyScheme = bodyHmacScheme({
  variants: [{ header: 'X-PagerDuty-Signature', algorithm: 'sha256', encoding: 'hex', key: 'v1' }],
  missing: 'No X-PagerDuty-Signature header.',
});

export const bitbucketScheme = bodyHmacScheme({
  variants: [{ header: 'X-Hub-Signature', algorithm: 'sha256', encoding: 'hex', key: 'sha256' }],
  missing: 'No X-Hub-Signature header: Bitbucket signs only when the webhook has a secret.',
});

export const intercomScheme = bodyHmacScheme({
  variants: [{ header: 'X-Hub-Signature', algorithm: 'sha1', encoding: 'hex', key: 'sha1' }],
  missing: 'No X-Hub-Signature header.',
});
