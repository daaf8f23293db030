import { crc32 } from 'node:zlib';

/*
 * One record of the history log. Each stands alone, so a reader can verify it, skip it, or find the
 * next one after damage without any index. Integers are little-endian:
 *
 *   magic (4) | crc u32 | kind u8 | generation u24 | metaLength u32 | bodiesLength u32 | seq f64
 *   | liveFrom f64 | meta (ASCII, metaLength bytes) | bodies (raw, bodiesLength bytes)
 *
 * `generation` tells a file's records from the leftovers of its earlier use: log files are reused rather
 * than deleted and created anew (see HistoryLog), and a reused file starts with a `segment` record naming
 * its new generation, every record written into it carries that generation, and a reader stops at the
 * first thing that is not one of them. Files that were never reused are generation 0, as every file
 * written before generations existed.
 *
 * A reused file also changes how a write is made safe. In a new file, a write cut short by a kill leaves
 * the file shorter than the record says, which the reader sees. In a reused file the old content fills
 * the gap, so a record's metadata could land whole while its bodies end in someone else's bytes. So
 * there a batch is written with its first magic zeroed, and the magic is written once the rest is in
 * the file: a batch the process died inside has no magic, and the reader stops at it (reporting it when
 * its header is whole: `readUncommittedHeader`).
 *
 * `crc` covers everything after it up to the end of the metadata: one checksum per record, which the
 * loader computes for every record. A damaged length fails it like anything else, at the price of
 * reading the (bounded) metadata it claims before knowing. `seq` numbers exchanges in the order they
 * were recorded (0 on other kinds); `liveFrom` is the lowest `seq` still in the history when the record
 * was queued, so evicting the oldest entries needs no record of its own.
 *
 * The bodies carry no checksum, on purpose. What the log must survive is a process killed mid-write,
 * and such a write only ever leaves the file shorter than the record's (checksummed) lengths say, which
 * the reader sees without looking at the bodies. A checksum over them would cost ~45 µs per 256 KB on
 * the capture path, as much again on every load, and a load would have to read every body. What goes
 * undetected is a body damaged in place under intact metadata (a bad sector the OS does not report, a
 * stray write by another program, or zeros a power cut leaves in the last records on file systems that
 * expose unwritten blocks): reading that exchange back returns the damaged bytes. For a debugging aid
 * that keeps recent webhooks, that is an acceptable trade for recording at close to pass-through cost.
 */

/** 'WHT' plus a non-ASCII byte that doubles as the format version; bumping it makes old readers skip new records. */
export const RECORD_MAGIC: Buffer = Buffer.from([0x57, 0x48, 0x54, 0xe2]);
/** The magic as one little-endian word: the loader checks it once per record. */
const MAGIC_WORD = RECORD_MAGIC.readUInt32LE(0);
/** What a batch in a reused file starts with until all of it is written. */
export const UNCOMMITTED_MAGIC: Buffer = Buffer.alloc(RECORD_MAGIC.length);
export const HEADER_SIZE = 36;
const CRC_AT = 4;
const CHECKED_FROM = 8;
/** Far above any real metadata; a bound keeps a forged-but-valid header from asking for gigabytes. */
export const MAX_META_BYTES = 16 * 1024 * 1024;
const MAX_UINT32 = 0xffff_ffff;
const KIND_AT = 8;
const GENERATION_AT = 9;
export const MAX_GENERATION = 0xff_ffff;

/**
 * `base` says "everything before me is gone": it heads a compacted log, so leftovers of the old one are
 * ignored. `segment` heads a reused file and only carries its generation.
 */
export const RecordKind = { exchange: 1, tombstone: 2, base: 3, segment: 4 } as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

export interface RecordStamp {
  readonly seq: number;
  readonly liveFrom: number;
}

export interface RecordHeader extends RecordStamp {
  readonly kind: RecordKind;
  readonly generation: number;
  readonly metaLength: number;
  readonly bodiesLength: number;
  readonly crc: number;
}

/** A record ready to be written: the chunks are written in order, bodies are never copied. */
export interface EncodedRecord {
  readonly chunks: readonly Buffer[];
  readonly length: number;
  readonly bodiesAt: number;
}

export function recordLength(header: RecordHeader): number {
  return HEADER_SIZE + header.metaLength + header.bodiesLength;
}

/** The size of the head (header and metadata) of a record with this metadata; throws when it is too large. */
export function recordHeadSize(meta: string): number {
  if (meta.length > MAX_META_BYTES) throw new RangeError(`History record metadata is too large (${meta.length} bytes).`);
  return HEADER_SIZE + meta.length;
}

