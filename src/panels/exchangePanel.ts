import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { log } from '../log';
import { assertNever, parseFromWebview, parseWebviewState } from '../shared/protocol';
import type { ExchangeView, FromWebview, PanelMode, ReplayEdits, ReplayOptions, ReplayOutcome, ToWebview } from '../shared/protocol';
import { buildWebviewHtml } from './webviewHtml';

/** What the panel needs from the rest of the extension; injected so the panel knows nothing of history or replay internals. */
export interface ExchangePanelHost {
  /** The exchange as the webview shows it (with its signature verdict), or undefined when it is no longer in the history. */
  loadExchange(id: string): Promise<ExchangeView | undefined>;
  /** Sends the edited request again; the replay is recorded as a new exchange linked to `id`. */
  replay(id: string, edits: ReplayEdits, options: ReplayOptions): Promise<ReplayOutcome>;
  /** Whether a secret for the exchange's sender is known, to default the re-sign option (the secret never reaches the page). */
  secretKnown(id: string): Promise<boolean>;
  /** Opens a diff of a replay against the exchange it replays. */
  compareWithOriginal(replayId: string): Promise<void>;
  /** Shows another exchange (usually: in this panel, through the Show Details command). */
  openExchange(id: string): Promise<void>;
}

export const exchangeViewType = 'webhookTunnel.exchange';

/** Only the webview bundle and media may load; without retainContextWhenHidden the page reloads when shown and restores its own state. */
function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

interface Target {
  exchangeId: string | undefined;
  mode: PanelMode;
}

/** A newly recorded replay can trail its HTTP response by a moment; look for it a few times. */
const readBackDelaysMs = [0, 100, 250, 500];

