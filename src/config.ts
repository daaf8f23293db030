import * as vscode from 'vscode';
import type { CaptureSettings } from './core/tunnel/captureSettings';

/** Typed view of the `webhookTunnel.*` settings; defaults live in package.json only. */
export interface WebhookTunnelConfig {
  readonly capture: CaptureSettings;
  readonly history: { readonly maxEntries: number; readonly maxBodyBytes: number };
  readonly publicUrl: boolean;
}

export const configSection = 'webhookTunnel';

function numberSetting(config: vscode.WorkspaceConfiguration, key: string, fallback: number): number {
  const value = config.get<unknown>(key);
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function readConfig(scope?: vscode.ConfigurationScope): WebhookTunnelConfig {
  const config = vscode.workspace.getConfiguration(configSection, scope);
  const maxBodyBytes = Math.max(0, numberSetting(config, 'history.maxBodyBytes', 1048576));
  return {
    capture: {
      upstream: config.get<string>('upstream') ?? 'http://localhost:3000',
      port: numberSetting(config, 'capture.port', 0),
      maxBodyBytes,
      upstreamTimeoutMs: Math.max(1, numberSetting(config, 'capture.upstreamTimeoutSeconds', 30)) * 1000,
    },
    history: { maxEntries: Math.max(1, numberSetting(config, 'history.maxEntries', 1000)), maxBodyBytes },
    publicUrl: config.get<boolean>('publicUrl') !== false,
  };
}

/** Settings that only take effect when the tunnel restarts. */
export const restartSettings = ['upstream', 'capture', 'history.maxBodyBytes', 'publicUrl', 'ngrok'].map((key) => `${configSection}.${key}`);

/** The workspace folder whose settings apply: the first one (a multi-root workspace tunnels one dev server). */
export function configScope(): vscode.ConfigurationScope | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}
