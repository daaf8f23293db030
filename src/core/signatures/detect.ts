/**
 * Guesses the sender from its headers (and, for the two providers that sign inside the body, the body), so a capture
 * can be labelled "GitHub push" and checked with the right secret. Rules are specific headers only: a generic one
 * alone (a User-Agent, a bare `X-Hub-Signature-256`) would mislabel other senders.
 */
import { objectMembers, parseJson } from './jsonMembers';
import type { ProviderId } from './provider';
import { firstHeader, hasHeader, mediaType } from './rawHeaders';

export interface Detection {
  readonly provider: ProviderId;
  /** The event name when the provider puts it in a header (or, with a body, in a well-known field). */
  readonly eventType?: string;
}

interface Rule {
  readonly provider: ProviderId;
  /** Any of these headers identifies the provider. */
  readonly headers: readonly string[];
  readonly eventHeader?: string;
  /** Extra condition on the headers. */
  readonly when?: (rawHeaders: readonly string[]) => boolean;
}

const hubSignature = (prefix: string) => (rawHeaders: readonly string[]) => (firstHeader(rawHeaders, 'X-Hub-Signature') ?? '').trim().startsWith(prefix);

// Order matters where providers share a header: SendGrid's headers start like Twilio's, and X-Hub-Signature is
// GitHub's legacy header, Bitbucket's and Intercom's.
const rules: readonly Rule[] = [
  { provider: 'github', headers: ['X-GitHub-Event', 'X-GitHub-Delivery', 'X-GitHub-Hook-ID'], eventHeader: 'X-GitHub-Event' },
  { provider: 'gitlab', headers: ['X-Gitlab-Event', 'X-Gitlab-Token', 'X-Gitlab-Webhook-UUID'], eventHeader: 'X-Gitlab-Event' },
  { provider: 'bitbucket', headers: ['X-Event-Key'], eventHeader: 'X-Event-Key' },
  { provider: 'stripe', headers: ['Stripe-Signature'] },
  { provider: 'slack', headers: ['X-Slack-Signature', 'X-Slack-Request-Timestamp'] },
  { provider: 'shopify', headers: ['X-Shopify-Hmac-Sha256', 'X-Shopify-Topic'], eventHeader: 'X-Shopify-Topic' },
  { provider: 'sendgrid', headers: ['X-Twilio-Email-Event-Webhook-Signature'] },
  { provider: 'twilio', headers: ['X-Twilio-Signature'] },
  { provider: 'circleci', headers: ['circleci-signature', 'circleci-event-type'], eventHeader: 'circleci-event-type' },
  { provider: 'svix', headers: ['svix-signature', 'svix-id'] },
  { provider: 'standard_webhooks', headers: ['webhook-signature', 'webhook-id'] },
  { provider: 'pagerduty', headers: ['X-PagerDuty-Signature'] },
  { provider: 'zoom', headers: ['x-zm-signature', 'x-zm-request-timestamp'] },
  { provider: 'calendly', headers: ['Calendly-Webhook-Signature'] },
  { provider: 'mux', headers: ['Mux-Signature'] },
  { provider: 'linear', headers: ['Linear-Signature', 'Linear-Event', 'Linear-Delivery'], eventHeader: 'Linear-Event' },
  { provider: 'hubspot', headers: ['X-HubSpot-Signature-v3', 'X-HubSpot-Signature'] },
  { provider: 'sns', headers: ['x-amz-sns-message-type'], eventHeader: 'x-amz-sns-message-type' },
  { provider: 'bitbucket', headers: ['X-Hub-Signature'], when: hubSignature('sha256=') },
  { provider: 'intercom', headers: ['X-Hub-Signature'], when: hubSignature('sha1=') },
];

/** Where JSON-bodied providers name the event, as a path of member names / array indexes. */
const eventFields: Partial<Record<ProviderId, readonly (string | number)[]>> = {
  stripe: ['type'],
  standard_webhooks: ['type'],
  svix: ['type'],
  mux: ['type'],
  zoom: ['event'],
  calendly: ['event'],
  pagerduty: ['event', 'event_type'],
  mailgun: ['event-data', 'event'],
  hubspot: [0, 'subscriptionType'],
  sendgrid: [0, 'event'],
};

function bodyEventType(provider: ProviderId, body: Buffer): string | undefined {
  const path = eventFields[provider];
  if (path === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  for (const step of path) value = typeof value === 'object' && value !== null ? (value as Record<string | number, unknown>)[step] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Mailgun signs inside the body, so only the body can show it: a `signature` object, or the three form fields. */
function looksLikeMailgun(rawHeaders: readonly string[], body: Buffer): boolean {
  if (mediaType(rawHeaders) === 'application/x-www-form-urlencoded') {
    const fields = new URLSearchParams(body.toString('utf8'));
    return fields.has('timestamp') && fields.has('token') && fields.has('signature');
  }
  const signature = objectMembers(body)?.get('signature');
  const inner = signature === undefined ? undefined : objectMembers(body, signature.start);
  return inner !== undefined && ['timestamp', 'token', 'signature'].every((name) => inner.has(name)) && parseJson(body, signature!) !== undefined;
}

export function detectProvider(rawHeaders: readonly string[], body?: Buffer): Detection | undefined {
  const rule = rules.find((candidate) => candidate.headers.some((name) => hasHeader(rawHeaders, name)) && (candidate.when?.(rawHeaders) ?? true));
  let provider = rule?.provider;
  if (provider === undefined && body !== undefined && looksLikeMailgun(rawHeaders, body)) provider = 'mailgun';
  if (provider === undefined) return undefined;
  const eventType = (rule?.eventHeader && firstHeader(rawHeaders, rule.eventHeader)) || (body && bodyEventType(provider, body));
  return eventType ? { provider, eventType } : { provider };
}
