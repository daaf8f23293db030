import type { Exchange } from '../../../src/core/capture/exchange';
import type { ExchangeView } from '../../../src/shared/protocol';

/** A captured GitHub push with a JSON body and a plain-text answer. */
export function githubExchange(overrides: Partial<Exchange> = {}): Exchange {
  const body = Buffer.from('{"ref":"refs/heads/main","commits":[]}');
  return {
    id: '3f2a9c1e-0000-4000-8000-000000000001',
    startedAt: Date.UTC(2026, 10, 23, 12, 0, 0),
    timings: { totalMs: 3.2, upstreamHeadersMs: 2.9 },
    clientAddress: '203.0.113.7',
    upstream: 'http://localhost:3000',
    request: {
      method: 'POST',
      url: '/webhooks/github?x=1',
      httpVersion: '1.1',
      rawHeaders: ['Host', 'example.ngrok.app', 'X-GitHub-Event', 'push', 'Content-Type', 'application/json', 'X-Hub-Signature-256', 'sha256=abc', 'X-Dup', 'one', 'X-Dup', 'two'],
      body: { bytes: body, size: body.length, truncated: false },
    },
    response: { statusCode: 200, statusMessage: 'OK', rawHeaders: ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', '2'], body: { bytes: Buffer.from('ok'), size: 2, truncated: false } },
    ...overrides,
  };
}

/** A valid ExchangeView as the host would post it. */
export function exchangeView(overrides: Partial<ExchangeView> = {}): ExchangeView {
  return {
    id: 'e1',
    startedAt: 1_700_000_000_000,
    totalMs: 3.2,
    clientAddress: '127.0.0.1',
    upstream: 'http://localhost:3000',
    request: {
      method: 'POST',
      url: '/hooks',
      httpVersion: '1.1',
      headers: [['Content-Type', 'application/json'], ['X-Hub-Signature-256', 'sha256=abc']],
      body: { base64: Buffer.from('{"a":1}').toString('base64'), size: 7, truncated: false, kind: 'json', charset: 'utf-8', contentType: 'application/json' },
    },
    response: { status: 200, statusMessage: 'OK', headers: [], body: { base64: '', size: 0, truncated: false, kind: 'empty', charset: 'utf-8' }, synthetic: false },
    upgrade: false,
    verdict: { status: 'valid', provider: 'github', providerName: 'GitHub' },
    signedHeaders: ['x-hub-signature-256'],
    ...overrides,
  };
}
