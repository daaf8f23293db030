import assert from 'node:assert/strict';
import { defaultSignature, draftFrom, editProblem, headersToSend, signatureBreakingChange } from '../../../src/shared/replayDraft';
import { exchangeView } from './fixtures';

describe('replay form rules', () => {
  const exchange = exchangeView();
  const draft = draftFrom(exchange);

  it('prefills the form from the exchange, body as recorded text', () => {
    assert.deepEqual(draft, { method: 'POST', url: '/hooks', headers: [['Content-Type', 'application/json'], ['X-Hub-Signature-256', 'sha256=abc']], body: '{"a":1}', bodyEdited: false, via: 'upstream' });
    assert.notEqual(draft.headers[0], exchange.request.headers[0], 'a copy, not the exchange’s own pairs');
  });

  it('re-signs by default only when a secret is known and the edit breaks the signature', () => {
    const edited = { ...draft, body: '{"a":2}', bodyEdited: true };
    assert.equal(signatureBreakingChange(exchange, edited), 'the body changed');
    assert.equal(defaultSignature(exchange, edited, true), 'resign');
    assert.equal(defaultSignature(exchange, edited, false), 'keep');
    assert.equal(defaultSignature(exchange, draft, true), 'keep');
    // Typing and undoing leaves the body as it was.
    assert.equal(defaultSignature(exchange, { ...draft, bodyEdited: true }, true), 'keep');
    const resigned = { ...draft, headers: [['Content-Type', 'application/json'], ['x-hub-signature-256', 'sha256=other']] as [string, string][] };
    assert.equal(signatureBreakingChange(exchange, resigned), 'x-hub-signature-256 changed');
    assert.equal(defaultSignature(exchange, { ...draft, headers: [...draft.headers, ['X-Extra', '1']] }, true), 'keep');
    assert.equal(defaultSignature(exchange, { ...draft, url: '/hooks?again=1' }, true), 'resign');
  });

  it('names what the extension would refuse to send', () => {
    assert.equal(editProblem(draft), undefined);
    assert.match(editProblem({ ...draft, method: 'PO ST' })!, /method/);
    assert.match(editProblem({ ...draft, url: 'hooks' })!, /start with \//);
    assert.match(editProblem({ ...draft, url: '/a b' })!, /no spaces/);
    assert.match(editProblem({ ...draft, headers: [['X Bad', '1']] })!, /not a valid header name/);
    assert.equal(editProblem({ ...draft, headers: [['', '']] }), undefined);
    assert.deepEqual(headersToSend([['A', '1'], ['', ''], ['B', '']]), [['A', '1'], ['B', '']]);
  });
});
