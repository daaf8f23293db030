import * as vscode from 'vscode';
import type { CaptureSettings } from './core/tunnel/captureSettings';

/** The `webhookTunnel.ngrok.*` settings, typed; empty strings mean "not set". */
export interface NgrokConfig {
  readonly domain?: string;
  readonly region?: string;
  readonly metadata?: string;
  readonly poolingEnabled: boolean;
  readonly serverAddr?: string;
  readonly caCertificate?: string;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatToleranceMs: number;
}

/** Typed view of the `webhookTunnel.*` settings; defaults live in package.json only. */
export interface WebhookTunnelConfig {
  readonly capture: CaptureSettings;
  readonly history: { readonly maxEntries: number; readonly maxBodyBytes: number };
  readonly publicUrl: boolean;
  readonly ngrok: NgrokConfig;
}

export const configSection = 'webhookTunnel';

function numberSetting(config: vscode.WorkspaceConfiguration, key: string, fallback: number): number {
  const value = config.get<unknown>(key);
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function textSetting(config: vscode.WorkspaceConfiguration, key: string): string | undefined {
  const value = config.get<unknown>(key);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
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
    ngrok: {
      domain: textSetting(config, 'ngrok.domain'),
      region: textSetting(config, 'ngrok.region'),
      metadata: textSetting(config, 'ngrok.metadata'),
      poolingEnabled: config.get<boolean>('ngrok.poolingEnabled') === true,
      serverAddr: textSetting(config, 'ngrok.serverAddr'),
      caCertificate: textSetting(config, 'ngrok.caCertificate'),
      heartbeatIntervalMs: Math.max(1, numberSetting(config, 'ngrok.heartbeatIntervalSeconds', 10)) * 1000,
      heartbeatToleranceMs: Math.max(1, numberSetting(config, 'ngrok.heartbeatToleranceSeconds', 15)) * 1000,
    },
  };
}

/** Settings that only take effect when the tunnel restarts. */
export const restartSettings = ['upstream', 'capture', 'history.maxBodyBytes', 'publicUrl', 'ngrok'].map((key) => `${configSection}.${key}`);

/** The workspace folder whose settings apply: the first one (a multi-root workspace tunnels one dev server). */
export function configScope(): vscode.ConfigurationScope | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}
