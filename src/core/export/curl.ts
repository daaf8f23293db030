import type { RecordedRequest } from '../capture/exchange';
import { redactHeaders } from './redaction';

/** POSIX shell single quoting: everything literal, a quote itself closed, escaped and reopened. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_\-./:=@%+,]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function isPrintableText(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  const text = bytes.toString('utf8');
  // Control characters other than tab/newline would not survive a paste into a terminal.
  return Buffer.from(text, 'utf8').equals(bytes) && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text);
}

/** Curl frames the body itself; these would contradict it or belong to one hop. */
const framing = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

export interface CurlCommand {
  readonly command: string;
  /** For a body that is not printable text: write these bytes to `bodyFile` (the command reads it with @). */
  readonly binaryBody?: Buffer;
}

/**
 * The request as a cURL command that sends the same method, path, headers (order kept) and body bytes.
 * `bodyFile` names where a binary body is to be written; text bodies are inlined with --data-binary.
 */
export function toCurl(request: Pick<RecordedRequest, 'method' | 'url' | 'rawHeaders' | 'body'>, baseUrl: string, options: { bodyFile: string; includeSecrets?: boolean }): CurlCommand {
  const headers = options.includeSecrets ? request.rawHeaders : redactHeaders(request.rawHeaders);
  const parts = ['curl', '--silent', '--show-error'];
  const hasBody = request.body.size > 0;
  if (request.method !== (hasBody ? 'POST' : 'GET')) parts.push('-X', shellQuote(request.method));
  parts.push(shellQuote(new URL(request.url, baseUrl).toString()));
  const names = new Set<string>();
  for (let i = 0; i + 1 < headers.length; i += 2) {
    names.add(headers[i]!.toLowerCase());
    if (framing.has(headers[i]!.toLowerCase())) continue;
    parts.push('-H', shellQuote(`${headers[i]}: ${headers[i + 1]}`));
  }
  // curl adds these on its own; an empty -H removes them when the sender did not send them.
  for (const own of ['User-Agent', 'Accept']) if (!names.has(own.toLowerCase())) parts.push('-H', shellQuote(`${own}:`));
  if (!hasBody) return { command: parts.join(' ') };
  if (isPrintableText(request.body.bytes)) {
    parts.push('--data-binary', shellQuote(request.body.bytes.toString('utf8')));
    return { command: parts.join(' ') };
  }
  parts.push('--data-binary', shellQuote(`@${options.bodyFile}`));
  return { command: parts.join(' '), binaryBody: request.body.bytes };
}
