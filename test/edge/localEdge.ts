// A LOCAL ngrok-compatible edge for tests and offline development (it is not ngrok): a TLS
// server the real @ngrok/ngrok SDK connects to (serverAddr + caCert), a public plain-HTTP port
// routed by Host, and control methods to make it misbehave on purpose.
//
//   const edge = await LocalEdge.start();
//   new ngrok.SessionBuilder().authtoken('x').serverAddr(edge.serverAddr).caCert(Buffer.from(edge.caPem))…
//   // listener.url() === 'https://<name>.localhost'; reach it at edge.publicUrl(listener.url())
import type { TLSSocket } from 'node:tls';
import { AgentConnection } from './agentConnection';
import type { AgentRpcHandlers } from './agentConnection';
import { AgentRpcAnswers } from './agentRpcAnswers';
import { AgentTlsListener } from './agentTlsListener';
import { ControlApiServer } from './controlApi';
import { EdgeEvents } from './edgeRecords';
import type { EdgeEventKind, EdgeEventOf, EdgeRecords, Refusal, SessionInfo } from './edgeRecords';
import { headerValues } from './httpRequestStream';
import { ErrorCode } from './muxadoFrame';
import type { AckPolicy } from './muxadoSession';
import type { CommandResponse } from './protocol';
import { PublicHttpServer } from './publicHttp';
import type { AdmissionRequest, PublicRoute } from './publicHttp';
import type { AgentCommand } from './rpc';
import { createTestCa } from './testCa';
import type { TestCa } from './testCa';
import { evaluatePolicy } from './trafficPolicy';
import type { TunnelPolicy } from './trafficPolicy';
import { TunnelRegistry } from './tunnelRegistry';
import type { TunnelInfo } from './tunnelRegistry';

export interface LocalEdgeOptions {
  /** Address all ports bind to. Default 127.0.0.1. */
  readonly host?: string;
  /** Agent (TLS) port; 0 = ephemeral (default). */
  readonly serverPort?: number;
  /** Public plain-HTTP port; 0 = ephemeral (default). */
  readonly publicPort?: number;
  /** Control HTTP API port; 0 = ephemeral; null/undefined = no control server (default). */
  readonly controlPort?: number | null;
  /** Tunnels get `https://<name>.<domain>`. Default "localhost" (so `<name>.localhost` resolves locally). */
  readonly domain?: string;
  /** Write the CA certificate PEM here at start. */
  readonly caPath?: string;
  /** Nagle-stall workaround; see AckPolicy. Default 'every-read'. */
  readonly ackPolicy?: AckPolicy;
  /** Pace the TLS handshake so the SDK's Finished is not held ~40 ms by Nagle (see agentTlsListener). Default true. */
  readonly paceHandshake?: boolean;
  /**
   * Tell agents the URL that really answers here, `http://<name>.localhost:<publicPort>`, instead of ngrok's
   * `https://<name>.localhost` shape: what `npm start` uses so the status bar shows an address curl and a browser reach.
   */
  readonly reachableUrls?: boolean;
  /** Reap an agent connection after this much heartbeat silence. Default: its Auth's interval + tolerance. */
  readonly reapAfterMs?: number;
  /** Add X-Forwarded-For/-Host/-Proto to public requests, as ngrok does. Default true. */
  readonly forwardedHeaders?: boolean;
  /** How long Stop/Restart/Update wait for the agent's answer. Default 5000 ms. */
  readonly commandTimeoutMs?: number;
  /** Diagnostic lines (connections, Auth, Bind, …). Default: silent. */
  readonly log?: (line: string) => void;
}

/** Selects agent connections: by session (ClientId; all its connections) or by connection id. Empty = all. */
export interface SessionFilter {
  readonly sessionId?: string;
  readonly connectionId?: string;
}

export interface GoAwayOptions {
  readonly code?: number;
  readonly message?: string;
  /** Close the transport this long after GOAWAY. Default 500 ms. */
  readonly closeAfterMs?: number;
}

export interface StopTunnelOptions {
  readonly message?: string;
  readonly errorCode?: string;
}

export interface CommandResult {
  readonly connectionId: string;
  readonly sessionId: string | null;
  readonly response: CommandResponse | null;
  /** Set when the agent did not answer (timeout, closed stream). */
  readonly error: string | null;
}

