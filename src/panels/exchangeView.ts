/*
 * Turns a recorded Exchange into the JSON-safe ExchangeView the webview renders. No `vscode` here (unit-tested in
 * plain Node); not in src/shared either, because it reads Node Buffers, which the webview's build has no types for.
 */
import type { Exchange, RecordedBody } from '../core/capture/exchange';
import { charsetOf, decodeText, detectBodyKind } from '../shared/bodyFormat';
import type { BodyView, DetectedSource, ExchangeView, HeaderPair, SignatureVerdict } from '../shared/protocol';

/** What the signature layer knows of an exchange; `fallbackSignatureFacts` stands in until it exists. */
export interface SignatureFacts {
  readonly verdict: SignatureVerdict;
  readonly detected?: DetectedSource;
  /** Header names (any case) the signature covers or carries. */
  readonly signedHeaders?: readonly string[];
}

/** `[n1, v1, n2, v2]` → `[[n1, v1], [n2, v2]]`, order and duplicates kept. */
export function headerPairs(rawHeaders: readonly string[]): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return pairs;
}

function firstHeader(rawHeaders: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === name) return rawHeaders[i + 1];
  return undefined;
}

export function bodyView(body: RecordedBody, rawHeaders: readonly string[]): BodyView {
  const contentType = firstHeader(rawHeaders, 'content-type');
  const contentEncoding = firstHeader(rawHeaders, 'content-encoding');
  const view: { -readonly [K in keyof BodyView]: BodyView[K] } = {
    base64: body.bytes.toString('base64'),
    size: body.size,
    truncated: body.truncated,
    kind: detectBodyKind({ bytes: body.bytes, contentType, contentEncoding, truncated: body.truncated }),
    charset: charsetOf(contentType),
  };
  if (contentType !== undefined) view.contentType = contentType;
  if (contentEncoding !== undefined) view.contentEncoding = contentEncoding;
  return view;
}

export function buildExchangeView(exchange: Exchange, facts: SignatureFacts = fallbackSignatureFacts(exchange)): ExchangeView {
  const { request, response, error } = exchange;
  const view: { -readonly [K in keyof ExchangeView]: ExchangeView[K] } = {
    id: exchange.id,
    startedAt: exchange.startedAt,
    totalMs: exchange.timings.totalMs,
    clientAddress: exchange.clientAddress,
    upstream: exchange.upstream,
    request: { method: request.method, url: request.url, httpVersion: request.httpVersion, headers: headerPairs(request.rawHeaders), body: bodyView(request.body, request.rawHeaders) },
    upgrade: exchange.upgrade === true,
    verdict: facts.verdict,
    signedHeaders: [...new Set((facts.signedHeaders ?? []).map((name) => name.toLowerCase()))],
  };
  if (exchange.timings.upstreamHeadersMs !== undefined) view.upstreamHeadersMs = exchange.timings.upstreamHeadersMs;
  if (response) {
    view.response = {
      status: response.statusCode,
      statusMessage: response.statusMessage,
      headers: headerPairs(response.rawHeaders),
      body: bodyView(response.body, response.rawHeaders),
      synthetic: response.synthetic === true,
    };
  }
  if (error) view.error = error.code === undefined ? { kind: error.kind, message: error.message } : { kind: error.kind, message: error.message, code: error.code };
  if (exchange.replayOf !== undefined) view.replayOf = exchange.replayOf;
  if (facts.detected) view.detected = facts.detected;
  return view;
}

interface KnownSender {
  readonly provider: string;
  readonly providerName: string;
  /** Any of these headers names the sender. */
  readonly marks: readonly string[];
  /** Headers that carry the signature or its signed timestamp/id. */
  readonly signed: readonly string[];
  readonly eventHeader?: string;
  /** The event type is the JSON body's `type` (Stripe, Standard Webhooks). */
  readonly eventInBody?: boolean;
}

