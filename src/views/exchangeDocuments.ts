import * as vscode from 'vscode';
import { renderRawHttp } from '../core/history/rawHttp';
import type { LazyHistory } from '../core/history/lazyHistory';
import type { StoredExchange } from '../core/history/storedExchange';
import { exchangePath } from '../core/history/exchangeSummary';

export const exchangeScheme = 'webhook-tunnel-exchange';

/**
 * Read-only documents showing a captured call as an HTTP transcript. Until the detail webview exists
 * this is what Show Details opens; a virtual document gets search, copy and word wrap for free.
 */
export class ExchangeDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly history: LazyHistory) {}

  static uriFor(exchange: StoredExchange): vscode.Uri {
    const name = `${exchange.request.method} ${exchangePath(exchange)}`.replace(/[\\/:*?"<>|]+/g, '_').slice(0, 80);
    return vscode.Uri.from({ scheme: exchangeScheme, path: `/${name}.http`, query: exchange.id });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const exchange = await this.history.readExchange(uri.query);
    return exchange ? renderRawHttp(exchange) : 'This call is no longer in the history (it was cleared or dropped as the oldest).\n';
  }
}
