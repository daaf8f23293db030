import type { FileHandle } from 'node:fs/promises';

const CHUNK_BYTES = 2 * 1024 * 1024;
/** Room in front of a prefetched chunk for the unread tail of the current one, so a record across the boundary needs no re-read. */
const CARRY_BYTES = 256 * 1024;

async function readFully(handle: FileHandle, buffer: Buffer, offset: number, length: number, position: number): Promise<void> {
  for (let filled = 0; filled < length; ) {
    const { bytesRead } = await handle.read(buffer, offset + filled, length - filled, position + filled);
    if (bytesRead === 0) throw new Error('The history file shrank while it was being read.');
    filled += bytesRead;
  }
}

/** Read buffers for scanning, shared by the scans of one load: fresh multi-megabyte buffers cost page faults each time. */
export class ScanBuffers {
  current: Buffer = Buffer.allocUnsafe(CARRY_BYTES + CHUNK_BYTES);
  spare: Buffer = Buffer.allocUnsafe(CARRY_BYTES + CHUNK_BYTES);
}

/**
 * A read buffer over the file. Lookups that hit it stay synchronous: a promise per record would cost
 * more than decoding the record. The next chunk is read while the current one is decoded.
 */
export class ChunkReader {
  buffer: Buffer;
  private spare: Buffer;
  /** `buffer[origin]` holds the byte at file position `start`; the loaded bytes end at `end`. */
  private origin = 0;
  private start = 0;
  private end = 0;
  /** A read of the chunk at `position` into `spare`, after `CARRY_BYTES`. */
  private ahead: { readonly position: number; readonly length: number; readonly read: Promise<boolean> } | undefined;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    private readonly buffers: ScanBuffers,
  ) {
    this.buffer = buffers.current;
    this.spare = buffers.spare;
  }

  /** Where `length` bytes at `position` sit in `buffer`, or -1 when they are not loaded. */
  indexOf(position: number, length: number): number {
    return position >= this.start && position + length <= this.end ? this.origin + position - this.start : -1;
  }

  loadedFrom(position: number): number {
    return this.end - position;
  }

  /** Makes at least `length` bytes at `position` (or up to the end of the file) loaded, and returns where they sit. */
  async load(position: number, length: number): Promise<number> {
    const needed = Math.min(length, this.size - position);
    const ahead = this.ahead;
    this.ahead = undefined;
    // `spare` must not be reused while a read into it is in flight, even one that goes unused.
    if (ahead && (await ahead.read)) {
      const aheadEnd = ahead.position + ahead.length;
      const carried = this.end - position;
      if (ahead.position === this.end && position >= this.start && carried >= 0 && carried <= CARRY_BYTES && position + needed <= aheadEnd) {
        this.buffer.copy(this.spare, CARRY_BYTES - carried, this.indexOf(position, carried), this.origin + this.end - this.start);
        return this.useSpare(CARRY_BYTES - carried, position, aheadEnd);
      }
      // Landed inside the prefetched chunk, past a body that was skipped.
      if (position >= ahead.position && position + needed <= aheadEnd) {
        return this.useSpare(CARRY_BYTES, ahead.position, aheadEnd) + position - ahead.position;
      }
    }
    const wanted = Math.min(Math.max(length, CHUNK_BYTES), this.size - position);
    if (this.buffer.length < wanted) this.buffer = Buffer.allocUnsafe(wanted);
    await readFully(this.handle, this.buffer, 0, wanted, position);
    this.setLoaded(0, position, position + wanted);
    return 0;
  }

  /** Waits for a prefetch still in flight, so nothing touches the file (or the buffers) after the scan. */
  async settle(): Promise<void> {
    await this.ahead?.read;
    this.ahead = undefined;
    this.buffers.current = this.buffer;
    this.buffers.spare = this.spare;
  }

  private useSpare(origin: number, start: number, end: number): number {
    [this.buffer, this.spare] = [this.spare, this.buffer];
    this.setLoaded(origin, start, end);
    return origin;
  }

  private setLoaded(origin: number, start: number, end: number): void {
    this.origin = origin;
    this.start = start;
    this.end = end;
    if (end >= this.size) return;
    if (this.spare.length < CARRY_BYTES + CHUNK_BYTES) this.spare = Buffer.allocUnsafe(CARRY_BYTES + CHUNK_BYTES);
    const length = Math.min(CHUNK_BYTES, this.size - end);
    const read = readFully(this.handle, this.spare, CARRY_BYTES, length, end).then(
      () => true,
      () => false,
    );
    this.ahead = { position: end, length, read };
  }
}
