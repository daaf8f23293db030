// The detail/replay view arrives with the inspect-and-replay work; until then the bundle only
// completes the ready handshake so the build pipeline and CSP are exercised end to end.
declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscode = acquireVsCodeApi();
vscode.postMessage({ type: 'ready' });
