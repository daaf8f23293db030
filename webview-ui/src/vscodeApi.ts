import { parseWebviewState } from '../../src/shared/protocol';
import type { FromWebview, WebviewState } from '../../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The page's one handle on VS Code (acquireVsCodeApi may be called only once), typed to the protocol. */
class VsCodeBridge {
  private readonly api = acquireVsCodeApi();

  post(message: FromWebview): void {
    this.api.postMessage(message);
  }

  /** The saved state, when there is one and it still has the right shape. */
  getState(): WebviewState | undefined {
    const saved = this.api.getState();
    if (saved === undefined || saved === null) return undefined;
    const parsed = parseWebviewState(saved);
    if (!parsed.ok) console.warn('Webhook Tunnel: dropped unreadable saved state:', parsed.reason);
    return parsed.ok ? parsed.value : undefined;
  }

  setState(state: WebviewState): void {
    this.api.setState(state);
  }
}

export const vscodeApi = new VsCodeBridge();
