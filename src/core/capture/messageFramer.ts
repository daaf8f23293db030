/**
 * Follows the HTTP/1.x messages on one direction of a connection: finds each head, then where its body
 * ends (Content-Length, chunked with trailers, or the connection's end), without copying or re-encoding
 * the bytes. The capture proxy forwards what it is handed verbatim and records the payload on the side,
 * which is why it does not use a general HTTP parser: those decode and rebuild every message.
 */
import { HeadError } from './httpHead';

export type BodyFraming =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly bytes: number }
  | { readonly kind: 'chunked' }
  /** A response without length: its body runs until the dev server closes the connection. */
  | { readonly kind: 'untilClose' };

export const noBody: BodyFraming = { kind: 'none' };

/** What the framer reports to, in wire order. */
export interface FramerEvents {
  /**
   * A complete head: `text` is its latin1 text without the blank line, `wire` its bytes with it. Returns
   * how the body is framed, or `hold` to stop reading after this head (a protocol switch may follow).
   */
  onHead(text: string, wire: Buffer): BodyFraming | 'hold';
  /** The bytes after the head as they are on the wire (chunk sizes and trailers included). */
  onWire(bytes: Buffer): void;
  /** The body's payload, transfer coding removed: what a recorder keeps. */
  onPayload(bytes: Buffer): void;
  /** The message is complete. */
  onEnd(): void;
  /** The bytes cannot be followed as HTTP/1.x; nothing more is reported. */
  onMalformed(error: HeadError): void;
}

/** A head larger than this is refused (431): Node's own limit is 16 KiB, this leaves room for big signatures. */
export const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 8 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
const LF = 0x0a;
const CR = 0x0d;

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailer,
  UntilClose,
  Held,
  Raw,
  Failed,
}

export class MessageFramer {
  private state = State.Head;
  /** Bytes of an incomplete head or chunk line, or everything received while held. */
  private pending: Buffer | undefined;
  private remaining = 0;

  constructor(private readonly events: FramerEvents) {}

  /** Between messages, with nothing half-read: ending the connection here loses nothing. */
  get idle(): boolean {
    return this.state === State.Head && this.pending === undefined;
  }

  push(chunk: Buffer): void {
    let input = chunk;
    if (this.pending !== undefined) {
      input = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let at = 0;
    while (at < input.length) {
      switch (this.state) {
        case State.Head:
          at = this.readHead(input, at);
          break;
        case State.Length:
        case State.ChunkData: {
          const end = Math.min(input.length, at + this.remaining);
          const bytes = input.subarray(at, end);
          this.remaining -= end - at;
          at = end;
          this.events.onWire(bytes);
          this.events.onPayload(bytes);
          if (this.remaining === 0) {
            if (this.state === State.Length) this.finishMessage();
            else {
              this.state = State.ChunkDataEnd;
              this.remaining = 2;
            }
          }
          break;
        }
        case State.ChunkDataEnd: {
          const end = Math.min(input.length, at + this.remaining);
          for (let i = at; i < end; i++) {
            if (input[i] !== (this.remaining - (i - at) === 2 ? CR : LF)) {
              this.fail(new HeadError('a chunk is not followed by CRLF'));
              return;
            }
          }
          this.events.onWire(input.subarray(at, end));
          this.remaining -= end - at;
          at = end;
          if (this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
        case State.ChunkSize:
        case State.Trailer:
          at = this.readLine(input, at);
          break;
        case State.UntilClose: {
          const bytes = at === 0 ? input : input.subarray(at);
          at = input.length;
          this.events.onWire(bytes);
          this.events.onPayload(bytes);
          break;
        }
        case State.Held:
          this.pending = input.subarray(at);
          return;
        case State.Raw:
          this.events.onWire(at === 0 ? input : input.subarray(at));
          return;
        case State.Failed:
          return;
      }
    }
  }

  /** The connection ended: a body framed by the close is complete now. */
  finish(): void {
    if (this.state === State.UntilClose) this.finishMessage();
  }

  /** After a `hold`: go on reading HTTP (the switch did not happen), or pass everything on raw (it did). */
  release(mode: 'http' | 'raw'): void {
    if (this.state !== State.Held) return;
    const held = this.pending;
    this.pending = undefined;
    this.state = mode === 'raw' ? State.Raw : State.Head;
    if (held !== undefined) this.push(held);
  }

  /** From now on every byte is passed on raw (a switched protocol). */
  passRaw(): void {
    if (this.state === State.Held) this.release('raw');
    else this.state = State.Raw;
  }

  private readHead(input: Buffer, from: number): number {
    let at = from;
    // A blank line before a request line is tolerated (RFC 9112 §2.2).
    while (at < input.length && (input[at] === CR || input[at] === LF)) at++;
    if (at === input.length) return at;
    const end = input.indexOf(HEAD_END, at);
    if (end < 0) {
      if (input.length - at > MAX_HEAD_BYTES) return this.fail(new HeadError(`the message head is larger than ${MAX_HEAD_BYTES / 1024} KiB`, 431));
      this.pending = input.subarray(at);
      return input.length;
    }
    if (end - at > MAX_HEAD_BYTES) return this.fail(new HeadError(`the message head is larger than ${MAX_HEAD_BYTES / 1024} KiB`, 431));
    const next = end + HEAD_END.length;
    let framing: BodyFraming | 'hold';
    try {
      framing = this.events.onHead(input.toString('latin1', at, end), input.subarray(at, next));
    } catch (error) {
      if (error instanceof HeadError) return this.fail(error);
      throw error;
    }
    if (this.state !== State.Head) return next; // the handler switched the framer (raw) or it failed
    if (framing === 'hold') this.state = State.Held;
    else if (framing.kind === 'length' && framing.bytes > 0) {
      this.state = State.Length;
      this.remaining = framing.bytes;
    } else if (framing.kind === 'chunked') this.state = State.ChunkSize;
    else if (framing.kind === 'untilClose') this.state = State.UntilClose;
    else this.finishMessage();
    return next;
  }

  /** A chunk-size line or a trailer line; the empty trailer line ends the message. */
  private readLine(input: Buffer, from: number): number {
    const newline = input.indexOf(LF, from);
    if (newline < 0) {
      if (input.length - from > MAX_LINE_BYTES) return this.fail(new HeadError('a chunk-size or trailer line is too long'));
      this.pending = input.subarray(from);
      return input.length;
    }
    const next = newline + 1;
    this.events.onWire(input.subarray(from, next));
    const text = input.toString('latin1', from, newline).replace(/\r$/, '');
    if (this.state === State.Trailer) {
      if (text === '') this.finishMessage();
      return next;
    }
    const sizeText = (text.split(';', 1)[0] ?? '').trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) return this.fail(new HeadError(`invalid chunk size ${JSON.stringify(sizeText.slice(0, 20))}`));
    const size = Number.parseInt(sizeText, 16);
    if (size === 0) this.state = State.Trailer;
    else {
      this.state = State.ChunkData;
      this.remaining = size;
    }
    return next;
  }

  private finishMessage(): void {
    this.state = State.Head;
    this.events.onEnd();
  }

  private fail(error: HeadError): number {
    this.state = State.Failed;
    this.pending = undefined;
    this.events.onMalformed(error);
    return Number.POSITIVE_INFINITY;
  }
}
