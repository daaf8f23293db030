/**
 * Finds and replaces members of a JSON object in place, byte for byte. Two schemes keep signing data inside the body
 * (Mailgun's `signature` object, Linear's `webhookTimestamp`); re-serialising the whole body would reformat what the
 * user edited, so only the value being refreshed is rewritten. Scans bytes: JSON's structural characters are ASCII
 * and never occur inside a UTF-8 multi-byte sequence, so offsets stay exact whatever the text.
 */

/** `[start, end)` byte offsets of a value. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function skipSpace(bytes: Buffer, at: number): number {
  while (at < bytes.length && isSpace(bytes[at])) at++;
  return at;
}

/** End (exclusive) of the string starting at `at`, or -1 when unterminated. */
function skipString(bytes: Buffer, at: number): number {
  for (let i = at + 1; i < bytes.length; i++) {
    if (bytes[i] === BACKSLASH) i++;
    else if (bytes[i] === QUOTE) return i + 1;
  }
  return -1;
}

/** End (exclusive) of the value starting at `at`, or -1. Validates structure only, not every literal. */
function skipValue(bytes: Buffer, at: number): number {
  const first = bytes[at];
  if (first === QUOTE) return skipString(bytes, at);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    for (let i = at; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === QUOTE) {
        i = skipString(bytes, i) - 1;
        if (i < 0) return -1;
      } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
      else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  let i = at;
  while (i < bytes.length && !isSpace(bytes[i]) && bytes[i] !== COMMA && bytes[i] !== CLOSE_OBJECT && bytes[i] !== CLOSE_ARRAY) i++;
  return i > at ? i : -1;
}

/**
 * The members of the object that starts at `at` (after optional whitespace), name → value span; undefined when
 * there is no well-formed object there. A repeated name maps to its last occurrence, as `JSON.parse` reads it.
 */
export function objectMembers(bytes: Buffer, at = 0): Map<string, Span> | undefined {
  let i = skipSpace(bytes, at);
  if (bytes[i] !== OPEN_OBJECT) return undefined;
  const members = new Map<string, Span>();
  i = skipSpace(bytes, i + 1);
  if (bytes[i] === CLOSE_OBJECT) return members;
  for (;;) {
    if (bytes[i] !== QUOTE) return undefined;
    const nameEnd = skipString(bytes, i);
    if (nameEnd < 0) return undefined;
    const name = parseJson(bytes, { start: i, end: nameEnd });
    if (typeof name !== 'string') return undefined;
    i = skipSpace(bytes, nameEnd);
    if (bytes[i] !== COLON) return undefined;
    const start = skipSpace(bytes, i + 1);
    const end = skipValue(bytes, start);
    if (end < 0) return undefined;
    members.set(name, { start, end });
    i = skipSpace(bytes, end);
    if (bytes[i] === CLOSE_OBJECT) return members;
    if (bytes[i] !== COMMA) return undefined;
    i = skipSpace(bytes, i + 1);
  }
}

/** The parsed value in `span`, or undefined when it isn't valid JSON. */
export function parseJson(bytes: Buffer, span: Span): unknown {
  try {
    return JSON.parse(bytes.toString('utf8', span.start, span.end)) as unknown;
  } catch {
    return undefined;
  }
}

/** Replaces the given (non-overlapping) spans with new JSON text; everything else keeps its bytes. */
export function replaceSpans(bytes: Buffer, edits: ReadonlyArray<{ readonly span: Span; readonly json: string }>): Buffer {
  const ordered = [...edits].sort((a, b) => a.span.start - b.span.start);
  const pieces: Buffer[] = [];
  let cursor = 0;
  for (const { span, json } of ordered) {
    pieces.push(bytes.subarray(cursor, span.start), Buffer.from(json, 'utf8'));
    cursor = span.end;
  }
  pieces.push(bytes.subarray(cursor));
  return Buffer.concat(pieces);
}
