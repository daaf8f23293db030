import * as vscode from 'vscode';

/** Context keys used in package.json `when` clauses; one owner so the names stay in one place. */
export type ContextKey = 'webhookTunnel:state' | 'webhookTunnel:hasHistory' | 'webhookTunnel:filtered';

export class ContextKeys {
  private readonly values = new Map<ContextKey, string | boolean>();

  /** Sets a key only when its value changes: each call crosses to the renderer, and appends are frequent. */
  set(key: ContextKey, value: string | boolean): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}
