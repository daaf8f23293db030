import type { LazyHistory } from '../core/history/lazyHistory';
import type { TunnelController } from '../core/tunnel/tunnelController';

/** What command handlers work with; built once in `activate`. */
export interface CommandContext {
  readonly tunnel: TunnelController;
  readonly history: LazyHistory;
}