/** The edge's control surface; the control HTTP API calls exactly these. */
export interface EdgeControl {
  readonly serverAddr: string;
  readonly publicPort: number;
  readonly controlPort: number | null;
  readonly domain: string;
  readonly caPem: string;
  readonly caPath: string | null;
  readonly records: EdgeRecords;
  sessions(options?: { readonly includeClosed?: boolean }): SessionInfo[];
  tunnels(): TunnelInfo[];
  policyOf(tunnelId: string): TunnelPolicy | null;
  publicUrl(urlOrTunnelId: string): string;
  refuseAuth(refusal: Refusal | null): void;
  refuseBind(refusal: Refusal | null): void;
  dropConnections(filter?: SessionFilter): number;
  goAway(filter?: SessionFilter, options?: GoAwayOptions): number;
  goSilent(filter?: SessionFilter): number;
  resume(filter?: SessionFilter): number;
  stopTunnel(tunnelId: string, options?: StopTunnelOptions): boolean;
  sendCommand(command: AgentCommand, filter?: SessionFilter): Promise<CommandResult[]>;
  clearRecords(): void;
  close(): Promise<void>;
}

const MAX_CLOSED_KEPT = 100;

export class LocalEdge implements EdgeControl {
  readonly host: string;
  readonly serverPort: number;
  /** `127.0.0.1:PORT`: pass to SessionBuilder.serverAddr() / `server_addr`. */
  readonly serverAddr: string;
  readonly publicPort: number;
  readonly controlPort: number | null;
  readonly domain: string;
  /** The CA certificate to trust: SessionBuilder.caCert(Buffer.from(caPem)) / `session_ca_cert`. */
  readonly caPem: string;
  /** Where the CA PEM was written (options.caPath), or null. */
  caPath: string | null;
  readonly events = new EdgeEvents();

  private readonly connections = new Map<string, AgentConnection>();
  private connectionCounter = 0;
  private readonly rpc: AgentRpcAnswers;
  private silentAll = false;
  private closing: Promise<void> | null = null;
  private markClosed: () => void = () => undefined;
  /** Resolves once close() has finished (also after POST /shutdown). */
  readonly whenClosed = new Promise<void>((resolve) => (this.markClosed = resolve));

  private constructor(
    private readonly options: LocalEdgeOptions,
    private readonly ca: TestCa,
    private readonly agentListener: AgentTlsListener,
    private readonly registry: TunnelRegistry,
    private readonly publicServer: PublicHttpServer,
    private readonly controlServer: ControlApiServer | null,
    parts: { readonly serverPort: number; readonly controlPort: number | null },
  ) {
    this.host = options.host ?? '127.0.0.1';
    this.serverPort = parts.serverPort;
    this.serverAddr = `${this.host.includes(':') ? `[${this.host}]` : this.host}:${parts.serverPort}`;
    this.publicPort = publicServer.port;
    this.controlPort = parts.controlPort;
    this.domain = registry.domain;
    this.caPem = ca.caPem;
    this.caPath = options.caPath ?? null;
    this.rpc = new AgentRpcAnswers(registry, this.events, (line) => this.log(line), (url) => this.publicUrl(url));
  }

  /** Starts the TLS agent port, the public HTTP port and (if asked) the control port. */
  static async start(options: LocalEdgeOptions = {}): Promise<LocalEdge> {
    const host = options.host ?? '127.0.0.1';
    const ca = createTestCa();
    if (options.caPath) ca.writeCaPem(options.caPath);
    let edge: LocalEdge | null = null;
    const registry = new TunnelRegistry(options.domain ?? 'localhost', undefined, options.reachableUrls ? (hostname) => `http://${hostname}:${edge?.publicPort ?? 0}` : undefined);
    const started: Array<{ close(): Promise<void> }> = [];
    try {
      const agentListener = await AgentTlsListener.start({
        host,
        port: options.serverPort ?? 0,
        keyPem: ca.keyPem,
        certPem: ca.certPem,
        paceHandshake: options.paceHandshake ?? true,
        onSecure: (socket, remote) => edge?.accept(socket, remote),
        onHandshakeError: (message) => edge?.log(`TLS handshake failed: ${message}`),
      });
      started.push(agentListener);
      const publicServer = await PublicHttpServer.start({
        host,
        port: options.publicPort ?? 0,
        forwardedHeaders: options.forwardedHeaders ?? true,
        route: (hostHeader) => edge?.route(hostHeader) ?? null,
      });
      started.push(publicServer);
      let controlServer: ControlApiServer | null = null;
      if (options.controlPort !== undefined && options.controlPort !== null) {
        controlServer = await ControlApiServer.start(() => edge, host, options.controlPort);
      }
      edge = new LocalEdge(options, ca, agentListener, registry, publicServer, controlServer, {
        serverPort: agentListener.port,
        controlPort: controlServer?.port ?? null,
      });
    } catch (error) {
      await Promise.all(started.map((server) => server.close()));
      throw error;
    }
    edge.log(`LOCAL test edge (not ngrok) listening: agents ${edge.serverAddr}, public http://<name>.${edge.domain}:${edge.publicPort}`);
    return edge;
  }

