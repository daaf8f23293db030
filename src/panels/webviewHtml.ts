import { randomBytes } from 'node:crypto';

/** Resource addresses as `webview.asWebviewUri(...).toString()` gives them, and `webview.cspSource`. */
export interface WebviewResources {
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

/** 128 random bits per page load: a nonce that cannot be guessed is what makes `script-src 'nonce-…'` mean anything. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The one HTML page of the exchange panel. Only the bundle with this load's nonce runs (no inline script, no eval);
 * styles, fonts and images come only from the extension's own webview resources, so there are no inline styles either.
 */
export function buildWebviewHtml(resources: WebviewResources, nonce: string = createNonce()): string {
  const source = attribute(resources.cspSource);
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${source}`, `font-src ${source}`, `img-src ${source} data:`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${attribute(resources.styleUri)}">
<title>Webhook Call</title>
</head>
<body>
<div id="app"><p class="placeholder">Loading…</p></div>
<script nonce="${nonce}" src="${attribute(resources.scriptUri)}"></script>
</body>
</html>
`;
}
