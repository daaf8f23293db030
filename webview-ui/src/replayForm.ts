import { bytesToBase64, formatBytes, formatDuration, prettyJson } from '../../src/shared/bodyFormat';
import type { ExchangeView, HeaderPair, ReplayDraft, ReplayEdits, ReplayOptions, ReplayOutcome, ReplayVia, SignatureOption, ToWebview } from '../../src/shared/protocol';
import { defaultSignature, draftFrom, editProblem, headersToSend, originalBodyText, signatureBreakingChange } from '../../src/shared/replayDraft';
import { DecodedBody, truncationText } from './bodyViewer';
import { h, icon, replaceChildren } from './dom';
import { headersTable, linkButton, statusClass, verdictBadge } from './inspectView';
import type { ExchangeLinks } from './inspectView';

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const previewChars = 2048;

const clip = (text: string): string => (text.length > previewChars ? `${text.slice(0, previewChars)}…` : text);

export interface ReplayFormEvents extends ExchangeLinks {
  changed(draft: ReplayDraft): void;
  send(edits: ReplayEdits, options: ReplayOptions): void;
}

function radio(name: string, value: string, checked: boolean, label: string, detail: string, disabled = false): HTMLLabelElement {
  return h(
    'label',
    { class: `choice${disabled ? ' disabled' : ''}` },
    h('input', { attrs: { type: 'radio', name, value, checked, disabled } }),
    h('span', {}, h('span', { class: 'choice-label' }, label), h('span', { class: 'choice-detail' }, detail)),
  );
}

/** Replay With Modifications: the editable request, the options, Send, and the result. */
export class ReplayForm {
  readonly element: HTMLElement;
  private draft: ReplayDraft;
  private readonly original: DecodedBody;
  private readonly originalText: string | undefined;
  private readonly headerRows = h('div', { class: 'header-rows' });
  private readonly bodyBox = h('textarea', { class: 'body-input', attrs: { spellcheck: 'false', rows: 14, 'aria-label': 'Body' } });
  private readonly method = h('select', { attrs: { 'aria-label': 'Method' } });
  private readonly url = h('input', { class: 'url-input', attrs: { type: 'text', spellcheck: 'false', 'aria-label': 'Path and query' } });
  private readonly signatureHint = h('p', { class: 'hint' });
  private readonly bodySize = h('span', { class: 'muted' });
  private readonly problems = h('div', { class: 'problems', attrs: { 'aria-live': 'polite' } });
  private readonly sendButton = h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Send');
  private readonly result = h('section', { class: 'result', attrs: { 'aria-label': 'Replay result', 'aria-live': 'polite' } });
  private readonly signatureGroup: HTMLFieldSetElement;
  private readonly viaGroup: HTMLFieldSetElement;
  private pendingRequest: string | undefined;

  constructor(
    private readonly exchange: ExchangeView,
    private readonly secretKnown: boolean,
    draft: ReplayDraft | undefined,
    private readonly events: ReplayFormEvents,
  ) {
    this.original = new DecodedBody(exchange.request.body);
    this.originalText = originalBodyText(exchange);
    this.draft = draft ?? draftFrom(exchange);
    const unsignedOriginal = exchange.verdict.status === 'unsigned' && exchange.signedHeaders.length === 0;
    this.signatureGroup = h(
      'fieldset',
      { class: 'choices', on: { change: (event) => this.update({ signature: (event.target as HTMLInputElement).value as SignatureOption }) } },
      h('legend', {}, 'Signature'),
      radio('signature', 'resign', false, 'Re-sign', secretKnown ? 'Compute a fresh signature (and timestamp, where the scheme has one) with the known secret.' : 'Needs the sender’s secret: set it with “Verify Webhooks From…”.', !secretKnown),
      radio('signature', 'keep', false, 'Keep the original signature', 'Send the captured signature headers unchanged.'),
      radio('signature', 'strip', false, 'Strip signatures', 'Remove the signature headers, to test how the receiver handles unsigned calls.'),
      this.signatureHint,
    );
    if (unsignedOriginal) this.signatureGroup.classList.add('quiet');
    this.viaGroup = h(
      'fieldset',
      { class: 'choices', on: { change: (event) => this.update({ via: (event.target as HTMLInputElement).value as ReplayVia }) } },
      h('legend', {}, 'Send to'),
      radio('via', 'upstream', this.draft.via === 'upstream', 'Dev server', `Through the capture proxy to ${exchange.upstream}.`),
      radio('via', 'public', this.draft.via === 'public', 'Public URL', 'Through the tunnel, so the edge’s protections and webhook verification apply.'),
    );
    this.element = this.build();
    this.sendButton.disabled = exchange.upgrade;
    this.fill();
  }

