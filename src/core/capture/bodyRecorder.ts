import type { RecordedBody } from './exchange';

/**
 * Keeps the first `limit` bytes of a body that streams past and counts the rest.
 * Chunks are referenced, not copied, until `finish()` so the request path stays cheap.
 */
export class BodyRecorder {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private seen = 0;

  constructor(private readonly limit: number) {}

  readonly push = (chunk: Buffer): void => {
    this.seen += chunk.length;
    const room = this.limit - this.kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
  };

  finish(): RecordedBody {
    const bytes = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.kept);
    return { bytes, size: this.seen, truncated: this.seen > this.kept };
  }
}

export const emptyBody: RecordedBody = { bytes: Buffer.alloc(0), size: 0, truncated: false };
