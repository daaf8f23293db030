// muxado frames as the SDK (muxado 0.5.3) writes them: an 8-byte big-endian header
// (u24 length, type nibble, flags nibble, u32 stream id with the top bit masked) and a body.

export const FrameType = { Rst: 0, Data: 1, WndInc: 2, GoAway: 3 } as const;
export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];

/** Flags in the low nibble. (muxado's PROTOCOL.md says SYN is 0x10; the code, and the SDK, use 0x2.) */
export const Flag = { Fin: 0x1, Syn: 0x2 } as const;

export const ErrorCode = {
  None: 0,
  Protocol: 1,
  Internal: 2,
  FlowControl: 3,
  StreamClosed: 4,
  StreamRefused: 5,
  StreamCancelled: 6,
  StreamReset: 7,
  FrameSize: 8,
  AcceptQueueFull: 9,
  EnhanceYourCalm: 10,
  RemoteGoneAway: 11,
  StreamsExhausted: 12,
  WriteTimeout: 13,
  SessionClosed: 14,
  PeerEOF: 15,
} as const;

export const HEADER_BYTES = 8;
export const MAX_FRAME_BODY = 0xffffff;
export const MAX_STREAM_ID = 0x7fffffff;

export interface Frame {
  readonly type: FrameTypeCode;
  readonly flags: number;
  readonly streamId: number;
  readonly body: Buffer;
}

export class FrameError extends Error {
  constructor(
    message: string,
    readonly code: number = ErrorCode.Protocol,
  ) {
    super(message);
  }
}

function header(type: FrameTypeCode, flags: number, streamId: number, length: number): Buffer {
  if (length > MAX_FRAME_BODY) throw new FrameError(`frame body of ${length} bytes is over the u24 limit`, ErrorCode.FrameSize);
  const head = Buffer.alloc(HEADER_BYTES);
  head.writeUInt32BE(((length << 8) | ((type & 0xf) << 4) | (flags & 0xf)) >>> 0, 0);
  head.writeUInt32BE(streamId & MAX_STREAM_ID, 4);
  return head;
}

export function dataFrame(streamId: number, payload: Buffer, flags = 0): Buffer {
  return Buffer.concat([header(FrameType.Data, flags, streamId, payload.length), payload]);
}

export function wndIncFrame(streamId: number, increment: number): Buffer {
  const body = Buffer.alloc(4);
  body.writeUInt32BE(increment & MAX_STREAM_ID, 0);
  return Buffer.concat([header(FrameType.WndInc, 0, streamId, 4), body]);
}

export function rstFrame(streamId: number, code: number): Buffer {
  const body = Buffer.alloc(4);
  body.writeUInt32BE(code >>> 0, 0);
  return Buffer.concat([header(FrameType.Rst, 0, streamId, 4), body]);
}

export function goAwayFrame(lastStreamId: number, code: number, message = ''): Buffer {
  const text = Buffer.from(message, 'utf8');
  const body = Buffer.alloc(8 + text.length);
  body.writeUInt32BE(lastStreamId & MAX_STREAM_ID, 0);
  body.writeUInt32BE(code >>> 0, 4);
  text.copy(body, 8);
  return Buffer.concat([header(FrameType.GoAway, 0, 0, body.length), body]);
}

function validate(frame: Frame): void {
  const { type, streamId, body } = frame;
  switch (type) {
    case FrameType.Rst:
    case FrameType.WndInc:
      if (streamId === 0) throw new FrameError(`frame type ${type} on stream 0`);
      if (body.length !== 4) throw new FrameError(`frame type ${type} with length ${body.length}, expected 4`, ErrorCode.FrameSize);
      return;
    case FrameType.Data:
      if (streamId === 0) throw new FrameError('DATA on stream 0');
      return;
    case FrameType.GoAway:
      if (streamId !== 0) throw new FrameError('GOAWAY on a non-zero stream');
      if (body.length < 8) throw new FrameError(`GOAWAY with length ${body.length}, expected at least 8`, ErrorCode.FrameSize);
      return;
  }
}

/** Incremental decoder: feed it socket bytes, get whole frames. Throws FrameError on a protocol violation. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER_BYTES) {
      const word = this.pending.readUInt32BE(offset);
      const length = word >>> 8;
      if (this.pending.length - offset < HEADER_BYTES + length) break;
      const typeCode = (word >>> 4) & 0xf;
      if (typeCode > FrameType.GoAway) throw new FrameError(`invalid frame type ${typeCode}`);
      const frame: Frame = {
        type: typeCode as FrameTypeCode,
        flags: word & 0xf,
        streamId: this.pending.readUInt32BE(offset + 4) & MAX_STREAM_ID,
        body: this.pending.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length),
      };
      validate(frame);
      frames.push(frame);
      offset += HEADER_BYTES + length;
    }
    this.pending = offset === 0 ? this.pending : Buffer.from(this.pending.subarray(offset));
    return frames;
  }
}

export function describeFrame(frame: Frame): string {
  const names = ['RST', 'DATA', 'WNDINC', 'GOAWAY'];
  const flags = [(frame.flags & Flag.Syn) !== 0 ? 'SYN' : '', (frame.flags & Flag.Fin) !== 0 ? 'FIN' : ''].filter(Boolean).join('|');
  return `${names[frame.type] ?? frame.type}#${frame.streamId}${flags ? `[${flags}]` : ''}(${frame.body.length})`;
}
