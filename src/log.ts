import * as vscode from 'vscode';

/**
 * The extension's one log, a LogOutputChannel so the user picks the level with "Set Log Level…".
 * The only module-level singleton: everything may log, and it must exist before anything else.
 */
let channel: vscode.LogOutputChannel | undefined;

export function createLog(): vscode.LogOutputChannel {
  channel = vscode.window.createOutputChannel('Webhook Tunnel', { log: true });
  return channel;
}

function format(args: readonly unknown[]): string {
  return args.map((arg) => (arg instanceof Error ? (arg.stack ?? arg.message) : typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
}

export const log = {
  trace: (...args: unknown[]): void => channel?.trace(format(args)),
  debug: (...args: unknown[]): void => channel?.debug(format(args)),
  info: (...args: unknown[]): void => channel?.info(format(args)),
  warn: (...args: unknown[]): void => channel?.warn(format(args)),
  error: (...args: unknown[]): void => channel?.error(format(args)),
  show: (): void => channel?.show(true),
};
