import * as vscode from 'vscode';
import { configScope, configSection } from '../config';
import { webhookProviders } from '../core/config/webhookProviders';
import { isLocallyVerifiable } from '../core/signatures/exchangeVerdict';
import { checkSecret } from '../core/signatures/signatures';
import { log } from '../log';
import { webhookSecretKey } from '../verification';
import type { CommandContext } from './commandContext';

interface ProviderPick extends vscode.QuickPickItem {
  readonly id: string;
}

/**
 * "Verify Webhooks From…": pick a provider (by name or id), then paste its secret into a password box. The secret
 * goes to secret storage only; the provider to the workspace settings, where the team can see it.
 */
export async function verifyWebhooks(context: CommandContext): Promise<void> {
  const config = vscode.workspace.getConfiguration(configSection, configScope());
  const current = config.get<string>('webhookVerification.provider') || 'off';
  const items: ProviderPick[] = [
    { id: 'off', label: '$(circle-slash) Off', description: 'verify nothing', picked: current === 'off' },
    { id: '', label: '', kind: vscode.QuickPickItemKind.Separator },
    ...webhookProviders.map((provider) => ({
      id: provider.id,
      label: provider.name,
      description: provider.id + (provider.id === current ? ' (current)' : ''),
      detail: isLocallyVerifiable(provider.id) ? 'ngrok verifies at the edge; Webhook Tunnel also verifies and re-signs locally' : 'ngrok verifies at the edge',
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Verify Webhooks From…', placeHolder: 'Search providers by name or id', matchOnDescription: true });
  if (!picked) return;
  if (picked.id === 'off') {
    await config.update('webhookVerification.provider', undefined, vscode.ConfigurationTarget.Workspace);
    context.verification.notifyChanged();
    log.info('Webhook verification turned off');
    return;
  }
  const provider = webhookProviders.find((p) => p.id === picked.id)!;
  const secret = await vscode.window.showInputBox({
    title: `${provider.name} webhook secret`,
    prompt: provider.secretHint ? `Paste ${provider.secretHint}. It is kept in VS Code secret storage.` : `Paste the signing secret ${provider.name} shows for this webhook. It is kept in VS Code secret storage.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (value.trim() === '') return provider.secretRequired ? 'Paste the secret' : undefined;
      return isLocallyVerifiable(provider.id) ? checkSecret(provider.id, value) : undefined;
    },
  });
  if (secret === undefined) return;
  if (secret.trim() === '') await context.secrets.delete(webhookSecretKey);
  else await context.secrets.store(webhookSecretKey, secret.trim());
  await config.update('webhookVerification.provider', provider.id, vscode.ConfigurationTarget.Workspace);
  context.verification.notifyChanged();
  log.info(`Verifying webhooks from ${provider.name} (${provider.id}); the secret is in secret storage`);
}
