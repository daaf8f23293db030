import { formatDuration } from '../../src/shared/bodyFormat';
import type { ExchangeView, HeaderPair, SignatureVerdict } from '../../src/shared/protocol';
import { bodySection } from './bodyViewer';
import { h, icon } from './dom';
import type { IconName } from './dom';

export interface ExchangeLinks {
  open(exchangeId: string): void;
  compare(replayId: string): void;
}

export function statusClass(status: number | undefined, failed = false): string {
  if (failed || status === undefined) return 'status failed';
  if (status >= 500) return 'status server-error';
  if (status >= 400) return 'status client-error';
  if (status >= 300) return 'status redirect';
  return 'status ok';
}

const verdictLook: Record<SignatureVerdict['status'], { icon: IconName; label: (provider: string) => string }> = {
  valid: { icon: 'check', label: (provider) => `Valid ${provider}signature` },
  invalid: { icon: 'x', label: (provider) => `Invalid ${provider}signature` },
  noSecret: { icon: 'warning', label: (provider) => `${provider}signature not checked` },
  unsigned: { icon: 'circle', label: () => 'Unsigned' },
};

const defaultReasons: Record<SignatureVerdict['status'], string> = {
  valid: 'The signature matches the body.',
  invalid: 'The signature does not match.',
  noSecret: 'No secret is set for this sender, so it was not checked (Verify Webhooks From…).',
  unsigned: 'No signature header.',
};

/** The signature verdict as a badge with its reason. */
export function verdictBadge(verdict: SignatureVerdict): HTMLElement {
  const look = verdictLook[verdict.status];
  const provider = verdict.providerName ? `${verdict.providerName} ` : '';
  const label = look.label(provider);
  return h(
    'div',
    { class: `verdict verdict-${verdict.status}`, attrs: { role: 'status' } },
    h('span', { class: 'verdict-label' }, icon(look.icon), label.charAt(0).toUpperCase() + label.slice(1)),
    h('span', { class: 'verdict-reason' }, verdict.message ?? defaultReasons[verdict.status]),
  );
}

export function shortId(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}

export function linkButton(text: string, title: string, onClick: () => void): HTMLButtonElement {
  return h('button', { class: 'link', attrs: { type: 'button', title }, on: { click: onClick } }, text);
}

function statusLabel(exchange: ExchangeView): string {
  const { response, error } = exchange;
  if (exchange.upgrade && !response) return 'Upgraded';
  if (!response) return error ? 'No response' : '—';
  return `${response.status} ${response.statusMessage}`.trim();
}

/** Method, URL, status, timing, addresses, sender and verdict: the panel's heading. */
export function renderSummary(exchange: ExchangeView, links: ExchangeLinks): HTMLElement {
  const received = new Date(exchange.startedAt);
  const timing = exchange.upstreamHeadersMs === undefined ? formatDuration(exchange.totalMs) : `${formatDuration(exchange.totalMs)} (headers after ${formatDuration(exchange.upstreamHeadersMs)})`;
  const meta: [string, Node | string][] = [
    ['Received', received.toLocaleString()],
    ['Duration', timing],
    ['From', exchange.clientAddress || 'unknown'],
    ['Forwarded to', exchange.upstream],
    ['Id', h('code', { attrs: { title: exchange.id } }, exchange.id)],
  ];
  return h(
    'header',
    { class: 'summary' },
    h(
      'div',
      { class: 'title-row' },
      h('span', { class: 'method' }, exchange.request.method),
      h('h1', { class: 'url', attrs: { title: exchange.request.url } }, exchange.request.url),
      h('span', { class: statusClass(exchange.response?.status, exchange.error !== undefined) }, statusLabel(exchange)),
      exchange.response?.synthetic ? h('span', { class: 'muted' }, 'answered by Webhook Tunnel') : null,
    ),
    h('dl', { class: 'meta' }, ...meta.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
    h(
      'div',
      { class: 'facts' },
      verdictBadge(exchange.verdict),
      exchange.detected ? h('span', { class: 'chip', attrs: { title: 'Detected sender and event' } }, exchange.detected.providerName, exchange.detected.event ? h('span', { class: 'chip-detail' }, ` · ${exchange.detected.event}`) : null) : null,
      exchange.replayOf
        ? h(
            'span',
            { class: 'replay-of' },
            icon('replay'),
            'Replay of ',
            linkButton(shortId(exchange.replayOf), `Open ${exchange.replayOf}`, () => links.open(exchange.replayOf!)),
            h('button', { class: 'secondary small', attrs: { type: 'button' }, on: { click: () => links.compare(exchange.id) } }, icon('diff'), 'Compare With Original'),
          )
        : null,
    ),
    exchange.error ? h('p', { class: 'note error' }, icon('x'), exchange.error.message, exchange.error.code ? h('span', { class: 'muted' }, ` (${exchange.error.code})`) : null) : null,
  );
}

export function headersTable(headers: readonly HeaderPair[], label: string): HTMLElement {
  return h(
    'details',
    { class: 'headers', attrs: { open: true } },
    h('summary', {}, h('h3', {}, `${label} `, h('span', { class: 'count' }, String(headers.length)))),
    headers.length === 0
      ? h('p', { class: 'empty' }, 'No headers.')
      : h('table', { class: 'pairs', attrs: { 'aria-label': label } }, h('tbody', {}, ...headers.map(([name, value]) => h('tr', {}, h('th', { attrs: { scope: 'row' } }, name), h('td', {}, value))))),
  );
}

/** Request and response side by side. */
export function renderInspect(exchange: ExchangeView): HTMLElement {
  const { request, response } = exchange;
  const requestPane = h(
    'section',
    { class: 'pane', attrs: { 'aria-label': 'Request' } },
    h('h2', {}, 'Request'),
    h('p', { class: 'start-line' }, `${request.method} ${request.url} HTTP/${request.httpVersion}`),
    headersTable(request.headers, 'Request headers'),
    bodySection(request.body, 'Request body'),
  );
  const responsePane = h(
    'section',
    { class: 'pane', attrs: { 'aria-label': 'Response' } },
    h('h2', {}, 'Response'),
    ...(response
      ? [
          h('p', { class: 'start-line' }, `HTTP/${request.httpVersion} ${response.status} ${response.statusMessage}`),
          response.synthetic ? h('p', { class: 'note info' }, icon('info'), 'Webhook Tunnel answered this itself: the dev server did not.') : null,
          headersTable(response.headers, 'Response headers'),
          bodySection(response.body, 'Response body'),
        ]
      : [h('p', { class: 'empty' }, exchange.upgrade ? 'Upgraded to a WebSocket and passed through; frames are not recorded.' : exchange.error ? `No response: ${exchange.error.message}` : 'No response recorded.')]),
  );
  return h('div', { class: 'columns' }, requestPane, responsePane);
}
