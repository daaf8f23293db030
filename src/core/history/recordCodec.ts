import { crc32 } from 'node:zlib';

/*
 * One record of the history log. Each stands alone, so a reader can verify it, skip it, or find the
 * next one after damage without any index. Integers are little-endian:
 *
 *   magic (4) | kind u8 | reserved (3) | metaLength u32 | bodiesLength u32 | dataCrc u32 | headerCrc u32
 *   | meta (UTF-8 JSON, metaLength bytes) | bodies (raw, bodiesLength bytes)
 *
 * `headerCrc` covers the 20 bytes before it, so the lengths are trusted before anything past the
 * header is read; `dataCrc` covers meta and bodies.
 */

/** 'WHT' plus a non-ASCII byte that doubles as the format version; bumping it makes old readers skip new records. */
export const RECORD_MAGIC: Buffer = Buffer.from([0x57, 0x48, 0x54, 0xe1]);
export const HEADER_SIZE = 24;
/** Far above any real metadata; a bound keeps a forged-but-valid header from asking for gigabytes. */
export const MAX_META_BYTES = 16 * 1024 * 1024;
const MAX_UINT32 = 0xffff_ffff;

export const RecordKind = { exchange: 1, tombstone: 2 } as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

export interface RecordHeader {
  readonly kind: RecordKind;
  readonly metaLength: number;
  readonly bodiesLength: number;
  readonly dataCrc: number;
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

export function encodeRecord(kind: RecordKind, meta: string, bodies: readonly Buffer[]): EncodedRecord {
  const metaLength = Buffer.byteLength(meta, 'utf8');
  if (metaLength > MAX_META_BYTES) throw new RangeError(`History record metadata is too large (${metaLength} bytes).`);
  const head = Buffer.allocUnsafe(HEADER_SIZE + metaLength);
  head.write(meta, HEADER_SIZE, 'utf8');
  let dataCrc = crc32(head.subarray(HEADER_SIZE));
  let bodiesLength = 0;
  const chunks: Buffer[] = [head];
  for (const body of bodies) {
    if (body.length === 0) continue;
    dataCrc = crc32(body, dataCrc);
    bodiesLength += body.length;
    chunks.push(body);
  }
  if (bodiesLength > MAX_UINT32) throw new RangeError(`History record bodies are too large (${bodiesLength} bytes).`);
  RECORD_MAGIC.copy(head, 0);
  head.writeUInt32LE(kind, 4);
  head.writeUInt32LE(metaLength, 8);
  head.writeUInt32LE(bodiesLength, 12);
  head.writeUInt32LE(dataCrc, 16);
  head.writeUInt32LE(crc32(head.subarray(0, 20)), 20);
  return { chunks, length: head.length + bodiesLength, bodiesAt: HEADER_SIZE + metaLength };
}

function isRecordKind(value: number): value is RecordKind {
  return value === RecordKind.exchange || value === RecordKind.tombstone;
}

export function readHeader(buffer: Buffer, at: number): RecordHeader | undefined {
  if (buffer.length - at < HEADER_SIZE) return undefined;
  for (let i = 0; i < RECORD_MAGIC.length; i++) {
    if (buffer[at + i] !== RECORD_MAGIC[i]) return undefined;
  }
  if (crc32(buffer.subarray(at, at + 20)) !== buffer.readUInt32LE(at + 20)) return undefined;
  // Kind and the reserved bytes are read as one word so unknown flags also count as "not ours".
  const kind = buffer.readUInt32LE(at + 4);
  const metaLength = buffer.readUInt32LE(at + 8);
  if (!isRecordKind(kind) || metaLength > MAX_META_BYTES) return undefined;
  return { kind, metaLength, bodiesLength: buffer.readUInt32LE(at + 12), dataCrc: buffer.readUInt32LE(at + 16) };
}

export function isIntactRecord(record: Buffer): boolean {
  const header = readHeader(record, 0);
  return header !== undefined && recordLength(header) === record.length && crc32(record.subarray(HEADER_SIZE)) === header.dataCrc;
}
