/**
 * HMAC-SHA256 over a timestamp and the body, hex. Two layouts:
 * - inline (Stripe, Calendly, Mux): one header `t=<unix>,v1=<hex>[,v1=…]`, signed content `t + "." + body`;
 * - versioned (Slack, Zoom): `v0=<hex>` plus a separate timestamp header, signed content `"v0:" + ts + ":" + body`.
 * Re-signing always stamps a fresh time: a replay with the old one fails the receiver's freshness check.
 */
import { checkFreshness, fail, judgeTimestamped, malformed, parseUnixSeconds } from './checks';
import { decodeHex, hmac, sameBytes } from './digest';
import type { SignedParts } from './provider';
import { firstHeader, hasHeader, setHeader } from './rawHeaders';
import type { Scheme, VerifyContext } from './scheme';

const nonEmpty = (secret: string) => (secret.length === 0 ? 'The secret is empty.' : undefined);

interface InlineConfig {
  readonly header: string;
  readonly missing: string;
  readonly checkSecret?: (secret: string) => string | undefined;
}

function parseInline(value: string): { t: string | undefined; v1: string[] } {
  let t: string | undefined;
  const v1: string[] = [];
  for (const entry of value.split(',')) {
    const at = entry.indexOf('=');
    if (at < 0) continue;
    const key = entry.slice(0, at).trim();
    const text = entry.slice(at + 1).trim();
    if (key === 't') t ??= text;
    else if (key === 'v1') v1.push(text);
  }
  return { t, v1 };
}

export function inlineTimestampScheme(config: InlineConfig): Scheme {
  const shape = 't=<unix seconds>,v1=<64 hex digits>';
  return {
    headers: [config.header],
    signatureHeaders: [config.header],
    coversBody: true,
    isSigned: (request) => hasHeader(request.rawHeaders, config.header),
    missingMessage: () => config.missing,
    checkSecret: config.checkSecret ?? nonEmpty,

    verify(request, secret, context: VerifyContext) {
      const value = firstHeader(request.rawHeaders, config.header);
      if (value === undefined) return fail('missingSignature', config.missing);
      const { t, v1 } = parseInline(value);
      const seconds = parseUnixSeconds(t);
      const digests = v1.map(decodeHex).filter((digest): digest is Buffer => digest !== undefined);
      if (seconds === undefined || digests.length === 0) return malformed(config.header, shape, value);
      const expected = hmac('sha256', secret, `${t!.trim()}.`, request.body);
      const freshness = checkFreshness(`${config.header} t=${seconds}`, seconds * 1000, context);
      return judgeTimestamped(
        digests.some((digest) => sameBytes(digest, expected)),
        `The ${config.header} v1 signature`,
        freshness,
      );
    },

    sign(request, secret, context): SignedParts {
      const t = String(Math.floor(context.nowMs / 1000));
      const v1 = hmac('sha256', secret, `${t}.`, request.body).toString('hex');
      return { rawHeaders: setHeader(request.rawHeaders, config.header, `t=${t},v1=${v1}`), body: request.body, url: request.url };
    },
  };
}

interface VersionedConfig {
  readonly signatureHeader: string;
  readonly timestampHeader: string;
  readonly missing: string;
}

export function versionedTimestampScheme(config: VersionedConfig): Scheme {
  const { signatureHeader, timestampHeader } = config;
  return {
    headers: [signatureHeader, timestampHeader],
    signatureHeaders: [signatureHeader],
    coversBody: true,
    isSigned: (request) => hasHeader(request.rawHeaders, signatureHeader),
    missingMessage: () => config.missing,
    checkSecret: nonEmpty,

    verify(request, secret, context) {
      const value = firstHeader(request.rawHeaders, signatureHeader);
      if (value === undefined) return fail('missingSignature', config.missing);
      const timestamp = firstHeader(request.rawHeaders, timestampHeader);
      if (timestamp === undefined) {
        return fail('malformedSignature', `${signatureHeader} is there but ${timestampHeader} is missing, and it is part of what is signed.`);
      }
      const seconds = parseUnixSeconds(timestamp);
      if (seconds === undefined) return malformed(timestampHeader, 'Unix seconds', timestamp);
      const digest = value.trim().startsWith('v0=') ? decodeHex(value.trim().slice(3)) : undefined;
      if (digest === undefined) return malformed(signatureHeader, 'v0=<64 hex digits>', value);
      const expected = hmac('sha256', secret, `v0:${timestamp.trim()}:`, request.body);
      const freshness = checkFreshness(`${timestampHeader} ${seconds}`, seconds * 1000, context);
      return judgeTimestamped(sameBytes(digest, expected), `The ${signatureHeader} signature`, freshness);
    },

    sign(request, secret, context): SignedParts {
      const ts = String(Math.floor(context.nowMs / 1000));
      const signature = `v0=${hmac('sha256', secret, `v0:${ts}:`, request.body).toString('hex')}`;
      const rawHeaders = setHeader(setHeader(request.rawHeaders, timestampHeader, ts), signatureHeader, signature);
      return { rawHeaders, body: request.body, url: request.url };
    },
  };
}

export const stripeScheme = inlineTimestampScheme({
  header: 'Stripe-Signature',
  missing: 'No Stripe-Signature header.',
  // Stripe's SDKs use the whole `whsec_…` string as the HMAC key, so only its prefix can be checked.
  checkSecret(secret) {
    if (/^(sk|rk|pk)_/.test(secret)) {
      return 'That is a Stripe API key. Webhooks are signed with the endpoint\'s signing secret, which starts with whsec_ (Dashboard → Webhooks → the endpoint, or what `stripe listen` prints).';
    }
    return secret.startsWith('whsec_') ? undefined : 'Stripe webhook signing secrets start with whsec_.';
  },
});

export const calendlyScheme = inlineTimestampScheme({
  header: 'Calendly-Webhook-Signature',
  missing: 'No Calendly-Webhook-Signature header: Calendly signs only subscriptions created with a signing key.',
});

export const muxScheme = inlineTimestampScheme({ header: 'Mux-Signature', missing: 'No Mux-Signature header.' });

export const slackScheme = versionedTimestampScheme({
  signatureHeader: 'X-Slack-Signature',
  timestampHeader: 'X-Slack-Request-Timestamp',
  missing: 'No X-Slack-Signature header.',
});

export const zoomScheme = versionedTimestampScheme({
  signatureHeader: 'x-zm-signature',
  timestampHeader: 'x-zm-request-timestamp',
  missing: 'No x-zm-signature header.',
});
