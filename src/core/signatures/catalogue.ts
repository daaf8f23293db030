/**
 * What the UI needs to know about each provider: its name, how it signs, whether a replay can be re-signed, what the
 * secret looks like (to validate the input box) and the default timestamp tolerance. Headers and "can sign" are read
 * from the scheme itself so the catalogue can't drift from the code.
 */
import type { ProviderId } from './provider';
import { schemes } from './schemes';

export type SchemeFamily =
  /** HMAC of the raw body in one header. */
  | 'bodyHmac'
  /** HMAC of a timestamp plus the body. */
  | 'timestampedHmac'
  /** HMAC over the public URL (and form fields or method), so it needs the URL the sender called. */
  | 'urlHmac'
  /** The shared secret itself is sent. */
  | 'token'
  | 'standardWebhooks'
  /** The signature travels inside the body. */
  | 'bodyField'
  | 'publicKey';

export interface SecretFormat {
  /** What the provider calls it. */
  readonly label: string;
  /** Where to find it, and what it looks like. */
  readonly hint: string;
  /** A regular expression (source) a plausible secret matches, for instant input feedback; `checkSecret` has the full rules. */
  readonly pattern?: string;
}

export interface ProviderInfo {
  readonly id: ProviderId;
  readonly name: string;
  readonly family: SchemeFamily;
  /** One line: algorithm, encoding, what is signed and where it goes. */
  readonly scheme: string;
  /** Headers the scheme reads and writes; empty when the signature lives in the body. */
  readonly headers: readonly string[];
  /** False for public-key schemes: they verify, but a changed replay can't be re-signed. */
  readonly canSign: boolean;
  readonly needsPublicUrl: boolean;
  readonly secret: SecretFormat;
  /** Default tolerance for the signed timestamp in seconds; absent when there is none or the provider names none. */
  readonly toleranceSeconds?: number;
  /** The provider whose scheme this one uses unchanged. */
  readonly sameSchemeAs?: ProviderId;
}

type Described = Omit<ProviderInfo, 'id' | 'headers' | 'canSign'>;

const STANDARD_SECRET: SecretFormat = {
  label: 'Signing secret',
  hint: 'whsec_ followed by base64 (a whpk_ public key verifies v1a signatures but cannot re-sign).',
  pattern: '^(whsec_)?[A-Za-z0-9+/]+={0,2}$|^whpk_[A-Za-z0-9+/]+={0,2}$',
};
const STANDARD = 'HMAC-SHA256 of `id.timestamp.body`, base64, `v1,…` (Ed25519 `v1a,…` verify only)';

