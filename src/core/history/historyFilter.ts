import { detectProvider } from '../signatures/detect';
import { exchangePath } from './exchangeSummary';
import type { StoredExchange } from './storedExchange';

export type VerdictStatus = 'valid' | 'invalid' | 'unsigned' | 'noSecret';

/** What the History view's filter box understands: `POST /hooks status:5xx provider:github verdict:invalid replays:<id>`. */
export interface HistoryFilter {
  readonly text: string;
  readonly methods: readonly string[];
  readonly pathParts: readonly string[];
  readonly statuses: readonly string[];
  readonly providers: readonly string[];
  readonly verdicts: readonly VerdictStatus[];
  /** Only this exchange and its replays. */
  readonly replaysOf?: string;
}

const methods = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const verdictNames: Record<string, VerdictStatus> = { valid: 'valid', invalid: 'invalid', unsigned: 'unsigned', nosecret: 'noSecret', 'no-secret': 'noSecret' };

export class HistoryFilterError extends Error {
  override readonly name = 'HistoryFilterError';
}

export function parseHistoryFilter(text: string): HistoryFilter {
  const filter = { text: text.trim(), methods: [] as string[], pathParts: [] as string[], statuses: [] as string[], providers: [] as string[], verdicts: [] as VerdictStatus[], replaysOf: undefined as string | undefined };
  for (const token of text.split(/\s+/).filter(Boolean)) {
    const [key, value] = token.includes(':') ? [token.slice(0, token.indexOf(':')).toLowerCase(), token.slice(token.indexOf(':') + 1)] : [undefined, token];
    if (key === undefined) {
      if (methods.has(value.toUpperCase())) filter.methods.push(value.toUpperCase());
      else filter.pathParts.push(value.toLowerCase());
    } else if (key === 'status') {
      if (!/^[1-5](\d\d|xx)$/i.test(value)) throw new HistoryFilterError(`"${value}" is not a status: use 404 or 4xx.`);
      filter.statuses.push(value.toLowerCase());
    } else if (key === 'provider') filter.providers.push(value.toLowerCase());
    else if (key === 'verdict') {
      const verdict = verdictNames[value.toLowerCase()];
      if (!verdict) throw new HistoryFilterError(`"${value}" is not a verdict: use valid, invalid, unsigned or nosecret.`);
      filter.verdicts.push(verdict);
    } else if (key === 'replays') filter.replaysOf = value;
    else if (key === 'method') filter.methods.push(value.toUpperCase());
    else if (key === 'path') filter.pathParts.push(value.toLowerCase());
    else throw new HistoryFilterError(`Unknown filter "${key}:": use method:, path:, status:, provider:, verdict: or replays:.`);
  }
  return filter;
}

/** Each kind of condition must hold (AND); several values of one kind are alternatives (OR). */
export function matchesFilter(exchange: StoredExchange, filter: HistoryFilter, verdict: VerdictStatus | undefined): boolean {
  if (filter.methods.length && !filter.methods.includes(exchange.request.method.toUpperCase())) return false;
  const path = exchangePath(exchange).toLowerCase();
  if (!filter.pathParts.every((part) => path.includes(part))) return false;
  const status = exchange.response?.statusCode;
  if (filter.statuses.length && !filter.statuses.some((wanted) => status !== undefined && (wanted.endsWith('xx') ? String(status)[0] === wanted[0] : String(status) === wanted))) return false;
  if (filter.providers.length) {
    const provider = detectProvider(exchange.request.rawHeaders)?.provider;
    if (!provider || !filter.providers.includes(provider)) return false;
  }
  if (filter.verdicts.length && (!verdict || !filter.verdicts.includes(verdict))) return false;
  if (filter.replaysOf && exchange.id !== filter.replaysOf && exchange.replayOf !== filter.replaysOf) return false;
  return true;
}
