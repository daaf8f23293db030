import * as vscode from 'vscode';
import { configScope, configSection } from './config';
import type { VerificationSettings } from './core/signatures/exchangeVerdict';
import { Disposable } from './dispose';
import type { Secrets } from './secrets';

export const webhookSecretKey = 'webhookTunnel.webhookVerification.secret';

/**
 * The provider ("Verify Webhooks From…", a setting) and its secret (secret storage). Fires when either changes
 * so cached verdicts are recomputed; the secret is read fresh each time, never kept in a field.
 */
export class VerificationState extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: Secrets) {
    super();
    this.register(secrets.onDidChange((key) => key === webhookSecretKey && this.changed.fire()));
    this.register(vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration(`${configSection}.webhookVerification`) && this.changed.fire()));
  }

  get provider(): string | undefined {
    const value = vscode.workspace.getConfiguration(configSection, configScope()).get<string>('webhookVerification.provider');
    return value && value !== 'off' ? value : undefined;
  }

  async settings(): Promise<VerificationSettings> {
    return { provider: this.provider, secret: await this.secrets.get(webhookSecretKey) };
  }

  /** For changes this extension makes itself, where waiting for the storage event would race the next call. */
  notifyChanged(): void {
    this.changed.fire();
  }
}
