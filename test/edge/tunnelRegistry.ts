// Tunnels by id and by public hostname. A tunnel keeps its id → URL mapping for the edge's whole
// life, so a rebind after a reconnect (same Id) gets the same URL, as on ngrok.
import { randomBytes } from 'node:crypto';
import type { BindRequest, HttpOpts } from './protocol';
import type { TunnelPolicy } from './trafficPolicy';

export type TunnelState = 'online' | 'offline' | 'stopped' | 'closed';

export interface TunnelInfo {
  readonly id: string;
  /** What the agent was told: `https://<name>.<domain>` (or `http://` for Proto "http"). */
  readonly url: string;
  readonly hostname: string;
  readonly proto: string;
  /** online: bound on a live connection; offline: its connection is gone (a rebind revives it);
   *  stopped: the edge sent StopTunnel; closed: the agent sent Unbind. */
  readonly state: TunnelState;
  readonly connectionId: string | null;
  readonly sessionId: string | null;
  readonly forwardsTo: string;
  readonly metadata: string;
  readonly opts: HttpOpts;
  /** What the edge enforces for it (Opts.TrafficPolicy and the legacy option forms); null = nothing. */
  readonly policy: TunnelPolicy | null;
  readonly token: string;
  readonly boundAt: number;
  /** How many times the agent bound it again after a reconnect. */
  readonly rebinds: number;
}

type Tunnel = { -readonly [K in keyof TunnelInfo]: TunnelInfo[K] };

export type BindOutcome = { readonly ok: true; readonly tunnel: TunnelInfo; readonly rebind: boolean } | { readonly ok: false; readonly code: string; readonly message: string };

const nonEmpty = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : null);

export class TunnelRegistry {
  private readonly byId = new Map<string, Tunnel>();

  constructor(
    /** Public names are `<name>.<domain>`; with "localhost", browsers and curl reach `<name>.localhost`. */
    readonly domain: string,
    private readonly newName: () => string = () => randomBytes(5).toString('hex'),
    /** The URL the agent is told; by default ngrok's shape, `https://<hostname>`. */
    private readonly urlFor: (hostname: string, proto: string) => string = (hostname, proto) => `${proto === 'http' ? 'http' : 'https'}://${hostname}`,
  ) {}

  /** `policy`: parsed from the request's Opts; a rebind replaces the tunnel's Opts and policy. */
  bind(request: BindRequest, connectionId: string, sessionId: string, policy: TunnelPolicy | null = null): BindOutcome {
    const known = request.Id !== '' ? this.byId.get(request.Id) : undefined;
    if (known) {
      const holder = this.holderOf(known.hostname, known.id);
      if (holder) return this.inUse(known.hostname);
      Object.assign(known, { state: 'online', connectionId, sessionId, opts: request.Opts, policy, rebinds: known.rebinds + 1 } satisfies Partial<Tunnel>);
      return { ok: true, tunnel: { ...known }, rebind: true };
    }

    const hostname = this.hostnameFor(request.Opts);
    if (this.holderOf(hostname, request.Id)) return this.inUse(hostname);
    for (const other of this.byId.values()) if (other.hostname === hostname && other.state !== 'closed') other.state = 'closed'; // an offline holder gives way
    const id = request.Id !== '' ? request.Id : `tun_${randomBytes(8).toString('hex')}`;
    const tunnel: Tunnel = {
      id,
      url: this.urlFor(hostname, request.Proto),
      hostname,
      proto: request.Proto,
      state: 'online',
      connectionId,
      sessionId,
      forwardsTo: request.ForwardsTo,
      metadata: typeof request.Extra.Metadata === 'string' ? request.Extra.Metadata : '',
      opts: request.Opts,
      policy,
      token: `tok_${randomBytes(8).toString('hex')}`,
      boundAt: Date.now(),
      rebinds: 0,
    };
    this.byId.set(id, tunnel);
    return { ok: true, tunnel: { ...tunnel }, rebind: request.Id !== '' };
  }

  /** Unbind. Returns false for a tunnel that is unknown or already closed (the SDK sends Unbind twice). */
  unbind(id: string): boolean {
    const tunnel = this.byId.get(id);
    if (!tunnel || tunnel.state === 'closed') return false;
    Object.assign(tunnel, { state: 'closed', connectionId: null } satisfies Partial<Tunnel>);
    return true;
  }

  /** The edge sent StopTunnel: public requests get the offline page until the agent binds again. */
  stop(id: string): TunnelInfo | null {
    const tunnel = this.byId.get(id);
    if (!tunnel || tunnel.state !== 'online') return null;
    const before = { ...tunnel };
    Object.assign(tunnel, { state: 'stopped', connectionId: null } satisfies Partial<Tunnel>);
    return before;
  }

  /** The connection is gone: its tunnels go offline (and come back on rebind). */
  detach(connectionId: string): void {
    for (const tunnel of this.byId.values()) {
      if (tunnel.connectionId === connectionId && tunnel.state === 'online') Object.assign(tunnel, { state: 'offline', connectionId: null } satisfies Partial<Tunnel>);
    }
  }

  /** The online tunnel for a Host header value (port and case ignored), or null. */
  route(host: string): TunnelInfo | null {
    const hostname = stripPort(host).toLowerCase().replace(/\.$/, '');
    for (const tunnel of this.byId.values()) if (tunnel.hostname === hostname && tunnel.state === 'online') return { ...tunnel };
    return null;
  }

  get(id: string): TunnelInfo | null {
    const tunnel = this.byId.get(id);
    return tunnel ? { ...tunnel } : null;
  }

  list(): TunnelInfo[] {
    return [...this.byId.values()].map((tunnel) => ({ ...tunnel }));
  }

  private hostnameFor(opts: HttpOpts): string {
    const domain = nonEmpty(opts.Domain) ?? nonEmpty(opts.Hostname);
    if (domain) return stripPort(domain);
    const subdomain = nonEmpty(opts.Subdomain);
    return `${subdomain ?? this.newName()}.${this.domain}`;
  }

  /** Another tunnel that is online on this hostname. */
  private holderOf(hostname: string, exceptId: string): Tunnel | undefined {
    for (const tunnel of this.byId.values()) {
      if (tunnel.id !== exceptId && tunnel.hostname === hostname && tunnel.state === 'online') return tunnel;
    }
    return undefined;
  }

  private inUse(hostname: string): BindOutcome {
    return { ok: false, code: 'ERR_NGROK_334', message: `The endpoint 'https://${hostname}' is already online on the local test edge.` };
  }
}

export function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon >= 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}
