import assert from 'node:assert/strict';
import { buildExchangeView, fallbackSignatureFacts, headerPairs } from '../../../src/panels/exchangeView';
import { parseToWebview } from '../../../src/shared/protocol';
import { githubExchange } from './fixtures';

const body = (text: string | Buffer, size?: number) => {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  return { bytes, size: size ?? bytes.length, truncated: size !== undefined && size > bytes.length };
};

function withRequest(rawHeaders: string[], recorded: ReturnType<typeof body>) {
  const exchange = githubExchange();
  return buildExchangeView({ ...exchange, request: { ...exchange.request, rawHeaders, body: recorded } });
}

describe('ExchangeView from an Exchange', () => {
  it('keeps headers in raw order with their case and duplicates', () => {
    const view = buildExchangeView(githubExchange());
    assert.deepEqual(view.request.headers, [
      ['Host', 'example.ngrok.app'],
      ['X-GitHub-Event', 'push'],
      ['Content-Type', 'application/json'],
      ['X-Hub-Signature-256', 'sha256=abc'],
      ['X-Dup', 'one'],
      ['X-Dup', 'two'],
    ]);
    assert.deepEqual(headerPairs(['A', '1', 'a', '2', 'dangling']), [['A', '1'], ['a', '2']]);
  });

  it('carries method, URL, status, timing and addresses, and is valid JSON for the webview', () => {
    const view = buildExchangeView(githubExchange({ replayOf: 'original-1' }));
    assert.equal(view.request.method, 'POST');
    assert.equal(view.request.url, '/webhooks/github?x=1');
    assert.equal(view.response?.status, 200);
    assert.equal(view.response?.synthetic, false);
    assert.equal(view.totalMs, 3.2);
    assert.equal(view.upstreamHeadersMs, 2.9);
    assert.equal(view.clientAddress, '203.0.113.7');
    assert.equal(view.replayOf, 'original-1');
    const message = JSON.parse(JSON.stringify({ type: 'exchange/show', mode: 'inspect', exchange: view, secretKnown: false }));
    const parsed = parseToWebview(message);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    assert.deepEqual(parsed.value, message);
  });

  it('detects JSON by type or by content, and form bodies', () => {
    const json = withRequest(['Content-Type', 'application/json; charset=utf-8'], body('{"a":1}'));
    assert.equal(json.request.body.kind, 'json');
    assert.equal(json.request.body.charset, 'utf-8');
    assert.equal(json.request.body.contentType, 'application/json; charset=utf-8');
    assert.equal(Buffer.from(json.request.body.base64, 'base64').toString(), '{"a":1}');
    assert.equal(withRequest(['Content-Type', 'application/vnd.api+json'], body('[1,2]')).request.body.kind, 'json');
    assert.equal(withRequest([], body(' {"sniffed":true} ')).request.body.kind, 'json');
    assert.equal(withRequest(['Content-Type', 'application/json'], body('{"broken":')).request.body.kind, 'text');
    assert.equal(withRequest(['Content-Type', 'application/x-www-form-urlencoded'], body('payload=%7B%7D&x=1')).request.body.kind, 'form');
    assert.equal(withRequest([], body('a=1&b=two')).request.body.kind, 'form');
    assert.equal(withRequest(['Content-Type', 'text/plain'], body('hello')).request.body.kind, 'text');
    assert.equal(withRequest([], body('')).request.body.kind, 'empty');
  });

  it('shows binary and compressed bodies as hex', () => {
    assert.equal(withRequest(['Content-Type', 'application/octet-stream'], body('text, but declared binary')).request.body.kind, 'binary');
    assert.equal(withRequest([], body(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).request.body.kind, 'binary');
    assert.equal(withRequest(['Content-Type', 'text/plain'], body(Buffer.from([0x41, 0x00, 0x42]))).request.body.kind, 'binary');
    const gzipped = withRequest(['Content-Type', 'application/json', 'Content-Encoding', 'gzip'], body(Buffer.from([0x1f, 0x8b, 8, 0])));
    assert.equal(gzipped.request.body.kind, 'binary');
    assert.equal(gzipped.request.body.contentEncoding, 'gzip');
  });

  it('reports truncation with the true size, and keeps cut-off JSON as JSON', () => {
    const recorded = Buffer.from('{"items":["aé');
    // The recording cut the two-byte é in half: still text, not binary.
    const view = withRequest(['Content-Type', 'application/json'], body(recorded.subarray(0, recorded.length - 1), 5_000_000));
    assert.equal(view.request.body.truncated, true);
    assert.equal(view.request.body.size, 5_000_000);
    assert.equal(Buffer.from(view.request.body.base64, 'base64').length, recorded.length - 1);
    assert.equal(view.request.body.kind, 'json');
  });

  it('says when there was no response, and why', () => {
    const view = buildExchangeView(githubExchange({ response: undefined, error: { kind: 'upstreamUnreachable', message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' } }));
    assert.equal(view.response, undefined);
    assert.deepEqual(view.error, { kind: 'upstreamUnreachable', message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' });
    assert.ok(!('response' in view), 'no own undefined response');
  });

  it('takes the verdict from the signature layer, and falls back to naming the sender', () => {
    const verified = buildExchangeView(githubExchange(), { verdict: { status: 'invalid', provider: 'github', providerName: 'GitHub', message: 'The body changed after signing.' }, signedHeaders: ['X-Hub-Signature-256'] });
    assert.deepEqual(verified.verdict, { status: 'invalid', provider: 'github', providerName: 'GitHub', message: 'The body changed after signing.' });
    assert.deepEqual(verified.signedHeaders, ['x-hub-signature-256']);

    const fallback = buildExchangeView(githubExchange());
    assert.equal(fallback.verdict.status, 'noSecret');
    assert.deepEqual(fallback.detected, { provider: 'github', providerName: 'GitHub', event: 'push' });
    assert.ok(fallback.signedHeaders.includes('x-hub-signature-256'));

    const stripe = githubExchange({ request: { ...githubExchange().request, rawHeaders: ['Stripe-Signature', 't=1,v1=ab', 'Content-Type', 'application/json'], body: body('{"type":"invoice.paid"}') } });
    assert.deepEqual(fallbackSignatureFacts(stripe).detected, { provider: 'stripe', providerName: 'Stripe', event: 'invoice.paid' });

    const plain = githubExchange({ request: { ...githubExchange().request, rawHeaders: ['Content-Type', 'text/plain'] } });
    assert.equal(fallbackSignatureFacts(plain).verdict.status, 'unsigned');
    assert.equal(fallbackSignatureFacts(plain).detected, undefined);
  });
});
