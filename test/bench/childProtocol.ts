import type { CaptureSettings } from './captureServer';

/** What a server child runs, passed as its one JSON argument. */
export interface ServerChildSpec {
  /** `captureBare`: the capture proxy with recording discarded, to split the proxy's cost from the store's. */
  readonly role: 'upstream' | 'passThrough' | 'naive' | 'capture' | 'captureBare';
  /** For proxies: the upstream origin, `http://127.0.0.1:PORT`. */
  readonly upstream?: string;
  /** A private folder for recordings (history store, naive log). */
  readonly scratchDir?: string;
  readonly capture?: CaptureSettings;
}

/** The project's local ngrok-compatible edge (test/edge), alone in a child (edgeChild.ts). */
export interface EdgeChildSpec {
  readonly role: 'edge';
  /** The edge's Nagle workaround (design notes §10); default: the edge's own default, `every-read`. */
  readonly ackPolicy?: 'every-read' | 'syn-and-wndinc' | 'off';
}

/** Where the agents connect: what the extension's `ngrok.serverAddr` / `ngrok.caCertificate` settings would say. */
export interface EdgeInfo {
  readonly serverAddr: string;
  readonly caPem: string;
  readonly publicPort: number;
}

/**
 * An agent child (tunnelChild.ts) behind the edge. `tunnelCapture`: TunnelController, as the extension host runs
 * it (capture proxy recording into the history store, SDK listener forwarding to it); `tunnelSdk`: the same SDK
 * session and listener (src/core/tunnel/ngrokSdk.ts) forwarding straight to the upstream; `tunnelRelay`: the SDK
 * forwarding to a bare relay in the child, piped to the upstream untouched (see tunnelAgent.ts).
 */
export interface TunnelChildSpec {
  readonly role: 'tunnelCapture' | 'tunnelSdk' | 'tunnelRelay';
  readonly edge: EdgeInfo;
  /** `http://127.0.0.1:PORT`. */
  readonly upstream: string;
  /** The history store's folder: every role keeps the history open, only tunnelCapture records into it. */
  readonly scratchDir: string;
  readonly capture: CaptureSettings;
  /** Read memory (GC'd) before starting and once online, and send both with `ready`; needs --expose-gc. */
  readonly memory?: boolean;
}

export type ParentMessage = { readonly id: number; readonly type: 'settle' | 'memory' | 'close' };

export interface MemoryFigures {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  /**
   * V8's new space as reserved now. V8 doubles it (up to 16 MiB a semi-space) each time as much as its
   * size has survived collections, so a fresh process that starts retaining anything grows it: reported
   * apart so that heap sizing can be told from what the tunnel holds.
   */
  readonly youngGeneration: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly recorded: number;
}

/** RSS not counting V8's young generation: what the memory figures of the tunnel phase are judged on. */
export function outsideYoung(reading: MemoryFigures): number {
  return reading.rss - reading.youngGeneration;
}

/** What a child reports once it serves; `port` is where load goes (for tunnels, the edge's public port). */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly port: number;
  /** Tunnels: the public URL (`http://<name>.localhost:<publicPort>`), whose host the load's Host header names. */
  readonly url?: string;
  readonly edge?: EdgeInfo;
  /** Memory mode: before start (core modules loaded, history open) and once the tunnel is online. */
  readonly memoryBefore?: MemoryFigures;
  readonly memoryOnline?: MemoryFigures;
}

export type ChildMessage =
  | ReadyMessage
  | { readonly type: 'failed'; readonly message: string }
  | { readonly id: number; readonly type: 'done'; readonly memory?: MemoryFigures };
