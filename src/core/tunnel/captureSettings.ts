import type { ListenerSpec, SessionSpec } from './ngrokSdk';

/** What starting a capture needs from the configuration, already typed (the VS Code layer reads settings). */
export interface CaptureSettings {
  /** As the user typed it: `3000`, `localhost:3000` or a URL. */
  readonly upstream: string;
  /** 0 for any free port. */
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly upstreamTimeoutMs: number;
}

/** What a public tunnel needs on top; absent for local-only capture. */
export interface PublicTunnelSettings {
  readonly session: Omit<SessionSpec, 'onHeartbeat' | 'onDisconnect'>;
  readonly listener: Omit<ListenerSpec, 'forwardTo'>;
  readonly authtokenSource: string;
  readonly region?: string;
  readonly caCertificatePath?: string;
  readonly backoffBaseMs?: number;
}
