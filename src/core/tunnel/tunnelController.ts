import { CaptureProxy } from '../capture/captureProxy';
import type { Exchange } from '../capture/exchange';
import { parseUpstream } from '../config/upstream';
import { Emitter } from '../util/event';
import type { Disposable, Event } from '../util/event';
import type { CaptureSettings } from './captureSettings';
import type { TunnelState } from './tunnelState';

/**
 * Owns the running capture proxy and the state everything else renders from. Start and stop are
 * serialized, so a double click or a stop during start never leaves a proxy behind.
 */
export class TunnelController implements Disposable {
  private readonly stateChanges = new Emitter<TunnelState>();
  readonly onDidChangeState: Event<TunnelState> = this.stateChanges.event;
  private currentState: TunnelState = { kind: 'off' };
  private proxy: CaptureProxy | undefined;
  private transition: Promise<unknown> = Promise.resolve();

  constructor(private readonly record: (exchange: Exchange) => void) {}

  get state(): TunnelState {
    return this.currentState;
  }

  /** Resolves with the resulting state; failures end in the `error` state rather than throwing. */
  start(settings: CaptureSettings): Promise<TunnelState> {
    return this.serialize(async () => {
      if (this.currentState.kind === 'on') return this.currentState;
      let upstreamText = settings.upstream;
      try {
        const upstream = parseUpstream(settings.upstream);
        upstreamText = upstream.origin;
        this.setState({ kind: 'starting', upstream: upstream.origin });
        this.proxy = await CaptureProxy.start({
          upstream,
          port: settings.port,
          maxBodyBytes: settings.maxBodyBytes,
          upstreamTimeoutMs: settings.upstreamTimeoutMs,
          onExchange: this.record,
        });
        this.setState({ kind: 'on', url: this.proxy.url, upstream: upstream.origin, mode: 'local' });
      } catch (error) {
        this.setState({ kind: 'error', reason: error instanceof Error ? error.message : String(error), upstream: upstreamText });
      }
      return this.currentState;
    });
  }

  stop(): Promise<TunnelState> {
    return this.serialize(async () => {
      const proxy = this.proxy;
      this.proxy = undefined;
      await proxy?.close();
      this.setState({ kind: 'off' });
      return this.currentState;
    });
  }

  dispose(): void {
    void this.stop().finally(() => this.stateChanges.dispose());
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
