/**
 * Linear: a plain body HMAC (`Linear-Signature`, hex SHA-256) whose freshness comes from a timestamp in
 * milliseconds: the `Linear-Timestamp` header when sent, else the body's `webhookTimestamp` (the order @linear/sdk
 * uses). The body field is inside the signed bytes, so a fresh replay must rewrite it before signing.
 */
import { bodyHmacScheme } from './bodyHmac';
import { checkFreshness, parseUnixMillis } from './checks';
import { objectMembers, parseJson, replaceSpans } from './jsonMembers';
import type { SignedRequest } from './provider';
import { firstHeader, hasHeader, setHeader } from './rawHeaders';
import type { Scheme } from './scheme';

const TIMESTAMP_HEADER = 'Linear-Timestamp';
const TIMESTAMP_FIELD = 'webhookTimestamp';

const base = bodyHmacScheme({
  variants: [{ header: 'Linear-Signature', algorithm: 'sha256', encoding: 'hex' }],
  missing: 'No Linear-Signature header.',
});

function signedAt(request: SignedRequest): { label: string; ms: number } | undefined {
  const header = parseUnixMillis(firstHeader(request.rawHeaders, TIMESTAMP_HEADER));
  if (header !== undefined) return { label: `${TIMESTAMP_HEADER} ${header}`, ms: header };
  const span = objectMembers(request.body)?.get(TIMESTAMP_FIELD);
  const field = span === undefined ? undefined : parseJson(request.body, span);
  return typeof field === 'number' ? { label: `body ${TIMESTAMP_FIELD} ${field}`, ms: field } : undefined;
}

export const linearScheme: Scheme = {
  ...base,
  headers: [...base.headers, TIMESTAMP_HEADER],

  verify(request, secret, context) {
    const result = base.verify(request, secret, context);
    if (!result.ok) return result;
    const timestamp = signedAt(request);
    return (timestamp && checkFreshness(timestamp.label, timestamp.ms, context)) ?? result;
  },

  sign(request, secret, context) {
    let body = request.body;
    const span = objectMembers(body)?.get(TIMESTAMP_FIELD);
    if (span !== undefined) body = replaceSpans(body, [{ span, json: String(context.nowMs) }]);
    const rawHeaders = hasHeader(request.rawHeaders, TIMESTAMP_HEADER)
      ? setHeader(request.rawHeaders, TIMESTAMP_HEADER, String(context.nowMs))
      : [...request.rawHeaders];
    return base.sign!({ ...request, rawHeaders, body }, secret, context);
  },
};
