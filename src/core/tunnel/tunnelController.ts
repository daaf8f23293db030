import { CaptureProxy, CaptureProxyError } from '../capture/captureProxy';
import type { Exchange } from '../capture/exchange';
import { parseUpstream, UpstreamError } from '../config/upstream';
import { Emitter } from '../util/event';
import type { Disposable, Event } from '../util/event';
import type { CaptureSettings, PublicTunnelSettings } from './captureSettings';
import { PublicTunnel } from './publicTunnel';
import type { PublicTunnelState } from './publicTunnel';
import type { TunnelRoute, TunnelState } from './tunnelState';

/** Where the SDK connects when no server address is set. */
export const defaultServerAddr = 'connect.ngrok-agent.com:443';

function isLoopback(serverAddr: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i.test(serverAddr);
}

/**
 * Owns the capture proxy and, for a public URL, the ngrok tunnel in front of it, and folds both into the one
 * state everything else renders from. Start and stop are serialized, so a double click or a stop during a
 * start never leaves a proxy or a listener behind.
 */
export class TunnelController implements Disposable {
  private readonly stateChanges = new Emitter<TunnelState>();
  readonly onDidChangeState: Event<TunnelState> = this.stateChanges.event;
  private currentState: TunnelState = { kind: 'off' };
  private proxy: CaptureProxy | undefined;
  private publicTunnel: PublicTunnel | undefined;
  private publicListener: PublicTunnelSettings['listener'] = {};
  private transition: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly record: (exchange: Exchange) => void,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  get state(): TunnelState {
    return this.currentState;
  }

  /** Resolves with the resulting state; failures end in the `error` state rather than throwing. */
  start(settings: CaptureSettings, publicSettings?: PublicTunnelSettings): Promise<TunnelState> {
    return this.serialize(async () => {
      if (this.currentState.kind === 'on' || this.currentState.kind === 'reconnecting') return this.currentState;
      let upstreamText = settings.upstream;
      try {
        const upstream = parseUpstream(settings.upstream);
        upstreamText = upstream.origin;
        const route: TunnelRoute = publicSettings
          ? {
              kind: 'ngrok',
              authtokenSource: publicSettings.authtokenSource,
              serverAddr: publicSettings.session.serverAddr ?? defaultServerAddr,
              region: publicSettings.region,
              localEdge: isLoopback(publicSettings.session.serverAddr ?? defaultServerAddr),
            }
          : { kind: 'local' };
        this.setState({ kind: 'starting', upstream: upstream.origin, route });
        const proxy = await CaptureProxy.start({
          upstream,
          port: settings.port,
          maxBodyBytes: settings.maxBodyBytes,
          upstreamTimeoutMs: settings.upstreamTimeoutMs,
          onExchange: this.record,
        });
        this.proxy = proxy;
        if (!publicSettings || route.kind !== 'ngrok') {
          this.setState({ kind: 'on', url: proxy.url, localUrl: proxy.url, upstream: upstream.origin, route });
          return this.currentState;
        }
        const tunnel = new PublicTunnel({
          session: publicSettings.session,
          listener: { ...publicSettings.listener, forwardTo: await proxy.tunnelAddress() },
          errorContext: { serverAddr: route.serverAddr, domain: publicSettings.listener.domain, caCertificate: publicSettings.caCertificatePath },
          backoffBaseMs: publicSettings.backoffBaseMs,
          log: this.log,
        });
        this.publicTunnel = tunnel;
        this.publicListener = publicSettings.listener;
        tunnel.onDidChangeState((state) => this.onPublicState(state, proxy.url, upstream.origin, route));
        const result = await tunnel.start();
        if (result.kind === 'error') await this.closeAll();
      } catch (error) {
        await this.closeAll();
        const fix = error instanceof UpstreamError ? 'openUpstreamSetting' : error instanceof CaptureProxyError ? 'openCaptureSettings' : undefined;
        this.setState({ kind: 'error', reason: error instanceof Error ? error.message : String(error), upstream: upstreamText, fix });
      }
      return this.currentState;
    });
  }

  /** Where replays go so the capture proxy records them: its address and the token its marker header needs. */
  get replayTarget(): { readonly localUrl: string; readonly replayToken: string } | undefined {
    return this.proxy && { localUrl: this.proxy.url, replayToken: this.proxy.replayToken };
  }

  /** New endpoint options (a changed Traffic Policy) for the running public tunnel; same URL where the edge allows. */
  applyListenerOptions(listener: PublicTunnelSettings['listener']): Promise<void> {
    return this.serialize(async () => {
      const tunnel = this.publicTunnel;
      const proxy = this.proxy;
      if (!tunnel || !proxy) return;
      await tunnel.relisten({ ...listener, forwardTo: await proxy.tunnelAddress() });
      this.publicListener = listener;
    });
  }

  /** The endpoint options the public tunnel runs with now. */
  get listenerOptions(): PublicTunnelSettings['listener'] {
    return this.publicListener;
  }

  /** Skips the wait before the next reconnect attempt. */
  retryNow(): void {
    this.publicTunnel?.retryNow();
  }

  stop(): Promise<TunnelState> {
    return this.serialize(async () => {
      await this.closeAll();
      this.setState({ kind: 'off' });
      return this.currentState;
    });
  }

  dispose(): void {
    void this.stop().finally(() => this.stateChanges.dispose());
  }

  private onPublicState(state: PublicTunnelState, localUrl: string, upstream: string, route: TunnelRoute): void {
    switch (state.kind) {
      case 'connecting':
        this.setState({ kind: 'starting', upstream, route });
        break;
      case 'online':
        this.setState({ kind: 'on', url: state.url, localUrl, upstream, route });
        break;
      case 'reconnecting':
        this.setState({ kind: 'reconnecting', url: state.url, localUrl, upstream, route, attempt: state.attempt, retryAt: state.retryAt, reason: state.reason });
        break;
      case 'error':
        this.setState({ kind: 'error', reason: state.problem.message, upstream, code: state.problem.code, fix: state.problem.fix });
        // An endpoint the edge stopped leaves nothing worth keeping: release the proxy too.
        if (this.currentState.kind === 'error') void this.serialize(() => this.closeAll());
        break;
      case 'stopped':
        break;
    }
  }

  private async closeAll(): Promise<void> {
    const tunnel = this.publicTunnel;
    const proxy = this.proxy;
    this.publicTunnel = undefined;
    this.proxy = undefined;
    if (tunnel) {
      await tunnel.stop();
      tunnel.dispose();
    }
    await proxy?.close();
  }

  private serialize<T>(step: () => Promise<T>): Promise<T> {
    const next = this.transition.then(step, step);
    this.transition = next.catch(() => undefined);
    return next;
  }

  private setState(state: TunnelState): void {
    this.currentState = state;
    this.stateChanges.fire(state);
  }
}
