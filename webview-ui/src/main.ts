import { assertNever, parseToWebview } from '../../src/shared/protocol';
import type { ExchangeView, PanelMode, ReplayDraft, ToWebview } from '../../src/shared/protocol';
import { h, replaceChildren } from './dom';
import { renderInspect, renderSummary } from './inspectView';
import type { ExchangeLinks } from './inspectView';
import { ReplayForm } from './replayForm';
import { vscodeApi } from './vscodeApi';

const app = document.getElementById('app')!;
let saved = vscodeApi.getState();
let shown: { exchange: ExchangeView; mode: PanelMode; form: ReplayForm; tabs: Record<PanelMode, HTMLButtonElement>; panels: Record<PanelMode, HTMLElement> } | undefined;
let requestCounter = 0;
let saveTimer: ReturnType<typeof setTimeout> | undefined;

const links: ExchangeLinks = {
  open: (exchangeId) => vscodeApi.post({ type: 'exchange/open', exchangeId }),
  compare: (replayId) => vscodeApi.post({ type: 'replay/compare', replayId }),
};

/** Drafts can be large, so typing saves at most a few times a second. */
function save(state: { exchangeId: string; mode: PanelMode; draft?: ReplayDraft }, soon = false): void {
  saved = state;
  clearTimeout(saveTimer);
  if (soon) saveTimer = setTimeout(() => vscodeApi.setState(state), 300);
  else vscodeApi.setState(state);
}

function currentDraft(): ReplayDraft | undefined {
  return saved && shown && saved.exchangeId === shown.exchange.id ? saved.draft : undefined;
}

function selectMode(mode: PanelMode, tell: boolean): void {
  if (!shown) return;
  shown.mode = mode;
  for (const key of ['inspect', 'replay'] as const) {
    shown.tabs[key].setAttribute('aria-selected', String(key === mode));
    shown.tabs[key].tabIndex = key === mode ? 0 : -1;
    shown.panels[key].hidden = key !== mode;
  }
  const draft = currentDraft();
  save(draft ? { exchangeId: shown.exchange.id, mode, draft } : { exchangeId: shown.exchange.id, mode });
  if (tell) vscodeApi.post({ type: 'mode/set', mode });
}

function showExchange(exchange: ExchangeView, mode: PanelMode, secretKnown: boolean): void {
  const draft = saved?.exchangeId === exchange.id ? saved.draft : undefined;
  const form = new ReplayForm(exchange, secretKnown, draft, {
    ...links,
    changed: (next) => save({ exchangeId: exchange.id, mode: shown?.mode ?? mode, draft: next }, true),
    send: (edits, options) => {
      const requestId = `r${Date.now().toString(36)}${(requestCounter++).toString(36)}`;
      form.expect(requestId);
      vscodeApi.post({ type: 'replay/send', requestId, exchangeId: exchange.id, edits, options });
    },
  });
  const tab = (key: PanelMode, label: string): HTMLButtonElement =>
    h('button', { class: 'tab', attrs: { type: 'button', role: 'tab', id: `tab-${key}`, 'aria-controls': `panel-${key}` }, on: { click: () => selectMode(key, true), keydown: onTabKey } }, label);
  const tabs = { inspect: tab('inspect', 'Inspect'), replay: tab('replay', 'Replay With Modifications') };
  const panels = {
    inspect: h('section', { attrs: { role: 'tabpanel', id: 'panel-inspect', 'aria-labelledby': 'tab-inspect' } }, renderInspect(exchange)),
    replay: h('section', { attrs: { role: 'tabpanel', id: 'panel-replay', 'aria-labelledby': 'tab-replay' } }, form.element),
  };
  shown = { exchange, mode, form, tabs, panels };
  replaceChildren(app, renderSummary(exchange, links), h('nav', { class: 'tabs', attrs: { role: 'tablist', 'aria-label': 'View' } }, tabs.inspect, tabs.replay), panels.inspect, panels.replay);
  selectMode(mode, false);
}

function onTabKey(event: KeyboardEvent): void {
  if (!shown || (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight')) return;
  const next: PanelMode = shown.mode === 'inspect' ? 'replay' : 'inspect';
  selectMode(next, true);
  shown.tabs[next].focus();
}

function handle(message: ToWebview): void {
  switch (message.type) {
    case 'exchange/show':
      showExchange(message.exchange, message.mode, message.secretKnown);
      return;
    case 'exchange/missing':
      shown = undefined;
      replaceChildren(app, h('div', { class: 'placeholder' }, h('h1', {}, 'Nothing to show'), h('p', {}, message.message)));
      return;
    case 'replay/result':
      shown?.form.showResult(message);
      return;
    default:
      assertNever(message);
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseToWebview(event.data);
  if (!parsed.ok) {
    // The page trusts nothing it did not check; a wrong shape is a bug in the extension, so say so in the webview's devtools.
    console.error('Webhook Tunnel: ignored a malformed message:', parsed.reason);
    return;
  }
  handle(parsed.value);
});

vscodeApi.post({ type: 'ready' });
