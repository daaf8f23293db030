import * as vscode from 'vscode';
import type { TunnelState } from '../core/tunnel/tunnelState';
import { Disposable } from '../dispose';

/** The status bar item, rendered from the tunnel state alone. */
export class TunnelStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(state: TunnelState) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem('webhookTunnel.status', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'Webhook Tunnel';
    this.render(state);
    this.item.show();
  }

  render(state: TunnelState): void {
    const item = this.item;
    item.backgroundColor = undefined;
    const tooltip = new vscode.MarkdownString('', true);
    tooltip.isTrusted = { enabledCommands: ['webhookTunnel.startTunnel', 'webhookTunnel.stopTunnel', 'webhookTunnel.copyPublicUrl', 'webhookTunnel.showLog'] };
    tooltip.supportThemeIcons = true;
    switch (state.kind) {
      case 'off':
        item.text = '$(debug-disconnect) Webhook Tunnel';
        item.command = 'webhookTunnel.startTunnel';
        tooltip.appendMarkdown('**Webhook Tunnel** is off.\n\nStart it to capture the webhooks sent to your dev server.\n\n');
        tooltip.appendMarkdown('[$(play) Start Tunnel](command:webhookTunnel.startTunnel)');
        break;
      case 'starting':
        item.text = '$(loading~spin) Starting tunnel…';
        item.command = 'webhookTunnel.stopTunnel';
        tooltip.appendMarkdown(`**Webhook Tunnel** is starting, forwarding to \`${state.upstream}\`.\n\n[$(debug-stop) Stop](command:webhookTunnel.stopTunnel)`);
        break;
      case 'on':
        item.text = `$(radio-tower) ${state.url.replace(/^https?:\/\//, '')}`;
        item.command = { command: 'webhookTunnel.copyPublicUrl', title: 'Copy Address' };
        tooltip.appendMarkdown(`**Webhook Tunnel** is capturing (local mode: senders on this machine).\n\n`);
        tooltip.appendMarkdown(`Address: \`${state.url}\` — click to copy\n\nForwarding to: \`${state.upstream}\`\n\n`);
        tooltip.appendMarkdown('[$(copy) Copy Address](command:webhookTunnel.copyPublicUrl) · [$(debug-stop) Stop](command:webhookTunnel.stopTunnel) · [$(output) Show Log](command:webhookTunnel.showLog)');
        break;
      case 'error':
        item.text = '$(error) Tunnel error';
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        item.command = 'webhookTunnel.startTunnel';
        tooltip.appendMarkdown(`**Webhook Tunnel** could not start.\n\n${escapeMarkdown(state.reason)}\n\n`);
        tooltip.appendMarkdown('[$(debug-restart) Try Again](command:webhookTunnel.startTunnel) · [$(output) Show Log](command:webhookTunnel.showLog)');
        break;
    }
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `Webhook Tunnel: ${accessibleState(state)}` };
  }
}

function accessibleState(state: TunnelState): string {
  switch (state.kind) {
    case 'off':
      return 'off';
    case 'starting':
      return 'starting';
    case 'on':
      return `capturing at ${state.url}`;
    case 'error':
      return `error, ${state.reason}`;
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
