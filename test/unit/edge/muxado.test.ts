import assert from 'node:assert/strict';
import { dataFrame, ErrorCode, Flag, FrameDecoder, FrameError, FrameType, goAwayFrame, rstFrame, wndIncFrame } from '../../edge/muxadoFrame';
import type { Frame } from '../../edge/muxadoFrame';
import { DEFAULT_WINDOW, MuxadoStream } from '../../edge/muxadoStream';
import type { StreamHost } from '../../edge/muxadoStream';

/** A session stand-in that decodes what the stream writes. */
class FakeHost implements StreamHost {
  readonly frames: Frame[] = [];
  alive = true;
  forgotten = false;
  private readonly decoder = new FrameDecoder();
  writeFrame(frame: Buffer): boolean {
    this.frames.push(...this.decoder.push(frame));
    return true;
  }
  whenDrained(callback: () => void): void {
    callback();
  }
  forget(): void {
    this.forgotten = true;
  }
  take(): Frame[] {
    return this.frames.splice(0);
  }
}

const wndIncs = (frames: Frame[]) => frames.filter((f) => f.type === FrameType.WndInc).map((f) => f.body.readUInt32BE(0));
const dataBytes = (frames: Frame[]) => frames.filter((f) => f.type === FrameType.Data).reduce((n, f) => n + f.body.length, 0);
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('muxado frames', () => {
  it('encodes the 8-byte header as the SDK does (u24 length, type<<4|flags, stream id)', () => {
    assert.deepEqual([...dataFrame(3, Buffer.from('hi'), Flag.Syn | Flag.Fin)], [0, 0, 2, 0x13, 0, 0, 0, 3, 0x68, 0x69]);
    assert.deepEqual([...wndIncFrame(2, 0x40000)], [0, 0, 4, 0x20, 0, 0, 0, 2, 0, 4, 0, 0]);
    assert.deepEqual([...rstFrame(5, ErrorCode.FlowControl)], [0, 0, 4, 0x00, 0, 0, 0, 5, 0, 0, 0, 3]);
    assert.deepEqual([...goAwayFrame(7, ErrorCode.None, 'x')], [0, 0, 9, 0x30, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0x78]);
  });

  it('decodes frames split anywhere and several per chunk', () => {
    const bytes = Buffer.concat([dataFrame(3, Buffer.from('hello'), Flag.Syn), wndIncFrame(3, 5), rstFrame(3, 4)]);
    for (let split = 0; split <= bytes.length; split++) {
      const decoder = new FrameDecoder();
      const frames = [...decoder.push(bytes.subarray(0, split)), ...decoder.push(bytes.subarray(split))];
      assert.deepEqual(
        frames.map((f) => [f.type, f.flags, f.streamId, f.body.toString('hex')]),
        [
          [FrameType.Data, Flag.Syn, 3, Buffer.from('hello').toString('hex')],
          [FrameType.WndInc, 0, 3, '00000005'],
          [FrameType.Rst, 0, 3, '00000004'],
        ],
      );
    }
  });

  it('rejects what the SDK would reject: unknown types, bad lengths, wrong stream ids', () => {
    const bad = (bytes: number[]) => assert.throws(() => new FrameDecoder().push(Buffer.from(bytes)), FrameError);
    bad([0, 0, 0, 0x40, 0, 0, 0, 1]); // type 4
    bad([0, 0, 2, 0x20, 0, 0, 0, 1, 0, 0]); // WNDINC with 2 bytes
    bad([0, 0, 0, 0x10, 0, 0, 0, 0]); // DATA on stream 0
    bad([0, 0, 0, 0x30, 0, 0, 0, 0]); // the SDK's own broken GOAWAY (length 0)
  });
});

describe('muxado stream flow control', () => {
  it('sends at most the window, then resumes on WNDINC; the first frame carries SYN', async () => {
    const host = new FakeHost();
    const stream = new MuxadoStream(host, 2, { window: DEFAULT_WINDOW, openedLocally: true });
    const total = DEFAULT_WINDOW + 100_000;
    let written = false;
    stream.write(Buffer.alloc(total, 1), () => (written = true));
    await tick();
    let frames = host.take();
    assert.equal(frames[0]?.flags, Flag.Syn);
    assert.ok(frames.slice(1).every((f) => f.flags === 0));
    assert.equal(dataBytes(frames), DEFAULT_WINDOW);
    assert.equal(written, false);
    stream.receiveWndInc(60_000);
    frames = host.take();
    assert.equal(dataBytes(frames), 60_000);
    stream.receiveWndInc(1_000_000);
    await tick();
    assert.equal(dataBytes(host.take()), 40_000);
    assert.equal(written, true);
    stream.end();
    await tick();
    assert.deepEqual(host.take().map((f) => [f.type, f.flags, f.body.length]), [[FrameType.Data, Flag.Fin, 0]]);
  });

  it('credits received data at once while the reader keeps up, and only when it reads otherwise', async () => {
    const host = new FakeHost();
    const stream = new MuxadoStream(host, 3, { window: DEFAULT_WINDOW, openedLocally: false });
    stream.receiveData(Buffer.alloc(1000), Flag.Syn);
    assert.deepEqual(wndIncs(host.take()), [1000], 'below the high-water mark: credited at once');
    stream.receiveData(Buffer.alloc(100_000), 0);
    assert.deepEqual(wndIncs(host.take()), [], 'over the high-water mark and nobody reading: held back');
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    await tick();
    assert.deepEqual(wndIncs(host.take()), [100_000]);
    assert.equal(Buffer.concat(chunks).length, 101_000);
  });

  it('resets a peer that overruns the window, and answers RST by closing', async () => {
    const host = new FakeHost();
    const stream = new MuxadoStream(host, 3, { window: 10, openedLocally: false });
    stream.receiveData(Buffer.alloc(11), 0);
    assert.deepEqual(host.take().map((f) => [f.type, f.body.readUInt32BE(0)]), [[FrameType.Rst, ErrorCode.FlowControl]]);
    await tick();
    assert.equal(stream.destroyed, true);
    assert.equal(host.forgotten, true);

    const other = new MuxadoStream(host, 5, { window: 10, openedLocally: false });
    other.receiveRst(ErrorCode.StreamCancelled);
    await tick();
    assert.equal(other.destroyed, true);
    assert.equal(other.resetByPeer, ErrorCode.StreamCancelled);
    assert.deepEqual(host.take(), [], 'no RST back for an RST');
  });

  it('FIN both ways finishes the stream without an RST', async () => {
    const host = new FakeHost();
    const stream = new MuxadoStream(host, 3, { window: DEFAULT_WINDOW, openedLocally: false });
    stream.resume();
    stream.receiveData(Buffer.from('x'), Flag.Syn | Flag.Fin);
    stream.end();
    await tick();
    stream.destroy();
    assert.ok(host.take().every((f) => f.type !== FrameType.Rst));
    assert.equal(stream.finished, true);
  });
});
