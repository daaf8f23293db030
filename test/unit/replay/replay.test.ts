import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { CaptureProxy } from '../../../src/core/capture/captureProxy';
import type { Exchange } from '../../../src/core/capture/exchange';
import { headerValue } from '../../../src/core/capture/exchange';
import { replayHeader } from '../../../src/core/capture/replayMarker';
import { parseUpstream } from '../../../src/core/config/upstream';
import { buildReplayRequest, defaultSignatureMode, ReplayError } from '../../../src/core/replay/replayRequest';
import type { Resigner } from '../../../src/core/replay/replayRequest';
import { sendReplay } from '../../../src/core/replay/sendReplay';
import { readAll, send, startServer } from '../../support/httpServers';
import type { RunningServer } from '../../support/httpServers';

/** GitHub's scheme, written out here so the test does not depend on the signatures module. */
const githubResigner = (secret: string): Resigner => ({
  sign: (request) => {
    const headers = [...request.rawHeaders];
    const signature = `sha256=${createHmac('sha256', secret).update(request.body).digest('hex')}`;
    const at = headers.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === 'x-hub-signature-256');
    if (at >= 0) headers[at + 1] = signature;
    else headers.push('X-Hub-Signature-256', signature);
    return headers;
  },
  strip: (rawHeaders) => rawHeaders.filter((_, i, all) => !/^x-hub-signature/i.test(all[i - (i % 2)]!)),
});

describe('Replay through the capture proxy', () => {
  let upstream: RunningServer;
  let proxy: CaptureProxy;
  const recorded: Exchange[] = [];
  const seen: Array<{ method: string; url: string; rawHeaders: string[]; body: Buffer }> = [];
  const waitFor = async (predicate: (e: Exchange) => boolean): Promise<Exchange> => {
    for (let i = 0; i < 200; i++) {
      const found = recorded.find(predicate);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('not recorded');
  };

  beforeEach(async () => {
    recorded.length = 0;
    seen.length = 0;
    upstream = await startServer((req, res) => {
      void readAll(req).then((body) => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body });
        res.writeHead(202).end('accepted');
      });
    });
    proxy = await CaptureProxy.start({ upstream: parseUpstream(upstream.origin), maxBodyBytes: 1 << 20, upstreamTimeoutMs: 5000, onExchange: (e) => recorded.push(e) });
  });
  afterEach(async () => {
    await proxy.close();
    await upstream.close();
  });

  async function capture(body: Buffer, rawHeaders: string[]): Promise<Exchange> {
    await send(`${proxy.url}/hooks?x=1`, { rawHeaders, body: [body.subarray(0, 5), body.subarray(5)] });
    return waitFor(() => true);
  }

  it('replays byte-exact and records the replay as a new exchange linked to its original', async () => {
    const original = await capture(Buffer.from('{"action":"opened"}'), ['X-GitHub-Event', 'issues', 'Content-Type', 'application/json', 'Transfer-Encoding', 'chunked']);
    const request = buildReplayRequest(original, {}, { mode: 'keep' });
    const response = await sendReplay({ baseUrl: proxy.url, replayToken: proxy.replayToken }, request, original.id);
    assert.equal(response.statusCode, 202);
    const replay = await waitFor((e) => e.replayOf === original.id);
    assert.equal(replay.id, response.exchangeId);
    assert.deepEqual(seen[1]!.body, seen[0]!.body);
    assert.equal(seen[1]!.url, '/hooks?x=1');
    assert.equal(headerValue(seen[1]!.rawHeaders, replayHeader), undefined, 'the marker never reaches the dev server');
    assert.equal(headerValue(replay.request.rawHeaders, replayHeader), undefined, 'nor the history');
    // A chunked original is framed with a Content-Length once its body is recorded.
    assert.equal(headerValue(seen[1]!.rawHeaders, 'content-length'), '19');
    assert.equal(headerValue(seen[1]!.rawHeaders, 'transfer-encoding'), undefined);
  });

  it('ignores and strips a forged replay marker from an outside sender', async () => {
    await send(`${proxy.url}/forged`, { rawHeaders: [replayHeader, 'guess original fake-id'], body: Buffer.from('x') });
    const exchange = await waitFor(() => true);
    assert.equal(exchange.replayOf, undefined);
    assert.notEqual(exchange.id, 'fake-id');
    assert.equal(headerValue(seen[0]!.rawHeaders, replayHeader), undefined);
  });

  it('re-signs an edited body so the receiver verifies it, keeps or strips signatures on request', async () => {
    const secret = "It's a Secret to Everybody";
    const body = Buffer.from('{"ref":"refs/heads/main"}');
    const signed = githubResigner(secret).sign({ method: 'POST', url: '/hooks', rawHeaders: ['Content-Type', 'application/json'], body });
    const original = await capture(body, [...signed]);
    const edited = Buffer.from('{"ref":"refs/heads/release"}');
    assert.equal(defaultSignatureMode(original, { body: edited }, true, ['X-Hub-Signature-256']), 'resign');
    assert.equal(defaultSignatureMode(original, {}, true), 'keep');
    assert.equal(defaultSignatureMode(original, { body: edited }, false), 'keep');

    const resigned = buildReplayRequest(original, { body: edited }, { mode: 'resign', resigner: githubResigner(secret) });
    assert.equal(headerValue(resigned.rawHeaders, 'x-hub-signature-256'), `sha256=${createHmac('sha256', secret).update(edited).digest('hex')}`);
    assert.equal(headerValue(resigned.rawHeaders, 'content-length'), String(edited.length));
    const kept = buildReplayRequest(original, { body: edited }, { mode: 'keep' });
    assert.equal(headerValue(kept.rawHeaders, 'x-hub-signature-256'), headerValue(original.request.rawHeaders, 'x-hub-signature-256'));
    const stripped = buildReplayRequest(original, {}, { mode: 'strip', resigner: githubResigner(secret) });
    assert.equal(headerValue(stripped.rawHeaders, 'x-hub-signature-256'), undefined);
    assert.throws(() => buildReplayRequest(original, { body: edited }, { mode: 'resign' }), /Verify Webhooks From/);
  });

  it('refuses to replay a truncated body as-is, saying how to fix it', async () => {
    await proxy.close();
    proxy = await CaptureProxy.start({ upstream: parseUpstream(upstream.origin), maxBodyBytes: 4, upstreamTimeoutMs: 5000, onExchange: (e) => recorded.push(e) });
    const original = await capture(Buffer.from('0123456789'), []);
    assert.throws(() => buildReplayRequest(original, {}, { mode: 'keep' }), (error: unknown) => error instanceof ReplayError && /4 of 10 bytes recorded.*maxBodyBytes/.test(error.message));
    assert.equal(buildReplayRequest(original, { body: Buffer.from('new') }, { mode: 'keep' }).body.toString(), 'new');
  });
});
