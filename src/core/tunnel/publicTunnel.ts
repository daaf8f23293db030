import { Emitter } from '../util/event';
import type { Disposable, Event } from '../util/event';
import type { AgentListener, AgentSession, ListenerSpec, SessionSpec } from './ngrokSdk';
import { connectSession, NativeModuleError } from './ngrokSdk';
import { describeNgrokError } from './ngrokErrors';
import type { ErrorContext, TunnelProblem } from './ngrokErrors';

export type PublicTunnelState =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'online'; readonly url: string }
  | {
      readonly kind: 'reconnecting';
      /** The URL senders use; kept while reconnecting because the edge gives it back. */
      readonly url?: string;
      readonly attempt: number;
      /** Epoch ms of the next attempt, when one is scheduled. */
      readonly retryAt?: number;
      readonly reason: string;
    }
  | { readonly kind: 'error'; readonly problem: TunnelProblem }
  | { readonly kind: 'stopped' };

export interface PublicTunnelOptions {
  readonly session: Omit<SessionSpec, 'onHeartbeat' | 'onDisconnect'>;
  readonly listener: ListenerSpec;
  readonly errorContext: ErrorContext;
  /** The SDK's own reconnects allowed per outage before the session is rebuilt here (its backoff grows without bound). */
  readonly sdkReconnectAttempts?: number;
  /** First delay of the rebuild backoff; doubles up to `maxBackoffMs`. */
  readonly backoffBaseMs?: number;
  readonly maxBackoffMs?: number;
  /**
   * After the SDK reconnects, how long without another disconnect before the tunnel counts as online again.
   * A heartbeat only proves the session is back, not that its endpoint was rebound (a refused rebind shows up
   * as the next disconnect, 2.5 s later), so the state waits this long before saying "online".
   */
  readonly reconnectGraceMs?: number;
  readonly log?: (message: string) => void;
}