  private build(): HTMLElement {
    const { request } = this.exchange;
    for (const method of new Set([...methods, request.method, this.draft.method])) this.method.append(h('option', { attrs: { value: method } }, method));
    this.method.addEventListener('change', () => this.update({ method: this.method.value }));
    this.url.addEventListener('input', () => this.update({ url: this.url.value }));
    this.bodyBox.addEventListener('input', () => this.update({ body: this.bodyBox.value, bodyEdited: true }));
    const binary = request.body.kind === 'binary';
    const truncated = truncationText(request.body, this.original.bytes.length);
    const form = h(
      'form',
      { class: 'replay-form', attrs: { 'aria-label': 'Replay With Modifications' }, on: { submit: (event) => this.submit(event) } },
      h('div', { class: 'request-line' }, this.method, this.url),
      h(
        'div',
        { class: 'section-title' },
        h('h3', {}, 'Headers'),
        h('span', { class: 'muted' }, 'sent in this order; Content-Length follows the body'),
        h('span', { class: 'spacer' }),
        h('button', { class: 'secondary small', attrs: { type: 'button' }, on: { click: () => this.addHeader() } }, 'Add Header'),
      ),
      this.headerRows,
      h(
        'div',
        { class: 'section-title' },
        h('h3', {}, 'Body'),
        this.bodySize,
        h('span', { class: 'spacer' }),
        binary ? h('button', { class: 'secondary small', attrs: { type: 'button' }, on: { click: () => this.editBinaryAsText() } }, 'Edit as Text') : null,
        binary ? null : h('button', { class: 'secondary small', attrs: { type: 'button' }, on: { click: () => this.formatJson() } }, 'Format JSON'),
      ),
      this.exchange.upgrade ? h('p', { class: 'note warning' }, icon('warning'), 'This call was a WebSocket upgrade, which cannot be replayed.') : null,
      truncated ? h('p', { class: 'note warning' }, icon('warning'), `${truncated}. Only an edited body can be replayed.`) : null,
      binary ? h('p', { class: 'note info binary-note' }, icon('info'), 'A binary body is replayed byte for byte as recorded unless you edit it as text.') : null,
      this.bodyBox,
      h('div', { class: 'options' }, this.signatureGroup, this.viaGroup),
      this.problems,
      h(
        'div',
        { class: 'actions' },
        this.sendButton,
        h('button', { class: 'secondary', attrs: { type: 'button' }, on: { click: () => this.reset() } }, 'Reset to Original'),
      ),
    );
    return h('div', { class: 'replay' }, form, this.result);
  }

  /** Puts the draft into the controls (on creation and reset). */
  private fill(): void {
    this.method.value = this.draft.method;
    this.url.value = this.draft.url;
    replaceChildren(this.headerRows, ...this.draft.headers.map((pair, index) => this.headerRow(pair, index)));
    const binaryUntouched = this.exchange.request.body.kind === 'binary' && !this.draft.bodyEdited;
    this.bodyBox.value = binaryUntouched ? '' : this.draft.body;
    this.bodyBox.rows = Math.min(24, Math.max(6, this.bodyBox.value.split('\n').length + 1));
    this.bodyBox.disabled = binaryUntouched;
    this.bodyBox.placeholder = binaryUntouched ? `${formatBytes(this.exchange.request.body.size)} of binary data` : 'No body';
    this.refresh();
  }

