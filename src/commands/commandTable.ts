import * as vscode from 'vscode';
import { log } from '../log';
import type { CommandContext } from './commandContext';
import { copyAsCurl, deleteExchange, exportHar, replay } from './exchangeCommands';
import { clearFilter, clearHistory, compareWithOriginal, filterHistory, replayWithModifications, showExchange } from './historyCommands';
import { verifyWebhooks } from './verificationCommands';
import { openConfigFile, toggleBasicAuth, toggleIpRestrictions } from './protectionCommands';
import { copyPublicUrl, retryNow, setAuthtoken, startTunnel, stopTunnel } from './tunnelCommands';

/** Every command this version implements; the rest of the contributed ids stay hidden (`when: false`). */
export const commandTable = {
  'webhookTunnel.startTunnel': startTunnel,
  'webhookTunnel.stopTunnel': stopTunnel,
  'webhookTunnel.copyPublicUrl': copyPublicUrl,
  'webhookTunnel.setAuthtoken': setAuthtoken,
  'webhookTunnel.retryNow': retryNow,
  'webhookTunnel.showExchange': showExchange,
  'webhookTunnel.clearHistory': clearHistory,
  'webhookTunnel.copyAsCurl': copyAsCurl,
  'webhookTunnel.exportHar': exportHar,
  'webhookTunnel.replay': replay,
  'webhookTunnel.deleteExchange': deleteExchange,
  'webhookTunnel.verifyWebhooks': verifyWebhooks,
  'webhookTunnel.toggleBasicAuth': toggleBasicAuth,
  'webhookTunnel.toggleIpRestrictions': toggleIpRestrictions,
  'webhookTunnel.openConfigFile': openConfigFile,
  'webhookTunnel.filterHistory': (context: CommandContext) => filterHistory(context, context.historyView, context.contextKeys),
  'webhookTunnel.clearFilter': (context: CommandContext) => clearFilter(context, context.historyView, context.contextKeys),
  'webhookTunnel.compareWithOriginal': compareWithOriginal,
  'webhookTunnel.replayWithModifications': replayWithModifications,
  'webhookTunnel.showLog': () => log.show(),
} satisfies Record<string, (context: CommandContext, ...args: unknown[]) => unknown>;

export type CommandId = keyof typeof commandTable;

/** Registers the table; each handler gets the shared context, and failures become one message with the log a click away. */
export function registerCommands(context: CommandContext): vscode.Disposable[] {
  return Object.entries(commandTable).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await (handler as (context: CommandContext, ...rest: unknown[]) => unknown)(context, ...args);
      } catch (error) {
        log.error(`${id} failed:`, error);
        const choice = await vscode.window.showErrorMessage(`Webhook Tunnel: ${error instanceof Error ? error.message : String(error)}`, 'Show Log');
        if (choice) log.show();
        return undefined;
      }
    }),
  );
}
