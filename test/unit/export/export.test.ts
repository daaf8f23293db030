import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exchange } from '../../../src/core/capture/exchange';
import { toCurl } from '../../../src/core/export/curl';
import { toHar } from '../../../src/core/export/har';
import { readAll, startServer } from '../../support/httpServers';

function exchange(body: Buffer, rawHeaders: string[], overrides: Partial<Exchange> = {}): Exchange {
  return {
    id: 'ex-1',
    startedAt: Date.UTC(2026, 10, 23, 10, 0, 0),
    timings: { upstreamHeadersMs: 4, totalMs: 5 },
    clientAddress: '127.0.0.1',
    upstream: 'http://localhost:3000',
    request: { method: 'POST', url: "/hooks/it's?a=1&b=two%20words", httpVersion: '1.1', rawHeaders, body: { bytes: body, size: body.length, truncated: false } },
    response: { statusCode: 201, statusMessage: 'Created', rawHeaders: ['Content-Type', 'application/json', 'Set-Cookie', 's=1'], body: { bytes: Buffer.from('{"ok":true}'), size: 11, truncated: false } },
    ...overrides,
  };
}

describe('Copy as cURL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wt-curl-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function runAgainstServer(build: (origin: string) => { command: string; binaryBody?: Buffer }, bodyFile: string) {
    const seen: Array<{ method: string; url: string; rawHeaders: string[]; body: Buffer }> = [];
    const server = await startServer((req, res) => void readAll(req).then((body) => (seen.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body }), res.end('ok'))));
    try {
      const { command, binaryBody } = build(server.origin);
      if (binaryBody) writeFileSync(bodyFile, binaryBody);
      // The real shell and the real curl: the quoting has to survive both. (Async: the server is in this process.)
      await promisify(execFile)('bash', ['-c', command], { timeout: 10_000 });
      return { command, seen: seen[0]! };
    } finally {
      await server.close();
    }
  }

  it('sends the same method, path, headers in order, and a text body with quotes and newlines', async () => {
    const body = Buffer.from(`{"msg":"it's \\"quoted\\"\\n$HOME \`x\`"}\n`);
    const headers = ['X-GitHub-Event', 'push', 'Content-Type', 'application/json', 'X-Hub-Signature-256', 'sha256=abc', 'Content-Length', String(body.length)];
    const { seen, command } = await runAgainstServer((origin) => toCurl(exchange(body, headers).request, origin, { bodyFile: join(dir, 'body.bin'), includeSecrets: true }), join(dir, 'body.bin'));
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, "/hooks/it's?a=1&b=two%20words");
    assert.deepEqual(seen.body, body);
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0 && !/^(host|content-length)$/i.test(seen.rawHeaders[i]!));
    assert.deepEqual(names, ['X-GitHub-Event', 'Content-Type', 'X-Hub-Signature-256'], 'the captured headers, in order, and no curl defaults');
    assert.doesNotMatch(command, /Content-Length/);
  });

  it('reads a binary body from a file, byte-exact, and redacts signatures unless asked', async () => {
    const body = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const file = join(dir, "bin body's.bin");
    const { seen, command } = await runAgainstServer((origin) => toCurl({ ...exchange(body, ['Stripe-Signature', 't=1,v1=x', 'Content-Type', 'application/octet-stream']).request, method: 'PUT' }, origin, { bodyFile: file }), file);
    assert.equal(seen.method, 'PUT');
    assert.deepEqual(seen.body, body);
    assert.match(command, /Stripe-Signature: \[redacted\]/);
  });
});

describe('Export History as HAR', () => {
  it('writes HAR 1.2 entries with the fields browsers need, oldest first, binary as base64, secrets redacted', () => {
    const binary = Buffer.from([0, 1, 2, 255]);
    const first = exchange(Buffer.from('{"a":1}'), ['Content-Type', 'application/json', 'Authorization', 'Bearer t0k', 'X-Hub-Signature-256', 'sha256=abc']);
    const second = exchange(binary, ['Content-Type', 'application/octet-stream'], { id: 'ex-2', startedAt: first.startedAt - 1000, replayOf: 'ex-1' });
    const har = toHar([first, second], { baseUrl: 'https://abc.ngrok.app', version: '0.1.0' });
    assert.equal(har.log.version, '1.2');
    assert.deepEqual(har.log.creator, { name: 'Webhook Tunnel', version: '0.1.0' });
    assert.deepEqual(har.log.entries.map((e) => e._webhookTunnel.id), ['ex-2', 'ex-1']);
    const entry = har.log.entries[1]!;
    assert.equal(entry.startedDateTime, '2026-11-23T10:00:00.000Z');
    assert.equal(entry.request.url, "https://abc.ngrok.app/hooks/it's?a=1&b=two%20words");
    assert.deepEqual(entry.request.queryString, [{ name: 'a', value: '1' }, { name: 'b', value: 'two words' }]);
    assert.deepEqual(entry.request.headers.find((h) => h.name === 'Authorization'), { name: 'Authorization', value: '[redacted]' });
    assert.deepEqual(entry.request.headers.find((h) => h.name === 'X-Hub-Signature-256'), { name: 'X-Hub-Signature-256', value: '[redacted]' });
    assert.equal(entry.request.postData?.text, '{"a":1}');
    assert.equal(entry.response.content.text, '{"ok":true}');
    assert.deepEqual(entry.timings, { send: 0, wait: 4, receive: 1 });
    assert.equal(har.log.entries[0]!.request.postData?.text, binary.toString('base64'));
    assert.match(har.log.entries[0]!.request.postData?.comment ?? '', /base64/);
    assert.equal(har.log.entries[0]!._webhookTunnel.replayOf, 'ex-1');
    // Every entry has every field HAR 1.2 requires.
    for (const e of har.log.entries) {
      for (const key of ['startedDateTime', 'time', 'request', 'response', 'cache', 'timings']) assert.ok(key in e, key);
      for (const key of ['method', 'url', 'httpVersion', 'cookies', 'headers', 'queryString', 'headersSize', 'bodySize']) assert.ok(key in e.request, key);
      for (const key of ['status', 'statusText', 'httpVersion', 'cookies', 'headers', 'content', 'redirectURL', 'headersSize', 'bodySize']) assert.ok(key in e.response, key);
      assert.ok('size' in e.response.content && 'mimeType' in e.response.content);
    }
    const withSecrets = toHar([first], { baseUrl: 'https://abc.ngrok.app', version: '0.1.0', includeSecrets: true });
    assert.equal(withSecrets.log.entries[0]!.request.headers.find((h) => h.name === 'Authorization')?.value, 'Bearer t0k');
  });
});
