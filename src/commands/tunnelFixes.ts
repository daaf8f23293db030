import * as vscode from 'vscode';
import type { TunnelFix } from '../core/tunnel/ngrokErrors';
import { configSection } from '../config';
import { log } from '../log';

const fixLabels: Record<TunnelFix, string> = {
  setAuthtoken: 'Set ngrok Authtoken',
  retry: 'Retry',
  enablePooling: 'Enable Pooling',
  updateExtension: 'Check for Updates',
  openServerSettings: 'Open Settings',
  openCaSetting: 'Set CA Certificate',
  openUpstreamSetting: 'Check Upstream',
  openCaptureSettings: 'Open Settings',
  openDashboard: 'Open ngrok Dashboard',
};

async function applyFix(fix: TunnelFix): Promise<void> {
  switch (fix) {
    case 'setAuthtoken':
      await vscode.commands.executeCommand('webhookTunnel.setAuthtoken');
      return;
    case 'retry':
      await vscode.commands.executeCommand('webhookTunnel.startTunnel');
      return;
    case 'enablePooling':
      await vscode.workspace.getConfiguration(configSection).update('ngrok.poolingEnabled', true, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('webhookTunnel.startTunnel');
      return;
    case 'updateExtension':
      await vscode.commands.executeCommand('workbench.extensions.action.checkForUpdates');
      return;
    case 'openServerSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'webhookTunnel.ngrok.serverAddr');
      return;
    case 'openCaSetting':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'webhookTunnel.ngrok.caCertificate');
      return;
    case 'openUpstreamSetting':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'webhookTunnel.upstream');
      return;
    case 'openCaptureSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'webhookTunnel.capture');
      return;
    case 'openDashboard':
      await vscode.env.openExternal(vscode.Uri.parse('https://dashboard.ngrok.com/endpoints'));
      return;
  }
}

/** One short error message with the fix as its button, and the log one click away. */
export async function showTunnelError(message: string, fix: TunnelFix | undefined): Promise<void> {
  const buttons = fix ? [fixLabels[fix], 'Show Log'] : ['Show Log'];
  const choice = await vscode.window.showErrorMessage(`Webhook Tunnel: ${message}`, ...buttons);
  if (choice === 'Show Log') log.show();
  else if (choice && fix) await applyFix(fix);
}
