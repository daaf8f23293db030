import assert from 'node:assert/strict';
import { encodeExchangeMeta, ExchangeMetaDecoder, storedSizes } from '../../../src/core/history/exchangeMeta';
import { toStoredExchange } from '../../../src/core/history/storedExchange';
import type { StoredExchange } from '../../../src/core/history/storedExchange';
import { makeExchange } from './historyFixtures';

describe('exchange metadata on disk', () => {
  const decode = (text: string): StoredExchange | undefined => {
    // Where the scanner hands it over: somewhere inside a larger read buffer.
    const buffer = Buffer.from(`xx${text}yy`, 'latin1');
    return new ExchangeMetaDecoder().decode(buffer, 2, buffer.length - 2);
  };
  const roundTrip = (stored: StoredExchange): StoredExchange | undefined => decode(encodeExchangeMeta(stored, storedSizes(stored)).text);

  it('round-trips every optional field, present and absent', () => {
    const plain = toStoredExchange(makeExchange('plain'));
    const noResponse = toStoredExchange(makeExchange('no-response', { responseBody: null }));
    const full: StoredExchange = {
      ...plain,
      timings: { totalMs: 12.5 },
      response: { ...plain.response!, synthetic: false, rawHeaders: [] },
      error: { kind: 'upstreamAborted', message: 'cut', code: 'ECONNRESET' },
      upgrade: false,
      replayOf: 'original',
    };
    for (const stored of [plain, noResponse, full]) assert.deepEqual(roundTrip(stored), stored);
  });

  it('writes plain ASCII, escaping everything else so it reads back the same', () => {
    const base = toStoredExchange(makeExchange('unicode'));
    const stored: StoredExchange = {
      ...base,
      request: { ...base.request, url: '/caf\u00e9', rawHeaders: ['X-Emoji', '\u{1f600} \u2603', 'X-Latin1', '\u00ff\u0080'] },
      error: { kind: 'clientAborted', message: 'line\nbreak \u2028 and "quotes"' },
    };
    const text = encodeExchangeMeta(stored, storedSizes(stored)).text;
    assert.match(text, /^[\x00-\x7f]*$/);
    assert.deepEqual(decode(text), stored);
  });

  it('rejects text that is not this format instead of guessing', () => {
    const stored = toStoredExchange(makeExchange('e'));
    const text = encodeExchangeMeta(stored, storedSizes(stored)).text;
    for (const bad of ['', 'null', '{}', '[]\n[]', text.replace('"e"', '1'), text.replace('[200,', '["200",'), text.replace('false', '0')]) {
      assert.equal(decode(bad), undefined, bad);
    }
  });

  it('parses raw headers only when read, and they then behave as a plain property', () => {
    const original = toStoredExchange(makeExchange('lazy'));
    const loaded = roundTrip(original)!;
    const request = loaded.request;
    assert.equal(Object.getOwnPropertyDescriptor(request, 'rawHeaders')?.get !== undefined, true, 'not parsed yet');
    assert.deepEqual(Object.keys(request).sort(), ['body', 'httpVersion', 'method', 'rawHeaders', 'url']);
    assert.equal(Object.getOwnPropertySymbols(request).every((key) => !Object.getOwnPropertyDescriptor(request, key)?.enumerable), true);
    // Copies and serializations see the headers, never the bytes behind them.
    assert.deepEqual({ ...request }.rawHeaders, original.request.rawHeaders);
    assert.deepEqual(JSON.parse(JSON.stringify(loaded)), JSON.parse(JSON.stringify(original)));
    assert.equal(request.rawHeaders, request.rawHeaders, 'parsed once');
    assert.deepEqual(Object.getOwnPropertyDescriptor(request, 'rawHeaders'), { value: original.request.rawHeaders, writable: true, enumerable: true, configurable: true });
    assert.deepEqual(loaded.response?.rawHeaders, original.response?.rawHeaders);
  });
});