  get records(): EdgeRecords {
    return this.rpc.records;
  }

  /** The next matching event after this call (rejects after timeoutMs). */
  waitFor<K extends EdgeEventKind>(kind: K, predicate?: (event: EdgeEventOf<K>) => boolean, timeoutMs?: number): Promise<EdgeEventOf<K>> {
    return this.events.next(kind, predicate, timeoutMs);
  }

  // ---- queries ----

  sessions(options: { readonly includeClosed?: boolean } = {}): SessionInfo[] {
    return [...this.connections.values()].filter((c) => options.includeClosed || !c.closed).map(sessionInfo);
  }

  tunnels(): TunnelInfo[] {
    return this.registry.list();
  }

  tunnel(id: string): TunnelInfo | null {
    return this.registry.get(id);
  }

  /** The policy the edge enforces for a tunnel (parsed from its last Bind), or null. */
  policyOf(tunnelId: string): TunnelPolicy | null {
    return this.registry.get(tunnelId)?.policy ?? null;
  }

  /** `https://abc.localhost` (a listener URL) or a tunnel id → `http://abc.localhost:<publicPort>`. */
  publicUrl(urlOrTunnelId: string): string {
    const hostname = urlOrTunnelId.includes('://') ? new URL(urlOrTunnelId).hostname : this.registry.get(urlOrTunnelId)?.hostname;
    if (!hostname) throw new Error(`local edge: no tunnel ${urlOrTunnelId}`);
    return `http://${hostname}:${this.publicPort}`;
  }

  // ---- control ----

  /** Answer Auth with `{"Error":"<message>\n\n<code>\n"}` (for `times` requests, or until cleared with null). */
  refuseAuth(refusal: Refusal | null): void {
    this.rpc.refuseAuth(refusal);
  }

  /** The same for Bind (rebinds after a reconnect included). */
  refuseBind(refusal: Refusal | null): void {
    this.rpc.refuseBind(refusal);
  }

  /** Destroys the TCP connection(s) abruptly; the SDK sees a transport error and reconnects. */
  dropConnections(filter: SessionFilter = {}): number {
    const targets = this.select(filter);
    for (const connection of targets) connection.close('dropped by the control API');
    return targets.length;
  }

  /** Sends muxado GOAWAY, then closes the transport; the SDK reconnects. */
  goAway(filter: SessionFilter = {}, options: GoAwayOptions = {}): number {
    const targets = this.select(filter);
    for (const connection of targets) connection.goAway(options.code ?? ErrorCode.None, options.message ?? 'going away (local test edge)', options.closeAfterMs ?? 500);
    return targets.length;
  }

  /** Stops echoing heartbeats. Without a filter, also for connections that arrive later. */
  goSilent(filter: SessionFilter = {}): number {
    if (isEmpty(filter)) this.silentAll = true;
    const targets = this.select(filter);
    for (const connection of targets) connection.silent = true;
    return targets.length;
  }

  resume(filter: SessionFilter = {}): number {
    if (isEmpty(filter)) this.silentAll = false;
    const targets = this.select(filter);
    for (const connection of targets) connection.silent = false;
    return targets.length;
  }

  /** Sends StopTunnel for an online tunnel; its public host answers 404 from then on. */
  stopTunnel(tunnelId: string, options: StopTunnelOptions = {}): boolean {
    const tunnel = this.registry.get(tunnelId);
    const connection = tunnel?.connectionId ? this.connections.get(tunnel.connectionId) : undefined;
    if (!tunnel || !connection || connection.closed) return false;
    connection.stopTunnel({ Id: tunnelId, Message: options.message ?? 'endpoint stopped by the local test edge', ErrorCode: options.errorCode ?? 'ERR_NGROK_999' });
    const stopped = this.registry.stop(tunnelId);
    if (stopped) this.events.emit({ kind: 'tunnel-stopped', tunnel: stopped });
    this.log(`StopTunnel ${tunnelId}`);
    return true;
  }

