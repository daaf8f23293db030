import { availableViews, base64ToBytes, decodeText, formatBytes, hexDump, parseForm, prettyJson } from '../../src/shared/bodyFormat';
import type { BodyKind, BodyView } from '../../src/shared/protocol';
import { h, icon, replaceChildren } from './dom';
import type { Child } from './dom';

const viewLabels: Record<BodyKind, string> = { json: 'JSON', form: 'Form', text: 'Text', binary: 'Hex', empty: 'Empty' };
const hexLimit = 64 * 1024;
/** Beyond this, JSON is shown without colours: thousands of spans would make the page sluggish. */
const highlightLimit = 256 * 1024;

/** A decoded body: bytes once, text lazily. */
export class DecodedBody {
  readonly bytes: Uint8Array;
  private decoded: string | undefined | null = null;

  constructor(readonly view: BodyView) {
    this.bytes = base64ToBytes(view.base64);
  }

  /** The body as text in its charset; undefined for compressed bodies. */
  get text(): string | undefined {
    if (this.decoded === null) this.decoded = this.view.contentEncoding && this.view.contentEncoding.toLowerCase() !== 'identity' ? undefined : decodeText(this.bytes, this.view.charset);
    return this.decoded;
  }
}

/** "Truncated: 1.0 MB of 5.2 MB recorded (5452595 bytes in all)", or undefined for a whole body. */
export function truncationText(view: BodyView, recorded: number): string | undefined {
  return view.truncated ? `Truncated: ${formatBytes(recorded)} of ${formatBytes(view.size)} recorded (${view.size} bytes in all)` : undefined;
}

/** JSON with token colours, built as text nodes. */
function highlightJson(pretty: string): HTMLElement {
  const pre = h('pre', { class: 'code json' });
  if (pretty.length > highlightLimit) {
    pre.textContent = pretty;
    return pre;
  }
  const token = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false)\b|\b(null)\b/g;
  let last = 0;
  for (let match = token.exec(pretty); match; match = token.exec(pretty)) {
    if (match.index > last) pre.append(pretty.slice(last, match.index));
    const [, string, colon, number, bool, nil] = match;
    if (string !== undefined) {
      pre.append(h('span', { class: colon ? 'tok-key' : 'tok-string' }, string));
      if (colon) pre.append(colon);
    } else if (number !== undefined) pre.append(h('span', { class: 'tok-number' }, number));
    else if (bool !== undefined) pre.append(h('span', { class: 'tok-boolean' }, bool));
    else if (nil !== undefined) pre.append(h('span', { class: 'tok-null' }, nil));
    last = token.lastIndex;
  }
  pre.append(pretty.slice(last));
  return pre;
}

function note(text: string, kind: 'info' | 'warning' = 'info'): HTMLElement {
  return h('p', { class: `note ${kind}` }, icon(kind === 'warning' ? 'warning' : 'info'), text);
}

function renderView(body: DecodedBody, view: BodyKind): Child[] {
  const text = body.text;
  switch (view) {
    case 'empty':
      return [h('p', { class: 'empty' }, body.view.size > 0 ? 'Not recorded.' : 'No body.')];
    case 'json': {
      const pretty = text === undefined ? undefined : prettyJson(text);
      if (pretty !== undefined) return [highlightJson(pretty)];
      return [note(body.view.truncated ? 'The JSON is cut off, so it is shown as recorded.' : 'Not valid JSON; shown as text.'), h('pre', { class: 'code' }, text ?? '')];
    }
    case 'form': {
      const pairs = parseForm(text ?? '');
      if (pairs.length === 0) return [h('p', { class: 'empty' }, 'No fields.')];
      return [h('table', { class: 'pairs' }, h('tbody', {}, ...pairs.map(([name, value]) => h('tr', {}, h('th', { attrs: { scope: 'row' } }, name), h('td', {}, value)))))];
    }
    case 'text':
      return [h('pre', { class: 'code' }, text ?? '')];
    case 'binary':
      return [
        h('pre', { class: 'code hex' }, hexDump(body.bytes, hexLimit)),
        body.bytes.length > hexLimit ? note(`First ${formatBytes(hexLimit)} of ${formatBytes(body.bytes.length)} shown.`) : null,
      ];
  }
}

/** A body with its size, the truncation marker and a JSON / Form / Text / Hex switch. */
export function bodySection(view: BodyView, label: string): HTMLElement {
  const body = new DecodedBody(view);
  const views = availableViews(view.kind, body.text);
  let current = views[0]!;
  const content = h('div', { class: 'body-content' });
  const buttons = views.map((kind) =>
    h('button', { class: 'toggle', attrs: { type: 'button', 'aria-pressed': String(kind === current), 'data-view': kind }, on: { click: () => show(kind) } }, viewLabels[kind]),
  );
  const copy = h('button', { class: 'icon-button', attrs: { type: 'button', title: 'Copy body', 'aria-label': `Copy ${label.toLowerCase()}` }, on: { click: () => void copyBody() } }, icon('copy'));
  const show = (kind: BodyKind): void => {
    current = kind;
    for (const button of buttons) button.setAttribute('aria-pressed', String(button.dataset.view === kind));
    replaceChildren(content, ...renderView(body, kind));
  };
  const copyBody = async (): Promise<void> => {
    const shown = content.querySelector('pre, table');
    await navigator.clipboard.writeText(current === 'binary' || current === 'form' ? (shown?.textContent ?? '') : current === 'json' ? (prettyJson(body.text ?? '') ?? body.text ?? '') : (body.text ?? ''));
  };
  const truncated = truncationText(view, body.bytes.length);
  const type = [view.contentType, view.contentEncoding && `encoded ${view.contentEncoding}`].filter(Boolean).join(', ');
  show(current);
  return h(
    'div',
    { class: 'body', attrs: { 'aria-label': label } },
    h(
      'div',
      { class: 'section-title' },
      h('h3', {}, label),
      h('span', { class: 'muted' }, [formatBytes(view.size), type].filter(Boolean).join(' · ')),
      h('span', { class: 'spacer' }),
      views.length > 1 ? h('div', { class: 'toggles', attrs: { role: 'group', 'aria-label': `${label} view` } }, ...buttons) : null,
      view.kind === 'empty' ? null : copy,
    ),
    truncated ? h('p', { class: 'note warning truncated' }, icon('warning'), truncated) : null,
    content,
  );
}
