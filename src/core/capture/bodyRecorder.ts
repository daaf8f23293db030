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

  push(chunk: Buffer): void {
    this.seen += chunk.length;
    const room = this.limit - this.kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
  }

  finish(): RecordedBody {
    const truncated = this.seen > this.kept;
    if (this.chunks.length <= 1) return { bytes: this.chunks[0] ?? EMPTY, size: this.seen, truncated };
    return new PiecewiseBody(this.chunks, this.kept, this.seen, truncated);
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * A body that arrived in several pieces (any over 64 KiB does). Joining them would copy the whole body and
 * allocate as much again, which at 256 KiB costs more than the rest of recording; so they stay apart.
 */
class PiecewiseBody implements RecordedBody {
  private joined: Buffer | undefined;

  constructor(
    readonly pieces: readonly Buffer[],
    private readonly keptBytes: number,
    readonly size: number,
    readonly truncated: boolean,
  ) {}

  get bytes(): Buffer {
    this.joined ??= Buffer.concat(this.pieces, this.keptBytes);
    return this.joined;
  }
}