  private headerRow([name, value]: HeaderPair, index: number): HTMLElement {
    const nameInput = h('input', { class: 'header-name', attrs: { type: 'text', value: name, spellcheck: 'false', 'aria-label': `Header ${index + 1} name`, placeholder: 'Name' } });
    const valueInput = h('input', { class: 'header-value', attrs: { type: 'text', value, spellcheck: 'false', 'aria-label': `Header ${index + 1} value`, placeholder: 'Value' } });
    const row = h(
      'div',
      { class: 'header-row' },
      nameInput,
      valueInput,
      h('button', { class: 'icon-button', attrs: { type: 'button', title: 'Remove header', 'aria-label': `Remove header ${index + 1}` }, on: { click: () => this.removeHeader(row) } }, icon('x')),
    );
    const changed = (): void => this.update({ headers: this.readHeaders() });
    nameInput.addEventListener('input', changed);
    valueInput.addEventListener('input', changed);
    return row;
  }

  private readHeaders(): HeaderPair[] {
    return [...this.headerRows.querySelectorAll<HTMLElement>('.header-row')].map((row): HeaderPair => [
      row.querySelector<HTMLInputElement>('.header-name')!.value,
      row.querySelector<HTMLInputElement>('.header-value')!.value,
    ]);
  }

  private addHeader(): void {
    const row = this.headerRow(['', ''], this.draft.headers.length);
    this.headerRows.append(row);
    row.querySelector('input')!.focus();
    this.update({ headers: this.readHeaders() });
  }

  private removeHeader(row: HTMLElement): void {
    row.remove();
    this.update({ headers: this.readHeaders() });
  }

  private formatJson(): void {
    const pretty = prettyJson(this.bodyBox.value);
    if (pretty === undefined) {
      this.showProblem('The body is not valid JSON.');
      return;
    }
    this.bodyBox.value = pretty;
    this.update({ body: pretty, bodyEdited: true });
  }

  private editBinaryAsText(): void {
    this.bodyBox.disabled = false;
    this.bodyBox.value = this.original.text ?? '';
    this.update({ body: this.bodyBox.value, bodyEdited: true });
    this.bodyBox.focus();
  }

  private reset(): void {
    this.draft = draftFrom(this.exchange);
    this.fill();
    this.events.changed(this.draft);
  }

  private update(change: Partial<ReplayDraft>): void {
    this.draft = { ...this.draft, ...change };
    this.refresh();
    this.events.changed(this.draft);
  }

  private effectiveSignature(): SignatureOption {
    return this.draft.signature ?? defaultSignature(this.exchange, this.draft, this.secretKnown, this.originalText);
  }

  /** Updates what depends on the edit: the signature choice and its explanation, and any problem. */
  private refresh(): void {
    const signature = this.effectiveSignature();
    for (const input of this.signatureGroup.querySelectorAll<HTMLInputElement>('input')) input.checked = input.value === signature;
    for (const input of this.viaGroup.querySelectorAll<HTMLInputElement>('input')) input.checked = input.value === this.draft.via;
    const breaking = signatureBreakingChange(this.exchange, this.draft, this.originalText);
    const signed = this.exchange.verdict.status !== 'unsigned' || this.exchange.signedHeaders.length > 0;
    let hint = '';
    let warn = false;
    if (!signed) hint = 'The original call is unsigned.';
    else if (this.draft.signature === undefined && signature === 'resign') hint = `Re-signing, because ${breaking}.`;
    else if (signature === 'keep' && breaking) {
      hint = `The captured signature will not match: ${breaking}. The receiver will probably reject this replay.`;
      warn = true;
    } else if (signature === 'keep') hint = 'Nothing the signature covers changed, so the captured one still matches (unless the receiver checks its age).';
    this.signatureHint.textContent = hint;
    const { body } = this.exchange.request;
    this.bodySize.textContent = this.draft.bodyEdited
      ? `${formatBytes(new TextEncoder().encode(this.draft.body).length)} (edited; recorded ${formatBytes(body.size)})`
      : `${formatBytes(body.size)}${body.kind === 'binary' ? ' binary' : ''}`;
    this.signatureHint.classList.toggle('warning', warn);
    this.showProblem(editProblem(this.draft));
  }

