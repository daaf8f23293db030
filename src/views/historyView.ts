import * as vscode from 'vscode';
import type { LazyHistory } from '../core/history/lazyHistory';
import type { StoredExchange } from '../core/history/storedExchange';
import type { TunnelState } from '../core/tunnel/tunnelState';
import { Disposable } from '../dispose';
import { HistoryTreeProvider } from './historyTreeProvider';
import type { VerdictCache } from './verdictCache';
import type { HistoryFilter } from '../core/history/historyFilter';

/** The History view: the tree, its title-bar description (the address) and a badge for calls arriving unseen. */
export class HistoryView extends Disposable {
  readonly provider: HistoryTreeProvider;
  private readonly view: vscode.TreeView<StoredExchange>;
  private unseen = 0;

  constructor(history: LazyHistory, verdicts: VerdictCache) {
    super();
    this.provider = this.register(new HistoryTreeProvider(history, verdicts));
    this.view = this.register(vscode.window.createTreeView('webhookTunnel.history', { treeDataProvider: this.provider }));
    this.register(
      history.onDidChange((change) => {
        if (change.kind === 'added' && !this.view.visible) this.setUnseen(this.unseen + 1);
        if (change.kind === 'cleared') this.setUnseen(0);
      }),
    );
    this.register(this.view.onDidChangeVisibility(({ visible }) => visible && this.setUnseen(0)));
  }

  private protections: readonly string[] = [];

  /** The view's header line says which edge protections are on. */
  setProtections(active: readonly string[]): void {
    this.protections = active;
    this.renderMessage();
  }

  setFilter(filter: HistoryFilter | undefined): void {
    this.provider.setFilter(filter);
    this.renderMessage();
  }

  private renderMessage(): void {
    const lines = [this.protections.length ? `Protected: ${this.protections.join(' · ')}` : undefined, this.provider.activeFilter ? `Filter: ${this.provider.activeFilter.text}` : undefined];
    this.view.message = lines.filter(Boolean).join(' — ') || undefined;
  }

  renderState(state: TunnelState): void {
    this.view.description = state.kind === 'on' ? state.url.replace(/^https?:\/\//, '') : undefined;
  }

  private setUnseen(count: number): void {
    this.unseen = count;
    this.view.badge = count > 0 ? { value: count, tooltip: `${count} new webhook call${count === 1 ? '' : 's'}` } : undefined;
  }
}
