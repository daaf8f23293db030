import { closestMatch } from './didYouMean';

export interface WebhookProvider {
  /** ngrok's `verify-webhook` provider identifier. */
  readonly id: string;
  /** What people call it. */
  readonly name: string;
  /** Other spellings seen in ngrok's own guides or in the wild; searchable, suggested, but not valid ids. */
  readonly aliases?: readonly string[];
  /** When ngrok's "secret" for this provider is not an ordinary signing secret, what to paste. */
  readonly secretHint?: string;
  /** false only for Amazon SNS, whose messages are verified against AWS's certificate. */
  readonly secretRequired: boolean;
}

const provider = (id: string, name: string, extra: Partial<Omit<WebhookProvider, 'id' | 'name'>> = {}): WebhookProvider => ({ id, name, secretRequired: true, ...extra });

/**
 * All 69 identifiers ngrok's `verify-webhook` action accepts (ngrok-docs `snippets/traffic-policy/actions/
 * verify-webhook/providers.mdx` @56a5f99, as collected in design/webhook-signatures.md §1).
 */
export const webhookProviders: readonly WebhookProvider[] = [
  provider('aftership', 'AfterShip'),
  provider('airship', 'Airship'),
  provider('alchemy', 'Alchemy'),
  provider('sns', 'Amazon SNS', { aliases: ['aws_sns', 'amazon_sns'], secretRequired: false, secretHint: 'the AWS account ID that owns the topic (optional)' }),
  provider('autodesk', 'Autodesk Platform Services'),
  provider('bitbucket', 'Bitbucket'),
  provider('bolt', 'Bolt'),
  provider('box', 'Box'),
  provider('brex', 'Brex'),
  provider('buildkite', 'Buildkite'),
  provider('calendly', 'Calendly'),
  provider('castle', 'Castle'),
  provider('chargify', 'Chargify (Maxio)', { aliases: ['maxio'] }),
  provider('circleci', 'CircleCI'),
  provider('clearbit', 'Clearbit'),
  provider('clerk', 'Clerk'),
  provider('coinbase', 'Coinbase'),
  provider('contentful', 'Contentful'),
  provider('docusign', 'DocuSign Connect'),
  provider('dropbox', 'Dropbox'),
  provider('facebook_graph_api', 'Facebook Graph API', { aliases: ['facebook', 'meta'] }),
  provider('facebook_messenger', 'Facebook Messenger'),
  provider('frameio', 'Frame.io'),
  provider('github', 'GitHub'),
  provider('gitlab', 'GitLab', { secretHint: 'the webhook\'s secret token (sent as X-Gitlab-Token)' }),
  provider('go1', 'Go1'),
  provider('heroku', 'Heroku'),
  provider('hostedhooks', 'HostedHooks'),
  provider('hubspot', 'HubSpot'),
  provider('graphcms', 'Hygraph (GraphCMS)', { aliases: ['hygraph'] }),
  provider('instagram', 'Instagram'),
  provider('intercom', 'Intercom'),
  provider('jira', 'Jira'),
  provider('launch_darkly', 'LaunchDarkly', { aliases: ['launchdarkly'] }),
  provider('linear', 'Linear'),
  provider('mailchimp', 'Mailchimp (Mandrill)', { aliases: ['mandrill'] }),
  provider('mailgun', 'Mailgun'),
  provider('microsoft_teams', 'Microsoft Teams', { aliases: ['teams'], secretHint: 'the outgoing webhook\'s security token (base64)' }),
  provider('modern_treasury', 'Modern Treasury'),
  provider('mongodb', 'MongoDB Atlas'),
  provider('mux', 'Mux'),
  provider('orb', 'Orb'),
  provider('orbit', 'Orbit'),
  provider('pagerduty', 'PagerDuty'),
  provider('pinwheel', 'Pinwheel'),
  provider('plivo', 'Plivo', { secretHint: 'your Plivo auth token' }),
  provider('pusher', 'Pusher'),
  provider('sendgrid', 'SendGrid', { secretHint: 'the signed event webhook\'s verification key (a public key)' }),
  provider('sentry', 'Sentry'),
  provider('shopify', 'Shopify'),
  provider('signal_sciences', 'Signal Sciences', { aliases: ['signalsciences'] }),
  provider('slack', 'Slack', { secretHint: 'the app\'s signing secret' }),
  provider('sonatype', 'Sonatype Nexus', { aliases: ['sonatype_nexus', 'nexus'] }),
  provider('square', 'Square', { secretHint: 'the subscription\'s signature key' }),
  provider('stripe', 'Stripe', { secretHint: 'the endpoint\'s signing secret (whsec_…)' }),
  provider('svix', 'Svix', { aliases: ['standard_webhooks'] }),
  provider('terraform', 'Terraform Cloud / Enterprise'),
  provider('tiktok', 'TikTok'),
  provider('trendmicro_conformity', 'Trend Micro Conformity'),
  provider('twilio', 'Twilio', { secretHint: 'your Twilio auth token' }),
  provider('twitter', 'Twitter / X', { aliases: ['x'] }),
  provider('typeform', 'Typeform'),
  provider('vmware', 'VMware Workspace ONE', { aliases: ['vmware_workspace'], secretHint: 'username::password (VMware sends HTTP Basic credentials)' }),
  provider('webex', 'Webex'),
  provider('whatsapp', 'WhatsApp'),
  provider('worldline', 'Worldline'),
  provider('xero', 'Xero'),
  provider('zendesk', 'Zendesk'),
  provider('zoom', 'Zoom'),
];

