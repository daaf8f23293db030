/**
 * URL-signing schemes (Twilio, HubSpot) sign the URL the sender called, which is the tunnel's public address, not
 * the local one the capture proxy saw. The path and query pass through ngrok unchanged, so the public side is
 * `publicUrl` + the recorded path.
 */

export function joinPublicUrl(publicUrl: string, pathAndQuery: string): string {
  return publicUrl.replace(/\/+$/, '') + (pathAndQuery.startsWith('/') ? pathAndQuery : `/${pathAndQuery}`);
}

export function needsPublicUrlMessage(provider: string): string {
  return `${provider} signs the full URL it called (https://host/path?query). Give the public URL the webhook was sent to (the tunnel's address) to check or re-sign it.`;
}

/** Raw value of a query parameter in a path+query, decoded, or undefined. */
export function queryParam(pathAndQuery: string, name: string): string | undefined {
  const query = pathAndQuery.split('#')[0]!.split('?').slice(1).join('?');
  return new URLSearchParams(query).get(name) ?? undefined;
}

/** Replaces a query parameter's value in place, leaving every other byte of the URL as it was. */
export function replaceQueryParam(pathAndQuery: string, name: string, value: string): string {
  const at = pathAndQuery.indexOf('?');
  if (at < 0) return pathAndQuery;
  const pairs = pathAndQuery.slice(at + 1).split('&').map((pair) => {
    const key = pair.split('=')[0]!;
    return safeDecode(key) === name ? `${key}=${encodeURIComponent(value)}` : pair;
  });
  return `${pathAndQuery.slice(0, at)}?${pairs.join('&')}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
