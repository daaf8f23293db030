import type * as vscode from 'vscode';

/** Every secret the extension keeps; values live only in VS Code's SecretStorage (the OS keychain). */
export type SecretKey = 'webhookTunnel.ngrok.authtoken' | 'webhookTunnel.webhookVerification.secret' | 'webhookTunnel.basicAuth.password';

export class Secrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  readonly onDidChange = (listener: (key: SecretKey) => void): vscode.Disposable =>
    this.storage.onDidChange((event) => listener(event.key as SecretKey));

  async get(key: SecretKey): Promise<string | undefined> {
    return this.storage.get(key);
  }

  async store(key: SecretKey, value: string): Promise<void> {
    await this.storage.store(key, value);
  }

  async delete(key: SecretKey): Promise<void> {
    await this.storage.delete(key);
  }
}
