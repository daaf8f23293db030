/*
 * Reading a body for people: which view suits it (JSON, form, text, hex), and those views. Pure functions over
 * bytes, shared by the extension (to pick the first view) and the webview (to render any of them).
 */
import type { BodyKind, HeaderPair } from './protocol';

/** `application/json` from `Application/JSON; charset=utf-8`. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** The charset parameter, lower-cased, or `utf-8`. */
export function charsetOf(contentType: string | undefined): string {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  return match ? match[1]!.toLowerCase() : 'utf-8';
}

export function isJsonType(type: string): boolean {
  return type === 'application/json' || type === 'text/json' || type.endsWith('+json');
}

export function isFormType(type: string): boolean {
  return type === 'application/x-www-form-urlencoded';
}

/** A decoder for the charset, or for UTF-8 when the label is unknown. */
function textDecoder(charset: string, fatal: boolean) {
  try {
    return new TextDecoder(charset, { fatal });
  } catch {
    return new TextDecoder('utf-8', { fatal });
  }
}

/** Decodes text; with `strict`, undefined when the bytes are not valid in that charset (a cut-off last character is fine). */
export function decodeText(bytes: Uint8Array, charset: string, strict = false): string | undefined {
  const decoder = textDecoder(charset, strict);
  try {
    // `stream` keeps an incomplete final sequence (a truncated body) from counting as invalid.
    return decoder.decode(bytes, { stream: strict });
  } catch {
    return undefined;
  }
}

/** Control characters other than tab, line breaks and form feed mark bytes that are not text. */
const BINARY_CONTROL = /[\x00-\x08\x0b\x0e-\x1f\x7f]/;

/** Pretty JSON with two-space indent, or undefined when the text is not JSON. */
export function prettyJson(text: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return undefined;
  }
}

const FORM_LIKE = /^[\w.%+\-*~[\]]+=[^&\s]*(?:&[\w.%+\-*~[\]]+(?:=[^&\s]*)?)*$/;

function decodeFormComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** `a=1&b=x+y&a=2` → `[['a','1'],['b','x y'],['a','2']]`, in order, duplicates kept. */
export function parseForm(text: string): HeaderPair[] {
  if (text.trim() === '') return [];
  return text.split('&').map((part) => {
    const equals = part.indexOf('=');
    return equals < 0 ? [decodeFormComponent(part), ''] : [decodeFormComponent(part.slice(0, equals)), decodeFormComponent(part.slice(equals + 1))];
  });
}

export interface BodyFacts {
  readonly bytes: Uint8Array;
  readonly contentType?: string | undefined;
  readonly contentEncoding?: string | undefined;
  readonly truncated: boolean;
}

/** The view a body opens in. Declared types win when the bytes agree; undeclared bodies are sniffed. */
export function detectBodyKind({ bytes, contentType, contentEncoding, truncated }: BodyFacts): BodyKind {
  if (bytes.length === 0) return 'empty';
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') return 'binary';
  const type = mediaType(contentType);
  if (type === 'application/octet-stream') return 'binary';
  const text = decodeText(bytes, charsetOf(contentType), true);
  if (text === undefined || BINARY_CONTROL.test(text)) return 'binary';
  if (isJsonType(type)) return truncated || prettyJson(text) !== undefined ? 'json' : 'text';
  if (isFormType(type)) return 'form';
  if (type === '') {
    const trimmed = text.trim();
    if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && prettyJson(trimmed) !== undefined) return 'json';
    if (FORM_LIKE.test(trimmed)) return 'form';
  }
  return 'text';
}

/** The views that make sense for a body of this kind, the kind's own first. */
export function availableViews(kind: BodyKind, text: string | undefined): BodyKind[] {
  switch (kind) {
    case 'empty':
      return ['empty'];
    case 'binary':
      return ['binary'];
    case 'json':
      return ['json', 'text', 'binary'];
    case 'form':
      return ['form', 'text', 'binary'];
    case 'text':
      return text !== undefined && prettyJson(text) !== undefined ? ['json', 'text', 'binary'] : ['text', 'binary'];
  }
}

const hex = (byte: number): string => byte.toString(16).padStart(2, '0');

/** `hexdump -C` layout: offset, 16 bytes in two groups of 8, printable ASCII. At most `limit` bytes. */
export function hexDump(bytes: Uint8Array, limit = 64 * 1024): string {
  const shown = Math.min(bytes.length, limit);
  const lines: string[] = [];
  for (let offset = 0; offset < shown; offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, shown));
    let hexes = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      hexes += i < row.length ? `${hex(row[i]!)} ` : '   ';
      if (i === 7) hexes += ' ';
      if (i < row.length) ascii += row[i]! >= 0x20 && row[i]! < 0x7f ? String.fromCharCode(row[i]!) : '.';
    }
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hexes} |${ascii}|`);
  }
  return lines.join('\n');
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep fromCharCode's argument list well under the engine's limit.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** `512 B`, `1.5 KB`, `2.0 MB` and `4.2 ms`, `1.25 s`: the tree's formats, so the webview reads the same. */
export { formatBytes, formatDuration } from '../core/util/format';

/** Named headers' first value, case-insensitively. */
export function headerOf(headers: readonly HeaderPair[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headers.find(([key]) => key.toLowerCase() === wanted)?.[1];
}
