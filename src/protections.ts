import * as vscode from 'vscode';
import type { EffectiveConfig } from './core/config/effectiveConfig';
import { formatProblem } from './core/config/configProblem';
import type { TunnelController } from './core/tunnel/tunnelController';
import { Disposable } from './dispose';
import { log } from './log';
import type { TunnelConfiguration } from './tunnelConfiguration';

/** One line per active protection, for the status bar tooltip and the view's header. */
export function protectionSummary(effective: EffectiveConfig): string[] {
  const { basicAuth, ipRestrictions, webhookVerification } = effective.protections;
  const active: string[] = [];
  if (basicAuth.enabled.value) active.push(`basic auth (${basicAuth.credentials.map((c) => c.username).join(', ') || 'no user yet'})`);
  if (ipRestrictions.enabled.value) active.push(`IP restrictions (allow ${ipRestrictions.allow.value.length}, deny ${ipRestrictions.deny.value.length})`);
  if (webhookVerification.provider.value) active.push(`verify ${webhookVerification.provider.value} webhooks`);
  return active;
}

/**
 * Keeps the running tunnel's Traffic Policy in step with the configuration: a palette toggle, a settings edit or
 * a saved TOML file re-listens at once with the new policy. A configuration with errors is not applied: the last
 * good one stays in force and the user is told why.
 */
export class ProtectionSync extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<readonly string[]>());
  /** Fires with the active protections whenever they may have changed. */
  readonly onDidChange = this.changed.event;
  private appliedPolicy: string | undefined;
  private summary: readonly string[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly configuration: TunnelConfiguration, private readonly tunnel: TunnelController) {
    super();
    this.register(configuration.onDidChange(() => void this.refresh()));
    this.register(tunnel.onDidChangeState((state) => state.kind === 'off' && (this.appliedPolicy = undefined)));
    void this.refresh();
  }

  get active(): readonly string[] {
    return this.summary;
  }

  /** The policy a start sent, so later changes are compared with it. */
  started(policyJson: string): void {
    this.appliedPolicy = policyJson;
  }

  refresh(): Promise<void> {
    this.queue = this.queue.then(() => this.sync()).catch((error: unknown) => log.error('Applying the configuration failed:', error));
    return this.queue;
  }

  private async sync(): Promise<void> {
    const resolved = await this.configuration.resolve();
    this.summary = protectionSummary(resolved.effective);
    this.changed.fire(this.summary);
    const state = this.tunnel.state;
    if (this.appliedPolicy === undefined || state.kind !== 'on' || state.route.kind !== 'ngrok') return;
    if (resolved.blocking.length > 0) {
      const first = resolved.blocking[0]!;
      log.warn(`Configuration not applied; the running tunnel keeps its last good one: ${formatProblem(first)}`);
      void vscode.window.showWarningMessage(`Webhook Tunnel kept its last good configuration: ${first.message}`, 'Show Problems').then((choice) => choice && vscode.commands.executeCommand('workbench.actions.view.problems'));
      return;
    }
    if (resolved.policy.json === this.appliedPolicy) return;
    log.info(`Protections changed (${this.summary.join('; ') || 'none'}): re-listening with the new Traffic Policy`);
    try {
      await this.tunnel.applyListenerOptions({ ...this.tunnel.listenerOptions, trafficPolicy: resolved.policy.json || undefined });
      this.appliedPolicy = resolved.policy.json;
    } catch (error) {
      log.error('The edge refused the new Traffic Policy; the previous one stays in force:', error);
      void vscode.window.showErrorMessage(`Webhook Tunnel: the edge refused the new protections (${error instanceof Error ? error.message : String(error)}); the previous ones stay in force.`, 'Show Log').then((choice) => choice && log.show());
    }
  }
}
