/** Which scheme implements each provider. A `Record` so adding a provider id without a scheme fails to compile. */
import { bitbucketScheme, circleciScheme, githubScheme, intercomScheme, pagerdutyScheme, shopifyScheme } from './bodyHmac';
import { hubspotScheme } from './hubspot';
import { linearScheme } from './linear';
import { mailgunScheme } from './mailgun';
import type { ProviderId } from './provider';
import { sendgridScheme, snsScheme } from './publicKey';
import type { Scheme } from './scheme';
import { standardWebhooksScheme } from './standardWebhooks';
import { calendlyScheme, muxScheme, slackScheme, stripeScheme, zoomScheme } from './timestampedHmac';
import { gitlabScheme } from './token';
import { twilioScheme } from './twilio';

const svix = standardWebhooksScheme('svix');

export const schemes: Readonly<Record<ProviderId, Scheme>> = {
  github: githubScheme,
  stripe: stripeScheme,
  slack: slackScheme,
  shopify: shopifyScheme,
  twilio: twilioScheme,
  circleci: circleciScheme,
  gitlab: gitlabScheme,
  standard_webhooks: standardWebhooksScheme('webhook'),
  svix,
  clerk: svix,
  resend: svix,
  // Brex sends the spec's `Webhook-*` names.
  brex: standardWebhooksScheme('webhook'),
  pagerduty: pagerdutyScheme,
  zoom: zoomScheme,
  mailgun: mailgunScheme,
  calendly: calendlyScheme,
  mux: muxScheme,
  bitbucket: bitbucketScheme,
  linear: linearScheme,
  intercom: intercomScheme,
  hubspot: hubspotScheme,
  sendgrid: sendgridScheme,
  sns: snsScheme,
};
