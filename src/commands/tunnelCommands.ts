import * as vscode from 'vscode';
import { configScope, readConfig } from '../config';
import { probeUpstream } from '../core/config/probeUpstream';
import { parseUpstream } from '../core/config/upstream';
import { log } from '../log';
import type { CommandContext } from './commandContext';

export async function startTunnel({ tunnel }: CommandContext): Promise<void> {
  const { capture } = readConfig(configScope());
  const state = await tunnel.start(capture);
  if (state.kind === 'error') {
    log.error(`Start Tunnel failed: ${state.reason}`);
    const choice = await vscode.window.showErrorMessage(`Webhook Tunnel could not start: ${state.reason}`, 'Open Settings', 'Show Log');
    if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'webhookTunnel');
    if (choice === 'Show Log') log.show();
    return;
  }
  if (state.kind !== 'on') return;
  log.info(`Capturing at ${state.url} (local mode), forwarding to ${state.upstream}`);
  // Warn early, without blocking the start: the call would still be captured, with a 502 for the sender.
  void probeUpstream(parseUpstream(capture.upstream)).then(async (reachable) => {
    if (reachable) return;
    log.warn(`Nothing answers at ${state.upstream} yet; senders get a 502 until the dev server runs.`);
    const choice = await vscode.window.showWarningMessage(
      `Nothing answers at ${state.upstream} yet. Webhooks are still captured, but senders get a 502 until your dev server runs.`,
      'Change Upstream',
    );
    if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'webhookTunnel.upstream');
  });
}

export async function stopTunnel({ tunnel }: CommandContext): Promise<void> {
  await tunnel.stop();
  log.info('Tunnel stopped');
}

export async function copyPublicUrl({ tunnel }: CommandContext): Promise<void> {
  const state = tunnel.state;
  if (state.kind !== 'on') {
    const choice = await vscode.window.showInformationMessage('The tunnel is not running, so there is no address to copy.', 'Start Tunnel');
    if (choice) await vscode.commands.executeCommand('webhookTunnel.startTunnel');
    return;
  }
  await vscode.env.clipboard.writeText(state.url);
  vscode.window.setStatusBarMessage(`$(check) Copied ${state.url}`, 3000);
}
