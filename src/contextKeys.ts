import * as vscode from 'vscode';

/** Context keys used in package.json `when` clauses; one setter so the names stay in one place. */
export type ContextKey = 'webhookTunnel:state' | 'webhookTunnel:hasHistory';

export function setContext(key: ContextKey, value: string | boolean): void {
  void vscode.commands.executeCommand('setContext', key, value);
}
