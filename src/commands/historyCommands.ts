import * as vscode from 'vscode';
import { exchangePath, statusText } from '../core/history/exchangeSummary';
import type { StoredExchange } from '../core/history/storedExchange';
import { formatAge } from '../core/util/format';
import { ExchangeDocuments } from '../views/exchangeDocuments';
import type { CommandContext } from './commandContext';

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
  const document = await vscode.workspace.openTextDocument(ExchangeDocuments.uriFor(exchange));
  await vscode.window.showTextDocument(document, { preview: true });
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
