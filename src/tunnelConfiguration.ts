import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { configScope, configSection } from './config';
import type { PaletteInput, SettingValue, SettingsInput } from './core/config/configInputs';
import type { ConfigProblem } from './core/config/configProblem';
import { buildEffectiveConfig } from './core/config/effectiveConfig';
import type { EffectiveConfig } from './core/config/effectiveConfig';
import { trafficPolicyInputOf } from './core/config/policyInput';
import { readTunnelToml } from './core/config/tunnelToml';
import type { TomlReadResult } from './core/config/tunnelTomlTypes';
import { validateForStart } from './core/config/validateForStart';
import { composeTrafficPolicy } from './core/tunnel/trafficPolicy';
import type { ComposedTrafficPolicy } from './core/tunnel/trafficPolicyTypes';
import { readTrafficPolicyFile } from './core/tunnel/trafficPolicyFile';
import { Disposable } from './dispose';
import { log } from './log';
import type { Secrets } from './secrets';
import { webhookSecretKey } from './verification';

export const basicAuthPasswordKey = 'webhookTunnel.basicAuth.password';

/** Everything a start needs, resolved: the merged config, the policy to send, and what blocks a start. */
export interface ResolvedConfiguration {
  readonly effective: EffectiveConfig;
  readonly policy: ComposedTrafficPolicy;
  /** Errors and warnings from the TOML file, the policy file and the start checks, each with a file position. */
  readonly problems: readonly ConfigProblem[];
  readonly blocking: readonly ConfigProblem[];
}

function explicit<T>(config: vscode.WorkspaceConfiguration, key: string): SettingValue<T> | undefined {
  const inspected = config.inspect<T>(key);
  if (!inspected) return undefined;
  if (inspected.workspaceFolderValue !== undefined) return { value: inspected.workspaceFolderValue, scope: 'workspaceFolder' };
  if (inspected.workspaceValue !== undefined) return { value: inspected.workspaceValue, scope: 'workspace' };
  if (inspected.globalValue !== undefined) return { value: inspected.globalValue, scope: 'user' };
  // Machine-scoped settings in a remote window live in the remote machine's settings, which inspect() does not
  // report under the fields above: whatever `get` resolves to, when it is not the default, was set by the user.
  const resolved = config.get<T>(key);
  if (resolved !== undefined && JSON.stringify(resolved) !== JSON.stringify(inspected.defaultValue)) return { value: resolved, scope: 'user' };
  return undefined;
}

/** Only what the user set (VS Code's `inspect()`), so a package.json default never hides the TOML file's value. */
function readSettingsInput(): SettingsInput {
  const config = vscode.workspace.getConfiguration(configSection, configScope());
  return {
    upstream: explicit(config, 'upstream'),
    capturePort: explicit(config, 'capture.port'),
    ngrok: {
      domain: explicit(config, 'ngrok.domain'),
      region: explicit(config, 'ngrok.region'),
      metadata: explicit(config, 'ngrok.metadata'),
      poolingEnabled: explicit(config, 'ngrok.poolingEnabled'),
      serverAddr: explicit(config, 'ngrok.serverAddr'),
      caCertificate: explicit(config, 'ngrok.caCertificate'),
      trafficPolicyFile: explicit(config, 'ngrok.trafficPolicyFile'),
      heartbeatIntervalSeconds: explicit(config, 'ngrok.heartbeatIntervalSeconds'),
      heartbeatToleranceSeconds: explicit(config, 'ngrok.heartbeatToleranceSeconds'),
    },
    basicAuth: { enabled: explicit(config, 'basicAuth.enabled'), username: explicit(config, 'basicAuth.username') },
    ipRestrictions: { enabled: explicit(config, 'ipRestrictions.enabled'), allow: explicit(config, 'ipRestrictions.allow'), deny: explicit(config, 'ipRestrictions.deny') },
    webhookVerification: { provider: explicit(config, 'webhookVerification.provider') },
  };
}

function toDiagnostic(problem: ConfigProblem): vscode.Diagnostic {
  const start = new vscode.Position(Math.max(0, problem.line - 1), Math.max(0, problem.column - 1));
  const end = problem.endLine !== undefined && problem.endColumn !== undefined ? new vscode.Position(problem.endLine - 1, problem.endColumn - 1) : start.translate(0, 1);
  const severity = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information }[problem.severity];
  const diagnostic = new vscode.Diagnostic(new vscode.Range(start, end), problem.message, severity);
  diagnostic.source = 'Webhook Tunnel';
  return diagnostic;
}

