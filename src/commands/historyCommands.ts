import * as vscode from 'vscode';
import { exchangePath, statusText } from '../core/history/exchangeSummary';
import type { StoredExchange } from '../core/history/storedExchange';
import { formatAge } from '../core/util/format';
import { ExchangeDocuments } from '../views/exchangeDocuments';
import type { CommandContext } from './commandContext';
import type { ContextKeys } from '../contextKeys';
import { HistoryFilterError, parseHistoryFilter } from '../core/history/historyFilter';
import type { HistoryView } from '../views/historyView';
import { ExchangePanel } from '../panels/exchangePanel';

function isStoredExchange(value: unknown): value is StoredExchange {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string' && 'request' in value;
}

async function pickExchange({ history }: CommandContext): Promise<StoredExchange | undefined> {
  const entries = history.entries();
  if (entries.length === 0) {
    void vscode.window.showInformationMessage('No webhooks captured yet.');
    return undefined;
  }
  const now = Date.now();
  const picked = await vscode.window.showQuickPick(
    entries.map((exchange) => ({ label: `${exchange.request.method} ${exchangePath(exchange)}`, description: `${statusText(exchange)} · ${formatAge(now - exchange.startedAt)}`, exchange })),
    { placeHolder: 'Pick a captured call', matchOnDescription: true },
  );
  return picked?.exchange;
}

export async function showExchange(context: CommandContext, target?: unknown): Promise<void> {
  const exchange = isStoredExchange(target) ? target : typeof target === 'string' ? context.history.get(target) : await pickExchange(context);
  if (!exchange) return;
  ExchangePanel.createOrShow(context.extensionUri, context.exchangePanelHost, exchange.id, 'inspect');
}

export async function replayWithModifications(context: CommandContext, target?: unknown): Promise<void> {
  const exchange = isStoredExchange(target) ? target : typeof target === 'string' ? context.history.get(target) : await pickExchange(context);
  if (!exchange) return;
  ExchangePanel.createOrShow(context.extensionUri, context.exchangePanelHost, exchange.id, 'replay');
}

export async function clearHistory({ history }: CommandContext): Promise<void> {
  const count = history.entries().length;
  if (count === 0) return;
  const choice = await vscode.window.showWarningMessage(
    `Clear ${count} captured call${count === 1 ? '' : 's'}?`,
    { modal: true, detail: 'They are deleted from this workspace\'s history and cannot be replayed afterwards.' },
    'Clear History',
  );
  if (choice === 'Clear History') await history.clear();
}

/** Filter History…: method, path, status, provider, verdict, replays of a call. */
export async function filterHistory(_context: CommandContext, historyView: HistoryView, contextKeys: ContextKeys): Promise<void> {
  const text = await vscode.window.showInputBox({
    title: 'Filter History',
    prompt: 'Method, path text, status:5xx, provider:github, verdict:invalid, replays:<id> — all must match',
    value: historyView.provider.activeFilter?.text ?? '',
    validateInput: (value) => {
      try {
        parseHistoryFilter(value);
        return undefined;
      } catch (error) {
        return error instanceof HistoryFilterError ? error.message : String(error);
      }
    },
  });
  if (text === undefined) return;
  const filter = text.trim() ? parseHistoryFilter(text) : undefined;
  historyView.setFilter(filter);
  contextKeys.set('webhookTunnel:filtered', filter !== undefined);
}

export function clearFilter(_context: CommandContext, historyView: HistoryView, contextKeys: ContextKeys): void {
  historyView.setFilter(undefined);
  contextKeys.set('webhookTunnel:filtered', false);
}

/** Compare With Original: VS Code's diff editor between the original call and its replay, request and response. */
export async function compareWithOriginal(context: CommandContext, target?: unknown): Promise<void> {
  const replay = isStoredExchange(target) ? target : typeof target === 'string' ? context.history.get(target) : undefined;
  const original = replay?.replayOf ? context.history.get(replay.replayOf) : undefined;
  if (!replay || !original) {
    void vscode.window.showInformationMessage(replay?.replayOf ? 'The original call is no longer in the history.' : 'Pick a replay (↻) to compare it with its original.');
    return;
  }
  await vscode.commands.executeCommand('vscode.diff', ExchangeDocuments.uriFor(original), ExchangeDocuments.uriFor(replay), `${original.request.method} ${exchangePath(original)}: original ↔ replay`);
}
