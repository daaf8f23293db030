import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exchange } from '../../../src/core/capture/exchange';

/** Bytes that differ per seed and per position, so a body read back from the wrong place cannot pass. */
export function patternBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = (seed * 131 + i * 7 + (i >>> 8)) & 0xff;
  return bytes;
}

export function allByteValues(): Buffer {
  return Buffer.from(Array.from({ length: 256 }, (_, i) => i));
}

export interface ExchangeShape {
  readonly requestBody?: Buffer;
  /** `null` for an exchange that never got a response. */
  readonly responseBody?: Buffer | null;
  readonly startedAt?: number;
}

export function makeExchange(id: string, shape: ExchangeShape = {}): Exchange {
  const requestBody = shape.requestBody ?? Buffer.from(`{"event":"${id}"}`);
  const base: Exchange = {
    id,
    startedAt: shape.startedAt ?? 1_700_000_000_000,
    timings: { upstreamHeadersMs: 3, totalMs: 5 },
    clientAddress: '127.0.0.1',
    upstream: 'http://localhost:3000',
    request: {
      method: 'POST',
      url: `/hooks/${id}?x=1`,
      httpVersion: '1.1',
      rawHeaders: ['Host', 'example.test', 'Content-Type', 'application/json'],
      body: { bytes: requestBody, size: requestBody.length, truncated: false },
    },
  };
  if (shape.responseBody === null) return base;
  const responseBody = shape.responseBody ?? Buffer.from('ok');
  return {
    ...base,
    response: {
      statusCode: 200,
      statusMessage: 'OK',
      rawHeaders: ['Content-Length', String(responseBody.length)],
      body: { bytes: responseBody, size: responseBody.length, truncated: false },
    },
  };
}

/** What the crash child writes as record `index`: every fourth is ~1 MB so a kill likely lands mid-write. */
export function crashExchange(index: number): Exchange {
  const large = index % 4 === 3;
  return makeExchange(`crash-${index}`, {
    requestBody: patternBytes(large ? 1_000_000 + index : 100 + index * 7, index),
    responseBody: patternBytes(16 + index, index + 1000),
    startedAt: 1_700_000_000_000 + index,
  });
}

/** Fresh folders under the OS temp dir, removed by `cleanup`. */
export class TempDirs {
  private readonly made: string[] = [];

  async make(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'webhook-history-'));
    this.made.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    for (const dir of this.made.splice(0)) await rm(dir, { recursive: true, force: true });
  }
}