/** Connects and listens with a deadline, so a silent edge cannot hold a rebuild forever. */
function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} got no answer within ${ms / 1000} s (transport error)`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

function problemOf(error: unknown, context: ErrorContext): TunnelProblem {
  if (error instanceof NativeModuleError) return { message: error.message, retryable: false, detail: error.message };
  return describeNgrokError(error, context);
}

/**
 * One ngrok session and its HTTP listener forwarding to the capture proxy, kept alive by this class rather
 * than by the SDK: SDK 1.7 never reconnects on missed heartbeats, and its own reconnect backoff grows to hours.
 * Every session gets a generation number so callbacks from a torn-down session are ignored.
 */
export class PublicTunnel implements Disposable {
  private readonly stateChanges = new Emitter<PublicTunnelState>();
  readonly onDidChangeState: Event<PublicTunnelState> = this.stateChanges.event;
  private current: PublicTunnelState = { kind: 'stopped' };
  private generation = 0;
  private session: AgentSession | undefined;
  private listener: AgentListener | undefined;
  private lastUrl: string | undefined;
  private attempt = 0;
  private sdkAttempts = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private rebuilding: Promise<void> | undefined;

  constructor(private options: PublicTunnelOptions) {}

  get state(): PublicTunnelState {
    return this.current;
  }

  /** Resolves once online or failed; a first failure is reported, not retried in a loop. */
  async start(): Promise<PublicTunnelState> {
    this.setState({ kind: 'connecting' });
    const generation = ++this.generation;
    try {
      await this.open(generation, this.options.listener.domain);
    } catch (error) {
      if (generation === this.generation) {
        await this.teardown();
        this.fail(error);
      }
    }
    return this.current;
  }

  /**
   * Applies new endpoint options (a changed Traffic Policy) to the running tunnel: a new listener on the same
   * session, asking for the URL it had. Rejects, leaving the old listener serving, when the edge refuses it.
   */
  async relisten(listener: ListenerSpec): Promise<void> {
    const session = this.session;
    const old = this.listener;
    if (!session || !old || this.current.kind !== 'online') throw new Error('The tunnel is not online.');
    const domain = listener.domain ?? new URL(old.url).hostname;
    // Unbind first: the edge would refuse a second endpoint on the same URL (ERR_NGROK_334).
    await old.close().catch(() => undefined);
    const generation = this.generation;
    try {
      const next = await withDeadline(session.openListener({ ...listener, domain }), 10_000, 'Opening the endpoint');
      this.options = { ...this.options, listener };
      this.listener = next;
      next.forwarding.then(
        () => undefined,
        (error: unknown) => this.onForwardingEnded(generation, error),
      );
      this.setState({ kind: 'online', url: next.url });
    } catch (error) {
      // Put the previous endpoint back so a refused change loses nothing.
      const restored = await session.openListener({ ...this.options.listener, domain }).catch(() => undefined);
      if (restored) {
        this.listener = restored;
        restored.forwarding.then(
          () => undefined,
          (cause: unknown) => this.onForwardingEnded(generation, cause),
        );
      } else {
        this.scheduleRebuild('the endpoint could not be reopened', 0);
      }
      throw error;
    }
  }

  /** "Retry now": skips the backoff wait. */
  retryNow(): void {
    if (this.current.kind !== 'reconnecting' && this.current.kind !== 'error') return;
    this.attempt = 0;
    this.scheduleRebuild('retrying now', 0);
  }

  async stop(): Promise<void> {
    this.generation++;
    clearTimeout(this.retryTimer);
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    await this.teardown();
    this.setState({ kind: 'stopped' });
  }

  dispose(): void {
    void this.stop().finally(() => this.stateChanges.dispose());
  }

  private async open(generation: number, domain: string | undefined): Promise<void> {
    const deadline = Math.max(10_000, this.options.session.heartbeatIntervalMs + this.options.session.heartbeatToleranceMs);
    const session = await withDeadline(
      connectSession({
        ...this.options.session,
        onHeartbeat: (latency) => this.onHeartbeat(generation, latency),
        onDisconnect: (error) => this.onDisconnect(generation, error),
      }),
      deadline,
      `ngrok at ${this.options.errorContext.serverAddr}`,
    );
    if (generation !== this.generation) {
      void session.close().catch(() => undefined);
      return;
    }
    this.session = session;
    const listener = await withDeadline(session.openListener({ ...this.options.listener, domain }), deadline, 'Opening the endpoint');
    if (generation !== this.generation) {
      void listener.close().catch(() => undefined);
      return;
    }
    this.listener = listener;
    this.lastUrl = listener.url;
    this.attempt = 0;
    this.sdkAttempts = 0;
    listener.forwarding.then(
      () => undefined,
      (error: unknown) => this.onForwardingEnded(generation, error),
    );
    this.setState({ kind: 'online', url: listener.url });
  }

  private onHeartbeat(generation: number, latency: number | null): void {
    if (generation !== this.generation) return;
    if (latency === null) {
      this.options.log?.('ngrok heartbeat missed: rebuilding the session');
      this.scheduleRebuild('ngrok stopped answering heartbeats', 0);
    } else if (this.current.kind === 'reconnecting' && this.listener && !this.rebuilding && !this.graceTimer) {
      // The SDK's own reconnect (which rebinds the same endpoint) seems to have come through.
      const listener = this.listener;
      this.graceTimer = setTimeout(() => {
        this.graceTimer = undefined;
        if (generation !== this.generation || this.current.kind !== 'reconnecting') return;
        this.sdkAttempts = 0;
        this.setState({ kind: 'online', url: listener.url });
      }, this.options.reconnectGraceMs ?? 3000);
    }
  }

  /** Called by the SDK before each of its reconnect attempts; returning false ends its attempts. */
  private onDisconnect(generation: number, error: string): boolean {
    if (generation !== this.generation) return false;
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.sdkAttempts++;
    this.options.log?.(`ngrok connection lost (${error}); SDK reconnect attempt ${this.sdkAttempts}`);
    if (this.sdkAttempts > (this.options.sdkReconnectAttempts ?? 2)) {
      this.scheduleRebuild(`the connection to ngrok was lost (${error})`, 0);
      return false;
    }
    this.setState({ kind: 'reconnecting', url: this.lastUrl, attempt: this.sdkAttempts, reason: `the connection to ngrok was lost (${error})` });
    return true;
  }

  private onForwardingEnded(generation: number, error: unknown): void {
    if (generation !== this.generation) return;
    const text = error instanceof Error ? error.message : String(error);
    this.options.log?.(`Forwarding ended: ${text}`);
    // The SDK reports an edge's StopTunnel as ListenerClosed { message, error_code }.
    if (/ListenerClosed|stopped by edge/i.test(text)) {
      // The edge (or the ngrok dashboard) stopped this endpoint on purpose: say so instead of fighting it.
      this.generation++;
      void this.teardown();
      const code = /ERR_NGROK_\d+/.exec(text)?.[0];
      const why = /message: "([^"]*)"/.exec(text)?.[1];
      const message = `ngrok stopped the endpoint${why ? `: ${why}` : ''}${code ? ` (${code})` : ''}. Start it again when ready`;
      this.setState({ kind: 'error', problem: { code, retryable: false, fix: 'retry', detail: text, message } });
      return;
    }
    this.scheduleRebuild(`forwarding ended (${text})`, 0);
  }

  private scheduleRebuild(reason: string, delayMs: number): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    const generation = ++this.generation;
    this.setState({ kind: 'reconnecting', url: this.lastUrl, attempt: this.attempt + 1, retryAt: Date.now() + delayMs, reason });
    this.retryTimer = setTimeout(() => void this.rebuild(generation, reason), delayMs);
  }

  private async rebuild(generation: number, reason: string): Promise<void> {
    if (generation !== this.generation) return;
    this.attempt++;
    this.setState({ kind: 'reconnecting', url: this.lastUrl, attempt: this.attempt, reason });
    const run = (async () => {
      await this.teardown();
      // Ask for the URL we had, so senders configured with it keep working.
      const domain = this.options.listener.domain ?? (this.lastUrl ? new URL(this.lastUrl).hostname : undefined);
      await this.open(generation, domain);
    })();
    this.rebuilding = run;
    try {
      await run;
    } catch (error) {
      if (generation !== this.generation) return;
      const problem = problemOf(error, this.options.errorContext);
      // While the old session lingers at the edge our own URL can read as taken (334); that clears, so retry.
      if (!problem.retryable && problem.code !== 'ERR_NGROK_334') {
        await this.teardown();
        this.setState({ kind: 'error', problem });
        return;
      }
      const base = this.options.backoffBaseMs ?? 1000;
      const delay = Math.min(this.options.maxBackoffMs ?? 30_000, base * 2 ** Math.min(this.attempt - 1, 16));
      this.options.log?.(`Reconnect attempt ${this.attempt} failed (${problem.detail}); next in ${delay} ms`);
      const next = ++this.generation;
      this.setState({ kind: 'reconnecting', url: this.lastUrl, attempt: this.attempt, retryAt: Date.now() + delay, reason: problem.message });
      this.retryTimer = setTimeout(() => void this.rebuild(next, problem.message), delay);
    } finally {
      if (this.rebuilding === run) this.rebuilding = undefined;
    }
  }

  /** Closes the listener first (the edge sees Unbind), then the session; both best-effort, both bounded. */
  private async teardown(): Promise<void> {
    const listener = this.listener;
    const session = this.session;
    this.listener = undefined;
    this.session = undefined;
    await withDeadline(listener?.close() ?? Promise.resolve(), 2000, 'Unbind').catch(() => undefined);
    await withDeadline(session?.close() ?? Promise.resolve(), 2000, 'Closing the session').catch(() => undefined);
  }

  private fail(error: unknown): void {
    const problem = problemOf(error, this.options.errorContext);
    this.options.log?.(`Tunnel failed: ${problem.detail}`);
    this.setState({ kind: 'error', problem });
  }

  private setState(state: PublicTunnelState): void {
    this.current = state;
    this.stateChanges.fire(state);
  }
}
