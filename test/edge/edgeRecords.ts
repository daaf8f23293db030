// What the edge remembers and reports: every Auth/Bind/Unbind it received (the parsed JSON),
// session summaries, and an event feed tests can wait on.
import type { AuthRequest, BindRequest, StartTunnelWithLabelRequest, UnbindRequest } from './protocol';
import type { TunnelInfo } from './tunnelRegistry';

/** Makes the edge answer Auth or Bind with `{"Error":"<message>\n\n<code>\n"}`. */
export interface Refusal {
  /** e.g. "ERR_NGROK_105"; the SDK exposes it as `err.errorCode`. */
  readonly code: string;
  /** Default: a message like ngrok's for well-known codes. */
  readonly message?: string;
  /** How many requests to refuse; default: every one until cleared. */
  readonly times?: number;
}

export interface RefusalApplied {
  readonly code: string;
  readonly message: string;
}

interface Received {
  /** Date.now() when the request arrived. */
  readonly at: number;
  readonly connectionId: string;
  /** The session (ClientId) the connection authenticated as; null before a successful Auth. */
  readonly sessionId: string | null;
}

export interface AuthRecord extends Received {
  readonly request: AuthRequest;
  /** Set when the edge answered with an error. */
  readonly refused: RefusalApplied | null;
}

export interface BindRecord extends Received {
  readonly request: BindRequest;
  readonly refused: RefusalApplied | null;
  /** The tunnel bound (null when refused). */
  readonly tunnelId: string | null;
  readonly url: string | null;
  /** True when the request carried a tunnel Id (a rebind after a reconnect). */
  readonly rebind: boolean;
}

export interface LabelBindRecord extends Received {
  readonly request: StartTunnelWithLabelRequest;
}

export interface UnbindRecord extends Received {
  readonly request: UnbindRequest;
  /** True for the SDK's second Unbind of the same tunnel (or an unknown id). */
  readonly duplicate: boolean;
}

export interface EdgeRecords {
  readonly auths: readonly AuthRecord[];
  readonly binds: readonly BindRecord[];
  readonly labelBinds: readonly LabelBindRecord[];
  readonly unbinds: readonly UnbindRecord[];
}

export interface SessionInfo {
  readonly connectionId: string;
  /** AuthResp.ClientId; it stays the same across the SDK's reconnects. Null before Auth. */
  readonly sessionId: string | null;
  readonly remoteAddress: string;
  readonly connectedAt: number;
  readonly clientType: string | null;
  readonly userAgent: string | null;
  readonly tunnelIds: readonly string[];
  readonly heartbeatsReceived: number;
  readonly lastHeartbeatAt: number;
  /** Heartbeat silence after which the edge reaps the connection. */
  readonly heartbeatTimeoutMs: number;
  readonly silent: boolean;
  /** Null while open. */
  readonly closedReason: string | null;
}

export type EdgeEvent =
  | { readonly kind: 'auth'; readonly record: AuthRecord }
  | { readonly kind: 'bind'; readonly record: BindRecord }
  | { readonly kind: 'label-bind'; readonly record: LabelBindRecord }
  | { readonly kind: 'unbind'; readonly record: UnbindRecord }
  | { readonly kind: 'session-opened'; readonly session: SessionInfo }
  | { readonly kind: 'session-closed'; readonly session: SessionInfo; readonly reason: string }
  | { readonly kind: 'tunnel-stopped'; readonly tunnel: TunnelInfo }
  | { readonly kind: 'policy-denied'; readonly denial: PolicyDenial };

/** A public request the edge answered itself because the tunnel's policy refused it. */
export interface PolicyDenial {
  readonly at: number;
  readonly tunnelId: string;
  readonly clientIp: string;
  readonly method: string;
  readonly target: string;
  /** 401 (basic-auth) or 403 (restrict-ips). */
  readonly status: number;
  readonly action: 'basic-auth' | 'restrict-ips';
  readonly reason: string;
}

export type EdgeEventKind = EdgeEvent['kind'];
export type EdgeEventOf<K extends EdgeEventKind> = Extract<EdgeEvent, { readonly kind: K }>;

export class EdgeEvents {
  private readonly listeners = new Set<(event: EdgeEvent) => void>();

  emit(event: EdgeEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: (event: EdgeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The next event of this kind matching `predicate` (only events after the call). */
  next<K extends EdgeEventKind>(kind: K, predicate: (event: EdgeEventOf<K>) => boolean = () => true, timeoutMs = 10_000): Promise<EdgeEventOf<K>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`local edge: no '${kind}' event within ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = this.subscribe((event) => {
        if (event.kind !== kind || !predicate(event as EdgeEventOf<K>)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(event as EdgeEventOf<K>);
      });
    });
  }
}

const KNOWN_MESSAGES: Readonly<Record<string, string>> = {
  ERR_NGROK_105: 'The authtoken you specified does not look like a proper ngrok authtoken.',
  ERR_NGROK_107: 'The authtoken you specified is properly formed, but it is invalid.',
  ERR_NGROK_108: 'Your account is limited to 1 simultaneous ngrok agent sessions.',
  ERR_NGROK_120: 'Your ngrok agent version is no longer supported.',
  ERR_NGROK_324: 'Your account may not run more than 3 endpoints over a single ngrok agent session.',
  ERR_NGROK_334: 'The endpoint is already online.',
  ERR_NGROK_4018: 'Authentication failed: usage of ngrok requires a verified account and authtoken.',
};

export function refusalMessage(refusal: Refusal): RefusalApplied {
  return { code: refusal.code, message: refusal.message ?? KNOWN_MESSAGES[refusal.code] ?? `Refused by the local test edge (${refusal.code}).` };
}
