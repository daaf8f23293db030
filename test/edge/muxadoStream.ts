// One muxado stream as a Node Duplex, with muxado's per-stream flow control:
// - send side: at most `window` unacknowledged bytes; the peer's WNDINC frames open it again;
// - receive side: every byte the peer sends is credited back with WNDINC once our reader takes it
//   (at once while the readable buffer is below its high-water mark, otherwise on the next _read),
//   so a slow public client slows the agent down instead of growing our buffers.
import { Duplex } from 'node:stream';
import { ErrorCode, Flag, dataFrame, rstFrame, wndIncFrame } from './muxadoFrame';

export const DEFAULT_WINDOW = 0x40000; // 256 KiB, fixed by muxado, no negotiation
/** Largest DATA payload we write in one frame. */
export const MAX_DATA_FRAME = 0x10000;

/** What a stream needs from its session. */
export interface StreamHost {
  /** Writes one encoded frame; false when the transport wants the writer to wait for drain. */
  writeFrame(frame: Buffer): boolean;
  /** Calls back once the transport has drained (or never, if it closes). */
  whenDrained(callback: () => void): void;
  /** The stream is finished in both directions or destroyed: drop it from the table. */
  forget(stream: MuxadoStream): void;
  readonly alive: boolean;
}

interface BlockedWrite {
  readonly chunk: Buffer;
  offset: number;
  readonly callback: (error?: Error | null) => void;
}

export class MuxadoStream extends Duplex {
  /** The RST code the peer closed this stream with, if it did. */
  resetByPeer: number | null = null;
  private sendWindow: number;
  private receiveWindow: number;
  private uncredited = 0;
  private synPending: boolean;
  private localFin = false;
  private remoteFin = false;
  private blocked: BlockedWrite | null = null;
  private rstSent = false;

  constructor(
    private readonly host: StreamHost,
    readonly id: number,
    options: { readonly window: number; readonly openedLocally: boolean },
  ) {
    super({ allowHalfOpen: true });
    this.sendWindow = options.window;
    this.receiveWindow = options.window;
    this.synPending = options.openedLocally;
  }

  /** Bytes we may still send before the peer's next WNDINC. */
  get availableSendWindow(): number {
    return this.sendWindow;
  }

  get finished(): boolean {
    return this.localFin && this.remoteFin;
  }

  // ---- frames from the session ----

  /** A DATA frame for this stream (SYN already handled by the session). */
  receiveData(payload: Buffer, flags: number): void {
    if (this.destroyed) return;
    if (payload.length > 0) {
      if (this.remoteFin) return this.reset(ErrorCode.StreamClosed);
      if (payload.length > this.receiveWindow) return this.reset(ErrorCode.FlowControl);
      this.receiveWindow -= payload.length;
      if (this.push(payload)) this.credit(payload.length);
      else this.uncredited += payload.length;
    }
    if ((flags & Flag.Fin) !== 0 && !this.remoteFin) {
      this.remoteFin = true;
      this.push(null);
      if (this.finished) this.host.forget(this);
    }
  }

  receiveWndInc(increment: number): void {
    this.sendWindow += increment;
    this.pump();
  }

  receiveRst(code: number): void {
    this.resetByPeer = code;
    this.destroy();
  }

  /** Closes the stream abruptly with RST(code). */
  reset(code: number = ErrorCode.StreamCancelled): void {
    if (this.destroyed) return;
    this.sendRst(code);
    this.destroy();
  }

  // ---- Duplex plumbing ----

  override _read(): void {
    if (this.uncredited > 0) {
      const amount = this.uncredited;
      this.uncredited = 0;
      this.credit(amount);
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.blocked = { chunk, offset: 0, callback };
    this.pump();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.host.alive && !this.localFin) {
      this.host.writeFrame(dataFrame(this.id, Buffer.alloc(0), Flag.Fin | this.takeSyn()));
    }
    this.localFin = true;
    if (this.finished) this.host.forget(this);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.sendRst(ErrorCode.StreamCancelled);
    this.blocked = null;
    this.host.forget(this);
    callback(error);
  }

  private sendRst(code: number): void {
    if (this.rstSent || this.finished || this.resetByPeer !== null || !this.host.alive) return;
    this.rstSent = true;
    this.host.writeFrame(rstFrame(this.id, code));
  }

  private takeSyn(): number {
    if (!this.synPending) return 0;
    this.synPending = false;
    return Flag.Syn;
  }

  private credit(amount: number): void {
    this.receiveWindow += amount;
    if (this.host.alive && !this.destroyed) this.host.writeFrame(wndIncFrame(this.id, amount));
  }

  /** Sends as much of the blocked write as the window allows. */
  private pump(): void {
    const blocked = this.blocked;
    if (!blocked) return;
    if (!this.host.alive) {
      this.blocked = null;
      blocked.callback(new Error('muxado session closed'));
      return;
    }
    let drained = true;
    while (blocked.offset < blocked.chunk.length && this.sendWindow > 0) {
      const size = Math.min(blocked.chunk.length - blocked.offset, this.sendWindow, MAX_DATA_FRAME);
      drained = this.host.writeFrame(dataFrame(this.id, blocked.chunk.subarray(blocked.offset, blocked.offset + size), this.takeSyn()));
      blocked.offset += size;
      this.sendWindow -= size;
    }
    if (blocked.offset < blocked.chunk.length) return; // wait for WNDINC
    this.blocked = null;
    if (drained) blocked.callback();
    else this.host.whenDrained(() => blocked.callback());
  }
}
