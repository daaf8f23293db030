import type { FileHandle } from 'node:fs/promises';
import { ChunkReader } from './chunkReader';
import type { ScanBuffers } from './chunkReader';
import { HEADER_SIZE, isIntact, RECORD_MAGIC, readHeader, readUncommittedHeader, RecordKind, recordLength } from './recordCodec';
import type { RecordHeader } from './recordCodec';

export interface SkippedRegion {
  readonly offset: number;
  readonly length: number;
}

export interface ScanResult {
  readonly skipped: readonly SkippedRegion[];
  /** End of the last intact record: a torn tail after it should be cut off before appending. */
  readonly validEnd: number;
  /** The file's generation (see recordCodec.ts): that of its segment record, 0 when it has none. */
  readonly generation: number;
  /** The kind of the file's first record, when it is intact. */
  readonly firstKind?: RecordKind;
  /** Where the leftovers of the file's earlier use start: not damage, and not part of the log. */
  readonly leftoverFrom?: number;
}

/** What the scan has learnt of the file so far. */
interface ScanState {
  /** Set by a segment record at offset 0: the file was reused, and only records of this generation are its own. */
  generation?: number;
  firstKind?: RecordKind;
}

/**
 * Takes a record whose header and metadata passed the checksum, the metadata being the
 * `header.metaLength` bytes at `metaAt` in `buffer` (reused afterwards: copy what must outlive the call),
 * and the record starting at `offset` in the file. Returns false when the content does not make sense,
 * which counts the record as damaged.
 */
export type RecordVisitor = (header: RecordHeader, buffer: Buffer, metaAt: number, offset: number) => boolean;

/**
 * Hands every intact record of one log file to `visit`, in order. Only headers and metadata are read
 * and checked: a record is whole when its checksum holds and its bodies fit in the file (see
 * recordCodec.ts), so large bodies are skipped unread. Damage (a torn tail after a crash, garbage in
 * the middle) is stepped over by searching for the next magic whose checksum holds, so one bad record
 * never costs the ones after it. A reused file (one that starts with a segment record) is different: it
 * ends at the first thing that is not one of its own records, as what follows is the file's earlier
 * content (damage inside it loses the rest of that file). Records are visited as they are read, so nothing per record is kept
 * here: building a list first would keep every record alive until the end, through several collections.
 */
export async function scanRecords(handle: FileHandle, size: number, visit: RecordVisitor, buffers: ScanBuffers): Promise<ScanResult> {
  const reader = new ChunkReader(handle, size, buffers);
  const state: ScanState = {};
  const skipped: SkippedRegion[] = [];
  let damagedFrom = -1;
  let leftoverFrom: number | undefined;
  let validEnd = 0;
  let position = 0;

  try {
    while (position < size) {
      let length = size - position >= HEADER_SIZE ? recordAt(reader, position, visit, state) : 0;
      while (length < 0) {
        await reader.load(position, -length);
        length = recordAt(reader, position, visit, state);
      }
      if (length > 0) {
        if (damagedFrom >= 0) skipped.push({ offset: damagedFrom, length: position - damagedFrom });
        damagedFrom = -1;
        position += length;
        validEnd = position;
      } else if (state.generation !== undefined) {
        // A reused file ends at the first thing that is not one of its records: a batch whose writing never
        // finished (reported), then the file's old content (not part of the log).
        const torn = await uncommittedLength(reader, position, state.generation);
        if (torn > 0) skipped.push({ offset: position, length: torn });
        leftoverFrom = position + torn;
        break;
      } else {
        if (damagedFrom < 0) damagedFrom = position;
        position = await nextMagic(reader, position + 1);
      }
    }
  } finally {
    await reader.settle();
  }
  if (damagedFrom >= 0) skipped.push({ offset: damagedFrom, length: size - damagedFrom });
  return {
    skipped,
    validEnd,
    generation: state.generation ?? 0,
    ...(state.firstKind === undefined ? {} : { firstKind: state.firstKind }),
    ...(leftoverFrom === undefined || leftoverFrom >= size ? {} : { leftoverFrom }),
  };
}

/**
 * How many bytes at `position` belong to a batch of `generation` that was being written when the process
 * died (see recordCodec.ts): its first record's header and metadata are whole but its magic is still
 * zero. 0 when there is none, which makes `position` the start of the file's old content.
 */
async function uncommittedLength(reader: ChunkReader, position: number, generation: number): Promise<number> {
  if (reader.size - position < HEADER_SIZE) return 0;
  let at = reader.indexOf(position, HEADER_SIZE);
  if (at < 0) at = await reader.load(position, HEADER_SIZE);
  const header = readUncommittedHeader(reader.buffer, at);
  if (!header || header.generation !== generation) return 0;
  const headLength = HEADER_SIZE + header.metaLength;
  if (reader.size - position < headLength) return 0;
  at = reader.indexOf(position, headLength);
  if (at < 0) at = await reader.load(position, headLength);
  if (!isIntact(reader.buffer, at, header)) return 0;
  return Math.min(recordLength(header), reader.size - position);
}

/**
 * The length of the record at `position` once visited, 0 when there is none, or minus how many bytes
 * from `position` must be loaded before it can tell. Synchronous, so the common case (the record is in
 * the chunk) costs no promise.
 */
function recordAt(reader: ChunkReader, position: number, visit: RecordVisitor, state: ScanState): number {
  let at = reader.indexOf(position, HEADER_SIZE);
  if (at < 0) return -HEADER_SIZE;
  const header = readHeader(reader.buffer, at);
  if (!header || position + recordLength(header) > reader.size) return 0;
  const headLength = HEADER_SIZE + header.metaLength;
  at = reader.indexOf(position, headLength);
  if (at < 0) return -headLength;
  if (!isIntact(reader.buffer, at, header)) return 0;
  if (position === 0) {
    state.firstKind = header.kind;
    if (header.kind === RecordKind.segment) state.generation = header.generation;
  } else if (state.generation !== undefined && header.generation !== state.generation) {
    return 0;
  }
  if (!visit(header, reader.buffer, at + HEADER_SIZE, position)) return 0;
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
