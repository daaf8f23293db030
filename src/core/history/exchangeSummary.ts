import type { StoredExchange } from './storedExchange';

export type ExchangeOutcome = 'success' | 'redirect' | 'clientError' | 'serverError' | 'failed' | 'upgrade';

/** How a call ended, for icons and filters: a proxy-side failure outranks whatever status was sent. */
export function exchangeOutcome(exchange: StoredExchange): ExchangeOutcome {
  if (exchange.error) return 'failed';
  if (exchange.upgrade) return 'upgrade';
  const status = exchange.response?.statusCode ?? 0;
  if (status >= 500) return 'serverError';
  if (status >= 400) return 'clientError';
  if (status >= 300) return 'redirect';
  return 'success';
}

/** The path without its query string, which the tree shows in the tooltip instead. */
export function exchangePath(exchange: StoredExchange): string {
  const url = exchange.request.url;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** `201`, `502 dev server down`, `504 timed out`: the status part of a tree description. */
export function statusText(exchange: StoredExchange): string {
  const status = exchange.response?.statusCode;
  switch (exchange.error?.kind) {
    case 'upstreamUnreachable':
      return `${status ?? 502} dev server down`;
    case 'upstreamTimeout':
      return `${status ?? 504} timed out`;
    case 'upstreamAborted':
      return `${status ?? '—'} cut off`;
    case 'clientAborted':
      return `${status ?? '—'} sender left`;
    case undefined:
      return status === undefined ? '—' : String(status);
  }
}
