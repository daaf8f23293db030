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

export type ParentMessage = { readonly id: number; readonly type: 'settle' | 'memory' | 'close' };

export interface MemoryFigures {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly recorded: number;
}

export type ChildMessage =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly id: number; readonly type: 'done'; readonly memory?: MemoryFigures };
