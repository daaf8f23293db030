import type { Exchange, RecordedBody } from '../capture/exchange';
import { headerValue } from '../capture/exchange';
import { formatBytes } from '../util/format';

/** Bodies that are text in any encoding a webhook uses are shown as text; anything else as a hex dump. */
function looksLikeText(bytes: Buffer, contentType: string | undefined): boolean {
  if (contentType && /json|text|xml|x-www-form-urlencoded|javascript|graphql/i.test(contentType)) return true;
  const sample = bytes.subarray(0, 512);
  return !sample.includes(0) && Buffer.from(sample.toString('utf8')).equals(sample);
}

function hexDump(bytes: Buffer): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

function renderBody(body: RecordedBody, rawHeaders: readonly string[]): string[] {
  if (body.size === 0) return [];
  const encoding = headerValue(rawHeaders, 'content-encoding');
  const text = !encoding && looksLikeText(body.bytes, headerValue(rawHeaders, 'content-type'));
  let shown = text ? body.bytes.toString('utf8') : hexDump(body.bytes);
  if (text && /json/i.test(headerValue(rawHeaders, 'content-type') ?? '') && !body.truncated) {
    try {
      shown = JSON.stringify(JSON.parse(shown), null, 2);
    } catch {
      // Not valid JSON after all: show it as sent.
    }
  }
  const lines = ['', shown];
  if (!text) lines.unshift('', `[binary${encoding ? `, ${encoding}-encoded` : ''} body, ${formatBytes(body.size)}, shown as hex]`);
  if (body.truncated) lines.push('', `[… truncated: ${formatBytes(body.bytes.length)} of ${formatBytes(body.size)} recorded (${body.size} bytes in all); raise webhookTunnel.history.maxBodyBytes to keep more]`);
  return lines;
}

function renderHeaders(rawHeaders: readonly string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) lines.push(`${rawHeaders[i]}: ${rawHeaders[i + 1]}`);
  return lines;
}

/** The exchange as an HTTP/1.1 transcript: request, then response or the reason there was none. */
export function renderRawHttp(exchange: Exchange): string {
  const { request, response } = exchange;
  const lines = [
    `### ${request.method} ${request.url} — ${new Date(exchange.startedAt).toISOString()} from ${exchange.clientAddress || 'unknown'}`,
    '',
    `${request.method} ${request.url} HTTP/${request.httpVersion}`,
    ...renderHeaders(request.rawHeaders),
    ...renderBody(request.body, request.rawHeaders),
    '',
    '',
  ];
  if (response) {
    lines.push(`### Response from ${response.synthetic ? 'Webhook Tunnel (the dev server did not answer)' : exchange.upstream}`, '');
    lines.push(`HTTP/1.1 ${response.statusCode} ${response.statusMessage}`, ...renderHeaders(response.rawHeaders), ...renderBody(response.body, response.rawHeaders));
  }
  if (exchange.error) lines.push('', `### Error: ${exchange.error.message}${exchange.error.code ? ` (${exchange.error.code})` : ''}`);
  return lines.join('\n') + '\n';
}
