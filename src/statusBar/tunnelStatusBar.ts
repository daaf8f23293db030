import * as vscode from 'vscode';
import type { TunnelRoute, TunnelState } from '../core/tunnel/tunnelState';
import { Disposable } from '../dispose';

const linkedCommands = ['webhookTunnel.startTunnel', 'webhookTunnel.stopTunnel', 'webhookTunnel.copyPublicUrl', 'webhookTunnel.showLog', 'webhookTunnel.retryNow'];

/** The status bar item, rendered from the tunnel state alone. */
export class TunnelStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private state: TunnelState;
  private protections: readonly string[] = [];

  constructor(state: TunnelState) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem('webhookTunnel.status', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'Webhook Tunnel';
    this.state = state;
    this.render(state);
    this.item.show();
  }

  setProtections(active: readonly string[]): void {
    this.protections = active;
    this.render(this.state);
  }

  render(state: TunnelState): void {
    this.state = state;
    const item = this.item;
    item.backgroundColor = undefined;
    const tooltip = new vscode.MarkdownString('', true);
    tooltip.isTrusted = { enabledCommands: linkedCommands };
    tooltip.supportThemeIcons = true;
    switch (state.kind) {
      case 'off':
        item.text = '$(debug-disconnect) Webhook Tunnel';
        item.command = 'webhookTunnel.startTunnel';
        tooltip.appendMarkdown('**Webhook Tunnel** is off.\n\nStart it to capture the webhooks sent to your dev server.\n\n');
        tooltip.appendMarkdown('[$(play) Start Tunnel](command:webhookTunnel.startTunnel)');
        break;
      case 'starting':
        item.text = `$(loading~spin) ${state.route.kind === 'ngrok' ? 'Connecting tunnel…' : 'Starting capture…'}`;
        item.command = 'webhookTunnel.stopTunnel';
        tooltip.appendMarkdown(`**Webhook Tunnel** is ${state.route.kind === 'ngrok' ? `connecting to ${routeName(state.route)}` : 'starting'}.\n\n`);
        tooltip.appendMarkdown(details(state.upstream, state.route) + '\n\n[$(debug-stop) Stop](command:webhookTunnel.stopTunnel)');
        break;
      case 'on':
        item.text = `$(radio-tower) ${state.url.replace(/^https?:\/\//, '')}`;
        item.command = { command: 'webhookTunnel.copyPublicUrl', title: 'Copy Address' };
        tooltip.appendMarkdown(`**Webhook Tunnel** is online${state.route.kind === 'local' ? ' (local capture: senders on this machine)' : ` through ${routeName(state.route)}`}.\n\n`);
        tooltip.appendMarkdown(`Address: \`${state.url}\` — click to copy\n\n${details(state.upstream, state.route)}\n\n`);
        tooltip.appendMarkdown('[$(copy) Copy URL](command:webhookTunnel.copyPublicUrl) · [$(debug-stop) Stop](command:webhookTunnel.stopTunnel) · [$(output) Show Log](command:webhookTunnel.showLog)');
        break;
      case 'reconnecting':
        item.text = `$(sync~spin) Reconnecting${state.url ? ` ${state.url.replace(/^https?:\/\//, '')}` : ''}`;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        item.command = 'webhookTunnel.retryNow';
        tooltip.appendMarkdown(`**Webhook Tunnel** is reconnecting (attempt ${state.attempt}): ${escapeMarkdown(state.reason)}.\n\n`);
        if (state.retryAt && state.retryAt > Date.now()) tooltip.appendMarkdown(`Next attempt at ${new Date(state.retryAt).toLocaleTimeString()}.\n\n`);
        tooltip.appendMarkdown(`${details(state.upstream, state.route)}\n\n`);
        tooltip.appendMarkdown('[$(debug-restart) Retry Now](command:webhookTunnel.retryNow) · [$(debug-stop) Stop](command:webhookTunnel.stopTunnel) · [$(output) Show Log](command:webhookTunnel.showLog)');
        break;
      case 'error':
        item.text = `$(error) Tunnel: ${state.code ?? 'error'}`;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        item.command = 'webhookTunnel.startTunnel';
        tooltip.appendMarkdown(`**Webhook Tunnel** stopped.\n\n${escapeMarkdown(state.reason)}\n\n`);
        tooltip.appendMarkdown('[$(debug-restart) Start Again](command:webhookTunnel.startTunnel) · [$(output) Show Log](command:webhookTunnel.showLog)');
        break;
    }
    if (state.kind !== 'off' && state.kind !== 'error') {
      tooltip.appendMarkdown(`\n\n---\n\n${this.protections.length ? `$(shield) Protections: ${this.protections.join(' · ')}` : '$(unlock) No protections: anyone with the URL can call it.'}`);
    }
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `Webhook Tunnel: ${accessibleState(state)}` };
  }
}

function routeName(route: TunnelRoute): string {
  if (route.kind === 'local') return 'this machine';
  return route.localEdge ? 'the LOCAL test edge (not ngrok)' : 'ngrok';
}

function details(upstream: string, route: TunnelRoute): string {
  const lines = [`Forwarding to: \`${upstream}\``];
  if (route.kind === 'ngrok') {
    lines.push(`Edge: \`${route.serverAddr}\`${route.localEdge ? ' — a local ngrok-compatible test edge, reachable from this machine only' : ''}${route.region ? `, region \`${route.region}\`` : ''}`);
    lines.push(`Authtoken from: ${route.authtokenSource}`);
  }
  return lines.join('\n\n');
}

function accessibleState(state: TunnelState): string {
  switch (state.kind) {
    case 'off':
      return 'off';
    case 'starting':
      return 'connecting';
    case 'on':
      return `online at ${state.url}`;
    case 'reconnecting':
      return `reconnecting, ${state.reason}`;
    case 'error':
      return `error, ${state.reason}`;
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
