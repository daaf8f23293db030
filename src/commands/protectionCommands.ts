import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { configScope, configSection } from '../config';
import { parseCidr } from '../core/config/cidr';
import { describeSourced } from '../core/config/provenance';
import { tomlTemplate } from '../core/config/tomlTemplate';
import { renderMaskedTrafficPolicy } from '../core/tunnel/trafficPolicyMask';
import { log } from '../log';
import { basicAuthPasswordKey } from '../tunnelConfiguration';
import type { CommandContext } from './commandContext';

const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration(configSection, configScope());
const target = (): vscode.ConfigurationTarget => (vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);

/** Toggle Basic Auth: the first time, ask for a user and a password (ngrok: 8–128 characters; secret storage only). */
export async function toggleBasicAuth(context: CommandContext): Promise<void> {
  const { effective } = await context.configuration.resolve();
  const enabled = effective.protections.basicAuth.enabled.value;
  if (!enabled && !(effective.protections.basicAuth.credentials.some((c) => c.password !== undefined))) {
    const username = await vscode.window.showInputBox({
      title: 'Basic Auth (1/2): user name',
      value: settings().get<string>('basicAuth.username') || 'dev',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === '' ? 'Enter a user name' : value.includes(':') ? 'A user name cannot contain ":"' : undefined),
    });
    if (username === undefined) return;
    const password = await vscode.window.showInputBox({
      title: 'Basic Auth (2/2): password',
      prompt: 'Senders must present this password. It is kept in VS Code secret storage.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value.length < 8 || value.length > 128 ? `ngrok needs 8–128 characters (this is ${value.length})` : undefined),
    });
    if (password === undefined) return;
    await context.secrets.store(basicAuthPasswordKey, password);
    await settings().update('basicAuth.username', username.trim(), target());
  }
  await settings().update('basicAuth.enabled', !enabled, target());
  log.info(`Basic auth ${enabled ? 'off' : 'on'}`);
  await context.protections.refresh();
}

function parseCidrList(text: string): { cidrs: string[]; error?: string } {
  const items = text.split(/[\s,]+/).filter(Boolean);
  const cidrs: string[] = [];
  for (const item of items) {
    const parsed = parseCidr(item);
    if (!parsed.ok) return { cidrs, error: parsed.error };
    cidrs.push(parsed.cidr.text);
  }
  return { cidrs };
}

async function editCidrs(title: string, current: readonly string[]): Promise<string[] | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt: 'IPv4 and IPv6 CIDRs, separated by commas or spaces (a bare address means just that host).',
    value: current.join(', '),
    ignoreFocusOut: true,
    validateInput: (value) => parseCidrList(value).error,
  });
  return text === undefined ? undefined : parseCidrList(text).cidrs;
}

/** Toggle IP Restrictions: turn them on or off, or edit the allow and deny lists (validated CIDRs). */
export async function toggleIpRestrictions(context: CommandContext): Promise<void> {
  const { effective } = await context.configuration.resolve();
  const { enabled, allow, deny } = effective.protections.ipRestrictions;
  const choice = await vscode.window.showQuickPick(
    [
      { id: 'toggle', label: enabled.value ? '$(circle-slash) Turn Off' : '$(shield) Turn On', description: `allow ${allow.value.join(', ') || '(everyone)'} · deny ${deny.value.join(', ') || '(no one)'}` },
      { id: 'allow', label: '$(edit) Edit Allowed CIDRs…', description: allow.value.join(', ') },
      { id: 'deny', label: '$(edit) Edit Denied CIDRs…', description: deny.value.join(', ') },
    ],
    { title: `IP Restrictions (${enabled.value ? 'on' : 'off'})` },
  );
  if (!choice) return;
  if (choice.id === 'allow' || (choice.id === 'toggle' && !enabled.value && allow.value.length === 0 && deny.value.length === 0)) {
    const cidrs = await editCidrs('Allowed CIDRs: only these may call the tunnel', allow.value);
    if (cidrs === undefined) return;
    await settings().update('ipRestrictions.allow', cidrs, target());
    if (choice.id === 'toggle') await settings().update('ipRestrictions.enabled', true, target());
  } else if (choice.id === 'deny') {
    const cidrs = await editCidrs('Denied CIDRs: refused even when allowed', deny.value);
    if (cidrs === undefined) return;
    await settings().update('ipRestrictions.deny', cidrs, target());
  } else {
    await settings().update('ipRestrictions.enabled', !enabled.value, target());
  }
  await context.protections.refresh();
}

