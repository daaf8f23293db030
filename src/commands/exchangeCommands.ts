import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Exchange } from '../core/capture/exchange';
import { toCurl } from '../core/export/curl';
import { toHar } from '../core/export/har';
import type { StoredExchange } from '../core/history/storedExchange';
import { buildReplayRequest, ReplayError } from '../core/replay/replayRequest';
import { sendReplay } from '../core/replay/sendReplay';
import { log } from '../log';
import type { CommandContext } from './commandContext';

function targetId(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (typeof target === 'object' && target !== null && typeof (target as { id?: unknown }).id === 'string') return (target as StoredExchange).id;
  return undefined;
}

async function loadTarget(context: CommandContext, target: unknown): Promise<Exchange | undefined> {
  const id = targetId(target);
  const exchange = id ? await context.history.readExchange(id) : undefined;
  if (!exchange) void vscode.window.showWarningMessage('That call is no longer in the history.');
  return exchange;
}

/** The address a copied command should reach: the running tunnel's, or else the dev server itself. */
function baseUrlFor(context: CommandContext, exchange: Exchange): string {
  const state = context.tunnel.state;
  return state.kind === 'on' ? state.url : exchange.upstream;
}

export async function copyAsCurl(context: CommandContext, target?: unknown): Promise<void> {
  const exchange = await loadTarget(context, target);
  if (!exchange) return;
  const bodyFile = join(tmpdir(), `webhook-tunnel-body-${exchange.id}.bin`);
  const curl = toCurl(exchange.request, baseUrlFor(context, exchange), { bodyFile });
  if (curl.binaryBody) await writeFile(bodyFile, curl.binaryBody, { mode: 0o600 });
  await vscode.env.clipboard.writeText(curl.command);
  vscode.window.setStatusBarMessage(curl.binaryBody ? `$(check) Copied as cURL (binary body in ${bodyFile})` : '$(check) Copied as cURL (signature headers redacted)', 4000);
}

export async function exportHar(context: CommandContext): Promise<void> {
  const entries = context.history.entries();
  if (entries.length === 0) {
    void vscode.window.showInformationMessage('No webhooks captured yet, so there is nothing to export.');
    return;
  }
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'Redact signatures and credentials', description: 'recommended for sharing', includeSecrets: false },
      { label: 'Include signatures and credentials', description: 'Authorization, cookies, webhook signatures as captured', includeSecrets: true },
    ],
    { title: `Export ${entries.length} call${entries.length === 1 ? '' : 's'} as HAR` },
  );
  if (!choice) return;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = await vscode.window.showSaveDialog({ filters: { 'HTTP Archive': ['har'] }, defaultUri: folder && vscode.Uri.joinPath(folder, 'webhooks.har'), title: 'Export History as HAR' });
  if (!uri) return;
  const exchanges = (await Promise.all(entries.map((entry) => context.history.readExchange(entry.id)))).filter((e): e is Exchange => e !== undefined);
  const state = context.tunnel.state;
  const har = toHar(exchanges, { baseUrl: state.kind === 'on' ? state.url : 'http://localhost', version: context.extensionVersion, includeSecrets: choice.includeSecrets });
  await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(har, null, 2)));
  log.info(`Exported ${exchanges.length} calls to ${uri.fsPath}${choice.includeSecrets ? ' (with secrets)' : ''}`);
  const open = await vscode.window.showInformationMessage(`Exported ${exchanges.length} call${exchanges.length === 1 ? '' : 's'} to ${vscode.workspace.asRelativePath(uri)}.`, 'Open');
  if (open) await vscode.window.showTextDocument(uri);
}

export async function deleteExchange(context: CommandContext, target?: unknown): Promise<void> {
  const id = targetId(target);
  if (id) await context.history.delete(id);
}

/** Replays as captured, through the capture proxy, so the replay is recorded and linked to its original. */
export async function replay(context: CommandContext, target?: unknown): Promise<void> {
  const exchange = await loadTarget(context, target);
  if (!exchange) return;
  const proxy = context.tunnel.replayTarget;
  if (!proxy) {
    const start = await vscode.window.showInformationMessage('Replays go through the capture proxy, so they are recorded: start the tunnel first.', 'Start Tunnel');
    if (start) await vscode.commands.executeCommand('webhookTunnel.startTunnel');
    return;
  }
  try {
    const response = await sendReplay({ baseUrl: proxy.localUrl, replayToken: proxy.replayToken }, buildReplayRequest(exchange, {}, { mode: 'keep' }), exchange.id);
    vscode.window.setStatusBarMessage(`$(debug-restart) Replayed ${exchange.request.method} ${exchange.request.url}: ${response.statusCode} ${response.statusMessage}`, 5000);
  } catch (error) {
    if (!(error instanceof ReplayError)) throw error;
    void vscode.window.showWarningMessage(error.message);
  }
}
