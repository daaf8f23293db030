import assert from 'node:assert/strict';
import { HistoryFilterError, matchesFilter, parseHistoryFilter } from '../../../src/core/history/historyFilter';
import type { StoredExchange } from '../../../src/core/history/storedExchange';

function stored(id: string, method: string, url: string, status: number, rawHeaders: string[] = [], replayOf?: string): StoredExchange {
  const body = { size: 0, truncated: false, recordedBytes: 0 };
  return {
    id,
    startedAt: 0,
    timings: { totalMs: 1 },
    clientAddress: '127.0.0.1',
    upstream: 'http://localhost:3000',
    request: { method, url, httpVersion: '1.1', rawHeaders, body },
    response: { statusCode: status, statusMessage: '', rawHeaders: [], body },
    replayOf,
  };
}

describe('History filter', () => {
  const github = stored('a', 'POST', '/hooks/github?x=1', 200, ['X-GitHub-Event', 'push', 'X-Hub-Signature-256', 'sha256=00']);
  const stripe = stored('b', 'POST', '/hooks/stripe', 502, ['Stripe-Signature', 't=1,v1=00']);
  const replay = stored('c', 'POST', '/hooks/github', 200, [], 'a');
  const get = stored('d', 'GET', '/health', 404);
  const all = [github, stripe, replay, get];
  const ids = (text: string, verdicts: Record<string, 'valid' | 'invalid'> = {}) => all.filter((e) => matchesFilter(e, parseHistoryFilter(text), verdicts[e.id])).map((e) => e.id);

  it('filters by method, path, status class or code, provider, verdict and replays of a call', () => {
    assert.deepEqual(ids('GET'), ['d']);
    assert.deepEqual(ids('/hooks'), ['a', 'b', 'c']);
    assert.deepEqual(ids('post github'), ['a', 'c'], 'the query string is not part of the path');
    assert.deepEqual(ids('status:5xx'), ['b']);
    assert.deepEqual(ids('status:404 status:502'), ['b', 'd']);
    assert.deepEqual(ids('provider:stripe'), ['b']);
    assert.deepEqual(ids('verdict:invalid', { a: 'valid', b: 'invalid' }), ['b']);
    assert.deepEqual(ids('replays:a'), ['a', 'c']);
    assert.deepEqual(ids(''), ['a', 'b', 'c', 'd']);
  });

  it('says what is wrong with a filter it does not understand', () => {
    assert.throws(() => parseHistoryFilter('status:2x'), HistoryFilterError);
    assert.throws(() => parseHistoryFilter('verdict:maybe'), /use valid, invalid, unsigned or nosecret/);
    assert.throws(() => parseHistoryFilter('colour:red'), /Unknown filter "colour:"/);
  });
});
