import type { LazyHistory } from '../core/history/lazyHistory';
import type { TunnelController } from '../core/tunnel/tunnelController';
import type { Secrets } from '../secrets';
import type * as vscode from 'vscode';
import type { ContextKeys } from '../contextKeys';
import type { ExchangePanelHost } from '../panels/exchangePanel';
import type { ProtectionSync } from '../protections';
import type { HistoryView } from '../views/historyView';
import type { TunnelConfiguration } from '../tunnelConfiguration';
import type { VerificationState } from '../verification';

/** What command handlers work with; built once in `activate`. */
export interface CommandContext {
  readonly tunnel: TunnelController;
  readonly history: LazyHistory;
  readonly secrets: Secrets;
  readonly extensionVersion: string;
  readonly verification: VerificationState;
  readonly configuration: TunnelConfiguration;
  readonly protections: ProtectionSync;
  readonly historyView: HistoryView;
  readonly contextKeys: ContextKeys;
  readonly extensionUri: vscode.Uri;
  readonly exchangePanelHost: ExchangePanelHost;
}
