import type { Upstream } from '../config/upstream';

/** What the sender reads when the proxy has to answer for the dev server. Plain text: senders log it verbatim. */
export function unreachablePage(upstream: Upstream, code: string | undefined): string {
  const why = code === 'ECONNREFUSED' ? 'nothing is listening there' : code === 'ENOTFOUND' ? 'the host name does not resolve' : (code ?? 'connection failed');
  return [
    `502 Bad Gateway: Webhook Tunnel could not reach the dev server at ${upstream.origin} (${why}).`,
    '',
    `Start your dev server on ${upstream.origin}, or point the tunnel at the right one with the`,
    'VS Code setting "webhookTunnel.upstream" (a port, host:port or URL).',
    'This request was captured: replay it from the Webhook Tunnel history once the server is up.',
    '',
  ].join('\n');
}

export function timeoutPage(upstream: Upstream, timeoutMs: number): string {
  return [
    `504 Gateway Timeout: the dev server at ${upstream.origin} did not answer within ${timeoutMs / 1000} s.`,
    '',
    'Check whether it is stuck (a breakpoint, an endless loop, a slow call it makes), or raise',
    'the VS Code setting "webhookTunnel.capture.upstreamTimeoutSeconds".',
    'This request was captured: replay it from the Webhook Tunnel history.',
    '',
  ].join('\n');
}
