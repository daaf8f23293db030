// The edge's own HTTP answers on the public port, shaped like ngrok's error pages
// (status, `ngrok-error-code` header, a short HTML page), marked as coming from the LOCAL test edge.

export interface EdgeErrorPage {
  readonly status: number;
  readonly reason: string;
  readonly code: string | null;
  readonly title: string;
  readonly detail: string;
  /** Extra response header fields (e.g. WWW-Authenticate). */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function endpointOffline(host: string): EdgeErrorPage {
  return {
    status: 404,
    reason: 'Not Found',
    code: 'ERR_NGROK_3200',
    title: `The endpoint ${host} is offline.`,
    detail: 'No tunnel is bound to this host on the local test edge. Start the tunnel, then use the URL it shows (http://<name>.localhost:<public port> here).',
  };
}

export function badRequest(detail: string): EdgeErrorPage {
  return { status: 400, reason: 'Bad Request', code: null, title: 'Bad request', detail };
}

export function agentGone(host: string): EdgeErrorPage {
  return {
    status: 502,
    reason: 'Bad Gateway',
    code: 'ERR_NGROK_3004',
    title: `The agent for ${host} closed the connection without answering.`,
    detail: 'The ngrok agent (the SDK in the extension host) ended the proxy stream before sending any response bytes.',
  };
}

/** The whole HTTP/1.1 response, with `Connection: close`. */
export function renderErrorPage(page: EdgeErrorPage): Buffer {
  const code = page.code ? `<p><code>${page.code}</code></p>` : '';
  const body = Buffer.from(
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title></head>\n` +
      `<body style="font-family:sans-serif;max-width:40em;margin:3em auto">\n` +
      `<h1>${escapeHtml(page.title)}</h1>\n<p>${escapeHtml(page.detail)}</p>\n${code}\n` +
      `<p><small>Served by the Webhook Tunnel LOCAL test edge, not by ngrok.</small></p>\n</body></html>\n`,
    'utf8',
  );
  const head =
    `HTTP/1.1 ${page.status} ${page.reason}\r\n` +
    `Content-Type: text/html; charset=utf-8\r\n` +
    `Content-Length: ${body.length}\r\n` +
    (page.code ? `Ngrok-Error-Code: ${page.code}\r\n` : '') +
    (page.headers ?? []).map(([name, value]) => `${name}: ${value}\r\n`).join('') +
    `Connection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}
