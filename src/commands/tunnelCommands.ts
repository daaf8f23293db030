import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { configScope, readConfig } from '../config';
import { describeSourced } from '../core/config/provenance';
import { probeUpstream } from '../core/config/probeUpstream';
import { parseUpstream } from '../core/config/upstream';
import { findAuthtoken } from '../core/tunnel/authtoken';
import type { PublicTunnelSettings } from '../core/tunnel/captureSettings';
import { buildPublicSettings, PublicSettingsError } from '../core/tunnel/publicSettings';
import { defaultServerAddr } from '../core/tunnel/tunnelController';
import { formatProblem } from '../core/config/configProblem';
import { log } from '../log';
import type { ResolvedConfiguration } from '../tunnelConfiguration';
import type { CommandContext } from './commandContext';
import { showTunnelError } from './tunnelFixes';

const authtokenKey = 'webhookTunnel.ngrok.authtoken';

/** undefined: the user cancelled; null: capture locally only. */
async function publicSettingsFor(context: CommandContext, resolved: ResolvedConfiguration): Promise<PublicTunnelSettings | null | undefined> {
  const config = readConfig(configScope());
  if (!config.publicUrl) return null;
  const { effective } = resolved;
  const fromConfig = effective.ngrok.authtoken.value;
  const token = fromConfig
    ? { token: fromConfig, source: 'secretStorage' as const, where: effective.ngrok.authtoken.from.label }
    : await findAuthtoken({ fromSecretStorage: () => context.secrets.get(authtokenKey), env: process.env, platform: process.platform, home: homedir() });
  if (!token) {
    const choice = await vscode.window.showInformationMessage(
      'A public URL needs an ngrok authtoken (free at dashboard.ngrok.com). Without one, Webhook Tunnel captures calls from this machine only.',
      'Set ngrok Authtoken',
      'Capture Locally Only',
    );
    if (choice === 'Capture Locally Only') return null;
    if (choice !== 'Set ngrok Authtoken') return undefined;
    if (!(await setAuthtoken(context))) return undefined;
    return publicSettingsFor(context, resolved);
  }
  log.info(`Using the ngrok authtoken from ${token.where}`);
  const ngrok = effective.ngrok;
  const server = ngrok.serverAddr.value === undefined ? `ngrok server = ${defaultServerAddr} (ngrok's default)` : describeSourced('ngrok server', ngrok.serverAddr);
  log.info(`Starting with ${server}, ${describeSourced('CA certificate', ngrok.caCertificate)}, ${describeSourced('upstream', effective.upstream)}`);
  const settings = await buildPublicSettings(
    {
      domain: ngrok.domain.value,
      region: ngrok.region.value,
      metadata: ngrok.metadata.value,
      poolingEnabled: ngrok.poolingEnabled.value,
      serverAddr: ngrok.serverAddr.value,
      caCertificate: ngrok.caCertificate.value,
      heartbeatIntervalMs: ngrok.heartbeatIntervalSecs.value * 1000,
      heartbeatToleranceMs: ngrok.heartbeatToleranceSecs.value * 1000,
    },
    token,
    context.extensionVersion,
    vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  );
  for (const warning of resolved.policy.warnings) log.warn(`Traffic Policy: ${warning}`);
  return { ...settings, listener: { ...settings.listener, trafficPolicy: resolved.policy.json || undefined } };
}

/** Refuses to start with a protection silently dropped: says the first reason and where the rest are. */
function refuseStart(resolved: ResolvedConfiguration): void {
  const first = resolved.blocking[0]!;
  const more = resolved.blocking.length > 1 ? ` (and ${resolved.blocking.length - 1} more in the Problems panel)` : '';
  log.error(`Start Tunnel refused: ${resolved.blocking.map(formatProblem).join('; ')}`);
  void vscode.window.showErrorMessage(`Webhook Tunnel did not start: ${first.message}${more}`, 'Show Problems', 'Open Config File').then(async (choice) => {
    if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
    if (choice === 'Open Config File') await vscode.commands.executeCommand('webhookTunnel.openConfigFile');
  });
}

export async function startTunnel(context: CommandContext): Promise<void> {
  const { tunnel } = context;
  const resolved = await context.configuration.resolve();
  if (resolved.blocking.length > 0) {
    refuseStart(resolved);
    return;
  }
  const config = readConfig(configScope());
  const capture = {
    ...config.capture,
    upstream: resolved.effective.upstream.value,
    port: resolved.effective.capturePort.value,
    // `inspect = false` in the TOML file: record headers only.
    maxBodyBytes: resolved.effective.recordBodies.value ? config.capture.maxBodyBytes : 0,
  };
  let publicSettings: PublicTunnelSettings | null | undefined;
  try {
    publicSettings = await publicSettingsFor(context, resolved);
  } catch (error) {
    if (!(error instanceof PublicSettingsError)) throw error;
    log.error(error.message);
    void showTunnelError(error.message, 'openCaSetting');
    return;
  }
  if (publicSettings === undefined) return;
  const state = await tunnel.start(capture, publicSettings ?? undefined);
  if (publicSettings) context.protections.started(publicSettings.listener.trafficPolicy ?? '');
  if (state.kind === 'error') {
    log.error(`Start Tunnel failed: ${state.reason}`);
    // Not awaited: the command is done when the tunnel is; the message waits for the user on its own.
    void showTunnelError(state.reason, state.fix);
    return;
  }
  if (state.kind !== 'on') return;
  const via = state.route.kind === 'local' ? 'local capture' : state.route.localEdge ? `the LOCAL test edge at ${state.route.serverAddr} (not ngrok)` : `ngrok (${state.route.serverAddr})`;
  log.info(`Online at ${state.url} through ${via}; capture proxy ${state.localUrl} → ${state.upstream}`);
  if (context.protections.active.length > 0) log.info(`Protections: ${context.protections.active.join('; ')}`);
  // Warn early, without blocking the start: calls are still captured, with a 502 for the sender.
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

export function retryNow({ tunnel }: CommandContext): void {
  tunnel.retryNow();
}

export async function copyPublicUrl({ tunnel }: CommandContext): Promise<void> {
  const state = tunnel.state;
  const url = state.kind === 'on' || state.kind === 'reconnecting' ? state.url : undefined;
  if (!url) {
    const choice = await vscode.window.showInformationMessage('The tunnel is not running, so there is no address to copy.', 'Start Tunnel');
    if (choice) await vscode.commands.executeCommand('webhookTunnel.startTunnel');
    return;
  }
  await vscode.env.clipboard.writeText(url);
  vscode.window.setStatusBarMessage(`$(check) Copied ${url}`, 3000);
}

/** Asks for the token in a password box and keeps it in SecretStorage only. Resolves true when one was stored. */
export async function setAuthtoken(context: CommandContext): Promise<boolean> {
  const token = await vscode.window.showInputBox({
    title: 'ngrok Authtoken',
    prompt: 'Paste your authtoken from dashboard.ngrok.com/get-started/your-authtoken. It is kept in VS Code secret storage.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (/^\s*$/.test(value) ? 'Paste the authtoken' : /\s/.test(value.trim()) ? 'An authtoken has no spaces' : undefined),
  });
  if (!token) return false;
  await context.secrets.store(authtokenKey, token.trim());
  log.info('ngrok authtoken stored in VS Code secret storage');
  return true;
}