const byId = new Map(webhookProviders.map((entry) => [entry.id, entry]));

/** Spaces, `-`, `_`, `.`, `/` and brackets don't matter when people type a provider's name. */
const foldName = (text: string): string => text.toLowerCase().replace(/[\s_.\-/()]/g, '');
const namesOf = (entry: WebhookProvider): string[] => [entry.id, entry.name, ...(entry.aliases ?? [])].map(foldName);

/** The provider with exactly this ngrok id (case-insensitive); aliases are not ids. */
export function webhookProviderById(id: string): WebhookProvider | undefined {
  return byId.get(id.trim().toLowerCase());
}

/**
 * Providers matching a query against id, name and aliases, best first: exact, then prefix, then
 * substring. Spaces, `-`, `_` and `.` are ignored, so "launch darkly", "launch_darkly" and "frame.io" all work.
 */
export function searchWebhookProviders(query: string): WebhookProvider[] {
  const wanted = foldName(query);
  if (wanted === '') return [...webhookProviders];
  const scored: { entry: WebhookProvider; score: number }[] = [];
  for (const entry of webhookProviders) {
    const names = namesOf(entry);
    const score = names.some((name) => name === wanted) ? 0 : names.some((name) => name.startsWith(wanted)) ? 1 : names.some((name) => name.includes(wanted)) ? 2 : -1;
    if (score >= 0) scored.push({ entry, score });
  }
  return scored.sort((a, b) => a.score - b.score).map(({ entry }) => entry);
}

/** For an unknown id: the provider it most likely means (an alias, a name, or a near-miss spelling). */
export function suggestWebhookProvider(input: string): WebhookProvider | undefined {
  const exact = webhookProviders.find((entry) => namesOf(entry).includes(foldName(input)));
  if (exact) return exact;
  const id = closestMatch(input, webhookProviders.map((entry) => entry.id));
  return id === undefined ? undefined : byId.get(id);
}

/** The message for a provider id ngrok would reject, with the likely intended one. */
export function unknownProviderMessage(input: string): string {
  const suggestion = suggestWebhookProvider(input);
  const hint = suggestion ? ` Did you mean "${suggestion.id}" (${suggestion.name})?` : ' See the provider list in "Verify Webhooks From…" or ngrok\'s verify-webhook docs.';
  return `"${input}" is not a webhook provider ngrok can verify.${hint}`;
}
