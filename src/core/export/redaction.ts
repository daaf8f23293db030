/**
 * Headers that carry credentials or signatures: redacted from exports unless the user opts in, because a HAR
 * file or a cURL command gets pasted into issues and chats.
 */
const sensitive = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-gitlab-token|x-hook-secret)$|signature|hmac|webhook-secret|token$/i;

export const redactedValue = '[redacted]';

export function isSensitiveHeader(name: string): boolean {
  return sensitive.test(name);
}

export function redactHeaders(rawHeaders: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out.push(rawHeaders[i]!, isSensitiveHeader(rawHeaders[i]!) ? redactedValue : rawHeaders[i + 1]!);
  return out;
}