const described: Readonly<Record<ProviderId, Described>> = {
  github: {
    name: 'GitHub',
    family: 'bodyHmac',
    scheme: 'HMAC-SHA256 of the body, hex, `X-Hub-Signature-256: sha256=…` (and legacy SHA-1 `X-Hub-Signature`)',
    needsPublicUrl: false,
    secret: { label: 'Webhook secret', hint: 'The secret set on the webhook (Settings → Webhooks).' },
  },
  stripe: {
    name: 'Stripe',
    family: 'timestampedHmac',
    scheme: 'HMAC-SHA256 of `t.body`, hex, `Stripe-Signature: t=…,v1=…`',
    needsPublicUrl: false,
    secret: { label: 'Signing secret', hint: 'Starts with whsec_ (the endpoint\'s signing secret, or what `stripe listen` prints), not an sk_ API key.', pattern: '^whsec_\\S+$' },
    toleranceSeconds: 300,
  },
  slack: {
    name: 'Slack',
    family: 'timestampedHmac',
    scheme: 'HMAC-SHA256 of `v0:timestamp:body`, hex, `X-Slack-Signature: v0=…` + `X-Slack-Request-Timestamp`',
    needsPublicUrl: false,
    secret: { label: 'Signing secret', hint: 'Basic Information → App Credentials → Signing Secret (not the deprecated verification token).' },
    toleranceSeconds: 300,
  },
  shopify: {
    name: 'Shopify',
    family: 'bodyHmac',
    scheme: 'HMAC-SHA256 of the body, base64, `X-Shopify-Hmac-Sha256`',
    needsPublicUrl: false,
    secret: { label: 'Client secret', hint: 'The app\'s client secret; for webhooks made in the store admin, the key shown under "Your webhooks will be signed with".' },
  },
  twilio: {
    name: 'Twilio',
    family: 'urlHmac',
    scheme: 'HMAC-SHA1 of the public URL + sorted form fields (or URL with bodySHA256 for JSON), base64, `X-Twilio-Signature`',
    needsPublicUrl: true,
    secret: { label: 'Auth Token', hint: 'The account\'s Auth Token (Console → Account info), not the Account SID.' },
  },
  circleci: {
    name: 'CircleCI',
    family: 'bodyHmac',
    scheme: 'HMAC-SHA256 of the body, hex, `circleci-signature: v1=…`',
    needsPublicUrl: false,
    secret: { label: 'Secret token', hint: 'The secret token set on the webhook (Project Settings → Webhooks).' },
  },
  gitlab: {
    name: 'GitLab',
    family: 'token',
    scheme: 'The secret token itself in `X-Gitlab-Token`; the body is not covered',
    needsPublicUrl: false,
    secret: { label: 'Secret token', hint: 'The secret token set on the webhook.' },
  },
  standard_webhooks: {
    name: 'Standard Webhooks',
    family: 'standardWebhooks',
    scheme: `${STANDARD} in \`webhook-signature\` + \`webhook-id\`, \`webhook-timestamp\``,
    needsPublicUrl: false,
    secret: STANDARD_SECRET,
    toleranceSeconds: 300,
  },
  svix: {
    name: 'Svix',
    family: 'standardWebhooks',
    scheme: `${STANDARD} in \`svix-signature\` + \`svix-id\`, \`svix-timestamp\``,
    needsPublicUrl: false,
    secret: STANDARD_SECRET,
    toleranceSeconds: 300,
    sameSchemeAs: 'standard_webhooks',
  },
  clerk: {
    name: 'Clerk',
    family: 'standardWebhooks',
    scheme: `Svix: ${STANDARD}`,
    needsPublicUrl: false,
    secret: { ...STANDARD_SECRET, hint: 'The endpoint\'s signing secret (Webhooks → endpoint → Signing Secret), whsec_…' },
    toleranceSeconds: 300,
    sameSchemeAs: 'svix',
  },
  resend: {
    name: 'Resend',
    family: 'standardWebhooks',
    scheme: `Svix: ${STANDARD}`,
    needsPublicUrl: false,
    secret: { ...STANDARD_SECRET, hint: 'The webhook\'s signing secret, whsec_…' },
    toleranceSeconds: 300,
    sameSchemeAs: 'svix',
  },
  brex: {
    name: 'Brex',
    family: 'standardWebhooks',
    scheme: `Standard Webhooks: ${STANDARD}`,
    needsPublicUrl: false,
    secret: { ...STANDARD_SECRET, hint: 'A secret from GET /v1/webhooks/secrets (base64; the whsec_ prefix is optional).' },
    toleranceSeconds: 300,
    sameSchemeAs: 'standard_webhooks',
  },
  pagerduty: {
    name: 'PagerDuty',
    family: 'bodyHmac',
    scheme: 'HMAC-SHA256 of the body, hex, `X-PagerDuty-Signature: v1=…[,v1=…]`',
    needsPublicUrl: false,
    secret: { label: 'Signing secret', hint: 'Shown once when the v3 webhook subscription is created.' },
  },
  zoom: {
    name: 'Zoom',
    family: 'timestampedHmac',
    scheme: 'HMAC-SHA256 of `v0:timestamp:body`, hex, `x-zm-signature: v0=…` + `x-zm-request-timestamp`',
    needsPublicUrl: false,
    secret: { label: 'Secret token', hint: 'The app\'s Secret Token (Features → Access), not the verification token.' },
    toleranceSeconds: 300,
  },
  mailgun: {
    name: 'Mailgun',
    family: 'bodyField',
    scheme: 'HMAC-SHA256 of timestamp + token, hex, inside the body; the event data is not covered',
    needsPublicUrl: false,
    secret: { label: 'HTTP webhook signing key', hint: 'Sending → Webhooks → HTTP webhook signing key (not the API key).' },
  },
  calendly: {
    name: 'Calendly',
    family: 'timestampedHmac',
    scheme: 'HMAC-SHA256 of `t.body`, hex, `Calendly-Webhook-Signature: t=…,v1=…`',
    needsPublicUrl: false,
    secret: { label: 'Webhook signing key', hint: 'The signing key given when the subscription was created (not the API token).' },
    toleranceSeconds: 180,
  },
  mux: {
    name: 'Mux',
    family: 'timestampedHmac',
    scheme: 'HMAC-SHA256 of `t.body`, hex, `Mux-Signature: t=…,v1=…`',
    needsPublicUrl: false,
    secret: { label: 'Signing secret', hint: 'The webhook\'s signing secret (Settings → Webhooks).' },
    toleranceSeconds: 300,
  },
  bitbucket: {
    name: 'Bitbucket',
    family: 'bodyHmac',
    scheme: 'HMAC-SHA256 of the body, hex, `X-Hub-Signature: sha256=…`',
    needsPublicUrl: false,
    secret: { label: 'Webhook secret', hint: 'The secret set on the webhook (Repository settings → Webhooks).' },
  },
  linear: {
    name: 'Linear',
    family: 'bodyHmac',
    scheme: 'HMAC-SHA256 of the body, hex, `Linear-Signature`; freshness from `Linear-Timestamp` or the body\'s `webhookTimestamp` (ms)',
    needsPublicUrl: false,
    secret: { label: 'Signing secret', hint: 'The webhook\'s signing secret (Settings → API → Webhooks).' },
    toleranceSeconds: 60,
  },
  intercom: {
    name: 'Intercom',
    family: 'bodyHmac',
    scheme: 'HMAC-SHA1 of the body, hex, `X-Hub-Signature: sha1=…`',
    needsPublicUrl: false,
    secret: { label: 'Client secret', hint: 'The app\'s client_secret (Developer Hub → Basic information).' },
  },
  hubspot: {
    name: 'HubSpot',
    family: 'urlHmac',
    scheme: 'v3: HMAC-SHA256 of method + public URL + body + timestamp (ms), base64, `X-HubSpot-Signature-v3`; v1/v2: SHA-256 hex in `X-HubSpot-Signature`',
    needsPublicUrl: true,
    secret: { label: 'Client secret', hint: 'The app\'s client secret (Auth tab), not an access token.' },
    toleranceSeconds: 300,
  },
  sendgrid: {
    name: 'SendGrid',
    family: 'publicKey',
    scheme: 'ECDSA P-256 / SHA-256 over timestamp + body, base64 DER, `X-Twilio-Email-Event-Webhook-Signature`',
    needsPublicUrl: false,
    secret: { label: 'Verification key', hint: 'The public key under Mail Settings → Event Webhook → Signature verification (base64, starts with MFkw).', pattern: '^MFkw[A-Za-z0-9+/]+={0,2}$|-----BEGIN PUBLIC KEY-----' },
  },
  sns: {
    name: 'Amazon SNS',
    family: 'publicKey',
    scheme: 'RSA SHA1/SHA256 over canonical message fields, base64, `Signature` in the body; checked with the signing certificate',
    needsPublicUrl: false,
    secret: { label: 'Signing certificate (PEM)', hint: 'The PEM at the message\'s SigningCertURL, pasted here; it is never downloaded.', pattern: '-----BEGIN (CERTIFICATE|PUBLIC KEY)-----' },
  },
};

export const providerIds = Object.keys(described) as ProviderId[];

export const providerCatalogue: readonly ProviderInfo[] = providerIds.map((id) => ({
  id,
  ...described[id],
  headers: schemes[id].headers,
  canSign: schemes[id].sign !== undefined,
}));

export function providerInfo(id: ProviderId): ProviderInfo {
  return providerCatalogue.find((info) => info.id === id)!;
}