/** The one detail/replay panel. A second Show Details retargets it instead of opening another. */
export class ExchangePanel extends Disposable {
  private static current: ExchangePanel | undefined;
  private ready = false;
  /** Drops answers to loads the user has since navigated away from. */
  private generation = 0;
  /** The last replay result, re-sent when the page reloads (it is not part of the page's own state). */
  private lastResult: Extract<ToWebview, { type: 'replay/result' }> | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private host: ExchangePanelHost,
    private readonly target: Target,
  ) {
    super();
    ExchangePanel.current = this;
    const { webview } = panel;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity-bar.svg');
    webview.html = buildWebviewHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css')).toString(),
    });
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    // A hidden webview is torn down (no retainContextWhenHidden): it says `ready` again once shown.
    this.register(
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (!webviewPanel.visible) this.ready = false;
      }),
    );
  }

  /** Shows the exchange in the panel, creating the panel or retargeting and revealing the existing one. */
  static createOrShow(extensionUri: vscode.Uri, host: ExchangePanelHost, exchangeId: string, mode: PanelMode = 'inspect'): ExchangePanel {
    // Inspecting keeps focus where it was (arrowing through the history retargets the panel); replaying is for typing.
    const preserveFocus = mode === 'inspect';
    const current = ExchangePanel.current;
    if (current) {
      current.host = host;
      current.retarget(exchangeId, mode);
      current.panel.reveal(current.panel.viewColumn, preserveFocus);
      return current;
    }
    const panel = vscode.window.createWebviewPanel(exchangeViewType, 'Webhook Call', { viewColumn: vscode.ViewColumn.Active, preserveFocus }, webviewOptions(extensionUri));
    return new ExchangePanel(panel, extensionUri, host, { exchangeId, mode });
  }

  /** Adopts a panel VS Code restored after a reload, with the state its page saved. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, host: ExchangePanelHost, state: unknown): ExchangePanel {
    ExchangePanel.current?.dispose();
    panel.webview.options = webviewOptions(extensionUri);
    const parsed = parseWebviewState(state);
    if (!parsed.ok && state !== undefined) log.warn('Exchange panel: ignored unreadable saved state:', parsed.reason);
    const target: Target = parsed.ok ? { exchangeId: parsed.value.exchangeId, mode: parsed.value.mode } : { exchangeId: undefined, mode: 'inspect' };
    return new ExchangePanel(panel, extensionUri, host, target);
  }

  /** The id of the exchange on show, for tests and commands. */
  get exchangeId(): string | undefined {
    return this.target.exchangeId;
  }

  override dispose(): void {
    if (ExchangePanel.current === this) ExchangePanel.current = undefined;
    this.generation++;
    super.dispose();
    this.panel.dispose();
  }

  private retarget(exchangeId: string, mode: PanelMode): void {
    if (exchangeId !== this.target.exchangeId) this.lastResult = undefined;
    this.target.exchangeId = exchangeId;
    this.target.mode = mode;
    if (this.ready) void this.sendExchange();
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      log.warn('Exchange panel: ignored a malformed message from the webview:', parsed.reason);
      return;
    }
    void this.handle(parsed.value).catch((error: unknown) => log.error(`Exchange panel: ${parsed.value.type} failed:`, error));
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.sendExchange();
        return;
      case 'mode/set':
        this.target.mode = message.mode;
        return;
      case 'replay/send':
        await this.replay(message);
        return;
      case 'replay/compare':
        await this.userAction(() => this.host.compareWithOriginal(message.replayId), 'Could not compare with the original');
        return;
      case 'exchange/open':
        await this.userAction(() => this.host.openExchange(message.exchangeId), 'Could not open the call');
        return;
      default:
        assertNever(message);
    }
  }

  private async sendExchange(): Promise<void> {
    const generation = ++this.generation;
    const { exchangeId, mode } = this.target;
    if (exchangeId === undefined) {
      this.post({ type: 'exchange/missing', message: 'No webhook call is selected. Pick one in the Webhook Tunnel history.' });
      return;
    }
    const [exchange, secretKnown] = await Promise.all([this.host.loadExchange(exchangeId), this.host.secretKnown(exchangeId).catch(() => false)]);
    if (generation !== this.generation) return;
    if (!exchange) {
      this.panel.title = 'Webhook Call';
      this.post({ type: 'exchange/missing', exchangeId, message: 'This call is no longer in the history: it was cleared, or dropped as the oldest.' });
      return;
    }
    const path = exchange.request.url.split('?', 1)[0];
    this.panel.title = `${exchange.request.method} ${path}`;
    this.post({ type: 'exchange/show', mode, exchange, secretKnown });
    if (this.lastResult) this.post(this.lastResult);
  }

  private async replay(message: Extract<FromWebview, { type: 'replay/send' }>): Promise<void> {
    let outcome: ReplayOutcome;
    if (message.exchangeId !== this.target.exchangeId) {
      outcome = { ok: false, message: 'The panel shows another call now; send the replay from there.' };
    } else {
      try {
        outcome = await this.host.replay(message.exchangeId, message.edits, message.options);
      } catch (error) {
        log.error('Replay failed:', error);
        outcome = { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    }
    const exchange = outcome.ok ? await this.readBack(outcome.exchangeId) : undefined;
    const result: Extract<ToWebview, { type: 'replay/result' }> = exchange ? { type: 'replay/result', requestId: message.requestId, outcome, exchange } : { type: 'replay/result', requestId: message.requestId, outcome };
    if (message.exchangeId === this.target.exchangeId) this.lastResult = result;
    this.post(result);
  }

  private async readBack(exchangeId: string): Promise<ExchangeView | undefined> {
    for (const delay of readBackDelaysMs) {
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      const exchange = await this.host.loadExchange(exchangeId).catch(() => undefined);
      if (exchange) return exchange;
    }
    return undefined;
  }

  private async userAction(action: () => Promise<void>, failure: string): Promise<void> {
    try {
      await action();
    } catch (error) {
      log.error(`${failure}:`, error);
      void vscode.window.showErrorMessage(`${failure}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Restores the panel after a window reload; `onWebviewPanel:webhookTunnel.exchange` activates the extension for it. */
export function registerExchangePanelSerializer(extensionUri: vscode.Uri, host: ExchangePanelHost): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(exchangeViewType, {
    deserializeWebviewPanel: async (panel, state: unknown) => {
      ExchangePanel.revive(panel, extensionUri, host, state);
    },
  });
}
