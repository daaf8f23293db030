import assert from 'node:assert/strict';
import type { Exchange } from '../../../src/core/capture/exchange';
import { exchangeOutcome, statusText } from '../../../src/core/history/exchangeSummary';
import { renderRawHttp } from '../../../src/core/history/rawHttp';
import { toStoredExchange } from '../../../src/core/history/storedExchange';
import { formatAge } from '../../../src/core/util/format';

function exchange(overrides: Partial<Exchange> = {}): Exchange {
  const body = Buffer.from('{"zen":"Keep it logically awesome.","hook_id":1}');
  return {
    id: 'e1',
    startedAt: Date.UTC(2026, 10, 23, 12, 0, 0),
    timings: { totalMs: 3.2, upstreamHeadersMs: 2.9 },
    clientAddress: '127.0.0.1',
    upstream: 'http://localhost:3000',
    request: { method: 'POST', url: '/hooks?x=1', httpVersion: '1.1', rawHeaders: ['X-GitHub-Event', 'ping', 'Content-Type', 'application/json'], body: { bytes: body, size: body.length, truncated: false } },
    response: { statusCode: 200, statusMessage: 'OK', rawHeaders: ['Content-Length', '2'], body: { bytes: Buffer.from('ok'), size: 2, truncated: false } },
    ...overrides,
  };
}

describe('rendering an exchange', () => {
  it('shows the request and response as an HTTP transcript with pretty JSON', () => {
    const text = renderRawHttp(exchange());
    assert.match(text, /^POST \/hooks\?x=1 HTTP\/1\.1\nX-GitHub-Event: ping\nContent-Type: application\/json\n\n\{\n {2}"zen": "Keep it logically awesome\.",/m);
    assert.match(text, /^HTTP\/1\.1 200 OK\nContent-Length: 2\n\nok$/m);
  });

  it('marks a truncated body with its true size and dumps binary as hex', () => {
    const bytes = Buffer.from([0, 1, 2, 0xff, 0x41]);
    const text = renderRawHttp(exchange({ request: { method: 'PUT', url: '/bin', httpVersion: '1.1', rawHeaders: ['Content-Type', 'application/octet-stream'], body: { bytes, size: 5000, truncated: true } } }));
    assert.match(text, /00000000 {2}00 01 02 ff 41 +\.\.\.\.A/);
    assert.match(text, /truncated: 5 B of 4\.9 KB recorded \(5000 bytes in all\)/);
  });

  it('says why the dev server did not answer', () => {
    const failed = exchange({ error: { kind: 'upstreamUnreachable', message: 'Could not reach the dev server at http://localhost:3000: connect ECONNREFUSED', code: 'ECONNREFUSED' } });
    assert.match(renderRawHttp(failed), /### Error: Could not reach the dev server at http:\/\/localhost:3000: connect ECONNREFUSED \(ECONNREFUSED\)/);
    const stored = toStoredExchange({ ...failed, response: { ...failed.response!, statusCode: 502, statusMessage: 'Bad Gateway', synthetic: true } });
    assert.equal(exchangeOutcome(stored), 'failed');
    assert.equal(statusText(stored), '502 dev server down');
    assert.equal(exchangeOutcome(toStoredExchange(exchange())), 'success');
  });

  it('formats ages for the tree', () => {
    assert.deepEqual([0, 7_000, 125_000, 3 * 3600_000, 50 * 3600_000].map(formatAge), ['just now', '7s ago', '2m ago', '3h ago', '2d ago']);
  });
});
