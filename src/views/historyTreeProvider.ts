import * as vscode from 'vscode';
import { exchangeOutcome, exchangePath, statusText } from '../core/history/exchangeSummary';
import type { ExchangeOutcome } from '../core/history/exchangeSummary';
import type { LazyHistory } from '../core/history/lazyHistory';
import type { StoredExchange } from '../core/history/storedExchange';
import { formatAge, formatBytes, formatDuration } from '../core/util/format';
import type { ExchangeVerdict } from '../core/signatures/exchangeVerdict';
import { matchesFilter } from '../core/history/historyFilter';
import type { HistoryFilter } from '../core/history/historyFilter';
import { Disposable } from '../dispose';
import type { VerdictCache } from './verdictCache';

/** `contextValue` tokens, matched in package.json with `viewItem =~ /^exchange\b/`. */
export const exchangeContext = { exchange: 'exchange', failed: 'exchange:failed', replay: 'exchange:replay' } as const;

const outcomeIcons: Record<ExchangeOutcome, vscode.ThemeIcon> = {
  success: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  redirect: new vscode.ThemeIcon('arrow-right', new vscode.ThemeColor('charts.blue')),
  clientError: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  serverError: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  failed: new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('testing.iconFailed')),
  upgrade: new vscode.ThemeIcon('plug', new vscode.ThemeColor('charts.purple')),
};

/** Relative ages drift, so the visible rows are refreshed this often. */
const ageRefreshMs = 30_000;

/** The captured calls, newest first. Rows are plain history entries; VS Code items are made on demand. */
export class HistoryTreeProvider extends Disposable implements vscode.TreeDataProvider<StoredExchange> {
  private readonly changed = this.register(new vscode.EventEmitter<StoredExchange | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly history: LazyHistory,
    private readonly verdicts: VerdictCache,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.register(history.onDidChange(() => this.changed.fire(undefined)));
    this.register(verdicts.onDidChange(() => this.changed.fire(undefined)));
    const timer = setInterval(() => this.changed.fire(undefined), ageRefreshMs);
    this.register({ dispose: () => clearInterval(timer) });
  }

  private filter: HistoryFilter | undefined;

  /** Shows only the calls that match; undefined shows all. */
  setFilter(filter: HistoryFilter | undefined): void {
    this.filter = filter;
    this.changed.fire(undefined);
  }

  get activeFilter(): HistoryFilter | undefined {
    return this.filter;
  }

  getChildren(element?: StoredExchange): StoredExchange[] {
    if (element) return [];
    const filter = this.filter;
    const entries = this.history.entries();
    return filter ? entries.filter((exchange) => matchesFilter(exchange, filter, this.verdicts.get(exchange.id)?.status)) : [...entries];
  }

  getTreeItem(exchange: StoredExchange): vscode.TreeItem {
    const item = new vscode.TreeItem(`${exchange.request.method} ${exchangePath(exchange)}`, vscode.TreeItemCollapsibleState.None);
    item.id = exchange.id;
    const verdict = this.verdicts.get(exchange.id);
    const parts = [exchange.replayOf ? '↻ replay' : undefined, statusText(exchange), verdict && verdictLabel(verdict), formatAge(this.now() - exchange.startedAt)];
    item.description = parts.filter(Boolean).join(' · ');
    item.iconPath = verdict?.status === 'invalid' ? invalidSignatureIcon : outcomeIcons[exchangeOutcome(exchange)];
    item.tooltip = exchangeTooltip(exchange, exchange.replayOf ? this.history.get(exchange.replayOf) : undefined, verdict);
    item.contextValue = exchange.replayOf ? exchangeContext.replay : exchange.error ? exchangeContext.failed : exchangeContext.exchange;
    item.command = { command: 'webhookTunnel.showExchange', title: 'Show Details', arguments: [exchange] };
    item.accessibilityInformation = { label: `${exchange.request.method} ${exchange.request.url}, ${item.description}` };
    return item;
  }

  getParent(): undefined {
    return undefined;
  }
}

const invalidSignatureIcon = new vscode.ThemeIcon('workspace-untrusted', new vscode.ThemeColor('testing.iconFailed'));

/** Provider and event first (what the call is), then what its signature says. */
export function verdictLabel(verdict: ExchangeVerdict): string | undefined {
  const what = 'provider' in verdict && verdict.provider ? [verdict.provider, verdict.eventType].filter(Boolean).join(' ') : undefined;
  const status = { valid: '✓ valid', invalid: '✗ invalid signature', noSecret: 'no secret', unsigned: 'unsigned' }[verdict.status];
  if (verdict.status === 'unsigned' && !what) return undefined;
  return what ? `${what} ${status}` : status;
}

function verdictExplanation(verdict: ExchangeVerdict): string {
  switch (verdict.status) {
    case 'valid':
      return `$(verified) Signature valid (${verdict.provider}).`;
    case 'invalid':
      return `$(error) Signature invalid (${verdict.provider}): ${verdict.message}`;
    case 'noSecret':
      return `$(key) Signed by ${verdict.provider}, but there is no secret to check it with: run "Verify Webhooks From…".`;
    case 'unsigned':
      return verdict.provider ? `Not signed, though ${verdict.provider} signs its webhooks.` : 'Not signed by any known provider.';
  }
}

function exchangeTooltip(exchange: StoredExchange, original: StoredExchange | undefined, verdict: ExchangeVerdict | undefined): vscode.MarkdownString {
  const { request, response } = exchange;
  const body = (info: { size: number; truncated: boolean }): string => `${formatBytes(info.size)}${info.truncated ? ' (recorded truncated)' : ''}`;
  const lines = [
    `**${request.method}** \`${request.url}\``,
    '',
    `| | |`,
    `|---|---|`,
    `| Status | ${response ? `${response.statusCode} ${response.statusMessage}${response.synthetic ? ' (from Webhook Tunnel)' : ''}` : '—'} |`,
    `| Received | ${new Date(exchange.startedAt).toLocaleString()} |`,
    `| Duration | ${formatDuration(exchange.timings.totalMs)} |`,
    `| From | ${exchange.clientAddress || 'unknown'} |`,
    `| Forwarded to | ${exchange.upstream} |`,
    `| Request body | ${body(request.body)} |`,
  ];
  if (response) lines.push(`| Response body | ${body(response.body)} |`);
  if (exchange.replayOf) {
    const when = original ? `${original.request.method} ${original.request.url} at ${new Date(original.startedAt).toLocaleTimeString()}` : 'a call no longer in the history';
    lines.push(`| Replay of | ${when} |`);
  }
  if (verdict) lines.push('', verdictExplanation(verdict));
  if (exchange.error) lines.push('', `$(error) ${exchange.error.message}`);
  const markdown = new vscode.MarkdownString(lines.join('\n'), true);
  return markdown;
}
