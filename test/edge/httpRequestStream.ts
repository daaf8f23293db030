// Follows the HTTP/1.1 requests on one public connection (keep-alive, pipelining, chunked bodies)
// so the edge can add X-Forwarded-* headers to every request head, as ngrok's edge does, while
// every other byte (the rest of each head, every body) passes through unchanged.
// After an Upgrade or CONNECT request, or anything it cannot follow, it passes bytes through raw.
// The edge can also stop at a request head (a policy refused it): that head and everything after it
// are dropped.

export const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE = 4096;
const CRLF2 = Buffer.from('\r\n\r\n');

export interface RequestHead {
  readonly method: string;
  readonly target: string;
  readonly version: string;
  /** Header fields in order, names as sent. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The head's bytes, request line to the blank line inclusive. */
  readonly raw: Buffer;
}

export function headerValues(head: RequestHead, name: string): string[] {
  const lower = name.toLowerCase();
  return head.headers.filter(([key]) => key.toLowerCase() === lower).map(([, value]) => value);
}

/** Parses a complete head (ending in CRLF CRLF). Returns an error message when it is not HTTP/1.x. */
export function parseRequestHead(raw: Buffer): RequestHead | string {
  const lines = raw.toString('latin1').slice(0, -4).split('\r\n');
  const requestLine = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) (HTTP\/1\.[01])$/.exec(lines[0] ?? '');
  if (!requestLine) return 'the request line is not HTTP/1.x';
  const headers: Array<readonly [string, string]> = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || /[\s]/.test(line.slice(0, colon))) return `malformed header line ${JSON.stringify(line.slice(0, 80))}`;
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { method: requestLine[1] ?? '', target: requestLine[2] ?? '', version: requestLine[3] ?? '', headers, raw };
}

/** Inserts header lines just before the blank line that ends the head. */
export function insertHeaders(raw: Buffer, lines: ReadonlyArray<readonly [string, string]>): Buffer {
  if (lines.length === 0) return raw;
  const extra = Buffer.from(lines.map(([name, value]) => `${name}: ${value}\r\n`).join(''), 'latin1');
  return Buffer.concat([raw.subarray(0, raw.length - 2), extra, raw.subarray(raw.length - 2)]);
}

type BodyMode = { readonly kind: 'none' } | { readonly kind: 'length'; readonly bytes: number } | { readonly kind: 'chunked' } | { readonly kind: 'raw' };

function bodyMode(head: RequestHead): BodyMode {
  const connection = headerValues(head, 'connection').join(',').toLowerCase();
  if (head.method === 'CONNECT' || (headerValues(head, 'upgrade').length > 0 && /\bupgrade\b/.test(connection))) return { kind: 'raw' };
  const encodings = headerValues(head, 'transfer-encoding').join(',').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);
  if (encodings.length > 0) return encodings[encodings.length - 1] === 'chunked' ? { kind: 'chunked' } : { kind: 'raw' };
  const lengths = headerValues(head, 'content-length');
  if (lengths.length === 0) return { kind: 'none' };
  const unique = new Set(lengths.flatMap((value) => value.split(',').map((s) => s.trim())));
  const [only] = unique;
  if (unique.size !== 1 || only === undefined || !/^\d+$/.test(only)) return { kind: 'raw' };
  return { kind: 'length', bytes: Number(only) };
}

type State =
  | { readonly kind: 'head' }
  | { readonly kind: 'body'; remaining: number }
  | { readonly kind: 'chunk-line' }
  | { readonly kind: 'chunk-data'; remaining: number }
  | { readonly kind: 'trailer' }
  | { readonly kind: 'raw' }
  | { readonly kind: 'halted' };

/** Returns the head to forward, or null to stop there: that request and all later bytes are dropped. */
export type HeadRewriter = (head: RequestHead) => Buffer | null;

