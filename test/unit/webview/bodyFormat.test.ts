import assert from 'node:assert/strict';
import { availableViews, base64ToBytes, bytesToBase64, charsetOf, decodeText, hexDump, mediaType, parseForm, prettyJson } from '../../../src/shared/bodyFormat';

describe('body views', () => {
  it('reads media type and charset from a Content-Type', () => {
    assert.equal(mediaType('Application/JSON; charset=UTF-8'), 'application/json');
    assert.equal(charsetOf('text/plain; charset="ISO-8859-1"'), 'iso-8859-1');
    assert.equal(charsetOf(undefined), 'utf-8');
    assert.equal(decodeText(Buffer.from([0xe9]), 'iso-8859-1'), 'é');
    assert.equal(decodeText(Buffer.from('é'), 'no-such-charset'), 'é');
    assert.equal(decodeText(Buffer.from([0xff, 0xfe, 0x41]), 'utf-8', true), undefined);
  });

  it('pretty-prints JSON and parses forms in order with duplicates', () => {
    assert.equal(prettyJson('{"a":[1,{"b":null}]}'), '{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ]\n}');
    assert.equal(prettyJson('{"a":'), undefined);
    assert.deepEqual(parseForm('a=1&b=x+y&a=%7B%22k%22%3A2%7D&flag&bad=%E0%A4%A'), [['a', '1'], ['b', 'x y'], ['a', '{"k":2}'], ['flag', ''], ['bad', '%E0%A4%A']]);
    assert.deepEqual(parseForm(''), []);
  });

  it('dumps bytes as hex with offsets and ASCII, up to a limit', () => {
    const dump = hexDump(Uint8Array.from([...Buffer.from('Hello, webhook!!'), 0, 1, 0xff]));
    assert.equal(dump, ['00000000  48 65 6c 6c 6f 2c 20 77  65 62 68 6f 6f 6b 21 21  |Hello, webhook!!|', '00000010  00 01 ff                                          |...|'].join('\n'));
    assert.equal(hexDump(new Uint8Array(100), 32).split('\n').length, 2);
  });

  it('offers the views that apply', () => {
    assert.deepEqual(availableViews('json', '{}'), ['json', 'text', 'binary']);
    assert.deepEqual(availableViews('text', '{"a":1}'), ['json', 'text', 'binary']);
    assert.deepEqual(availableViews('text', 'plain'), ['text', 'binary']);
    assert.deepEqual(availableViews('binary', undefined), ['binary']);
  });

  it('round-trips base64 without Node buffers', () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) % 256);
    const encoded = bytesToBase64(bytes);
    assert.equal(encoded, Buffer.from(bytes).toString('base64'));
    assert.deepEqual(base64ToBytes(encoded), bytes);
  });
});
