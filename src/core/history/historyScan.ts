import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { HEADER_SIZE, RECORD_MAGIC, readHeader, recordLength } from './recordCodec';
import type { RecordHeader } from './recordCodec';

export interface ScannedRecord<T> {
  readonly offset: number;
  readonly length: number;
  readonly bodiesAt: number;
  readonly value: T;
}

export interface SkippedRegion {
  readonly offset: number;
  readonly length: number;
}

export interface ScanResult<T> {
  readonly records: readonly ScannedRecord<T>[];
  readonly skipped: readonly SkippedRegion[];
  /** End of the last intact record: a torn tail after it should be cut off before appending. */
  readonly validEnd: number;
}

const CHUNK_BYTES = 4 * 1024 * 1024;
/** Room in front of a prefetched chunk for the unread tail of the current one, so it can be joined without a re-read. */
const CARRY_BYTES = 256 * 1024;

async function readFully(handle: FileHandle, buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
  for (let filled = 0; filled < length; ) {
    const { bytesRead } = await handle.read(buffer, offset + filled, length - filled, position + filled);
    if (bytesRead === 0) throw new Error('The history file shrank while it was being read.');
    filled += bytesRead;
  }
  return length;
}

/**
 * A reusable read buffer over the file. Bodies are checksummed where they sit in it, never copied.
 * Lookups that hit the buffer stay synchronous: a promise per record would cost more than the parsing.
 * The next chunk is read while the current one is parsed.
 */
class ReadWindow {
  buffer = Buffer.allocUnsafe(CARRY_BYTES + CHUNK_BYTES);
  private spare = Buffer.allocUnsafe(CARRY_BYTES + CHUNK_BYTES);
  private origin = 0;
  private start = 0;
  private end = 0;
  /** A read of the chunk at `position` into `spare`, after `CARRY_BYTES`. */
  private ahead: { readonly position: number; readonly read: Promise<number> } | undefined;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  indexOf(position: number, length: number): number {
    return position >= this.start && position + length <= this.end ? this.origin + position - this.start : -1;
  }

  loadedFrom(position: number): number {
    return this.end - position;
  }

  async load(position: number, length: number): Promise<number> {
    const ahead = this.ahead;
    this.ahead = undefined;
    // `spare` must not be reused while a read into it is still in flight, even a read that goes unused.
    const prefetched = ahead ? await ahead.read.catch(() => -1) : -1;
    const carried = this.end - position;
    const joinable = ahead?.position === this.end && prefetched >= 0 && position >= this.start && carried >= 0 && carried <= CARRY_BYTES;
    if (joinable && carried + prefetched >= Math.min(length, this.size - position)) {
      const origin = CARRY_BYTES - carried;
      this.buffer.copy(this.spare, origin, this.indexOf(position, carried), this.origin + this.end - this.start);
      [this.buffer, this.spare] = [this.spare, this.buffer];
      this.setRange(origin, position, this.end + prefetched);
      return origin;
    }
    const wanted = Math.min(Math.max(length, CHUNK_BYTES), this.size - position);
    if (this.buffer.length < wanted) this.buffer = Buffer.allocUnsafe(Math.max(wanted, CARRY_BYTES + CHUNK_BYTES));
    await readFully(this.handle, this.buffer, 0, wanted, position);
    this.setRange(0, position, position + wanted);
    return 0;
  }

  /** Waits for a prefetch still in flight, so nothing touches the file after the scan. */
  async settle(): Promise<void> {
    await this.ahead?.read.catch(() => undefined);
    this.ahead = undefined;
  }

  private setRange(origin: number, start: number, end: number): void {
    this.origin = origin;
    this.start = start;
    this.end = end;
    if (end >= this.size) return;
    const read = readFully(this.handle, this.spare, CARRY_BYTES, Math.min(CHUNK_BYTES, this.size - end), end);
    read.catch(() => undefined);
    this.ahead = { position: end, read };
  }
}

