/*
 * The replay form's rules, kept apart from the DOM so they are unit-tested: the prefilled draft, when an edit breaks
 * the captured signature (and so re-signing becomes the default), and what the extension will refuse to send.
 */
import { base64ToBytes, decodeText, headerOf } from './bodyFormat';
import type { ExchangeView, HeaderPair, ReplayDraft, SignatureOption } from './protocol';

const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The recorded request body as text, or undefined when it is binary (it is then replayed byte for byte). */
export function originalBodyText(exchange: ExchangeView): string | undefined {
  const { body } = exchange.request;
  if (body.kind === 'binary') return undefined;
  return decodeText(base64ToBytes(body.base64), body.charset) ?? '';
}

/** The form prefilled from the exchange. */
export function draftFrom(exchange: ExchangeView): ReplayDraft {
  const { request } = exchange;
  return {
    method: request.method,
    url: request.url,
    headers: request.headers.map(([name, value]): HeaderPair => [name, value]),
    body: originalBodyText(exchange) ?? '',
    bodyEdited: false,
    via: 'upstream',
  };
}

/** Why the edit breaks the captured signature (`the body changed`), or undefined when it does not. */
export function signatureBreakingChange(exchange: ExchangeView, draft: ReplayDraft, originalText: string | undefined = originalBodyText(exchange)): string | undefined {
  if (draft.bodyEdited && draft.body !== originalText) return 'the body changed';
  const changed = exchange.signedHeaders.find((name) => headerOf(draft.headers, name) !== headerOf(exchange.request.headers, name));
  if (changed) return `${changed} changed`;
  // URL-bound schemes (Twilio, Square, HubSpot…) sign the address too.
  if (draft.url !== exchange.request.url) return 'the path changed';
  return undefined;
}

/** Re-sign when a secret is known and the edit breaks the signature; otherwise keep what was captured. */
export function defaultSignature(exchange: ExchangeView, draft: ReplayDraft, secretKnown: boolean, originalText?: string): SignatureOption {
  return secretKnown && signatureBreakingChange(exchange, draft, originalText ?? originalBodyText(exchange)) !== undefined ? 'resign' : 'keep';
}

/** The first thing the extension would reject in the edit, in words; rows left entirely empty are ignored. */
export function editProblem(draft: Pick<ReplayDraft, 'method' | 'url' | 'headers'>): string | undefined {
  if (!tokenPattern.test(draft.method)) return 'The method must be a single word such as POST.';
  if (!draft.url.startsWith('/') || /[\s\x00-\x1f\x7f]/.test(draft.url)) return 'The path must start with / and contain no spaces (encode them as %20).';
  for (const [name, value] of draft.headers) {
    if (name === '' && value === '') continue;
    if (!tokenPattern.test(name)) return `“${name}” is not a valid header name.`;
    if (/[\r\n\0]/.test(value)) return `The value of ${name} contains a line break.`;
  }
  return undefined;
}

/** The headers to send: the draft's, in order, without rows left empty. */
export function headersToSend(headers: readonly HeaderPair[]): HeaderPair[] {
  return headers.filter(([name, value]) => name !== '' || value !== '');
}
