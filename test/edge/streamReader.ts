// Pull-style reads over a Node Readable (a muxado stream): exact byte counts, one JSON value, or
// everything up to EOF. The typed-stream protocols (stream type, RPC JSON, heartbeat ids) need these.
import type { Readable } from 'node:stream';
import { scanJsonValue } from './jsonScanner';

export class StreamReader {
  private buffered: Buffer = Buffer.alloc(0);
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(stream: Readable) {
    stream.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.notify();
    });
    stream.once('end', () => this.finish());
    stream.once('close', () => this.finish());
    stream.on('error', (error: Error) => {
      this.failure = error;
      this.finish();
    });
  }

  /** Exactly `count` bytes, or null if the stream ends first. */
  async readExactly(count: number): Promise<Buffer | null> {
    while (this.buffered.length < count) {
      if (this.ended) return null;
      await this.nextChange();
    }
    return this.take(count);
  }

  /** One JSON value (an object, in practice), parsed. Rejects on EOF, oversize or bad JSON. */
  async readJson(maxBytes = 1 << 20): Promise<unknown> {
    for (;;) {
      const scan = scanJsonValue(this.buffered);
      if (scan.complete) return JSON.parse(this.take(scan.end).toString('utf8')) as unknown;
      if (this.buffered.length > maxBytes) throw new Error(`JSON message over ${maxBytes} bytes`);
      if (this.ended) throw this.failure ?? new Error(this.buffered.length === 0 ? 'stream ended before any JSON' : 'stream ended inside a JSON message');
      await this.nextChange();
    }
  }

  /** Everything up to EOF. */
  async readToEnd(maxBytes = 1 << 20): Promise<Buffer> {
    while (!this.ended) {
      if (this.buffered.length > maxBytes) throw new Error(`message over ${maxBytes} bytes`);
      await this.nextChange();
    }
    return this.take(this.buffered.length);
  }

  private take(count: number): Buffer {
    const head = this.buffered.subarray(0, count);
    this.buffered = this.buffered.subarray(count);
    return head;
  }

  private finish(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }
}
