/**
 * Twilio: `X-Twilio-Signature` = base64 HMAC-SHA1 (Auth Token) of the full URL Twilio called, followed, for form
 * POSTs, by every parameter as `name + value` sorted by name. JSON webhooks instead carry `bodySHA256=<hex>` in the
 * URL: the URL alone is signed and the body is checked against that hash. Ports and query encoding vary between
 * Twilio's back ends, so verification tries the same URL variants twilio-node's `validateRequest` does.
 */
import { fail, malformed, mismatch, pass } from './checks';
import { decodeBase64, hash, hmac, sameBytes } from './digest';
import type { SignedParts, SignedRequest } from './provider';
import { joinPublicUrl, needsPublicUrlMessage, queryParam, replaceQueryParam } from './publicUrl';
import { firstHeader, hasHeader, mediaType, setHeader } from './rawHeaders';
import type { Scheme } from './scheme';
import { SignFailure } from './scheme';

const HEADER = 'X-Twilio-Signature';
const BODY_HASH = 'bodySHA256';

/** Form parameters grouped by name, or undefined when the body isn't a form (then only the URL is signed). */
function formParams(request: SignedRequest): Map<string, string[]> | undefined {
  if (mediaType(request.rawHeaders) !== 'application/x-www-form-urlencoded') return undefined;
  const grouped = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(request.body.toString('utf8'))) {
    grouped.set(name, [...(grouped.get(name) ?? []), value]);
  }
  return grouped;
}

/** Like twilio-node: names sorted, a repeated name's values de-duplicated and sorted, no separators. */
export function twilioStringToSign(url: string, params: ReadonlyMap<string, readonly string[]> | undefined): string {
  let data = url;
  for (const name of [...(params?.keys() ?? [])].sort()) {
    for (const value of [...new Set(params!.get(name))].sort()) data += name + value;
  }
  return data;
}

/** The URL as given, without its port, with the scheme's default port, and each with the query re-encoded. */
function urlVariants(full: string): string[] {
  const match = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(full);
  if (match === null) return [full];
  const [, scheme = '', authority = '', rest = ''] = match;
  const host = authority.replace(/:\d+$/, '');
  const defaultPort = scheme.toLowerCase() === 'https' ? 443 : 80;
  const forms = [full, `${scheme}://${host}${rest}`];
  if (host === authority) forms.push(`${scheme}://${host}:${defaultPort}${rest}`);
  const legacy = forms.map(legacyQuery);
  return [...new Set([...forms, ...legacy])];
}

/** The query re-encoded the way Node's legacy `querystring` module writes it (some back ends signed that form). */
function legacyQuery(url: string): string {
  const at = url.indexOf('?');
  if (at < 0 || at === url.length - 1) return url;
  const pairs = [...new URLSearchParams(url.slice(at + 1))].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return `${url.slice(0, at)}?${pairs.join('&')}`;
}

export const twilioScheme: Scheme = {
  headers: [HEADER],
  signatureHeaders: [HEADER],
  coversBody: true,
  isSigned: (request) => hasHeader(request.rawHeaders, HEADER),
  missingMessage: () => 'No X-Twilio-Signature header.',
  checkSecret(secret) {
    if (/^(AC|SK)[0-9a-f]{32}$/i.test(secret)) return 'That is an Account or API Key SID. Twilio signs webhooks with the account\'s Auth Token.';
    return secret.length === 0 ? 'The Auth Token is empty.' : undefined;
  },

  verify(request, secret) {
    if (!request.publicUrl) return fail('needsPublicUrl', needsPublicUrlMessage('Twilio'));
    const value = firstHeader(request.rawHeaders, HEADER)!;
    const digest = decodeBase64(value.trim());
    if (digest?.length !== 20) return malformed(HEADER, '<base64 of a 20-byte HMAC-SHA1>', value);
    const full = joinPublicUrl(request.publicUrl, request.url);
    const bodyHash = queryParam(request.url, BODY_HASH);
    const params = bodyHash === undefined ? formParams(request) : undefined;
    const matches = urlVariants(full).some((url) => sameBytes(digest, hmac('sha1', secret, twilioStringToSign(url, params))));
    if (!matches) {
      return mismatch(
        `The ${HEADER} signature`,
        `the body or URL was changed, the Auth Token is wrong, or Twilio called a different URL than ${full} (check the public URL)`,
      );
    }
    if (bodyHash !== undefined && !sameBytes(Buffer.from(hash('sha256', request.body).toString('hex')), Buffer.from(bodyHash.toLowerCase()))) {
      return fail('bodyChanged', `The URL's signature matches, but the body's SHA-256 isn't the ${BODY_HASH} in the URL: the body was changed.`);
    }
    return pass(bodyHash === undefined ? `${HEADER} matches for ${full}.` : `${HEADER} matches for ${full}, and the body matches its ${BODY_HASH}.`);
  },

  sign(request, secret): SignedParts {
    if (!request.publicUrl) throw new SignFailure('needsPublicUrl', needsPublicUrlMessage('Twilio'));
    const jsonStyle = queryParam(request.url, BODY_HASH) !== undefined;
    const url = jsonStyle ? replaceQueryParam(request.url, BODY_HASH, hash('sha256', request.body).toString('hex')) : request.url;
    const data = twilioStringToSign(joinPublicUrl(request.publicUrl, url), jsonStyle ? undefined : formParams(request));
    return { rawHeaders: setHeader(request.rawHeaders, HEADER, hmac('sha1', secret, data).toString('base64')), body: request.body, url };
  },
};
