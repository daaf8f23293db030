import assert from 'node:assert/strict';
import { parseRequestHead, parseResponseHead } from '../../../src/core/capture/httpHead';
import type { HeadError } from '../../../src/core/capture/httpHead';
import type { BodyFraming } from '../../../src/core/capture/messageFramer';
import { MAX_HEAD_BYTES, MessageFramer } from '../../../src/core/capture/messageFramer';
import { requestFraming, responseFraming } from '../../../src/core/capture/wireHeads';

interface Seen {
  heads: string[];
  payloads: Buffer[];
  /** Every byte handed on (heads and wire), in order: must equal the input. */
  forwarded: Buffer[];
  ends: number;
  errors: HeadError[];
}

function follow(chunks: readonly Buffer[], frame: (head: string) => BodyFraming | 'hold', finish = false): Seen {
  const seen: Seen = { heads: [], payloads: [], forwarded: [], ends: 0, errors: [] };
  let payload: Buffer[] = [];
  const framer = new MessageFramer({
    onHead: (text, wire) => {
      seen.heads.push(text);
      seen.forwarded.push(wire);
      return frame(text);
    },
    onWire: (bytes) => seen.forwarded.push(bytes),
    onPayload: (bytes) => payload.push(bytes),
    onEnd: () => {
      seen.ends++;
      seen.payloads.push(Buffer.concat(payload));
      payload = [];
    },
    onMalformed: (error) => seen.errors.push(error),
  });
  for (const chunk of chunks) framer.push(chunk);
  if (finish) framer.finish();
  return seen;
}

const asRequest = (text: string): BodyFraming => requestFraming(parseRequestHead(text));

/** Splits bytes at every position into two pieces, and into single bytes. */
function splits(bytes: Buffer): Buffer[][] {
  const ways: Buffer[][] = [[...bytes].map((byte) => Buffer.from([byte]))];
  for (let i = 1; i < bytes.length; i++) ways.push([bytes.subarray(0, i), bytes.subarray(i)]);
  return ways;
}

const pipelined = Buffer.from(
  [
    'POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello',
    'POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: t\r\n\r\n',
    '\r\nGET /c HTTP/1.1\r\nHost: h\r\n\r\n',
  ].join(''),
  'latin1',
);