/**
 * The team-shareable `webhook-tunnel.toml`, the settings and the secrets, merged (defaults ← TOML ← settings ←
 * palette). Watches the file; its problems go to the Problems panel; `onDidChange` fires on any change.
 */
export class TunnelConfiguration extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly diagnostics = this.register(vscode.languages.createDiagnosticCollection('webhook-tunnel'));

  constructor(private readonly secrets: Secrets) {
    super();
    const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/*.{toml,json}'));
    const onFile = (uri: vscode.Uri): void => {
      if (uri.fsPath === this.tomlPath() || uri.fsPath === this.policyFilePath()) this.changed.fire();
    };
    this.register(watcher.onDidChange(onFile));
    this.register(watcher.onDidCreate(onFile));
    this.register(watcher.onDidDelete(onFile));
    this.register(vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration(configSection) && this.changed.fire()));
    this.register(secrets.onDidChange(() => this.changed.fire()));
  }

  /** `webhook-tunnel.toml` in the first folder, or where `webhookTunnel.configFile` says. */
  tomlPath(): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const setting = vscode.workspace.getConfiguration(configSection, configScope()).get<string>('configFile') || 'webhook-tunnel.toml';
    if (isAbsolute(setting)) return setting;
    return folder ? join(folder, setting) : undefined;
  }

  private policyFilePath(): string | undefined {
    const setting = vscode.workspace.getConfiguration(configSection, configScope()).get<string>('ngrok.trafficPolicyFile');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!setting) return undefined;
    return isAbsolute(setting) || !folder ? setting : join(folder, setting);
  }

  private async readToml(): Promise<TomlReadResult | undefined> {
    const path = this.tomlPath();
    if (!path) return undefined;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
    return readTunnelToml(text, path, process.env);
  }

  private async palette(provider: string | undefined): Promise<PaletteInput> {
    const [basicAuthPassword, webhookSecret, authtoken] = await Promise.all([
      this.secrets.get(basicAuthPasswordKey),
      this.secrets.get(webhookSecretKey),
      this.secrets.get('webhookTunnel.ngrok.authtoken'),
    ]);
    return { authtoken, basicAuthPassword, webhookSecrets: provider && webhookSecret ? { [provider]: webhookSecret } : {} };
  }

  /** Reads everything afresh and publishes the file's problems. */
  async resolve(): Promise<ResolvedConfiguration> {
    const toml = await this.readToml();
    const settings = readSettingsInput();
    const provider = settings.webhookVerification?.provider?.value || toml?.config.verifyWebhook?.value.provider?.value;
    const effective = buildEffectiveConfig({ toml, settings, palette: await this.palette(provider) });
    const problems: ConfigProblem[] = [...effective.fileProblems];
    let userPolicy;
    const policyPath = effective.ngrok.trafficPolicyFile.value;
    if (policyPath) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const full = isAbsolute(policyPath) || !folder ? policyPath : join(folder, policyPath);
      try {
        const read = readTrafficPolicyFile(await readFile(full, 'utf8'), full);
        userPolicy = read.document;
        problems.push(...read.problems.map((problem) => ({ ...problem, file: problem.file ?? full })));
      } catch (error) {
        problems.push({ severity: 'error', message: `Cannot read the Traffic Policy file ${full}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, line: 1, column: 1, file: full });
      }
    }
    const blocking = [...validateForStart(effective), ...problems.filter((p) => p.severity === 'error' && p.file && p.file !== effective.configFile)];
    const policy = composeTrafficPolicy(trafficPolicyInputOf(effective, userPolicy));
    this.publish(effective.configFile, problems);
    return { effective, policy, problems, blocking };
  }

  private publish(configFile: string | undefined, problems: readonly ConfigProblem[]): void {
    this.diagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const problem of problems) {
      const file = problem.file ?? configFile;
      if (!file) continue;
      byFile.set(file, [...(byFile.get(file) ?? []), toDiagnostic(problem)]);
    }
    for (const [file, diagnostics] of byFile) this.diagnostics.set(vscode.Uri.file(file), diagnostics);
    if (problems.length > 0) log.debug(`Configuration problems: ${problems.length}`);
  }
}
