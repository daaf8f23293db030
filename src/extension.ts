import * as vscode from 'vscode';
import { registerCommands } from './commands/commandTable';
import { configScope, configSection, readConfig, restartSettings } from './config';
import { ContextKeys } from './contextKeys';
import { LazyHistory } from './core/history/lazyHistory';
import { TunnelController } from './core/tunnel/tunnelController';
import { createLog, log } from './log';
import { Secrets } from './secrets';
import { TunnelStatusBar } from './statusBar/tunnelStatusBar';
import { ExchangeDocuments, exchangeScheme } from './views/exchangeDocuments';
import type { HistoryTreeProvider } from './views/historyTreeProvider';
import { HistoryView } from './views/historyView';
import { VerdictCache } from './views/verdictCache';
import { VerificationState } from './verification';
import { ConfigurationDocuments } from './commands/protectionCommands';
import { ProtectionSync } from './protections';
import { TunnelConfiguration } from './tunnelConfiguration';
import { registerExchangePanelSerializer } from './panels/exchangePanel';
import { createSignatureAwarePanelHost } from './panels/signatureAwareHost';

/** What the extension hands to its integration tests (and to nobody else). */
export interface WebhookTunnelApi {
  readonly tunnel: TunnelController;
  readonly history: LazyHistory;
  readonly historyTree: HistoryTreeProvider;
  readonly verdicts: VerdictCache;
  /** Where the log files go, so tests can check that no secret ever reaches them. */
  readonly logDir: string;
}

/** `deactivate` must await closing the proxy and flushing the history, which `dispose()` cannot. */
let shutdown: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): WebhookTunnelApi {
  const logChannel = createLog();
  const config = readConfig(configScope());
  const storage = vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'history').fsPath;
  const history = new LazyHistory(storage, config.history.maxEntries);
  void history.ready.then(({ report }) => report.message && reportDamagedHistory(report.message), (error: unknown) => log.error('Could not open the webhook history:', error));
  const tunnel = new TunnelController(history.append, (message) => log.info(message));
  const secrets = new Secrets(context.secrets);
  const statusBar = new TunnelStatusBar(tunnel.state);
  const verification = new VerificationState(secrets);
  const verdicts = new VerdictCache(history, verification);
  const historyView = new HistoryView(history, verdicts);
  const exchangePanelHost = createSignatureAwarePanelHost(history, tunnel, verification);
  const configuration = new TunnelConfiguration(secrets);
  const protections = new ProtectionSync(configuration, tunnel);
  const contextKeys = new ContextKeys();
  contextKeys.set('webhookTunnel:state', tunnel.state.kind);
  shutdown = async () => {
    await tunnel.stop();
    await history.close();
  };
  context.subscriptions.push(
    logChannel,
    history,
    tunnel,
    statusBar,
    verification,
    verdicts,
    historyView,
    configuration,
    protections,
    protections.onDidChange((active) => {
      statusBar.setProtections(active);
      historyView.setProtections(active);
    }),
    ConfigurationDocuments.register({ configuration }),
    registerExchangePanelSerializer(context.extensionUri, exchangePanelHost),
    tunnel.onDidChangeState((state) => {
      statusBar.render(state);
      historyView.renderState(state);
      contextKeys.set('webhookTunnel:state', state.kind);
    }),
    // Only emptiness matters here: `size` is O(1), where `entries()` would rebuild the newest-first list after every
    // eviction (each append into a full history fires `removed`).
    history.onDidChange((change) => contextKeys.set('webhookTunnel:hasHistory', change.kind === 'added' || history.size > 0)),
    vscode.workspace.registerTextDocumentContentProvider(exchangeScheme, new ExchangeDocuments(history)),
    ...registerCommands({ tunnel, history, secrets, verification, configuration, protections, historyView, contextKeys, extensionUri: context.extensionUri, exchangePanelHost, extensionVersion: String(context.extension.packageJSON.version ?? '0.0.0') }),
    vscode.workspace.onDidChangeConfiguration((event) => onConfigurationChanged(event, tunnel, history)),
  );
  return { tunnel, history, historyTree: historyView.provider, verdicts, logDir: context.logUri.fsPath };
}

export async function deactivate(): Promise<void> {
  await shutdown?.();
  shutdown = undefined;
}

function onConfigurationChanged(event: vscode.ConfigurationChangeEvent, tunnel: TunnelController, history: LazyHistory): void {
  if (!event.affectsConfiguration(configSection)) return;
  history.setMaxEntries(readConfig(configScope()).history.maxEntries);
  if ((tunnel.state.kind !== 'on' && tunnel.state.kind !== 'reconnecting') || !restartSettings.some((key) => event.affectsConfiguration(key))) return;
  void vscode.window.showInformationMessage('Webhook Tunnel settings changed. Restart the tunnel to apply them.', 'Restart Tunnel').then(async (choice) => {
    if (!choice) return;
    await tunnel.stop();
    await vscode.commands.executeCommand('webhookTunnel.startTunnel');
  });
}

function reportDamagedHistory(message: string): void {
  log.warn(message);
  void vscode.window.showWarningMessage(message);
}