/** Enough to name the common senders before the signature modules exist; they replace this with real verdicts. */
const knownSenders: readonly KnownSender[] = [
  { provider: 'github', providerName: 'GitHub', marks: ['x-github-event', 'x-hub-signature-256'], signed: ['x-hub-signature-256', 'x-hub-signature'], eventHeader: 'x-github-event' },
  { provider: 'stripe', providerName: 'Stripe', marks: ['stripe-signature'], signed: ['stripe-signature'], eventInBody: true },
  { provider: 'slack', providerName: 'Slack', marks: ['x-slack-signature'], signed: ['x-slack-signature', 'x-slack-request-timestamp'] },
  { provider: 'shopify', providerName: 'Shopify', marks: ['x-shopify-hmac-sha256', 'x-shopify-topic'], signed: ['x-shopify-hmac-sha256'], eventHeader: 'x-shopify-topic' },
  { provider: 'gitlab', providerName: 'GitLab', marks: ['x-gitlab-event', 'x-gitlab-token'], signed: ['x-gitlab-token'], eventHeader: 'x-gitlab-event' },
  { provider: 'twilio', providerName: 'Twilio', marks: ['x-twilio-signature'], signed: ['x-twilio-signature'] },
  { provider: 'linear', providerName: 'Linear', marks: ['linear-signature', 'linear-event'], signed: ['linear-signature'], eventHeader: 'linear-event' },
  { provider: 'svix', providerName: 'Svix', marks: ['svix-signature'], signed: ['svix-id', 'svix-timestamp', 'svix-signature'], eventInBody: true },
  { provider: 'standard', providerName: 'Standard Webhooks', marks: ['webhook-signature'], signed: ['webhook-id', 'webhook-timestamp', 'webhook-signature'], eventInBody: true },
  { provider: 'circleci', providerName: 'CircleCI', marks: ['circleci-signature', 'circleci-event-type'], signed: ['circleci-signature'], eventHeader: 'circleci-event-type' },
  { provider: 'sentry', providerName: 'Sentry', marks: ['sentry-hook-signature'], signed: ['sentry-hook-signature', 'sentry-hook-timestamp'], eventHeader: 'sentry-hook-resource' },
  { provider: 'pagerduty', providerName: 'PagerDuty', marks: ['x-pagerduty-signature'], signed: ['x-pagerduty-signature'] },
];

function eventFromBody(exchange: Exchange): string | undefined {
  const { body } = exchange.request;
  if (body.truncated || body.bytes.length === 0 || body.bytes.length > 1024 * 1024) return undefined;
  try {
    const parsed: unknown = JSON.parse(decodeText(body.bytes, 'utf-8') ?? '');
    const type = typeof parsed === 'object' && parsed !== null ? (parsed as { type?: unknown }).type : undefined;
    return typeof type === 'string' && type.length <= 256 ? type : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Names the sender from its headers and reports its signature as unverifiable (no secret is known here), or the call
 * as unsigned. A stand-in for the signature modules' verdict.
 */
export function fallbackSignatureFacts(exchange: Exchange): SignatureFacts {
  const headers = exchange.request.rawHeaders;
  const sender = knownSenders.find((known) => known.marks.some((mark) => firstHeader(headers, mark) !== undefined));
  if (!sender) return { verdict: { status: 'unsigned', message: 'No signature header.' } };
  const event = sender.eventHeader ? firstHeader(headers, sender.eventHeader) : sender.eventInBody ? eventFromBody(exchange) : undefined;
  const detected: DetectedSource = event === undefined ? { provider: sender.provider, providerName: sender.providerName } : { provider: sender.provider, providerName: sender.providerName, event };
  const signatureHeader = headerPairs(headers).find(([name]) => sender.signed.includes(name.toLowerCase()));
  const verdict: SignatureVerdict = signatureHeader
    ? { status: 'noSecret', provider: sender.provider, providerName: sender.providerName, message: `Signed with ${signatureHeader[0]}; no ${sender.providerName} secret is set, so it was not checked.` }
    : { status: 'unsigned', provider: sender.provider, providerName: sender.providerName, message: `No ${sender.providerName} signature header.` };
  return { verdict, detected, signedHeaders: sender.signed };
}
