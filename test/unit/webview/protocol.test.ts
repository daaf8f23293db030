import assert from 'node:assert/strict';
import { maxBodyBase64Length, maxHeaderCount, parseFromWebview, parseToWebview, parseWebviewState } from '../../../src/shared/protocol';
import type { Parsed } from '../../../src/shared/protocol';
import { exchangeView } from './fixtures';

const send = (overrides: Record<string, unknown> = {}, edits: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'replay/send',
  requestId: 'r1',
  exchangeId: 'e1',
  edits: { method: 'POST', url: '/hooks?x=1', headers: [['Content-Type', 'application/json']], body: Buffer.from('{}').toString('base64'), ...edits },
  options: { signature: 'resign', via: 'upstream' },
  ...overrides,
});

function rejected(value: unknown, reason: RegExp, parse: (value: unknown) => Parsed<unknown> = parseFromWebview): void {
  const parsed = parse(value);
  assert.equal(parsed.ok, false, `accepted ${JSON.stringify(value)?.slice(0, 200)}`);
  if (!parsed.ok) assert.match(parsed.reason, reason);
}

describe('webview protocol: messages from the webview', () => {
  it('accepts every message type in its right shape', () => {
    for (const message of [
      { type: 'ready' },
      { type: 'mode/set', mode: 'replay' },
      send(),
      { type: 'replay/compare', replayId: 'e2' },
      { type: 'exchange/open', exchangeId: 'e2' },
    ]) {
      const parsed = parseFromWebview(message);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
      assert.deepEqual(parsed.value, message);
    }
  });

  it('rejects what is not a message, or has an unknown type', () => {
    for (const value of [undefined, null, 42, 'ready', [], {}, { type: 7 }]) rejected(value, /type: expected one of ready, mode\/set/);
    rejected({ type: 'replay/delete' }, /\.type: expected one of/);
    // An inherited key is not a message type.
    rejected({ type: 'toString' }, /\.type/);
  });

  it('rejects missing fields, wrong types and extra fields', () => {
    rejected({ type: 'mode/set' }, /\.mode: expected a value \(missing\)/);
    rejected({ type: 'mode/set', mode: 'edit' }, /\.mode: expected one of inspect, replay, got "edit"/);
    rejected({ type: 'exchange/open', exchangeId: 12 }, /\.exchangeId: expected an id, got 12/);
    rejected({ type: 'exchange/open', exchangeId: '' }, /\.exchangeId/);
    rejected({ type: 'ready', extra: true }, /\.extra: expected no such property/);
    rejected(send({ options: { signature: 'resign' } }), /\.options\.via: expected a value \(missing\)/);
    rejected(send({ options: { signature: 'forge', via: 'upstream' } }), /\.options\.signature/);
    rejected(send({}, { headers: [['Content-Type']] }), /\.edits\.headers\[0\]: expected a \[name, value\] pair/);
    rejected(send({}, { headers: { 'Content-Type': 'x' } }), /\.edits\.headers: expected an array/);
    rejected(send({}, { body: 'not base64!' }), /\.edits\.body: expected base64/);
  });

  it('rejects edits that would change the request line or split a header', () => {
    rejected(send({}, { method: 'POST /evil HTTP/1.1\r\n' }), /\.edits\.method: expected an HTTP method/);
    rejected(send({}, { url: 'http://elsewhere.example/' }), /\.edits\.url: expected a path starting with \//);
    rejected(send({}, { url: '/a b' }), /\.edits\.url/);
    rejected(send({}, { headers: [['X-A', 'one\r\nX-Injected: yes']] }), /\.edits\.headers\[0\]\[1\]: expected a header value without line breaks/);
    rejected(send({}, { headers: [['Bad Name', 'x']] }), /\.edits\.headers\[0\]\[0\]: expected a header name/);
  });

  it('rejects payloads past the limits', () => {
    rejected(send({ requestId: 'x'.repeat(10_000) }), /\.requestId: expected an id of 1–200 characters, got a string of 10000 characters/);
    rejected(send({}, { headers: Array.from({ length: maxHeaderCount + 1 }, (_, i) => [`X-${i}`, 'v']) }), /\.edits\.headers: expected at most 500 items/);
    rejected(send({}, { body: 'A'.repeat(maxBodyBase64Length + 4) }), /\.edits\.body: expected base64 of 0–\d+ characters/);
    assert.ok(parseFromWebview(send({}, { body: 'A'.repeat(4 * 1024) })).ok);
  });

  it('returns a fresh copy, so nothing unchecked rides along', () => {
    const message = send();
    const parsed = parseFromWebview(message);
    assert.ok(parsed.ok);
    assert.notEqual(parsed.value, message);
  });
});

describe('webview protocol: messages to the webview', () => {
  it('accepts an exchange, a missing exchange and replay results', () => {
    for (const message of [
      { type: 'exchange/show', mode: 'inspect', exchange: exchangeView(), secretKnown: true },
      { type: 'exchange/show', mode: 'replay', exchange: exchangeView({ response: undefined, error: { kind: 'upstreamUnreachable', message: 'down', code: 'ECONNREFUSED' }, replayOf: 'e0' }), secretKnown: false },
      { type: 'exchange/missing', exchangeId: 'e1', message: 'gone' },
      { type: 'exchange/missing', message: 'nothing selected' },
      { type: 'replay/result', requestId: 'r1', outcome: { ok: true, exchangeId: 'e2', status: 200 }, exchange: exchangeView({ id: 'e2', replayOf: 'e1' }) },
      { type: 'replay/result', requestId: 'r1', outcome: { ok: false, message: 'Tunnel is off' } },
    ]) {
      const parsed = parseToWebview(JSON.parse(JSON.stringify(message)));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    }
  });

  it('rejects wrong shapes deep inside an exchange', () => {
    const show = (exchange: unknown): unknown => ({ type: 'exchange/show', mode: 'inspect', exchange, secretKnown: false });
    rejected(show({ ...exchangeView(), verdict: { status: 'maybe' } }), /\.exchange\.verdict\.status: expected one of valid, invalid, unsigned, noSecret/, parseToWebview);
    rejected(show({ ...exchangeView(), request: { ...exchangeView().request, headers: [['a', 1]] } }), /\.exchange\.request\.headers\[0\]\[1\]/, parseToWebview);
    rejected(show({ ...exchangeView(), totalMs: Number.NaN }), /\.exchange\.totalMs/, parseToWebview);
    rejected({ type: 'exchange/show', mode: 'inspect', exchange: exchangeView() }, /\.secretKnown: expected a value \(missing\)/, parseToWebview);
    rejected({ type: 'replay/result', requestId: 'r1', outcome: { ok: true, status: 200 } }, /\.outcome\.exchangeId/, parseToWebview);
    rejected({ type: 'replay/result', requestId: 'r1', outcome: { ok: 'yes' } }, /\.outcome\.ok: expected one of true, false/, parseToWebview);
    rejected({ type: 'ready' }, /\.type: expected one of exchange\/show, exchange\/missing, replay\/result/, parseToWebview);
  });
});

describe('webview state', () => {
  it('round-trips the state a page saves, and rejects a damaged one', () => {
    const state = { exchangeId: 'e1', mode: 'replay', draft: { method: 'POST', url: '/x', headers: [['A', 'b']], body: '{}', bodyEdited: true, signature: 'strip', via: 'public' } };
    const parsed = parseWebviewState(state);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value, state);
    assert.ok(parseWebviewState({ exchangeId: 'e1', mode: 'inspect' }).ok);
    rejected({ exchangeId: 'e1' }, /\.mode/, parseWebviewState);
    rejected({ exchangeId: 'e1', mode: 'inspect', draft: { method: 'POST' } }, /\.draft\.url/, parseWebviewState);
    rejected('e1', /expected an object/, parseWebviewState);
  });
});
