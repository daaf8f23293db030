/**
 * Connection-scoped headers (RFC 9110 §7.6.1) describe one hop, not the message, so the proxy drops them
 * between the sender and the dev server. `transfer-encoding` stays: Node reads it to frame the forwarded body
 * the same way, and the body bytes themselves pass unchanged.
 */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']);

/** Raw header pairs minus the hop-by-hop ones (and any the `Connection` header names), order and case kept. */
export function endToEndHeaders(rawHeaders: readonly string[]): string[] {
  let named: Set<string> | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'connection') {
      named ??= new Set();
      for (const token of rawHeaders[i + 1]!.split(',')) named.add(token.trim().toLowerCase());
    }
  }
  const kept: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const lower = rawHeaders[i]!.toLowerCase();
    if (hopByHop.has(lower) || named?.has(lower)) continue;
    kept.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  return kept;
}

/** Serialises a response head for a raw socket (used after a protocol upgrade, where there is no ServerResponse). */
export function responseHead(statusCode: number, statusMessage: string, rawHeaders: readonly string[]): string {
  let head = `HTTP/1.1 ${statusCode} ${statusMessage}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return head + '\r\n';
}
