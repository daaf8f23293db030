import type { Exchange } from '../capture/exchange';
import { headerValue } from '../capture/exchange';
import { detectProvider } from './detect';
import { requestFromExchange } from './exchangeRequest';
import type { ProviderId, Verdict } from './provider';
import { providerIds } from './catalogue';
import { verify } from './signatures';

/** What the user set with "Verify Webhooks From…": the provider and its secret (from secret storage). */
export interface VerificationSettings {
  readonly provider?: string;
  readonly secret?: string;
}

export function isLocallyVerifiable(provider: string | undefined): provider is ProviderId {
  return provider !== undefined && (providerIds as readonly string[]).includes(provider);
}

/**
 * The public origin the sender called, as the edge reported it: URL-signing schemes (Twilio, HubSpot) sign it.
 * Without forwarding headers (a local sender), the Host the sender used is the best there is.
 */
export function publicOrigin(exchange: Pick<Exchange, 'request'>): string | undefined {
  const headers = exchange.request.rawHeaders;
  const host = headerValue(headers, 'x-forwarded-host') ?? headerValue(headers, 'host');
  if (!host) return undefined;
  return `${headerValue(headers, 'x-forwarded-proto') ?? 'http'}://${host}`;
}

/**
 * The verdict for a captured call: the configured provider when there is one, else the one its headers name.
 * A secret applies only to the provider it was set for, so a call from another provider reads "no secret".
 */
export type ExchangeVerdict = Verdict & { readonly eventType?: string };

/** Timestamps are judged against the moment the call arrived, so a verdict does not go stale in the history. */
export function exchangeVerdict(exchange: Exchange, settings: VerificationSettings): ExchangeVerdict {
  const detected = detectProvider(exchange.request.rawHeaders, exchange.request.body.bytes);
  const provider = isLocallyVerifiable(settings.provider) ? settings.provider : detected?.provider;
  if (!provider) return { status: 'unsigned' };
  const secret = provider === settings.provider ? settings.secret : undefined;
  const verdict = verify(provider, requestFromExchange(exchange, publicOrigin(exchange)), secret, { now: exchange.startedAt });
  return detected?.eventType ? { ...verdict, eventType: detected.eventType } : verdict;
}