const showScheme = 'webhook-tunnel-config';

/** Read-only views of the composed policy (secrets masked) and of every value with where it came from. */
export class ConfigurationDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly context: Pick<CommandContext, 'configuration'>) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { effective, policy, problems } = await this.context.configuration.resolve();
    if (uri.path.endsWith('traffic-policy.json')) {
      return policy.json ? `${renderMaskedTrafficPolicy(policy.document)}\n` : '// No protections are on, so the tunnel sends no Traffic Policy.\n';
    }
    const { protections: p, ngrok } = effective;
    const lines = [
      '# Effective Webhook Tunnel configuration: defaults ← webhook-tunnel.toml ← VS Code settings ← palette',
      describeSourced('upstream', effective.upstream),
      describeSourced('capture port', effective.capturePort),
      describeSourced('record bodies', effective.recordBodies),
      describeSourced('ngrok authtoken', ngrok.authtoken, { secret: true }),
      describeSourced('ngrok domain', ngrok.domain),
      describeSourced('ngrok region', ngrok.region),
      describeSourced('ngrok server', ngrok.serverAddr),
      describeSourced('ngrok CA certificate', ngrok.caCertificate),
      describeSourced('pooling', ngrok.poolingEnabled),
      describeSourced('basic auth', p.basicAuth.enabled),
      ...p.basicAuth.credentials.map((c) => `  user ${c.username} (from ${c.from.label}), password ${c.password ? '••••••' : '(not set)'}`),
      describeSourced('IP restrictions', p.ipRestrictions.enabled),
      describeSourced('  allow', p.ipRestrictions.allow),
      describeSourced('  deny', p.ipRestrictions.deny),
      describeSourced('verify webhooks from', p.webhookVerification.provider),
      describeSourced('  webhook secret', p.webhookVerification.secret, { secret: true }),
      ...(problems.length ? ['', '# Problems', ...problems.map((problem) => `${problem.severity}: ${problem.message} (line ${problem.line})`)] : []),
    ];
    return `${lines.join('\n')}\n`;
  }

  static register(context: Pick<CommandContext, 'configuration'>): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(showScheme, new ConfigurationDocuments(context));
  }
}

/** Open Tunnel Config File: the TOML file (a commented template when there is none), or the read-only views. */
export async function openConfigFile(context: CommandContext): Promise<void> {
  const path = context.configuration.tomlPath();
  const choice = await vscode.window.showQuickPick(
    [
      { id: 'toml', label: '$(file-code) Open webhook-tunnel.toml', description: path ? vscode.workspace.asRelativePath(path) : 'needs a workspace folder' },
      { id: 'policy', label: '$(shield) Show Composed Traffic Policy', description: 'read-only, secrets masked' },
      { id: 'effective', label: '$(list-tree) Show Effective Configuration', description: 'every value and where it came from' },
    ],
    { title: 'Webhook Tunnel Configuration' },
  );
  if (!choice) return;
  if (choice.id === 'toml') {
    if (!path) {
      void vscode.window.showWarningMessage('Open a folder first: webhook-tunnel.toml lives in the workspace folder.');
      return;
    }
    const uri = vscode.Uri.file(path);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      await writeFile(path, tomlTemplate(), { flag: 'wx' });
      log.info(`Created ${path} from the template`);
    }
    await vscode.window.showTextDocument(uri);
    return;
  }
  const uri = vscode.Uri.from({ scheme: showScheme, path: choice.id === 'policy' ? '/traffic-policy.json' : '/effective-configuration.txt', query: String(Date.now()) });
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
}
