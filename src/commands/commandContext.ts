import type { LazyHistory } from '../core/history/lazyHistory';
import type { TunnelController } from '../core/tunnel/tunnelController';
import type { Secrets } from '../secrets';

/** What command handlers work with; built once in `activate`. */
export interface CommandContext {
  readonly tunnel: TunnelController;
  readonly history: LazyHistory;
  readonly secrets: Secrets;
  readonly extensionVersion: string;
}
