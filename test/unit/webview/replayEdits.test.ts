import assert from 'node:assert/strict';
import { buildReplayRequest } from '../../../src/core/replay/replayRequest';
import { coreEdits, headerStripper, signatureNote } from '../../../src/panels/replayEdits';
import { headerPairs } from '../../../src/panels/exchangeView';
import { githubExchange } from './fixtures';

describe('replay form edits → replay engine', () => {
  const exchange = githubExchange();
  const unchanged = {
    method: exchange.request.method,
    url: exchange.request.url,
    headers: headerPairs(exchange.request.rawHeaders),
    body: exchange.request.body.bytes.toString('base64'),
  };

  it('passes on only what changed, so an untouched request replays byte for byte', () => {
    assert.deepEqual(coreEdits(exchange, unchanged), {});
    const edited = coreEdits(exchange, { ...unchanged, url: '/webhooks/github?x=2', body: Buffer.from('{"ref":"x"}').toString('base64'), headers: [...unchanged.headers, ['X-New', '1']] });
    assert.equal(edited.method, undefined);
    assert.equal(edited.url, '/webhooks/github?x=2');
    assert.equal(edited.body?.toString(), '{"ref":"x"}');
    assert.deepEqual(edited.rawHeaders?.slice(-2), ['X-New', '1']);
    assert.equal(edited.rawHeaders?.length, exchange.request.rawHeaders.length + 2);
  });

  it('keeps a truncated capture from being replayed unless the body was edited', () => {
    const truncated = githubExchange({ request: { ...exchange.request, body: { ...exchange.request.body, size: 10_000, truncated: true } } });
    assert.throws(() => buildReplayRequest(truncated, coreEdits(truncated, unchanged), { mode: 'keep' }), /truncated/);
    const request = buildReplayRequest(truncated, coreEdits(truncated, { ...unchanged, body: Buffer.from('{}').toString('base64') }), { mode: 'keep' });
    assert.equal(request.body.toString(), '{}');
  });

  it('strips the signature headers without a provider resigner, and refuses to sign', () => {
    const stripper = headerStripper(['x-hub-signature-256', 'X-Hub-Signature']);
    const request = buildReplayRequest(exchange, {}, { mode: 'strip', resigner: stripper });
    assert.deepEqual(headerPairs(request.rawHeaders).map(([name]) => name), ['Host', 'X-GitHub-Event', 'Content-Type', 'X-Dup', 'X-Dup', 'Content-Length']);
    assert.throws(() => buildReplayRequest(exchange, {}, { mode: 'resign', resigner: stripper }), /Verify Webhooks From/);
  });

  it('says what happened to the signature', () => {
    assert.match(signatureNote('resign', 'GitHub')!, /Re-signed for GitHub/);
    assert.match(signatureNote('strip', undefined)!, /without signature headers/);
    assert.equal(signatureNote('keep', 'GitHub'), undefined);
  });
});
