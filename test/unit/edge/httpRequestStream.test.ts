import assert from 'node:assert/strict';
import { HttpRequestStream, insertHeaders, parseRequestHead } from '../../edge/httpRequestStream';
import { scanJsonValue } from '../../edge/jsonScanner';

const MARK: ReadonlyArray<readonly [string, string]> = [['X-Mark', '1']];
const marked = (head: string) => head.replace(/\r\n\r\n$/, '\r\nX-Mark: 1\r\n\r\n');

function run(input: string, chunkSize: number): { out: string; requests: number; raw: boolean } {
  const stream = new HttpRequestStream((head) => insertHeaders(head.raw, MARK));
  const bytes = Buffer.from(input, 'latin1');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) out.push(stream.push(bytes.subarray(i, i + chunkSize)));
  out.push(stream.flush());
  return { out: Buffer.concat(out).toString('latin1'), requests: stream.requests, raw: stream.raw };
}

describe('following HTTP/1.1 requests on a public connection', () => {
  const h1 = 'POST /a HTTP/1.1\r\nHost: x.localhost:80\r\nContent-Length: 5\r\n\r\n';
  const b1 = 'a\r\n\r\nb'; // a body that looks like a head end
  const h2 = 'PUT /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n';
  const b2 = '3;ext=1\r\nabc\r\n0\r\nTrailer: t\r\n\r\n';
  const h3 = 'GET /c HTTP/1.1\r\nhost: x\r\n\r\n';

  it('marks every head and passes bodies (fixed-length, chunked with trailers) byte for byte, however the bytes arrive', () => {
    const expected = marked(h1) + b1 + marked(h2) + b2 + marked(h3);
    for (const size of [1, 2, 3, 7, 64, 10_000]) {
      const result = run(h1 + b1 + h2 + b2 + h3, size);
      assert.equal(result.out, expected, `chunk size ${size}`);
      assert.equal(result.requests, 3);
    }
  });

  it('passes everything after an Upgrade or CONNECT through untouched', () => {
    const upgrade = 'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n';
    const frames = 'GET / HTTP/1.1\r\n\r\n\x81\x05hello';
    const result = run(upgrade + frames, 5);
    assert.equal(result.out, marked(upgrade) + frames);
    assert.equal(result.raw, true);
  });

  it('stops following (raw) on a head that is not HTTP/1.x, without losing bytes', () => {
    const input = 'SSH-2.0-OpenSSH\r\n\r\nmore';
    const result = run(input, 4);
    assert.equal(result.out, input);
    assert.equal(result.requests, 0);
    assert.equal(result.raw, true);
  });

  it('parses a head: request line, header order and case', () => {
    const head = parseRequestHead(Buffer.from('OPTIONS * HTTP/1.0\r\nA-b: 1\r\nc:  two words \r\n\r\n'));
    assert.ok(typeof head !== 'string');
    assert.equal(head.method, 'OPTIONS');
    assert.equal(head.version, 'HTTP/1.0');
    assert.deepEqual(head.headers, [['A-b', '1'], ['c', 'two words']]);
    assert.equal(typeof parseRequestHead(Buffer.from('GET / HTTP/2\r\n\r\n')), 'string');
    assert.equal(typeof parseRequestHead(Buffer.from('GET / HTTP/1.1\r\nbad header\r\n\r\n')), 'string');
  });
});

describe('finding the end of an RPC JSON message', () => {
  it('waits for the closing brace, minding strings and escapes', () => {
    const text = '{"a":"}\\"{","b":[1,{"c":2}]}';
    for (let i = 0; i < text.length; i++) assert.equal(scanJsonValue(Buffer.from(text.slice(0, i))).complete, false, `prefix ${i}`);
    assert.deepEqual(scanJsonValue(Buffer.from(`  ${text}{"next":1}`)), { complete: true, end: text.length + 2 });
  });
});
