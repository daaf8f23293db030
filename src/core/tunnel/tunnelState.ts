import type { TunnelFix } from './ngrokErrors';

/** How senders reach the capture proxy. */
export type TunnelRoute =
  | { readonly kind: 'local' }
  | {
      readonly kind: 'ngrok';
      /** Where the authtoken came from, shown in the tooltip (never the token). */
      readonly authtokenSource: string;
      readonly serverAddr: string;
      readonly region?: string;
      /** A loopback edge (the project's local ngrok-compatible edge), labelled so nobody mistakes it for ngrok. */
      readonly localEdge: boolean;
    };

/** The one value the status bar, the context keys and the commands render from. */
export type TunnelState =
  | { readonly kind: 'off' }
  | { readonly kind: 'starting'; readonly upstream: string; readonly route: TunnelRoute }
  | {
      readonly kind: 'on';
      /** The address senders use: the public URL, or the capture proxy's own in local mode. */
      readonly url: string;
      /** The capture proxy's address on this machine. */
      readonly localUrl: string;
      readonly upstream: string;
      readonly route: TunnelRoute;
    }
  | {
      readonly kind: 'reconnecting';
      readonly url?: string;
      readonly localUrl: string;
      readonly upstream: string;
      readonly route: TunnelRoute;
      readonly attempt: number;
      readonly retryAt?: number;
      readonly reason: string;
    }
  | { readonly kind: 'error'; readonly reason: string; readonly upstream?: string; readonly code?: string; readonly fix?: TunnelFix };