/**
 * Lays a record out; `stampRecord`, then `sealRecord`, must follow before it is written. `meta` must be
 * ASCII (see exchangeMeta.ts), so it is copied byte for byte with no encoding pass. The head is written
 * into `into` when given (`recordHeadSize(meta)` bytes), into a new buffer otherwise.
 */
export function encodeRecord(kind: RecordKind, meta: string, bodies: readonly Buffer[], into?: Buffer): EncodedRecord {
  const metaLength = meta.length;
  const headSize = recordHeadSize(meta);
  const head = into ?? Buffer.allocUnsafe(headSize);
  if (head.length !== headSize) throw new RangeError(`A record head for ${metaLength} bytes of metadata needs ${headSize} bytes, got ${head.length}.`);
  head.write(meta, HEADER_SIZE, 'latin1');
  let bodiesLength = 0;
  const chunks: Buffer[] = [head];
  for (const body of bodies) {
    if (body.length === 0) continue;
    bodiesLength += body.length;
    chunks.push(body);
  }
  if (bodiesLength > MAX_UINT32) throw new RangeError(`History record bodies are too large (${bodiesLength} bytes).`);
  RECORD_MAGIC.copy(head, 0);
  // Kind and generation 0 as one word; `sealRecord` sets the generation of the file it lands in.
  head.writeUInt32LE(kind, KIND_AT);
  head.writeUInt32LE(metaLength, 12);
  head.writeUInt32LE(bodiesLength, 16);
  return { chunks, length: head.length + bodiesLength, bodiesAt: HEADER_SIZE + metaLength };
}

/** Sets seq and liveFrom. Separate because the store learns liveFrom only after encoding, which can throw. */
export function stampRecord(record: EncodedRecord, stamp: RecordStamp): EncodedRecord {
  const head = record.chunks[0]!;
  head.writeDoubleLE(stamp.seq, 20);
  head.writeDoubleLE(stamp.liveFrom, 28);
  return record;
}

/**
 * Sets the generation of the file the record is written into and the checksum, which covers it: done
 * once, after `stampRecord`, where the record's file is known (buildBatch, HistoryLog, the segment record).
 */
export function sealRecord(record: EncodedRecord, generation: number): EncodedRecord {
  const head = record.chunks[0]!;
  head.writeUIntLE(generation, GENERATION_AT, 3);
  head.writeUInt32LE(crc32(head.subarray(CHECKED_FROM)), CRC_AT);
  return record;
}

function isRecordKind(value: number): value is RecordKind {
  return value === RecordKind.exchange || value === RecordKind.tombstone || value === RecordKind.base || value === RecordKind.segment;
}

/** The header at `at`, unverified until `isIntact` (which needs the metadata too); undefined when it is not one. */
export function readHeader(buffer: Buffer, at: number): RecordHeader | undefined {
  if (buffer.length - at < HEADER_SIZE || buffer.readUInt32LE(at) !== MAGIC_WORD) return undefined;
  return headerAfterMagic(buffer, at);
}

/** The header at `at` of a batch whose writing never finished (its magic still zero), or undefined. */
export function readUncommittedHeader(buffer: Buffer, at: number): RecordHeader | undefined {
  if (buffer.length - at < HEADER_SIZE || buffer.readUInt32LE(at) !== 0) return undefined;
  return headerAfterMagic(buffer, at);
}

function headerAfterMagic(buffer: Buffer, at: number): RecordHeader | undefined {
  const kind = buffer[at + KIND_AT]!;
  const metaLength = buffer.readUInt32LE(at + 12);
  if (!isRecordKind(kind) || metaLength > MAX_META_BYTES) return undefined;
  return {
    kind,
    generation: buffer.readUIntLE(at + GENERATION_AT, 3),
    metaLength,
    bodiesLength: buffer.readUInt32LE(at + 16),
    seq: buffer.readDoubleLE(at + 20),
    liveFrom: buffer.readDoubleLE(at + 28),
    crc: buffer.readUInt32LE(at + CRC_AT),
  };
}

/** Whether the header at `at` and the metadata after it pass the checksum. */
export function isIntact(buffer: Buffer, at: number, header: RecordHeader): boolean {
  return crc32(buffer.subarray(at + CHECKED_FROM, at + HEADER_SIZE + header.metaLength)) === header.crc;
}

/** Whether a record read back whole still has its header and metadata; see above for why bodies are not checked. */
export function isIntactRecord(record: Buffer): boolean {
  const header = readHeader(record, 0);
  return header !== undefined && recordLength(header) === record.length && isIntact(record, 0, header);
}
