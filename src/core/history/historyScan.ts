import type { FileHandle } from 'node:fs/promises';
import { HEADER_SIZE, isIntact, RECORD_MAGIC, readHeader, recordLength } from './recordCodec';
import type { RecordHeader } from './recordCodec';

export interface SkippedRegion {
  readonly offset: number;
  readonly length: number;
}

export interface ScanResult {
  readonly skipped: readonly SkippedRegion[];
  /** End of the last intact record: a torn tail after it should be cut off before appending. */
  readonly validEnd: number;
}

/**
 * Takes a record whose header and metadata passed the checksum, the metadata being the
 * `header.metaLength` bytes at `metaAt` in `buffer` (reused afterwards: copy what must outlive the call).
 * Returns false when the content does not make sense, which counts the record as damaged.
 */
export type RecordVisitor = (header: RecordHeader, buffer: Buffer, metaAt: number, offset: number) => boolean;

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
class ChunkReader {
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

/**
 * Hands every intact record of one log file to `visit`, in order. Only headers and metadata are read
 * and checked: a record is whole when its checksum holds and its bodies fit in the file (see
 * recordCodec.ts), so large bodies are skipped unread. Damage (a torn tail after a crash, garbage in
 * the middle) is stepped over by searching for the next magic whose checksum holds, so one bad record
 * never costs the ones after it. Records are visited as they are read, so nothing per record is kept
 * here: building a list first would keep every record alive until the end, through several collections.
 */
export async function scanRecords(handle: FileHandle, size: number, visit: RecordVisitor, buffers: ScanBuffers): Promise<ScanResult> {
  const reader = new ChunkReader(handle, size, buffers);
  const skipped: SkippedRegion[] = [];
  let damagedFrom = -1;
  let validEnd = 0;
  let position = 0;

  try {
    while (position < size) {
      let length = size - position >= HEADER_SIZE ? recordAt(reader, position, visit) : 0;
      while (length < 0) {
        await reader.load(position, -length);
        length = recordAt(reader, position, visit);
      }
      if (length > 0) {
        if (damagedFrom >= 0) skipped.push({ offset: damagedFrom, length: position - damagedFrom });
        damagedFrom = -1;
        position += length;
        validEnd = position;
      } else {
        if (damagedFrom < 0) damagedFrom = position;
        position = await nextMagic(reader, position + 1);
      }
    }
  } finally {
    await reader.settle();
  }
  if (damagedFrom >= 0) skipped.push({ offset: damagedFrom, length: size - damagedFrom });
  return { skipped, validEnd };
}

/**
 * The length of the record at `position` once visited, 0 when there is none, or minus how many bytes
 * from `position` must be loaded before it can tell. Synchronous, so the common case (the record is in
 * the chunk) costs no promise.
 */
function recordAt(reader: ChunkReader, position: number, visit: RecordVisitor): number {
  let at = reader.indexOf(position, HEADER_SIZE);
  if (at < 0) return -HEADER_SIZE;
  const header = readHeader(reader.buffer, at);
  if (!header || position + recordLength(header) > reader.size) return 0;
  const headLength = HEADER_SIZE + header.metaLength;
  at = reader.indexOf(position, headLength);
  if (at < 0) return -headLength;
  if (!isIntact(reader.buffer, at, header) || !visit(header, reader.buffer, at + HEADER_SIZE, position)) return 0;
  return recordLength(header);
}

async function nextMagic(reader: ChunkReader, from: number): Promise<number> {
  let position = from;
  while (reader.size - position >= RECORD_MAGIC.length) {
    let at = reader.indexOf(position, RECORD_MAGIC.length);
    if (at < 0) at = await reader.load(position, RECORD_MAGIC.length);
    const length = reader.loadedFrom(position);
    const found = reader.buffer.subarray(at, at + length).indexOf(RECORD_MAGIC);
    if (found >= 0) return position + found;
    // Overlap the next read so a magic split across two reads is still seen.
    position += length - (RECORD_MAGIC.length - 1);
  }
  return reader.size;
}