/**
 * Reads every intact record of the log in order. Damage (a torn tail after a crash, garbage in the
 * middle) is stepped over by searching for the next magic whose header checksum holds, so one bad
 * record never costs the ones after it.
 */
export async function scanRecords<T>(
  handle: FileHandle,
  size: number,
  decode: (header: RecordHeader, metaText: string) => T | undefined,
): Promise<ScanResult<T>> {
  const window = new ReadWindow(handle, size);
  const records: ScannedRecord<T>[] = [];
  const skipped: SkippedRegion[] = [];
  let damagedFrom = -1;
  let position = 0;

  try {
    while (position < size) {
      let header: RecordHeader | undefined;
      let value: T | undefined;
      if (size - position >= HEADER_SIZE) {
        let at = window.indexOf(position, HEADER_SIZE);
        if (at < 0) at = await window.load(position, HEADER_SIZE);
        header = readHeader(window.buffer, at);
      }
      if (header && position + recordLength(header) <= size) {
        const read = readRecord(window, position, header, decode);
        value = read instanceof Promise ? await read : read;
      }
      if (header && value !== undefined) {
        if (damagedFrom >= 0) skipped.push({ offset: damagedFrom, length: position - damagedFrom });
        damagedFrom = -1;
        const length = recordLength(header);
        records.push({ offset: position, length, bodiesAt: HEADER_SIZE + header.metaLength, value });
        position += length;
      } else {
        if (damagedFrom < 0) damagedFrom = position;
        position = await nextMagic(window, position + 1);
      }
    }
  } finally {
    await window.settle();
  }
  if (damagedFrom >= 0) skipped.push({ offset: damagedFrom, length: size - damagedFrom });
  const last = records.at(-1);
  return { records, skipped, validEnd: last ? last.offset + last.length : 0 };
}

function readRecord<T>(
  window: ReadWindow,
  position: number,
  header: RecordHeader,
  decode: (header: RecordHeader, metaText: string) => T | undefined,
): T | undefined | Promise<T | undefined> {
  const dataStart = position + HEADER_SIZE;
  const dataLength = header.metaLength + header.bodiesLength;
  const at = window.indexOf(dataStart, dataLength);
  if (at < 0) return readRecordInParts(window, position, header, decode);
  if (crc32(window.buffer.subarray(at, at + dataLength)) !== header.dataCrc) return undefined;
  return decode(header, window.buffer.toString('utf8', at, at + header.metaLength));
}

/** The slow path for a record that straddles the read window or is larger than it. */
async function readRecordInParts<T>(
  window: ReadWindow,
  position: number,
  header: RecordHeader,
  decode: (header: RecordHeader, metaText: string) => T | undefined,
): Promise<T | undefined> {
  const metaStart = position + HEADER_SIZE;
  let at = window.indexOf(metaStart, header.metaLength);
  if (at < 0) at = await window.load(metaStart, header.metaLength);
  let crc = crc32(window.buffer.subarray(at, at + header.metaLength));
  const metaText = window.buffer.toString('utf8', at, at + header.metaLength);
  const end = position + recordLength(header);
  for (let next = metaStart + header.metaLength; next < end; ) {
    at = window.indexOf(next, 1);
    if (at < 0) at = await window.load(next, 1);
    const length = Math.min(end - next, window.loadedFrom(next));
    crc = crc32(window.buffer.subarray(at, at + length), crc);
    next += length;
  }
  return crc === header.dataCrc ? decode(header, metaText) : undefined;
}

async function nextMagic(window: ReadWindow, from: number): Promise<number> {
  let position = from;
  while (window.size - position >= RECORD_MAGIC.length) {
    const length = Math.min(CHUNK_BYTES, window.size - position);
    let at = window.indexOf(position, length);
    if (at < 0) at = await window.load(position, length);
    const found = window.buffer.subarray(at, at + length).indexOf(RECORD_MAGIC);
    if (found >= 0) return position + found;
    // Overlap the next read so a magic split across two reads is still seen.
    position += length - (RECORD_MAGIC.length - 1);
  }
  return window.size;
}
