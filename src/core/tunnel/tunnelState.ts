/** The one value the status bar, the context keys and the commands render from. */
export type TunnelState =
  | { readonly kind: 'off' }
  | { readonly kind: 'starting'; readonly upstream: string }
  | {
      readonly kind: 'on';
      /** The address senders use: the capture proxy's own in local mode. */
      readonly url: string;
      readonly upstream: string;
      /** `local`: senders on this machine reach the capture proxy directly (no public tunnel). */
      readonly mode: 'local';
    }
  | { readonly kind: 'error'; readonly reason: string; readonly upstream?: string };