describe('MessageFramer', () => {
  it('follows fixed-length, chunked (extensions, trailers) and bodiless requests, however the bytes are split', () => {
    for (const chunks of splits(pipelined)) {
      const seen = follow(chunks, asRequest);
      assert.deepEqual(seen.errors, []);
      assert.deepEqual(
        seen.heads.map((head) => head.split('\r\n')[0]),
        ['POST /a?x=1 HTTP/1.1', 'POST /b HTTP/1.1', 'GET /c HTTP/1.1'],
      );
      assert.deepEqual(seen.payloads.map((payload) => payload.toString()), ['hello', 'abc0123456789abcdef', '']);
      assert.equal(seen.ends, 3);
      // Everything but the tolerated blank line before the third request line is handed on, in order.
      assert.deepEqual(Buffer.concat(seen.forwarded), Buffer.from(pipelined.toString('latin1').replace('\r\n\r\nGET', '\r\nGET'), 'latin1'));
    }
  });

  it('ends a body framed by the close only when the connection ends', () => {
    const response = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nstreamed until close');
    const frame = (text: string): BodyFraming => responseFraming(parseResponseHead(text), 'GET');
    const open = follow([response], frame);
    assert.equal(open.ends, 0);
    const closed = follow([response], frame, true);
    assert.equal(closed.ends, 1);
    assert.equal(closed.payloads[0]!.toString(), 'streamed until close');
  });

  it('knows which responses have no body: HEAD, 1xx, 204, 304', () => {
    const head = (status: string): ReturnType<typeof parseResponseHead> => parseResponseHead(`HTTP/1.1 ${status}\r\nContent-Length: 10`);
    assert.deepEqual(responseFraming(head('200 OK'), 'HEAD'), { kind: 'none' });
    assert.deepEqual(responseFraming(head('204 No Content'), 'POST'), { kind: 'none' });
    assert.deepEqual(responseFraming(head('304 Not Modified'), 'GET'), { kind: 'none' });
    assert.deepEqual(responseFraming(head('100 Continue'), 'POST'), { kind: 'none' });
    assert.deepEqual(responseFraming(head('200 OK'), 'POST'), { kind: 'length', bytes: 10 });
    assert.deepEqual(responseFraming(parseResponseHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip'), 'GET'), { kind: 'untilClose' });
  });

  it('keeps header names, values, order and duplicates, and reads the facts framing needs', () => {
    const head = parseRequestHead('POST /hook HTTP/1.0\r\nX-Dup: 1\r\nx-dup:  2 \r\nConnection: Upgrade\r\nUpgrade: websocket\r\nExpect: 100-continue\r\nContent-Length: 0');
    assert.deepEqual(head.rawHeaders, ['X-Dup', '1', 'x-dup', '2', 'Connection', 'Upgrade', 'Upgrade', 'websocket', 'Expect', '100-continue', 'Content-Length', '0']);
    assert.equal(head.httpVersion, '1.0');
    assert.equal(head.facts.upgrade, true);
    assert.equal(head.facts.expectContinue, true);
    assert.equal(head.facts.closes, true, 'HTTP/1.0 without keep-alive closes');
    assert.equal(parseResponseHead('HTTP/1.1 404 Not Found').statusMessage, 'Not Found');
    assert.equal(parseResponseHead('HTTP/1.1 200').statusMessage, '');
  });

  it('refuses what is not HTTP/1.x, saying why, with the status a server answers', () => {
    const refused = (text: string): HeadError => {
      const seen = follow([Buffer.from(text, 'latin1')], asRequest);
      assert.equal(seen.errors.length, 1, text);
      return seen.errors[0]!;
    };
    assert.match(refused('GARBAGE\r\n\r\n').message, /request line "GARBAGE" is not HTTP\/1\.x/);
    assert.match(refused('GET / HTTP/2.0\r\n\r\n').message, /not HTTP\/1\.x/);
    assert.match(refused('POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n').message, /ambiguous/);
    assert.match(refused('POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n').message, /conflicting Content-Length/);
    assert.match(refused('POST / HTTP/1.1\r\nBad Name: x\r\n\r\n').message, /malformed header name/);
    assert.match(refused('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n').message, /invalid chunk size "zz"/);
    assert.match(refused('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY').message, /not followed by CRLF/);
    const tooBig = refused(`GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES + 10)}`);
    assert.equal(tooBig.statusCode, 431);
  });

  it('holds the bytes after a head until told whether they are HTTP or a switched protocol', () => {
    const events: string[] = [];
    const framer = new MessageFramer({
      onHead: (text) => {
        events.push(`head ${text.split('\r\n')[0]}`);
        return text.startsWith('GET /ws') ? 'hold' : { kind: 'none' };
      },
      onWire: (bytes) => events.push(`wire ${bytes.toString()}`),
      onPayload: () => undefined,
      onEnd: () => events.push('end'),
      onMalformed: (error) => events.push(`error ${error.message}`),
    });
    framer.push(Buffer.from('GET /ws HTTP/1.1\r\nUpgrade: x\r\n\r\nGET /next HTTP/1.1\r\n\r\n'));
    assert.deepEqual(events, ['head GET /ws HTTP/1.1']);
    framer.release('http');
    assert.deepEqual(events.slice(1), ['head GET /next HTTP/1.1', 'end']);
    framer.push(Buffer.from('GET /ws HTTP/1.1\r\n\r\nframes'));
    framer.passRaw();
    framer.push(Buffer.from(' and more'));
    assert.deepEqual(events.slice(3), ['head GET /ws HTTP/1.1', 'wire frames', 'wire  and more']);
  });
});