  private showProblem(problem: string | undefined): void {
    replaceChildren(this.problems, problem ? h('p', { class: 'note error' }, icon('x'), problem) : null);
  }

  private submit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.pendingRequest) return;
    const problem = editProblem(this.draft);
    if (problem) {
      this.showProblem(problem);
      return;
    }
    const body = this.draft.bodyEdited ? bytesToBase64(new TextEncoder().encode(this.draft.body)) : this.exchange.request.body.base64;
    const edits: ReplayEdits = { method: this.draft.method, url: this.draft.url, headers: headersToSend(this.draft.headers), body };
    this.setSending(true);
    replaceChildren(this.result, h('p', { class: 'muted' }, 'Sending…'));
    this.events.send(edits, { signature: this.effectiveSignature(), via: this.draft.via });
  }

  /** Remembers which request is in flight, so a late answer to an older one is not shown as this one's. */
  expect(requestId: string): void {
    this.pendingRequest = requestId;
  }

  private setSending(sending: boolean): void {
    this.sendButton.disabled = sending || this.exchange.upgrade;
    this.sendButton.textContent = sending ? 'Sending…' : 'Send';
    if (!sending) this.pendingRequest = undefined;
  }

  showResult(message: Extract<ToWebview, { type: 'replay/result' }>): void {
    if (this.pendingRequest !== undefined && message.requestId !== this.pendingRequest) return;
    this.setSending(false);
    const { outcome, exchange } = message;
    if (!outcome.ok) {
      replaceChildren(this.result, h('h2', {}, 'Result'), h('p', { class: 'note error' }, icon('x'), outcome.message));
    } else {
      this.renderResult(outcome, exchange);
    }
    // The result sits below the form: bring it into view (only when the page is already showing the form).
    if (this.element.offsetParent !== null) this.result.scrollIntoView({ block: 'nearest' });
  }

  private renderResult(outcome: Extract<ReplayOutcome, { ok: true }>, exchange: ExchangeView | undefined): void {
    const response = exchange?.response;
    const preview = response ? new DecodedBody(response.body) : undefined;
    const previewText = preview && response!.body.kind !== 'binary' && response!.body.kind !== 'empty' ? (preview.text ?? '') : undefined;
    replaceChildren(
      this.result,
      h(
        'div',
        { class: 'section-title' },
        h('h2', {}, 'Result'),
        h('span', { class: statusClass(outcome.status) }, `${outcome.status} ${outcome.statusMessage ?? ''}`.trim()),
        outcome.durationMs === undefined ? null : h('span', { class: 'muted' }, formatDuration(outcome.durationMs)),
        h('span', { class: 'spacer' }),
        h('button', { class: 'secondary small', attrs: { type: 'button' }, on: { click: () => this.events.compare(outcome.exchangeId) } }, icon('diff'), 'Compare With Original'),
      ),
      h('p', { class: 'recorded' }, 'Recorded as ', linkButton(outcome.exchangeId, 'Open the replay', () => this.events.open(outcome.exchangeId))),
      outcome.note ? h('p', { class: 'note info' }, icon('info'), outcome.note) : null,
      exchange ? verdictBadge(exchange.verdict) : null,
      response ? headersTable(response.headers, 'Response headers') : null,
      response
        ? h(
            'div',
            { class: 'body' },
            h('div', { class: 'section-title' }, h('h3', {}, 'Response body'), h('span', { class: 'muted' }, [formatBytes(response.body.size), response.body.contentType].filter(Boolean).join(' · '))),
            previewText === undefined
              ? h('p', { class: 'empty' }, response.body.kind === 'empty' ? 'No body.' : 'Binary body; open the replay to see it in hex.')
              : h('pre', { class: 'code' }, clip((response.body.kind === 'json' ? prettyJson(previewText) : undefined) ?? previewText)),
          )
        : null,
    );
  }
}
