/** The dev server a capture proxy forwards to. */
export interface Upstream {
  /** `http://localhost:3000`: what the UI and error pages show. */
  readonly origin: string;
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port: number;
  /** A path prefix put in front of every forwarded path; empty for the root. */
  readonly basePath: string;
}

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
}

/**
 * Accepts what people type for a dev server: `3000`, `localhost:3000`, `http://localhost:3000`,
 * `https://app.test:8443/api`. Throws an `UpstreamError` that says what is wrong and what is accepted.
 */
export function parseUpstream(input: string): Upstream {
  const text = input.trim();
  const accepted = 'Use a port (3000), host:port (localhost:3000) or a URL (http://localhost:3000).';
  if (text === '') throw new UpstreamError(`The dev server address is empty. ${accepted}`);
  let candidate = text;
  if (/^\d+$/.test(text)) candidate = `http://localhost:${text}`;
  else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) candidate = `http://${text}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new UpstreamError(`"${text}" is not a valid dev server address. ${accepted}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UpstreamError(`"${text}" uses ${url.protocol.replace(':', '')}; the dev server must be http or https. ${accepted}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new UpstreamError(`"${text}" has credentials, a query or a fragment; give only the server's address. ${accepted}`);
  }
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UpstreamError(`"${text}" has an invalid port. ${accepted}`);
  }
  // URL keeps brackets around IPv6 literals; sockets want them without.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const basePath = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return { origin: `${url.protocol}//${url.host}${basePath}`, protocol: url.protocol, hostname, port, basePath };
}