  /** Sends Stop, Restart or Update to the selected connections and collects the answers. */
  async sendCommand(command: AgentCommand, filter: SessionFilter = {}): Promise<CommandResult[]> {
    return Promise.all(
      this.select(filter).map(async (connection) => {
        const base = { connectionId: connection.connectionId, sessionId: connection.sessionId };
        try {
          return { ...base, response: await connection.command(command), error: null };
        } catch (error) {
          return { ...base, response: null, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
  }

  clearRecords(): void {
    this.rpc.clearRecords();
  }

  writeCaPem(path: string): void {
    this.ca.writeCaPem(path);
    this.caPath = path;
  }

  /** Closes every port and connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const connection of this.connections.values()) connection.close('the local edge is shutting down');
      await Promise.all([
        this.agentListener.close(),
        this.publicServer.close(),
        this.controlServer?.close() ?? Promise.resolve(),
      ]);
      this.log('LOCAL test edge stopped');
      this.markClosed();
    })();
    return this.closing;
  }

  // ---- agent side ----

  private accept(socket: TLSSocket, remoteAddress: string): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const connectionId = `conn_${++this.connectionCounter}`;
    const connection = new AgentConnection(socket, this.handlers, {
      connectionId,
      remoteAddress,
      ackPolicy: this.options.ackPolicy ?? 'every-read',
      reapAfterMs: this.options.reapAfterMs,
      silent: this.silentAll,
      commandTimeoutMs: this.options.commandTimeoutMs ?? 5000,
    });
    this.connections.set(connectionId, connection);
    this.pruneClosed();
    this.log(`${connectionId} connected from ${connection.remoteAddress}`);
    this.events.emit({ kind: 'session-opened', session: sessionInfo(connection) });
  }

  private readonly handlers: AgentRpcHandlers = {
    auth: (connection, raw) => this.rpc.auth(connection, raw),
    bind: (connection, raw) => this.rpc.bind(connection, raw),
    unbind: (connection, raw) => this.rpc.unbind(connection, raw),
    bindLabel: (connection, raw) => this.rpc.bindLabel(connection, raw),
    closed: (connection, reason) => {
      this.registry.detach(connection.connectionId);
      this.log(`${connection.connectionId} (${connection.sessionId ?? 'no session'}) closed: ${reason}`);
      this.events.emit({ kind: 'session-closed', session: sessionInfo(connection), reason });
    },
  };

  // ---- public side ----

  private route(hostHeader: string): PublicRoute | null {
    const tunnel = this.registry.route(hostHeader);
    const connection = tunnel?.connectionId ? this.connections.get(tunnel.connectionId) : undefined;
    if (!tunnel || !connection || connection.closed) return null;
    return { tunnelId: tunnel.id, proto: tunnel.proto, openStream: () => connection.openStream(), admit: (request) => this.admit(tunnel.id, request) };
  }

  /** The tunnel's current policy (a rebind may have replaced it) decides each public request. */
  private admit(tunnelId: string, { clientIp, head }: AdmissionRequest) {
    const policy = this.policyOf(tunnelId);
    if (!policy) return null;
    const verdict = evaluatePolicy(policy, { clientIp, authorization: headerValues(head, 'authorization') });
    if (verdict.allowed) return null;
    this.log(`policy: ${verdict.page.status} for ${head.method} ${head.target} on ${tunnelId} from ${clientIp}: ${verdict.reason}`);
    this.events.emit({
      kind: 'policy-denied',
      denial: { at: Date.now(), tunnelId, clientIp, method: head.method, target: head.target, status: verdict.page.status, action: verdict.action, reason: verdict.reason },
    });
    return verdict.page;
  }

  private select(filter: SessionFilter): AgentConnection[] {
    return [...this.connections.values()].filter(
      (c) => !c.closed && (filter.sessionId === undefined || c.sessionId === filter.sessionId) && (filter.connectionId === undefined || c.connectionId === filter.connectionId),
    );
  }

  private pruneClosed(): void {
    const closed = [...this.connections.values()].filter((c) => c.closed);
    for (const connection of closed.slice(0, Math.max(0, closed.length - MAX_CLOSED_KEPT))) this.connections.delete(connection.connectionId);
  }

  private log(line: string): void {
    this.options.log?.(`[local-edge] ${line}`);
  }
}

function isEmpty(filter: SessionFilter): boolean {
  return filter.sessionId === undefined && filter.connectionId === undefined;
}

function sessionInfo(connection: AgentConnection): SessionInfo {
  return {
    connectionId: connection.connectionId,
    sessionId: connection.sessionId,
    remoteAddress: connection.remoteAddress,
    connectedAt: connection.connectedAt,
    clientType: connection.authRequest?.Extra.ClientType ?? null,
    userAgent: connection.authRequest?.Extra.UserAgent ?? null,
    tunnelIds: [...connection.tunnelIds],
    heartbeatsReceived: connection.heartbeatsReceived,
    lastHeartbeatAt: connection.lastHeartbeatAt,
    heartbeatTimeoutMs: connection.heartbeatTimeoutMs,
    silent: connection.silent,
    closedReason: connection.closedReason,
  };
}