/**
 * Feed it the client's bytes in order; it returns the bytes to forward. `rewrite` is called once per
 * request head and returns the head to send instead. A head over MAX_HEAD_BYTES, or one that does
 * not parse, ends the following (bytes from there on pass through raw).
 */
export class HttpRequestStream {
  private state: State = { kind: 'head' };
  private pending: Buffer = Buffer.alloc(0);
  /** Heads seen so far. */
  requests = 0;

  constructor(private readonly rewrite: HeadRewriter) {}

  /** True once the bytes are passed through without following requests any more. */
  get raw(): boolean {
    return this.state.kind === 'raw';
  }

  /** True once the rewriter refused a head: nothing from there on is forwarded. */
  get halted(): boolean {
    return this.state.kind === 'halted';
  }

  push(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let input = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (input.length > 0) {
      const state = this.state;
      switch (state.kind) {
        case 'raw':
          out.push(input);
          input = Buffer.alloc(0);
          break;
        case 'halted':
          input = Buffer.alloc(0);
          break;
        case 'head': {
          const start = leadingBlankLines(input);
          if (start > 0) {
            out.push(input.subarray(0, start));
            input = input.subarray(start);
            if (input.length === 0) break;
          }
          const end = input.indexOf(CRLF2);
          if (end < 0) {
            if (input.length > MAX_HEAD_BYTES) this.toRaw(out, input);
            else this.pending = input;
            input = Buffer.alloc(0);
            break;
          }
          const head = parseRequestHead(input.subarray(0, end + 4));
          if (typeof head === 'string') {
            this.toRaw(out, input);
            input = Buffer.alloc(0);
            break;
          }
          this.requests++;
          const rewritten = this.rewrite(head);
          if (rewritten === null) {
            this.state = { kind: 'halted' };
            input = Buffer.alloc(0);
            break;
          }
          out.push(rewritten);
          input = input.subarray(end + 4);
          const mode = bodyMode(head);
          this.state =
            mode.kind === 'length' ? (mode.bytes > 0 ? { kind: 'body', remaining: mode.bytes } : { kind: 'head' }) : mode.kind === 'chunked' ? { kind: 'chunk-line' } : mode.kind === 'raw' ? { kind: 'raw' } : { kind: 'head' };
          break;
        }
        case 'body':
        case 'chunk-data': {
          const take = Math.min(state.remaining, input.length);
          out.push(input.subarray(0, take));
          input = input.subarray(take);
          state.remaining -= take;
          if (state.remaining === 0) this.state = state.kind === 'body' ? { kind: 'head' } : { kind: 'chunk-line' };
          break;
        }
        case 'chunk-line':
        case 'trailer': {
          const newline = input.indexOf(0x0a);
          if (newline < 0) {
            if (input.length > MAX_CHUNK_LINE) this.toRaw(out, input);
            else this.pending = input;
            input = Buffer.alloc(0);
            break;
          }
          const line = input.subarray(0, newline + 1);
          out.push(line);
          input = input.subarray(newline + 1);
          const text = line.toString('latin1').trim();
          if (state.kind === 'trailer') {
            if (text === '') this.state = { kind: 'head' };
          } else if (text !== '') {
            // A chunk-size line; the CRLF after the data is read as an empty chunk-line next.
            const size = Number.parseInt(text.split(';')[0] ?? '', 16);
            if (Number.isNaN(size)) this.state = { kind: 'raw' };
            else this.state = size === 0 ? { kind: 'trailer' } : { kind: 'chunk-data', remaining: size };
          }
          break;
        }
      }
    }
    return Buffer.concat(out);
  }

  /** Bytes held back waiting for the end of a head or chunk line (sent as-is if the client ends here). */
  flush(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest;
  }

  private toRaw(out: Buffer[], input: Buffer): void {
    out.push(input);
    this.state = { kind: 'raw' };
  }
}

function leadingBlankLines(input: Buffer): number {
  let i = 0;
  while (i < input.length && (input[i] === 0x0d || input[i] === 0x0a)) i++;
  return i;
}
